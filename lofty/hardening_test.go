package lofty_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty"
	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

// A redirect is not followed, so the Authorization header never goes to
// the redirect's target.
func TestRedirectNotFollowed(t *testing.T) {
	var targetHits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		targetHits.Add(1)
		if r.Header.Get("Authorization") != "" {
			t.Errorf("redirect target received an Authorization header")
		}
	}))
	defer target.Close()
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+r.URL.Path, http.StatusFound)
	}))
	defer origin.Close()

	c, err := lofty.New(lofty.Config{BaseURL: origin.URL, Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "k-redirect"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SalesAgentByLead(context.Background(), 1)
	le, ok := lofty.AsError(err)
	if !ok || le.Status != http.StatusFound {
		t.Fatalf("got %v, want an error carrying HTTP 302", err)
	}
	if n := targetHits.Load(); n != 0 {
		t.Errorf("redirect target saw %d requests, want 0", n)
	}
}

// A password in LOFTY_BASE_URL is never printed.
func TestBaseURLPasswordRedacted(t *testing.T) {
	c, err := lofty.New(lofty.Config{BaseURL: "https://user:hunter2@api.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if s := c.String(); strings.Contains(s, "hunter2") {
		t.Errorf("String() = %q reveals the base URL's password", s)
	}
	// Every form, parsable or not, with or without a scheme.
	for _, raw := range []string{
		"ftp://user:hunter2@api.example.com",
		"user:hunter2@127.0.0.1",
		"user:hunter2@127.0.0.1:8080/v1",
		"//user:hunter2@127.0.0.1",
		"http://user:hun/ter2@127.0.0.1",
		"http://us@er:hunter2@127.0.0.1",
		"http://user:hunter2@[::1",
		"hunter2@localhost",
	} {
		c, err := lofty.New(lofty.Config{BaseURL: raw})
		said := ""
		if err != nil {
			said = err.Error()
		} else {
			said = c.String()
		}
		if strings.Contains(said, "ter2") {
			t.Errorf("%s: %q reveals the password", raw, said)
		}
		if got := lofty.RedactURL(raw); strings.Contains(got, "ter2") || !strings.Contains(got, "xxxxx@") {
			t.Errorf("RedactURL(%q) = %q", raw, got)
		}
	}
	if got := lofty.RedactURL("https://api.lofty.com/v1"); got != "https://api.lofty.com/v1" {
		t.Errorf("RedactURL changed a URL without userinfo: %q", got)
	}
}

// NoRecord keeps the fake from remembering requests (and credentials).
func TestFakeNoRecord(t *testing.T) {
	f := fakelofty.New(nil)
	f.NoRecord = true
	c, err := lofty.New(lofty.Config{BaseURL: "http://fake.invalid", Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "k"}, HTTPClient: f.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SalesAgentByLead(context.Background(), fakelofty.DemoLeadWithAgent); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Requests()); n != 0 {
		t.Errorf("fake recorded %d requests with NoRecord set", n)
	}
}

// A plain-http base URL to another machine is warned about; loopback and a
// caller's own HTTP client are not.
func TestPlainHTTPWarning(t *testing.T) {
	for _, tc := range []struct {
		base     string
		ownHTTP  bool
		wantWarn bool
	}{
		{"http://api.example.com", false, true},
		{"https://api.example.com", false, false},
		{"http://127.0.0.1:8080", false, false},
		{"http://localhost:8080", false, false},
		{"http://demo.lofty.invalid", true, false},
	} {
		var logs strings.Builder
		cfg := lofty.Config{BaseURL: tc.base, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
		if tc.ownHTTP {
			cfg.HTTPClient = fakelofty.New(nil).Client()
		}
		if _, err := lofty.New(cfg); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(logs.String(), "plain http"); got != tc.wantWarn {
			t.Errorf("%s (own client %v): warned %v, want %v; logs: %s", tc.base, tc.ownHTTP, got, tc.wantWarn, logs.String())
		}
	}
}
