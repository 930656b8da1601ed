// Command driver measures the real lofty-mcp binary against the fake Lofty
// on loopback: cold start, stdio latency and throughput, Streamable HTTP
// throughput, CPU per call, peak RSS, tools/list size and upstream economy.
// Each latency and throughput figure stands beside a floor: the same request
// made straight to the fake Lofty over loopback HTTP from this process.
//
//	go run ./bench/driver              full run (figures for BENCHMARKS.md)
//	go run ./bench/driver -quick       a small run (CI: keeps the driver working)
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lofty-mcp/lofty-mcp/bench/internal/binary"

	"github.com/lofty-mcp/lofty-mcp/lofty/fakelofty"
)

var (
	quick   = flag.Bool("quick", false, "small counts, for CI")
	binPath = flag.String("bin", "", "lofty-mcp binary to measure (default: build it)")
	jsonOut = flag.String("json", "", "also write the figures as JSON to this file")
	only    = flag.String("only", "", "run one part: cold, stdio, economy, http or scaleout (default: all)")
)

// leadWithAgent is a seeded lead the calls ask for.
const leadWithAgent = fakelofty.DemoLeadWithAgent

type figure struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Unit   string  `json:"unit"`
	Floor  float64 `json:"floor,omitempty"`
	Target string  `json:"target,omitempty"`
}

var figures []figure

func report(name string, value float64, unit string, floor float64, target string) {
	figures = append(figures, figure{name, value, unit, floor, target})
	fl := ""
	if floor != 0 {
		fl = fmt.Sprintf("  (floor %.4g %s, overhead %.4g)", floor, unit, value-floor)
	}
	tg := ""
	if target != "" {
		tg = "  target " + target
	}
	fmt.Printf("%-52s %12.4g %-8s%s%s\n", name, value, unit, fl, tg)
}

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "driver:", err)
		os.Exit(1)
	}
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(figures, "", "  ")
		if err := os.WriteFile(*jsonOut, b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "driver:", err)
			os.Exit(1)
		}
	}
}

func counts() (coldStarts, seqCalls, tputCalls, rssCalls, httpSecs int) {
	if *quick {
		return 3, 200, 1000, 1000, 1
	}
	return 20, 2000, 20000, 10000, 5
}

