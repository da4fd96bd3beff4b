package parallel_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	parallel "github.com/concurrency-kit/kit/exercises/20_parallel"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// workerEnv marks the test binary started again as a worker process.
const workerEnv = "PARALLEL_WORKER"

// TestMain lets this test binary be its own worker: started with
// PARALLEL_WORKER=1, it serves requests instead of running tests.
func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) == "1" {
		runWorker()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runWorker is the worker process. It reads one request per line on stdin
// and writes one reply per line on stdout, until the end of its input:
//
//	work N    ->  "work N = <collatz(N)>", a small CPU-bound job
//	hold      ->  says "hold <pid>" on descriptor 3, waits until the test
//	              closes the release pipe (descriptor 4), then "released <pid>"
//	stubborn  ->  "stubborn <pid>"; from then on it ignores the end of its
//	              input and never exits by itself
//
// At start it says "ready <pid>" on descriptor 3. When the test closes the
// pipe on descriptor 5 (when something went wrong, and at the end of every
// test), the worker exits at once with status 3.
func runWorker() {
	signals := os.NewFile(3, "signals")
	release := os.NewFile(4, "release")
	die := os.NewFile(5, "die")
	go func() {
		io.Copy(io.Discard, die)
		os.Exit(3)
	}()
	pid := os.Getpid()
	fmt.Fprintf(signals, "ready %d\n", pid)
	stubborn := false
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		req := in.Text()
		var reply string
		switch {
		case strings.HasPrefix(req, "work "):
			n, _ := strconv.Atoi(strings.TrimPrefix(req, "work "))
			reply = fmt.Sprintf("%s = %d", req, collatz(n))
		case req == "hold":
			fmt.Fprintf(signals, "hold %d\n", pid)
			io.Copy(io.Discard, release) // until the test closes its end
			reply = fmt.Sprintf("released %d", pid)
		case req == "stubborn":
			stubborn = true
			reply = fmt.Sprintf("stubborn %d", pid)
		default:
			reply = fmt.Sprintf("unknown request %q", req)
		}
		fmt.Fprintln(os.Stdout, reply)
	}
	if stubborn {
		time.Sleep(time.Hour) // killed long before
	}
}

// collatz is the total number of Collatz steps of 1..n.
func collatz(n int) int64 {
	var steps int64
	for i := 1; i <= n; i++ {
		for x := uint64(i); x != 1; steps++ {
			if x%2 == 0 {
				x /= 2
			} else {
				x = 3*x + 1
			}
		}
	}
	return steps
}

// ---------------------------------------------------------------------------
// Part 1: Sum

// values are the f(i) of the Sum tests: random 64-bit numbers, so an index
// lost or added twice changes the sum.
var values = func() []int64 {
	r := rand.New(rand.NewPCG(20, 20))
	v := make([]int64, 1000)
	for i := range v {
		v[i] = int64(r.Uint64())
	}
	return v
}()

func sumOf(n int) int64 {
	var s int64
	for i := range max(n, 0) {
		s += values[i]
	}
	return s
}

// setKillAfter sets parallel.KillAfter for the rest of the test.
func setKillAfter(t *testing.T, d time.Duration) {
	prev := parallel.KillAfter
	parallel.KillAfter = d
	t.Cleanup(func() { parallel.KillAfter = prev })
}

// setGOMAXPROCS sets GOMAXPROCS for the rest of the test.
func setGOMAXPROCS(t *testing.T, n int) {
	prev := runtime.GOMAXPROCS(n)
	t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
}

// procsA and procsB are the GOMAXPROCS values the tests of "parts <= 0" and
// "size <= 0" use: never runtime.NumCPU() (a default of NumCPU must not pass
// just because GOMAXPROCS equals it on the grading machine), never a value
// the grader starts a test process with (1, 2, 4), and two different ones,
// so that a GOMAXPROCS read once at start-up does not pass either.
func procsA() int { return otherThanNumCPU(3) }
func procsB() int { return otherThanNumCPU(5) }

func otherThanNumCPU(n int) int {
	if n == runtime.NumCPU() {
		n += 3
	}
	return n
}

// TestSumAnySplit: Sum gives f(0) + ... + f(n-1) and calls f exactly once
// per index, for every n from -2 to 24 with every parts from -2 to n+3 (so
// n not a multiple of parts, parts > n, n = 0, parts <= 0), and for 1000
// indexes with up to 1001 parts.
func TestSumAnySplit(t *testing.T) {
	harness.Setup(t)
	setGOMAXPROCS(t, procsA())
	calls := make([]atomic.Int32, len(values))
	f := func(i int) int64 {
		calls[i].Add(1)
		return values[i]
	}
	check := func(n, parts int) {
		t.Helper()
		for i := range calls {
			calls[i].Store(0)
		}
		got := parallel.Sum(n, parts, f)
		for i := range calls {
			want := int32(0)
			if i < n {
				want = 1
			}
			if c := calls[i].Load(); c != want {
				require.Failf(t, "wrong calls of f",
					"Sum(n=%d, parts=%d) called f(%d) %d times; want %d: every index 0..n-1 is in exactly one range "+
						"(watch the remainder of n/parts)", n, parts, i, c, want)
			}
		}
		require.Equalf(t, sumOf(n), got, "Sum(n=%d, parts=%d)", n, parts)
	}
	for n := -2; n <= 24; n++ {
		for parts := -2; parts <= n+3; parts++ {
			check(n, parts)
		}
	}
	for _, parts := range []int{1, 2, 3, 7, 64, 300, 999, 1000, 1001, 0} {
		check(1000, parts)
	}
}

// sumCase is one call of Sum; procs is the GOMAXPROCS it runs with (it
// matters only for parts <= 0).
type sumCase struct{ n, parts, procs int }

// wantRanges is min(parts, n), parts <= 0 meaning procs.
func (c sumCase) wantRanges() int {
	parts := c.parts
	if parts <= 0 {
		parts = c.procs
	}
	return min(parts, c.n)
}

func (c sumCase) String() string {
	if c.parts <= 0 {
		return fmt.Sprintf("Sum(n=%d, parts=%d) with GOMAXPROCS=%d", c.n, c.parts, c.procs)
	}
	return fmt.Sprintf("Sum(n=%d, parts=%d)", c.n, c.parts)
}

// sumCases are ragged splits (n not a multiple of parts; ceil(n/parts)
// chunks would leave ranges empty or uneven), parts > n, parts far past any
// plausible cap, and the default split under two GOMAXPROCS values, neither
// of them NumCPU.
func sumCases() []sumCase {
	a, b := procsA(), procsB()
	return []sumCase{
		{10, 4, a}, {7, 3, a}, {12, 5, a}, {9, 4, a}, {9, 2, a}, {5, 5, a}, {3, 8, a}, {100, 7, a},
		{6, 1, a}, {1000, 300, a}, {1000, 999, a}, {1000, 1000, a},
		{11, 0, a}, {2, -1, a}, {1000, 0, a}, {11, 0, b}, {1000, -1, b}, {4, 0, b},
	}
}

// TestSumContiguousRanges: the work is cut into min(parts, n) ranges, each
// handled by one goroutine: every goroutine that calls f calls it for
// consecutive indexes in increasing order, the ranges together are 0..n-1,
// and their sizes differ by at most one (parts <= 0 means GOMAXPROCS, set
// here to two values that are not NumCPU).
func TestSumContiguousRanges(t *testing.T) {
	harness.Setup(t)
	setGOMAXPROCS(t, runtime.GOMAXPROCS(0))
	for _, tc := range sumCases() {
		runtime.GOMAXPROCS(tc.procs)
		var mu sync.Mutex
		var order []uint64        // goroutines in the order of their first call
		byG := map[uint64][]int{} // the indexes each goroutine was given, in call order
		f := func(i int) int64 {
			g := harness.GoroutineID()
			mu.Lock()
			defer mu.Unlock()
			if _, ok := byG[g]; !ok {
				order = append(order, g)
			}
			byG[g] = append(byG[g], i)
			return values[i]
		}
		got := parallel.Sum(tc.n, tc.parts, f)

		call := tc.String()
		k := tc.wantRanges()
		require.Lenf(t, order, k, "%s: f was called from %d goroutines; want %d, one per range "+
			"(min(parts, n) ranges, parts <= 0 meaning runtime.GOMAXPROCS(0) at the time of the call, not "+
			"runtime.NumCPU(); no range may be empty)", call, len(order), k)
		type rng struct{ lo, hi int }
		var ranges []rng
		for _, g := range order {
			idx := byG[g]
			for j := range idx {
				if idx[j] != idx[0]+j {
					require.Failf(t, "range not contiguous", "%s: one goroutine called f with indexes %v; "+
						"want one contiguous range, in increasing order", call, idx)
				}
			}
			ranges = append(ranges, rng{idx[0], idx[0] + len(idx)})
		}
		slices.SortFunc(ranges, func(a, b rng) int { return a.lo - b.lo })
		lo, smallest, largest := 0, tc.n, 0
		for _, r := range ranges {
			require.Equalf(t, lo, r.lo, "%s: the ranges are %v; want them to cover 0..%d once, with no gap or overlap",
				call, ranges, tc.n-1)
			lo = r.hi
			smallest, largest = min(smallest, r.hi-r.lo), max(largest, r.hi-r.lo)
		}
		require.Equalf(t, tc.n, lo, "%s: the ranges are %v; want them to cover 0..%d", call, ranges, tc.n-1)
		require.LessOrEqualf(t, largest-smallest, 1, "%s: the ranges are %v (sizes %d to %d); want sizes that differ "+
			"by at most one: the longest range decides how long Sum takes, so spread the remainder (chunks of "+
			"ceil(n/parts) leave the last ranges short or empty)", call, ranges, smallest, largest)
		require.Equalf(t, sumOf(tc.n), got, "%s", call)
	}
}

