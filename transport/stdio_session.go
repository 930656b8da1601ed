package transport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/jsonrpc"
)

// stdioSession is the one client session of a stdio connection, as mcp-go
// sees it: notifications, logging level, client info, and the requests the
// server sends the client (elicitation, sampling, roots) with their answers.
type stdioSession struct {
	notifications chan mcp.JSONRPCNotification
	out           *lineWriter

	initialized     atomic.Bool
	logLevel        atomic.Value // mcp.LoggingLevel
	clientInfo      atomic.Value // mcp.Implementation
	clientCaps      atomic.Value // mcp.ClientCapabilities
	protocolVersion atomic.Value // string

	nextID  atomic.Int64
	mu      sync.Mutex
	waiting map[string]chan jsonrpc.Message // server request id -> its answer
	closed  bool
}

var (
	_ server.ClientSession              = (*stdioSession)(nil)
	_ server.SessionWithLogging         = (*stdioSession)(nil)
	_ server.SessionWithClientInfo      = (*stdioSession)(nil)
	_ server.SessionWithProtocolVersion = (*stdioSession)(nil)
	_ server.SessionWithElicitation     = (*stdioSession)(nil)
	_ server.SessionWithSampling        = (*stdioSession)(nil)
	_ server.SessionWithRoots           = (*stdioSession)(nil)
)

func newStdioSession(out *lineWriter) *stdioSession {
	return &stdioSession{
		notifications: make(chan mcp.JSONRPCNotification, 100),
		out:           out,
		waiting:       map[string]chan jsonrpc.Message{},
	}
}

func (s *stdioSession) SessionID() string { return stdioScope }

func (s *stdioSession) NotificationChannel() chan<- mcp.JSONRPCNotification {
	return s.notifications
}

func (s *stdioSession) Initialize() {
	if s.logLevel.Load() == nil {
		s.logLevel.Store(mcp.LoggingLevelError)
	}
	s.initialized.Store(true)
}

func (s *stdioSession) Initialized() bool { return s.initialized.Load() }

func (s *stdioSession) SetLogLevel(level mcp.LoggingLevel) { s.logLevel.Store(level) }

func (s *stdioSession) GetLogLevel() mcp.LoggingLevel {
	if l, ok := s.logLevel.Load().(mcp.LoggingLevel); ok {
		return l
	}
	return mcp.LoggingLevelError
}

func (s *stdioSession) GetClientInfo() mcp.Implementation {
	v, _ := s.clientInfo.Load().(mcp.Implementation)
	return v
}

func (s *stdioSession) SetClientInfo(info mcp.Implementation) { s.clientInfo.Store(info) }

func (s *stdioSession) GetClientCapabilities() mcp.ClientCapabilities {
	v, _ := s.clientCaps.Load().(mcp.ClientCapabilities)
	return v
}

func (s *stdioSession) SetClientCapabilities(caps mcp.ClientCapabilities) { s.clientCaps.Store(caps) }

func (s *stdioSession) ProtocolVersion() string {
	v, _ := s.protocolVersion.Load().(string)
	return v
}

// SetProtocolVersion lets mcp-go record the negotiated version.
func (s *stdioSession) SetProtocolVersion(v string) { s.protocolVersion.Store(v) }

// errSessionClosed: the stdio connection ended while a server request waited.
var errSessionClosed = errors.New("the stdio connection has ended")

// request sends the client a request and waits for its answer's result.
func (s *stdioSession) request(ctx context.Context, method mcp.MCPMethod, params any) (json.RawMessage, error) {
	id := strconv.FormatInt(s.nextID.Add(1), 10)
	answer := make(chan jsonrpc.Message, 1)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, errSessionClosed
	}
	s.waiting[id] = answer
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.waiting, id)
		s.mu.Unlock()
	}()
	msg := struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Method  mcp.MCPMethod   `json:"method"`
		Params  any             `json:"params,omitempty"`
	}{jsonrpc.Version, json.RawMessage(id), method, params}
	b, err := json.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("encode %s request: %w", method, err)
	}
	s.out.write(b)
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case m, ok := <-answer:
		if !ok {
			return nil, errSessionClosed
		}
		result, errMessage, ok := m.Outcome()
		if !ok {
			return nil, fmt.Errorf("%s request failed: %s", method, errMessage)
		}
		return result, nil
	}
}

// deliver hands a response from the client to the request waiting for it;
// false if none is.
func (s *stdioSession) deliver(m jsonrpc.Message) bool {
	s.mu.Lock()
	ch, ok := s.waiting[string(m.ID)]
	if ok {
		delete(s.waiting, string(m.ID))
	}
	s.mu.Unlock()
	if ok {
		ch <- m // buffered, one answer per request
	}
	return ok
}

// close ends the requests still waiting for an answer.
func (s *stdioSession) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for id, ch := range s.waiting {
		close(ch)
		delete(s.waiting, id)
	}
}

// RequestElicitation implements server.SessionWithElicitation.
func (s *stdioSession) RequestElicitation(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	raw, err := s.request(ctx, mcp.MethodElicitationCreate, req.Params)
	if err != nil {
		return nil, err
	}
	var res mcp.ElicitationResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, fmt.Errorf("reading the elicitation answer: %w", err)
	}
	return &res, nil
}

// RequestSampling implements server.SessionWithSampling.
func (s *stdioSession) RequestSampling(ctx context.Context, req mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
	raw, err := s.request(ctx, mcp.MethodSamplingCreateMessage, req.CreateMessageParams)
	if err != nil {
		return nil, err
	}
	var res mcp.CreateMessageResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, fmt.Errorf("reading the sampling answer: %w", err)
	}
	content, err := mcp.ParseSamplingContent(res.Content)
	if err != nil {
		return nil, fmt.Errorf("reading the sampling answer: %w", err)
	}
	res.Content = content
	return &res, nil
}

// ListRoots implements server.SessionWithRoots.
func (s *stdioSession) ListRoots(ctx context.Context, _ mcp.ListRootsRequest) (*mcp.ListRootsResult, error) {
	raw, err := s.request(ctx, mcp.MethodListRoots, nil)
	if err != nil {
		return nil, err
	}
	var res mcp.ListRootsResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, fmt.Errorf("reading the roots answer: %w", err)
	}
	return &res, nil
}
