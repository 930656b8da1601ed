package oauth

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestParseTrustedProxies(t *testing.T) {
	got, err := ParseTrustedProxies(" 10.0.0.0/8, 192.168.1.10 ,2001:db8::/32,,::ffff:172.16.0.1, 10.1.2.3/16")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.168.1.10/32", "2001:db8::/32", "172.16.0.1/32", "10.1.0.0/16"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i, p := range got {
		if p.String() != want[i] {
			t.Errorf("prefix %d = %s, want %s", i, p, want[i])
		}
	}
	if got, err := ParseTrustedProxies("  "); err != nil || got != nil {
		t.Errorf("empty: %v %v", got, err)
	}
	for in, want := range map[string]string{
		"10.0.0.0/33":       `"10.0.0.0/33" is not an IP address or CIDR prefix`,
		"proxy.example.com": `"proxy.example.com" is not an IP address or CIDR prefix`,
		"0.0.0.0/0":         `"0.0.0.0/0" trusts every address`,
		"10.0.0.1, ::/0":    `"::/0" trusts every address`,
	} {
		_, err := ParseTrustedProxies(in)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "such as 10.0.0.0/8") {
			t.Errorf("%q: %v, want an error containing %q and an example", in, err, want)
		}
	}
}

// TestClientAddressBehindProxies: the address a request comes from is the
// connection's, unless that is a trusted proxy: then the right-most address
// of X-Forwarded-For that is not a trusted proxy. What a client writes into
// the header itself (left of what the proxies appended) never counts.
func TestClientAddressBehindProxies(t *testing.T) {
	trusted, err := ParseTrustedProxies("10.0.0.0/8, fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		peer   string
		xff    []string
		want   string
		noTrus bool
	}{
		{"no proxy", "203.0.113.5:4000", nil, "203.0.113.5", false},
		{"untrusted peer's header ignored", "203.0.113.5:4000", []string{"198.51.100.1"}, "203.0.113.5", false},
		{"one trusted proxy", "10.0.0.2:4000", []string{"198.51.100.1"}, "198.51.100.1", false},
		{"spoofed left part ignored", "10.0.0.2:4000", []string{"6.6.6.6, 198.51.100.1"}, "198.51.100.1", false},
		{"two trusted proxies", "10.0.0.2:4000", []string{"6.6.6.6, 198.51.100.1, 10.9.9.9"}, "198.51.100.1", false},
		{"several headers", "10.0.0.2:4000", []string{"6.6.6.6", "198.51.100.1", "10.9.9.9"}, "198.51.100.1", false},
		{"ports and IPv6", "[fd00::5]:4000", []string{"[2001:db8::7]:1234, 10.0.0.3:80"}, "2001:db8::7", false},
		{"mapped", "10.0.0.2:4000", []string{"::ffff:198.51.100.1"}, "198.51.100.1", false},
		{"garbage stops the walk", "10.0.0.2:4000", []string{"198.51.100.1, garbage, 10.0.0.7"}, "10.0.0.7", false},
		{"all trusted", "10.0.0.2:4000", []string{"10.0.0.9, 10.0.0.7"}, "10.0.0.9", false},
		{"trusted peer, no header", "10.0.0.2:4000", nil, "10.0.0.2", false},
		{"no trusted proxies set", "10.0.0.2:4000", []string{"198.51.100.1"}, "10.0.0.2", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tc.peer
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			tp := trusted
			if tc.noTrus {
				tp = nil
			}
			if got := forwardedFor(r, tp); got.String() != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestLimitKeyGroupsIPv6Networks(t *testing.T) {
	for in, want := range map[string]string{
		"198.51.100.7":            "198.51.100.7",
		"2001:db8:1:2:3:4:5:6":    "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1":    "2001:db8:1:2::/64",
		"::ffff:198.51.100.7":     "198.51.100.7",
		"not an address (a test)": "not an address (a test)",
	} {
		if got := limitKey(in); got != want {
			t.Errorf("limitKey(%s) = %s, want %s", in, got, want)
		}
	}
}

// fromAddress makes every request of c's browser arrive through the
// harness's trusted proxy (loopback) on behalf of addr.
func (c *testClient) fromAddress(addr string) *testClient {
	c.browser.Transport = forwardedTransport(addr)
	return c
}

type forwardedTransport string

func (f forwardedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", string(f))
	return http.DefaultTransport.RoundTrip(r)
}

// registerFrom registers a client as addr (through the trusted proxy) and
// returns the HTTP status and body.
func (h *harness) registerFrom(addr string, meta map[string]any) (int, []byte) {
	h.t.Helper()
	b, _ := json.Marshal(meta)
	req, _ := http.NewRequest(http.MethodPost, h.ts.URL+RegisterPath, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func withTrustedProxies(prefixes ...string) harnessOption {
	return func(c *Config) {
		for _, p := range prefixes {
			c.TrustedProxies = append(c.TrustedProxies, netip.MustParsePrefix(p))
		}
	}
}

// TestLimitsBehindATrustedProxy: behind the README's TLS proxy every
// request came from the proxy's address, so one stranger's wrong keys and
// registrations used up everyone's budget. With the proxy trusted, the
// stranger exhausts only their own address's limits: someone else, through
// the same proxy, registers and signs in.
func TestLimitsBehindATrustedProxy(t *testing.T) {
	h := newHarness(t, withTrustedProxies("127.0.0.0/8", "::1/128"))
	const stranger, person = "203.0.113.7", "198.51.100.9"
	meta := map[string]any{"redirect_uris": []string{testRedirectURI}, "token_endpoint_auth_method": "none",
		"grant_types": []string{"authorization_code", "refresh_token"}}

	// The stranger registers until refused ...
	refused := false
	for range registerPerIPBurst + 1 {
		if status, _ := h.registerFrom(stranger, meta); status == http.StatusTooManyRequests {
			refused = true
		}
	}
	if !refused {
		t.Fatalf("%d registrations from one address were all accepted", registerPerIPBurst+1)
	}
	// ... and tries wrong keys until refused, on sign-ins of their own.
	c := h.register(nil).fromAddress(stranger)
	refused = false
	for i := 0; i < keyPerIPBurst+1 && !refused; i++ {
		p := c.get(c.authURL(nil))
		if got := c.submit(p, map[string]string{"method": "api_key", "api_key": "wrong"}); got.status == http.StatusTooManyRequests {
			refused = true
		}
	}
	if !refused {
		t.Fatalf("%d wrong keys from one address were all checked", keyPerIPBurst+1)
	}

	// The person, through the same proxy, is not held up by either.
	if status, _ := h.registerFrom(person, meta); status != http.StatusCreated {
		t.Fatalf("registration from another address behind the proxy: HTTP %d", status)
	}
	them := h.register(nil).fromAddress(person)
	if tok := them.login("api_key", goodKey); tok.AccessToken == "" {
		t.Fatal("no access token")
	}
}

// TestUnlistedProxyIsLoggedOnce: X-Forwarded-For from an address that is
// not a trusted proxy is ignored, and said once in the log, naming the
// setting that would count people apart.
func TestUnlistedProxyIsLoggedOnce(t *testing.T) {
	h := newHarness(t)
	for range 3 {
		h.registerFrom("198.51.100.9", map[string]any{"redirect_uris": []string{testRedirectURI}, "token_endpoint_auth_method": "none"})
	}
	if n := strings.Count(h.logs.String(), "--trusted-proxies does not list"); n != 1 {
		t.Errorf("the unlisted proxy is logged %d times, want once", n)
	}
}

// FuzzForwardedFor: whatever X-Forwarded-For holds, the address is the
// connection's when that is not a trusted proxy, and otherwise one the
// header or the connection names; never a panic.
func FuzzForwardedFor(f *testing.F) {
	for _, seed := range [][2]string{
		{"10.0.0.2:4000", "6.6.6.6, 198.51.100.1, 10.9.9.9"},
		{"[fd00::5]:4000", "[2001:db8::7]:1234, 10.0.0.3:80"},
		{"203.0.113.5:1", "198.51.100.1"},
		{"10.0.0.2:4000", ",,, ,garbage,::ffff:1.2.3.4%eth0, [::1"},
	} {
		f.Add(seed[0], seed[1])
	}
	trusted, _ := ParseTrustedProxies("10.0.0.0/8, fd00::/8")
	f.Fuzz(func(t *testing.T, remote, xff string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		got := forwardedFor(r, trusted)
		peer := parseHop(remote)
		switch {
		case !peer.IsValid() || !trusts(trusted, peer):
			if got != peer {
				t.Fatalf("untrusted peer %v: got %v", peer, got)
			}
		case got != peer:
			// Named by the header (perhaps spelt otherwise: mapped, with
			// a port).
			found := false
			for _, h := range strings.Split(xff, ",") {
				found = found || parseHop(h) == got
			}
			if !found {
				t.Fatalf("got %v, named by neither the connection %q nor the header %q", got, remote, xff)
			}
		}
		_ = limitKey(got.String())
	})
}

// FuzzParseTrustedProxies: every prefix accepted is masked, narrower than
// everything, and IPv4 unmapped; never a panic.
func FuzzParseTrustedProxies(f *testing.F) {
	for _, s := range []string{"10.0.0.0/8, 192.168.1.10", "::ffff:10.0.0.0/104", "0.0.0.0/0", "fe80::1%eth0", "1.2.3.4/32,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := ParseTrustedProxies(s)
		if err != nil {
			return
		}
		for _, p := range ps {
			if p.Bits() <= 0 || p != p.Masked() || p.Addr().Is4In6() {
				t.Fatalf("%q gave the prefix %v", s, p)
			}
		}
	})
}
