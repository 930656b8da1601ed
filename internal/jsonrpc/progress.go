package jsonrpc

import (
	"bytes"
	"context"
	"sync/atomic"
)

// A request asks for progress notifications by carrying a token in
// params._meta.progressToken; every notifications/progress about it must
// carry the same token. mcp-go decodes the token into a Go value (a number
// through float64, so 9007199254740993 would come back as
// 9007199254740992), so the transports hand the token, exactly as the
// client sent it, to the handler through the request's context.

type progressTokenKey struct{}

// ProgressToken returns a request's params._meta.progressToken exactly as
// sent (a JSON string or number), or nil when it has none.
func ProgressToken(params []byte) []byte {
	if len(params) == 0 || params[0] != '{' || !bytes.Contains(params, []byte(`progressToken`)) {
		return nil
	}
	var token []byte
	members(params, 0, func(key, v []byte) bool {
		if string(key) != "_meta" {
			return true
		}
		members(v, 0, func(key, v []byte) bool {
			if string(key) == "progressToken" {
				token = v
				return false
			}
			return true
		})
		return false
	})
	if !validID(token) {
		return nil
	}
	return token
}

// WithProgressToken returns ctx carrying m's progress token, when m is a
// request that has one; else ctx.
func WithProgressToken(ctx context.Context, m *Message) context.Context {
	if m.Kind != Request {
		return ctx
	}
	if token := ProgressToken(m.Params); token != nil {
		return context.WithValue(ctx, progressTokenKey{}, token)
	}
	return ctx
}

// ProgressTokenFrom returns the progress token of the request served with
// ctx exactly as its client sent it, or nil when the transport put none
// there.
func ProgressTokenFrom(ctx context.Context) []byte {
	t, _ := ctx.Value(progressTokenKey{}).([]byte)
	return t
}

type progressWrittenKey struct{}

// ProgressWritten counts the notifications/progress a transport has
// written to one request's own response stream.
type ProgressWritten struct{ n atomic.Int64 }

// Add counts n more written.
func (p *ProgressWritten) Add(n int) { p.n.Add(int64(n)) }

// Count is how many have been written.
func (p *ProgressWritten) Count() int { return int(p.n.Load()) }

// WithProgressWritten returns ctx carrying p: the transport promises that
// every progress notification of the request served with ctx is written to
// the request's own response, in order before its answer, and counted in p
// as it is handed to the connection. Only a transport that can keep that
// promise (a request with a stream of its own) sets it.
func WithProgressWritten(ctx context.Context, p *ProgressWritten) context.Context {
	return context.WithValue(ctx, progressWrittenKey{}, p)
}

// ProgressWrittenFrom returns the counter WithProgressWritten put in ctx.
func ProgressWrittenFrom(ctx context.Context) (*ProgressWritten, bool) {
	p, ok := ctx.Value(progressWrittenKey{}).(*ProgressWritten)
	return p, ok
}

// progressMethod marks a progress notification in an encoded message.
var progressMethod = []byte(`"notifications/progress"`)

// IsProgress reports whether an encoded message is a progress notification.
func IsProgress(data []byte) bool { return bytes.Contains(data, progressMethod) }
