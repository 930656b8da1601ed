package oauth

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
)

// The account page and /privacy, rendered as the sign-in page is (render:
// every value escaped; no script; a per-response style nonce).

const accountSignInBody = `<h1>Your connected apps</h1>
<p>Sign in with your Lofty account to see the apps connected to it through <strong>{{ServerHost}}</strong>, when each last used it, and to disconnect them.</p>
`

const accountSignInForm = `<form method="post" action="{{Action}}" id="account-signin">
<input type="hidden" name="csrf" value="{{CSRF}}">
<label for="api_key">Paste a Lofty API key</label>
<input type="password" id="api_key" name="api_key" autocomplete="off" spellcheck="false" required>
<p class="note">Any API key of yours will do: the page shows every app connected with your Lofty user, whichever key or sign-in it used. The key is checked with Lofty and not kept.</p>
<button class="{{KeyButton}}" type="submit" name="method" value="api_key" id="submit-key">Continue with this key</button>
`

const accountSignInLofty = `<p class="or">or</p>
<button class="primary" type="submit" name="method" value="lofty" id="lofty" formnovalidate>Sign in with Lofty</button>
`

const accountSignInEnd = `</form>
<p class="note">
<a href="{{PrivacyPath}}" id="privacy-link">What lofty-mcp stores, and for how long</a></p>
`

const accountHead = `<h1>Your connected apps</h1>
<p>Signed in as <strong id="who">{{Who}}</strong>. These apps use your Lofty account through <strong>{{ServerHost}}</strong>.</p>
`

const accountDone = `<p class="done" role="status" id="done">{{Done}}</p>
`

const accountTableHead = `<table id="grants">
<tr><th>App</th><th>Allowed</th><th>Last used</th><th></th></tr>
`

const accountRow = `<tr id="grant-{{ID}}" class="grant">
<td><strong class="app">{{App}}</strong><br><span class="note">signed in {{Created}} with {{Method}}{{Where}}; until {{Expires}}</span></td>
<td class="scopes">{{Scopes}}</td>
<td class="last-used">{{LastUsed}}</td>
<td><form method="post" action="{{Action}}">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="method" value="revoke">
<input type="hidden" name="grant" value="{{ID}}">
<button class="secondary" type="submit" id="revoke-{{ID}}">Disconnect</button>
</form></td>
</tr>
`

const accountNone = `<p id="none">No app is connected with your Lofty account here.</p>
`

const accountActions = `<form method="post" action="{{Action}}">
<input type="hidden" name="csrf" value="{{CSRF}}">
<input type="hidden" name="method" value="revoke_all">
<button class="primary" type="submit" id="revoke-all">Disconnect every app and delete my stored Lofty credentials</button>
</form>
<form method="post" action="{{Action}}">
<input type="hidden" name="csrf" value="{{CSRF}}">
<button class="link" type="submit" name="method" value="sign_out" id="sign-out">Sign out of this page</button>
</form>
<p class="note">Disconnecting an app ends its access at once and deletes the Lofty credential it used; it asks you to sign in again if you use it later. <a href="{{PrivacyPath}}" id="privacy-link">What lofty-mcp stores</a></p>
`

const accountDoneBody = `<h1 id="all-done">Every app is disconnected</h1>
<p class="done" role="status" id="done">{{Done}}</p>
<p>Nothing of your Lofty account is kept for these connections any more: the API keys and Lofty tokens they used are deleted. An app you use again asks you to sign in again.</p>
<p class="note">
<a href="{{AccountPath}}">Your connected apps</a> · <a href="{{PrivacyPath}}">What lofty-mcp stores</a></p>
`

// renderAccountSignIn writes the account page's sign-in form.
func (s *Server) renderAccountSignIn(w http.ResponseWriter, r *http.Request, status int, msg string) {
	browser := s.browserCookie(w, r)
	nonce := newNonce()
	lofty := s.cfg.Lofty.oauthEnabled()
	page := pageHead + accountSignInBody
	if msg != "" {
		page += signInMessage
	}
	page += accountSignInForm
	keyButton := "primary"
	if lofty {
		page += accountSignInLofty
		keyButton = "secondary"
	}
	page += accountSignInEnd + pageFoot
	html := render(page, map[string]string{
		"Title": "Your connected apps — lofty-mcp", "Nonce": nonce, "ServerHost": hostOf(s.issuer), "Message": msg,
		"Action": AccountPath, "CSRF": s.keys.csrfToken("account", browser), "KeyButton": keyButton, "PrivacyPath": PrivacyPath,
	})
	var targets []string
	if lofty {
		targets = append(targets, origin(s.cfg.Lofty.AuthorizeURL))
	}
	writePage(w, status, html, nonce, targets...)
}

