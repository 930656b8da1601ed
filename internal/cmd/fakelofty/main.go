// Command fakelofty serves the fake Lofty Open API (lofty/fakelofty, demo
// data) on a loopback port, for tests and benchmarks that run lofty-mcp as a
// separate process. It prints its base URL on the first line of stdout and
// serves until SIGINT/SIGTERM (or, with -stdin-eof, until stdin closes).
// With -live it behaves as the live API was recorded behaving (see
// fakelofty.Live): 25-lead pages through scrollId only, filters ignored
// (-live-honour names those applied), -1 for unset numbers, GMT times,
// 415 without the JSON Content-Type, and -live-rate-limit requests a minute.
//
//	go run ./lofty/fakelofty/fakelofty -addr 127.0.0.1:0
//	go run ./lofty/fakelofty/fakelofty -live -live-honour stage,email
//	go run ./lofty/fakelofty/fakelofty -api-key KEY -oauth-client-id APP -oauth-client-secret SECRET
//
// With -oauth-client-id and -oauth-client-secret it also plays Lofty's
// vendor OAuth (fakelofty.EnableOAuth): the authorization page and the token
// endpoint on its own listener, and the API accepts the access tokens issued
// as "Bearer <token>".
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
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback)")
	apiKey := flag.String("api-key", "", "accept only this API key (default: any credential)")
	stdinEOF := flag.Bool("stdin-eof", false, "also stop when stdin closes (so a dying parent stops us)")
	live := flag.Bool("live", false, "behave as the live Lofty API was recorded behaving, on its data (fakelofty.Live)")
	honour := flag.String("live-honour", "", "with -live: comma-separated /v1.0/leads filters applied (key,email,phone,stage,assignedUserId); default none")
	rateLimit := flag.Int("live-rate-limit", fakelofty.Recorded().RateLimit, "with -live: requests a minute per credential (0: no limit)")
	oauthID := flag.String("oauth-client-id", "", "play Lofty's vendor OAuth for this app: authorize page at "+fakelofty.VendorAuthPath+", token endpoint at "+fakelofty.TokenPath+" (with -oauth-client-secret)")
	oauthSecret := flag.String("oauth-client-secret", "", "the vendor app's client secret (with -oauth-client-id)")
	oauthTTL := flag.Duration("oauth-access-token-ttl", time.Hour, "lifetime of the access tokens the vendor OAuth issues")
	oauthAuto := flag.Bool("oauth-auto-approve", false, "the authorize page approves at once instead of showing Allow and Deny")
	flag.Parse()
	if (*oauthID == "") != (*oauthSecret == "") {
		log.Fatal("fakelofty: give both -oauth-client-id and -oauth-client-secret, or neither")
	}

	data := fakelofty.Demo()
	behaviour := fakelofty.Recorded()
	if *live {
		data = fakelofty.LiveData()
		behaviour.RateLimit = *rateLimit
		for _, name := range strings.Split(*honour, ",") {
			if name = strings.TrimSpace(name); name == "" {
				continue
			}
			if !slices.Contains(fakelofty.LeadFilters, name) {
				log.Fatalf("fakelofty: -live-honour: unknown filter %q; known: %s", name, strings.Join(fakelofty.LeadFilters, ", "))
			}
			behaviour.Honoured = append(behaviour.Honoured, name)
		}
	}
	if *apiKey != "" {
		data.APIKeys = []string{*apiKey}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("fakelofty: %v", err)
	}
	fake := fakelofty.New(data)
	if *live {
		fake.BehaveLive(behaviour)
	}
	if *oauthID != "" {
		fake.EnableOAuth(fakelofty.OAuthApp{ClientID: *oauthID, ClientSecret: *oauthSecret, AccessTokenTTL: *oauthTTL, AutoApprove: *oauthAuto})
	}
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 5 * time.Second}
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
