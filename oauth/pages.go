package oauth

import (
	"crypto/rand"
	"encoding/base64"
	"html"
	"net/http"
	"net/url"
	"strings"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
)

// The sign-in page and the error page: server-rendered, no script, no
// external asset; the one inline style element carries a per-response
// nonce that the Content-Security-Policy names.
const pageCSS = `
:root{color-scheme:light dark;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
body{margin:0;display:flex;justify-content:center;background:#f4f5f7;color:#1d2330}
main{max-width:30rem;width:100%;margin:3rem 1rem;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.35rem;margin:0 0 1rem}
p{line-height:1.45}
.who{background:#f0f3f8;border-radius:8px;padding:.75rem 1rem}
.note{font-size:.85rem;color:#555}
.error{background:#fdecea;color:#8a1c12;border-radius:8px;padding:.75rem 1rem;font-weight:600}
form{margin:1.25rem 0 0}
label{display:block;font-weight:600;margin-bottom:.35rem}
fieldset{border:1px solid #d5d9e0;border-radius:8px;margin:0 0 1.25rem;padding:.5rem 1rem .25rem}
legend{font-weight:600;padding:0 .35rem}
label.scope{font-weight:400;margin:.5rem 0;display:flex;gap:.5rem;align-items:flex-start;line-height:1.4}
label.scope input{margin-top:.2rem}
a{color:#1a56db}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.45rem .35rem;border-bottom:1px solid #e4e7ec;vertical-align:top}
td form{margin:0}td button{margin-top:0;padding:.4rem .8rem}
.done{background:#e7f6ec;color:#14532d;border-radius:8px;padding:.75rem 1rem;font-weight:600}
input[type=password]{box-sizing:border-box;width:100%;padding:.6rem;font:inherit;border:1px solid #aab;border-radius:6px}
button{font:inherit;font-weight:600;padding:.6rem 1.2rem;border-radius:6px;border:0;cursor:pointer;margin-top:.75rem}
.primary{background:#1a56db;color:#fff;width:100%}
.secondary{background:#e4e7ec;color:#1d2330}
.link{background:none;color:#555;text-decoration:underline;padding:0}
.or{text-align:center;color:#777;margin:1.25rem 0 0}
@media (prefers-color-scheme:dark){body{background:#15181e;color:#e6e8ec}main{background:#1f232b}.who{background:#2a303b}.note,.or,.link{color:#aab}fieldset,th,td{border-color:#333a46}a{color:#8ab4f8}.secondary{background:#333a46;color:#e6e8ec}input[type=password]{background:#15181e;color:#e6e8ec}}
`

// The pages are filled by render: every {{Name}} placeholder stands in
// element text or in a double-quoted attribute value, and render escapes
// what it puts there. (Not html/template: its reflection would keep every
// method of every type in the binary, making it 8 MB larger and each start
// slower, for two fixed pages.)