// TestSumRunsPartsAtOnce: the ranges really run at the same time, and Sum
// waits for them. f blocks until the test lets it go.
//
//   - First on the real scheduler: min(parts, n) calls of f must start
//     within 3s. Fewer means the goroutines run one after the other (serial
//     in disguise: a goroutine waits for the previous one, Sum waits inside
//     its loop, or a lock is held while f runs).
//   - Then in a synctest bubble: when everything has settled, exactly
//     min(parts, n) calls of f are in progress (more means a goroutine per
//     index), and an hour of fake time later Sum has still not returned: it
//     must wait for its goroutines, not sleep.
func TestSumRunsPartsAtOnce(t *testing.T) {
	harness.Setup(t)
	setGOMAXPROCS(t, runtime.GOMAXPROCS(0))
	a, b := procsA(), procsB()
	cases := []sumCase{
		{8, 2, a}, {8, 4, a}, {10, 4, a}, {7, 3, a}, {9, 4, a}, {3, 5, a}, {6, 6, a}, {5, 1, a},
		{1000, 999, a}, {1000, 1000, a}, {12, 0, a}, {12, 0, b}, {1000, -1, b},
	}
	for _, tc := range cases {
		// The first failing case is enough (each may take a few seconds).
		if !t.Run(fmt.Sprintf("n=%d parts=%d procs=%d", tc.n, tc.parts, tc.procs), func(t *testing.T) {
			runtime.GOMAXPROCS(tc.procs)
			call, want := tc.String(), tc.wantRanges()
			sumStartsAtOnce(t, tc, call, want)
			harness.Bubble(t, func(t *testing.T) {
				gate := make(chan struct{})
				var inFlight, peak atomic.Int64
				f := func(i int) int64 {
					n := inFlight.Add(1)
					for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
					}
					<-gate
					inFlight.Add(-1)
					return values[i]
				}
				done := make(chan int64, 1)
				go func() { done <- parallel.Sum(tc.n, tc.parts, f) }()
				synctest.Wait() // every goroutine is blocked: in f, or done
				atOnce := int(inFlight.Load())
				time.Sleep(time.Hour) // fake time: no amount of it may finish a blocked f
				returnedEarly := len(done) == 1
				close(gate) // let everything finish before any assertion
				got := <-done

				switch {
				case atOnce == 0:
					require.Failf(t, "f was never in progress", "%s returned or got stuck without calling f; "+
						"want %d calls of f in progress at once", call, want)
				case atOnce < want:
					require.Failf(t, "serial in disguise", "%s: with an f that blocks, only %d calls of f were in "+
						"progress at once; want %d. Start a goroutine per range, all of them before waiting for any, "+
						"and let none wait for another", call, atOnce, want)
				case atOnce > want:
					require.Failf(t, "too many goroutines", "%s: %d calls of f were in progress at once; want %d: "+
						"one goroutine per range, not per index", call, atOnce, want)
				}
				require.Falsef(t, returnedEarly, "%s returned while %d calls of f were still blocked (after an hour "+
					"of fake time): Sum must wait for its goroutines (a sync.WaitGroup, or one receive per "+
					"goroutine), not sleep and hope they are done", call, atOnce)
				require.LessOrEqualf(t, int(peak.Load()), want, "%s: at some point %d calls of f were in progress",
					call, peak.Load())
				require.Equalf(t, sumOf(tc.n), got, "%s", call)
			})
		}) {
			break
		}
	}
}

// sumStartsAtOnce runs Sum on the real scheduler with an f that blocks until
// the test lets it go, and fails unless want calls of f start within 3s
// (less than the lock-order run's report of a lock held too long, so that a
// lock held while f runs fails here, with this message). It lets every call
// go before it returns.
func sumStartsAtOnce(t *testing.T, tc sumCase, call string, want int) {
	t.Helper()
	started := make(chan int, max(tc.n, 0))
	gate := make(chan struct{})
	f := func(i int) int64 {
		started <- i
		<-gate
		return values[i]
	}
	done := make(chan int64, 1)
	go func() { done <- parallel.Sum(tc.n, tc.parts, f) }()
	timeout := time.NewTimer(3 * time.Second)
	defer timeout.Stop()
	count, returned := 0, false
wait:
	for count < want {
		select {
		case <-started:
			count++
		case <-done:
			returned = true
			break wait
		case <-timeout.C:
			break wait
		}
	}
	close(gate)
	if !returned {
		_, ok := await(done, 5*time.Second)
		require.Truef(t, ok, "%s did not return within 5s after every call of f was let go", call)
	}
	switch {
	case count < want && count == 0 && returned:
		require.Failf(t, "f was never called", "%s returned without calling f; want %d calls of f in progress at "+
			"once", call, want)
	case count < want && returned:
		require.Failf(t, "returned too early", "%s returned while %d calls of f were still blocked: Sum must wait "+
			"for every goroutine it started (a sync.WaitGroup, or one receive per goroutine)", call, count)
	case count < want:
		require.Failf(t, "serial in disguise", "%s: with an f that blocks, only %d calls of f started within 3s; "+
			"want %d at once. Make min(parts, n) ranges, none of them empty; start a goroutine per range, all of "+
			"them before waiting for any; let none wait for another; and do not hold a lock while calling f", call,
			count, want)
	}
}

// ---------------------------------------------------------------------------
// Part 2: Pool
//
// The pool gets its workers from a start function the test passes to
// NewPool. Two kinds:
//
//   - Real processes (fixture): this test binary started again with os/exec
//     (see TestMain), wrapped as a parallel.Worker. Every worker shares three
//     pipes with the test: it says "ready" and "hold" on the signals pipe, a
//     "hold" request waits until the test closes the release pipe, and
//     closing the die pipe makes every worker exit at once. Every wait of the
//     test is bounded: when one runs out, the test makes the workers exit and
//     fails, so a wrong pool fails its test instead of hanging it.
//   - In-memory workers (fleet): a goroutine behind two io.Pipes that speaks
//     the same protocol. They let a test run the pool in a synctest bubble,
//     with fake time, or start a thousand workers at no cost.
//
// The cleanups make every worker exit, close the pools and wait for the
// goroutines the test started.

type fixture struct {
	t   *testing.T
	exe string

	signalsR, signalsW *os.File
	releaseR, releaseW *os.File
	dieR, dieW         *os.File
	signals            *bufio.Reader
	releaseOnce        sync.Once
	dieOnce            sync.Once

	mu     sync.Mutex
	procs  []*proc // every worker process started
	calls  int     // calls of start
	failAt int     // the failAt-th call of start (from 1) tries a command that cannot start

	pools []*parallel.Pool
	bg    sync.WaitGroup // goroutines the test started
}

// proc is a worker process as the pool sees it. It records what the pool
// did with it.
type proc struct {
	cmd    *exec.Cmd
	stdin  *trackedStdin
	stdout io.Reader
	waits  atomic.Int32
	kills  atomic.Int32
}

func (p *proc) Stdin() io.WriteCloser { return p.stdin }
func (p *proc) Stdout() io.Reader     { return p.stdout }
func (p *proc) Wait() error           { p.waits.Add(1); return p.cmd.Wait() }
func (p *proc) Kill() error           { p.kills.Add(1); return p.cmd.Process.Kill() }
func (p *proc) pid() int              { return p.cmd.Process.Pid }

