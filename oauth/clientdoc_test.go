package oauth

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// docServer serves Client ID Metadata Documents over TLS on loopback.
type docServer struct {
	ts    *httptest.Server
	hits  atomic.Int32
	serve func(w http.ResponseWriter, r *http.Request, self string)
}

func newDocServer(t *testing.T) *docServer {
	d := &docServer{}
	d.ts = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.hits.Add(1)
		d.serve(w, r, d.ts.URL+r.URL.Path)
	}))
	t.Cleanup(d.ts.Close)
	d.serve = func(w http.ResponseWriter, r *http.Request, self string) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"client_id": self, "client_name": "Doc Client", "redirect_uris": []string{testRedirectURI},
			"token_endpoint_auth_method": "none", "grant_types": []string{"authorization_code", "refresh_token"},
		})
	}
	return d
}

func (d *docServer) tlsConfig() *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(d.ts.Certificate())
	return &tls.Config{RootCAs: pool}
}

func withClientDocs(d *docServer, allowPrivate bool) harnessOption {
	return func(c *Config) {
		c.AllowPrivateClientMetadata = allowPrivate
		c.ClientMetadataTLS = d.tlsConfig()
	}
}

// TestClientIDMetadataDocumentFlow: a client identified by the URL of its
// metadata document signs in and gets tokens with no registration.
func TestClientIDMetadataDocumentFlow(t *testing.T) {
	d := newDocServer(t)
	h := newHarness(t, withClientDocs(d, true))
	id := d.ts.URL + "/oauth/client.json"
	c := h.clientFor(id, "", testRedirectURI)
	p := c.get(c.authURL(nil))
	if p.status != 200 || !strings.Contains(p.body, "Doc Client ("+strings.TrimPrefix(d.ts.URL, "https://")+")") {
		t.Fatalf("sign-in page for a metadata-document client: HTTP %d %s", p.status, p.message())
	}
	if strings.Contains(p.body, "has not verified that name") {
		t.Error("a metadata-document client's name is tied to its domain; no unverified warning expected")
	}
	tok := c.login("api_key", goodKey)
	if s, r, _ := h.call(tok.AccessToken); s != 200 || r.Kind != "api_key" {
		t.Fatalf("HTTP %d", s)
	}
	// Fetched once, then cached (the authorization and both token requests).
	if n := d.hits.Load(); n != 1 {
		t.Errorf("document fetched %d times, want 1 (cached)", n)
	}
	h.clock.Advance(DefaultClientDocTTL + time.Second)
	c.get(c.authURL(nil))
	if n := d.hits.Load(); n != 2 {
		t.Errorf("after the cache TTL: %d fetches, want 2", n)
	}
}

func TestClientIDMetadataDocumentRefusals(t *testing.T) {
	d := newDocServer(t)
	h := newHarness(t, withClientDocs(d, true))
	big := strings.Repeat("x", clientDocMaxBytes)
	cases := []struct {
		name  string
		path  string
		serve func(w http.ResponseWriter, r *http.Request, self string)
		want  string
	}{
		{"client_id differs", "/c.json", func(w http.ResponseWriter, r *http.Request, self string) {
			json.NewEncoder(w).Encode(map[string]any{"client_id": self + "x", "redirect_uris": []string{testRedirectURI}})
		}, "not the document's own URL"},
		{"oversized", "/c.json", func(w http.ResponseWriter, r *http.Request, self string) {
			json.NewEncoder(w).Encode(map[string]any{"client_id": self, "client_name": big, "redirect_uris": []string{testRedirectURI}})
		}, "larger than 65536 bytes"},
		{"slow", "/c.json", func(w http.ResponseWriter, r *http.Request, self string) {
			w.Write([]byte(`{"client_id":`))
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, "no complete answer within 1s"},
		{"redirect", "/c.json", func(w http.ResponseWriter, r *http.Request, self string) {
			http.Redirect(w, r, "/elsewhere.json", http.StatusFound)
		}, "without redirects"},
		{"client secret", "/c.json", func(w http.ResponseWriter, r *http.Request, self string) {
			json.NewEncoder(w).Encode(map[string]any{"client_id": self, "client_secret": "s", "redirect_uris": []string{testRedirectURI}})
		}, "client_secret"},
		{"shared-secret auth", "/c.json", func(w http.ResponseWriter, r *http.Request, self string) {
			json.NewEncoder(w).Encode(map[string]any{"client_id": self, "token_endpoint_auth_method": "client_secret_basic", "redirect_uris": []string{testRedirectURI}})
		}, "only none"},
		{"bad redirect", "/c.json", func(w http.ResponseWriter, r *http.Request, self string) {
			json.NewEncoder(w).Encode(map[string]any{"client_id": self, "redirect_uris": []string{"http://app.example.com/cb"}})
		}, "plain http"},
		{"not json", "/c.json", func(w http.ResponseWriter, r *http.Request, self string) {
			w.Write([]byte("<html>"))
		}, "not a JSON object"},
		{"404", "/c.json", func(w http.ResponseWriter, r *http.Request, self string) {
			http.NotFound(w, r)
		}, "HTTP 404"},
		{"no path", "", nil, "must have a path"},
		{"dot segment", "/a/../c.json", nil, ". or .."},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// A short limit for the slow document; the others keep 5 s, so a
			// loaded machine does not turn them into timeouts.
			h.srv().clientDoc.timeout = clientDocTimeout
			if tc.name == "slow" {
				h.srv().clientDoc.timeout = time.Second
			}
			d.serve = tc.serve
			h.clock.Advance(time.Hour) // fresh rate-limit budget
			id := d.ts.URL + tc.path
			if tc.path != "" {
				id = d.ts.URL + "/" + string(rune('a'+i)) + tc.path
			}
			c := h.clientFor(id, "", testRedirectURI)
			start := time.Now()
			p := c.get(c.authURL(nil))
			if p.status != 400 || p.header.Get("Location") != "" || !strings.Contains(p.message(), tc.want) {
				t.Fatalf("HTTP %d, message %q, want one containing %q", p.status, p.message(), tc.want)
			}
			if time.Since(start) > 4*time.Second {
				t.Errorf("took %s", time.Since(start))
			}
		})
	}
}

