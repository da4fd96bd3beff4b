package parallel_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
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

// TestSumAnySplit: Sum gives f(0) + ... + f(n-1) and calls f exactly once
// per index, for every n from -2 to 24 with every parts from -2 to n+3 (so
// n not a multiple of parts, parts > n, n = 0, parts <= 0), and for 1000
// indexes with up to 1001 parts.
func TestSumAnySplit(t *testing.T) {
	harness.Setup(t)
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
	for _, parts := range []int{1, 2, 3, 7, 64, 999, 1000, 1001, 0} {
		check(1000, parts)
	}
}

// goroutineID is the id of the calling goroutine, from the first line of
// its stack trace ("goroutine 42 [running]:"). Tests only.
func goroutineID() uint64 {
	var buf [64]byte
	s := string(buf[:runtime.Stack(buf[:], false)])
	s = strings.TrimPrefix(s, "goroutine ")
	id, _ := strconv.ParseUint(s[:strings.IndexByte(s, ' ')], 10, 64)
	return id
}

// TestSumContiguousRanges: the work is cut into min(parts, n) ranges, each
// handled by one goroutine: every goroutine that calls f calls it for
// consecutive indexes in increasing order, the ranges together are 0..n-1,
// and their sizes differ by at most one (parts <= 0 means GOMAXPROCS, set to
// 3 here).
func TestSumContiguousRanges(t *testing.T) {
	harness.Setup(t)
	setGOMAXPROCS(t, 3)
	cases := []struct{ n, parts int }{
		{10, 4}, {7, 3}, {12, 5}, {9, 2}, {5, 5}, {3, 8}, {100, 7}, {6, 1}, {11, 0}, {2, -1},
	}
	for _, tc := range cases {
		var mu sync.Mutex
		var order []uint64        // goroutines in the order of their first call
		byG := map[uint64][]int{} // the indexes each goroutine was given, in call order
		f := func(i int) int64 {
			g := goroutineID()
			mu.Lock()
			defer mu.Unlock()
			if _, ok := byG[g]; !ok {
				order = append(order, g)
			}
			byG[g] = append(byG[g], i)
			return values[i]
		}
		parallel.Sum(tc.n, tc.parts, f)

		call := fmt.Sprintf("Sum(n=%d, parts=%d)", tc.n, tc.parts)
		k := tc.parts
		if k <= 0 {
			k = 3 // GOMAXPROCS
		}
		k = min(k, tc.n)
		require.Lenf(t, order, k, "%s: f was called from %d goroutines; want %d, one per range "+
			"(min(parts, n) ranges, parts <= 0 meaning runtime.GOMAXPROCS(0))", call, len(order), k)
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
			"by at most one: the longest range decides how long Sum takes, so spread the remainder", call, ranges,
			smallest, largest)
	}
}

// TestSumRunsPartsAtOnce: the ranges really run at the same time. f blocks
// until the test lets it go; when everything has settled, min(parts, n)
// calls of f must be in progress at once. One call means the goroutines ran
// one after the other (serial in disguise); more than parts means a
// goroutine per index.
func TestSumRunsPartsAtOnce(t *testing.T) {
	harness.Setup(t)
	setGOMAXPROCS(t, 3)
	cases := []struct{ n, parts int }{
		{8, 2}, {8, 4}, {10, 4}, {7, 3}, {3, 5}, {6, 6}, {12, 0}, {5, 1},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("n=%d parts=%d", tc.n, tc.parts), func(t *testing.T) {
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
				close(gate) // let everything finish before any assertion
				got := <-done

				parts := tc.parts
				if parts <= 0 {
					parts = 3 // GOMAXPROCS
				}
				want := min(parts, tc.n)
				call := fmt.Sprintf("Sum(n=%d, parts=%d)", tc.n, tc.parts)
				switch {
				case atOnce == 0:
					require.Failf(t, "f was never in progress", "%s returned or got stuck without calling f; "+
						"want %d calls of f in progress at once", call, want)
				case atOnce < want:
					require.Failf(t, "serial in disguise", "%s: with an f that blocks, only %d calls of f were in "+
						"progress at once; want %d. Start a goroutine per range, all of them before waiting for any, "+
						"and let none wait for another", call, atOnce, want)
				case atOnce > parts:
					require.Failf(t, "too many goroutines", "%s: %d calls of f were in progress at once; want %d: "+
						"one goroutine per range, not per index", call, atOnce, want)
				}
				require.Equalf(t, want, atOnce, "%s: calls of f in progress at once", call)
				require.LessOrEqualf(t, int(peak.Load()), parts, "%s: at some point %d calls of f were in progress",
					call, peak.Load())
				require.Equalf(t, sumOf(tc.n), got, "%s", call)
			})
		})
	}
}