func run() error {
	bin, done, err := binary.Build(*binPath)
	if err != nil {
		return err
	}
	defer done()
	fmt.Printf("machine: %d CPUs, %s/%s, %s\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())

	data := fakelofty.Demo()
	// 50 leads with agents for the cache-economy figure.
	for i := int64(1); i <= 50; i++ {
		id := 700000000000000 + i
		agent := map[string]any{}
		for k, v := range data.Leads[leadWithAgent].SalesAgent {
			agent[k] = v
		}
		agent["id"] = id
		data.Leads[id] = &fakelofty.Lead{ID: id, Name: "Bench Lead " + strconv.FormatInt(i, 10), SalesAgent: agent}
	}
	fake := fakelofty.New(data)
	upstream := httptest.NewServer(fake)
	defer upstream.Close()
	// No local rate limit: the fake is ours, and the figures are about lofty-mcp itself.
	env := append(os.Environ(), "LOFTY_BASE_URL="+upstream.URL, "LOFTY_API_KEY=bench-key", "LOFTY_MCP_LOG_LEVEL=error", "LOFTY_RATE_LIMIT=0")

	coldN, seqN, tputN, rssN, httpSecs := counts()
	part := func(name string) bool { return *only == "" || *only == name }
	if *only == "http" {
		return measureHTTP(bin, env, upstream.URL, time.Duration(httpSecs)*time.Second)
	}
	scaleCalls := 100_000
	if *quick {
		scaleCalls = 2_000
	}
	scaleOut := func() error { return measureScaleOut(bin, env, fake.RequestCount, 64, scaleCalls) }
	if *only == "scaleout" {
		return scaleOut()
	}

	floorSeq, floorTput := measureFloor(upstream.URL, seqN, tputN)

	// Cold start.
	var starts []time.Duration
	for i := 0; i < coldN && part("cold"); i++ {
		d, err := coldStart(bin, env)
		if err != nil {
			return fmt.Errorf("cold start: %w", err)
		}
		starts = append(starts, d)
	}
	if part("cold") {
		report("cold start: spawn -> initialize response, median", ms(median(starts)), "ms", 0, "<= 15 ms")
	}

	// stdio with the cache off, so every call reaches the fake (the floor
	// is one request to the fake); then with the cache at its default.
	for _, mode := range []struct {
		name string
		env  []string
	}{
		{"cache off", append(slices.Clone(env), "LOFTY_CACHE_TTL=0")},
		{"cache on", env},
	} {
		if !part("stdio") {
			break
		}
		p, err := startStdio(bin, mode.env)
		if err != nil {
			return err
		}
		lat, err := p.sequential(seqN)
		if err != nil {
			p.close()
			return err
		}
		report("stdio "+mode.name+": sequential call median", ms(median(lat)), "ms", ms(median(floorSeq)), "<= 0.2 ms")
		report("stdio "+mode.name+": sequential call p99", ms(percentile(lat, 99)), "ms", ms(percentile(floorSeq, 99)), "<= 1.5 ms")
		for _, inflight := range []int{1, 16, 64} {
			cps, err := p.throughput(tputN, inflight)
			if err != nil {
				p.close()
				return err
			}
			tgt := ""
			if inflight == 16 {
				tgt = ">= 12000/s"
			}
			report(fmt.Sprintf("stdio %s: calls/s, %d in flight", mode.name, inflight), cps, "calls/s", floorTput[inflight], tgt)
		}
		if mode.name == "cache off" {
			cpuBefore := p.cpuTime()
			const n = 2000
			if _, err := p.throughput(n, 16); err != nil {
				p.close()
				return err
			}
			report("stdio cache off: server CPU per call", float64((p.cpuTime()-cpuBefore).Microseconds())/n, "us", 0, "<= 120 us")
			if _, err := p.throughput(rssN, 16); err != nil {
				p.close()
				return err
			}
			report(fmt.Sprintf("peak RSS (VmHWM) after %d+ calls", rssN+tputN*3+seqN), float64(p.peakRSSKiB())/1024, "MB", 0, "<= 20 MB")
			size, err := p.toolsListSize()
			if err != nil {
				p.close()
				return err
			}
			report("tools/list result size", float64(size), "bytes", 0, "")
		}
		p.close()
	}

	if !part("economy") {
		if part("http") {
			return measureHTTP(bin, env, upstream.URL, time.Duration(httpSecs)*time.Second)
		}
		return nil
	}
	// Upstream economy with the default cache.
	p, err := startStdio(bin, env)
	if err != nil {
		return err
	}
	before := fake.RequestCount()
	if err := p.concurrentSame(16, leadWithAgent); err != nil {
		p.close()
		return err
	}
	report("upstream requests for 16 identical concurrent calls", float64(fake.RequestCount()-before), "requests", 0, "1")
	before = fake.RequestCount()
	for i := 0; i < 1000; i++ {
		if _, err := p.call(700000000000001 + int64(i%50)); err != nil {
			p.close()
			return err
		}
	}
	report("upstream requests for 1,000 calls over 50 leads", float64(fake.RequestCount()-before), "requests", 0, "50")
	p.close()

	if err := measureHTTP(bin, env, upstream.URL, time.Duration(httpSecs)*time.Second); err != nil {
		return err
	}
	return scaleOut()
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func median(d []time.Duration) time.Duration { return percentile(d, 50) }

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

// measureFloor times GET by-lead straight to the fake: sequential latencies
// and throughput at 1, 16 and 64 in flight.
func measureFloor(base string, seqN, tputN int) ([]time.Duration, map[int]float64) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
	url := base + "/v2.0/sales-agents/by-lead?leadId=" + strconv.FormatInt(leadWithAgent, 10)
	get := func() {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", "token bench-key")
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	var lat []time.Duration
	for i := 0; i < seqN; i++ {
		t := time.Now()
		get()
		lat = append(lat, time.Since(t))
	}
	tput := map[int]float64{}
	for _, inflight := range []int{1, 16, 64} {
		var next atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for w := 0; w < inflight; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= int64(tputN) {
					get()
				}
			}()
		}
		wg.Wait()
		tput[inflight] = float64(tputN) / time.Since(start).Seconds()
	}
	return lat, tput
}

const initializeLine = `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}` + "\n"

