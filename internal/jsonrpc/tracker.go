package jsonrpc

import (
	"bytes"
	"context"
	"strconv"
	"sync"
	"sync/atomic"
)

// nextInternal numbers the requests of the whole process, so that an
// internal id is never reused, whatever transport or session it serves.
var nextInternal atomic.Int64

// State is where a tracked request stands.
type State int

const (
	// Running: its answer is due to the client.
	Running State = iota
	// CancelledByClient: the client cancelled it; it gets no answer.
	CancelledByClient
	// CutShort: the server stopped it (shutdown, or a client that closed
	// its input and did not wait); it is answered with a cancellation error,
	// whatever the handler returned.
	CutShort
)

// Call is one request in flight.
type Call struct {
	// ID is the client's id, exact bytes (a copy).
	ID []byte
	// Internal is the id mcp-go sees.
	Internal int64
	// Scope groups the requests of one client (a stdio connection, a
	// session); cancellations only reach requests of their own scope.
	Scope  string
	Method string

	cancel   context.CancelFunc // may be nil
	state    State              // guarded by the tracker's mutex
	onFinish []func()           // guarded by the tracker's mutex
}

// InternalID is c.Internal as JSON text.
func (c *Call) InternalID() []byte { return strconv.AppendInt(nil, c.Internal, 10) }

type callKey struct{ scope, id string }

// Tracker follows requests from the moment they are read until they are
// answered. It is safe for concurrent use.
type Tracker struct {
	mu      sync.Mutex
	calls   map[int64]*Call
	byID    map[callKey][]*Call
	changed chan struct{} // closed and replaced whenever a call ends
}

// NewTracker returns an empty tracker.
func NewTracker() *Tracker {
	return &Tracker{calls: map[int64]*Call{}, byID: map[callKey][]*Call{}, changed: make(chan struct{})}
}

// Start tracks request m of scope and gives it a fresh internal id. cancel,
// when not nil, is called if the request is cancelled or cut short. Use it
// where requests of one scope may share ids (the stateless protocol, whose
// requests come from unrelated clients); StartUnique elsewhere.
func (t *Tracker) Start(scope string, m *Message, cancel context.CancelFunc) *Call {
	c := newCall(scope, m, cancel)
	t.mu.Lock()
	t.addLocked(c)
	t.mu.Unlock()
	return c
}

// StartUnique is Start for the scope of one client (a stdio connection, a
// session), where a request id names one request: when a request of scope
// with exactly this id (the same JSON text) is still in flight — running,
// or cancelled and not yet finished — it tracks nothing and returns false.
// The caller then answers with DuplicateID and runs nothing: otherwise both
// would run (two notes written for one id), and an answer or a cancellation
// could not say which it meant.
func (t *Tracker) StartUnique(scope string, m *Message, cancel context.CancelFunc) (*Call, bool) {
	c := newCall(scope, m, cancel)
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.byID[callKey{scope, string(c.ID)}]) > 0 {
		return nil, false
	}
	t.addLocked(c)
	return c, true
}

// InFlight reports whether a request of scope with exactly this id is
// tracked.
func (t *Tracker) InFlight(scope string, id []byte) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.byID[callKey{scope, string(id)}]) > 0
}

// DuplicateID is the error answering a request whose id is already in
// flight in its scope (StartUnique); the response carries that id.
func DuplicateID() *Error {
	return &Error{Code: CodeInvalidRequest, Message: "invalid request: another request with this id is still in flight in this session, " +
		"and this one was not run; give every request an id of its own (MCP: a request id is never reused within a session)"}
}

func newCall(scope string, m *Message, cancel context.CancelFunc) *Call {
	return &Call{
		ID:       bytes.Clone(m.ID),
		Internal: nextInternal.Add(1),
		Scope:    scope,
		Method:   m.Method,
		cancel:   cancel,
	}
}