// ---------------------------------------------------------------------------
// Part 2: Pool
//
// A fixture hands out worker commands (this test binary again, see TestMain)
// and keeps every *exec.Cmd it handed out. Every worker shares three pipes
// with the test: it says "ready" and "hold" on the signals pipe, a "hold"
// request waits until the test closes the release pipe, and closing the die
// pipe makes every worker exit at once. Every wait of the test is bounded:
// when one runs out, the test makes the workers exit and fails, so a wrong
// pool fails its test instead of hanging it. The cleanup makes every worker
// exit, closes the pools and waits for the goroutines the test started.

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
	cmds   []*exec.Cmd
	failAt int // the failAt-th command (from 1) is one that cannot start

	pools []*parallel.Pool
	bg    sync.WaitGroup // goroutines the test started
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

// command is the func NewPool gets: a fresh worker command each call.
func (f *fixture) command() *exec.Cmd {
	f.mu.Lock()
	defer f.mu.Unlock()
	var cmd *exec.Cmd
	if len(f.cmds)+1 == f.failAt {
		cmd = exec.Command("/nonexistent/parallel-worker")
	} else {
		cmd = exec.Command(f.exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), workerEnv+"=1", "GORACE=atexit_sleep_ms=0")
		cmd.Stderr = os.Stderr
		cmd.ExtraFiles = []*os.File{f.signalsW, f.releaseR, f.dieR}
	}
	f.cmds = append(f.cmds, cmd)
	return cmd
}

// started returns the commands handed out that were started. Call it only
// after NewPool has returned.
func (f *fixture) started() []*exec.Cmd {
	f.mu.Lock()
	defer f.mu.Unlock()
	var cmds []*exec.Cmd
	for _, c := range f.cmds {
		if c.Process != nil {
			cmds = append(cmds, c)
		}
	}
	return cmds
}