// trackedStdin is a worker's stdin that remembers being closed.
type trackedStdin struct {
	io.WriteCloser
	closed atomic.Bool
}

func (s *trackedStdin) Close() error {
	s.closed.Store(true)
	return s.WriteCloser.Close()
}

func newFixture(t *testing.T) *fixture {
	exe, err := os.Executable()
	require.NoError(t, err)
	f := &fixture{t: t, exe: exe}
	for _, pair := range []struct{ r, w **os.File }{
		{&f.signalsR, &f.signalsW}, {&f.releaseR, &f.releaseW}, {&f.dieR, &f.dieW},
	} {
		*pair.r, *pair.w, err = os.Pipe()
		require.NoError(t, err)
	}
	f.signals = bufio.NewReader(f.signalsR)
	t.Cleanup(f.cleanup)
	return f
}

// start is the start function NewPool gets: it starts a worker process
// with a pipe on its stdin and one on its stdout, as
// subprocess.Popen(cmd, stdin=PIPE, stdout=PIPE) does.
func (f *fixture) start() (parallel.Worker, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	var cmd *exec.Cmd
	if f.calls == f.failAt {
		cmd = exec.Command("/nonexistent/parallel-worker")
	} else {
		cmd = exec.Command(f.exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), workerEnv+"=1", "GORACE=atexit_sleep_ms=0")
		cmd.Stderr = os.Stderr
		cmd.ExtraFiles = []*os.File{f.signalsW, f.releaseR, f.dieR}
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		stdin.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err // Start closed the pipes
	}
	p := &proc{cmd: cmd, stdin: &trackedStdin{WriteCloser: stdin}, stdout: stdout}
	f.procs = append(f.procs, p)
	return p, nil
}

// started returns the worker processes started so far.
func (f *fixture) started() []*proc {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.procs)
}

type newPoolResult struct {
	p   *parallel.Pool
	err error
}

// newPool starts a pool of size workers, checks that it started want
// processes and waits until every one of them is ready.
func (f *fixture) newPool(size, want int) *parallel.Pool {
	t := f.t
	t.Helper()
	ch := make(chan newPoolResult, 1)
	f.bg.Go(func() {
		p, err := parallel.NewPool(size, f.start)
		ch <- newPoolResult{p, err}
	})
	r := mustReturn(f, ch, 5*time.Second, "NewPool(%d, start) did not return within 5s (does it wait for a "+
		"free place in a channel that has no room for every worker?)", size)
	require.NoErrorf(t, r.err, "NewPool(%d, start)", size)
	require.NotNilf(t, r.p, "NewPool(%d, start) returned a nil *Pool", size)
	f.pools = append(f.pools, r.p)
	started := len(f.started())
	require.Equalf(t, want, started, "NewPool(%d, start) started %d worker processes; want %d", size, started, want)
	pids, ok := f.awaitSignals("ready", want, 8*time.Second)
	require.Truef(t, ok, "only %d of %d workers said they are ready within 8s", len(pids), want)
	return r.p
}

// awaitSignals reads count signals of the given kind and returns their pids.
// ok is false when they did not all come within d.
func (f *fixture) awaitSignals(kind string, count int, d time.Duration) (pids []int, ok bool) {
	f.signalsR.SetReadDeadline(time.Now().Add(d))
	defer f.signalsR.SetReadDeadline(time.Time{})
	for len(pids) < count {
		line, err := f.signals.ReadString('\n')
		if err != nil {
			return pids, false
		}
		k, pid, _ := strings.Cut(strings.TrimSpace(line), " ")
		require.Equalf(f.t, kind, k, "worker signal %q", line)
		n, err := strconv.Atoi(pid)
		require.NoError(f.t, err)
		pids = append(pids, n)
	}
	return pids, true
}

// release lets every "hold" request (now and later) finish.
func (f *fixture) release() {
	f.releaseOnce.Do(func() { f.releaseW.Close() })
}

// killAll makes every worker of the fixture exit at once (status 3), without
// touching the *exec.Cmd values the pool may still be using.
func (f *fixture) killAll() {
	f.dieOnce.Do(func() { f.dieW.Close() })
}

type reply struct {
	text string
	err  error
}

// do calls p.Do in a goroutine of its own.
func (f *fixture) do(p *parallel.Pool, ctx context.Context, request string) <-chan reply {
	return goDo(&f.bg, p, ctx, request)
}

// close calls p.Close in a goroutine of its own.
func (f *fixture) close(p *parallel.Pool) <-chan error {
	return goClose(&f.bg, p)
}

func goDo(wg *sync.WaitGroup, p *parallel.Pool, ctx context.Context, request string) <-chan reply {
	ch := make(chan reply, 1)
	wg.Go(func() {
		text, err := p.Do(ctx, request)
		ch <- reply{text, err}
	})
	return ch
}

func goClose(wg *sync.WaitGroup, p *parallel.Pool) <-chan error {
	ch := make(chan error, 1)
	wg.Go(func() { ch <- p.Close() })
	return ch
}

// await returns the value from ch, or false if none came within d.
func await[T any](ch <-chan T, d time.Duration) (T, bool) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v, true
	case <-timer.C:
		var zero T
		return zero, false
	}
}

// killer is what mustReturn calls when a call does not return: a fixture or
// a fleet, which then makes its workers exit.
type killer interface {
	killAll()
	test() *testing.T
}

func (f *fixture) test() *testing.T { return f.t }

// mustReturn waits up to d for ch. If nothing comes, it makes the workers
// exit (which unblocks a pool stuck waiting for them), gives the call a
// moment to return, and fails the test with msg.
func mustReturn[T any](k killer, ch <-chan T, d time.Duration, msg string, args ...any) T {
	k.test().Helper()
	v, ok := await(ch, d)
	if !ok {
		k.killAll()
		await(ch, 2*time.Second)
		require.Failf(k.test(), "no return", msg+" (the test then made the workers exit)", args...)
	}
	return v
}

func (f *fixture) cleanup() {
	// Whatever the test checked, the workers end now: a pool that cannot
	// stop them fails the tests about Close, not every test.
	f.release()
	f.killAll()
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		for _, p := range f.pools {
			p.Close() // ends the goroutines the pool may own; a second Close must be harmless
		}
	}()
	await(closed, 3*time.Second)
	all := make(chan struct{})
	go func() { f.bg.Wait(); close(all) }()
	await(all, 3*time.Second)
	for _, file := range []*os.File{f.signalsR, f.signalsW, f.releaseR, f.dieR} {
		file.Close()
	}
}

// requireAllWaited fails unless every started worker had its stdin closed,
// was waited for exactly once, and exited with status 0.
func (f *fixture) requireAllWaited() {
	t := f.t
	t.Helper()
	for i, p := range f.started() {
		require.Truef(t, p.stdin.closed.Load(), "worker %d (pid %d): its stdin was never closed. Close every "+
			"worker's stdin: the end of its input is its cue to exit", i, p.pid())
		require.EqualValuesf(t, 1, p.waits.Load(), "worker %d (pid %d): Wait was called %d times; want exactly once. "+
			"Call Wait for every worker, or the child stays behind (a zombie, or still running)", i, p.pid(),
			p.waits.Load())
		require.NotNilf(t, p.cmd.ProcessState, "worker %d (pid %d) was never waited for: its *exec.Cmd has no "+
			"ProcessState", i, p.pid())
		require.Truef(t, p.cmd.ProcessState.Success(), "worker %d (pid %d) ended with %v; want exit status 0: close "+
			"its stdin so that it reads end of input and exits by itself", i, p.pid(), p.cmd.ProcessState)
	}
}

// errKilled is how an in-memory worker that was killed exits.
var errKilled = errors.New("signal: killed")

// fleet hands out in-memory workers. It works inside and outside a synctest
// bubble (create it where it is used).
type fleet struct {
	t *testing.T

	release     chan struct{} // closed: every "hold" request (now and later) finishes
	releaseOnce sync.Once
	holds       chan *memWorker // a worker got a "hold" request
	stdinGate   chan struct{}   // if set before NewPool: closing a worker's stdin waits until it is closed
	gateOnce    sync.Once
	stubborn    map[int]bool // the workers (by start order) that ignore the end of their input

	mu       sync.Mutex
	workers  []*memWorker
	received map[string]int // every request a worker got, counted

	pools []*parallel.Pool
	bg    sync.WaitGroup // goroutines the test started
}

