package oauth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// findChromium returns Debian's chromium (or another Chrome on PATH). It
// fails the test, saying how to install it, when there is none — unless
// LOFTY_MCP_SKIP_BROWSER=1, which skips (and says so).
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const how = "the sign-in page test needs a headless browser: install Debian's chromium (apt-get install -y chromium)"
	if os.Getenv("LOFTY_MCP_SKIP_BROWSER") == "1" {
		t.Skip(how + "; skipped because LOFTY_MCP_SKIP_BROWSER=1")
	}
	t.Fatal(how + ", or set LOFTY_MCP_SKIP_BROWSER=1 to skip this test")
	return ""
}

// browserRun is one headless Chromium with its event log.
type browserRun struct {
	ctx      context.Context
	mu       sync.Mutex
	requests []string
	csp      map[string]string // response URL -> Content-Security-Policy
	xfo      map[string]string
	errors   []string // console and CSP errors
}

func startBrowser(t *testing.T) *browserRun {
	exe := findChromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	b := &browserRun{ctx: ctx, csp: map[string]string{}, xfo: map[string]string{}}
	// Console errors (a CSP violation is one) and every request and response.
	console := chromedp.Console(ctx)
	err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, e.Request.URL)
		case *network.EventResponseReceived:
			if v, ok := e.Response.Headers["Content-Security-Policy"].(string); ok {
				b.csp[e.Response.URL] = v
			}
			if v, ok := e.Response.Headers["X-Frame-Options"].(string); ok {
				b.xfo[e.Response.URL] = v
			}
		}
	})
	if err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				b.mu.Lock()
				b.errors = append(b.errors, m.Text)
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// waitURL waits until the page's URL starts with prefix.
func (b *browserRun) waitURL(t *testing.T, prefix string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var loc string
	for time.Now().Before(deadline) {
		if l, err := chromedp.Run(b.ctx, chromedp.Location()); err == nil {
			loc = l
			if strings.HasPrefix(loc, prefix) {
				return loc
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the browser did not reach %s (at %s)", prefix, loc)
	return ""
}

func (b *browserRun) screenshot(t *testing.T, name string) {
	dir := os.Getenv("LOFTY_MCP_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	if png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)); err == nil {
		os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	}
}

// callbackServer is the client's redirect URI, on loopback, recording what arrives.
func callbackServer(t *testing.T) (string, func() url.Values) {
	var mu sync.Mutex
	var got url.Values
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Only the redirect itself counts: the browser also asks this
		// origin for /favicon.ico, after the callback, with no query.
		if r.URL.Path != "/callback" {
			http.NotFound(w, r)
			return
		}
		mu.Lock()
		got = r.URL.Query()
		mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("signed in; you can close this page"))
	}))
	t.Cleanup(ts.Close)
	// The browser's address changes as it sends the request, before the
	// callback has served it: wait (bounded) for the request to arrive.
	return ts.URL + "/callback", func() url.Values {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			mu.Lock()
			q := got
			mu.Unlock()
			if q != nil {
				return q
			}
		}
		return nil
	}
}

