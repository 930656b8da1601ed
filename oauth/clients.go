package oauth

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Client ID Metadata Document limits.
const (
	clientDocMaxBytes = 64 << 10
	clientDocTimeout  = 5 * time.Second
	clientDocCacheMax = 1000
)

// clientDocUnreachable is all a stranger is told when a metadata document
// cannot be fetched: the network's own error would name what the server
// dialled and its DNS resolver (the operator's log has it).
const clientDocUnreachable = "it could not be fetched: its host did not answer over https, or is not a public address"

// clientError is a client or redirect URI problem that must be shown to
// the person (never redirected to an unverified URI).
type clientError struct{ msg string }

func (e *clientError) Error() string { return e.msg }

func clientErrorf(format string, args ...any) error {
	return &clientError{fmt.Sprintf(format, args...)}
}

// isClientIDURL reports whether clientID is meant as a metadata document URL.
func isClientIDURL(clientID string) bool {
	return strings.HasPrefix(clientID, "https://") || strings.HasPrefix(clientID, "http://")
}

// lookupClient finds a registered client, or fetches the metadata document
// a URL client_id names. ip is the requester, for the fetch rate limit.
func (s *Server) lookupClient(ctx context.Context, clientID, ip string) (*clientRecord, error) {
	if clientID == "" {
		return nil, clientErrorf("the request has no client_id")
	}
	if isClientIDURL(clientID) {
		return s.clientDoc.get(ctx, clientID, func() bool { return s.limits.allowClientDoc(ip, s.now()) })
	}
	var rec clientRecord
	if err := getJSON(ctx, s.store, keyClient+clientID, &rec); err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, clientErrorf("client_id %q is not registered here (a registration may have expired): remove the connector from the app and add it again", clip(clientID))
		}
		return nil, err
	}
	return &rec, nil
}

// checkRedirectURI accepts an absolute https URI, or http on a loopback
// host (127.0.0.1, [::1], localhost), with no fragment.
func checkRedirectURI(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		return fmt.Errorf("redirect URI %q is not an absolute URL", clip(raw))
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return fmt.Errorf("redirect URI %q has a fragment (#...), which OAuth forbids", clip(raw))
	case u.User != nil:
		return fmt.Errorf("redirect URI %q carries a user name or password", clip(raw))
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopbackHost(u.Hostname()):
		return nil
	case u.Scheme == "http":
		return fmt.Errorf("redirect URI %q uses plain http to a host that is not this machine; use https (http only on 127.0.0.1, [::1] or localhost)", clip(raw))
	default:
		return fmt.Errorf("redirect URI %q has the scheme %q; only https (and http on a loopback host) is accepted", clip(raw), u.Scheme)
	}
}

