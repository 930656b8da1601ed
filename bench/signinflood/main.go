// Command signinflood measures how much disk a stranger can make
// `lofty-mcp http --oauth` use without ever signing in: the size of
// oauth.db before and after a flood of authorization requests with long
// state and scope values, then a flood of client registrations with large
// bodies, and the statuses they got.
//
// Usage:
//
//	go run ./bench/signinflood                       build lofty-mcp from this tree and measure it
//	go run ./bench/signinflood -bin /tmp/old/lofty-mcp   measure another build (the "before")
//	go run ./bench/signinflood -value-bytes 1024 -authorize 3000 -authorize-sources 250 \
//	    -register 3000 -uri-bytes 1000 -uris 10      the most the limits let through
//
// The defaults are the figures of the adversarial run it repeats: 500
// authorization requests whose state and scope are 30 KB each, from one
// address, and 300 registrations of 62 KB bodies, each from its own
// address. Every request goes to a server this command starts on loopback
// (serving its demo data) and each source address is a 127.0.0.0/8 address:
// nothing leaves the machine, and it stops by itself.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lofty-mcp/lofty-mcp/bench/internal/binary"
)

var (
	binPath          = flag.String("bin", "", "lofty-mcp binary to measure (default: build this tree)")
	authorizeN       = flag.Int("authorize", 500, "authorization requests to send")
	authorizeSources = flag.Int("authorize-sources", 1, "loopback source addresses the authorization requests come from")
	valueBytes       = flag.Int("value-bytes", 30_000, "length of the state and of the scope of each authorization request")
	registerN        = flag.Int("register", 300, "client registrations to send")
	registerSources  = flag.Int("register-sources", 300, "loopback source addresses the registrations come from")
	uris             = flag.Int("uris", 20, "redirect URIs per registration")
	uriBytes         = flag.Int("uri-bytes", 2_800, "length of each redirect URI (and of client_uri and scope)")
	workers          = flag.Int("workers", 8, "concurrent requests")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "signinflood:", err)
		os.Exit(1)
	}
}

func run() error {
	dir, err := os.MkdirTemp("", "lofty-mcp-signinflood-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, done, err := binary.Build(*binPath)
	if err != nil {
		return err
	}
	defer done()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr
	state := filepath.Join(dir, "state")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--demo", "http", "--oauth", "--public-url", base, "--addr", addr,
		"--state-dir", state, "--log-level", "warn")
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	if err := waitUp(base); err != nil {
		return err
	}
	db := filepath.Join(state, "oauth.db")

	// One client, registered by the first source address, that the
	// authorization requests name.
	clientID, err := register(base, from(0), map[string]any{
		"redirect_uris": []string{"http://127.0.0.1:9/callback"}, "token_endpoint_auth_method": "none",
	})
	if err != nil {
		return err
	}
	size0 := fileSize(db)
	fmt.Printf("oauth.db at start: %s\n", mib(size0))

	value := strings.Repeat("a", *valueBytes)
	challenge := sha256.Sum256([]byte(rand.Text() + rand.Text()))
	authQuery := url.Values{
		"client_id": {clientID}, "response_type": {"code"}, "redirect_uri": {"http://127.0.0.1:9/callback"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(challenge[:])}, "code_challenge_method": {"S256"},
		"state": {value}, "scope": {value},
	}.Encode()
	took, statuses, err := flood(*authorizeN, *authorizeSources, func(c *http.Client) (int, error) {
		return send(c, http.MethodGet, base+"/oauth/authorize?"+authQuery, "", nil)
	})
	if err != nil {
		return err
	}
	size1 := fileSize(db)
	fmt.Printf("authorize: %d requests, state and scope %d bytes each, from %d address(es), in %.1fs: %s\n",
		*authorizeN, *valueBytes, *authorizeSources, took.Seconds(), statuses)
	fmt.Printf("  oauth.db %s -> %s (+%s)\n", mib(size0), mib(size1), mib(size1-size0))

	pad := func(prefix string) string {
		return prefix + strings.Repeat("p", max(0, *uriBytes-len(prefix)))
	}
	meta := map[string]any{"token_endpoint_auth_method": "none", "client_name": strings.Repeat("n", 200),
		"client_uri": pad("https://app.example.com/?"), "scope": pad("s")}
	var redirects []string
	for i := range *uris {
		redirects = append(redirects, pad(fmt.Sprintf("https://app.example.com/cb%d?", i)))
	}
	meta["redirect_uris"] = redirects
	body, _ := json.Marshal(meta)
	took, statuses, err = flood(*registerN, *registerSources, func(c *http.Client) (int, error) {
		return send(c, http.MethodPost, base+"/oauth/register", "application/json", body)
	})
	if err != nil {
		return err
	}
	size2 := fileSize(db)
	fmt.Printf("register: %d registrations of %d bytes, from %d address(es), in %.1fs: %s\n",
		*registerN, len(body), *registerSources, took.Seconds(), statuses)
	fmt.Printf("  oauth.db %s -> %s (+%s)\n", mib(size1), mib(size2), mib(size2-size1))
	fmt.Printf("total: oauth.db %s -> %s\n", mib(size0), mib(size2))
	return nil
}

// from is the i-th loopback source address (127.0.1.1, 127.0.1.2, ...).
func from(i int) net.IP { return net.IPv4(127, 0, byte(1+i/250), byte(1+i%250)) }

// clientFrom is an HTTP client whose connections come from ip and which
// follows no redirects.
func clientFrom(ip net.IP) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}, Timeout: 5 * time.Second}
	return &http.Client{
		Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4},
		Timeout:   30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// flood makes n requests with do, spread round-robin over sources source
// addresses, and tallies the statuses.
func flood(n, sources int, do func(*http.Client) (int, error)) (time.Duration, string, error) {
	clients := make([]*http.Client, max(1, sources))
	for i := range clients {
		clients[i] = clientFrom(from(i))
	}
	var next atomic.Int64
	var mu sync.Mutex
	tally := map[int]int{}
	var firstErr error
	start := time.Now()
	var wg sync.WaitGroup
	for range *workers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				status, err := do(clients[int(i)%len(clients)])
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				tally[status]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	var parts []string
	for s, c := range tally {
		parts = append(parts, fmt.Sprintf("%d×%d", c, s))
	}
	sort.Strings(parts)
	return time.Since(start), strings.Join(parts, ", "), firstErr
}

func send(c *http.Client, method, u, contentType string, body []byte) (int, error) {
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func register(base string, ip net.IP, meta map[string]any) (string, error) {
	body, _ := json.Marshal(meta)
	resp, err := clientFrom(ip).Post(base+"/oauth/register", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var reg struct {
		ClientID string `json:"client_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&reg); err != nil || reg.ClientID == "" {
		return "", fmt.Errorf("registering the flood's client: HTTP %d", resp.StatusCode)
	}
	return reg.ClientID, nil
}

func waitUp(base string) error {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return errors.New("the server did not come up within 15s")
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func mib(n int64) string { return fmt.Sprintf("%.2f MB", float64(n)/1e6) }