// pageHead starts both pages; {{Title}} and {{Nonce}} are filled.
const pageHead = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{Title}}</title>
<style nonce="{{Nonce}}">` + pageCSS + `</style>
</head>
<body>
<main>
`

const pageFoot = `</main>
</body>
</html>
`

const signInWho = `<h1>Sign in to use Lofty</h1>
<div class="who" id="client">
<p><strong id="client-name">{{ClientName}}</strong> asks to use your Lofty CRM account through <strong>{{ServerHost}}</strong>.</p>
<p>After you sign in you will be sent back to <strong id="redirect-host">{{RedirectHost}}</strong>.</p>
`

const signInUnverified = `<p class="note">The app named itself; {{ServerHost}} has not verified that name. Continue only if you just connected this app.</p>
`

const signInMessage = `<p class="error" role="alert" id="message">{{Message}}</p>
`

const signInNote = `<p class="note" id="note">{{Note}}</p>
`

// signInForm starts the one sign-in form: what the app may do, then the
// two ways to sign in. The API key comes first, so that Enter in its field
// submits the key (a form's first button is what Enter presses).
const signInForm = `<form method="post" action="{{Action}}" id="signin-form">
<input type="hidden" name="request" value="{{RequestID}}">
<input type="hidden" name="csrf" value="{{CSRF}}">
<fieldset id="scopes">
<legend>What <span id="scopes-client">{{ClientName}}</span> may do</legend>
`

// signInScopeAlways is lofty:read, which every sign-in grants.
const signInScopeAlways = `<label class="scope">
<input type="checkbox" id="allow-read" checked disabled> <span>{{What}} <span class="note">(always)</span></span></label>
`

// signInScope is one more scope the app asked for: ticked, and untick-able.
const signInScope = `<label class="scope">
<input type="checkbox" name="{{Field}}" id="{{ID}}" value="1" checked> <span>{{What}}</span></label>
`

const signInScopesEnd = `<p class="note">Untick what you do not want to allow: the app then works without it, and asks you to sign in again if you later want it to do more.</p>
`

const signInKey = `</fieldset>
<label for="api_key">Paste a Lofty API key</label>
<input type="password" id="api_key" name="api_key" autocomplete="off" spellcheck="false" required>
<p class="note">Your personal API key from your Lofty account. It is checked with Lofty, stored encrypted, and used only for this app's requests to Lofty.</p>
<button class="{{KeyButton}}" type="submit" name="method" value="api_key" id="submit-key">Continue with this key</button>
`

const signInLofty = `<p class="or">or</p>
<button class="primary" type="submit" name="method" value="lofty" id="lofty" formnovalidate>Sign in with Lofty</button>
`

const signInEnd = `</form>
<form method="post" action="{{Action}}">
<input type="hidden" name="request" value="{{RequestID}}">
<input type="hidden" name="csrf" value="{{CSRF}}">
<button class="link" type="submit" name="method" value="cancel" id="cancel">Cancel and go back to the app</button>
</form>
<p class="note">
<a href="{{AccountPath}}" id="account-link">See or disconnect the apps connected to your Lofty account</a> · <a href="{{PrivacyPath}}" id="privacy-link">What is stored</a></p>
`

const errorBody = `<h1>Cannot sign in</h1>
<p class="error" role="alert" id="message">{{Message}}</p>
<p class="note">Go back to the app you were connecting and start again.</p>
`

// render fills page's {{Name}} placeholders with vals, each HTML-escaped.
// A placeholder vals lacks is a programming error: it panics (the page
// tests would see it).
func render(page string, vals map[string]string) string {
	var b strings.Builder
	for {
		i := strings.Index(page, "{{")
		if i < 0 {
			b.WriteString(page)
			return b.String()
		}
		j := strings.Index(page[i:], "}}")
		if j < 0 {
			panic("oauth: unterminated placeholder in a page")
		}
		name := page[i+2 : i+j]
		v, ok := vals[name]
		if !ok {
			panic("oauth: no value for the page's {{" + name + "}}")
		}
		b.WriteString(page[:i])
		b.WriteString(html.EscapeString(v))
		page = page[i+j+2:]
	}
}

// signInPage is the sign-in page of v.
func signInPage(v signInView) string {
	page := pageHead + signInWho
	if v.Unverified {
		page += signInUnverified
	}
	page += "</div>\n"
	if v.Message != "" {
		page += signInMessage
	}
	if v.Note != "" {
		page += signInNote
	}
	keyButton := "primary"
	if v.LoftyEnabled {
		keyButton = "secondary"
	}
	vals := map[string]string{
		"Title": "Sign in to Lofty — lofty-mcp", "Nonce": v.Nonce,
		"ClientName": v.ClientName, "ServerHost": v.ServerHost, "RedirectHost": v.RedirectHost,
		"Message": v.Message, "Note": v.Note, "Action": v.Action, "RequestID": v.RequestID, "CSRF": v.CSRF, "KeyButton": keyButton,
		"AccountPath": AccountPath, "PrivacyPath": PrivacyPath,
	}
	var b strings.Builder
	b.WriteString(render(page+signInForm, vals))
	(v.Offered | access.Read).Each(func(one access.Scopes, name, what string) {
		if one == access.Read {
			b.WriteString(render(signInScopeAlways, map[string]string{"What": what}))
			return
		}
		row := signInScope
		if v.Ticked != 0 && v.Ticked&one == 0 {
			row = strings.Replace(row, " checked>", ">", 1)
		}
		b.WriteString(render(row, map[string]string{"What": what, "Field": scopeField(name), "ID": "allow-" + scopeShort(name)}))
	})
	if v.Offered&^access.Read != 0 {
		b.WriteString(signInScopesEnd)
	}
	rest := signInKey
	if v.LoftyEnabled {
		rest += signInLofty
	}
	b.WriteString(render(rest+signInEnd+pageFoot, vals))
	return b.String()
}

// scopeShort is a scope's name without "lofty:" ("write").
func scopeShort(name string) string { return strings.TrimPrefix(name, "lofty:") }

// scopeField is the sign-in form's field for a scope: allow_write=1 when
// its box is ticked (an unticked box sends nothing).
func scopeField(name string) string { return "allow_" + scopeShort(name) }

// signInView is what the sign-in page shows.
type signInView struct {
	Nonce        string
	ClientName   string
	Unverified   bool
	ServerHost   string
	RedirectHost string
	Message      string
	Note         string
	LoftyEnabled bool
	Action       string
	RequestID    string
	CSRF         string
	// Offered are the scopes the person may grant: what the app asked for,
	// of what its resource serves (Read always).
	Offered access.Scopes
	// Ticked are those ticked (0: all offered): the person's own choice
	// when the page is shown again.
	Ticked access.Scopes
}

// pageHeaders sets the security headers of every HTML page. formTargets
// are the origins a form on the page may end up at (CSP form-action also
// governs the redirects that follow a submission).
func pageHeaders(w http.ResponseWriter, nonce string, formTargets ...string) {
	targets := []string{"'self'"}
	for _, t := range formTargets {
		if t != "" {
			targets = append(targets, t)
		}
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'nonce-"+nonce+"'; form-action "+strings.Join(targets, " ")+
		"; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "text/html; charset=utf-8")
}

func newNonce() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// origin is the scheme://host[:port] of raw, for CSP; "" when it has none.
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || strings.ContainsAny(u.Host, " ;,'") {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// renderSignIn writes the sign-in page with status.
func (s *Server) renderSignIn(w http.ResponseWriter, status int, v signInView, redirectURI string) {
	v.Nonce = newNonce()
	v.Action = SignInPath
	v.LoftyEnabled = s.cfg.Lofty.oauthEnabled()
	v.Note = s.cfg.SignInNote
	v.ServerHost = hostOf(s.issuer)
	targets := []string{origin(redirectURI)}
	if v.LoftyEnabled {
		targets = append(targets, origin(s.cfg.Lofty.AuthorizeURL))
	}
	writePage(w, status, signInPage(v), v.Nonce, targets...)
}

// renderError writes the error page: a problem that cannot be sent back
// to the client (unknown client, redirect URI not registered, expired sign-in).
func (s *Server) renderError(w http.ResponseWriter, status int, msg string) {
	nonce := newNonce()
	page := render(pageHead+errorBody+pageFoot, map[string]string{
		"Title": "Cannot sign in — lofty-mcp", "Nonce": nonce, "Message": msg})
	writePage(w, status, page, nonce)
}

func writePage(w http.ResponseWriter, status int, page, nonce string, formTargets ...string) {
	pageHeaders(w, nonce, formTargets...)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(page))
}

func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}
