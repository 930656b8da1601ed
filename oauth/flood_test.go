package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// What a stranger can make this server store without signing in, and how
// it stays bounded. Every request goes to the harness on loopback; "other
// addresses" arrive through it as a trusted proxy (X-Forwarded-For).

// setForTest sets *p to v for the test's duration.
func setForTest[T any](t *testing.T, p *T, v T) {
	old := *p
	*p = v
	t.Cleanup(func() { *p = old })
}

// countRecords counts the live records under prefix in the harness's
// database.
func (h *harness) countRecords(prefix string) int {
	h.t.Helper()
	st, ok := h.srv().store.(*BoltStore)
	if !ok {
		h.t.Fatal("not a BoltStore")
	}
	n := 0
	err := st.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(kvBucket).Cursor()
		for k, v := c.Seek([]byte(prefix)); k != nil && bytes.HasPrefix(k, []byte(prefix)); k, v = c.Next() {
			if _, ok := decodeRecord(v, h.clock.Now()); ok {
				n++
			}
		}
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

func sizeOf(t *testing.T, path string) int64 {
	t.Helper()
	n, err := fileSize(path)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAuthorizationRequestLengthLimits: state and scope longer than their
// limits are refused on the page, naming the parameter and the limit, and
// nothing is stored; at the limit they are accepted.
func TestAuthorizationRequestLengthLimits(t *testing.T) {
	h := newHarness(t)
	c := h.register(nil)
	for _, tc := range []struct {
		param string
		max   int
	}{{"state", maxStateBytes}, {"scope", maxScopeBytes}} {
		for _, n := range []int{tc.max + 1, 30_000} {
			p := c.get(c.authURL(map[string]string{tc.param: strings.Repeat("a", n)}))
			want := fmt.Sprintf("%s is %d bytes long; at most %d are accepted", tc.param, n, tc.max)
			if p.status != http.StatusBadRequest || p.header.Get("Location") != "" || !strings.Contains(p.message(), want) {
				t.Errorf("%s of %d bytes: HTTP %d, message %q; want 400 saying %q", tc.param, n, p.status, p.message(), want)
			}
		}
		if p := c.get(c.authURL(map[string]string{tc.param: strings.Repeat("a", tc.max)})); p.status != http.StatusOK {
			t.Errorf("%s at the limit: HTTP %d %q", tc.param, p.status, p.message())
		}
	}
	if n := h.countRecords(keyPending); n != 2 {
		t.Errorf("%d pending sign-ins stored, want the 2 at the limits", n)
	}
}

// TestRegistrationLengthLimits: each registered value that is stored has a
// limit, and the refusal names the field, its length and the limit.
func TestRegistrationLengthLimits(t *testing.T) {
	h := newHarness(t)
	longURI := "https://app.example.com/cb?" + strings.Repeat("x", maxURIBytes)
	var many []string
	for i := range maxRedirectURIs + 1 {
		many = append(many, fmt.Sprintf("https://app.example.com/cb%d", i))
	}
	ok := []string{"https://app.example.com/cb"}
	for _, tc := range []struct {
		name, code, want string
		meta             map[string]any
	}{
		{"a long redirect URI", "invalid_redirect_uri", fmt.Sprintf("is %d bytes long; at most %d are accepted", len(longURI), maxURIBytes),
			map[string]any{"redirect_uris": []string{ok[0], longURI}}},
		{"many redirect URIs", "invalid_redirect_uri", fmt.Sprintf("redirect_uris lists %d URIs; at most %d are accepted", len(many), maxRedirectURIs),
			map[string]any{"redirect_uris": many}},
		{"a long client_uri", "invalid_client_metadata", fmt.Sprintf("client_uri is %d bytes long; at most %d are accepted", len(longURI), maxURIBytes),
			map[string]any{"redirect_uris": ok, "client_uri": longURI}},
		{"a long client_name", "invalid_client_metadata", fmt.Sprintf("client_name is %d bytes long; at most %d are accepted", maxClientNameBytes+1, maxClientNameBytes),
			map[string]any{"redirect_uris": ok, "client_name": strings.Repeat("n", maxClientNameBytes+1)}},
		{"a long scope", "invalid_client_metadata", fmt.Sprintf("scope is %d bytes long; at most %d are accepted", maxScopeBytes+1, maxScopeBytes),
			map[string]any{"redirect_uris": ok, "scope": strings.Repeat("s", maxScopeBytes+1)}},
		{"long together", "invalid_client_metadata", fmt.Sprintf("are %d bytes long together; at most %d are accepted", 5*len(longURI[:maxURIBytes]), maxClientMetadataBytes),
			map[string]any{"redirect_uris": []string{longURI[:maxURIBytes], longURI[:maxURIBytes], longURI[:maxURIBytes], longURI[:maxURIBytes], longURI[:maxURIBytes]}}},
	} {
		status, body := h.postJSON(RegisterPath, tc.meta)
		var e map[string]string
		json.Unmarshal(body, &e)
		if status != http.StatusBadRequest || e["error"] != tc.code || !strings.Contains(e["error_description"], tc.want) {
			t.Errorf("%s: HTTP %d %s: %s; want %s saying %q", tc.name, status, e["error"], clip(e["error_description"]), tc.code, tc.want)
		}
	}
	// Repeated grant types are kept once.
	grants := []string{"refresh_token"}
	for range 1000 {
		grants = append(grants, "authorization_code")
	}
	status, body := h.postJSON(RegisterPath, map[string]any{"redirect_uris": ok, "grant_types": grants, "token_endpoint_auth_method": "none"})
	var reg struct {
		GrantTypes []string `json:"grant_types"`
	}
	json.Unmarshal(body, &reg)
	if status != http.StatusCreated || strings.Join(reg.GrantTypes, " ") != "refresh_token authorization_code" {
		t.Errorf("repeated grant types: HTTP %d, %d grant_types, want the 2 distinct ones", status, len(reg.GrantTypes))
	}
	if n := h.countRecords(keyClient); n != 1 {
		t.Errorf("%d registrations stored, want 1", n)
	}
}

// TestAuthorizeRateLimited: one address starts at most a burst of sign-ins,
// then one every few seconds; another address is not held up.
func TestAuthorizeRateLimited(t *testing.T) {
	h := newHarness(t, withTrustedProxies("127.0.0.0/8", "::1/128"))
	c := h.register(nil)
	stranger := h.clientFor(c.id, "", testRedirectURI).fromAddress("203.0.113.7")
	for i := range authorizePerIPBurst {
		if p := stranger.get(stranger.authURL(nil)); p.status != http.StatusOK {
			t.Fatalf("sign-in %d: HTTP %d %q", i+1, p.status, p.message())
		}
	}
	p := stranger.get(stranger.authURL(nil))
	if p.status != http.StatusTooManyRequests || p.header.Get("Retry-After") == "" || !strings.Contains(p.message(), "Too many sign-ins") {
		t.Fatalf("past the burst: HTTP %d, Retry-After %q, %q", p.status, p.header.Get("Retry-After"), p.message())
	}
	person := h.clientFor(c.id, "", testRedirectURI).fromAddress("198.51.100.9")
	if p := person.get(person.authURL(nil)); p.status != http.StatusOK {
		t.Fatalf("another address: HTTP %d %q", p.status, p.message())
	}
	h.clock.Advance(time.Minute)
	if p := stranger.get(stranger.authURL(nil)); p.status != http.StatusOK {
		t.Fatalf("after a minute: HTTP %d %q", p.status, p.message())
	}
}

// TestPendingSignInsBounded: pending sign-ins are bounded per address, per
// client and in all. Past a bound the oldest one over it is dropped, never
// the new one: a flood pushes out its own sign-ins first, and nobody is
// refused a new sign-in because others started many.
func TestPendingSignInsBounded(t *testing.T) {
	setForTest(t, &maxPendingPerAddress, 3)
	setForTest(t, &maxPendingPerClient, 5)
	setForTest(t, &maxPending, 8)
	h := newHarness(t, withTrustedProxies("127.0.0.0/8", "::1/128"))
	c := h.register(nil)
	d := h.register(nil)
	start := func(client *testClient, addr string) page {
		t.Helper()
		b := h.clientFor(client.id, "", testRedirectURI).fromAddress(addr)
		p := b.get(b.authURL(nil))
		if p.status != http.StatusOK {
			t.Fatalf("sign-in from %s: HTTP %d %q", addr, p.status, p.message())
		}
		p.browser = b
		return p
	}
	alive := func(p page) bool {
		t.Helper()
		return p.browser.get(h.ts.URL+SignInPath+"?request="+p.field("request")).status == http.StatusOK
	}

	// Per address: the fourth from one address drops that address's first.
	var fromA []page
	for range 4 {
		fromA = append(fromA, start(c, "203.0.113.1"))
	}
	if alive(fromA[0]) || !alive(fromA[1]) || !alive(fromA[3]) {
		t.Fatal("per address: want the oldest sign-in dropped and the others kept")
	}
	if n := h.countRecords(keyPending); n != 3 {
		t.Fatalf("%d pending sign-ins stored, want 3", n)
	}
	// A completed sign-in no longer counts.
	if done := fromA[3].browser.submit(fromA[3], map[string]string{"method": "api_key", "api_key": goodKey}); done.status != http.StatusSeeOther {
		t.Fatalf("sign-in: HTTP %d %q", done.status, done.message())
	}
	// Per client: c has 2; four more of c's from other addresses drop c's
	// oldest one.
	for i := range 4 {
		start(c, fmt.Sprintf("203.0.113.%d", 10+i))
	}
	if alive(fromA[1]) || !alive(fromA[2]) {
		t.Fatal("per client: want the client's oldest sign-in dropped")
	}
	// In all: c has 5; four of d's make 9, one over: the oldest goes.
	for i := range 4 {
		start(d, fmt.Sprintf("203.0.113.%d", 20+i))
	}
	if alive(fromA[2]) {
		t.Fatal("in all: want the oldest sign-in dropped")
	}
	if n := h.countRecords(keyPending); n != 8 {
		t.Fatalf("%d pending sign-ins stored, want 8", n)
	}
	if !strings.Contains(h.logs.String(), "pending sign-in dropped") {
		t.Error("the dropped sign-ins are not logged")
	}
}

// TestUnusedRegistrationsBounded: registrations nobody has signed in with
// are bounded per address and in all, dropping the oldest; one that has
// been signed in with is never dropped.
func TestUnusedRegistrationsBounded(t *testing.T) {
	setForTest(t, &maxUnusedClientsPerAddress, 3)
	setForTest(t, &maxUnusedClients, 5)
	h := newHarness(t, withTrustedProxies("127.0.0.0/8", "::1/128"))
	used := h.register(nil)
	tok := used.login("api_key", goodKey)
	meta := func() map[string]any {
		return map[string]any{"redirect_uris": []string{testRedirectURI}, "token_endpoint_auth_method": "none"}
	}
	var ids []string
	register := func(addr string) {
		t.Helper()
		status, body := h.registerFrom(addr, meta())
		var reg struct {
			ClientID string `json:"client_id"`
		}
		json.Unmarshal(body, &reg)
		if status != http.StatusCreated {
			t.Fatalf("registration from %s: HTTP %d", addr, status)
		}
		ids = append(ids, reg.ClientID)
	}
	registered := func(id string) bool {
		var rec clientRecord
		return getJSON(context.Background(), h.srv().store, keyClient+id, &rec) == nil
	}
	for range 4 {
		register("203.0.113.1")
	}
	if registered(ids[0]) || !registered(ids[1]) {
		t.Fatal("per address: want the address's oldest registration dropped")
	}
	for i := range 3 {
		register(fmt.Sprintf("203.0.113.%d", 10+i))
	}
	if registered(ids[1]) || !registered(ids[2]) || !registered(ids[6]) {
		t.Fatal("in all: want the oldest registrations dropped")
	}
	if n := h.countRecords(keyClient); n != 5+1 {
		t.Errorf("%d registrations stored, want 5 unused and the used one", n)
	}
	// The one signed in with is kept, and its refresh works.
	tok.Expiry = time.Now().Add(-time.Second)
	if _, err := used.conf.TokenSource(context.Background(), tok).Token(); err != nil {
		t.Fatalf("refresh of the client signed in with: %v", err)
	}
}

// TestSignInFloodLeavesTheStoreBounded is the adversarial run in small:
// authorization requests with 30 KB state and scope, and registrations of
// 62 KB bodies, from many addresses. Today's limits refuse them and the
// database barely grows; what the limits accept is swept when it expires,
// and the file is then compacted.
func TestSignInFloodLeavesTheStoreBounded(t *testing.T) {
	h := newHarness(t, withTrustedProxies("127.0.0.0/8", "::1/128"))
	c := h.register(nil)
	db := filepath.Join(h.dir, DBFile)
	start := sizeOf(t, db)
	big := strings.Repeat("a", 30_000)
	for i := range 100 {
		b := h.clientFor(c.id, "", testRedirectURI).fromAddress(fmt.Sprintf("203.0.113.%d", 1+i%50))
		if p := b.get(b.authURL(map[string]string{"state": big, "scope": big})); p.status != http.StatusBadRequest {
			t.Fatalf("authorization request %d with 30 KB state and scope: HTTP %d", i, p.status)
		}
	}
	var uris []string
	for i := range 20 {
		uris = append(uris, fmt.Sprintf("https://app.example.com/cb%d?", i)+strings.Repeat("p", 2_800))
	}
	for i := range 60 {
		status, _ := h.registerFrom(fmt.Sprintf("198.51.100.%d", 1+i), map[string]any{"redirect_uris": uris, "client_name": strings.Repeat("n", 200)})
		if status != http.StatusBadRequest {
			t.Fatalf("registration %d of 62 KB: HTTP %d", i, status)
		}
	}
	if grown := sizeOf(t, db) - start; grown > 256<<10 {
		t.Fatalf("oauth.db grew by %d bytes under a refused flood", grown)
	}

	// At the limits, from many addresses: stored, then expired, swept and
	// compacted away.
	atLimit := strings.Repeat("b", maxStateBytes)
	for i := range 400 {
		b := h.clientFor(c.id, "", testRedirectURI).fromAddress(fmt.Sprintf("192.0.2.%d", 1+i%200))
		if p := b.get(b.authURL(map[string]string{"state": atLimit, "scope": atLimit[:maxScopeBytes]})); p.status != http.StatusOK {
			t.Fatalf("authorization request %d at the limits: HTTP %d %q", i, p.status, p.message())
		}
	}
	peak := sizeOf(t, db)
	if n := h.countRecords(keyPending); n > maxPending {
		t.Fatalf("%d pending sign-ins stored, more than %d", n, maxPending)
	}
	h.clock.Advance(DefaultSignInTTL + time.Second)
	h.srv().maintain(context.Background())
	after := sizeOf(t, db)
	t.Logf("oauth.db: %d bytes at start, %d at the peak of the accepted flood, %d after the sweep and compaction", start, peak, after)
	if after > 512<<10 || after >= peak {
		t.Fatalf("oauth.db is %d bytes after the sweep (peak %d): not compacted", after, peak)
	}
	// Still a working store.
	if tok := c.login("api_key", goodKey); tok.AccessToken == "" {
		t.Fatal("no token after compaction")
	}
}

// TestQuotaForgetsExpiredRecords: a record older than the quota's lifetime
// no longer counts, and counting one again replaces it.
func TestQuotaForgetsExpiredRecords(t *testing.T) {
	now := time.Now()
	q := newQuota(2, time.Minute, 2)
	if drop := q.add("a", []string{"x"}, now); drop != nil {
		t.Fatalf("drop %v", drop)
	}
	if drop := q.add("a", []string{"x"}, now); drop != nil {
		t.Fatalf("the same record again: drop %v", drop)
	}
	q.add("b", []string{"x"}, now)
	if drop := q.add("c", []string{"x"}, now.Add(time.Minute)); drop != nil {
		t.Fatalf("after the lifetime a and b no longer count: drop %v", drop)
	}
	if drop := q.add("d", []string{"y"}, now.Add(time.Minute)); drop != nil {
		t.Fatalf("drop %v", drop)
	}
	if drop := q.add("e", []string{"y"}, now.Add(time.Minute)); len(drop) != 1 || drop[0] != "c" {
		t.Fatalf("over the bound in all: drop %v, want the oldest, c", drop)
	}
	q.remove("d")
	if drop := q.add("f", []string{"z"}, now.Add(time.Minute)); drop != nil {
		t.Fatalf("after a removal: drop %v", drop)
	}
}