// TestClientIDMetadataDocumentPrivateAddress: without the test flag, a
// document on a loopback address is refused at the dial, whether the URL
// names the address or a host name resolving to it.
func TestClientIDMetadataDocumentPrivateAddress(t *testing.T) {
	d := newDocServer(t)
	h := newHarness(t, withClientDocs(d, false))
	port := d.ts.URL[strings.LastIndex(d.ts.URL, ":"):]
	for _, id := range []string{
		d.ts.URL + "/client.json",
		"https://localhost" + port + "/client.json",
		"https://[::1]" + port + "/client.json",
	} {
		c := h.clientFor(id, "", testRedirectURI)
		p := c.get(c.authURL(nil))
		if p.status != 400 || !strings.Contains(p.message(), clientDocUnreachable) {
			t.Errorf("%s: HTTP %d %q", id, p.status, p.message())
		}
	}
	if n := d.hits.Load(); n != 0 {
		t.Errorf("the document server was reached %d times", n)
	}
	// The operator's log says why; the page does not.
	if !strings.Contains(h.logs.String(), "non-public address") {
		t.Error("the log does not say the address was not public")
	}
	// Plain http is refused before any fetch.
	c := h.clientFor("http://127.0.0.1"+port+"/client.json", "", testRedirectURI)
	if p := c.get(c.authURL(nil)); p.status != 400 || !strings.Contains(p.message(), "must use https") {
		t.Errorf("http client_id: HTTP %d %q", p.status, p.message())
	}
}

// TestClientIDMetadataDocumentFetchErrorsShowNoNetworkDetail: the page a
// stranger sees when a document cannot be fetched says so in a fixed
// sentence. The network's own error named internal details (the address
// dialled, the DNS resolver), which made the page a probe of the server's
// network.
func TestClientIDMetadataDocumentFetchErrorsShowNoNetworkDetail(t *testing.T) {
	d := newDocServer(t)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	for _, tc := range []struct {
		name         string
		allowPrivate bool
		id           string
	}{
		{"connection refused", true, "https://" + closedAddr + "/client.json"},
		{"non-public address", false, d.ts.URL + "/client.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, withClientDocs(d, tc.allowPrivate))
			c := h.clientFor(tc.id, "", testRedirectURI)
			p := c.get(c.authURL(nil))
			msg := p.message()
			if p.status != 400 || !strings.Contains(msg, clientDocUnreachable) {
				t.Fatalf("HTTP %d %q, want the fixed sentence %q", p.status, msg, clientDocUnreachable)
			}
			for _, detail := range []string{"dial", "tcp", "connect", "refused", "lookup", "non-public", "refusing"} {
				if strings.Contains(strings.TrimPrefix(msg, "This app cannot sign in here: the client metadata document at "+tc.id), detail) {
					t.Errorf("the page shows a network detail (%q): %q", detail, msg)
				}
			}
		})
	}
}

func TestPublicAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"93.184.216.34": true, "2606:2800:220:1:248:1893:25c8:1946": true, "1.1.1.1": true,
		"127.0.0.1": false, "127.8.9.10": false, "::1": false, "10.1.2.3": false, "172.16.0.1": false,
		"192.168.1.1": false, "169.254.169.254": false, "fe80::1": false, "fc00::1": false, "fd12::1": false,
		"0.0.0.0": false, "::": false, "224.0.0.1": false, "ff02::1": false, "100.64.0.1": false,
		"::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false, "64:ff9b::a00:1": false, "255.255.255.255": false,
		"198.18.0.1": false, "192.0.2.1": false,
		// IPv4-compatible IPv6 (deprecated; some stacks still route it to
		// the IPv4 address) and Teredo, which tunnel to other addresses.
		"::8.8.8.8": false, "::a00:1": false, "2001:0:4136:e378:8000:63bf:3fff:fdd2": false, "2001::1": false,
		"2001:4860:4860::8888": true,
	} {
		if got := publicAddr(netip.MustParseAddr(addr)); got != want {
			t.Errorf("publicAddr(%s) = %t, want %t", addr, got, want)
		}
	}
}

func TestCheckClientIDURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://app.example.com/client.json":       true,
		"https://app.example.com:8443/oauth/client": true,
		"http://app.example.com/client.json":        false,
		"https://app.example.com":                   false,
		"https://app.example.com/":                  false,
		"https://user:pw@app.example.com/c.json":    false,
		"https://app.example.com/c.json#frag":       false,
		"https://app.example.com/a/./c.json":        false,
		"https://app.example.com/a/../c.json":       false,
	} {
		if err := checkClientIDURL(raw); (err == nil) != ok {
			t.Errorf("checkClientIDURL(%s) = %v, want ok=%t", raw, err, ok)
		}
	}
}
