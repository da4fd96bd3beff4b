package harness_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/exercises/internal/harness"
	"github.com/concurrency-kit/kit/exercises/internal/lockcheck"
	"github.com/concurrency-kit/kit/grader/event"
)

// fixtureEnv marks a re-executed test binary that runs one fixture test.
const fixtureEnv = "KIT_HARNESS_FIXTURE"

// The fixture tests misbehave on purpose. They run only inside runFixture,
// which re-executes this test binary the way the grader runs exercise tests.

func TestFixturePass(t *testing.T) {
	fixtureOnly(t)
	harness.Setup(t)
}

func TestFixtureFail(t *testing.T) {
	fixtureOnly(t)
	harness.Setup(t)
	t.Error("wrong result")
}

func TestFixtureLeak(t *testing.T) {
	fixtureOnly(t)
	harness.Setup(t)
	block := make(chan struct{})
	go func() { <-block }()
}

func TestFixtureHang(t *testing.T) {
	fixtureOnly(t)
	harness.Setup(t)
	select {}
}

func TestFixtureLockOrderInversion(t *testing.T) {
	fixtureOnly(t)
	harness.Setup(t)
	var a, b lockcheck.Mutex
	shared := 0
	a.Lock()
	b.Lock()
	shared++
	b.Unlock()
	a.Unlock()
	b.Lock()
	a.Lock() // the opposite order: reported although nothing hangs
	shared++
	a.Unlock()
	b.Unlock()
	if shared != 2 {
		t.Error("lost an update")
	}
}

// wantRoundsEnv holds what TestFixtureRounds expects of Rounds(12).
const wantRoundsEnv = "KIT_HARNESS_WANT_ROUNDS"

func TestFixtureRounds(t *testing.T) {
	fixtureOnly(t)
	harness.Setup(t)
	if got, want := fmt.Sprint(harness.Rounds(12)), os.Getenv(wantRoundsEnv); got != want {
		t.Errorf("Rounds(12) = %s, want %s", got, want)
	}
}

func TestFixtureRecursiveLock(t *testing.T) {
	fixtureOnly(t)
	harness.Setup(t)
	var a lockcheck.Mutex
	a.Lock()
	a.Lock() // hangs; the report ends the test after a grace period
}

func fixtureOnly(t *testing.T) {
	if os.Getenv(fixtureEnv) != "1" {
		t.Skip("fixture: runs only when re-executed by a harness test")
	}
}

