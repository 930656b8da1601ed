package oauth

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ---- /privacy: what is stored, how long, sealed how, how to delete it ----

const privacyBody = `<h1>What lofty-mcp stores about you</h1>
<p><strong>{{ServerHost}}</strong> runs lofty-mcp, which lets apps such as Claude use your Lofty CRM account once you sign in. This is what it keeps, for how long, how it is protected, and how to delete it.</p>
<h2>When you connect an app</h2>
<ul id="stored">
<li><strong>Your Lofty credential:</strong> the API key you pasted, or the tokens Lofty gives when you choose Sign in with Lofty (renewed shortly before they expire). Encrypted with AES-256-GCM under a key only this server holds, each connection with its own random nonce. Kept until you disconnect the app, the app ends its connection, or Lofty refuses to renew it, and at most {{GrantDays}} days after you signed in; then deleted.</li>
<li><strong>Who you are in Lofty:</strong> your Lofty user id, name and email, as Lofty reports them, encrypted with the credential, so that you and the people who run this server can find your connections.</li>
<li><strong>What you allowed:</strong> the permissions you left ticked (read; change data; message leads; administer), encrypted with the credential; and, unencrypted, which app it is, when you signed in, and when the app last used the connection (to the minute).</li>
<li><strong>The app's tokens:</strong> only their SHA-256 fingerprints, never the tokens: an access token lasts {{AccessTTL}}, a refresh token {{RefreshDays}} days.</li>
<li><strong>A sign-in in progress</strong> is kept {{SignInMinutes}} minutes; an app's registration (its name and addresses, nothing of yours) {{ClientDays}} days after its last sign-in.</li>
</ul>
<h2>While an app works</h2>
<ul>
<li>Answers from Lofty are kept {{CacheTTL}} to answer repeated questions quickly, kept apart for each connection, {{CacheWhere}}.</li>
<li>The server's log says which app and connection made each request and whether it worked, and of each change, which tool and which leads (not what was written). Never a key or a token.</li>
</ul>
<h2>Where</h2>
<p>{{StoreWhere}}</p>
<h2>How to delete it</h2>
<ul id="delete">
<li><a href="{{AccountPath}}" id="account-link">Your connected apps</a>: sign in with your Lofty account, then disconnect one app, or all of them, which deletes every Lofty credential this server holds for you, at once.</li>
<li>Remove the connector in the app: an app that revokes its refresh token ends its connection, and the credential is deleted.</li>
<li>Revoke the API key in Lofty, or the app in Lofty (for Sign in with Lofty): the connection stops working at once, and is deleted when it expires or at its next renewal.</li>
<li>{{Contact}}</li>
</ul>
`

// servePrivacy writes /privacy. It holds nothing of any person: anyone
// may read it.
func (s *Server) servePrivacy(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		s.renderError(w, http.StatusMethodNotAllowed, "The privacy page is read with GET.")
		return
	}
	storeWhere := "In the database file oauth.db in the server's state directory, on the server's own disk."
	cacheWhere := "in the server's memory"
	if _, ok := s.store.(*RedisStore); ok {
		storeWhere = "In the Redis database the server's replicas share."
		cacheWhere = "in the server's memory and in its shared Redis database"
	}
	contact := "Or ask the people who run this server: they can end your connections (lofty-mcp grants revoke --person)."
	if c := strings.TrimSpace(s.cfg.PrivacyContact); c != "" {
		contact = "Or ask " + c + ": they can end your connections (lofty-mcp grants revoke --person)."
	}
	cache := "for up to " + duration(s.cfg.CacheTTL)
	if s.cfg.CacheTTL <= 0 {
		cache = "not at all (the cache is off)"
	}
	nonce := newNonce()
	page := render(pageHead+privacyBody+pageFoot, map[string]string{
		"Title": "What lofty-mcp stores — " + hostOf(s.issuer), "Nonce": nonce, "ServerHost": hostOf(s.issuer),
		"GrantDays": days(s.cfg.GrantTTL), "AccessTTL": duration(s.cfg.AccessTokenTTL), "RefreshDays": days(s.cfg.RefreshTokenTTL),
		"SignInMinutes": strconv.Itoa(int(DefaultSignInTTL / time.Minute)), "ClientDays": days(clientRegistrationTTL), "CacheTTL": cache, "CacheWhere": cacheWhere,
		"StoreWhere": storeWhere, "AccountPath": AccountPath, "Contact": contact,
	})
	writePage(w, http.StatusOK, page, nonce)
}

// days is d in whole days ("90").
func days(d time.Duration) string { return strconv.Itoa(int(d / (24 * time.Hour))) }

// duration says d in words: "1 hour", "30 seconds".
func duration(d time.Duration) string {
	switch {
	case d%time.Hour == 0 && d >= time.Hour:
		return plural(int(d/time.Hour), "hour")
	case d%time.Minute == 0 && d >= time.Minute:
		return plural(int(d/time.Minute), "minute")
	}
	return plural(int(d.Round(time.Second)/time.Second), "second")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}
