package main

import (
	"bytes"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lofty-mcp/lofty-mcp/oauth"
)

func TestOAuthFlagsAndEnvironment(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	keyB64 := base64.StdEncoding.EncodeToString(key)
	env := func(kv ...string) func(string) string {
		m := map[string]string{"HOME": "/home/alice"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	type want struct {
		enabled   bool
		publicURL string
		stateDir  string
		key       bool
		lofty     bool
		ttl       time.Duration
	}
	cases := []struct {
		name      string
		args      []string
		getenv    func(string) string
		want      want
		errSubstr string
	}{
		{"off by default", []string{"http"}, env(), want{}, ""},
		{"flag", []string{"http", "--oauth", "--public-url", "https://mcp.example.com/"}, env(),
			want{enabled: true, publicURL: "https://mcp.example.com", stateDir: "/home/alice/.local/state/lofty-mcp", ttl: time.Hour}, ""},
		{"environment", []string{"http"}, env("LOFTY_MCP_OAUTH", "1", "LOFTY_MCP_PUBLIC_URL", "https://mcp.example.com",
			"LOFTY_MCP_STATE_DIR", "/var/lib/lofty-mcp", "LOFTY_MCP_SECRET_KEY", keyB64,
			"LOFTY_OAUTH_CLIENT_ID", "app", "LOFTY_OAUTH_CLIENT_SECRET", "s3cret", "LOFTY_MCP_OAUTH_ACCESS_TOKEN_TTL", "15m"),
			want{enabled: true, publicURL: "https://mcp.example.com", stateDir: "/var/lib/lofty-mcp", key: true, lofty: true, ttl: 15 * time.Minute}, ""},
		{"XDG_STATE_HOME", []string{"http", "--oauth", "--public-url", "http://127.0.0.1:8080"}, env("XDG_STATE_HOME", "/xdg/state"),
			want{enabled: true, publicURL: "http://127.0.0.1:8080", stateDir: "/xdg/state/lofty-mcp", ttl: time.Hour}, ""},
		{"relative XDG_STATE_HOME ignored", []string{"http", "--oauth", "--public-url", "http://localhost:8080"}, env("XDG_STATE_HOME", "state"),
			want{enabled: true, publicURL: "http://localhost:8080", stateDir: "/home/alice/.local/state/lofty-mcp", ttl: time.Hour}, ""},
		{"demo keeps its own state", []string{"--demo", "http", "--oauth", "--public-url", "http://127.0.0.1:8080"}, env(),
			want{enabled: true, publicURL: "http://127.0.0.1:8080", stateDir: "/home/alice/.local/state/lofty-mcp/demo", ttl: time.Hour}, ""},
		{"demo with an explicit state dir", []string{"--demo", "http", "--oauth", "--public-url", "http://127.0.0.1:8080", "--state-dir", "/tmp/x"}, env(),
			want{enabled: true, publicURL: "http://127.0.0.1:8080", stateDir: "/tmp/x", ttl: time.Hour}, ""},
		{"flag off beats environment", []string{"http", "--oauth=false"}, env("LOFTY_MCP_OAUTH", "1"), want{}, ""},
		{"not checked for stdio", nil, env("LOFTY_MCP_OAUTH", "1"), want{}, ""},
		{"refused for call", []string{"call", "find_leads", "--oauth"}, env(), want{}, "--oauth applies to lofty-mcp http only"},

		{"no public URL", []string{"http", "--oauth"}, env(), want{}, "--public-url (or LOFTY_MCP_PUBLIC_URL) is required with --oauth"},
		{"http public URL", []string{"http", "--oauth", "--public-url", "http://mcp.example.com"}, env(), want{},
			`--public-url (or LOFTY_MCP_PUBLIC_URL) "http://mcp.example.com" must use https`},
		{"public URL with a path", []string{"http", "--oauth"}, env("LOFTY_MCP_PUBLIC_URL", "https://example.com/lofty"), want{},
			"--public-url (or LOFTY_MCP_PUBLIC_URL) \"https://example.com/lofty\" must be only a scheme and host"},
		{"bad LOFTY_MCP_OAUTH", []string{"http"}, env("LOFTY_MCP_OAUTH", "yes"), want{}, `--oauth (or LOFTY_MCP_OAUTH) must be true or false (1 or 0), got "yes"`},
		{"bad secret key", []string{"http", "--oauth", "--public-url", "https://m.example.com"}, env("LOFTY_MCP_SECRET_KEY", "c2hvcnQ="), want{},
			"LOFTY_MCP_SECRET_KEY decodes to 5 bytes; it must be 32 bytes"},
		{"half a vendor app", []string{"http", "--oauth", "--public-url", "https://m.example.com"}, env("LOFTY_OAUTH_CLIENT_ID", "app"), want{},
			"set both LOFTY_OAUTH_CLIENT_ID and LOFTY_OAUTH_CLIENT_SECRET"},
		{"TTL too short", []string{"http", "--oauth", "--public-url", "https://m.example.com"}, env("LOFTY_MCP_OAUTH_ACCESS_TOKEN_TTL", "500ms"), want{},
			`LOFTY_MCP_OAUTH_ACCESS_TOKEN_TTL must be a Go duration from 1s to 24h0m0s, such as 15m or 1h, got "500ms"`},
		{"TTL not a duration", []string{"http", "--oauth", "--public-url", "https://m.example.com"}, env("LOFTY_MCP_OAUTH_ACCESS_TOKEN_TTL", "3600"), want{},
			"LOFTY_MCP_OAUTH_ACCESS_TOKEN_TTL must be a Go duration"},
		{"Redis needs a shared key", []string{"http", "--oauth", "--public-url", "https://m.example.com", "--redis-url", "redis://127.0.0.1:6379/0"}, env(), want{},
			"with --redis-url, --oauth needs LOFTY_MCP_SECRET_KEY"},
		{"no state directory", []string{"http", "--oauth", "--public-url", "https://m.example.com"}, func(string) string { return "" }, want{},
			"set --state-dir or LOFTY_MCP_STATE_DIR"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parseConfig(tc.args, tc.getenv, io.Discard)
			if tc.errSubstr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errSubstr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.errSubstr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			o := cfg.oauth
			got := want{enabled: o.enabled, key: o.secretKey != nil, lofty: o.loftyClientID != ""}
			if o.enabled {
				got.publicURL, got.stateDir, got.ttl = o.publicURL, o.stateDir, o.accessTokenTTL
			}
			tc.want.stateDir = filepath.FromSlash(tc.want.stateDir)
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
			if tc.want.key && !bytes.Equal(o.secretKey, key) {
				t.Error("the secret key was not decoded")
			}
		})
	}
	// With Redis and a key, no state directory is needed.
	cfg, err := parseConfig([]string{"http", "--oauth", "--public-url", "https://m.example.com", "--redis-url", "redis://127.0.0.1:6379/0"},
		func(k string) string { return map[string]string{"LOFTY_MCP_SECRET_KEY": keyB64}[k] }, io.Discard)
	if err != nil || !cfg.oauth.enabled {
		t.Fatalf("Redis and a key, no HOME: %v", err)
	}
}

// --help names every OAuth setting and prints no secret, even when the
// environment holds them.
func TestOAuthHelpPrintsNoSecret(t *testing.T) {
	secrets := map[string]string{
		"LOFTY_MCP_SECRET_KEY":      "c2VjcmV0LWtleS1zZWNyZXQta2V5LXNlY3JldC1rZXk=",
		"LOFTY_OAUTH_CLIENT_SECRET": "vendor-secret-4b1d",
		"LOFTY_OAUTH_CLIENT_ID":     "vendor-id-77",
	}
	var out strings.Builder
	if _, err := parseConfig([]string{"--help"}, func(k string) string { return secrets[k] }, &out); err != errHelp {
		t.Fatal(err)
	}
	help := out.String()
	for _, name := range []string{"-oauth", "-public-url", "-state-dir", "LOFTY_MCP_OAUTH", "LOFTY_MCP_PUBLIC_URL", "LOFTY_MCP_STATE_DIR",
		"LOFTY_MCP_SECRET_KEY", "LOFTY_OAUTH_CLIENT_ID", "LOFTY_OAUTH_CLIENT_SECRET", "LOFTY_OAUTH_AUTHORIZE_URL", "LOFTY_OAUTH_TOKEN_URL",
		"LOFTY_MCP_OAUTH_ACCESS_TOKEN_TTL"} {
		if !strings.Contains(help, name) {
			t.Errorf("--help does not name %s", name)
		}
	}
	for name, v := range secrets {
		if strings.Contains(help, v) {
			t.Errorf("--help prints the value of %s", name)
		}
	}
}

// TestDemoLoftyPageRedirectsOnlyToTheCallback: --demo --oauth serves the
// demo Lofty's authorization page on the public server; like Lofty's, it
// sends the browser back only to this server's own callback, so it is no
// open redirect.
func TestDemoLoftyPageRedirectsOnlyToTheCallback(t *testing.T) {
	public := "https://demo.example.com"
	cfg, err := parseConfig([]string{"--demo", "http", "--oauth", "--public-url", public, "--state-dir", t.TempDir()},
		func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	srv, handlers, err := a.newOAuthServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	page := handlers["GET "+demoAuthorizePath]
	if page == nil {
		t.Fatalf("no demo authorization page among %v", handlers)
	}
	for uri, want := range map[string]int{
		public + oauth.LoftyCallbackPath:       http.StatusFound,
		"https://evil.example/":                http.StatusBadRequest,
		public + oauth.LoftyCallbackPath + "x": http.StatusBadRequest,
		"http://127.0.0.1:9/callback":          http.StatusBadRequest,
	} {
		for _, approve := range []string{"1", "0"} {
			rec := httptest.NewRecorder()
			page.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, demoAuthorizePath+"?"+url.Values{
				"clientId": {demoVendorClientID}, "response_type": {"code"}, "redirect_uri": {uri}, "state": {"s"}, "approve": {approve},
			}.Encode(), nil))
			loc := rec.Header().Get("Location")
			if rec.Code != want || (want == http.StatusFound) != strings.HasPrefix(loc, public+oauth.LoftyCallbackPath+"?") {
				t.Errorf("redirect_uri %s, approve=%s: HTTP %d to %q, want %d", uri, approve, rec.Code, loc, want)
			}
		}
	}
}