// renderAccount writes the list of a signed-in person's connected apps,
// with done (what was just done) or problem (why not) above it.
func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, secret string, acct *accountRecord, done, problem string) {
	mine, err := s.grantsOf(r.Context(), acct)
	if err != nil && problem == "" {
		s.log.Error("oauth: listing a person's grants failed", "error", err)
		status, problem = http.StatusServiceUnavailable, "The server could not read your connected apps right now; try again shortly."
	}
	nonce := newNonce()
	csrf := s.keys.csrfToken("account-session", secret)
	vals := map[string]string{
		"Title": "Your connected apps — lofty-mcp", "Nonce": nonce, "ServerHost": hostOf(s.issuer), "Who": personLabel(acct.Person),
		"Message": problem, "Done": done, "Action": AccountPath, "CSRF": csrf, "PrivacyPath": PrivacyPath,
	}
	page := pageHead + accountHead
	if problem != "" {
		page += signInMessage
	}
	if done != "" {
		page += accountDone
	}
	var b strings.Builder
	b.WriteString(render(page, vals))
	if len(mine) == 0 {
		b.WriteString(accountNone)
	} else {
		b.WriteString(accountTableHead)
		for _, g := range mine {
			b.WriteString(render(accountRow, map[string]string{
				"ID": g.ID, "App": appName(g), "Created": when(g.Created), "Expires": when(g.Expires),
				"Method": methodLabel(g.Method), "Where": s.resourceLabel(g.Resource), "Scopes": scopesLabel(g.Scopes),
				"LastUsed": lastUsedLabel(g.LastUsed), "Action": AccountPath, "CSRF": csrf,
			}))
		}
		b.WriteString("</table>\n")
	}
	b.WriteString(render(accountActions+pageFoot, vals))
	w.Header().Set("Cache-Control", "no-store")
	writePage(w, status, b.String(), nonce)
}

// renderAccountDone writes the page after every app was disconnected.
func (s *Server) renderAccountDone(w http.ResponseWriter, n int) {
	nonce := newNonce()
	done := "No app was connected; nothing was stored for you."
	switch {
	case n == 1:
		done = "1 app is disconnected and its stored Lofty credential deleted."
	case n > 1:
		done = fmt.Sprintf("%d apps are disconnected and their stored Lofty credentials deleted.", n)
	}
	writePage(w, http.StatusOK, render(pageHead+accountDoneBody+pageFoot, map[string]string{
		"Title": "Disconnected — lofty-mcp", "Nonce": nonce, "Done": done, "AccountPath": AccountPath, "PrivacyPath": PrivacyPath,
	}), nonce)
}

func personLabel(p person) string {
	switch {
	case p.Name != "" && p.Email != "":
		return p.Name + " (" + p.Email + ")"
	case p.Email != "":
		return p.Email
	case p.Name != "":
		return p.Name
	}
	return fmt.Sprintf("Lofty user %d", p.ID)
}

func methodLabel(m string) string {
	if m == MethodLofty {
		return "Sign in with Lofty"
	}
	return "an API key"
}

// resourceLabel names a grant's URL when it is a selection of /mcp.
func (s *Server) resourceLabel(resource string) string {
	path := strings.TrimPrefix(resource, s.issuer)
	if path == ResourcePath || path == resource {
		return ""
	}
	return " at " + path
}

// scopesLabel says in words what a grant allows.
func scopesLabel(list string) string {
	known, _ := access.ParseScopes(list)
	var words []string
	for _, name := range known.Names() {
		switch name {
		case "lofty:read":
			words = append(words, "read")
		case "lofty:write":
			words = append(words, "change data")
		case "lofty:messages":
			words = append(words, "message leads")
		case "lofty:admin":
			words = append(words, "administer")
		}
	}
	if len(words) == 0 {
		return "—"
	}
	return strings.Join(words, ", ")
}

func lastUsedLabel(t time.Time) string {
	if t.IsZero() {
		return "not yet"
	}
	return when(t)
}

// when is a time as the pages show it (the server does not know the
// person's zone: UTC, said so).
func when(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }
