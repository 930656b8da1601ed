package transport

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
)

// IsLoopbackAddr reports whether a listen address (host:port) reaches only
// this machine: localhost, 127.0.0.0/8 or ::1. An empty host (":8080") or an
// unspecified one (0.0.0.0, ::) listens on every interface and is not
// loopback; a host name counts as loopback only if every address it resolves
// to is.
func IsLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "" {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.IsLoopback()
	}
	ips, err := net.DefaultResolver.LookupNetIP(context.Background(), "ip", host)
	if err != nil || len(ips) == 0 {
		return false
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return false
		}
	}
	return true
}

// originPolicy decides which Host and Origin header values are the server's
// own: the DNS-rebinding defence. Host names compare without their port and
// case-insensitively; extra origins compare as scheme://host[:port].
type originPolicy struct {
	hosts    map[string]bool // host names without port, lower case, IPv6 without brackets
	anyHost  bool            // --allowed-hosts '*'
	origins  map[string]bool // exact origins from --allowed-origins, lower case
	listHost []string        // for the 403 message and the start-up log
}

// newOriginPolicy allows localhost, 127.0.0.1, ::1, the host of the listen
// address (every local interface address and the machine's host name when
// it is unspecified), plus the extra hosts and origins.
func newOriginPolicy(listenAddr string, extraHosts, extraOrigins []string) (*originPolicy, error) {
	p := &originPolicy{hosts: map[string]bool{}, origins: map[string]bool{}}
	add := func(h string) {
		h = normalizeHost(h)
		if h != "" && !p.hosts[h] {
			p.hosts[h] = true
			p.listHost = append(p.listHost, h)
		}
	}
	for _, h := range []string{"localhost", "127.0.0.1", "::1"} {
		add(h)
	}
	host, _, err := net.SplitHostPort(listenAddr)
	if err != nil {
		return nil, fmt.Errorf("listen address %q: %v", listenAddr, err)
	}
	ip, ipErr := netip.ParseAddr(host)
	switch {
	case host == "" || (ipErr == nil && ip.IsUnspecified()):
		// Every interface: the server's own addresses are all of them.
		if addrs, err := net.InterfaceAddrs(); err == nil {
			for _, a := range addrs {
				if pfx, err := netip.ParsePrefix(a.String()); err == nil {
					add(pfx.Addr().WithZone("").String())
				}
			}
		}
		if name, err := os.Hostname(); err == nil {
			add(name)
		}
	default:
		add(host)
	}
	for _, h := range extraHosts {
		h = strings.TrimSpace(h)
		switch {
		case h == "":
		case h == "*":
			p.anyHost = true
			p.listHost = append(p.listHost, "*")
		default:
			if strings.ContainsAny(h, "/@") {
				return nil, fmt.Errorf("--allowed-hosts: %q is not a host name; give host names such as mcp.example.com, without scheme, user or path", h)
			}
			add(h)
		}
	}
	for _, o := range extraOrigins {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("--allowed-origins: %q is not an origin; give scheme://host[:port] such as https://app.example.com", o)
		}
		p.origins[strings.ToLower(u.Scheme+"://"+u.Host)] = true
	}
	return p, nil
}

// normalizeHost strips a port and IPv6 brackets and lower-cases.
func normalizeHost(h string) string {
	h = strings.TrimSpace(h)
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.Trim(h, "[]"), ".")
	return strings.ToLower(h)
}

// hostAllowed reports whether a Host header names this server.
func (p *originPolicy) hostAllowed(hostHeader string) bool {
	if p.anyHost {
		return true
	}
	return p.hosts[normalizeHost(hostHeader)]
}

// parseOrigin splits an Origin header: exactly scheme://host[:port], as
// browsers send it (RFC 6454), with scheme http or https. Anything more —
// user information (http://evil.example@localhost), a path, a query, a
// fragment, spaces or control characters — is not an origin.
func parseOrigin(origin string) (scheme, hostport string, ok bool) {
	scheme, hostport, found := strings.Cut(origin, "://")
	scheme = strings.ToLower(scheme)
	if !found || (scheme != "http" && scheme != "https") || hostport == "" {
		return "", "", false
	}
	for i := 0; i < len(hostport); i++ {
		c := hostport[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`/?#@\%`, c) >= 0 {
			return "", "", false
		}
	}
	return scheme, hostport, true
}

// originAllowed reports whether an Origin header is one of ours: a page
// served from an allowed host (any scheme or port), or an extra origin.
// Requests without an Origin (non-browser clients) are not asked about.
func (p *originPolicy) originAllowed(origin string) bool {
	scheme, hostport, ok := parseOrigin(origin)
	if !ok {
		return false // includes "null" (sandboxed frames, file://)
	}
	if p.origins[scheme+"://"+strings.ToLower(hostport)] {
		return true
	}
	return p.hosts[normalizeHost(hostport)]
}

// corsAllowHeaders are the request headers a browser client may send.
var corsAllowHeaders = strings.Join([]string{
	"Authorization", "Content-Type", "Accept", "Mcp-Session-Id", "Mcp-Protocol-Version", "Mcp-Method", "Mcp-Name", "Last-Event-ID",
	HeaderLoftyAPIKey, HeaderLoftyAccessToken,
}, ", ")

// originGuard is the DNS-rebinding defence: a request whose Host, or Origin
// when present, is not the server's own gets 403. A CORS preflight from an
// allowed origin is answered here (browsers send no credentials on it);
// responses to allowed origins carry the CORS headers a browser client
// needs. A refused origin is never reflected in a header.
func originGuard(p *originPolicy) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !p.hostAllowed(r.Host) {
				refuse(w, r, http.StatusForbidden, "forbidden_host",
					fmt.Sprintf("Host %q is not this server's; if it should be, start lofty-mcp with --allowed-hosts %s", r.Host, normalizeHost(r.Host)))
				return
			}
			origin := r.Header.Get("Origin")
			if origin == "" {
				next.ServeHTTP(w, r)
				return
			}
			if !p.originAllowed(origin) {
				msg := "the Origin header is not an origin (scheme://host[:port], nothing more)"
				if _, _, ok := parseOrigin(origin); ok {
					msg = fmt.Sprintf("Origin %q is not allowed; if it should be, start lofty-mcp with --allowed-origins %s", origin, origin)
				}
				refuse(w, r, http.StatusForbidden, "forbidden_origin", msg)
				return
			}
			h := w.Header()
			h.Add("Vary", "Origin")
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", "Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
				// The origin is trusted: allow what it asks for (the 2026-07-28
				// protocol's Mcp-Param-* headers cannot be listed in advance).
				if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
					h.Set("Access-Control-Allow-Headers", req)
				} else {
					h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
				}
				h.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
