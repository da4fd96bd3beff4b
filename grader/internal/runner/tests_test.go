package runner

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/event"
	"github.com/concurrency-kit/kit/grader/internal/classify"
)

const exerciseDir = "/kit/exercises/09_tickets"

var classifier = classify.Classifier{Dir: exerciseDir}

func TestSplitOutput(t *testing.T) {
	tests := []struct {
		name string
		out  string
		want map[string]string
	}{
		{
			name: "empty",
			out:  "",
			want: map[string]string{},
		},
		{
			name: "output before the first test",
			out:  "init says hi\n=== RUN   TestA\n--- PASS: TestA (0.00s)\n",
			want: map[string]string{
				"":      "init says hi\n",
				"TestA": "=== RUN   TestA\n--- PASS: TestA (0.00s)\n",
			},
		},
		{
			name: "subtests fold into their test",
			out: "=== RUN   TestA\n=== RUN   TestA/one\n    a_test.go:3: in one\n=== RUN   TestA/two/deeper\n" +
				"--- PASS: TestA (0.00s)\n    --- PASS: TestA/one (0.00s)\n=== RUN   TestB\nb output\n--- FAIL: TestB (0.00s)\nFAIL\n",
			want: map[string]string{
				"TestA": "=== RUN   TestA\n=== RUN   TestA/one\n    a_test.go:3: in one\n=== RUN   TestA/two/deeper\n" +
					"--- PASS: TestA (0.00s)\n    --- PASS: TestA/one (0.00s)\n",
				"TestB": "=== RUN   TestB\nb output\n--- FAIL: TestB (0.00s)\nFAIL\n",
			},
		},
		{
			name: "a dying process's last words stay with the running test",
			out:  "=== RUN   TestA\n--- PASS: TestA (0.00s)\n=== RUN   TestB\npanic: boom\n\ngoroutine 1 [running]:\n",
			want: map[string]string{
				"TestA": "=== RUN   TestA\n--- PASS: TestA (0.00s)\n",
				"TestB": "=== RUN   TestB\npanic: boom\n\ngoroutine 1 [running]:\n",
			},
		},
		{
			name: "last line without a newline",
			out:  "=== RUN   TestA\npartial",
			want: map[string]string{"TestA": "=== RUN   TestA\npartial"},
		},
		{
			name: "only exact run lines start a test",
			out:  "=== RUN   TestA\nx === RUN   TestB\n=== RUN TestC\n=== CONT  TestD\n=== NAME  TestE\n",
			want: map[string]string{"TestA": "=== RUN   TestA\nx === RUN   TestB\n=== RUN TestC\n=== CONT  TestD\n=== NAME  TestE\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitOutput(tt.out)
			assert.Equal(t, tt.want, got)
			// Nothing is lost or duplicated.
			total := 0
			for _, s := range got {
				total += len(s)
			}
			assert.Equal(t, len(tt.out), total)
		})
	}
}

// process builds a Process from a script of events: "start TestA",
// "end TestA", "fail TestA", "skip TestA", or any other line, which is
// output.
func process(clean bool, exitCode int, script ...string) *Process {
	p := &Process{Clean: clean, ExitCode: exitCode}
	var out strings.Builder
	for _, line := range script {
		kind, test, _ := strings.Cut(line, " ")
		switch kind {
		case "start":
			p.Records = append(p.Records, event.Record{Kind: event.Start, Test: test})
			out.WriteString("=== RUN   " + test + "\n")
		case "end":
			p.Records = append(p.Records, event.Record{Kind: event.End, Test: test})
			out.WriteString("--- PASS: " + test + " (0.00s)\n")
		case "fail":
			p.Records = append(p.Records, event.Record{Kind: event.End, Test: test, Failed: true})
			out.WriteString("--- FAIL: " + test + " (0.00s)\n")
		case "skip":
			p.Records = append(p.Records, event.Record{Kind: event.End, Test: test, Skipped: true})
			out.WriteString("--- SKIP: " + test + " (0.00s)\n")
		default:
			out.WriteString(line + "\n")
		}
	}
	p.Output = out.String()
	return p
}

