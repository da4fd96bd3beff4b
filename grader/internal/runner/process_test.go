package runner

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/event"
	"github.com/concurrency-kit/kit/grader/internal/classify"
	"github.com/concurrency-kit/kit/grader/internal/sandbox"
)

// fakeBinary writes a shell script that stands in for a test binary: it is
// called as the grader calls a test binary ($1 is -test.run, $2 the test
// pattern) and runs the branch of script whose pattern is $2, written as a
// shell case body. Records go to descriptor 3, as the harness writes them.
func fakeBinary(t *testing.T, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fake.test")
	src := "#!/bin/sh\n" +
		"start() { echo \"{\\\"kind\\\":\\\"start\\\",\\\"test\\\":\\\"$1\\\"}\" >&3; echo \"=== RUN   $1\"; }\n" +
		"pass() { echo \"{\\\"kind\\\":\\\"end\\\",\\\"test\\\":\\\"$1\\\"}\" >&3; echo \"--- PASS: $1 (0.00s)\"; }\n" +
		"fail() { echo \"{\\\"kind\\\":\\\"end\\\",\\\"test\\\":\\\"$1\\\",\\\"failed\\\":true}\" >&3; echo \"--- FAIL: $1 (0.00s)\"; }\n" +
		"race() { printf '==================\\nWARNING: DATA RACE\\n==================\\n'; }\n" +
		"case \"$2\" in\n" + script + "\n*) echo \"unexpected arguments: $*\" >&2; exit 9;;\nesac\n"
	require.NoError(t, os.WriteFile(path, []byte(src), 0o755))
	return path
}

func runFake(t *testing.T, script string, tests ...string) map[string]classify.Outcome {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	x := Execution{Binary: fakeBinary(t, script), Dir: t.TempDir(), Tests: tests, Limit: time.Second}
	outcomes, err := RunTests(ctx, x, classify.Classifier{Dir: "/kit/exercises/09_tickets"})
	require.NoError(t, err)
	return outcomes
}

func TestExecute(t *testing.T) {
	bin := fakeBinary(t, `'^(TestA|TestB)$')
	[ "$KIT_RESULT_FD" = 3 ] || { echo "KIT_RESULT_FD=$KIT_RESULT_FD"; exit 7; }
	[ "$KIT_TEST_LIMIT" = 2s ] || { echo "KIT_TEST_LIMIT=$KIT_TEST_LIMIT"; exit 7; }
	[ "$EXTRA" = yes ] || { echo "EXTRA=$EXTRA"; exit 7; }
	[ "$(pwd)" = "$WANT_DIR" ] || { echo "pwd $(pwd)"; exit 7; }
	start TestA; echo out; echo err >&2; pass TestA
	echo 'not a record' >&3
	start TestB; fail TestB
	exit 1;;`)
	dir := t.TempDir()
	p, err := Execute(context.Background(), Execution{
		Binary: bin, Dir: dir, Tests: []string{"TestA", "TestB"}, Limit: 2 * time.Second,
		Env: []string{"EXTRA=yes", "WANT_DIR=" + dir},
	})
	require.NoError(t, err)
	assert.Equal(t, 1, p.ExitCode, p.Output)
	assert.True(t, p.Clean)
	assert.False(t, p.Killed)
	assert.Equal(t, "=== RUN   TestA\nout\nerr\n--- PASS: TestA (0.00s)\n=== RUN   TestB\n--- FAIL: TestB (0.00s)\n", p.Output)
	require.Len(t, p.Records, 4)
	assert.Equal(t, "start", p.Records[0].Kind)
	assert.Equal(t, "TestB", p.Records[3].Test)
	assert.True(t, p.Records[3].Failed)

	_, err = Execute(context.Background(), Execution{Binary: filepath.Join(t.TempDir(), "absent"), Tests: []string{"TestA"}})
	assert.ErrorContains(t, err, "start test binary")
}

