package oauth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// keys are the subkeys derived from the secret key, one per purpose.
type keys struct {
	aead cipher.AEAD // AES-256-GCM for Lofty credentials at rest
	csrf []byte      // HMAC key for the sign-in form's CSRF token
}

func deriveKeys(secret []byte) (*keys, error) {
	if len(secret) != 32 {
		return nil, fmt.Errorf("the secret key must be 32 bytes, got %d", len(secret))
	}
	sealKey, err := hkdf.Key(sha256.New, secret, nil, "lofty-mcp oauth: grant credentials v1", 32)
	if err != nil {
		return nil, err
	}
	csrfKey, err := hkdf.Key(sha256.New, secret, nil, "lofty-mcp oauth: sign-in csrf v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(sealKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &keys{aead: aead, csrf: csrfKey}, nil
}

// loadOrCreateSecretKey reads dir/secret.key, or writes a new random key
// there (mode 0600, directory 0700) when the file does not exist.
func loadOrCreateSecretKey(dir string) (key []byte, created bool, err error) {
	if dir == "" {
		return nil, false, errors.New("--state-dir is required with --oauth unless LOFTY_MCP_SECRET_KEY is set and another store is configured")
	}
	path := filepath.Join(dir, SecretKeyFile)
	raw, err := os.ReadFile(path)
	if err == nil {
		k, perr := ParseSecretKey(string(raw))
		if perr != nil {
			return nil, false, fmt.Errorf("%s is damaged (%v); restore it from a backup, or remove it and every grant with it (everyone signs in again)", path, perr)
		}
		return k, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, fmt.Errorf("reading %s: %w", path, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("creating the state directory %s: %w", dir, err)
	}
	k := make([]byte, 32)
	rand.Read(k)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) { // another process won the race
			return loadOrCreateSecretKey(dir)
		}
		return nil, false, fmt.Errorf("creating %s: %w", path, err)
	}
	_, werr := f.WriteString(base64.StdEncoding.EncodeToString(k) + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path)
		return nil, false, fmt.Errorf("writing %s: %w", path, werr)
	}
	return k, true, nil
}

// sealVersion prefixes sealed records so that the format can change.
const sealVersion = 1

// seal encrypts plaintext with AES-256-GCM under a fresh random nonce,
// binding it to ad (the grant id): a record copied to another grant does
// not open.
func (k *keys) seal(plaintext []byte, ad string) []byte {
	n := k.aead.NonceSize()
	nonce := make([]byte, n)
	rand.Read(nonce)
	out := make([]byte, 1+n, 1+n+len(plaintext)+k.aead.Overhead())
	out[0] = sealVersion
	copy(out[1:], nonce)
	return k.aead.Seal(out, nonce, plaintext, []byte(ad))
}

// errWrongKey: a sealed record that does not open with this server's key
// was sealed under another one (LOFTY_MCP_SECRET_KEY changed, or a lost
// secret.key generated again), or was altered.
var errWrongKey = errors.New("sealed credential does not open with this secret key (was LOFTY_MCP_SECRET_KEY changed, or secret.key lost?)")

// open reverses seal.
func (k *keys) open(sealed []byte, ad string) ([]byte, error) {
	n := k.aead.NonceSize()
	if len(sealed) < 1+n+k.aead.Overhead() || sealed[0] != sealVersion {
		return nil, errors.New("sealed credential is malformed")
	}
	pt, err := k.aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(ad))
	if err != nil {
		return nil, errWrongKey
	}
	return pt, nil
}

// csrfToken is the sign-in form's token for a pending request in one browser.
func (k *keys) csrfToken(requestID, browser string) string {
	m := hmac.New(sha256.New, k.csrf)
	m.Write([]byte("csrf\x00" + requestID + "\x00" + browser))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Token prefixes: they tell a leaked secret's kind at a glance (and to
// secret scanners).
const (
	prefixAccess  = "lmcp_at_"
	prefixRefresh = "lmcp_rt_"
	prefixCode    = "lmcp_ac_"
	prefixSecret  = "lmcp_cs_"
)

// newSecret returns prefix + 256 random bits, base64url.
func newSecret(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// newID returns a random, non-secret identifier.
func newID(prefix string) string {
	b := make([]byte, 12)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is the stored form of a token: SHA-256, hex.
func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// equalSecret compares two secrets (or their hashes) in constant time.
func equalSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// s256 is the PKCE S256 code challenge of verifier.
func s256(verifier string) string {
	h := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(h[:])
}