const raceReport = "==================\nWARNING: DATA RACE\nWrite at 0x00c000012345 by goroutine 8:\n" +
	"  example.com/t.(*Office).Sell()\n      /kit/exercises/09_tickets/tickets.go:41 +0x24\n==================\n" +
	"    testing.go:1712: race detected during execution of test"

const panicTrace = "panic: boom [recovered, repanicked]\n\ngoroutine 7 [running]:\n" +
	"example.com/t.(*Office).Sell()\n\t/kit/exercises/09_tickets/tickets.go:12 +0x1d"

// result is an outcome reduced to what the tests below compare.
type result struct {
	Passed bool
	Cause  event.Cause
}

func results(outcomes map[string]classify.Outcome) map[string]result {
	r := map[string]result{}
	for name, o := range outcomes {
		r[name] = result{o.Passed, o.Cause}
	}
	return r
}

var (
	pass = result{Passed: true}
	fail = func(cause event.Cause) result { return result{Cause: cause} }
)

func TestAnalyse(t *testing.T) {
	tests := []struct {
		name       string
		p          *Process
		tests      []string
		want       map[string]result
		notStarted []string
		tainted    []string
	}{
		{
			name:  "clean exit, every test ended",
			p:     process(true, 1, "start TestA", "end TestA", "start TestB", "    b_test.go:3: wrong", "fail TestB", "start TestC", "end TestC", "FAIL"),
			tests: []string{"TestA", "TestB", "TestC"},
			want:  map[string]result{"TestA": pass, "TestB": fail(event.CauseFail), "TestC": pass},
		},
		{
			name:  "clean exit, all passed",
			p:     process(true, 0, "start TestA", "end TestA", "start TestB", "end TestB", "PASS"),
			tests: []string{"TestA", "TestB"},
			want:  map[string]result{"TestA": pass, "TestB": pass},
		},
		{
			name:       "the process died in the middle of a test",
			p:          process(false, 2, "start TestA", "end TestA", "start TestB", "--- FAIL: TestB (0.00s)", panicTrace),
			tests:      []string{"TestA", "TestB", "TestC", "TestD"},
			want:       map[string]result{"TestA": pass, "TestB": fail(event.CausePanic)},
			notStarted: []string{"TestC", "TestD"},
		},
		{
			name:       "the process died silently",
			p:          process(false, -1, "start TestA"),
			tests:      []string{"TestA", "TestB"},
			want:       map[string]result{"TestA": fail(event.CauseCrash)},
			notStarted: []string{"TestB"},
		},
		{
			name:       "the process died before any test",
			p:          process(false, 2, "fatal error: out of memory"),
			tests:      []string{"TestA", "TestB"},
			want:       map[string]result{},
			notStarted: []string{"TestA", "TestB"},
		},
		{
			name:       "a pass followed by a crash is not confirmed",
			p:          process(false, 2, "start TestA", "end TestA", "start TestB", "end TestB"),
			tests:      []string{"TestA", "TestB", "TestC"},
			want:       map[string]result{"TestA": pass, "TestB": fail(event.CauseCrash)},
			notStarted: []string{"TestC"},
		},
		{
			name:  "a pass at the end of a clean run is confirmed",
			p:     process(true, 0, "start TestA", "end TestA"),
			tests: []string{"TestA"},
			want:  map[string]result{"TestA": pass},
		},
		{
			name: "a race taints the passes after it",
			p: process(true, 1, "start TestA", "end TestA", "start TestB", raceReport, "fail TestB",
				"start TestC", "end TestC", "start TestD", "    d_test.go:9: wrong", "fail TestD", "start TestE", "end TestE", "FAIL"),
			tests:   []string{"TestA", "TestB", "TestC", "TestD", "TestE"},
			want:    map[string]result{"TestA": pass, "TestB": fail(event.CauseRace), "TestD": fail(event.CauseFail)},
			tainted: []string{"TestC", "TestE"},
		},
		{
			name: "a race then a crash",
			p: process(false, 2, "start TestA", raceReport, "fail TestA", "start TestB", "end TestB",
				"start TestC", panicTrace),
			tests:      []string{"TestA", "TestB", "TestC", "TestD"},
			want:       map[string]result{"TestA": fail(event.CauseRace), "TestC": fail(event.CausePanic)},
			notStarted: []string{"TestD"},
			tainted:    []string{"TestB"},
		},
		{
			name:  "a clean process in which a test never reported",
			p:     process(true, 0, "start TestA", "end TestA", "=== RUN   TestB", "--- PASS: TestB (0.00s)", "PASS"),
			tests: []string{"TestA", "TestB"},
			want:  map[string]result{"TestA": pass, "TestB": fail(event.CauseFail)},
		},
		{
			name:  "a skipped test fails",
			p:     process(true, 0, "start TestA", "skip TestA", "PASS"),
			tests: []string{"TestA"},
			want:  map[string]result{"TestA": fail(event.CauseFail)},
		},
		{
			name: "printed results count for nothing",
			p: process(false, 3, "start TestA", "--- PASS: TestA (0.00s)", "=== RUN   TestB", "--- PASS: TestB (0.00s)",
				"PASS", "ok  \texample.com/t\t0.01s"),
			tests:      []string{"TestA", "TestB"},
			want:       map[string]result{"TestA": fail(event.CauseCrash)},
			notStarted: []string{"TestB"},
		},
		{
			// The student prints a run line of a test that does not exist,
			// so that the race report lands in no real test's output: the
			// passes after the race must still be checked alone.
			name: "a printed run line does not hide a race",
			p: process(true, 1, "start TestA", "end TestA", "start TestB", "=== RUN   TestZ", raceReport, "fail TestB",
				"start TestC", "end TestC", "FAIL"),
			tests:   []string{"TestA", "TestB", "TestC"},
			want:    map[string]result{"TestA": pass, "TestB": fail(event.CauseFail)},
			tainted: []string{"TestC"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outcomes, notStarted, tainted := analyse(tt.p, tt.tests, classifier)
			assert.Equal(t, tt.want, results(outcomes))
			assert.Equal(t, tt.notStarted, notStarted)
			assert.Equal(t, tt.tainted, tainted)
			// A test is in exactly one of the three lists.
			seen := slices.Sorted(maps.Keys(outcomes))
			seen = append(append(seen, notStarted...), tainted...)
			slices.Sort(seen)
			want := slices.Sorted(slices.Values(tt.tests))
			assert.Equal(t, want, seen)
			for name, o := range outcomes {
				assert.Equal(t, o.Passed, o.Cause == "", "%s: a cause exactly when failed", name)
			}
		})
	}
}

