package transport

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/jsonrpc"
)

// Streamable HTTP sessions (protocol 2025-11-25 and earlier: the
// Mcp-Session-Id header).
//
// A session id is signed: "mcp-session-" + 26 random base32 characters +
// "-" + the first 16 bytes (26 base32 characters) of HMAC-SHA256 over the
// random part and the session's owner, under the session key. The owner is
// who opened the session (sessionOwner: the signed-in person's grant, or
// the static token with the Lofty credential the request brought), so an id
// is good only with the credentials that created it: anyone else gets the
// 404 of an unknown session, which tells them nothing. Any server holding
// the key — this one, or a replica given the same --session-key — verifies
// an id without keeping anything, so an id no replica issued is refused
// before anything is read or stored for it, however many are sent. Without
// --session-key the key is random per process: ids then end with the
// process, and a client told 404 initializes again.
//
// The ids of sessions that initialized successfully here are counted, to
// cap them (--max-sessions); a failed initialize creates no session.

const (
	sessionIDPrefix = "mcp-session-"
	sessionRandLen  = 16 // bytes of randomness in an id
	sessionMACLen   = 16 // bytes of the HMAC kept in an id
	// MinSessionKeyLength is the shortest --session-key accepted.
	MinSessionKeyLength = 32
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// endedMemory is how many ended (DELETEd) session ids are remembered, so
// that a deleted session's id gets 404 everywhere rather than going on.
// The oldest are forgotten first; a forgotten id is only as good as a new
// session of the same owner (lofty-mcp keeps no per-session state that
// matters). Each replica remembers the ids DELETEd through it.
const endedMemory = 4096

// sessionIDs mints, verifies and counts session ids. Its ResolveSessionIdManager
// gives mcp-go a server.SessionIdManager for the owner of each request.
type sessionIDs struct {
	key []byte
	max int

	mu        sync.Mutex
	live      map[string]struct{} // initialized here, not yet ended
	reserved  int                 // initializes in progress
	endedSet  map[string]struct{}
	endedRing [endedMemory]string // the ids in endedSet, oldest at endedNext once full
	endedNext int
}

func newSessionIDs(key []byte, max int) *sessionIDs {
	if len(key) == 0 {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	return &sessionIDs{key: key, max: max, live: map[string]struct{}{}, endedSet: map[string]struct{}{}}
}

func (s *sessionIDs) mac(random []byte, owner string) []byte {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte("lofty-mcp session id v2\x00"))
	h.Write(random) // fixed length: the owner that follows cannot shift into it
	h.Write([]byte(owner))
	return h.Sum(nil)[:sessionMACLen]
}

// generate mints a new id for owner. It is not counted until its
// initialize succeeds.
func (s *sessionIDs) generate(owner string) string {
	random := make([]byte, sessionRandLen)
	_, _ = rand.Read(random)
	return sessionIDPrefix + strings.ToLower(b32.EncodeToString(random)) + "-" + strings.ToLower(b32.EncodeToString(s.mac(random, owner)))
}

// signed reports whether id was issued under this key for owner. It
// allocates nothing that outlives it.
func (s *sessionIDs) signed(id, owner string) bool {
	rest, ok := strings.CutPrefix(id, sessionIDPrefix)
	if !ok || len(rest) > 128 {
		return false
	}
	r, m, ok := strings.Cut(rest, "-")
	if !ok {
		return false
	}
	var random [sessionRandLen + 5]byte
	var mac [sessionMACLen + 5]byte
	n, err := b32.Decode(random[:], []byte(strings.ToUpper(r)))
	if err != nil || n != sessionRandLen {
		return false
	}
	k, err := b32.Decode(mac[:], []byte(strings.ToUpper(m)))
	if err != nil || k != sessionMACLen {
		return false
	}
	return hmac.Equal(mac[:k], s.mac(random[:n], owner))
}

// ended reports whether id was DELETEd (and is still remembered).
func (s *sessionIDs) ended(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.endedSet[id]
	return ok
}

// end ends id for good: it no longer counts, and is refused from now on.
func (s *sessionIDs) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.live, id)
	if _, ok := s.endedSet[id]; ok {
		return
	}
	if old := s.endedRing[s.endedNext]; old != "" {
		delete(s.endedSet, old)
	}
	s.endedRing[s.endedNext] = id
	s.endedNext = (s.endedNext + 1) % endedMemory
	s.endedSet[id] = struct{}{}
}

var errUnknownSession = errors.New("unknown session")

// ResolveSessionIdManager implements server.SessionIdManagerResolver: the
// ids of the request's owner. A DELETE ends its session for good: the id
// gets 404 from then on. mcp-go's idle sweeper and CloseSessions (r == nil)
// only forget a session: as before signed ids, a client that comes back
// after its session idled out goes on with the same id (lofty-mcp keeps no
// per-session state that matters), while the id no longer counts against
// --max-sessions.
func (s *sessionIDs) ResolveSessionIdManager(r *http.Request) server.SessionIdManager {
	if r == nil {
		return forgetfulSessions{s}
	}
	return ownedSessions{s, sessionOwner(r)}
}

// ownedSessions is mcp-go's view of the session ids of one owner.
type ownedSessions struct {
	s     *sessionIDs
	owner string
}

// Generate implements server.SessionIdManager.
func (o ownedSessions) Generate() string { return o.s.generate(o.owner) }

