package transport

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// protocolHeaders checks the Streamable HTTP headers before anything is
// read or allocated for the request:
//
//   - MCP-Protocol-Version, when sent, names a version this server speaks
//     (400 otherwise, naming the header and the versions; a POST with one
//     unknown version is answered once its body is read, by streamableRPC,
//     with the JSON-RPC error that carries its id: unsupportedVersion);
//   - Mcp-Session-Id, when sent, is 1 to 255 visible ASCII characters, as
//     the specification requires of session ids (400 otherwise);
//   - DELETE names the session it ends (400 without Mcp-Session-Id);
//   - GET, which opens a session's stream, names the session (400 without
//     Mcp-Session-Id, on the session-era protocol) and accepts
//     text/event-stream (406 otherwise).
func protocolHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Values(mcp.HeaderProtocolVersion); len(v) > 0 {
			// One unknown version on a POST is answered by streamableRPC,
			// as a JSON-RPC error carrying the request's id (2026-07-28).
			if len(v) > 1 || (!mcp.IsValidProtocolVersion(v[0]) && r.Method != http.MethodPost) {
				refuse(w, r, http.StatusBadRequest, "unsupported_protocol_version", unsupportedVersionText(v))
				return
			}
		}
		ids := r.Header.Values(server.HeaderKeySessionID)
		if len(ids) > 1 {
			refuse(w, r, http.StatusBadRequest, "bad_session_id", server.HeaderKeySessionID+" is given more than once; send it once")
			return
		}
		if len(ids) == 1 {
			if err := checkSessionIDSyntax(ids[0]); err != "" {
				refuse(w, r, http.StatusBadRequest, "bad_session_id", err)
				return
			}
		}
		switch r.Method {
		case http.MethodDelete:
			if len(ids) == 0 && !mcp.IsModernProtocol(r.Header.Get(mcp.HeaderProtocolVersion)) {
				refuse(w, r, http.StatusBadRequest, "missing_session_id",
					"DELETE ends a session: send the session's "+server.HeaderKeySessionID+" header")
				return
			}
		case http.MethodGet:
			// A GET opens the event stream of a session. Without one, it is
			// a browser or a person trying the URL: mcp-go would open a
			// stream that never ends and looks hung.
			if len(ids) == 0 && !mcp.IsModernProtocol(r.Header.Get(mcp.HeaderProtocolVersion)) {
				refuse(w, r, http.StatusBadRequest, "missing_session_id",
					"GET "+r.URL.Path+" opens the event stream of an MCP session and names none: an MCP client first POSTs an initialize request to "+
						r.URL.Path+" (Content-Type: application/json), then sends the "+server.HeaderKeySessionID+" header its answer carried. "+
						"This is an MCP endpoint for MCP clients, not a web page")
				return
			}
			if !acceptsEventStream(r.Header.Values("Accept")) {
				refuse(w, r, http.StatusNotAcceptable, "not_acceptable",
					"GET "+r.URL.Path+" opens a server-sent event stream: send Accept: text/event-stream")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// unsupportedVersionText says that the MCP-Protocol-Version values v are not
// spoken here, and which are.
func unsupportedVersionText(v []string) string {
	return fmt.Sprintf("%s %q is not a protocol version this server speaks; send one of: %s (or leave the header out on initialize)",
		mcp.HeaderProtocolVersion, strings.Join(v, ", "), strings.Join(mcp.ValidProtocolVersions, ", "))
}

// unsupportedVersion answers a POSTed message whose MCP-Protocol-Version
// names a version this server does not speak: HTTP 400 with the JSON-RPC
// error UnsupportedProtocolVersion (-32022), which carries the message's id,
// the versions spoken and the one requested, as protocol 2026-07-28 asks;
// earlier clients get the 400 they expect.
func unsupportedVersion(w http.ResponseWriter, id []byte, version string) {
	body, _ := json.Marshal(struct {
		Code    int                                `json:"code"`
		Message string                             `json:"message"`
		Data    mcp.UnsupportedProtocolVersionData `json:"data"`
	}{mcp.UNSUPPORTED_PROTOCOL_VERSION, unsupportedVersionText([]string{version}),
		mcp.UnsupportedProtocolVersionData{Supported: mcp.ValidProtocolVersions, Requested: version}})
	if len(id) == 0 {
		id = []byte("null")
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusBadRequest)
	out := append([]byte(`{"jsonrpc":"2.0","id":`), id...)
	out = append(append(append(out, `,"error":`...), body...), "}\n"...)
	_, _ = w.Write(out)
}

// checkSessionIDSyntax returns what is wrong with a session id, or "".
func checkSessionIDSyntax(id string) string {
	if id == "" || len(id) > 255 {
		return server.HeaderKeySessionID + " must be 1 to 255 characters"
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return server.HeaderKeySessionID + " must be visible ASCII characters only (no spaces); send the id the server issued, unchanged"
		}
	}
	return ""
}

// acceptsEventStream reports whether Accept values admit text/event-stream.
func acceptsEventStream(accept []string) bool {
	for _, v := range accept {
		for _, part := range strings.Split(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil || params["q"] == "0" {
				continue
			}
			if slices.Contains([]string{"text/event-stream", "text/*", "*/*"}, mt) {
				return true
			}
		}
	}
	return false
}
