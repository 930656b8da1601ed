package transport

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// requestInfo is what the middlewares learn about a request, for the access
// log and for each other. It travels in the request context.
type requestInfo struct {
	session  string // Mcp-Session-Id, or the SSE sessionId
	rpc      string // JSON-RPC method of a POSTed message
	bodyRead bool   // the whole body has been read (by bodyLimit)
	body     []byte // a POST body, read whole (by bodyLimit)
	hold     *bodyHold
	msg      *rpcMessage
}

type requestInfoKey struct{}

func infoOf(r *http.Request) *requestInfo {
	if ri, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		return ri
	}
	return &requestInfo{}
}

// statusRecorder remembers the status and size of a response; it keeps
// Flush working for streams.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(p)
	s.bytes += int64(n)
	return n, err
}

func (s *statusRecorder) Flush() {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	_ = http.NewResponseController(s.ResponseWriter).Flush()
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// accessLog logs one line per request: method, path, status, duration,
// response bytes, session (by sessionLogID) and JSON-RPC method. Never
// headers, queries or bodies. Health checks log at debug level.
func accessLog(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ri := &requestInfo{session: r.Header.Get("Mcp-Session-Id")}
			if r.URL.Path == "/message" {
				ri.session = r.URL.Query().Get("sessionId")
			}
			rec := &statusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, ri)))
			if rec.status == 0 {
				rec.status = http.StatusOK
			}
			if ri.session == "" {
				ri.session = rec.Header().Get("Mcp-Session-Id") // minted by initialize
			}
			level := slog.LevelInfo
			if r.URL.Path == "/healthz" {
				level = slog.LevelDebug
			}
			attrs := []slog.Attr{
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", rec.status),
				slog.Duration("duration", time.Since(start)),
				slog.Int64("bytes", rec.bytes),
				slog.String("remote", r.RemoteAddr),
			}
			if ri.session != "" {
				attrs = append(attrs, slog.String("session", sessionLogID(ri.session)))
			}
			if ri.rpc != "" {
				attrs = append(attrs, slog.String("rpc", ri.rpc))
			}
			log.LogAttrs(r.Context(), level, "http request", attrs...)
		})
	}
}

// sessionLogID names a session in logs: the first 16 hex digits of the
// SHA-256 of its id. The id itself is what a client shows to act in the
// session, so it is never logged; the hash still lets lines of one session
// be found together (and a person holding an id find its lines).
func sessionLogID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:8])
}

// sessionHashingHandler is the log handler given to mcp-go: it replaces the
// session ids mcp-go logs ("session", "sessionID") by their sessionLogID.
type sessionHashingHandler struct{ slog.Handler }

func (h sessionHashingHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, rec.Message, rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(hashSessionAttr(a))
		return true
	})
	return h.Handler.Handle(ctx, out)
}

func (h sessionHashingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	hashed := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		hashed[i] = hashSessionAttr(a)
	}
	return sessionHashingHandler{h.Handler.WithAttrs(hashed)}
}

func (h sessionHashingHandler) WithGroup(name string) slog.Handler {
	return sessionHashingHandler{h.Handler.WithGroup(name)}
}

func hashSessionAttr(a slog.Attr) slog.Attr {
	switch strings.ToLower(a.Key) {
	case "session", "sessionid", "session_id":
		if v := a.Value.Resolve(); v.Kind() == slog.KindString && v.String() != "" {
			return slog.String(a.Key, sessionLogID(v.String()))
		}
	}
	return a
}
