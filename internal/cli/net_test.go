package cli

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests run felixlet net-serve and felixlet programs with net channels as real
// processes on 127.0.0.1: servers pick their own ports (-listen 127.0.0.1:0) and say which.
// Every wait has a generous deadline and reports what it saw when it runs out.

// netWait bounds each wait of these tests: a loaded machine is slow, not stuck.
const netWait = 90 * time.Second

// The programs the tests run. A consumer reads ints from a net_in (or a net_tap) of the
// subject argv 1 and reports each on stderr, which is written at once, before the next
// read (the answer to an acknowledged send goes out only after that); after argv 2 values
// (0: no limit) it stops reading and sleeps, to be killed. A producer sends 1 to argv 2
// acknowledged on argv 1; with retry it sends again a value nobody read until one does;
// it pauses argv 3 seconds between values.
const (
	netConsumer = `
var inp = if System::argv 3 == "tap" then net_tap[int] (System::argv 1) else net_in[int] (System::argv 1) endif;
var limit = int (System::argv 2);
println "ready";
var n = 0;
while limit == 0 or n < limit do
  eprintln$ "got " + (read inp).str;
  n = n + 1;
done
sleep 1000.0;
`
	netProducer = `
var out = net_out[int] (System::argv 1);
var n = int (System::argv 2);
var pause = double (System::argv 3);
var retry = System::argv 4 == "retry";
for i in 1..n do
  var acked = await (send (out, i));
  while retry and not acked do
    sleep 0.05;
    acked = await (send (out, i));
  done
  if acked do println$ "acked " + i.str; else println$ "unacked " + i.str + ": " + net_error out; done
  if pause > 0.0 do sleep pause; done
done
println "done";
`
)

// proc is a felixlet process a test runs, whose output lines it reads as they come.
type proc struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  []string // stdout lines so far
	err  []string // stderr lines so far
	done chan struct{}
}

// start runs felixlet with args; its output is collected line by line.
func start(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	bin, err := felixletBinary()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, name: name, cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), "FELIXLET_NET=")
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go p.collect(stdout, &p.out, &wg)
	go p.collect(stderr, &p.err, &wg)
	go func() {
		wg.Wait()
		p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(p.kill)
	return p
}

func (p *proc) collect(r io.Reader, lines *[]string, wg *sync.WaitGroup) {
	defer wg.Done()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		p.mu.Lock()
		*lines = append(*lines, sc.Text())
		p.mu.Unlock()
	}
}

// lines returns the stdout and stderr lines so far.
func (p *proc) lines() (out, errs []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.out), slices.Clone(p.err)
}

// waitFor waits until cond holds of the process's output, or fails the test.
func (p *proc) waitFor(what string, cond func(out, errs []string) bool) {
	p.t.Helper()
	deadline := time.Now().Add(netWait)
	for {
		out, errs := p.lines()
		if cond(out, errs) {
			return
		}
		select {
		case <-p.done:
			out, errs = p.lines()
			if cond(out, errs) {
				return
			}
			p.t.Fatalf("%s ended (%v) before %s\nstdout:\n%s\nstderr:\n%s", p.name, p.cmd.ProcessState, what,
				strings.Join(out, "\n"), strings.Join(errs, "\n"))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: no %s within %v\nstdout:\n%s\nstderr:\n%s", p.name, what, netWait,
				strings.Join(out, "\n"), strings.Join(errs, "\n"))
		}
	}
}

// waitLine waits for a stdout line matching re and returns its submatches.
func (p *proc) waitLine(re string) []string {
	p.t.Helper()
	rx := regexp.MustCompile(re)
	var m []string
	p.waitFor("line matching "+re, func(out, _ []string) bool {
		for _, l := range out {
			if m = rx.FindStringSubmatch(l); m != nil {
				return true
			}
		}
		return false
	})
	return m
}

