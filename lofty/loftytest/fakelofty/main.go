// Command fakelofty serves the fake Lofty Open API (lofty/loftytest, demo
// data) on a loopback port, for tests and benchmarks that run lofty-mcp as a
// separate process. It prints its base URL on the first line of stdout and
// serves until SIGINT/SIGTERM (or, with -stdin-eof, until stdin closes).
//
//	go run ./lofty/loftytest/fakelofty -addr 127.0.0.1:0
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty/loftytest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback)")
	apiKey := flag.String("api-key", "", "accept only this API key (default: any credential)")
	stdinEOF := flag.Bool("stdin-eof", false, "also stop when stdin closes (so a dying parent stops us)")
	flag.Parse()

	data := loftytest.Demo()
	if *apiKey != "" {
		data.APIKeys = []string{*apiKey}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("fakelofty: %v", err)
	}
	srv := &http.Server{Handler: loftytest.New(data), ReadHeaderTimeout: 5 * time.Second}
	fmt.Printf("http://%s\n", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *stdinEOF {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		log.Fatalf("fakelofty: %v", err)
	}
}
