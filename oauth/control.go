package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The control socket: a running server with the embedded store holds
// oauth.db (bbolt lets one process open it), so `lofty-mcp grants` asks
// the server itself, over a Unix socket in the state directory, created
// mode 0600 in a directory of mode 0700: whoever can use it can read
// oauth.db and secret.key too. With Redis, the command uses the store
// directly and no socket is needed.

// ControlSocket is the control socket's file name in the state directory.
const ControlSocket = "control.sock"

// GrantAdmin lists and revokes grants: *Grants (the store itself) or a
// running server, through its control socket.
type GrantAdmin interface {
	// List returns the grants f selects (every grant when f is zero).
	List(ctx context.Context, f GrantFilter) ([]GrantInfo, error)
	// Revoke revokes the grants f selects (f not zero) and returns them.
	Revoke(ctx context.Context, f GrantFilter) ([]GrantInfo, error)
	Close() error
}

// OpenGrantAdmin opens the grants cfg names: the store given, or the state
// directory's, through its running server's control socket when one
// answers, else the file itself.
func OpenGrantAdmin(cfg GrantsConfig) (GrantAdmin, error) {
	if cfg.Store == nil {
		sock := filepath.Join(cfg.StateDir, ControlSocket)
		if _, err := os.Stat(sock); err == nil {
			c := dialControl(sock)
			if err := c.ping(context.Background()); err == nil {
				return c, nil
			}
		}
	}
	g, err := OpenGrants(cfg)
	if err != nil {
		return nil, err
	}
	return g, nil
}

// controlServer serves the control socket.
type controlServer struct {
	path string
	srv  *http.Server
	done chan struct{}
}

// serveControl listens on the control socket at path and serves the
// operator's grant commands until stop.
func (s *Server) serveControl(path string) (*controlServer, error) {
	// This process holds oauth.db: a socket file left there is a dead
	// server's.
	_ = os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	admin := s.AdminGrants()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ping", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /grants", func(w http.ResponseWriter, r *http.Request) {
		gs, err := admin.List(r.Context(), filterOf(r.URL.Query()))
		answerControl(w, gs, err)
	})
	mux.HandleFunc("POST /grants/revoke", func(w http.ResponseWriter, r *http.Request) {
		gs, err := admin.Revoke(r.Context(), filterOf(r.URL.Query()))
		answerControl(w, gs, err)
	})
	c := &controlServer{path: path, srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		_ = c.srv.Serve(ln)
	}()
	return c, nil
}

func (c *controlServer) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = c.srv.Shutdown(ctx)
	<-c.done
	_ = os.Remove(c.path)
}

func filterOf(q url.Values) GrantFilter {
	return GrantFilter{ID: q.Get("id"), ClientID: q.Get("client"), Person: q.Get("person")}
}

func (f GrantFilter) query() string {
	q := url.Values{}
	for k, v := range map[string]string{"id": f.ID, "client": f.ClientID, "person": f.Person} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q.Encode()
}

func answerControl(w http.ResponseWriter, gs []GrantInfo, err error) {
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if gs == nil {
		gs = []GrantInfo{}
	}
	writeJSON(w, http.StatusOK, gs)
}

// controlClient is a running server's GrantAdmin, through its socket.
type controlClient struct {
	http *http.Client
}

func dialControl(path string) *controlClient {
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}}
	return &controlClient{http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

func (c *controlClient) do(ctx context.Context, method, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, "http://lofty-mcp"+path, nil)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("asking the running server (its control socket): %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return errors.New(e.Error)
		}
		return fmt.Errorf("the running server answered HTTP %d", resp.StatusCode)
	}
	return json.Unmarshal(body, out)
}

func (c *controlClient) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var v map[string]string
	return c.do(ctx, http.MethodGet, "/ping", &v)
}

func (c *controlClient) List(ctx context.Context, f GrantFilter) ([]GrantInfo, error) {
	var gs []GrantInfo
	err := c.do(ctx, http.MethodGet, "/grants?"+f.query(), &gs)
	return gs, err
}

func (c *controlClient) Revoke(ctx context.Context, f GrantFilter) ([]GrantInfo, error) {
	var gs []GrantInfo
	err := c.do(ctx, http.MethodPost, "/grants/revoke?"+f.query(), &gs)
	return gs, err
}

func (c *controlClient) Close() error {
	c.http.CloseIdleConnections()
	return nil
}

// controlPath is where a server keeping its grants in stateDir serves its
// control socket; "" when that path is too long for a Unix socket.
func controlPath(stateDir string) string {
	p := filepath.Join(stateDir, ControlSocket)
	if len(p) > 100 || strings.ContainsRune(p, 0) {
		return ""
	}
	return p
}
