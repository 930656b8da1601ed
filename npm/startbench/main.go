// Command startbench measures what the npm packaging costs: the size of
// lofty-mcp as npm installs it, and the start-up time the launcher and npx
// add to the binary. It installs the launcher and this computer's platform
// package from the tarballs scripts/npm-pack wrote (npm/dist) into an empty
// project, the way the npm tests do (offline, no registry), then times, n
// times each and interleaved, fresh processes of:
//
//	binary     node_modules/@lofty-mcp/<platform>/bin/lofty-mcp
//	launcher   node_modules/.bin/lofty-mcp (node + bin/lofty-mcp.js + the binary)
//	npx        npx -y lofty-mcp, in the project (npx finds the local install)
//
// for two things: `--version` from spawn to exit (and its CPU time, which a
// busy machine disturbs less than the wall time), and `--demo` (stdio) from
// spawn to the initialize response, when it also reads the resident memory
// (VmRSS) of the process tree that serves the session. It prints medians (and
// min/max) as a Markdown table. Which node is on PATH matters: with
// process.execve (Node 22.15+) the launcher becomes the binary. Every process is fresh; the files are in the page cache
// after the first run (nothing drops caches), as on a computer that has
// started the server before.
//
//	scripts/npm-pack --host-only && go run ./npm/startbench        # n = 10
//	go run ./npm/startbench -n 3                                    # what CI runs
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lofty-mcp/lofty-mcp/npm"
)

func main() {
	n := flag.Int("n", 10, "starts per way and measure")
	dist := flag.String("dist", "", "where the tarballs are (default: npm/dist of this module)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("startbench: ")
	if *n < 1 {
		log.Fatal("-n must be at least 1")
	}
	if *dist == "" {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
		if err != nil {
			log.Fatalf("go list -m: %v", err)
		}
		*dist = filepath.Join(strings.TrimSpace(string(out)), "npm", "dist")
	}
	if err := run(*dist, *n); err != nil {
		log.Fatal(err)
	}
}

type way struct {
	name string
	cmd  []string
}

func run(dist string, n int) error {
	tarballs, err := npm.ReadDist(dist)
	if err != nil {
		return err
	}
	host, err := npm.HostPlatform()
	if err != nil {
		return err
	}
	launcher, platform := npm.Find(tarballs, npm.LauncherName), npm.Find(tarballs, host.Package())
	if launcher == nil || platform == nil {
		return fmt.Errorf("%s lacks the %s or %s tarball: run scripts/npm-pack --host-only", dist, npm.LauncherName, host.Package())
	}
	tmp, err := os.MkdirTemp("", "lofty-mcp-startbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	t0 := time.Now()
	in, err := npm.Install(filepath.Join(tmp, "project"), []string{launcher.File, platform.File})
	if err != nil {
		return err
	}
	defer in.Close()
	installTime := time.Since(t0)

	// Sizes: what npm downloads (the two tarballs) and what it installs.
	launcherBytes, launcherFiles, err := npm.DirSize(filepath.Join(in.Dir, "node_modules", "lofty-mcp"))
	if err != nil {
		return err
	}
	platformBytes, platformFiles, err := npm.DirSize(filepath.Join(in.Dir, "node_modules", filepath.FromSlash(host.Package())))
	if err != nil {
		return err
	}
	fmt.Printf("lofty-mcp %s, %s, %s, load average %s\n\n", launcher.Manifest.Version, host.Package(), nodeVersion(), loadAverage())
	fmt.Println("| package | download (.tgz) | installed (files) |")
	fmt.Println("|---|---|---|")
	fmt.Printf("| lofty-mcp (launcher) | %s | %s (%d) |\n", size(int64(len(launcher.Data))), size(launcherBytes), launcherFiles)
	fmt.Printf("| %s | %s | %s (%d) |\n", host.Package(), size(int64(len(platform.Data))), size(platformBytes), platformFiles)
	fmt.Printf("| total | %s | %s |\n\n", size(int64(len(launcher.Data)+len(platform.Data))), size(launcherBytes+platformBytes))
	fmt.Printf("npm install from the two tarballs (offline): %s\n\n", installTime.Round(time.Millisecond))

	var env []string
	for _, kv := range in.Env {
		if !strings.HasPrefix(kv, "npm_config_offline=") && !strings.HasPrefix(kv, "LOFTY_") {
			env = append(env, kv)
		}
	}
	ways := []way{
		{"binary", []string{in.Binary(host)}},
		{"launcher", []string{in.Launcher()}},
		{"npx -y lofty-mcp", []string{"npx", "-y", "lofty-mcp"}},
	}
	// Reference: Node.js itself, starting and exiting with nothing to do.
	var nodeAlone []time.Duration
	version := map[string][]time.Duration{}
	cpu := map[string][]time.Duration{}
	initialize := map[string][]time.Duration{}
	rss := map[string][]memory{}
	for i := 0; i < n; i++ {
		d, err := timeRun(in.Dir, env, "node", "-e", "")
		if err != nil {
			return fmt.Errorf("node -e '': %w", err)
		}
		nodeAlone = append(nodeAlone, d)
		for _, w := range ways {
			d, c, err := timeVersion(in.Dir, env, w.cmd)
			if err != nil {
				return fmt.Errorf("%s --version: %w", w.name, err)
			}
			version[w.name] = append(version[w.name], d)
			cpu[w.name] = append(cpu[w.name], c)
			var r memory
			d, err = timeInitialize(in.Dir, env, w.cmd, &r)
			if err != nil {
				return fmt.Errorf("%s --demo initialize: %w", w.name, err)
			}
			initialize[w.name] = append(initialize[w.name], d)
			rss[w.name] = append(rss[w.name], r)
		}
	}
	if hits := in.Tripwire.Hits(); len(hits) > 0 {
		return fmt.Errorf("npm reached the registry: %v", hits)
	}

	fmt.Printf("Start-up, median of %d fresh processes each (min–max):\n\n", n)
	fmt.Println("| way | `--version`, spawn → exit | added | its CPU time (user+sys) | `--demo`, spawn → initialize response | added | resident memory after initialize (processes) |")
	fmt.Println("|---|---|---|---|---|---|---|")
	baseV, baseI := median(version["binary"]), median(initialize["binary"])
	for _, w := range ways {
		v, i := median(version[w.name]), median(initialize[w.name])
		fmt.Printf("| %s | %s (%s) | %s | %s | %s (%s) | %s | %s |\n", w.name,
			ms(v), spread(version[w.name]), added(v, baseV, w.name), ms(median(cpu[w.name])),
			ms(i), spread(initialize[w.name]), added(i, baseI, w.name), rssText(rss[w.name]))
	}
	fmt.Printf("\nFor reference, `node -e ''` (Node.js starting and exiting): %s (%s).\n", ms(median(nodeAlone)), spread(nodeAlone))
	if launcherExecs() {
		fmt.Println("This node has process.execve: the launcher becomes the binary.")
	}
	return nil
}

func timeRun(dir string, env []string, name string, args ...string) (time.Duration, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	start := time.Now()
	err := cmd.Run()
	return time.Since(start), err
}

// launcherExecs says whether the node on PATH has process.execve.
func launcherExecs() bool {
	out, err := exec.Command("node", "-p", `typeof process.execve === "function"`).Output()
	return err == nil && strings.TrimSpace(string(out)) == "true"
}

// memory is the resident memory of a process tree.
type memory struct {
	bytes int64 // VmRSS, summed
	procs int   // how many processes; 0 where /proc is not there
}

// treeRSS is the resident memory (VmRSS) of pid and all its descendants.
func treeRSS(pid int) memory {
	var m memory
	var walk func(int)
	walk = func(p int) {
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p))
		if err != nil {
			return
		}
		m.procs++
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				var kb int64
				fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
				m.bytes += kb << 10
			}
		}
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", p))
		for _, f := range tasks {
			data, _ := os.ReadFile(f)
			for _, field := range strings.Fields(string(data)) {
				var c int
				if _, err := fmt.Sscanf(field, "%d", &c); err == nil {
					walk(c)
				}
			}
		}
	}
	walk(pid)
	return m
}