// newPool starts a pool of size workers, checks that it started want
// processes and waits until every one of them is ready.
func (f *fixture) newPool(size, want int) *parallel.Pool {
	t := f.t
	t.Helper()
	p, err := parallel.NewPool(size, f.command)
	require.NoErrorf(t, err, "NewPool(%d, command)", size)
	require.NotNilf(t, p, "NewPool(%d, command) returned a nil *Pool", size)
	f.pools = append(f.pools, p)
	started := len(f.started())
	require.Equalf(t, want, started, "NewPool(%d, command) started %d worker processes; want %d", size, started, want)
	pids, ok := f.awaitSignals("ready", want, 8*time.Second)
	require.Truef(t, ok, "only %d of %d workers said they are ready within 8s", len(pids), want)
	return p
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

func pidOf(c *exec.Cmd) int { return c.Process.Pid }

type reply struct {
	text string
	err  error
}

// do calls p.Do in a goroutine of its own.
func (f *fixture) do(p *parallel.Pool, ctx context.Context, request string) <-chan reply {
	ch := make(chan reply, 1)
	f.bg.Go(func() {
		text, err := p.Do(ctx, request)
		ch <- reply{text, err}
	})
	return ch
}

// close calls p.Close in a goroutine of its own.
func (f *fixture) close(p *parallel.Pool) <-chan error {
	ch := make(chan error, 1)
	f.bg.Go(func() { ch <- p.Close() })
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

// mustReturn waits up to d for ch. If nothing comes, it makes the workers
// exit (which unblocks a pool stuck waiting for them), gives the call a
// moment to return, and fails the test with msg.
func mustReturn[T any](f *fixture, ch <-chan T, d time.Duration, msg string, args ...any) T {
	f.t.Helper()
	v, ok := await(ch, d)
	if !ok {
		f.killAll()
		await(ch, 2*time.Second)
		require.Failf(f.t, "no return", msg+" (the test then made the workers exit)", args...)
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

// requireAllWaited fails unless every started worker has been waited for
// and exited with status 0.
func (f *fixture) requireAllWaited() {
	t := f.t
	t.Helper()
	for i, c := range f.started() {
		require.NotNilf(t, c.ProcessState, "worker %d (pid %d) was never waited for: its *exec.Cmd has no ProcessState. "+
			"Call cmd.Wait for every worker, or the child stays behind (a zombie, or still running)", i, pidOf(c))
		require.Truef(t, c.ProcessState.Success(), "worker %d (pid %d) ended with %v; want exit status 0: close its "+
			"stdin so that it reads end of input and exits by itself", i, pidOf(c), c.ProcessState)
	}
}

// TestPoolAnswersConcurrentRequests: 40 goroutines send requests at once to
// a pool of 3 workers, and each gets the reply to its own request.
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
// the same time, each a different one (size <= 0 meaning GOMAXPROCS, set to
// 2 here). The "hold" requests wait for the test, so a pool that lets only
// one request through at a time is caught.
func TestPoolUsesEveryWorker(t *testing.T) {
	harness.Setup(t)
	setGOMAXPROCS(t, 2)
	for _, tc := range []struct{ size, want int }{{3, 3}, {0, 2}} {
		t.Run(fmt.Sprintf("size=%d", tc.size), func(t *testing.T) {
			f := newFixture(t)
			p := f.newPool(tc.size, tc.want)
			var replies []<-chan reply
			for range tc.want {
				replies = append(replies, f.do(p, context.Background(), "hold"))
			}
			pids, ok := f.awaitSignals("hold", tc.want, 3*time.Second)
			require.Truef(t, ok, "%d goroutines called Do(\"hold\") at once on a pool of %d workers, but within 3s "+
				"only %d requests reached a worker: the others waited although workers were free (one request at "+
				"a time for the whole pool is serial in disguise)", tc.want, tc.want, len(pids))
			var workers []int
			for _, c := range f.started() {
				workers = append(workers, pidOf(c))
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

// TestCloseStopsEveryWorker: Close stops every worker by closing its stdin,
// waits for every child (each *exec.Cmd has a ProcessState, exit status 0)
// and returns nil. NewPool that cannot start a worker stops the ones it
// started the same way before it returns the error.
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
		type result struct {
			p   *parallel.Pool
			err error
		}
		ch := make(chan result, 1)
		f.bg.Go(func() {
			p, err := parallel.NewPool(4, f.command)
			ch <- result{p, err}
		})
		r := mustReturn(f, ch, 2500*time.Millisecond, "NewPool did not return within 2.5s when the third worker "+
			"failed to start: "+hint)
		if r.p != nil {
			f.pools = append(f.pools, r.p)
		}
		require.Error(t, r.err, "NewPool must return the error of the worker that failed to start")
		require.Nil(t, r.p, "NewPool must return a nil *Pool with its error")
		started := len(f.started())
		require.Equalf(t, 2, started, "NewPool started %d workers; want the 2 started before the one that failed", started)
		f.requireAllWaited()
	})
}

// TestCloseKillsStuckWorker: a worker that does not exit when its stdin is
// closed is killed KillAfter after Close was called, and waited for; Close
// returns an error, and the other worker still exits cleanly.
func TestCloseKillsStuckWorker(t *testing.T) {
	harness.Setup(t)
	setKillAfter(t, 200*time.Millisecond)
	f := newFixture(t)
	p := f.newPool(2, 2)
	r, err := p.Do(context.Background(), "stubborn")
	require.NoError(t, err, `Do("stubborn")`)
	stuck, err := strconv.Atoi(strings.TrimPrefix(r, "stubborn "))
	require.NoErrorf(t, err, `Do("stubborn") returned %q`, r)

	err = mustReturn(f, f.close(p), 3*time.Second, "Close did not return within 3s with KillAfter = 200ms: kill "+
		"the workers still running KillAfter after Close was called, then wait for them")
	require.Error(t, err, "Close must report the worker it had to kill")
	for i, c := range f.started() {
		require.NotNilf(t, c.ProcessState, "worker %d (pid %d) was never waited for: its *exec.Cmd has no "+
			"ProcessState", i, pidOf(c))
		if pidOf(c) == stuck {
			require.Falsef(t, c.ProcessState.Success(), "the stuck worker %d ended with %v; want it killed", i,
				c.ProcessState)
		} else {
			require.Truef(t, c.ProcessState.Success(), "worker %d, which was not stuck, ended with %v; want exit "+
				"status 0: close stdin first, kill only what is still running after KillAfter", i, c.ProcessState)
		}
	}
}

// TestDoAfterClose: after Close, Do returns ErrClosed, also a Do that was
// waiting for a busy worker when Close was called; a request already sent
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
