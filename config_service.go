package main

import (
	"flag"
	"fmt"
	"net"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

// serviceConfig holds what a hosted deployment adds: metrics on a listener
// of their own, and Redis for state the replicas share.
type serviceConfig struct {
	metricsAddr string
	redisURL    string
	redis       *redis.Options // parsed redisURL; nil without one
}

const usageServiceEnv = `  LOFTY_MCP_METRICS_ADDR     default for --metrics-addr (http)
  LOFTY_REDIS_URL            default for --redis-url (http); preferred: a URL may hold a password
`

// addFlags registers the service flags, with environment defaults.
func (s *serviceConfig) addFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&s.metricsAddr, "metrics-addr", envOr(getenv, "LOFTY_MCP_METRICS_ADDR", ""),
		"http: serve Prometheus metrics at http://`HOST:PORT`/metrics, on a listener of their own (off when empty)")
	// The environment default is applied in validate, so --help never prints a password.
	fs.StringVar(&s.redisURL, "redis-url", "",
		"http: keep the rate limit, the cache and OAuth grants in Redis (or Valkey) at `URL` (redis://[user:password@]host:port/db or rediss://…), shared by every replica (prefer LOFTY_REDIS_URL: flags show in ps)")
}

// validate checks the listen address and parses the Redis URL.
func (s *serviceConfig) validate(getenv func(string) string) error {
	if s.metricsAddr != "" {
		if _, _, err := net.SplitHostPort(s.metricsAddr); err != nil {
			return fmt.Errorf("--metrics-addr (or LOFTY_MCP_METRICS_ADDR) %q is not host:port such as 127.0.0.1:9090: %v", s.metricsAddr, err)
		}
	}
	if s.redisURL == "" {
		s.redisURL = strings.TrimSpace(getenv("LOFTY_REDIS_URL"))
	}
	if s.redisURL == "" {
		return nil
	}
	opts, err := redis.ParseURL(s.redisURL)
	if err != nil {
		return fmt.Errorf("--redis-url (or LOFTY_REDIS_URL) %q is not a Redis URL such as redis://127.0.0.1:6379/0: %s",
			lofty.RedactURL(s.redisURL), strings.ReplaceAll(err.Error(), s.redisURL, lofty.RedactURL(s.redisURL)))
	}
	s.redis = opts
	return nil
}