// memWorker is an in-memory worker: a goroutine (its "process") reading
// requests from one io.Pipe and writing replies to another, with the same
// protocol as the worker processes ("work N" gets "work N = N*N").
type memWorker struct {
	fl       *fleet
	id       int
	stubborn bool

	inR, outR *io.PipeReader
	inW, outW *io.PipeWriter
	stdin     *memStdin

	killed   chan struct{}
	killOnce sync.Once
	exited   chan struct{}
	status   error // how it exited; written before exited is closed

	waits, kills atomic.Int32
}

type memStdin struct {
	w      *memWorker
	closes atomic.Int32
}

func (s *memStdin) Write(b []byte) (int, error) { return s.w.inW.Write(b) }

func (s *memStdin) Close() error {
	s.closes.Add(1)
	if gate := s.w.fl.stdinGate; gate != nil {
		<-gate
	}
	return s.w.inW.Close()
}

func newFleet(t *testing.T) *fleet {
	fl := &fleet{
		t:        t,
		release:  make(chan struct{}),
		holds:    make(chan *memWorker, 4096),
		received: map[string]int{},
	}
	t.Cleanup(fl.cleanup)
	return fl
}

// start is the start function NewPool gets.
func (fl *fleet) start() (parallel.Worker, error) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	w := &memWorker{fl: fl, id: len(fl.workers), stubborn: fl.stubborn[len(fl.workers)],
		killed: make(chan struct{}), exited: make(chan struct{})}
	w.inR, w.inW = io.Pipe()
	w.outR, w.outW = io.Pipe()
	w.stdin = &memStdin{w: w}
	fl.workers = append(fl.workers, w)
	fl.bg.Go(w.run)
	return w, nil
}

func (w *memWorker) Stdin() io.WriteCloser { return w.stdin }
func (w *memWorker) Stdout() io.Reader     { return w.outR }

// Wait waits for the worker to exit and, like exec.Cmd.Wait, closes the read
// end of its stdout.
func (w *memWorker) Wait() error {
	if w.waits.Add(1) > 1 {
		return errors.New("exec: Wait was already called")
	}
	<-w.exited
	w.outR.Close()
	return w.status
}

func (w *memWorker) Kill() error {
	w.kills.Add(1)
	select {
	case <-w.exited:
		return errors.New("os: process already finished")
	default:
	}
	w.kill()
	return nil
}

// kill ends the worker at once, also when it is blocked reading its input,
// writing its output or holding.
func (w *memWorker) kill() {
	w.killOnce.Do(func() {
		close(w.killed)
		w.inR.CloseWithError(errKilled)
		w.outW.CloseWithError(errKilled)
	})
}

func (w *memWorker) run() {
	defer func() {
		w.inR.Close()  // writes to a worker that exited fail
		w.outW.Close() // reads of its output see the end of it
		close(w.exited)
	}()
	exit := func() {
		select {
		case <-w.killed:
			w.status = errKilled
		default:
		}
	}
	in := bufio.NewScanner(w.inR)
	for in.Scan() {
		req := in.Text()
		w.fl.mu.Lock()
		w.fl.received[req]++
		w.fl.mu.Unlock()
		var reply string
		switch {
		case strings.HasPrefix(req, "work "):
			n, _ := strconv.Atoi(strings.TrimPrefix(req, "work "))
			reply = fmt.Sprintf("%s = %d", req, n*n)
		case strings.HasPrefix(req, "long "):
			n, _ := strconv.Atoi(strings.TrimPrefix(req, "long "))
			reply = strings.Repeat("x", n)
		case req == "hold":
			w.fl.holds <- w
			select {
			case <-w.fl.release:
			case <-w.killed:
				exit()
				return
			}
			reply = fmt.Sprintf("released %d", w.id)
		default:
			reply = fmt.Sprintf("unknown request %q", req)
		}
		if _, err := io.WriteString(w.outW, reply+"\n"); err != nil {
			exit()
			return
		}
	}
	if w.stubborn {
		<-w.killed
	}
	exit()
}

// workReply is the reply of an in-memory worker to "work n".
func workReply(n int) string { return fmt.Sprintf("work %d = %d", n, n*n) }

func (fl *fleet) test() *testing.T { return fl.t }

func (fl *fleet) killAll() {
	fl.mu.Lock()
	workers := slices.Clone(fl.workers)
	fl.mu.Unlock()
	for _, w := range workers {
		w.kill()
	}
	fl.openGate()
}

func (fl *fleet) openGate() {
	if fl.stdinGate != nil {
		fl.gateOnce.Do(func() { close(fl.stdinGate) })
	}
}

func (fl *fleet) releaseAll() {
	fl.releaseOnce.Do(func() { close(fl.release) })
}

func (fl *fleet) started() []*memWorker {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	return slices.Clone(fl.workers)
}

// got reports how many times a worker got request.
func (fl *fleet) got(request string) int {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	return fl.received[request]
}

// newPool starts a pool of size in-memory workers and checks that it
// started want of them.
func (fl *fleet) newPool(size, want int) *parallel.Pool {
	t := fl.t
	t.Helper()
	p, err := parallel.NewPool(size, fl.start)
	require.NoErrorf(t, err, "NewPool(%d, start)", size)
	require.NotNilf(t, p, "NewPool(%d, start) returned a nil *Pool", size)
	fl.pools = append(fl.pools, p)
	started := len(fl.started())
	require.Equalf(t, want, started, "NewPool(%d, start) called start %d times; want %d workers", size, started, want)
	return p
}

func (fl *fleet) do(p *parallel.Pool, ctx context.Context, request string) <-chan reply {
	return goDo(&fl.bg, p, ctx, request)
}

func (fl *fleet) close(p *parallel.Pool) <-chan error {
	return goClose(&fl.bg, p)
}

// cleanup ends every worker, closes the pools and waits for the goroutines
// the test started. In a bubble, its waits are in fake time.
func (fl *fleet) cleanup() {
	fl.releaseAll()
	fl.killAll()
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		for _, p := range fl.pools {
			p.Close()
		}
	}()
	await(closed, 3*time.Second)
	all := make(chan struct{})
	go func() { fl.bg.Wait(); close(all) }()
	await(all, 3*time.Second)
}

// requireAllWaited fails unless every in-memory worker had its stdin closed
// and was waited for exactly once, and, unless killedOK, exited by itself.
func (fl *fleet) requireAllWaited(killedOK bool) {
	t := fl.t
	t.Helper()
	for _, w := range fl.started() {
		require.NotZerof(t, w.stdin.closes.Load(), "worker %d: its stdin was never closed. Close every worker's "+
			"stdin: the end of its input is its cue to exit", w.id)
		require.EqualValuesf(t, 1, w.waits.Load(), "worker %d: Wait was called %d times; want exactly once, after "+
			"its stdin was closed", w.id, w.waits.Load())
		select {
		case <-w.exited:
		default:
			require.Failf(t, "worker still running", "worker %d is still running after Close returned", w.id)
		}
		if !killedOK {
			require.NoErrorf(t, w.status, "worker %d was killed; want it to exit by itself when its stdin is closed, "+
				"long before KillAfter", w.id)
		}
	}
}

// settle is synctest.Wait for the Pool tests: it waits until every goroutine
// of the bubble is blocked. A goroutine waiting for a sync.Mutex never counts
// as blocked there, and synctest.Wait would wait for it forever; so settle
// first gives every goroutine a chance to run, and fails the test if one of
// the pool's goroutines is waiting for a mutex (held by another while a
// request is in flight: one big lock).
func settle(t *testing.T, fl *fleet) {
	t.Helper()
	for range 1000 {
		runtime.Gosched()
	}
	if where := mutexWaiter(); where != "" {
		fl.releaseAll()
		fl.killAll()
		require.Failf(t, "waits for a lock", "a goroutine of the pool waits for a sync.Mutex at %s, held by "+
			"another goroutine while a request is in flight or while Close waits: one big lock runs one request "+
			"at a time, and a goroutine waiting for a mutex cannot give up when its ctx is done or the pool is "+
			"closed. Wait for a free worker on a channel, in a select with ctx.Done() and the closing signal",
			where)
	}
	synctest.Wait()
}

// testDir is the folder of this test file, and of the file under test.
var testDir = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}()