func TestRunTests(t *testing.T) {
	tests := []struct {
		name   string
		script string
		want   map[string]result
	}{
		{
			name:   "one process",
			script: `'^(TestA|TestB|TestC)$') start TestA; pass TestA; start TestB; fail TestB; start TestC; pass TestC; exit 1;;`,
			want:   map[string]result{"TestA": pass, "TestB": fail(event.CauseFail), "TestC": pass},
		},
		{
			name: "the tests a crash kept from running run in a new process",
			script: `'^(TestA|TestB|TestC|TestD)$') start TestA; pass TestA; start TestB; echo 'panic: boom'; exit 2;;
'^(TestC|TestD)$') start TestC; fail TestC; start TestD; pass TestD; exit 1;;`,
			want: map[string]result{"TestA": pass, "TestB": fail(event.CausePanic), "TestC": fail(event.CauseFail), "TestD": pass},
		},
		{
			name: "tests that cannot start",
			script: `'^(TestA|TestB)$') start TestA; pass TestA; exit 2;;
'^(TestB)$') echo 'fatal error: unexpected signal during runtime execution'; exit 2;;`,
			want: map[string]result{"TestA": fail(event.CauseCrash), "TestB": fail(event.CauseCrash)},
		},
		{
			name: "a pass after a race runs again alone",
			script: `'^(TestA|TestB|TestC)$') start TestA; race; fail TestA; start TestB; pass TestB; start TestC; pass TestC; exit 1;;
'^(TestB)$') start TestB; race; fail TestB; exit 1;;
'^(TestC)$') start TestC; pass TestC; exit 0;;`,
			want: map[string]result{"TestA": fail(event.CauseRace), "TestB": fail(event.CauseRace), "TestC": pass},
		},
		{
			// The process run for the test alone died before the test
			// started: the test fails, with the cause of that death.
			name: "a pass after a race whose rerun dies before the test",
			script: `'^(TestA|TestB)$') start TestA; race; fail TestA; start TestB; pass TestB; exit 1;;
'^(TestB)$') echo 'fatal error: unexpected signal during runtime execution'; exit 2;;`,
			want: map[string]result{"TestA": fail(event.CauseRace), "TestB": fail(event.CauseCrash)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var names []string
			for name := range tt.want {
				names = append(names, name)
			}
			slices.Sort(names)
			outcomes := runFake(t, tt.script, names...)
			assert.Equal(t, tt.want, results(outcomes))
			for name, o := range outcomes {
				if !o.Passed {
					assert.NotEmpty(t, o.Message, name)
				}
			}
		})
	}
}

// A test that runs long makes the tests after it start beside it, each in a
// process of its own; tests named Alone run that way from the start. The
// fake tests below pass only while the process of the stuck test is alive.
func TestRunTestsRunsAheadOfAStuckTest(t *testing.T) {
	const stuck = `start TestB; echo $$ > "$PIDFILE"; sleep 30;;`
	const beside = `if kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then pass $3; else fail $3; fi; exit 0;;`
	tests := []struct {
		name   string
		script string
		alone  []string
	}{
		{"ahead of a test that runs long", `'^(TestA|TestB|TestC|TestD)$') start TestA; pass TestA; ` + stuck + `
'^(TestC)$') start TestC; set -- "$1" "$2" TestC; ` + beside + `
'^(TestD)$') start TestD; set -- "$1" "$2" TestD; ` + beside, nil},
		{"alone from the start", `'^(TestA|TestB)$') start TestA; pass TestA; ` + stuck + `
'^(TestC)$') start TestC; sleep 1; set -- "$1" "$2" TestC; ` + beside + `
'^(TestD)$') start TestD; sleep 1; set -- "$1" "$2" TestD; ` + beside, []string{"TestC", "TestD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			x := Execution{Binary: fakeBinary(t, tt.script), Dir: t.TempDir(), Tests: []string{"TestA", "TestB", "TestC", "TestD"},
				Env:   []string{"PIDFILE=" + filepath.Join(t.TempDir(), "pid")},
				Limit: time.Second, SlowAfter: 100 * time.Millisecond, Alone: tt.alone}
			outcomes, err := RunTests(ctx, x, classify.Classifier{Dir: "/kit/exercises/09_tickets"})
			require.NoError(t, err)
			assert.Equal(t, map[string]result{"TestA": pass, "TestB": fail(event.CauseTimeout), "TestC": pass, "TestD": pass}, results(outcomes))
		})
	}
}

func TestMain(m *testing.M) {
	sandbox.MainIfRequested()
	os.Exit(m.Run())
}

// TestExecuteTakesNoRecordAfterTheProcessEnds: a process the test started
// that keeps the pipes open and writes a pass after the test process has
// been reaped neither hangs the grader nor creates a pass, with the sandbox
// or without it.
func TestExecuteTakesNoRecordAfterTheProcessEnds(t *testing.T) {
	box, err := sandbox.New()
	require.NoError(t, err)
	defer box.Close()
	for _, s := range []*sandbox.Sandbox{box, nil} {
		t.Run("sandboxed="+strconv.FormatBool(s.Enabled()), func(t *testing.T) {
			marker := "4321." + strconv.Itoa(len(t.Name()))
			bin := fakeBinary(t, `'^(TestA|TestB)$') start TestA; pass TestA; start TestB
	setsid sh -c 'sleep 0.3; echo "{\"kind\":\"end\",\"test\":\"TestB\"}" >&3; echo "--- PASS: TestB" ; exec sleep `+marker+`' &
	exit 2;;`)
			t.Cleanup(func() { exec.Command("pkill", "-f", "sleep "+marker).Run() })
			begin := time.Now()
			p, err := Execute(context.Background(), Execution{
				Binary: bin, Dir: t.TempDir(), Tests: []string{"TestA", "TestB"}, Limit: 2 * time.Second, Sandbox: s,
			})
			require.NoError(t, err)
			assert.Less(t, time.Since(begin), 5*time.Second, "the grader waited for the process that holds the pipes")
			require.Len(t, p.Records, 3, "start A, end A, start B; no end B")
			assert.Equal(t, "TestB", p.Records[2].Test)
			if s.Enabled() {
				assert.Eventually(t, func() bool { return exec.Command("pgrep", "-f", "sleep "+marker).Run() != nil },
					5*time.Second, 10*time.Millisecond, "a process the test started outlived it")
			}
		})
	}
}

