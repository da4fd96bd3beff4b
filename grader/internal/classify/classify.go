// Package classify turns what a test process left behind (the harness's
// records, the exit status and the output) into one outcome per test: pass,
// or fail with the single most specific cause of the grading contract and a
// short message that points at the student's file:line where it can.
package classify

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/concurrency-kit/kit/grader/event"
)

// Outcome is one test's result in one run.
type Outcome struct {
	Passed  bool
	Cause   event.Cause
	Message string
	Output  string // the test's share of the process output
	// Duration is how long the test ran: from the harness's start record to
	// its end record, or to the end of the process when it never ended.
	Duration time.Duration
	// LockNesting is set when a goroutine of the test took a watched lock
	// while holding another (event.Record.LockNesting), and whenever the
	// harness's end record is missing, as then nobody knows.
	LockNesting bool
}

// Evidence is what is known about one test from one process.
type Evidence struct {
	Test string
	// End is the harness's end record, nil when the test never finished.
	End *event.Record
	// Confirmed is set when the process went on normally after End: another
	// test started, or the process exited with the status of a completed run.
	Confirmed bool
	// Output is the test's share of the process output.
	Output string
	// ExitCode and Killed describe how the process ended, when this test was
	// the one running at the end.
	ExitCode int
	Killed   bool
	// MemoryLimit is set, to the limit in bytes, when the grader stopped the
	// process because it used more memory than that.
	MemoryLimit int64
}

// Classifier knows which files are the student's.
type Classifier struct {
	// Dir is the exercise folder (absolute). Frames in its non-test files
	// are the student's.
	Dir string
}

// Classify decides a test's outcome.
func (c Classifier) Classify(ev Evidence) Outcome {
	out := Outcome{Output: ev.Output, LockNesting: ev.End == nil || ev.End.LockNesting}
	if ev.End != nil && !ev.End.Failed && !ev.End.Skipped && ev.Confirmed {
		out.Passed = true
		return out
	}
	cause, message := c.diagnose(ev)
	out.Cause, out.Message = cause, message
	return out
}

var (
	raceReport  = regexp.MustCompile(`(?m)^WARNING: DATA RACE$|race detected during execution of test`)
	panicLine   = regexp.MustCompile(`(?m)^panic: (.*)$`)
	fatalLine   = regexp.MustCompile(`(?m)^fatal error: (.*)$`)
	testLogLine = regexp.MustCompile(`(?m)^\s{4}(\S+_test\.go):(\d+): (.*)$`)
	testifyErr  = regexp.MustCompile(`(?m)^\s+Error:\s+(.*)$`)
)

// diagnose finds the most specific cause the evidence supports.
func (c Classifier) diagnose(ev Evidence) (event.Cause, string) {
	var found []finding
	if ev.End != nil && ev.End.Cause != "" {
		found = append(found, finding{ev.End.Cause, ev.End.Message})
	}
	found = append(found, c.fromOutput(ev.Output)...)
	found = append(found, fromProcess(ev, len(found) > 0)...)
	if len(found) == 0 {
		found = append(found, finding{event.CauseFail, c.failMessage(ev.Output)})
	}
	best := found[0]
	for _, f := range found[1:] {
		if f.cause.Outranks(best.cause) {
			best = f
		}
	}
	return best.cause, best.message
}

// finding is one cause the evidence shows, with its message.
type finding struct {
	cause   event.Cause
	message string
}