// checkClientMetadata applies the rules and limits of every client's
// metadata, registered (RFC 7591) or published in a metadata document, to
// what is kept of it. It returns the RFC 7591 error code and a description
// naming the field (and for a length, the limit), or "" when it passes.
func checkClientMetadata(redirectURIs []string, name, uri, scope string) (code, desc string) {
	switch {
	case len(redirectURIs) == 0:
		return "invalid_redirect_uri", "redirect_uris is required: a list of https URIs (or http on 127.0.0.1, [::1] or localhost)"
	case len(redirectURIs) > maxRedirectURIs:
		return "invalid_redirect_uri", fmt.Sprintf("redirect_uris lists %d URIs; at most %d are accepted", len(redirectURIs), maxRedirectURIs)
	}
	total := len(name) + len(uri) + len(scope)
	for _, u := range redirectURIs {
		total += len(u)
		if len(u) > maxURIBytes {
			return "invalid_redirect_uri", fmt.Sprintf("the redirect URI %q is %d bytes long; at most %d are accepted", clip(u), len(u), maxURIBytes)
		}
		if err := checkRedirectURI(u); err != nil {
			return "invalid_redirect_uri", err.Error()
		}
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{{"client_name", name, maxClientNameBytes}, {"client_uri", uri, maxURIBytes}, {"scope", scope, maxScopeBytes}} {
		if desc := tooLong(f.name, f.value, f.max); desc != "" {
			return "invalid_client_metadata", desc
		}
	}
	if total > maxClientMetadataBytes {
		return "invalid_client_metadata", fmt.Sprintf("redirect_uris, client_name, client_uri and scope are %d bytes long together; at most %d are accepted", total, maxClientMetadataBytes)
	}
	return "", ""
}

// clip shortens attacker-supplied text before it is shown or logged.
func clip(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// hasRedirectURI is an exact string match against the registered URIs.
func (c *clientRecord) hasRedirectURI(uri string) bool {
	for _, r := range c.RedirectURIs {
		if r == uri {
			return true
		}
	}
	return false
}

// allowsGrant reports whether the client registered grant type g
// (authorization_code alone when it named none, as RFC 7591 says).
func (c *clientRecord) allowsGrant(g string) bool {
	if len(c.GrantTypes) == 0 {
		return g == "authorization_code"
	}
	return slices.Contains(c.GrantTypes, g)
}

// displayName is what the sign-in page calls the client.
func (c *clientRecord) displayName() string {
	if c.Name != "" {
		return c.Name
	}
	if c.MetadataDocument {
		if u, err := url.Parse(c.ID); err == nil {
			return u.Host
		}
	}
	return "An unnamed app"
}

var errClientDocRedirect = errors.New("it redirected elsewhere: client metadata documents must be served without redirects")

// clientDocFetcher fetches and caches Client ID Metadata Documents,
// refusing to reach private networks unless allowPrivate.
type clientDocFetcher struct {
	http    *http.Client
	now     func() time.Time
	log     *slog.Logger
	timeout time.Duration // whole fetch, body included

	mu    sync.Mutex
	cache map[string]cachedClientDoc
}

type cachedClientDoc struct {
	rec     *clientRecord
	fetched time.Time
}

func newClientDocFetcher(allowPrivate bool, tlsConf *tls.Config, now func() time.Time, log *slog.Logger) *clientDocFetcher {
	dialer := &net.Dialer{Timeout: clientDocTimeout}
	if !allowPrivate {
		// The check runs on the address actually dialled, after DNS
		// resolution, for every address tried: a name that resolves to a
		// private address (or is re-bound to one) is refused.
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("refusing to connect to %s", address)
			}
			if !publicAddr(ap.Addr()) {
				return fmt.Errorf("refusing to fetch a client metadata document from the non-public address %s", ap.Addr())
			}
			return nil
		}
	}
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would make the address check meaningless
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   clientDocTimeout,
		ResponseHeaderTimeout: clientDocTimeout,
		MaxIdleConns:          10,
		IdleConnTimeout:       30 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &clientDocFetcher{
		http: &http.Client{
			Transport: tr,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return errClientDocRedirect
			},
		},
		now:     now,
		log:     log,
		timeout: clientDocTimeout,
		cache:   map[string]cachedClientDoc{},
	}
}

// publicAddr reports whether ip is a public unicast address.
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range nonPublicPrefixes {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

var nonPublicPrefixes = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24",
		"203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32",
		"64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001:db8::/32", "2002::/16", "fc00::/7", "fec0::/10",
		// IPv4-compatible addresses (deprecated; some stacks still reach
		// the embedded IPv4 address) and Teredo, a tunnel to another host.
		"::/96", "2001::/32",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// checkClientIDURL applies the Client ID Metadata Document rules to the URL.
func checkClientIDURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "":
		return clientErrorf("client_id %q is not a valid URL", clip(raw))
	case u.Scheme != "https":
		return clientErrorf("client_id %q: a client metadata document URL must use https", clip(raw))
	case u.User != nil:
		return clientErrorf("client_id %q: a client metadata document URL must not carry a user name or password", clip(raw))
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return clientErrorf("client_id %q: a client metadata document URL must not have a fragment", clip(raw))
	case u.Path == "" || u.Path == "/":
		return clientErrorf("client_id %q: a client metadata document URL must have a path (such as /client.json)", clip(raw))
	case len(raw) > 2048:
		return clientErrorf("client_id is longer than 2048 characters")
	}
	for _, seg := range strings.Split(u.EscapedPath(), "/") {
		if seg == "." || seg == ".." {
			return clientErrorf("client_id %q: a client metadata document URL must not contain . or .. path segments", clip(raw))
		}
	}
	return nil
}

