// Command listmem measures what one large Lofty list answer costs in memory:
// a GET /v1.0/leads answer just under the 4 MiB body cap, in two shapes —
// 1,300,000 empty lead objects (3.9 MB) and 105,000 small leads (3.9 MB) —
// asked for with limit 10, by one call and by 16 at once.
//
// Two ways, each in a process of its own so that peak figures do not mix:
//
//   - client: lofty.Client.FindLeads in a child process; peak Go heap (live
//     objects, sampled every 200 µs), bytes allocated, peak RSS (VmHWM), and
//     how many leads the answer kept;
//   - binary: the lofty-mcp binary over stdio, find_leads; its peak RSS
//     (VmHWM) and the size of the result.
//
// Calls differ by offset, so that none is coalesced with another or served
// from the cache: each decodes an answer of its own.
//
// Usage:
//
//	go run ./bench/listmem                          build lofty-mcp from this tree, measure both ways
//	go run ./bench/listmem -bin /tmp/old/lofty-mcp  measure another build (the binary part)
//	go run ./bench/listmem -only client             one way: client or binary
//
// Everything runs on loopback.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"reflect"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/lofty-mcp/lofty-mcp/bench/internal/binary"

	"github.com/lofty-mcp/lofty-mcp/lofty"
)

var (
	binPath  = flag.String("bin", "", "lofty-mcp binary to measure (default: build this tree)")
	only     = flag.String("only", "", "one way: client or binary (default: both)")
	child    = flag.String("child", "", "internal: run one client measurement against this upstream URL")
	calls    = flag.Int("n", 1, "internal: concurrent calls of the child")
	maxMem   = flag.Int("max-gib", 8, "address-space limit of each measured process, GiB: a build that needs more fails there instead of starving the machine")
	limit    = flag.Int("limit", 10, "the limit find_leads asks for")
	payloads = []payload{
		{"1,300,000 empty leads", leadsAnswer(1_300_000, func(b *bytes.Buffer, _ int) { b.WriteString("{}") })},
		{"105,000 small leads", leadsAnswer(105_000, func(b *bytes.Buffer, i int) { fmt.Fprintf(b, `{"leadId":%d,"firstName":"Lead"}`, 100000+i) })},
	}
)

type payload struct {
	name string
	body []byte
}