func TestAnalyseMessagesAndOutput(t *testing.T) {
	p := process(true, 1, "start TestA", "    a_test.go:7: got 2, want 1", "fail TestA", "start TestB", "end TestB", "=== RUN   TestC", "FAIL")
	outcomes, _, _ := analyse(p, []string{"TestA", "TestB", "TestC"}, classifier)

	a := outcomes["TestA"]
	assert.Equal(t, "got 2, want 1 (a_test.go:7)", a.Message)
	assert.Equal(t, "=== RUN   TestA\n    a_test.go:7: got 2, want 1\n--- FAIL: TestA (0.00s)\n", a.Output)

	c := outcomes["TestC"]
	assert.Contains(t, c.Message, "reported no result")
	assert.Equal(t, "=== RUN   TestC\nFAIL\n", c.Output)
}

func TestAnalyseDeathDetails(t *testing.T) {
	p := process(false, 2, "start TestA", "end TestA", "start TestB", "--- FAIL: TestB (0.00s)", panicTrace)
	outcomes, _, _ := analyse(p, []string{"TestA", "TestB"}, classifier)
	require.Contains(t, outcomes, "TestB")
	assert.Equal(t, "panic: boom at tickets.go:12", outcomes["TestB"].Message)

	p = process(false, -1, "start TestA", "end TestA", "start TestB")
	p.Killed = true
	outcomes, _, _ = analyse(p, []string{"TestA", "TestB"}, classifier)
	assert.Equal(t, result{Passed: true}, results(outcomes)["TestA"])
	assert.Equal(t, event.CauseTimeout, outcomes["TestB"].Cause)
}