// get returns the client a metadata document URL describes, from the
// cache when fresh; allowFetch is asked before a fetch (rate limit).
func (f *clientDocFetcher) get(ctx context.Context, clientID string, allowFetch func() bool) (*clientRecord, error) {
	if err := checkClientIDURL(clientID); err != nil {
		return nil, err
	}
	f.mu.Lock()
	c, ok := f.cache[clientID]
	f.mu.Unlock()
	if ok && f.now().Sub(c.fetched) < DefaultClientDocTTL {
		return c.rec, nil
	}
	if !allowFetch() {
		return nil, clientErrorf("too many client metadata documents fetched for this address; wait a minute and try again")
	}
	rec, err := f.fetch(ctx, clientID)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	if len(f.cache) >= clientDocCacheMax {
		for k, v := range f.cache { // drop the stale ones
			if f.now().Sub(v.fetched) >= DefaultClientDocTTL {
				delete(f.cache, k)
			}
		}
		for k := range f.cache { // then any, down to half
			if len(f.cache) < clientDocCacheMax/2 {
				break
			}
			delete(f.cache, k)
		}
	}
	f.cache[clientID] = cachedClientDoc{rec: rec, fetched: f.now()}
	f.mu.Unlock()
	return rec, nil
}

// clientDocument is the subset of a Client ID Metadata Document used here.
type clientDocument struct {
	ClientID                string   `json:"client_id"`
	ClientName              string   `json:"client_name"`
	ClientURI               string   `json:"client_uri"`
	RedirectURIs            []string `json:"redirect_uris"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	ClientSecret            *string  `json:"client_secret"`
	Scope                   string   `json:"scope"`
}

func (f *clientDocFetcher) fetch(ctx context.Context, clientID string) (*clientRecord, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, clientID, nil)
	if err != nil {
		return nil, clientErrorf("client_id %q is not a valid URL", clip(clientID))
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "lofty-mcp oauth (client metadata)")
	fail := func(why string) error {
		return clientErrorf("the client metadata document at %s could not be used: %s", clip(clientID), why)
	}
	resp, err := f.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		switch {
		case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
			return nil, fail(fmt.Sprintf("no complete answer within %s", f.timeout))
		case errors.Is(err, errClientDocRedirect):
			return nil, fail(err.Error())
		}
		f.log.Info("oauth: fetching a client metadata document failed", "client_id", clip(clientID), "error", err)
		return nil, fail(clientDocUnreachable)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fail(fmt.Sprintf("HTTP %d", resp.StatusCode))
	}
	if resp.ContentLength > clientDocMaxBytes {
		return nil, fail(fmt.Sprintf("larger than %d bytes", clientDocMaxBytes))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, clientDocMaxBytes+1))
	// The deadline decides first: a body cut off by it may even end
	// without a read error (a stream reset on HTTP/2).
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, fail(fmt.Sprintf("no complete answer within %s", f.timeout))
	}
	if err != nil {
		return nil, fail("the answer was cut short")
	}
	if len(body) > clientDocMaxBytes {
		return nil, fail(fmt.Sprintf("larger than %d bytes", clientDocMaxBytes))
	}
	var doc clientDocument
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fail("not a JSON object")
	}
	switch {
	case doc.ClientID != clientID:
		return nil, fail("its client_id is not the document's own URL")
	case doc.ClientSecret != nil:
		return nil, fail("it contains a client_secret")
	case doc.TokenEndpointAuthMethod != "" && doc.TokenEndpointAuthMethod != "none":
		return nil, fail(fmt.Sprintf("token_endpoint_auth_method %q is not supported here (only none)", clip(doc.TokenEndpointAuthMethod)))
	}
	if code, desc := checkClientMetadata(doc.RedirectURIs, doc.ClientName, doc.ClientURI, doc.Scope); code != "" {
		return nil, fail(desc)
	}
	return &clientRecord{
		ID:               clientID,
		AuthMethod:       "none",
		RedirectURIs:     doc.RedirectURIs,
		GrantTypes:       distinct(doc.GrantTypes),
		Name:             cleanName(doc.ClientName),
		URI:              doc.ClientURI,
		Scope:            doc.Scope,
		MetadataDocument: true,
	}, nil
}

// cleanName keeps a client's self-asserted name printable and short.
func cleanName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80]) + "…"
	}
	return s
}
