package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/concurrency-kit/kit/exercises/internal/lockcheck"
	"github.com/concurrency-kit/kit/grader/event"
)

// DefaultLimit is the time limit of a test when the grader does not set one.
const DefaultLimit = event.DefaultLimit

// deadlockGrace is how long a test may go on after go-deadlock reported it.
// A test that really deadlocked would otherwise wait for its whole limit.
const deadlockGrace = time.Second

// watchdogExitCode is the exit status of a test process ended by the harness
// because a test ran out of time or deadlocked.
const watchdogExitCode = 3

// setup is the harness's state for the whole test process, made by the
// first Setup call: importing the harness does nothing by itself. Tests run
// one at a time (the kit's tests never call t.Parallel), so there is at
// most one current test.
var setup struct {
	once    sync.Once
	process *processState
}

// currentProcess returns the process's state, making it on first use: it
// takes the result channel, reads the time limit and sets go-deadlock's
// options before any test takes a lock.
func currentProcess() *processState {
	setup.once.Do(func() { setup.process = newProcessState() })
	return setup.process
}

type processState struct {
	results   *resultChannel
	limit     time.Duration
	deadlocks *deadlockLog
	lockOrder bool // this is the grader's lock-order run

	mu      sync.Mutex
	current *testRun
}

func newProcessState() *processState {
	p := &processState{
		results:   openResultChannel(),
		limit:     DefaultLimit,
		deadlocks: &deadlockLog{},
	}
	if v, err := time.ParseDuration(os.Getenv(event.LimitEnv)); err == nil && v > 0 {
		p.limit = v
	}
	if os.Getenv(event.LockOrderEnv) == "1" {
		p.lockOrder = true
		p.deadlocks.notify = p.onDeadlockReport
		enableLockOrderChecks(p.deadlocks, p.limit)
	} else {
		disableLockOrderChecks()
	}
	return p
}

// testRun is one top-level test in progress.
type testRun struct {
	// before are the goroutines that existed when the test began: where a
	// test is stuck is looked for among the others (a goroutine an earlier
	// test leaked is not where this one is stuck).
	before map[string]bool

	t       *testing.T
	name    string
	dir     string // the exercise folder, for finding the student's frames
	process *processState

	mu        sync.Mutex
	ended     bool
	cause     event.Cause
	message   string
	watchdog  *time.Timer
	deadlockT *time.Timer
}

// Setup prepares t for a graded concurrency test. Call it first thing in
// every top-level test. It must not be called from subtests or parallel tests.
func Setup(t *testing.T) {
	t.Helper()
	if strings.Contains(t.Name(), "/") {
		t.Fatal("harness.Setup belongs at the top of a top-level test, not a subtest")
	}
	_, file, _, _ := runtime.Caller(1)
	process := currentProcess()
	run := &testRun{t: t, name: t.Name(), dir: filepath.Dir(file), process: process}
	// Cleanups run last-registered-first: finish (registered first) runs
	// after the leak check and after every cleanup the test adds itself.
	t.Cleanup(run.finish)
	run.before = goroutineIDs(allGoroutines())
	for id := range goroutineIDs(currentGoroutine()) {
		delete(run.before, id) // the test's own goroutine is where it may be stuck
	}
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { run.checkLeaks(ignore) })
	process.begin(run)
}

func (p *processState) begin(run *testRun) {
	lockcheck.ResetNesting()
	p.mu.Lock()
	p.current = run
	p.mu.Unlock()
	p.results.send(event.Record{Kind: event.Start, Test: run.name})
	run.mu.Lock()
	run.watchdog = time.AfterFunc(p.limit, func() {
		run.abort(event.CauseTimeout, fmt.Sprintf("did not finish within %v", p.limit))
	})
	run.mu.Unlock()
}

// onDeadlockReport runs after go-deadlock reported a potential deadlock. If
// the current test is still running a moment later, it is stuck: end it.
func (p *processState) onDeadlockReport() {
	p.mu.Lock()
	run := p.current
	p.mu.Unlock()
	if run == nil {
		return
	}
	run.mu.Lock()
	defer run.mu.Unlock()
	if run.ended || run.deadlockT != nil {
		return
	}
	run.deadlockT = time.AfterFunc(deadlockGrace, func() {
		run.abort(event.CauseDeadlock, "go-deadlock reported a potential deadlock and the test did not finish")
	})
}

// setCause records why the test failed, keeping the first cause found.
func (r *testRun) setCause(cause event.Cause, message string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cause == "" {
		r.cause, r.message = cause, message
	}
}

func (r *testRun) checkLeaks(ignore goleak.Option) {
	err := goleak.Find(ignore,
		goleak.IgnoreAnyFunction("github.com/sasha-s/go-deadlock.onDeadlockTimeout"),
	)
	if err != nil {
		where := r.studentFrame(err.Error())
		msg := "goroutines started by the test are still running after it"
		if where != "" {
			msg += "; one is at " + where
		}
		r.setCause(event.CauseLeak, msg)
		r.t.Errorf("leak: %s\n%v", msg, err)
	}
}