// leadsAnswer is Lofty's answer {"leads":[…]} holding n leads, lead i
// written by lead.
func leadsAnswer(n int, lead func(b *bytes.Buffer, i int)) []byte {
	var b bytes.Buffer
	b.WriteString(`{"leads":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		lead(&b, i)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

func main() {
	flag.Parse()
	var err error
	if *child != "" {
		err = runChild(*child, *calls)
	} else {
		err = run()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "listmem:", err)
		os.Exit(1)
	}
}

func run() error {
	fmt.Printf("machine: %d CPUs, %s/%s, %s; limit %d\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), *limit)
	if *only == "" || *only == "client" {
		for _, p := range payloads {
			url, stop := serve(p.body)
			for _, n := range []int{1, 16} {
				out, err := exec.Command(os.Args[0], "-child", url, "-n", strconv.Itoa(n), "-limit", strconv.Itoa(*limit),
					"-max-gib", strconv.Itoa(*maxMem)).CombinedOutput()
				if err != nil {
					out = []byte(fmt.Sprintf("failed (%v): %s\n", err, firstLine(out)))
				}
				fmt.Printf("client  %-22s (%.2f MB)  %2d call(s): %s", p.name, float64(len(p.body))/1e6, n, out)
			}
			stop()
		}
	}
	if *only == "" || *only == "binary" {
		bin, done, err := binary.Build(*binPath)
		if err != nil {
			return err
		}
		defer done()
		for _, p := range payloads {
			url, stop := serve(p.body)
			for _, n := range []int{1, 16} {
				line, err := measureBinary(bin, url, n)
				if err != nil {
					stop()
					return err
				}
				fmt.Printf("binary  %-22s (%.2f MB)  %2d call(s): %s\n", p.name, float64(len(p.body))/1e6, n, line)
			}
			stop()
		}
	}
	return nil
}

// serve answers every request with body, as Lofty's JSON.
func serve(body []byte) (string, func()) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	return srv.URL, srv.Close
}

// runChild makes n concurrent FindLeads calls and prints the figures.
func runChild(upstream string, n int) error {
	lim := uint64(*maxMem) << 30
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: lim, Max: lim}); err != nil {
		return err
	}
	c, err := lofty.New(lofty.Config{BaseURL: upstream, Credential: lofty.Credential{Kind: lofty.APIKey, Secret: "listmem-key"},
		Resilience: lofty.Resilience{MaxConcurrency: 16}})
	if err != nil {
		return err
	}
	runtime.GC()
	base := heapObjects()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			if h := heapObjects(); h > peak.Load() {
				peak.Store(h)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	allocBefore := allocated()
	start := time.Now()
	var wg sync.WaitGroup
	var kept, sent atomic.Int64
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			list, err := c.FindLeads(context.Background(), lofty.LeadQuery{Limit: *limit, Offset: int64(i)})
			if err != nil {
				errs <- err
				return
			}
			kept.Add(int64(len(list.Leads)))
			sent.Add(int64(itemsSent(list)))
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stop)
	<-sampled
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	fmt.Printf("peak heap +%.1f MB, allocated %.1f MB, peak RSS %.1f MB, %v, leads kept %d (Lofty sent %s)\n",
		float64(peak.Load()-min(base, peak.Load()))/1e6, float64(allocated()-allocBefore)/1e6, float64(vmHWM(os.Getpid()))/1024,
		elapsed.Round(time.Millisecond), kept.Load(), sentText(sent.Load(), kept.Load()))
	return nil
}

func sentText(sent, kept int64) string {
	if sent == 0 {
		return "no more than that"
	}
	return strconv.FormatInt(sent, 10)
}

func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// vmHWM is the peak resident set of process pid, in KiB (Linux).
func vmHWM(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			v, _ := strconv.ParseInt(f[1], 10, 64)
			return v
		}
	}
	return 0
}

// measureBinary makes n concurrent find_leads calls over stdio.
func measureBinary(bin, upstream string, n int) (string, error) {
	// The shell sets the address-space limit, then becomes lofty-mcp.
	cmd := exec.Command("/bin/sh", "-c", `ulimit -v "$1" && exec "$2"`, "sh", strconv.Itoa(*maxMem<<20), bin)
	cmd.Env = append(os.Environ(), "LOFTY_BASE_URL="+upstream, "LOFTY_API_KEY=listmem-key", "LOFTY_MCP_LOG_LEVEL=error", "LOFTY_RATE_LIMIT=0")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	// (A build that runs out of memory prints every goroutine's stack.)
	cmd.Stderr = nil
	if err := cmd.Start(); err != nil {
		return "", err
	}
	defer func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	w := bufio.NewWriter(stdin)
	fmt.Fprintln(w, `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"listmem","version":"1"}}}`)
	fmt.Fprintln(w, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	for i := range n {
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"find_leads","arguments":{"limit":%d,"offset":%d}}}`+"\n", i+1, *limit, i)
	}
	if err := w.Flush(); err != nil {
		return "", err
	}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<28)
	start := time.Now()
	answered, largest, failed := 0, 0, 0
	var lastHWM int64
	go func() {
		for {
			if v := vmHWM(cmd.Process.Pid); v > 0 {
				atomic.StoreInt64(&lastHWM, v)
			} else {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	for answered < n && sc.Scan() {
		var msg struct {
			ID     *int64 `json:"id"`
			Result *struct {
				IsError bool `json:"isError"`
			} `json:"result"`
		}
		if json.Unmarshal(sc.Bytes(), &msg) != nil || msg.ID == nil || *msg.ID == 0 {
			continue
		}
		answered++
		largest = max(largest, len(sc.Bytes()))
		if msg.Result == nil || msg.Result.IsError {
			failed++
		}
	}
	if answered < n {
		return fmt.Sprintf("lofty-mcp died after %d of %d answers (peak RSS %.1f MB before)", answered, n, float64(atomic.LoadInt64(&lastHWM))/1024), nil
	}
	return fmt.Sprintf("peak RSS %.1f MB, %v, largest result %.1f KB, %d failed",
		float64(vmHWM(cmd.Process.Pid))/1024, time.Since(start).Round(time.Millisecond), float64(largest)/1e3, failed), nil
}

// itemsSent is how many leads Lofty sent when the list says it kept fewer
// (0 when it says nothing: builds before lists reported it).
func itemsSent(list lofty.LeadList) int {
	f := reflect.ValueOf(list).FieldByName("ItemsSent")
	if !f.IsValid() {
		return 0
	}
	return int(f.Int())
}

func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