// TestTrustedProxiesSetting: --trusted-proxies / LOFTY_MCP_TRUSTED_PROXIES
// name the proxies whose X-Forwarded-For the sign-in limits believe.
func TestTrustedProxiesSetting(t *testing.T) {
	base := []string{"http", "--oauth", "--public-url", "https://m.example.com", "--state-dir", "/tmp/x"}
	env := func(v string) func(string) string {
		return func(k string) string { return map[string]string{"LOFTY_MCP_TRUSTED_PROXIES": v}[k] }
	}
	for _, tc := range []struct {
		name    string
		args    []string
		env     string
		want    string
		errWant string
	}{
		{"none", base, "", "", ""},
		{"flag", append(base, "--trusted-proxies", "10.0.0.0/8, 192.168.1.10"), "", "10.0.0.0/8 192.168.1.10/32", ""},
		{"repeated flag", append(base, "--trusted-proxies", "10.0.0.0/8", "--trusted-proxies", "fd00::/8"), "", "10.0.0.0/8 fd00::/8", ""},
		{"environment", base, "172.16.0.0/12", "172.16.0.0/12", ""},
		{"flag beats environment", append(base, "--trusted-proxies", "10.0.0.1"), "172.16.0.0/12", "10.0.0.1/32", ""},
		{"not an address", append(base, "--trusted-proxies", "proxy.internal"), "", "", `--trusted-proxies (or LOFTY_MCP_TRUSTED_PROXIES): "proxy.internal" is not an IP address or CIDR prefix`},
		{"everything", base, "0.0.0.0/0", "", `"0.0.0.0/0" trusts every address`},
		{"not checked without --oauth", []string{"http", "--trusted-proxies", "nonsense"}, "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parseConfig(tc.args, env(tc.env), io.Discard)
			if tc.errWant != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errWant) {
					t.Fatalf("err = %v, want one containing %q", err, tc.errWant)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range cfg.oauth.trustedProxies {
				got = append(got, p.String())
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("trusted proxies %v, want %s", got, tc.want)
			}
		})
	}
	var help strings.Builder
	if _, err := parseConfig([]string{"--help"}, func(string) string { return "" }, &help); err != errHelp {
		t.Fatal(err)
	}
	for _, want := range []string{"-trusted-proxies", "LOFTY_MCP_TRUSTED_PROXIES", "X-Forwarded-For"} {
		if !strings.Contains(help.String(), want) {
			t.Errorf("--help does not mention %s", want)
		}
	}
}
