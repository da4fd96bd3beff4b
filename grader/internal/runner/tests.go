package runner

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/concurrency-kit/kit/grader/event"
	"github.com/concurrency-kit/kit/grader/internal/classify"
	"github.com/concurrency-kit/kit/grader/internal/sandbox"
)

// RunTests runs every test of x.Tests and returns one outcome per test.
//
// Fast path: all the tests run in one process. A test's result from that
// process is kept unless something in the process could have hidden or
// tainted it:
//   - the process died (crash, panic, hang): the test that was running gets
//     the failure, and the tests that never started run in a new process;
//   - a data race was reported: the race detector reports a pair of lines
//     only once per process, so every later test that passed is run again
//     alone, where that race would be reported against it.
//
// A solution or a stub therefore costs one process; only the tests a failure
// could have affected cost more.
//
// A test that runs for slowAfter is likely to hang: the tests after it then
// start at once, each alone in a process of its own (as many at a time as
// the free memory holds at their memory limit, at most maxAhead), and do not
// run again if the process that was to run them dies. So an exercise whose
// every test hangs costs about one time limit, not one per test. The tests
// of x.Alone run that way from the start.
func RunTests(ctx context.Context, x Execution, c classify.Classifier) (map[string]classify.Outcome, error) {
	outcomes := map[string]classify.Outcome{}
	ahead := newSpeculation(ctx, x, c)
	ahead.start(x.Alone)
	pending := slices.DeleteFunc(slices.Clone(x.Tests), func(name string) bool { return slices.Contains(x.Alone, name) })
	var alone []string
	for len(pending) > 0 {
		run := x
		run.Tests = pending
		if run.SlowAfter == 0 {
			run.SlowAfter = slowAfter
		}
		run.OnSlow = func(test string) {
			if i := slices.Index(run.Tests, test); i >= 0 {
				ahead.start(run.Tests[i+1:])
			}
		}
		p, err := Execute(ctx, run)
		if err != nil {
			return nil, err
		}
		results, notStarted, tainted := analyse(p, pending, c)
		// The tests run ahead need not run again.
		ran, err := ahead.wait()
		if err != nil {
			return nil, err
		}
		notStarted = slices.DeleteFunc(notStarted, func(name string) bool {
			o, ok := ran[name]
			if ok {
				outcomes[name] = o
			}
			return ok
		})
		for name, o := range results {
			outcomes[name] = o
		}
		alone = append(alone, tainted...)
		if len(notStarted) == len(pending) {
			// Nothing started: the process cannot run these tests at all.
			for _, name := range notStarted {
				outcomes[name] = c.Classify(classify.Evidence{Test: name, Output: p.Output, ExitCode: p.ExitCode, Killed: p.Killed, MemoryLimit: p.MemoryLimit})
			}
			break
		}
		pending = notStarted
	}
	ran, err := ahead.wait()
	if err != nil {
		return nil, err
	}
	for _, name := range x.Alone {
		outcomes[name] = ran[name]
	}
	for _, name := range alone {
		o, err := runAlone(ctx, x, name, c)
		if err != nil {
			return nil, err
		}
		o.Duration = max(o.Duration, outcomes[name].Duration)
		outcomes[name] = o
	}
	return outcomes, nil
}

// slowAfter is how long a test may run before the tests after it start
// in processes of their own, beside it. A correct test takes milliseconds,
// and at most about a second on a loaded machine; one that runs longer is
// likely to hang, and when a whole exercise hangs, its tests then cost one
// time limit together instead of one each.
const slowAfter = 2 * time.Second

// maxAhead bounds how many tests run ahead at once.
const maxAhead = 16

// aheadSlots is how many tests run ahead at once: maxAhead, but no more
// than the free memory holds with each process at its memory limit (a
// student's tests that all hang may also all grow), and at least one.
// available is the free memory in bytes (0 when unknown: then 4).
func aheadSlots(available, limit int64) int {
	switch {
	case limit <= 0:
		return maxAhead
	case available <= 0:
		return 4
	}
	return int(max(1, min(int64(maxAhead), available/limit)))
}

// speculation runs tests ahead, each alone in a process of its own, while
// the process that was to run them is stuck in an earlier test. A test run
// alone gets an outcome as trustworthy as in the shared process: the one
// the isolation runs give too.
type speculation struct {
	ctx context.Context
	x   Execution
	c   classify.Classifier

	mu       sync.Mutex
	slots    chan struct{} // made by the first start, sized by the free memory then
	started  map[string]bool
	outcomes map[string]classify.Outcome
	err      error
	wg       sync.WaitGroup
}

func newSpeculation(ctx context.Context, x Execution, c classify.Classifier) *speculation {
	return &speculation{ctx: ctx, x: x, c: c, started: map[string]bool{}, outcomes: map[string]classify.Outcome{}}
}