// fromOutput reads the causes the test's output shows: a race report, a
// runtime fatal error, a panic.
func (c Classifier) fromOutput(out string) []finding {
	var found []finding
	add := func(cause event.Cause, message string) { found = append(found, finding{cause, message}) }
	if raceReport.MatchString(out) {
		add(event.CauseRace, c.raceMessage(out))
	}
	if m := fatalLine.FindStringSubmatch(out); m != nil {
		rest := out[strings.Index(out, m[0]):]
		switch {
		case strings.Contains(m[1], "concurrent map"):
			add(event.CauseRace, m[1]+c.at(rest))
		case strings.Contains(m[1], "all goroutines are asleep"):
			add(event.CauseDeadlock, m[1])
		case strings.Contains(m[1], "out of memory"):
			add(event.CauseMemory, m[1]+c.at(rest))
		default:
			add(event.CauseCrash, m[1]+c.at(rest))
		}
	}
	if m := panicLine.FindStringSubmatch(out); m != nil {
		rest := out[strings.Index(out, m[0]):]
		switch {
		case strings.HasPrefix(m[1], "test timed out"):
			add(event.CauseTimeout, m[1])
		case strings.Contains(m[1], "main bubble goroutine has exited but blocked goroutines remain"):
			add(event.CauseLeak, "goroutines started in the test were still blocked when it ended")
		case strings.Contains(m[1], "all goroutines in bubble are blocked"):
			// synctest saw every goroutine of the test blocked for good: a
			// deadlock, found at once rather than at the time limit.
			add(event.CauseDeadlock, "every goroutine is blocked: a deadlock"+c.at(rest))
		case strings.Contains(m[1], "runtime.Goexit"):
			add(event.CausePanic, "the test was stopped by runtime.Goexit"+c.at(rest))
		default:
			add(event.CausePanic, "panic: "+panicValue(m[1])+c.at(rest))
		}
	}
	return found
}

// fromProcess reads the causes how the process ended shows: a memory or
// time limit, an exit in the middle of the test or right after it, a skip.
// explained says whether the harness or the output already gave a cause.
func fromProcess(ev Evidence, explained bool) []finding {
	var found []finding
	add := func(cause event.Cause, message string) { found = append(found, finding{cause, message}) }
	if ev.MemoryLimit > 0 {
		add(event.CauseMemory, fmt.Sprintf("the test used more than %s of memory; the grader stopped it", Bytes(ev.MemoryLimit)))
	}
	if ev.Killed && ev.MemoryLimit == 0 {
		add(event.CauseTimeout, "the test did not finish within its time limit; the grader stopped it")
	}
	explained = explained || len(found) > 0
	if ev.End == nil && !ev.Killed && ev.MemoryLimit == 0 && !explained {
		add(event.CauseCrash, fmt.Sprintf("the test process ended during this test (exit status %d)", ev.ExitCode))
	}
	if ev.End != nil && !ev.End.Failed && !ev.Confirmed && !explained {
		add(event.CauseCrash, fmt.Sprintf("the test process ended right after this test (exit status %d)", ev.ExitCode))
	}
	if ev.End != nil && ev.End.Skipped && !ev.End.Failed {
		add(event.CauseFail, "the test was skipped; only a test that runs to its end can pass")
	}
	return found
}

// panicValue is the panic's value without the note the runtime adds when a
// test's panic was recovered by package testing and raised again:
// " [recovered]" before Go 1.25, " [recovered, repanicked]" since.
func panicValue(s string) string {
	for _, note := range []string{" [recovered, repanicked]", " [recovered]"} {
		if v, ok := strings.CutSuffix(s, note); ok {
			return v
		}
	}
	return s
}

// raceMessage names where the race happened, preferring the student's code.
func (c Classifier) raceMessage(out string) string {
	i := strings.Index(out, "WARNING: DATA RACE")
	if i < 0 {
		return "data race detected during the test"
	}
	report := out[i:]
	if end := strings.Index(report, "\n==================\n"); end > 0 {
		report = report[:end]
	}
	var places []string
	for _, m := range event.FramePattern.FindAllStringSubmatch(report, -1) {
		if c.isStudentFile(m[1]) {
			place := filepath.Base(m[1]) + ":" + m[2]
			if len(places) == 0 || places[len(places)-1] != place {
				places = append(places, place)
			}
			if len(places) == 2 {
				break
			}
		}
	}
	if len(places) == 0 {
		return "data race detected during the test"
	}
	return "data race at " + strings.Join(places, " and ")
}

