package transport

import (
	"net/http"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
)

// Headers that narrow what one connection is served, like the URL forms
// /mcp/x/{toolsets}[/readonly] and /mcp/readonly (as github-mcp-server's
// remote server takes them).
const (
	HeaderToolsets = "X-MCP-Toolsets"
	HeaderReadOnly = "X-MCP-Readonly"
)

// selection reads what the request selects — its URL's toolsets and
// read-only mode, narrowed further by the X-MCP-Toolsets and
// X-MCP-Readonly headers — checks it against what the server serves, and
// puts it in the request's context as an access.Request (granting every
// scope until authentication says otherwise), before anything is read.
// The server's flags are the ceiling: a toolset it does not serve is
// refused, naming those it does (404 for a URL, which then names no
// endpoint; 400 for a header). Without a catalog nothing can be selected:
// only /mcp is an endpoint, and the headers are refused.
func selection(c *access.Catalog) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sel := access.Selection{}
			if r.URL.Path != "/sse" && r.URL.Path != "/message" {
				var err error
				sel, _, err = access.ParsePath(r.URL.Path)
				if err == nil && c == nil && sel.Narrows() {
					err = errNoSelection
				}
				if err == nil && c != nil {
					sel, err = c.Resolve(sel)
				}
				if err != nil {
					refuse(w, r, http.StatusNotFound, "not_found", err.Error())
					return
				}
			}
			inner, err := headerSelection(r.Header)
			if err == nil && c == nil && inner.Narrows() {
				err = errNoSelection
			}
			if err == nil && inner.Narrows() {
				if inner, err = c.Resolve(inner); err != nil {
					err = selectionError(HeaderToolsets + ": " + err.Error())
				} else {
					sel, err = sel.Within(inner)
				}
			}
			if err != nil {
				refuse(w, r, http.StatusBadRequest, "bad_selection", err.Error())
				return
			}
			ctx := access.With(r.Context(), access.Request{Selection: sel, Granted: access.AllScopes})
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

type selectionError string

func (e selectionError) Error() string { return string(e) }

// errNoSelection: a transport built without a catalog serves every tool at /mcp.
const errNoSelection = selectionError("this server does not narrow its tools per connection: use /mcp, without " + HeaderToolsets + " or " + HeaderReadOnly)

// headerSelection reads X-MCP-Toolsets and X-MCP-Readonly, each at most once.
func headerSelection(h http.Header) (access.Selection, error) {
	var sel access.Selection
	for _, hd := range []struct {
		name  string
		parse func(string) error
	}{
		{HeaderToolsets, func(v string) (err error) { sel.Toolsets, err = access.ParseToolsets(v); return err }},
		{HeaderReadOnly, func(v string) (err error) { sel.ReadOnly, err = access.ParseReadOnly(v); return err }},
	} {
		switch vs := h.Values(hd.name); {
		case len(vs) > 1:
			return sel, selectionError(hd.name + " is given more than once; send it once")
		case len(vs) == 1:
			if err := hd.parse(vs[0]); err != nil {
				return sel, selectionError(hd.name + ": " + err.Error())
			}
		}
	}
	return sel, nil
}

// requestAccess is the access.Request selection put in r's context (the
// zero Request, granting nothing, when there is none).
func requestAccess(r *http.Request) access.Request {
	a, _ := access.From(r.Context())
	return a
}
