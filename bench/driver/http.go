package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// measureHTTP runs `lofty-mcp http` and measures 1, 16 and 64 concurrent
// Streamable HTTP clients (each its own session, protocol 2025-11-25) for d.
func measureHTTP(bin string, env []string, upstream string, d time.Duration) error {
	addr, err := freePort()
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, "http", "--addr", addr)
	cmd.Env = append(env, "LOFTY_CACHE_TTL=0")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
	}()
	base := "http://" + addr
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := waitHealthy(ctx, base); err != nil {
		return err
	}
	for _, n := range []int{1, 16, 64} {
		lat, cps, err := httpLoad(base+"/mcp", n, d)
		if err != nil {
			return fmt.Errorf("http load with %d clients: %w", n, err)
		}
		tgt, tgt99 := "", ""
		if n == 64 {
			tgt, tgt99 = ">= 8000/s", "<= 20 ms"
		}
		report(fmt.Sprintf("Streamable HTTP (cache off): calls/s, %d clients", n), cps, "calls/s", 0, tgt)
		report(fmt.Sprintf("Streamable HTTP (cache off): p50, %d clients", n), ms(percentile(lat, 50)), "ms", 0, "")
		report(fmt.Sprintf("Streamable HTTP (cache off): p99, %d clients", n), ms(percentile(lat, 99)), "ms", 0, tgt99)
	}
	return nil
}

// noRedirects is the HTTP client of the load's MCP clients: it never
// follows a redirect.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func httpLoad(url string, clients int, d time.Duration) ([]time.Duration, float64, error) {
	ctx := context.Background()
	cs := make([]*client.Client, clients)
	for i := range cs {
		// mcp-go's default HTTP client follows redirects with the request's
		// headers (GO-2026-6911); this one follows none.
		tr, err := transport.NewStreamableHTTP(url, transport.WithHTTPBasicClient(noRedirects))
		if err != nil {
			return nil, 0, err
		}
		c := client.NewClient(tr, client.WithProtocolVersion(mcp.ProtocolVersion20251125))
		if err := c.Start(ctx); err != nil {
			return nil, 0, err
		}
		req := mcp.InitializeRequest{}
		req.Params.ProtocolVersion = mcp.ProtocolVersion20251125
		req.Params.ClientInfo = mcp.Implementation{Name: "bench", Version: "1"}
		if _, err := c.Initialize(ctx, req); err != nil {
			return nil, 0, err
		}
		defer c.Close()
		cs[i] = c
	}
	var mu sync.Mutex
	var all []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	start := time.Now()
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			call := mcp.CallToolRequest{}
			call.Params.Name = "get_sales_agent_by_lead"
			call.Params.Arguments = map[string]any{"leadId": leadWithAgent}
			for time.Now().Before(deadline) {
				t := time.Now()
				res, err := c.CallTool(ctx, call)
				if err == nil && res.IsError {
					err = fmt.Errorf("isError result: %v", res.Content)
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				lat = append(lat, time.Since(t))
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, 0, firstErr
	}
	return all, float64(len(all)) / time.Since(start).Seconds(), nil
}