// TestSignInPageInBrowser drives the sign-in page in headless Chromium:
// strict CSP and no external request, a wrong key shows the message, the
// right key lands on the client's redirect URI with code, state and iss,
// and the code redeems.
func TestSignInPageInBrowser(t *testing.T) {
	b := startBrowser(t)
	h := newHarness(t, withLoftyOAuth())
	cb, received := callbackServer(t)
	c := h.register(map[string]any{"redirect_uris": []string{cb}, "client_name": "Browser Test App"})
	authURL := c.authURL(nil)

	err := chromedp.Do(b.ctx,
		chromedp.Navigate(authURL),
		chromedp.WaitVisible(chromedp.ID("api_key")),
	)
	if err != nil {
		t.Fatal(err)
	}
	clientName, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("client-name")))
	// The stylesheet applied (its nonce matched the CSP): the button is styled.
	bg, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`getComputedStyle(document.getElementById("submit-key")).backgroundColor`))
	if err != nil || bg == "" || bg == "rgba(0, 0, 0, 0)" || bg == "rgb(239, 239, 239)" {
		t.Errorf("the page's style was not applied (button background %q, %v)", bg, err)
	}
	redirectHost, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("redirect-host")))
	b.screenshot(t, "signin")
	if clientName != "Browser Test App" || redirectHost != strings.TrimPrefix(strings.TrimSuffix(cb, "/callback"), "http://") {
		t.Errorf("page shows client %q and redirect host %q", clientName, redirectHost)
	}
	err = chromedp.Do(b.ctx,
		chromedp.SendKeys(chromedp.ID("api_key"), "wrong-key-123"),
		chromedp.Click(chromedp.ID("submit-key")),
		chromedp.WaitVisible(chromedp.ID("message")),
	)
	if err != nil {
		t.Fatal(err)
	}
	message, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("message")))
	if err != nil {
		t.Fatal(err)
	}
	b.screenshot(t, "wrong-key")
	if !strings.Contains(message, "Lofty did not accept this API key") {
		t.Fatalf("after a wrong key the page says %q", message)
	}
	// The page came back with an empty key field (the wrong key is not echoed).
	err = chromedp.Do(b.ctx,
		chromedp.SendKeys(chromedp.ID("api_key"), goodKey),
		chromedp.Click(chromedp.ID("submit-key")),
	)
	if err != nil {
		t.Fatal(err)
	}
	landed := b.waitURL(t, cb)
	q := received()
	if q.Get("code") == "" || q.Get("iss") != h.ts.URL || q.Get("state") != c.state {
		t.Fatalf("landed on %s with %v", landed, q)
	}
	tok, err := c.exchange(q.Get("code"))
	if err != nil {
		t.Fatalf("the code from the browser does not redeem: %v", err)
	}
	if s, r, _ := h.call(tok.AccessToken); s != 200 || r.Kind != "api_key" {
		t.Fatalf("protected call: HTTP %d", s)
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	cbOrigin := strings.TrimSuffix(cb, "/callback")
	for _, u := range b.requests {
		if !strings.HasPrefix(u, h.ts.URL+"/") && !strings.HasPrefix(u, cbOrigin+"/") {
			t.Errorf("the browser requested %s: an external request", u)
		}
	}
	seen := 0
	for u, csp := range b.csp {
		if strings.HasPrefix(u, h.ts.URL+SignInPath) {
			seen++
			for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "style-src 'nonce-"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP of %s: %q lacks %q", u, csp, want)
				}
			}
			if b.xfo[u] != "DENY" {
				t.Errorf("X-Frame-Options of %s: %q", u, b.xfo[u])
			}
		}
	}
	if seen == 0 {
		t.Error("no sign-in page response with a CSP was seen")
	}
	for _, e := range b.errors {
		// "Failed to load resource" lines are the wrong-key page's 400 (on
		// purpose) and the browser's own favicon probe (404); anything else
		// (a CSP violation, an exception) is a failure.
		if !strings.HasPrefix(e, "Failed to load resource: the server responded with a status of") {
			t.Errorf("browser console error: %s", e)
		}
	}
}