// mutexWaiter returns the file:line in the exercise's own file of a
// goroutine waiting for a sync.Mutex or sync.RWMutex, or "".
func mutexWaiter() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	for _, g := range strings.Split(string(buf), "\n\n") {
		header, frames, _ := strings.Cut(g, "\n")
		if !strings.Contains(header, "[sync.Mutex.Lock") && !strings.Contains(header, "[sync.RWMutex.") {
			continue
		}
		for _, line := range strings.Split(frames, "\n") {
			file, rest, ok := strings.Cut(strings.TrimSpace(line), ":")
			if ok && filepath.Dir(file) == testDir && !strings.HasSuffix(file, "_test.go") {
				lineNo, _, _ := strings.Cut(rest, " ")
				return filepath.Base(file) + ":" + lineNo
			}
		}
	}
	return ""
}

// TestPoolAnswersConcurrentRequests: 40 goroutines send requests at once to
// a pool of 3 worker processes, and each gets the reply to its own request.
func TestPoolAnswersConcurrentRequests(t *testing.T) {
	harness.Setup(t)
	f := newFixture(t)
	p := f.newPool(3, 3)
	const requests = 40
	replies := make([]<-chan reply, requests)
	harness.Together(requests, func(i int) {
		replies[i] = f.do(p, context.Background(), fmt.Sprintf("work %d", 1000+37*i))
	})
	for i, ch := range replies {
		req := fmt.Sprintf("work %d", 1000+37*i)
		r := mustReturn(f, ch, 5*time.Second, "Do(%q) did not return within 5s", req)
		require.NoErrorf(t, r.err, "Do(%q)", req)
		require.Equalf(t, fmt.Sprintf("%s = %d", req, collatz(1000+37*i)), r.text,
			"Do(%q) returned another request's reply (or a broken one): a worker must handle one request at a "+
				"time, its reply read by the goroutine that sent the request", req)
	}
}

// TestPoolUsesEveryWorker: size requests sent at once all reach a worker at
// the same time, each a different one. The "hold" requests wait for the
// test, so a pool that lets only one request through at a time is caught.
// Sizes: 3 worker processes; size <= 0, meaning GOMAXPROCS, under two values
// of GOMAXPROCS that are not NumCPU; and 1000 in-memory workers, past any
// cap a pool might put on its size.
func TestPoolUsesEveryWorker(t *testing.T) {
	harness.Setup(t)
	setGOMAXPROCS(t, runtime.GOMAXPROCS(0))
	a, b := procsA(), procsB()
	const hint = "(one request at a time for the whole pool is serial in disguise; size <= 0 means " +
		"runtime.GOMAXPROCS(0) when NewPool is called, not runtime.NumCPU(); and no cap on size)"
	failed := false // the first failing case is enough (each may take a few seconds)
	for _, tc := range []struct{ size, procs, want int }{{3, a, 3}, {0, a, a}} {
		failed = failed || !t.Run(fmt.Sprintf("processes size=%d GOMAXPROCS=%d", tc.size, tc.procs), func(t *testing.T) {
			runtime.GOMAXPROCS(tc.procs)
			f := newFixture(t)
			p := f.newPool(tc.size, tc.want)
			var replies []<-chan reply
			for range tc.want {
				replies = append(replies, f.do(p, context.Background(), "hold"))
			}
			pids, ok := f.awaitSignals("hold", tc.want, 3*time.Second)
			require.Truef(t, ok, "%d goroutines called Do(\"hold\") at once on a pool of %d workers, but within 3s "+
				"only %d requests reached a worker: the others waited although workers were free "+hint,
				tc.want, tc.want, len(pids))
			var workers []int
			for _, c := range f.started() {
				workers = append(workers, c.pid())
			}
			slices.Sort(pids)
			slices.Sort(workers)
			require.Equalf(t, workers, pids, "the requests in progress at once went to these worker pids; want one "+
				"on every worker")
			f.release()
			for _, ch := range replies {
				r := mustReturn(f, ch, 5*time.Second, `Do("hold") did not return within 5s after the test released the workers`)
				require.NoError(t, r.err, `Do("hold")`)
				require.Truef(t, strings.HasPrefix(r.text, "released "), `Do("hold") returned %q; want "released <pid>"`, r.text)
			}
		})
	}
	for _, tc := range []struct{ size, procs, want int }{{0, b, b}, {-1, a, a}, {1000, a, 1000}} {
		if failed {
			break
		}
		failed = !t.Run(fmt.Sprintf("in memory size=%d GOMAXPROCS=%d", tc.size, tc.procs), func(t *testing.T) {
			runtime.GOMAXPROCS(tc.procs)
			fl := newFleet(t)
			p := fl.newPool(tc.size, tc.want)
			var replies []<-chan reply
			for range tc.want {
				replies = append(replies, fl.do(p, context.Background(), "hold"))
			}
			seen := map[int]bool{}
			timeout := time.NewTimer(5 * time.Second)
			defer timeout.Stop()
		wait:
			for len(seen) < tc.want {
				select {
				case w := <-fl.holds:
					require.Falsef(t, seen[w.id], "worker %d got a second request while its first was in progress: "+
						"a worker handles one request at a time", w.id)
					seen[w.id] = true
				case <-timeout.C:
					break wait
				}
			}
			require.Equalf(t, tc.want, len(seen), "%d goroutines called Do(\"hold\") at once on a pool of %d "+
				"workers, but within 5s only %d requests reached a worker "+hint, tc.want, tc.want, len(seen))
			fl.releaseAll()
			for _, ch := range replies {
				r := mustReturn(fl, ch, 5*time.Second, `Do("hold") did not return within 5s after the test released the workers`)
				require.NoError(t, r.err, `Do("hold")`)
				require.Truef(t, strings.HasPrefix(r.text, "released "), `Do("hold") returned %q; want "released <id>"`, r.text)
			}
		})
	}
}

// TestDoGivesUpWhenCtxDone: while the only worker is busy, Do waits for it,
// and gives up with ctx.Err() when ctx is done first (deadline passed,
// cancelled before the call, cancelled while waiting), without sending its
// request: afterwards the worker answers the next request with that
// request's own reply.
func TestDoGivesUpWhenCtxDone(t *testing.T) {
	harness.Setup(t)
	f := newFixture(t)
	p := f.newPool(1, 1)
	held := f.do(p, context.Background(), "hold")
	_, ok := f.awaitSignals("hold", 1, 5*time.Second)
	require.True(t, ok, `Do("hold") did not reach the worker within 5s`)

	expired, cancel1 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel1()
	cancelled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	later, cancel3 := context.WithCancel(context.Background())
	defer cancel3()
	cases := []struct {
		name string
		ctx  context.Context
		want error
		then func()
	}{
		{"deadline passes while waiting", expired, context.DeadlineExceeded, nil},
		{"cancelled before the call", cancelled, context.Canceled, nil},
		{"cancelled while waiting", later, context.Canceled, cancel3},
	}
	for i, tc := range cases {
		req := fmt.Sprintf("work %d", 100+i)
		ch := f.do(p, tc.ctx, req)
		if tc.then != nil {
			tc.then()
		}
		r, ok := await(ch, 3*time.Second)
		require.Truef(t, ok, "%s: Do(ctx, %q) did not return within 3s while the only worker was busy; want "+
			"ctx.Err() as soon as ctx is done: wait for a free worker in a select with ctx.Done()", tc.name, req)
		require.ErrorIsf(t, r.err, tc.want, "%s: Do(ctx, %q) returned (%q, %v)", tc.name, req, r.text, r.err)
	}

	f.release()
	r := mustReturn(f, held, 5*time.Second, `Do("hold") did not return within 5s after the test released the worker`)
	require.NoError(t, r.err, `Do("hold")`)
	require.Truef(t, strings.HasPrefix(r.text, "released "), `Do("hold") returned %q; want "released <pid>"`, r.text)
	next := mustReturn(f, f.do(p, context.Background(), "work 7"), 5*time.Second, `Do("work 7") did not return within 5s`)
	require.NoError(t, next.err, `Do("work 7")`)
	require.Equalf(t, fmt.Sprintf("work 7 = %d", collatz(7)), next.text, "the reply to the next request is wrong: a "+
		"Do that gave up must not have sent its request (its reply would still be in the pipe)")
}

