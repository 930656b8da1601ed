package oauth

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/lofty-mcp/lofty-mcp/internal/access"
)

// The protected resources: the MCP endpoint /mcp, and each of its
// selections (/mcp/x/leads,tasks/readonly ...). Each is a resource of its
// own (RFC 9728: the resource is the URL the client uses; RFC 8707: a
// token is for one resource): a token obtained for a read-only URL is
// refused at the full one. The legacy SSE endpoints are /mcp's.

// resourcePath is the path of the resource a request path belongs to.
func resourcePath(path string) string {
	switch path {
	case "/sse", "/message":
		return ResourcePath
	}
	return path
}

// errNotResource: a path that is not one of the protected resources.
var errNotResource = errors.New("not an MCP endpoint of this server")

// resourceScopes returns the scopes the tools at a resource path can use,
// or why the path is not a resource.
func (s *Server) resourceScopes(path string) (access.Scopes, error) {
	if s.cfg.ResourceScopes != nil {
		return s.cfg.ResourceScopes(path)
	}
	if path != ResourcePath {
		return 0, errNotResource
	}
	return access.LegacyScopes, nil
}

// resourceFor is the resource (an absolute URL) a request path belongs to.
func (s *Server) resourceFor(path string) string { return s.issuer + resourcePath(path) }

// metadataURLFor is the protected resource metadata URL of a request
// path's resource: the well-known path followed by the resource's path.
func (s *Server) metadataURLFor(path string) string {
	return s.issuer + ProtectedResourcePath + resourcePath(path)
}

// canonicalResource maps a requested resource (RFC 8707) to one of this
// server's resources: absent, or the issuer, means /mcp; otherwise the
// issuer followed by /mcp or one of its selections. "" when it names
// anything else.
func (s *Server) canonicalResource(requested string) string {
	r := strings.TrimSuffix(requested, "/")
	if r == "" || r == s.issuer {
		return s.resource
	}
	path, ok := strings.CutPrefix(r, s.issuer)
	if !ok || !strings.HasPrefix(path, ResourcePath) {
		return ""
	}
	if _, err := s.resourceScopes(path); err != nil {
		return ""
	}
	return r
}

// serveResourceMetadata serves RFC 9728 metadata for every resource: at
// the well-known path followed by the resource's path, and at the bare
// well-known path for /mcp (for clients that probe it first). Its
// scopes_supported are the scopes the resource's tools can use.
func (s *Server) serveResourceMetadata(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, ProtectedResourcePath)
	if path == "" {
		path = ResourcePath
	}
	scopes, err := s.resourceScopes(path)
	if err != nil || !strings.HasPrefix(path, ResourcePath) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not_found",
			"message": fmt.Sprintf("no protected resource %s here: %v", clip(path), errOr(err, errNotResource))})
		return
	}
	mcpserver.NewProtectedResourceMetadataHandler(mcpserver.ProtectedResourceMetadataConfig{
		Resource:               s.issuer + path,
		AuthorizationServers:   []string{s.issuer},
		BearerMethodsSupported: []string{"header"},
		ScopesSupported:        scopes.Names(),
		ResourceName:           "Lofty CRM (lofty-mcp)",
	}).ServeHTTP(w, r)
}

func errOr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}