// start runs each of tests not yet run ahead, alone. It does not block.
func (s *speculation) start(tests []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.slots == nil && len(tests) > 0 {
		available, _ := sandbox.AvailableMemory()
		s.slots = make(chan struct{}, aheadSlots(available, s.x.Memory))
	}
	slots := s.slots
	for _, name := range tests {
		if s.started[name] {
			continue
		}
		s.started[name] = true
		s.wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			o, err := runAlone(s.ctx, s.x, name, s.c)
			s.mu.Lock()
			defer s.mu.Unlock()
			if err != nil {
				s.err = err
				return
			}
			s.outcomes[name] = o
		})
	}
}

// wait waits for the tests started so far and returns their outcomes.
func (s *speculation) wait() (map[string]classify.Outcome, error) {
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.outcomes), s.err
}

// runAlone runs one test in a process of its own.
func runAlone(ctx context.Context, x Execution, name string, c classify.Classifier) (classify.Outcome, error) {
	x.Tests = []string{name}
	x.OnSlow = nil
	p, err := Execute(ctx, x)
	if err != nil {
		return classify.Outcome{}, err
	}
	results, _, _ := analyse(p, x.Tests, c)
	o, ok := results[name]
	if !ok {
		// The process ended before the test started.
		o = c.Classify(classify.Evidence{Test: name, Output: p.Output, ExitCode: p.ExitCode, Killed: p.Killed, MemoryLimit: p.MemoryLimit})
	}
	return o, nil
}

// runLine marks the start of a test in -test.v output.
var runLine = regexp.MustCompile(`(?m)^=== RUN   (\S+)$`)

// analyse reads one process's records and output. It returns the outcomes
// it can trust, the tests that never started, and the tests whose pass a
// race reported earlier in the process may have hidden.
func analyse(p *Process, tests []string, c classify.Classifier) (map[string]classify.Outcome, []string, []string) {
	var started []string
	ends := map[string]*event.Record{}
	for i := range p.Records {
		r := &p.Records[i]
		switch r.Kind {
		case event.Start:
			if !slices.Contains(started, r.Test) {
				started = append(started, r.Test)
			}
		case event.End:
			ends[r.Test] = r
		}
	}
	segments := splitOutput(p.Output)

	outcomes := map[string]classify.Outcome{}
	var tainted []string
	raceSeen := false
	// Which test a report lands with is decided from the output, which the
	// student's code can write to (a printed "=== RUN" line moves the race
	// report out of the test's share). A race fails the test it happened in
	// (package testing sees it, and the harness reports the failure), so
	// once the process reported a race anywhere, a failed test also taints
	// the passes after it.
	raceInProcess := strings.Contains(p.Output, "WARNING: DATA RACE")
	for i, name := range started {
		last := i == len(started)-1
		ev := classify.Evidence{
			Test:      name,
			End:       ends[name],
			Confirmed: !last || p.Clean,
			Output:    segments[name],
		}
		if last && !p.Clean {
			ev.ExitCode, ev.Killed, ev.MemoryLimit = p.ExitCode, p.Killed, p.MemoryLimit
		}
		o := c.Classify(ev)
		o.Duration = p.Durations[name]
		if o.Passed && raceSeen {
			tainted = append(tainted, name)
			continue
		}
		if strings.Contains(segments[name], "WARNING: DATA RACE") || (raceInProcess && !o.Passed) {
			raceSeen = true
		}
		outcomes[name] = o
	}
	var notStarted []string
	for _, name := range tests {
		if !slices.Contains(started, name) {
			notStarted = append(notStarted, name)
		}
	}
	if p.Clean && len(notStarted) > 0 {
		// The process completed without these tests reporting: they did not
		// run through the harness, so they cannot pass.
		for _, name := range notStarted {
			outcomes[name] = classify.Outcome{Cause: event.CauseFail, Output: segments[name],
				Message: "the test reported no result to the grader (does it call harness.Setup?)"}
		}
		notStarted = nil
	}
	return outcomes, notStarted, tainted
}

// splitOutput gives each top-level test the output printed while it ran.
// Output before the first test, or after the last test's final line, is
// kept under ""; whatever a dying process prints after its last test
// started (a goroutine dump, a fatal error) stays with that test. The split only decides which output is shown with which
// test; results never come from output.
func splitOutput(out string) map[string]string {
	builders := map[string]*strings.Builder{}
	current := ""
	for line := range strings.Lines(out) {
		if m := runLine.FindStringSubmatch(strings.TrimRight(line, "\n")); m != nil {
			current, _, _ = strings.Cut(m[1], "/")
		}
		b := builders[current]
		if b == nil {
			b = &strings.Builder{}
			builders[current] = b
		}
		b.WriteString(line)
	}
	segments := make(map[string]string, len(builders))
	for name, b := range builders {
		segments[name] = b.String()
	}
	return segments
}