// TestDoWaitsForReplyAfterCancel: once Do has sent its request, it waits for
// the reply whatever its ctx says. In a synctest bubble, with in-memory
// workers: the only worker holds a request; its ctx is cancelled (or its
// deadline passes) while the worker works on it; an hour of fake time later
// Do has still not returned; when the worker answers, Do returns the reply
// and nil, and the next request gets its own reply. A Do that gave up after
// sending would leave the reply in the pipe for the next request to read.
func TestDoWaitsForReplyAfterCancel(t *testing.T) {
	harness.Setup(t)
	for _, how := range []string{"cancelled", "deadline passes"} {
		t.Run(how, func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				fl := newFleet(t)
				p := fl.newPool(1, 1)
				ctx, cancel := context.WithCancel(context.Background())
				if how == "deadline passes" {
					ctx, cancel = context.WithTimeout(context.Background(), time.Minute)
				}
				defer cancel()
				held := fl.do(p, ctx, "hold")
				<-fl.holds // the worker has the request
				cancel()   // no-op for the deadline: an hour of fake time passes below
				settle(t, fl)
				time.Sleep(time.Hour)
				settle(t, fl)
				select {
				case r := <-held:
					require.Failf(t, "gave up after sending", "Do(ctx, \"hold\") returned (%q, %v) when its ctx ended "+
						"after the request had been sent; want it to wait for the reply: the reply will come, and "+
						"leaving it in the pipe gives it to the next request", r.text, r.err)
				default:
				}
				fl.releaseAll()
				settle(t, fl)
				r := <-held
				require.NoErrorf(t, r.err, "Do(ctx, \"hold\") whose ctx ended after the request was sent")
				require.Equal(t, "released 0", r.text, "Do(ctx, \"hold\") whose ctx ended after the request was sent")
				next := fl.do(p, context.Background(), "work 7")
				settle(t, fl)
				n := <-next
				require.NoError(t, n.err, `Do("work 7")`)
				require.Equal(t, workReply(7), n.text, `Do("work 7") after the cancelled request`)
			})
		})
	}
}

// countingCtx counts the calls of Done and Err: a Do that blocks while it
// waits for a worker looks at ctx a few times; one that polls looks at it on
// every round.
type countingCtx struct {
	context.Context
	looks atomic.Int64
}

func (c *countingCtx) Done() <-chan struct{} { c.looks.Add(1); return c.Context.Done() }
func (c *countingCtx) Err() error            { c.looks.Add(1); return c.Context.Err() }

// TestWaitingDoDoesNotSpin: a Do waiting for a free worker is blocked: it
// takes no turns. In a synctest bubble, with the only worker busy, a second
// Do waits with a ctx that counts how often it is looked at. While the test
// yields the processor thousands of times, and then while fake time passes
// (a minute, then an hour), the waiting Do must not look at its ctx again
// and must not return: a loop that polls (runtime.Gosched, a short sleep, a select with
// a default or a short timer) is caught.
func TestWaitingDoDoesNotSpin(t *testing.T) {
	harness.Setup(t)
	harness.Bubble(t, func(t *testing.T) {
		fl := newFleet(t)
		p := fl.newPool(1, 1)
		held := fl.do(p, context.Background(), "hold")
		<-fl.holds
		ctx := &countingCtx{Context: context.Background()}
		waiting := fl.do(p, ctx, "work 5")
		for range 100 {
			runtime.Gosched() // let the Do get to its wait
		}
		before := ctx.looks.Load()
		for i := 0; i < 10000 && ctx.looks.Load()-before <= 100; i++ {
			runtime.Gosched()
		}
		spun := ctx.looks.Load() - before
		if spun > 100 {
			fl.releaseAll() // let it finish, then fail
			settle(t, fl)
			require.Failf(t, "spinning", "while it waited for the busy worker, Do looked at its ctx %d more times "+
				"as the test yielded the processor: it spins in a loop. Block instead: a receive from a channel of "+
				"free workers in a select with ctx.Done()", spun)
		}
		settle(t, fl) // everything blocked: the waiting Do too
		before = ctx.looks.Load()
		for range 60 { // a minute of fake time, a second at a time, stopping at the first sign of polling
			time.Sleep(time.Second)
			if ctx.looks.Load()-before > 2 {
				break
			}
		}
		polled := ctx.looks.Load() - before
		if polled <= 2 {
			time.Sleep(time.Hour)
		}
		select {
		case r := <-waiting:
			require.Failf(t, "did not wait", "Do(%q) returned (%q, %v) while the only worker was busy and its ctx "+
				"was never done; want it to wait for the worker", "work 5", r.text, r.err)
		default:
		}
		require.LessOrEqualf(t, polled, int64(2), "while it waited for the busy worker, Do looked at its ctx %d "+
			"times as fake time passed: it polls (a sleep or a timer in a loop). Block instead: a receive "+
			"from a channel of free workers in a select with ctx.Done()", polled)
		fl.releaseAll()
		settle(t, fl)
		h, w := <-held, <-waiting
		require.NoError(t, h.err, `Do("hold")`)
		require.NoError(t, w.err, `Do("work 5") that waited for the worker`)
		require.Equal(t, workReply(5), w.text, `Do("work 5") that waited for the worker`)
	})
}

// TestCloseStopsEveryWorker: Close stops every worker process by closing its
// stdin, waits for every one exactly once (each *exec.Cmd has a
// ProcessState, exit status 0) and returns nil. NewPool whose start fails
// stops the workers it started the same way before it returns the error.
func TestCloseStopsEveryWorker(t *testing.T) {
	harness.Setup(t)
	setKillAfter(t, time.Minute) // only a clean exit counts here
	const hint = "does Close close every worker's stdin before it waits? A worker exits only at the end of its input"
	t.Run("Close", func(t *testing.T) {
		f := newFixture(t)
		p := f.newPool(3, 3)
		for i := range 5 {
			_, err := p.Do(context.Background(), fmt.Sprintf("work %d", i+1))
			require.NoError(t, err)
		}
		err := mustReturn(f, f.close(p), 2500*time.Millisecond, "Close did not return within 2.5s: "+hint)
		require.NoError(t, err, "Close()")
		f.requireAllWaited()
	})
	t.Run("NewPool when a worker fails to start", func(t *testing.T) {
		f := newFixture(t)
		f.failAt = 3
		ch := make(chan newPoolResult, 1)
		f.bg.Go(func() {
			p, err := parallel.NewPool(4, f.start)
			ch <- newPoolResult{p, err}
		})
		r := mustReturn(f, ch, 2500*time.Millisecond, "NewPool did not return within 2.5s when the third worker "+
			"failed to start: "+hint)
		if r.p != nil {
			f.pools = append(f.pools, r.p)
		}
		require.ErrorIsf(t, r.err, os.ErrNotExist, "NewPool returned %v: it must return the error of the worker "+
			"that failed to start (a command that does not exist), or wrap it with %%w, so that errors.Is finds it", r.err)
		require.Nil(t, r.p, "NewPool must return a nil *Pool with its error")
		f.mu.Lock()
		calls := f.calls
		f.mu.Unlock()
		require.Equalf(t, 3, calls, "NewPool called start %d times; want 3: stop at the first error", calls)
		f.requireAllWaited()
	})
}

// TestCloseWaitsForRequestsInFlight: Close lets the requests already sent
// finish, and returns only after every worker has exited and been waited
// for. In a synctest bubble, with in-memory workers and KillAfter = 2h: one
// of three workers holds a request; an hour of fake time after Close was
// called, neither Close nor that Do has returned, and a new Do returns
// ErrClosed at once. When the worker answers, Do gets the reply, and Close
// returns nil with every worker's stdin closed and Wait called once.
func TestCloseWaitsForRequestsInFlight(t *testing.T) {
	harness.Setup(t)
	setKillAfter(t, 2*time.Hour)
	harness.Bubble(t, func(t *testing.T) {
		fl := newFleet(t)
		p := fl.newPool(3, 3)
		held := fl.do(p, context.Background(), "hold")
		<-fl.holds
		closed := fl.close(p)
		settle(t, fl)
		time.Sleep(time.Hour)
		settle(t, fl)
		select {
		case err := <-closed:
			require.Failf(t, "Close returned too early", "Close returned %v while a request was still in flight "+
				"(after an hour of fake time, KillAfter = 2h); want it to wait until every worker has exited and "+
				"been waited for, not to sleep and hope", err)
		default:
		}
		select {
		case r := <-held:
			require.Failf(t, "request cut short", "Do(\"hold\"), sent before Close, returned (%q, %v) before the "+
				"worker answered; want its reply", r.text, r.err)
		default:
		}
		late := fl.do(p, context.Background(), "work 3")
		settle(t, fl)
		select {
		case r := <-late:
			require.ErrorIsf(t, r.err, parallel.ErrClosed, "Do called while Close waited for a request in flight "+
				"returned (%q, %v)", r.text, r.err)
		default:
			require.Fail(t, "Do called while Close was waiting for a request in flight did not return; want "+
				"ErrClosed at once")
		}
		require.Zero(t, fl.got("work 3"), "Do called after Close sent its request to a worker")
		fl.releaseAll()
		settle(t, fl)
		r := <-held
		require.NoError(t, r.err, `Do("hold") was sent before Close was called: it must still get its reply`)
		require.Truef(t, strings.HasPrefix(r.text, "released "), `Do("hold") returned %q; want "released <id>"`, r.text)
		select {
		case err := <-closed:
			require.NoError(t, err, "Close()")
		default:
			require.Fail(t, "Close did not return after the last request ended and every worker exited")
		}
		fl.requireAllWaited(false)
		time.Sleep(3 * time.Hour) // past KillAfter
		settle(t, fl)
		for _, w := range fl.started() {
			require.Zerof(t, w.kills.Load(), "worker %d was killed KillAfter after Close was called, although Close "+
				"had returned long before: stop the kill timer when every worker has exited (a live timer left "+
				"behind)", w.id)
		}
	})
}