// Validate implements server.SessionIdManager.
func (o ownedSessions) Validate(id string) (isTerminated bool, err error) {
	if !o.s.signed(id, o.owner) {
		return false, errUnknownSession
	}
	return o.s.ended(id), nil
}

// Terminate implements server.SessionIdManager: the client ended the
// session (DELETE).
func (o ownedSessions) Terminate(id string) (isNotAllowed bool, err error) {
	if o.s.signed(id, o.owner) {
		o.s.end(id)
	}
	return false, nil
}

// forgetfulSessions ends nothing: Terminate only stops counting the id. It
// knows no owner, so it validates nothing.
type forgetfulSessions struct{ s *sessionIDs }

func (f forgetfulSessions) Generate() string { return f.s.generate("") }

func (f forgetfulSessions) Validate(string) (bool, error) { return false, errUnknownSession }

func (f forgetfulSessions) Terminate(id string) (isNotAllowed bool, err error) {
	f.s.mu.Lock()
	delete(f.s.live, id)
	f.s.mu.Unlock()
	return false, nil
}

// reserve takes a slot for an initialize in progress; false when the
// sessions and initializes in progress already reach the cap.
func (s *sessionIDs) reserve() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.live)+s.reserved >= s.max {
		return false
	}
	s.reserved++
	return true
}

// settle ends a reservation: the session id counts if the initialize
// succeeded (id != "").
func (s *sessionIDs) settle(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reserved--
	if id != "" {
		s.live[id] = struct{}{}
	}
}

// count is the number of live sessions.
func (s *sessionIDs) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

// sessionCheck answers a request naming a session that is not its owner's
// (no replica issued it, or it was issued to other credentials) or that was
// DELETEd with 404, before its body is read. (mcp-go itself takes any id on
// a GET without checking it.)
func sessionCheck(s *sessionIDs) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := r.Header.Get(server.HeaderKeySessionID)
			if id != "" && (!s.signed(id, sessionOwner(r)) || s.ended(id)) {
				refuse(w, r, http.StatusNotFound, "unknown_session",
					"no session has this "+server.HeaderKeySessionID+" for these credentials (it may have ended, the server may have restarted, "+
						"or it was opened with other credentials): send initialize again without it")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// sessionCap caps the sessions (initialize of the 2025-11-25 protocol), and
// makes sure a failed initialize leaves no session behind: its answer
// carries no Mcp-Session-Id, and what mcp-go registered for it is removed.
func sessionCap(s *sessionIDs, maxSessions int, streamable http.Handler) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			msg := envelopeOf(r)
			if r.Method != http.MethodPost || msg == nil || msg.Method != "initialize" || msg.modern {
				next.ServeHTTP(w, r)
				return
			}
			if !s.reserve() {
				w.Header().Set("Retry-After", "30")
				writeError(w, http.StatusServiceUnavailable, "too_many_sessions",
					fmt.Sprintf("this server already holds %d sessions (--max-sessions); retry later, or end unused sessions with DELETE", maxSessions))
				return
			}
			rec := &initRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			id := rec.Header().Get(server.HeaderKeySessionID)
			if rec.failed() {
				if id != "" {
					rec.Header().Del(server.HeaderKeySessionID)
					endSession(r, streamable, id)
				}
				id = ""
			}
			s.settle(id)
			rec.flush()
		})
	}
}

// endSession removes what mcp-go keeps for session id, opened by r, through
// its own DELETE.
func endSession(r *http.Request, streamable http.Handler, id string) {
	del, err := http.NewRequestWithContext(context.WithoutCancel(r.Context()), http.MethodDelete, "/mcp", nil)
	if err != nil {
		return
	}
	del.Header = r.Header.Clone() // the same owner
	del.Header.Set(server.HeaderKeySessionID, id)
	streamable.ServeHTTP(discardResponse{}, del)
}

// initRecorder holds an initialize answer until it is known to have
// succeeded; a streamed (event-stream) answer passes straight through.
type initRecorder struct {
	http.ResponseWriter
	status    int
	buf       bytes.Buffer
	streaming bool
}

func (r *initRecorder) WriteHeader(code int) {
	if r.status != 0 {
		return
	}
	r.status = code
	if strings.HasPrefix(r.Header().Get("Content-Type"), "text/event-stream") {
		r.streaming = true
		r.ResponseWriter.WriteHeader(code)
	}
}

func (r *initRecorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	if r.streaming {
		return r.ResponseWriter.Write(p)
	}
	return r.buf.Write(p)
}

func (r *initRecorder) Flush() {
	if r.streaming {
		_ = http.NewResponseController(r.ResponseWriter).Flush()
	}
}

func (r *initRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// failed reports whether the held answer is not a successful initialize.
func (r *initRecorder) failed() bool {
	if r.streaming {
		return r.status != http.StatusOK
	}
	_, _, isResponse := jsonrpc.ResponseID(r.buf.Bytes())
	return r.status != http.StatusOK || !isResponse || jsonrpc.IsErrorResponse(r.buf.Bytes())
}

func (r *initRecorder) flush() {
	if r.streaming {
		return
	}
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.ResponseWriter.WriteHeader(r.status)
	_, _ = r.ResponseWriter.Write(r.buf.Bytes())
}

// discardResponse is a ResponseWriter for requests made to mcp-go from
// within: their answers go nowhere.
type discardResponse struct{}

func (discardResponse) Header() http.Header         { return http.Header{} }
func (discardResponse) Write(p []byte) (int, error) { return len(p), nil }
func (discardResponse) WriteHeader(int)             {}