// runFixture runs one fixture test in a new process with the result channel
// on descriptor 3, and returns its records and exit code.
func runFixture(t *testing.T, test string, env ...string) ([]event.Record, int) {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	cmd := exec.Command(os.Args[0], "-test.run", "^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), fixtureEnv+"=1", event.FDEnv+"=3", event.LimitEnv+"=2s")
	cmd.Env = append(cmd.Env, env...)
	cmd.ExtraFiles = []*os.File{w}
	require.NoError(t, cmd.Start())
	w.Close()
	var records []event.Record
	var wg sync.WaitGroup
	wg.Go(func() {
		s := bufio.NewScanner(r)
		for s.Scan() {
			var rec event.Record
			if json.Unmarshal(s.Bytes(), &rec) == nil {
				records = append(records, rec)
			}
		}
	})
	err = cmd.Wait()
	wg.Wait()
	code := 0
	if err != nil {
		code = cmd.ProcessState.ExitCode()
	}
	return records, code
}

func TestSetupReportsEachOutcome(t *testing.T) {
	tests := []struct {
		fixture   string
		env       []string
		failed    bool
		cause     event.Cause
		exitCode  int
		inMessage string
		nesting   bool // a goroutine took a lock while it held another
	}{
		{fixture: "TestFixturePass", exitCode: 0},
		{fixture: "TestFixtureFail", failed: true, exitCode: 1},
		{fixture: "TestFixtureLeak", failed: true, cause: event.CauseLeak, exitCode: 1, inMessage: "still running after it"},
		{fixture: "TestFixtureHang", failed: true, cause: event.CauseTimeout, exitCode: 3, inMessage: "did not finish within 2s"},
		{fixture: "TestFixtureLockOrderInversion", env: []string{event.LockOrderEnv + "=1"}, failed: true, cause: event.CauseDeadlock, exitCode: 1, nesting: true},
		{fixture: "TestFixtureRecursiveLock", env: []string{event.LockOrderEnv + "=1"}, failed: true, cause: event.CauseDeadlock, exitCode: 3, nesting: true},
		// Without the lock-order run, go-deadlock stays silent: the
		// inversion is not a failure of the race run, but the nesting is
		// reported, so that the grader runs the lock-order run.
		{fixture: "TestFixtureLockOrderInversion", exitCode: 0, nesting: true},
		{fixture: "TestFixtureRounds", env: []string{wantRoundsEnv + "=12"}, exitCode: 0},
		{fixture: "TestFixtureRounds", env: []string{wantRoundsEnv + "=2", event.LockOrderEnv + "=1"}, exitCode: 0},
	}
	for _, tt := range tests {
		t.Run(strings.TrimPrefix(tt.fixture, "TestFixture")+strings.Join(tt.env, ","), func(t *testing.T) {
			records, code := runFixture(t, tt.fixture, tt.env...)
			require.Len(t, records, 2, "one start and one end record")
			assert.Equal(t, event.Record{Kind: event.Start, Test: tt.fixture}, records[0])
			end := records[1]
			assert.Equal(t, event.End, end.Kind)
			assert.Equal(t, tt.fixture, end.Test)
			assert.Equal(t, tt.failed, end.Failed)
			assert.Equal(t, tt.cause, end.Cause)
			assert.Contains(t, end.Message, tt.inMessage)
			assert.Equal(t, tt.exitCode, code)
			assert.Equal(t, tt.nesting, end.LockNesting, "lock nesting")
		})
	}
}

func TestTogetherRunsEveryIndexOnce(t *testing.T) {
	harness.Setup(t)
	var mu sync.Mutex
	seen := map[int]int{}
	harness.Together(16, func(i int) {
		mu.Lock()
		defer mu.Unlock()
		seen[i]++
	})
	require.Len(t, seen, 16)
	for i := range 16 {
		assert.Equal(t, 1, seen[i], "index %d", i)
	}
}

func TestGoroutineID(t *testing.T) {
	harness.Setup(t)
	mine := harness.GoroutineID()
	ids := make(chan uint64)
	go func() { ids <- harness.GoroutineID() }()
	other := <-ids
	assert.NotZero(t, mine)
	assert.NotEqual(t, mine, other)
	assert.Equal(t, mine, harness.GoroutineID(), "the same goroutine, the same id")
}

func TestClosed(t *testing.T) {
	harness.Setup(t)
	ch := make(chan struct{})
	assert.False(t, harness.Closed(ch))
	close(ch)
	assert.True(t, harness.Closed(ch))
}

func TestEventually(t *testing.T) {
	harness.Setup(t)
	harness.Bubble(t, func(t *testing.T) {
		start := time.Now()
		ready := make(chan struct{})
		time.AfterFunc(3*time.Second, func() { close(ready) })
		assert.True(t, harness.Eventually(func() bool { return harness.Closed(ready) }, time.Second, time.Minute))
		assert.Equal(t, 3*time.Second, time.Since(start), "fake time moved in steps until the condition held")

		start = time.Now()
		assert.False(t, harness.Eventually(func() bool { return false }, time.Second, 10*time.Second))
		assert.Equal(t, 10*time.Second, time.Since(start), "it gave up after its patience")
	})
}

func TestGo(t *testing.T) {
	harness.Setup(t)
	tests := []struct {
		name  string
		delay time.Duration // fake time f takes
		value string
	}{
		{name: "returns at once", value: "now"},
		{name: "returns later", delay: 3 * time.Second, value: "later"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				c := harness.Go(func() string { time.Sleep(tt.delay); return tt.value })
				synctest.Wait()
				if tt.delay > 0 {
					require.False(t, c.Returned(), "f is still sleeping")
					assert.Zero(t, c.Value, "no value before the return")
					assert.Equal(t, 1, harness.Running())
					time.Sleep(tt.delay)
					synctest.Wait()
				}
				require.True(t, c.Returned())
				assert.True(t, c.Returned(), "once returned, always returned")
				assert.Equal(t, tt.value, c.Value)
				assert.Equal(t, tt.delay, c.Elapsed, "fake time from Go to the return")
				assert.Zero(t, harness.Running(), "the goroutine has ended")
			})
		})
	}
}