// waitExit waits for the process to end and fails the test unless its status is 0.
func (p *proc) waitExit() {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(netWait):
		p.t.Fatalf("%s still running after %v", p.name, netWait)
	}
	if !p.cmd.ProcessState.Success() {
		out, errs := p.lines()
		p.t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", p.name, p.cmd.ProcessState, strings.Join(out, "\n"), strings.Join(errs, "\n"))
	}
}

// kill ends the process at once, and waits for it.
func (p *proc) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(netWait):
	}
}

// got returns the values a consumer reported taking, in order.
func (p *proc) got() []int {
	_, errs := p.lines()
	var vs []int
	for _, l := range errs {
		if s, ok := strings.CutPrefix(l, "got "); ok {
			v, _ := strconv.Atoi(s)
			vs = append(vs, v)
		}
	}
	return vs
}

// acks returns the values a producer reported acknowledged, and those it reported not.
func (p *proc) acks() (acked, unacked []int) {
	out, _ := p.lines()
	for _, l := range out {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.Atoi(strings.TrimSuffix(f[1], ":"))
		switch f[0] {
		case "acked":
			acked = append(acked, v)
		case "unacked":
			unacked = append(unacked, v)
		}
	}
	return acked, unacked
}

// serve starts felixlet net-serve with extra flags, and returns it with its client URL
// and (if it has one) its cluster URL.
func serve(t *testing.T, name string, flags ...string) (*proc, string, string) {
	t.Helper()
	p := start(t, name, append([]string{"net-serve"}, flags...)...)
	url := p.waitLine(`serving (nats://\S+)`)[1]
	cluster := ""
	if slices.Contains(flags, "-cluster") {
		cluster = p.waitLine(`cluster (nats-route://\S+)`)[1]
	}
	return p, url, cluster
}