func (t *Tracker) addLocked(c *Call) {
	k := callKey{c.Scope, string(c.ID)}
	t.calls[c.Internal] = c
	t.byID[k] = append(t.byID[k], c)
}

// Lookup returns the call with this internal id, if it is in flight.
func (t *Tracker) Lookup(internal int64) (*Call, bool) {
	t.mu.Lock()
	c, ok := t.calls[internal]
	t.mu.Unlock()
	return c, ok
}

// Finish ends the call with this internal id and returns it and how it
// ended; ok is false for an id not in flight (never tracked, or already
// finished).
func (t *Tracker) Finish(internal int64) (c *Call, state State, ok bool) {
	t.mu.Lock()
	c, ok = t.calls[internal]
	if !ok {
		t.mu.Unlock()
		return nil, Running, false
	}
	done := t.removeLocked(c)
	state = c.state
	t.mu.Unlock()
	runAll(done)
	return c, state, true
}

// OnFinish has f called once c ends (finished or forgotten), or at once if
// it already has: for what a request holds until it is answered, such as
// the memory of its body.
func (t *Tracker) OnFinish(c *Call, f func()) {
	t.mu.Lock()
	if _, ok := t.calls[c.Internal]; ok {
		c.onFinish = append(c.onFinish, f)
		t.mu.Unlock()
		return
	}
	t.mu.Unlock()
	f()
}

func runAll(fs []func()) {
	for _, f := range fs {
		f()
	}
}

// removeLocked stops tracking c and returns its OnFinish functions, to be
// called once the mutex is released.
func (t *Tracker) removeLocked(c *Call) []func() {
	delete(t.calls, c.Internal)
	k := callKey{c.Scope, string(c.ID)}
	list := t.byID[k]
	for i, o := range list {
		if o == c {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(t.byID, k)
	} else {
		t.byID[k] = list
	}
	close(t.changed)
	t.changed = make(chan struct{})
	done := c.onFinish
	c.onFinish = nil
	return done
}

// Cancel handles a notifications/cancelled of scope naming id: every
// request of that scope in flight with exactly that id (JSON text) is
// marked cancelled, so that it gets no answer, and its cancel func is
// called. It returns them (their internal ids are what mcp-go knows them
// by); none when the id matches nothing.
func (t *Tracker) Cancel(scope string, id []byte) []*Call {
	id = trimSpace(id)
	if !validID(id) {
		return nil
	}
	t.mu.Lock()
	list := append([]*Call(nil), t.byID[callKey{scope, string(id)}]...)
	for _, c := range list {
		if c.state == Running {
			c.state = CancelledByClient
		}
	}
	t.mu.Unlock()
	for _, c := range list {
		if c.cancel != nil {
			c.cancel()
		}
	}
	return list
}

// CutShort stops every request in flight (of scope, or of every scope
// when scope is ""): their contexts are cancelled and they are to be
// answered with a cancellation error. It returns how many there were.
func (t *Tracker) CutShort(scope string) int {
	t.mu.Lock()
	var list []*Call
	for _, c := range t.calls {
		if scope == "" || c.Scope == scope {
			list = append(list, c)
			if c.state == Running {
				c.state = CutShort
			}
		}
	}
	t.mu.Unlock()
	for _, c := range list {
		if c.cancel != nil {
			c.cancel()
		}
	}
	return len(list)
}

// Forget drops the requests of scope without cancelling them: their
// answers can no longer be delivered (the client's stream is gone).
func (t *Tracker) Forget(scope string) {
	var done []func()
	t.mu.Lock()
	for _, c := range t.calls {
		if c.Scope == scope {
			done = append(done, t.removeLocked(c)...)
		}
	}
	t.mu.Unlock()
	runAll(done)
}

// Len is the number of requests in flight.
func (t *Tracker) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.calls)
}

// Wait returns nil once no request is in flight, or ctx's error.
func (t *Tracker) Wait(ctx context.Context) error {
	for {
		t.mu.Lock()
		n, ch := len(t.calls), t.changed
		t.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