// TestUnusualRequests: with in-memory workers in a bubble, a request whose
// worker never answers, one whose worker dies while it runs, and a very long
// reply. KillAfter counts from the call of Close also for a worker that is in
// the middle of a request: it is killed then, its Do returns an error, and
// Close returns. A worker that died
// during a request gives its Do an error, and Close still returns. A reply
// longer than a read buffer (4 KiB) comes back whole, and the next request
// gets its own reply.
func TestUnusualRequests(t *testing.T) {
	harness.Setup(t)
	setKillAfter(t, 2*time.Hour)
	t.Run("the worker never answers", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			fl := newFleet(t)
			p := fl.newPool(2, 2)
			held := fl.do(p, context.Background(), "hold")
			<-fl.holds
			first := fl.close(p)
			settle(t, fl)
			time.Sleep(2*time.Hour + time.Millisecond) // past KillAfter, counted from Close
			settle(t, fl)
			select {
			case err := <-first:
				require.Error(t, err, "Close must report the worker it had to kill")
			default:
				require.Fail(t, "Close did not return 1ms after KillAfter, with a worker stuck in a request: kill "+
					"every worker still running KillAfter after Close was called, busy or not, and wait for it")
			}
			select {
			case r := <-held:
				require.Errorf(t, r.err, `Do("hold") whose worker was killed returned (%q, nil)`, r.text)
			default:
				require.Fail(t, `Do("hold") did not return once its worker was killed`)
			}
			fl.requireAllWaited(true)
		})
	})
	t.Run("the worker dies during a request", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			fl := newFleet(t)
			p := fl.newPool(2, 2)
			held := fl.do(p, context.Background(), "hold")
			(<-fl.holds).kill()
			settle(t, fl)
			select {
			case r := <-held:
				require.Errorf(t, r.err, `Do("hold") whose worker died returned (%q, nil)`, r.text)
			default:
				require.Fail(t, `Do("hold") did not return once its worker had died`)
			}
			closed := fl.close(p)
			settle(t, fl)
			select {
			case err := <-closed:
				require.Error(t, err, "Close must report the worker that died")
			default:
				require.Fail(t, "Close did not return, with one worker dead and one idle: a worker whose request "+
					"failed must still be closed and waited for by Close (give it back, or keep track of it)")
			}
			fl.requireAllWaited(true)
		})
	})
	t.Run("a reply longer than 4 KiB", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			fl := newFleet(t)
			p := fl.newPool(1, 1)
			for _, n := range []int{5000, 70000} {
				r := <-fl.do(p, context.Background(), fmt.Sprintf("long %d", n))
				require.NoErrorf(t, r.err, "Do(\"long %d\")", n)
				require.Equalf(t, n, len(r.text), "Do(\"long %d\") returned a reply of %d bytes: read the whole line, "+
					"however long (bufio.Reader.ReadString('\\n'), or a Scanner with a big enough buffer)", n, len(r.text))
				r = <-fl.do(p, context.Background(), "work 7")
				require.NoError(t, r.err, `Do("work 7") after a long reply`)
				require.Equal(t, workReply(7), r.text, `Do("work 7") after a long reply got the rest of the long one`)
			}
		})
	})
}

// TestCloseKillsStuckWorker: a worker process that does not exit when its
// stdin is closed is killed KillAfter after Close was called, and waited
// for; Close returns an error, and the other worker still exits cleanly.
func TestCloseKillsStuckWorker(t *testing.T) {
	harness.Setup(t)
	setKillAfter(t, 200*time.Millisecond)
	f := newFixture(t)
	p := f.newPool(2, 2)
	r, err := p.Do(context.Background(), "stubborn")
	require.NoError(t, err, `Do("stubborn")`)
	stuck, err := strconv.Atoi(strings.TrimPrefix(r, "stubborn "))
	require.NoErrorf(t, err, `Do("stubborn") returned %q`, r)

	// Two Close calls at once: one stops the pool, and the other waits for
	// it to finish and returns nil. Neither can return before the kill,
	// KillAfter from now.
	called := time.Now()
	closes := []<-chan error{f.close(p), f.close(p)}
	var errs []error
	timeout := time.After(3 * time.Second)
	for range closes {
		var err error
		select { // whichever returns first, at the moment it returns
		case err = <-closes[0]:
			closes[0] = nil
		case err = <-closes[1]:
			closes[1] = nil
		case <-timeout:
			f.killAll()
			require.FailNow(t, "Close did not return within 3s with KillAfter = 200ms: kill the workers still "+
				"running KillAfter after Close was called, then wait for them")
		}
		if err != nil {
			errs = append(errs, err)
		}
		require.GreaterOrEqualf(t, time.Since(called), 150*time.Millisecond, "of two Close calls made at once, "+
			"with a stuck worker that is killed 200ms after Close, one returned after only %v: a second Close "+
			"waits for the first to finish", time.Since(called))
	}
	require.Lenf(t, errs, 1, "two Close calls at once: one must report the worker it had to kill, and the other "+
		"return nil; got the errors %v", errs)
	for i, c := range f.started() {
		require.EqualValuesf(t, 1, c.waits.Load(), "worker %d (pid %d): Wait was called %d times; want exactly once "+
			"(a killed worker must be waited for too)", i, c.pid(), c.waits.Load())
		require.NotNilf(t, c.cmd.ProcessState, "worker %d (pid %d) was never waited for: its *exec.Cmd has no "+
			"ProcessState", i, c.pid())
		if c.pid() == stuck {
			require.Falsef(t, c.cmd.ProcessState.Success(), "the stuck worker %d ended with %v; want it killed", i,
				c.cmd.ProcessState)
		} else {
			require.Truef(t, c.cmd.ProcessState.Success(), "worker %d, which was not stuck, ended with %v; want exit "+
				"status 0: close stdin first, kill only what is still running after KillAfter", i, c.cmd.ProcessState)
		}
	}
}

// TestCloseKillsOnTime: KillAfter counts once, from the call of Close, for
// every worker together. In a synctest bubble, with in-memory workers, two of
// three workers ignore the end of their input (KillAfter = 5s): 1ms before
// KillAfter nothing has been killed and Close has not returned; 1ms after
// it both stuck workers have been killed and waited for, and Close has
// returned an error. A timer per worker, started when Close gets to it,
// kills the second stuck worker only at 2 * KillAfter.
func TestCloseKillsOnTime(t *testing.T) {
	harness.Setup(t)
	setKillAfter(t, 5*time.Second)
	harness.Bubble(t, func(t *testing.T) {
		fl := newFleet(t)
		fl.stubborn = map[int]bool{0: true, 2: true}
		p := fl.newPool(3, 3)
		for i := range 3 {
			r, err := p.Do(context.Background(), fmt.Sprintf("work %d", i))
			require.NoError(t, err)
			require.Equal(t, workReply(i), r)
		}
		closed := fl.close(p)
		time.Sleep(5*time.Second - time.Millisecond)
		settle(t, fl)
		for _, w := range fl.started() {
			require.Zerof(t, w.kills.Load(), "worker %d was killed %v after Close was called; want no kill before "+
				"KillAfter = 5s: close stdin first and give the workers time to exit", w.id,
				5*time.Second-time.Millisecond)
		}
		select {
		case err := <-closed:
			require.Failf(t, "Close returned too early", "Close returned %v while two workers were still running; "+
				"want it to wait for them (and kill them at KillAfter)", err)
		default:
		}
		time.Sleep(2 * time.Millisecond)
		settle(t, fl)
		var err error
		select {
		case err = <-closed:
		default:
			for _, w := range fl.started() {
				select {
				case <-w.exited:
				default:
					require.Failf(t, "not killed on time", "worker %d, which ignores the end of its input, was still "+
						"running 1ms after KillAfter = 5s since Close was called; want every such worker killed "+
						"KillAfter after Close was called (one timer for all, not a new one per worker)", w.id)
				}
			}
			require.Fail(t, "Close did not return 1ms after KillAfter, although every worker had exited: kill the "+
				"workers still running and wait for them")
		}
		require.Error(t, err, "Close must report the workers it had to kill")
		fl.requireAllWaited(true)
		for _, w := range fl.started() {
			if w.stubborn {
				require.ErrorIsf(t, w.status, errKilled, "worker %d ignores the end of its input; want it killed", w.id)
			} else {
				require.NoErrorf(t, w.status, "worker %d exited by itself", w.id)
			}
		}
	})
}

