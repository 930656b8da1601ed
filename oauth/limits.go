package oauth

import (
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// Rate limits of the sign-in page and the public endpoints. Each is a
// token bucket per key (pending request or client address, see
// Server.clientAddr), kept for the 10,000 most recent keys.
var (
	// API key attempts and "Sign in with Lofty" starts per sign-in: 5 at
	// once, then one every 10 s.
	keyPerRequestLimit, keyPerRequestBurst = rate.Every(10 * time.Second), 5
	// API key attempts per client IP: 10 at once, then one every 6 s (10 a minute).
	keyPerIPLimit, keyPerIPBurst = rate.Every(6 * time.Second), 10
	// Client registrations per client IP: 20 at once, then 10 a minute.
	registerPerIPLimit, registerPerIPBurst = rate.Every(6 * time.Second), 20
	// Client metadata document fetches per client IP: 10 at once, then 20 a minute.
	clientDocPerIPLimit, clientDocPerIPBurst = rate.Every(3 * time.Second), 10
)

// What a stranger can make the server store before signing in.
const (
	maxStateBytes      = 1024 // an authorization request's state
	maxScopeBytes      = 1024 // its scope, and a registration's
	maxURIBytes        = 1024 // each redirect URI, and client_uri
	maxRedirectURIs    = 10   // of a registration or metadata document
	maxClientNameBytes = 256
	// All of a client's metadata that is kept: its redirect URIs,
	// client_name, client_uri and scope together.
	maxClientMetadataBytes = 4096
)

var (
	// Authorization requests (each stores a pending sign-in) per address:
	// 30 at once, then one every 2 s (30 a minute).
	authorizePerIPLimit, authorizePerIPBurst = rate.Every(2 * time.Second), 30
	// Pending sign-ins kept at once: in all, per address, per client.
	maxPending, maxPendingPerAddress, maxPendingPerClient = 1000, 20, 500
	// Registrations nobody has signed in with yet, kept at once: in all,
	// per address.
	maxUnusedClients, maxUnusedClientsPerAddress = 500, 20
)

type limits struct {
	keyPerRequest, keyPerIP, register, clientDoc, authorize *limiterSet
}

func newLimits() *limits {
	return &limits{
		keyPerRequest: newLimiterSet(keyPerRequestLimit, keyPerRequestBurst),
		keyPerIP:      newLimiterSet(keyPerIPLimit, keyPerIPBurst),
		register:      newLimiterSet(registerPerIPLimit, registerPerIPBurst),
		clientDoc:     newLimiterSet(clientDocPerIPLimit, clientDocPerIPBurst),
		authorize:     newLimiterSet(authorizePerIPLimit, authorizePerIPBurst),
	}
}

func (l *limits) allowAuthorize(ip string, now time.Time) bool {
	return l.authorize.get(ip).AllowN(now, 1)
}

// allowLoftyStart takes one "Sign in with Lofty" start (each stores a
// state record) from the sign-in's bucket of attempts.
func (l *limits) allowLoftyStart(requestID string, now time.Time) bool {
	return l.keyPerRequest.get(requestID).AllowN(now, 1)
}

// allowKeyAttempt takes one API key attempt from both the sign-in's and the
// address's buckets; both must have one.
func (l *limits) allowKeyAttempt(requestID, ip string, now time.Time) bool {
	// Reserve from both, so that a refusal by one does not spend the other.
	a := l.keyPerRequest.get(requestID).ReserveN(now, 1)
	b := l.keyPerIP.get(ip).ReserveN(now, 1)
	if a.OK() && b.OK() && a.DelayFrom(now) == 0 && b.DelayFrom(now) == 0 {
		return true
	}
	a.CancelAt(now)
	b.CancelAt(now)
	return false
}

func (l *limits) allowRegister(ip string, now time.Time) bool {
	return l.register.get(ip).AllowN(now, 1)
}

func (l *limits) allowClientDoc(ip string, now time.Time) bool {
	return l.clientDoc.get(ip).AllowN(now, 1)
}

type limiterSet struct {
	every rate.Limit
	burst int
	lru   *lru.Cache[string, *rate.Limiter]
}

func newLimiterSet(every rate.Limit, burst int) *limiterSet {
	c, _ := lru.New[string, *rate.Limiter](10000)
	return &limiterSet{every: every, burst: burst, lru: c}
}

func (s *limiterSet) get(key string) *rate.Limiter {
	if l, ok := s.lru.Get(key); ok {
		return l
	}
	l := rate.NewLimiter(s.every, s.burst)
	if prev, ok, _ := s.lru.PeekOrAdd(key, l); ok {
		return prev
	}
	return l
}