// TestLoftyButtonInBrowser: "Sign in with Lofty" through the fake's
// authorization page (clicking Allow) back to the client.
func TestLoftyButtonInBrowser(t *testing.T) {
	b := startBrowser(t)
	h := newHarness(t, withLoftyOAuth())
	h.fake.EnableOAuth(loftytestApp(false))
	cb, received := callbackServer(t)
	c := h.register(map[string]any{"redirect_uris": []string{cb}})
	err := chromedp.Do(b.ctx,
		chromedp.Navigate(c.authURL(nil)),
		chromedp.WaitVisible(chromedp.ID("lofty")),
		chromedp.Click(chromedp.ID("lofty")),
		chromedp.WaitVisible(chromedp.ID("approve")),
		chromedp.Click(chromedp.ID("approve")),
	)
	if err != nil {
		t.Fatal(err)
	}
	b.waitURL(t, cb)
	q := received()
	if q.Get("code") == "" || q.Get("iss") != h.ts.URL {
		t.Fatalf("callback query %v", q)
	}
	tok, err := c.exchange(q.Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	if s, r, _ := h.call(tok.AccessToken); s != 200 || r.Kind != "access_token" {
		t.Fatalf("protected call: HTTP %d %+v", s, r)
	}
}

// TestScopesAndAccountPageInBrowser: in Chromium, a person unticks "change
// data" on the sign-in page and presses Enter in the key field (which
// submits the key, not Sign in with Lofty): the grant allows reading only.
// Then, on the account page, they sign in with the key, see the app with
// what it may do, disconnect it (its token is refused at once), and
// disconnect everything else. Strict CSP, no external request, no console
// error throughout.
func TestScopesAndAccountPageInBrowser(t *testing.T) {
	b := startBrowser(t)
	h := newHarness(t, withLoftyOAuth(), withResources())
	cb, received := callbackServer(t)
	c := h.register(map[string]any{"redirect_uris": []string{cb}, "client_name": "Browser Scope App"})
	err := chromedp.Do(b.ctx,
		chromedp.Navigate(c.authURL(map[string]string{"scope": "lofty:read lofty:write"})),
		chromedp.WaitVisible(chromedp.ID("allow-write")),
	)
	if err != nil {
		t.Fatal(err)
	}
	b.screenshot(t, "signin-scopes")
	ticked, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.getElementById("allow-write").checked && document.getElementById("allow-read").checked && document.getElementById("allow-read").disabled`))
	if err != nil || !ticked {
		t.Fatalf("the boxes the app asked for are not ticked (read fixed): %v", err)
	}
	err = chromedp.Do(b.ctx,
		chromedp.Click(chromedp.ID("allow-write")),
		chromedp.SendKeys(chromedp.ID("api_key"), goodKey+"\r"),
	)
	if err != nil {
		t.Fatal(err)
	}
	b.waitURL(t, cb)
	q := received()
	tok, err := c.exchange(q.Get("code"))
	if err != nil {
		t.Fatalf("Enter in the key field did not sign in with the key: %v (callback %v)", err, q)
	}
	if tok.Extra("scope") != "lofty:read" {
		t.Errorf("after unticking, the grant allows %q", tok.Extra("scope"))
	}
	other := h.register(map[string]any{"client_name": "Second App"}).login("api_key", goodKey)

	// The account page, reached from the sign-in page's link.
	err = chromedp.Do(b.ctx,
		chromedp.Navigate(c.authURL(nil)),
		chromedp.WaitVisible(chromedp.ID("account-link")),
		chromedp.Click(chromedp.ID("account-link")),
		chromedp.WaitVisible(chromedp.ID("api_key")),
		chromedp.SendKeys(chromedp.ID("api_key"), goodKey),
		chromedp.Click(chromedp.ID("submit-key")),
		chromedp.WaitVisible(chromedp.ID("grants")),
	)
	if err != nil {
		t.Fatal(err)
	}
	b.screenshot(t, "account")
	table, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("grants")))
	if !strings.Contains(table, "Browser Scope App") || !strings.Contains(table, "Second App") || !strings.Contains(table, "read") {
		t.Fatalf("the account page lists:\n%s", table)
	}
	_, r, _ := h.call(tok.AccessToken)
	err = chromedp.Do(b.ctx,
		chromedp.Click(chromedp.ID("revoke-"+r.Grant)),
		chromedp.WaitVisible(chromedp.ID("done")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if status, _, _ := h.call(tok.AccessToken); status != 401 {
		t.Errorf("the disconnected app's token: HTTP %d", status)
	}
	err = chromedp.Do(b.ctx,
		chromedp.Click(chromedp.ID("revoke-all")),
		chromedp.WaitVisible(chromedp.ID("all-done")),
	)
	if err != nil {
		t.Fatal(err)
	}
	b.screenshot(t, "account-done")
	done, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID("done")))
	if !strings.Contains(done, "1 app is disconnected") {
		t.Errorf("after disconnecting everything the page says %q", done)
	}
	if status, _, _ := h.call(other.AccessToken); status != 401 {
		t.Errorf("the second app's token after disconnecting everything: HTTP %d", status)
	}
	// /privacy renders with its style, too.
	if err := chromedp.Do(b.ctx, chromedp.Navigate(h.ts.URL+PrivacyPath), chromedp.WaitVisible(chromedp.ID("delete"))); err != nil {
		t.Fatal(err)
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	cbOrigin := strings.TrimSuffix(cb, "/callback")
	for _, u := range b.requests {
		if !strings.HasPrefix(u, h.ts.URL+"/") && !strings.HasPrefix(u, cbOrigin+"/") {
			t.Errorf("the browser requested %s: an external request", u)
		}
	}
	for u, csp := range b.csp {
		if strings.HasPrefix(u, h.ts.URL+AccountPath) || strings.HasPrefix(u, h.ts.URL+PrivacyPath) {
			if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("CSP of %s: %q", u, csp)
			}
		}
	}
	for _, e := range b.errors {
		if !strings.HasPrefix(e, "Failed to load resource: the server responded with a status of") {
			t.Errorf("browser console error: %s", e)
		}
	}
}