// finish reports the test's end on the result channel. It runs as the
// test's last cleanup.
func (r *testRun) finish() {
	if reports := r.process.deadlocks.take(); len(reports) > 0 {
		msg, ok := describeDeadlock(reports[0])
		if !ok {
			msg = "go-deadlock: " + firstLine(reports[0])
			if where := r.studentFrame(reports[0]); where != "" {
				msg += " at " + where
			}
		}
		r.mu.Lock()
		r.cause, r.message = event.CauseDeadlock, msg // outranks a leak the deadlock caused
		r.mu.Unlock()
		r.t.Errorf("deadlock: %s\n%s", msg, strings.Join(reports, "\n"))
	}
	if !r.end() {
		return
	}
	r.mu.Lock()
	cause, message := r.cause, r.message
	r.mu.Unlock()

	failed := r.t.Failed()
	if !failed {
		cause, message = "", ""
	}
	r.process.results.send(event.Record{
		Kind: event.End, Test: r.name, Failed: failed, Skipped: r.t.Skipped(),
		Cause: cause, Message: message, LockNesting: lockcheck.Nested(),
	})
	r.process.mu.Lock()
	if r.process.current == r {
		r.process.current = nil
	}
	r.process.mu.Unlock()
}

// end marks the test as ended, once, and stops its timers. It reports
// whether this call ended it: the test's own end (finish) and the watchdogs
// (abort) race, and only one may report.
func (r *testRun) end() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		return false
	}
	r.ended = true
	r.watchdog.Stop()
	if r.deadlockT != nil {
		r.deadlockT.Stop()
	}
	return true
}

// abort ends a test that cannot end by itself (it hangs or deadlocked): it
// prints where every goroutine is, reports the failure and exits the process.
// The grader runs the remaining tests in a new process.
func (r *testRun) abort(cause event.Cause, message string) {
	if !r.end() {
		return
	}

	dump := allGoroutines()
	detail := dump
	described := false
	if reports := r.process.deadlocks.take(); len(reports) > 0 {
		cause = event.CauseDeadlock
		message, described = describeDeadlock(reports[0])
		if !described {
			message = "go-deadlock: " + firstLine(reports[0])
		}
		detail = strings.Join(reports, "\n") + "\n" + dump
	}
	if where := r.studentFrame(r.newGoroutines(detail)); where != "" && !described {
		message += "; stuck at " + where
	}
	fmt.Fprintf(os.Stderr, "\n--- FAIL: %s (%s: %s)\n%s\n", r.name, cause, message, detail)
	r.process.results.send(event.Record{
		Kind: event.End, Test: r.name, Failed: true, Cause: cause, Message: message, Detail: detail,
		LockNesting: lockcheck.Nested(),
	})
	os.Exit(watchdogExitCode)
}

// maxDump bounds the goroutine dump sent to the grader, which reads records
// of up to 8 MiB: a test that started many thousands of goroutines still
// gets its report.
const maxDump = 2 << 20

func allGoroutines() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return string(buf[:n])
		}
		if len(buf) >= maxDump {
			return string(buf[:n]) + "\n[goroutine dump cut at 2 MiB]\n"
		}
		buf = make([]byte, 2*len(buf))
	}
}

// currentGoroutine is the calling goroutine's stack.
func currentGoroutine() string {
	buf := make([]byte, 64<<10)
	return string(buf[:runtime.Stack(buf, false)])
}

// goroutineHeader matches the first line of a goroutine in a dump.
var goroutineHeader = regexp.MustCompile(`(?m)^goroutine (\d+) \[`)

// goroutineIDs lists the goroutines of a dump.
func goroutineIDs(dump string) map[string]bool {
	ids := map[string]bool{}
	for _, m := range goroutineHeader.FindAllStringSubmatch(dump, -1) {
		ids[m[1]] = true
	}
	return ids
}

// newGoroutines keeps the part of text before the dump (a go-deadlock
// report) and the goroutines of the dump that the test started.
func (r *testRun) newGoroutines(text string) string {
	starts := goroutineHeader.FindAllStringSubmatchIndex(text, -1)
	if len(starts) == 0 {
		return text
	}
	var b strings.Builder
	b.WriteString(text[:starts[0][0]])
	for i, m := range starts {
		end := len(text)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		if !r.before[text[m[2]:m[3]]] {
			b.WriteString(text[m[0]:end])
		}
	}
	return b.String()
}

// studentFrame returns the innermost file:line of the student's code (in
// the exercise's folder, not a test file) in text, or "". The goroutines
// that were running or ready to run come first: a hang that burns a core is
// a loop, and its innermost frame is the loop itself; then the others, in
// the dump's order, each innermost frame first.
func (r *testRun) studentFrame(text string) string {
	first := func(part string) string {
		for _, m := range event.FramePattern.FindAllStringSubmatch(part, -1) {
			file := m[1]
			if filepath.Dir(file) == r.dir && !strings.HasSuffix(file, "_test.go") {
				return filepath.Base(file) + ":" + m[2]
			}
		}
		return ""
	}
	starts := goroutineHeader.FindAllStringIndex(text, -1)
	var busy []string
	for i, m := range starts {
		end := len(text)
		if i+1 < len(starts) {
			end = starts[i+1][0]
		}
		g := text[m[0]:end]
		if header := firstLine(g); strings.Contains(header, "[running]") || strings.Contains(header, "[runnable]") {
			busy = append(busy, g)
		}
	}
	for _, g := range busy {
		if where := first(g); where != "" {
			return where
		}
	}
	return first(text)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
