package oauth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// BenchmarkAuthenticate: the per-request cost of a valid bearer token
// (two bbolt reads and JSON) plus opening the sealed credential.
func BenchmarkAuthenticate(b *testing.B) { benchmarkAuthenticate(b) }

// BenchmarkAuthenticateRedis: the same with the grants in Redis (two GETs
// over loopback).
func BenchmarkAuthenticateRedis(b *testing.B) { benchmarkAuthenticate(b, withRedisStore(b)) }

func benchmarkAuthenticate(b *testing.B, opts ...harnessOption) {
	h := newHarness(b, opts...)
	tok := h.register(nil).login("api_key", goodKey)
	s := h.srv()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		req := httptest.NewRequest(http.MethodGet, "/mcp", nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		for pb.Next() {
			g, err := s.Authenticate(req)
			if err != nil {
				b.Error(err)
				return
			}
			if _, err := g.Credential(context.Background()); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkRefreshGrant: one refresh_token grant through the token
// endpoint (a take, three writes, each a bbolt transaction with fsync).
func BenchmarkRefreshGrant(b *testing.B) { benchmarkRefreshGrant(b) }

// BenchmarkRefreshGrantRedis: the same with the grants in Redis (GETDEL
// and SETs over loopback, no fsync).
func BenchmarkRefreshGrantRedis(b *testing.B) { benchmarkRefreshGrant(b, withRedisStore(b)) }

func benchmarkRefreshGrant(b *testing.B, opts ...harnessOption) {
	h := newHarness(b, opts...)
	c := h.register(nil)
	rt := c.login("api_key", goodKey).RefreshToken
	handler := h.srv().Handler()
	b.ResetTimer()
	for range b.N {
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {c.id}}
		req := httptest.NewRequest(http.MethodPost, TokenPath, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("HTTP %d %s", rec.Code, rec.Body)
		}
		rt = secretRE.FindString(strings.SplitN(rec.Body.String(), `"refresh_token":"`, 2)[1])
	}
}
