package oauth

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies reads --trusted-proxies (LOFTY_MCP_TRUSTED_PROXIES):
// comma-separated IP addresses or CIDR prefixes of the proxies in front of
// the server, such as "10.0.0.0/8, 192.168.1.10". Empty: none. A prefix
// holding every address is refused: any client could then name its own
// address in X-Forwarded-For.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil || a.Zone() != "" {
				return nil, fmt.Errorf("--trusted-proxies (or LOFTY_MCP_TRUSTED_PROXIES): %q is not an IP address or CIDR prefix; list your proxies' addresses, comma-separated, such as 10.0.0.0/8, 192.168.1.10 or fd00::/8", f)
			}
			a = a.Unmap()
			p = netip.PrefixFrom(a, a.BitLen())
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(0, p.Bits()-96))
		}
		if p.Bits() == 0 {
			return nil, fmt.Errorf("--trusted-proxies (or LOFTY_MCP_TRUSTED_PROXIES): %q trusts every address, so any client could choose the address the sign-in limits count by sending X-Forwarded-For; list only your proxies' addresses, such as 10.0.0.0/8", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// trusts reports whether a is one of the trusted proxies.
func trusts(trusted []netip.Prefix, a netip.Addr) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor is the address r comes from: the connection's, or, when that
// is a trusted proxy, the right-most address of X-Forwarded-For that is not
// one (each proxy appends the address it was connected from; anything to
// the left of what the trusted ones appended is the client's own say). An
// entry that is not an address ends the walk at the last trusted hop. The
// zero Addr when RemoteAddr is not an address (never, from net/http).
func forwardedFor(r *http.Request, trusted []netip.Prefix) netip.Addr {
	addr := parseHop(r.RemoteAddr)
	if !addr.IsValid() || !trusts(trusted, addr) {
		return addr
	}
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		fields := strings.Split(hops[i], ",")
		for j := len(fields) - 1; j >= 0; j-- {
			a := parseHop(fields[j])
			if !a.IsValid() {
				return addr
			}
			if !trusts(trusted, a) {
				return a
			}
			addr = a
		}
	}
	return addr // every hop a trusted proxy: the farthest one
}

// parseHop reads an address as X-Forwarded-For and RemoteAddr write it:
// bare, or with a port ("1.2.3.4:80", "[::1]:80"); no zone, IPv4 unmapped.
func parseHop(s string) netip.Addr {
	s = strings.TrimSpace(s)
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.Addr{}
	}
	return a.WithZone("").Unmap()
}

// clientAddr is the address r comes from, for the sign-in limits.
func (s *Server) clientAddr(r *http.Request) string {
	if s.cfg.ClientIP != nil {
		return limitKey(s.cfg.ClientIP(r))
	}
	a := forwardedFor(r, s.cfg.TrustedProxies)
	if !a.IsValid() {
		return limitKey(r.RemoteAddr)
	}
	if peer := parseHop(r.RemoteAddr); peer == a && r.Header.Get("X-Forwarded-For") != "" && s.warnedProxy.CompareAndSwap(false, true) {
		s.log.Warn("oauth: a request carries X-Forwarded-For from an address --trusted-proxies does not list; if it is your "+
			"proxy, list it (LOFTY_MCP_TRUSTED_PROXIES), else the sign-in limits count everyone behind it as one address",
			"address", a.String())
	}
	return limitKey(a.String())
}

// limitKey is what the per-address limits count: an IPv4 address, or the
// /64 network of an IPv6 address (one host often holds a whole /64, so
// counting single addresses would give it billions of budgets).
func limitKey(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.WithZone("").Prefix(64)
		return p.String()
	}
	return a.String()
}