// program writes a program into the test's directory and returns its path.
func program(t *testing.T, name, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// consumer starts a consumer program on the server at url.
func consumer(t *testing.T, name, url, subject string, limit int, kind string) *proc {
	t.Helper()
	p := start(t, name, "run", "--net", url, program(t, "consumer.flx", netConsumer), subject, strconv.Itoa(limit), kind)
	p.waitLine(`^ready$`)
	return p
}

// producer starts a producer program on the server at url.
func producer(t *testing.T, url, subject string, n int, pause float64, retry bool) *proc {
	t.Helper()
	mode := "once"
	if retry {
		mode = "retry"
	}
	return start(t, "producer", "run", "--net", url, program(t, "producer.flx", netProducer), subject,
		strconv.Itoa(n), strconv.FormatFloat(pause, 'f', -1, 64), mode)
}

// waitGot waits until the consumers between them report n values.
func waitGot(t *testing.T, n int, ps ...*proc) {
	t.Helper()
	deadline := time.Now().Add(netWait)
	for {
		total := 0
		for _, p := range ps {
			total += len(p.got())
		}
		if total >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the consumers reported %d values within %v, want %d", total, netWait, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// exactlyOnce checks that the values the consumers took between them are 1 to n, each once.
func exactlyOnce(t *testing.T, n int, ps ...*proc) {
	t.Helper()
	seen := map[int]string{}
	for _, p := range ps {
		for _, v := range p.got() {
			if other, dup := seen[v]; dup {
				t.Errorf("value %d reached %s and %s", v, other, p.name)
			}
			seen[v] = p.name
		}
	}
	for v := 1; v <= n; v++ {
		if _, ok := seen[v]; !ok {
			t.Errorf("value %d reached no consumer", v)
		}
	}
	if len(seen) != n {
		t.Errorf("the consumers took %d distinct values, want %d", len(seen), n)
	}
}

// inOrder checks that a tap saw 1 to n, in order.
func inOrder(t *testing.T, n int, p *proc) {
	t.Helper()
	got := p.got()
	if len(got) != n {
		t.Errorf("%s saw %d values, want %d", p.name, len(got), n)
		return
	}
	for i, v := range got {
		if v != i+1 {
			t.Errorf("%s saw %d as value %d", p.name, v, i+1)
			return
		}
	}
}

// A producer, two consumers on a net_in and two taps, each a process, on one felixlet
// net-serve: every value is acknowledged and reaches exactly one of the consumers, and
// each tap sees them all, in order.
func TestNetInSharesValuesAmongProcessesAndEveryTapSeesThemAll(t *testing.T) {
	const n = 200
	_, url, _ := serve(t, "server", "-listen", "127.0.0.1:0")
	a := consumer(t, "consumer a", url, "jobs", 0, "in")
	b := consumer(t, "consumer b", url, "jobs", 0, "in")
	t1 := consumer(t, "tap 1", url, "jobs", 0, "tap")
	t2 := consumer(t, "tap 2", url, "jobs", 0, "tap")
	p := producer(t, url, "jobs", n, 0, true)
	p.waitExit()
	acked, unacked := p.acks()
	if len(acked) != n || len(unacked) != 0 {
		t.Fatalf("%d values acknowledged, %d not, want all %d", len(acked), len(unacked), n)
	}
	waitGot(t, n, a, b)
	waitGot(t, n, t1)
	waitGot(t, n, t2)
	exactlyOnce(t, n, a, b)
	if len(a.got()) == 0 || len(b.got()) == 0 {
		t.Errorf("consumer a took %d values and b %d: the queue group should share them", len(a.got()), len(b.got()))
	}
	inOrder(t, n, t1)
	inOrder(t, n, t2)
}

// A cluster of three felixlet net-serve processes: the producer on the first server, a
// consumer on each of the others and a tap on the third. Values cross the routes between
// servers, each reaching one consumer, and the tap sees them all.
func TestNetChannelsWorkAcrossAClusterOfServers(t *testing.T) {
	const n = 100
	_, url1, route := serve(t, "server 1", "-listen", "127.0.0.1:0", "-cluster", "127.0.0.1:0")
	_, url2, _ := serve(t, "server 2", "-listen", "127.0.0.1:0", "-cluster", "127.0.0.1:0", "-routes", route)
	_, url3, _ := serve(t, "server 3", "-listen", "127.0.0.1:0", "-cluster", "127.0.0.1:0", "-routes", route)
	a := consumer(t, "consumer on server 2", url2, "work", 0, "in")
	b := consumer(t, "consumer on server 3", url3, "work", 0, "in")
	tap := consumer(t, "tap on server 3", url3, "work", 0, "tap")
	// Until the routes carry the consumers' interest to server 1, nobody reads there: the
	// producer sends such a value again.
	p := producer(t, url1, "work", n, 0, true)
	p.waitExit()
	if acked, _ := p.acks(); len(acked) != n {
		t.Fatalf("%d values acknowledged, want %d", len(acked), n)
	}
	waitGot(t, n, a, b)
	exactlyOnce(t, n, a, b)
	// The tap may have joined the cluster's interest after the first values went by, as
	// the producer only waits for one reader: it sees the rest in order.
	waitGot(t, 1, tap)
	got := tap.got()
	for i := 1; i < len(got); i++ {
		if got[i] != got[i-1]+1 {
			t.Fatalf("the tap saw %v: not in order", got)
		}
	}
	if got[len(got)-1] != n {
		t.Errorf("the tap's last value is %d, want %d", got[len(got)-1], n)
	}
}

// A consumer killed mid-stream (SIGKILL, holding values it had not taken): every value
// acknowledged reached a consumer, and the ones that did not are reported as such.
func TestAConsumerKilledMidStreamLosesNoAcknowledgedValue(t *testing.T) {
	const n = 60
	_, url, _ := serve(t, "server", "-listen", "127.0.0.1:0")
	a := consumer(t, "consumer a", url, "tasks", 10, "in") // stops reading after 10 values
	b := consumer(t, "consumer b", url, "tasks", 0, "in")
	p := producer(t, url, "tasks", n, 0, false)
	a.waitFor("10 values", func(_, errs []string) bool { return len(a.got()) >= 10 })
	a.kill()
	p.waitExit()
	checkAcknowledged(t, p, n, a, b)
}

// A server restarted mid-stream: the clients reconnect and reading resumes; every value
// acknowledged reached the consumer, and the ones that did not are reported as such.
func TestAServerRestartLosesNoAcknowledgedValue(t *testing.T) {
	const n = 80
	srv, url, _ := serve(t, "server", "-listen", "127.0.0.1:0")
	b := consumer(t, "consumer", url, "orders", 0, "in")
	p := producer(t, url, "orders", n, 0.02, false)
	b.waitFor("20 values", func(_, _ []string) bool { return len(b.got()) >= 20 })
	srv.kill()
	time.Sleep(300 * time.Millisecond)
	serve(t, "server again", "-listen", strings.TrimPrefix(url, "nats://"))
	p.waitExit()
	checkAcknowledged(t, p, n, b)
	acked, _ := p.acks()
	if len(acked) == 0 || acked[len(acked)-1] < n-5 {
		t.Errorf("no value near the end of the stream was acknowledged (acknowledged: %v): reading did not resume", acked)
	}
}

// checkAcknowledged checks a producer's report against what the consumers took: each of
// the n values is reported acknowledged or not, with a reason; each acknowledged one was
// taken by a consumer.
func checkAcknowledged(t *testing.T, p *proc, n int, consumers ...*proc) {
	t.Helper()
	acked, unacked := p.acks()
	if len(acked)+len(unacked) != n {
		t.Fatalf("the producer reported %d values acknowledged and %d not, want %d in all", len(acked), len(unacked), n)
	}
	taken := map[int]bool{}
	for _, c := range consumers {
		for _, v := range c.got() {
			taken[v] = true
		}
	}
	for _, v := range acked {
		if !taken[v] {
			t.Errorf("value %d was acknowledged but no consumer took it", v)
		}
	}
	out, _ := p.lines()
	for _, l := range out {
		if _, why, _ := strings.Cut(l, ": "); strings.HasPrefix(l, "unacked") && why == "" {
			t.Errorf("an unacknowledged value without a reason: %q", l)
		}
	}
	t.Logf("%d acknowledged, %d reported unacknowledged: %v", len(acked), len(unacked), unacked)
}

// felixlet without felixlet-net, beside it or on PATH: a program runs until its first net
// channel, which is a runtime error there that says how to install felixlet-net; net-serve
// says the same. Both exit 1.
func TestWithoutFelixletNetANetChannelSaysHowToInstallIt(t *testing.T) {
	bin, err := felixletBinary()
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	alone := filepath.Join(t.TempDir(), "felixlet")
	if err := os.WriteFile(alone, exe, 0o755); err != nil {
		t.Fatal(err)
	}
	path := program(t, "p.flx", "println \"before\";\nvar o = net_out[int] \"x\";\nprintln \"unreached\";\n")
	for _, c := range []struct {
		args       []string
		out, error string
	}{
		{[]string{"run", path}, "before\n", path + ":2:9: net: net channels need felixlet-net, which is neither beside felixlet nor on PATH (go install github.com/felixlet/felixlet/cmd/felixlet-net@latest)\n"},
		{[]string{"net-serve"}, "", "felixlet net-serve: needs felixlet-net, which is neither beside felixlet nor on PATH (go install github.com/felixlet/felixlet/cmd/felixlet-net@latest)\n"},
	} {
		cmd := exec.Command(alone, c.args...)
		cmd.Env = append(os.Environ(), "PATH="+t.TempDir(), "FELIXLET_NET=")
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != 1 || stdout.String() != c.out || !strings.HasPrefix(stderr.String(), c.error) {
			t.Errorf("felixlet %s: exit %d, stdout %q, stderr %q; want exit 1, %q and %q", c.args[0], code, stdout.String(), stderr.String(), c.out, c.error)
		}
	}
}

// felixlet hands a program that makes net channels over to felixlet-net, which compiles it
// again: its warnings are given once, and its output is whole.
func TestAProgramHandedOverToFelixletNetWarnsOnce(t *testing.T) {
	path := program(t, "w.flx", `chip A connector io pin out: %>int pin inp: %<int { write (io.out, 1); }
device a = A;
circuit
  connect a.out
endcircuit
var o = net_out[int] "w";
var i = net_in[int] "w";
write (o, 42);
println$ read i;
`)
	p := start(t, "program", "run", path)
	select {
	case <-p.done:
	case <-time.After(netWait):
		t.Fatalf("still running after %v", netWait)
	}
	out, errs := p.lines()
	want := []string{path + ":3:1: warning: a.inp is not connected", "  circuit", "  ^"}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 || !slices.Equal(out, []string{"42"}) || !slices.Equal(errs, want) {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 0, [42] and %q", code, out, errs, want)
	}
}

// Bad URLs and unreachable servers are clear messages with exit status 1.
func TestABadNetURLOrAnUnreachableServerIsAClearError(t *testing.T) {
	path := program(t, "p.flx", "var o = net_out[int] \"x\";\nprintln \"unreached\";\n")
	for _, c := range []struct{ url, want string }{
		{"http://127.0.0.1:4222", "bad NATS server URL"},
		{"nats://127.0.0.1:1", "cannot reach the NATS server at nats://127.0.0.1:1"},
	} {
		p := start(t, "program", "run", "--net", c.url, path)
		select {
		case <-p.done:
		case <-time.After(netWait):
			t.Fatalf("--net %s: still running after %v", c.url, netWait)
		}
		out, errs := p.lines()
		if code := p.cmd.ProcessState.ExitCode(); code != 1 || len(out) != 0 || !strings.Contains(strings.Join(errs, "\n"), c.want) {
			t.Errorf("--net %s: exit %d, stdout %q, stderr %q; want exit 1 and %q", c.url, code, out, errs, c.want)
		}
	}
}

// The distributed worker pool of examples/netpool, run as its README says: a felixlet
// net-serve, two workers and a producer, each a process. Every job is taken by one
// worker and its result, correct, comes back to the producer on its reply subject.
func TestTheDistributedWorkerPoolExampleRunsAsItsREADMESays(t *testing.T) {
	const jobs = 30
	_, url, _ := serve(t, "server", "-listen", "127.0.0.1:0")
	for _, name := range []string{"a", "b"} {
		w := start(t, "worker "+name, "run", "--net", url, "../../examples/netpool/worker.flx", name)
		w.waitLine(`^` + name + `: ready$`)
	}
	p := start(t, "producer", "run", "--net", url, "../../examples/netpool/producer.flx", strconv.Itoa(jobs))
	p.waitExit()
	out, _ := p.lines()
	if len(out) == 0 {
		t.Fatal("the producer printed nothing")
	}
	results := map[int]string{}
	rx := regexp.MustCompile(`^(a|b): (\d+) takes (\d+) steps$`)
	for _, l := range out[:len(out)-1] {
		m := rx.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("the producer printed %q, want a result", l)
		}
		n, _ := strconv.Atoi(m[2])
		if steps, _ := strconv.Atoi(m[3]); steps != collatz(n) {
			t.Errorf("%q: want %d steps", l, collatz(n))
		}
		if _, dup := results[n]; dup {
			t.Errorf("job %d came back twice", n)
		}
		results[n] = m[1]
	}
	for n := 1001; n <= 1000+jobs; n++ {
		if _, ok := results[n]; !ok {
			t.Errorf("no result for job %d", n)
		}
	}
	if last := out[len(out)-1]; last != "all 30 results in" {
		t.Errorf("the producer's last line is %q, want %q", last, "all 30 results in")
	}
}

// collatz is the number of Collatz steps from n to 1.
func collatz(n int) int {
	steps := 0
	for ; n != 1; steps++ {
		if n%2 == 0 {
			n /= 2
		} else {
			n = 3*n + 1
		}
	}
	return steps
}
