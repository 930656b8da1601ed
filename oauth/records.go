package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
)

// Store keys. Secrets appear in keys only as SHA-256 hashes.
const (
	keyClient     = "client:"  // + client id                 -> clientRecord
	keyPending    = "signin:"  // + request id                -> pendingRecord
	keyLoftyState = "lstate:"  // + hash(state sent to Lofty) -> loftyStateRecord
	keyGrant      = "grant:"   // + grant id                  -> grantRecord
	keyCode       = "code:"    // + hash(code)                -> codeRecord
	keyCodeUsed   = "codeuse:" // + hash(code)                -> usedRecord
	keyAccess     = "at:"      // + hash(access token)        -> tokenRecord
	keyRefresh    = "rt:"      // + hash(refresh token)       -> tokenRecord
	keyRefreshOld = "rtused:"  // + hash(rotated-out token)   -> usedRecord
	keyLastUse    = "lastuse:" // + grant id                  -> lastUseRecord
	keyAccount    = "account:" // + hash(account cookie)      -> accountRecord
)

// Sign-in methods, as recorded in a grant.
const (
	MethodAPIKey = "api_key"
	MethodLofty  = "lofty_oauth"
)

// clientRecord is a registered client (Dynamic Client Registration) or one
// read from its Client ID Metadata Document (never stored).
type clientRecord struct {
	ID           string   `json:"id"`
	SecretHash   string   `json:"secret_hash,omitempty"`
	AuthMethod   string   `json:"auth_method"`
	RedirectURIs []string `json:"redirect_uris"`
	GrantTypes   []string `json:"grant_types,omitempty"`
	Name         string   `json:"name,omitempty"`
	URI          string   `json:"uri,omitempty"`
	Scope        string   `json:"scope,omitempty"`
	IssuedAt     int64    `json:"issued_at"`
	Expires      int64    `json:"expires"`
	// SignedIn: someone has signed in with this registration; it is no
	// longer an unused one that a flood may push out (Server.unusedClients).
	SignedIn bool `json:"signed_in,omitempty"`
	// MetadataDocument: client_id is the URL of its metadata document.
	MetadataDocument bool `json:"-"`
}

// pendingRecord is an authorization request waiting for the person to sign in.
type pendingRecord struct {
	ID            string `json:"id"`
	ClientID      string `json:"client_id"`
	RedirectURI   string `json:"redirect_uri"`
	RedirectGiven bool   `json:"redirect_given"`
	State         string `json:"state,omitempty"`
	Challenge     string `json:"challenge"`
	Resource      string `json:"resource"`
	Scope         string `json:"scope,omitempty"`
	BrowserHash   string `json:"browser"`
	Expires       int64  `json:"expires"`

	// ticked, while a form is answered, are the scopes the person left
	// ticked: the page shown again keeps their choice (never stored).
	ticked access.Scopes
}

// loftyStateRecord ties the state sent to Lofty's authorize page to a
// sign-in (RequestID, with the scopes the person chose), or to a person
// proving who they are on the account page (Account, from the browser
// whose cookie hashes to BrowserHash).
type loftyStateRecord struct {
	RequestID   string `json:"request_id,omitempty"`
	Scopes      string `json:"scopes,omitempty"`
	Account     bool   `json:"account,omitempty"`
	BrowserHash string `json:"browser,omitempty"`
}

// grantRecord is one person's sign-in for one client: what the issued
// tokens stand for. Revoking it (deleting the record) ends every token of it.
type grantRecord struct {
	ID       string `json:"id"`
	ClientID string `json:"client_id"`
	// ClientName is the app's name as the sign-in page showed it, for the
	// account page and the operator's list.
	ClientName string `json:"client_name,omitempty"`
	Resource   string `json:"resource"`
	// Scope is the scope the client asked for; what the person granted is
	// sealed (sealedCredential.Scopes), so that no one who can write the
	// store can widen it.
	Scope  string `json:"scope,omitempty"`
	Method string `json:"method"`
	// Sealed is the Lofty credential, AES-256-GCM under the secret key
	// with the grant id as additional data (see sealedCredential).
	Sealed  []byte `json:"sealed"`
	Created int64  `json:"created"`
	Expires int64  `json:"expires"`
}

// sealedCredential is the plaintext inside grantRecord.Sealed: the
// person's Lofty credential, who they are and what they granted.
type sealedCredential struct {
	APIKey       string    `json:"k,omitempty"`
	AccessToken  string    `json:"a,omitempty"`
	RefreshToken string    `json:"r,omitempty"`
	Expiry       time.Time `json:"e,omitzero"`
	// Scopes are the scopes the person granted (access.Scopes' text).
	// Empty in a grant made before scopes existed: access.LegacyScopes.
	Scopes string `json:"s,omitempty"`
	// Person is who signed in, as Lofty's GET /v1.0/me said (nil in a
	// grant made before it was recorded).
	Person *person `json:"p,omitempty"`
}

// person is the signed-in Lofty user: the account page lists their
// grants, and an operator revokes them by id or email.
type person struct {
	ID    int64  `json:"i,omitempty"`
	Email string `json:"m,omitempty"`
	Name  string `json:"n,omitempty"`
}

// lastUseRecord is when a grant's tokens were last used, to the minute.
type lastUseRecord struct {
	At int64 `json:"at"`
}

// accountRecord is a person signed in to the account page: who they are
// (and, when they pasted an API key, its hash, which finds the grants of
// that key recorded before the person was), for a few minutes.
type accountRecord struct {
	Person  person `json:"person"`
	KeyHash string `json:"key_hash,omitempty"`
	Expires int64  `json:"expires"`
}

// codeRecord is an authorization code's binding.
type codeRecord struct {
	GrantID       string `json:"grant_id"`
	ClientID      string `json:"client_id"`
	RedirectURI   string `json:"redirect_uri"`
	RedirectGiven bool   `json:"redirect_given"`
	Challenge     string `json:"challenge"`
	Resource      string `json:"resource"`
	Scope         string `json:"scope,omitempty"`
}

// tokenRecord is an access or refresh token's binding.
type tokenRecord struct {
	GrantID  string `json:"grant_id"`
	ClientID string `json:"client_id"`
	Resource string `json:"resource"`
	Scope    string `json:"scope,omitempty"`
	Expires  int64  `json:"expires"`
}

// usedRecord remembers a used code or a rotated-out refresh token, so that
// its replay revokes the grant.
type usedRecord struct {
	GrantID string `json:"grant_id"`
}

func unixTime(sec int64) time.Time { return time.Unix(sec, 0) }

// putJSON stores v under key until expires.
func putJSON(ctx context.Context, st Store, key string, v any, expires time.Time) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return st.Put(ctx, key, b, expires)
}

// getJSON loads key into v; ErrNotFound when absent.
func getJSON(ctx context.Context, st Store, key string, v any) error {
	b, err := st.Get(ctx, key)
	if err != nil {
		return err
	}
	return decodeStored(b, v)
}

// takeJSON takes key into v; ErrNotFound when absent.
func takeJSON(ctx context.Context, st Store, key string, v any) error {
	b, err := st.Take(ctx, key)
	if err != nil {
		return err
	}
	return decodeStored(b, v)
}

func decodeStored(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return errors.New("oauth store: damaged record")
	}
	return nil
}