func TestCountReturned(t *testing.T) {
	harness.Setup(t)
	tests := []struct {
		name    string
		delays  []time.Duration // fake time each call takes
		after   time.Duration   // fake time that passes before counting
		want    int
		running int
	}{
		{name: "no calls"},
		{name: "none yet", delays: []time.Duration{time.Second, 2 * time.Second}, want: 0, running: 2},
		{name: "some", delays: []time.Duration{time.Second, 3 * time.Second, 0}, after: 2 * time.Second, want: 2, running: 1},
		{name: "all", delays: []time.Duration{0, time.Second}, after: time.Second, want: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				var calls []*harness.Call[int]
				for i, d := range tt.delays {
					calls = append(calls, harness.Go(func() int { time.Sleep(d); return i }))
				}
				time.Sleep(tt.after)
				synctest.Wait()
				assert.Equal(t, tt.want, harness.CountReturned(calls))
				assert.Equal(t, tt.running, harness.Running())
				time.Sleep(time.Minute) // the others return before the bubble ends
			})
		})
	}
}

// fakeT records the failure a helper reports instead of failing the test.
type fakeT struct {
	*testing.T
	failed  bool
	message string
}

func (f *fakeT) Helper() {}

func (f *fakeT) Errorf(format string, args ...any) {
	f.failed = true
	f.message += fmt.Sprintf(format, args...)
}

func (f *fakeT) FailNow() { f.failed = true }

func TestRequireWaiting(t *testing.T) {
	harness.Setup(t)
	tests := []struct {
		name    string
		returns []bool // which calls return at once; the others wait
		what    string
		failure string // "" for none
		message string
	}{
		{name: "no calls", what: "Get"},
		{name: "all waiting", returns: []bool{false, false}, what: "Get"},
		{
			name: "one returned", returns: []bool{false, true, true}, what: "Get on an empty queue",
			failure: "Get on an empty queue did not wait",
			message: "Get on an empty queue: call #1 returned 1 at once; it must block",
		},
		{
			name: "trailing comma", returns: []bool{true}, what: "Get, 2s in,",
			failure: "Get, 2s in, did not wait",
			message: "Get, 2s in: call #0 returned 0 at once; it must block",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			harness.Bubble(t, func(t *testing.T) {
				release := make(chan struct{})
				defer close(release)
				var calls []*harness.Call[int]
				for i, returns := range tt.returns {
					calls = append(calls, harness.Go(func() int {
						if !returns {
							<-release
						}
						return i
					}))
				}
				ft := &fakeT{T: t}
				harness.RequireWaiting(ft, calls, tt.what, "; it must block")
				if tt.failure == "" {
					assert.False(t, ft.failed, "unexpected failure: %s", ft.message)
					return
				}
				require.True(t, ft.failed, "RequireWaiting must fail")
				assert.Contains(t, ft.message, "Error:      \t"+tt.failure+"\n")
				assert.Contains(t, ft.message, "Messages:   \t"+tt.message+"\n")
			})
		})
	}
}

func TestGoroutinesOf(t *testing.T) {
	const pkg = "github.com/concurrency-kit/kit/exercises/internal/harness_test"
	before, _ := harness.GoroutinesOf(pkg)
	release := make(chan struct{})
	var started, done sync.WaitGroup
	started.Add(3)
	for range 3 {
		done.Go(func() { started.Done(); <-release })
	}
	started.Wait() // a goroutine that has not run yet shows only WaitGroup.Go's frame
	count, first := harness.GoroutinesOf(pkg)
	close(release)
	done.Wait()
	assert.Equal(t, before+3, count, "goroutines running this test's code")
	assert.Contains(t, first, pkg+".TestGoroutinesOf", "the first one's stack")
	other, _ := harness.GoroutinesOf("example.com/none")
	assert.Zero(t, other, "goroutines of a package that does not exist")
}