// TestDoAfterClose: after Close, Do returns ErrClosed without sending
// anything: a Do called after Close returned, a Do that was waiting for a
// busy worker when Close was called, and a Do called while Close is still
// stopping the workers (some of them still idle, so a select that may pick
// a free worker over the closing signal is caught). A request already sent
// still gets its reply; a second Close returns nil.
func TestDoAfterClose(t *testing.T) {
	harness.Setup(t)
	t.Run("Do after Close", func(t *testing.T) {
		f := newFixture(t)
		p := f.newPool(2, 2)
		err := mustReturn(f, f.close(p), 3*time.Second, "Close did not return within 3s")
		require.NoError(t, err, "Close()")
		r := mustReturn(f, f.do(p, context.Background(), "work 3"), 3*time.Second, "Do after Close did not return within 3s")
		require.ErrorIsf(t, r.err, parallel.ErrClosed, "Do after Close returned (%q, %v)", r.text, r.err)
		err = mustReturn(f, f.close(p), 3*time.Second, "a second Close did not return within 3s")
		require.NoError(t, err, "a second Close")
	})
	t.Run("Do waiting for a worker", func(t *testing.T) {
		f := newFixture(t)
		p := f.newPool(1, 1)
		held := f.do(p, context.Background(), "hold")
		_, ok := f.awaitSignals("hold", 1, 5*time.Second)
		require.True(t, ok, `Do("hold") did not reach the worker within 5s`)
		waiting := f.do(p, context.Background(), "work 9")
		closed := f.close(p)
		r, ok := await(waiting, 3*time.Second)
		require.Truef(t, ok, "a Do waiting for the busy worker did not return within 3s of Close; want ErrClosed at once")
		require.ErrorIsf(t, r.err, parallel.ErrClosed, "a Do waiting for the busy worker when Close was called "+
			"returned (%q, %v)", r.text, r.err)
		f.release()
		h := mustReturn(f, held, 3*time.Second, `Do("hold") did not return within 3s after the test released the worker`)
		require.NoError(t, h.err, `Do("hold") was sent before Close was called: it must still get its reply`)
		err := mustReturn(f, closed, 3*time.Second, "Close did not return within 3s after the last request ended")
		require.NoError(t, err, "Close()")
	})
	t.Run("Do while Close is stopping the workers", func(t *testing.T) {
		harness.Bubble(t, func(t *testing.T) {
			fl := newFleet(t)
			fl.stdinGate = make(chan struct{}) // Close gets stuck closing the first stdin
			p := fl.newPool(3, 3)
			closed := fl.close(p)
			settle(t, fl)
			for i := range 20 {
				req := fmt.Sprintf("work %d", i)
				ch := fl.do(p, context.Background(), req)
				settle(t, fl)
				select {
				case r := <-ch:
					require.ErrorIsf(t, r.err, parallel.ErrClosed, "Do(%q), called after Close while Close was still "+
						"stopping the workers, returned (%q, %v); want ErrClosed. When the closing signal and a free "+
						"worker are both ready, select picks either: check for Close first", req, r.text, r.err)
				default:
					require.Failf(t, "Do did not return", "Do(%q), called after Close while Close was still stopping "+
						"the workers, did not return; want ErrClosed at once", req)
				}
				require.Zerof(t, fl.got(req), "Do(%q) called after Close sent its request to a worker", req)
			}
			fl.openGate()
			settle(t, fl)
			select {
			case err := <-closed:
				require.NoError(t, err, "Close()")
			default:
				require.Fail(t, "Close did not return once every worker had exited")
			}
			fl.requireAllWaited(false)
		})
	})
}

// TestPoolStress: many short rounds on the real scheduler, under GOMAXPROCS
// 1, 2 and 4, with in-memory workers: goroutines send requests, some with a
// ctx that another goroutine cancels at any moment, while Close is called at
// any moment. Every Do must return its own reply, ErrClosed or ctx.Err(),
// and a Do that returned an error must not have sent its request; Close
// returns nil, every worker was waited for once, and a Do after Close gets
// ErrClosed. Interleavings that a synctest bubble never produces happen
// here; the race detector watches them.
func TestPoolStress(t *testing.T) {
	harness.Setup(t)
	setGOMAXPROCS(t, runtime.GOMAXPROCS(0))
	setKillAfter(t, time.Minute) // only clean exits here
	next := 0
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		for round := range 100 {
			fl := newFleet(t)
			size := 1 + round%3
			p := fl.newPool(size, size)
			const senders, each = 4, 3
			type sent struct {
				req string
				n   int
				r   reply
			}
			results := make([][]sent, senders)
			var wg sync.WaitGroup
			for g := range senders {
				ctx, cancel := context.WithCancel(context.Background())
				reqs := make([]int, each)
				for i := range reqs {
					reqs[i] = next
					next++
				}
				wg.Go(func() {
					defer cancel()
					for _, n := range reqs {
						req := fmt.Sprintf("work %d", n)
						text, err := p.Do(ctx, req)
						results[g] = append(results[g], sent{req, n, reply{text, err}})
					}
				})
				if g%2 == 0 {
					wg.Go(func() {
						for range round % 7 {
							runtime.Gosched()
						}
						cancel()
					})
				}
			}
			closed := make(chan error, 1)
			wg.Go(func() {
				for range round % 11 {
					runtime.Gosched()
				}
				closed <- p.Close()
			})
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			_, ok := await(done, 5*time.Second)
			if !ok {
				fl.killAll()
				await(done, 2*time.Second)
				require.Failf(t, "stuck", "GOMAXPROCS=%d, round %d: Do or Close did not return within 5s "+
					"(the test then killed the workers)", procs, round)
			}
			err := <-closed
			require.NoErrorf(t, err, "GOMAXPROCS=%d, round %d: Close()", procs, round)
			fl.requireAllWaited(false)
			for _, rs := range results {
				for _, s := range rs {
					what := fmt.Sprintf("GOMAXPROCS=%d, round %d: Do(%q) returned (%q, %v)", procs, round, s.req,
						s.r.text, s.r.err)
					switch {
					case s.r.err == nil:
						require.Equalf(t, workReply(s.n), s.r.text, "%s: another request's reply", what)
						require.Equalf(t, 1, fl.got(s.req), "%s: the workers got it %d times", what, fl.got(s.req))
					case errors.Is(s.r.err, parallel.ErrClosed), errors.Is(s.r.err, context.Canceled):
						require.Zerof(t, fl.got(s.req), "%s, but its request was sent to a worker: a Do that gives "+
							"up must not send, and one that has sent must wait for the reply", what)
					default:
						require.Failf(t, "unexpected error", "%s; want the reply, ErrClosed or context.Canceled "+
							"(did Close stop a worker while a request was using it?)", what)
					}
				}
			}
			r, err := p.Do(context.Background(), "work 1")
			require.ErrorIsf(t, err, parallel.ErrClosed, "GOMAXPROCS=%d, round %d: Do after Close returned (%q, %v)",
				procs, round, r, err)
		}
	}
}

// ---------------------------------------------------------------------------
// Benchmarks (not graded): go test -run '^$' -bench . ./exercises/20_parallel/

// spin is a CPU-bound f: some rounds of a xorshift generator.
func spin(i int) int64 {
	x := uint64(i) + 1
	for range 2000 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return int64(x)
}

const benchN = 1 << 12

var sink int64

func BenchmarkSumSerial(b *testing.B) {
	for b.Loop() {
		var s int64
		for i := range benchN {
			s += spin(i)
		}
		sink = s
	}
}

func BenchmarkSumParallel(b *testing.B) {
	for b.Loop() {
		sink = parallel.Sum(benchN, 0, spin)
	}
}