// rssText is the median resident memory and the number of processes.
func rssText(ms []memory) string {
	if len(ms) == 0 || ms[0].procs == 0 {
		return "n/a"
	}
	s := slices.Clone(ms)
	slices.SortFunc(s, func(a, b memory) int { return int(a.bytes - b.bytes) })
	m := s[len(s)/2]
	return fmt.Sprintf("%.1f MiB (%d)", float64(m.bytes)/(1<<20), m.procs)
}

// timeVersion runs `… --version`: the time from spawn to exit, and the CPU
// time (user + system) of the process and every descendant it waited for.
func timeVersion(dir string, env, argv []string) (wall, cpu time.Duration, err error) {
	cmd := exec.Command(argv[0], append(argv[1:], "--version")...)
	cmd.Dir, cmd.Env = dir, env
	start := time.Now()
	out, err := cmd.Output()
	wall = time.Since(start)
	if err != nil {
		return 0, 0, err
	}
	if !strings.HasPrefix(string(out), "lofty-mcp ") {
		return 0, 0, fmt.Errorf("printed %q", out)
	}
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

func timeInitialize(dir string, env, argv []string, rss *memory) (time.Duration, error) {
	cmd := exec.Command(argv[0], append(argv[1:], "--demo", "--log-level", "error")...)
	cmd.Dir, cmd.Env = dir, env
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 0, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	const req = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"startbench","version":"1"}}}` + "\n"
	if _, err := io.WriteString(stdin, req); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return 0, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	d := time.Since(start)
	if rss != nil {
		*rss = treeRSS(cmd.Process.Pid)
	}
	stdin.Close()
	if werr := cmd.Wait(); err == nil && werr != nil {
		err = werr
	}
	if err != nil {
		return 0, err
	}
	if !strings.Contains(line, `"id":1`) || !strings.Contains(line, `"result"`) {
		return 0, fmt.Errorf("first line %q is not the initialize response", line)
	}
	return d, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func spread(ds []time.Duration) string {
	return ms(slices.Min(ds)) + "–" + ms(slices.Max(ds))
}

func added(d, base time.Duration, name string) string {
	if name == "binary" {
		return ""
	}
	return "+" + ms(d-base)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func size(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	}
	return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
}

func nodeVersion() string {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return "node ?"
	}
	npmOut, _ := exec.Command("npm", "--version").Output()
	return "Node " + strings.TrimSpace(string(out)) + ", npm " + strings.TrimSpace(string(npmOut))
}

// loadAverage is the 1-minute load average (Linux), for the record.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	return strings.Fields(string(data))[0]
}