func TestRecordFilter(t *testing.T) {
	rec := func(kind, test string) event.Record { return event.Record{Kind: kind, Test: test} }
	start, end := event.Start, event.End
	tests := []struct {
		name string
		in   []event.Record
		kept int
	}{
		{"the harness's sequence", []event.Record{rec(start, "TestA"), rec(end, "TestA"), rec(start, "TestB"), rec(end, "TestB")}, 4},
		{"an end without a start", []event.Record{rec(end, "TestA"), rec(start, "TestA")}, 1},
		{"a test not asked for", []event.Record{rec(start, "TestX"), rec(end, "TestX")}, 0},
		{"a start while another runs", []event.Record{rec(start, "TestA"), rec(start, "TestB"), rec(end, "TestB"), rec(end, "TestA")}, 2},
		{"a second run of a test", []event.Record{rec(start, "TestA"), rec(end, "TestA"), rec(start, "TestA"), rec(end, "TestA")}, 2},
		{"the end of another test", []event.Record{rec(start, "TestA"), rec(end, "TestB")}, 1},
		{"an unknown kind", []event.Record{rec("pass", "TestA"), rec(start, "TestA")}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newRecordFilter([]string{"TestA", "TestB"})
			for _, r := range tt.in {
				f.add(r, time.Now())
			}
			assert.Len(t, f.kept, tt.kept)
		})
	}
}

// TestExecuteMemoryLimit: a process that grows past its memory limit is
// stopped at once, not at its time limit.
func TestExecuteMemoryLimit(t *testing.T) {
	bin := fakeBinary(t, `'^(TestA)$') start TestA; x=$(head -c 400000000 /dev/zero | tr '\0' a); pass TestA;;`)
	begin := time.Now()
	p, err := Execute(context.Background(), Execution{
		Binary: bin, Dir: t.TempDir(), Tests: []string{"TestA"}, Limit: 20 * time.Second, Memory: 100 << 20,
	})
	require.NoError(t, err)
	assert.Less(t, time.Since(begin), 10*time.Second)
	assert.Equal(t, int64(100<<20), p.MemoryLimit)
	assert.False(t, p.Clean)
	assert.Len(t, p.Records, 1, "the test never ended")
}

// TestExecuteKeepsReadingAfterAnOverlongRecord: a record longer than the
// grader reads (a test that dumped a huge stack) is skipped, and the
// records after it still count. Reading used to stop there, so that the
// tests after it "reported no result" although they ran.
func TestExecuteKeepsReadingAfterAnOverlongRecord(t *testing.T) {
	bin := fakeBinary(t, `'^(TestA|TestB)$') start TestA
	head -c `+strconv.Itoa(maxRecord+10)+` /dev/zero | tr '\0' x >&3; echo >&3
	fail TestA; start TestB; pass TestB; exit 1;;`)
	p, err := Execute(context.Background(), Execution{Binary: bin, Dir: t.TempDir(), Tests: []string{"TestA", "TestB"}, Limit: 5 * time.Second})
	require.NoError(t, err)
	require.Len(t, p.Records, 4, "start A, end A, start B, end B")
	assert.Equal(t, "TestB", p.Records[3].Test)
	assert.True(t, p.Clean)
}

// TestRecordFilterTimesTests: a test's duration is the time from its start
// record's arrival to its end record's; a dropped record times nothing.
func TestRecordFilterTimesTests(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := newRecordFilter([]string{"TestA", "TestB"})
	f.add(event.Record{Kind: event.Start, Test: "TestA"}, t0)
	f.add(event.Record{Kind: event.End, Test: "TestB"}, t0.Add(time.Second)) // not running: dropped
	f.add(event.Record{Kind: event.End, Test: "TestA"}, t0.Add(1500*time.Millisecond))
	f.add(event.Record{Kind: event.Start, Test: "TestB"}, t0.Add(2*time.Second))
	f.add(event.Record{Kind: event.End, Test: "TestB"}, t0.Add(2250*time.Millisecond))
	assert.Equal(t, map[string]time.Duration{"TestA": 1500 * time.Millisecond, "TestB": 250 * time.Millisecond}, f.durations)
}
