package transport

import (
	"context"
	"fmt"
	"net"
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
			if strings.Contains(h, "/") {
				return nil, fmt.Errorf("--allowed-hosts: %q is not a host name; give host names such as mcp.example.com, without scheme or path", h)
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
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
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

// originAllowed reports whether an Origin header is one of ours: a page
// served from an allowed host (any scheme or port), or an extra origin.
// Requests without an Origin (non-browser clients) are not asked about.
func (p *originPolicy) originAllowed(origin string) bool {
	o := strings.ToLower(strings.TrimSpace(origin))
	if p.origins[o] {
		return true
	}
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false // includes "null" (sandboxed frames, file://)
	}
	return p.hosts[normalizeHost(u.Host)]
}