// failMessage finds the first assertion message of the test.
func (c Classifier) failMessage(out string) string {
	where := ""
	if m := testLogLine.FindStringSubmatch(out); m != nil {
		where = " (" + m[1] + ":" + m[2] + ")"
		if testifyErr.FindStringIndex(out) == nil {
			return m[3] + where
		}
	}
	if a, ok := firstAssertion(out); ok {
		return a.message() + where
	}
	return "the test failed" + where
}

// assertion is one failed testify assertion, as testify prints it:
//
//	Error Trace:	/kit/exercises/09_tickets/tickets_test.go:9
//	Error:      	Not equal:
//	            	expected: 1
//	            	actual  : 2
//	Test:       	TestSell/round_3
//	Messages:   	the count after 3 calls
type assertion struct {
	fields map[string][]string // the lines of each field, by name
}

// firstAssertion reads the first testify failure in a test's output.
func firstAssertion(out string) (assertion, bool) {
	i := strings.Index(out, "\tError Trace:")
	if i < 0 {
		if testifyErr.FindStringIndex(out) == nil {
			return assertion{}, false
		}
		i = testifyErr.FindStringIndex(out)[0]
	}
	a := assertion{fields: map[string][]string{}}
	field := ""
	for _, line := range strings.Split(out[strings.LastIndex(out[:i], "\n")+1:], "\n") {
		parts := strings.SplitN(strings.TrimLeft(line, " "), "\t", 3)
		if len(parts) != 3 || parts[0] != "" {
			if field != "" {
				break // the end of the block
			}
			continue
		}
		if key := strings.TrimSuffix(strings.TrimSpace(parts[1]), ":"); key != "" {
			if _, seen := a.fields[key]; seen {
				break // the next assertion's block
			}
			field = key
		}
		a.fields[field] = append(a.fields[field], strings.TrimSpace(parts[2]))
	}
	return a, len(a.fields["Error"]) > 0
}

// message is the assertion's message, with the values it compared and the
// subtest it failed in: "round_3: the count after 3 calls: expected 1,
// actual 2".
func (a assertion) message() string {
	msg := ""
	if m := a.fields["Messages"]; len(m) > 0 {
		msg = m[0]
	}
	errLines := a.fields["Error"]
	if msg == "" {
		msg = strings.TrimSuffix(strings.TrimSpace(errLines[0]), ":")
	}
	var compared []string
	for _, line := range errLines[1:] {
		if line == "Diff:" {
			break
		}
		for _, label := range []string{"expected", "actual", "in chain"} {
			if rest, ok := strings.CutPrefix(line, label); ok {
				if value, ok := strings.CutPrefix(strings.TrimSpace(rest), ":"); ok {
					compared = append(compared, label+" "+shorten(strings.TrimSpace(value), 60))
				}
			}
		}
	}
	if len(compared) > 0 {
		msg += ": " + strings.Join(compared, ", ")
	}
	if test := a.fields["Test"]; len(test) > 0 {
		if _, sub, ok := strings.Cut(test[0], "/"); ok {
			msg = sub + ": " + msg
		}
	}
	return msg
}

// shorten cuts s to at most n runes, marking the cut.
func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// at returns " at file.go:NN" for the first student frame in text, or "".
func (c Classifier) at(text string) string {
	for _, m := range event.FramePattern.FindAllStringSubmatch(text, -1) {
		if c.isStudentFile(m[1]) {
			return " at " + filepath.Base(m[1]) + ":" + m[2]
		}
	}
	return ""
}

func (c Classifier) isStudentFile(path string) bool {
	return filepath.Dir(path) == c.Dir && !strings.HasSuffix(path, "_test.go")
}

// Bytes writes a size for people: 2 GiB, 512 MiB, 64 KiB or 100 bytes.
func Bytes(n int64) string {
	for _, unit := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= unit.size {
			return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/float64(unit.size)), ".0") + " " + unit.name
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