func coldStart(bin string, env []string) (time.Duration, error) {
	cmd := exec.Command(bin)
	cmd.Env = env
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	if _, err := io.WriteString(stdin, initializeLine); err != nil {
		return 0, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	d := time.Since(start)
	stdin.Close()
	_ = cmd.Wait()
	if err != nil || !strings.Contains(line, `"result"`) {
		return 0, fmt.Errorf("no initialize result: %q %v", line, err)
	}
	return d, nil
}

// stdioProc is lofty-mcp over stdio with a pipelining JSON-RPC client.
type stdioProc struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	wmu     sync.Mutex
	nextID  atomic.Int64
	mu      sync.Mutex
	waiting map[int64]chan json.RawMessage
	done    chan struct{}
}

func startStdio(bin string, env []string) (*stdioProc, error) {
	p := &stdioProc{cmd: exec.Command(bin), waiting: map[int64]chan json.RawMessage{}, done: make(chan struct{})}
	p.cmd.Env = env
	p.cmd.Stderr = os.Stderr
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go p.readLoop(stdout)
	if _, err := p.request("initialize", json.RawMessage(`{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}`)); err != nil {
		return nil, err
	}
	p.wmu.Lock()
	_, err = io.WriteString(p.stdin, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n")
	p.wmu.Unlock()
	return p, err
}

func (p *stdioProc) readLoop(r io.Reader) {
	defer close(p.done)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var msg struct {
			ID *int64 `json:"id"`
		}
		line := slices.Clone(sc.Bytes())
		if json.Unmarshal(line, &msg) != nil || msg.ID == nil {
			continue
		}
		p.mu.Lock()
		ch := p.waiting[*msg.ID]
		delete(p.waiting, *msg.ID)
		p.mu.Unlock()
		if ch != nil {
			ch <- line
		}
	}
}

func (p *stdioProc) request(method string, params json.RawMessage) (json.RawMessage, error) {
	id := p.nextID.Add(1)
	ch := make(chan json.RawMessage, 1)
	p.mu.Lock()
	p.waiting[id] = ch
	p.mu.Unlock()
	line := `{"jsonrpc":"2.0","id":` + strconv.FormatInt(id, 10) + `,"method":"` + method + `","params":` + string(params) + "}\n"
	p.wmu.Lock()
	_, err := io.WriteString(p.stdin, line)
	p.wmu.Unlock()
	if err != nil {
		return nil, err
	}
	select {
	case resp := <-ch:
		return resp, nil
	case <-p.done:
		return nil, errors.New("lofty-mcp exited")
	case <-time.After(30 * time.Second):
		return nil, fmt.Errorf("no answer to %s within 30s", method)
	}
}

func (p *stdioProc) call(lead int64) (json.RawMessage, error) {
	resp, err := p.request("tools/call", json.RawMessage(`{"name":"get_sales_agent_by_lead","arguments":{"leadId":`+strconv.FormatInt(lead, 10)+`}}`))
	if err != nil {
		return nil, err
	}
	if !strings.Contains(string(resp), `"structuredContent"`) {
		return nil, fmt.Errorf("call failed: %s", resp)
	}
	return resp, nil
}

func (p *stdioProc) sequential(n int) ([]time.Duration, error) {
	lat := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		t := time.Now()
		if _, err := p.call(leadWithAgent); err != nil {
			return nil, err
		}
		lat = append(lat, time.Since(t))
	}
	return lat, nil
}

func (p *stdioProc) throughput(n, inflight int) (float64, error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	start := time.Now()
	for w := 0; w < inflight; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if _, err := p.call(leadWithAgent); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

func (p *stdioProc) concurrentSame(n int, lead int64) error {
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := p.call(lead); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func (p *stdioProc) toolsListSize() (int, error) {
	resp, err := p.request("tools/list", json.RawMessage(`{}`))
	if err != nil {
		return 0, err
	}
	var env struct {
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(resp, &env); err != nil {
		return 0, err
	}
	return len(env.Result), nil
}

// cpuTime is the process's user+system CPU time so far (Linux /proc).
func (p *stdioProc) cpuTime() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the parenthesised command name; utime and stime are 14th and 15th.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks
}

// peakRSSKiB is VmHWM from /proc/<pid>/status.
func (p *stdioProc) peakRSSKiB() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}

func (p *stdioProc) close() {
	p.stdin.Close()
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// freePort returns a free loopback address.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitHealthy polls /healthz until the HTTP server answers.
func waitHealthy(ctx context.Context, base string) error {
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("lofty-mcp http did not become healthy: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
