package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
	"github.com/lofty-mcp/lofty-mcp/tools"
)

func TestFindScanPagesConfig(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, tc := range []struct {
		args []string
		env  func(string) string
		want int
	}{
		{nil, env(), tools.DefaultFindScanPages},
		{nil, env("LOFTY_FIND_SCAN_PAGES", " 7 "), 7},
		{[]string{"--find-scan-pages", "1"}, env("LOFTY_FIND_SCAN_PAGES", "7"), 1},
		{[]string{"call", "find_leads", "--find-scan-pages=20"}, env(), 20},
	} {
		cfg, err := parseConfig(tc.args, tc.env, io.Discard)
		if err != nil || cfg.leads.findScanPages != tc.want {
			t.Errorf("%v: %d, %v; want %d", tc.args, cfg.leads.findScanPages, err, tc.want)
		}
	}
	for _, bad := range []struct {
		args []string
		env  func(string) string
		want string
	}{
		{nil, env("LOFTY_FIND_SCAN_PAGES", "0"), "LOFTY_FIND_SCAN_PAGES"},
		{nil, env("LOFTY_FIND_SCAN_PAGES", "all"), "must be a whole number from 1 to 20"},
		{[]string{"--find-scan-pages", "21"}, env(), "--find-scan-pages"},
	} {
		if _, err := parseConfig(bad.args, bad.env, io.Discard); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v: err = %v, want one naming %s", bad.args, err, bad.want)
		}
	}
	var help bytes.Buffer
	if _, err := parseConfig([]string{"--help"}, env(), &help); err != errHelp || !strings.Contains(help.String(), "LOFTY_FIND_SCAN_PAGES") {
		t.Errorf("--help does not mention LOFTY_FIND_SCAN_PAGES: %v", err)
	}
}

// TestFindScanPagesReachesTheServer: LOFTY_FIND_SCAN_PAGES bounds how many
// pages find_leads looks through against a Lofty that ignores its filters.
func TestFindScanPagesReachesTheServer(t *testing.T) {
	live := fakelofty.Recorded()
	live.RateLimit = 0
	fake := fakelofty.NewLive(live)
	base := fake.Start(t)
	for _, pages := range []int{1, 2} {
		env := map[string]string{"LOFTY_BASE_URL": base, "LOFTY_API_KEY": "k", "LOFTY_CACHE_TTL": "0", "LOFTY_FIND_SCAN_PAGES": strconv.Itoa(pages)}
		cfg, err := parseConfig(nil, func(k string) string { return env[k] }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		a, err := newApp(cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		before := fake.RequestCount()
		if code := runCall(context.Background(), a, []string{"find_leads", `{"key":"Jane"}`}, strings.NewReader(""), &out, &errOut); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		a.lofty.Close()
		var r tools.FindLeadsResult
		if err := json.Unmarshal(out.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		if n := fake.RequestCount() - before; n != pages || r.Scanned == nil || *r.Scanned != pages*fakelofty.LiveLeadPageCap || r.ScrollID == "" {
			t.Errorf("LOFTY_FIND_SCAN_PAGES=%d: %d requests, scanned %v, scrollId %q", pages, n, r.Scanned, r.ScrollID)
		}
	}
}
