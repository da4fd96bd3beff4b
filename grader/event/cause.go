package event

import (
	"regexp"
	"slices"
	"time"
)

// Cause is why a test failed: one of the causes of the grading contract
// (shared/GRADING.md, grader/README.md). The harness sets the causes it can
// establish by itself (leak, deadlock, timeout); the grader derives the
// others from the process's exit and output. The same identifiers appear in
// every machine-readable output.
type Cause string

// The causes.
const (
	CauseFail     Cause = "fail"     // an assertion failed: the result was wrong
	CauseRace     Cause = "race"     // the race detector saw a data race
	CauseLeak     Cause = "leak"     // goroutines the test started outlived it
	CauseDeadlock Cause = "deadlock" // lock-order inversion, recursive locking, every goroutine blocked
	CauseTimeout  Cause = "timeout"  // the test did not finish within its limit
	CausePanic    Cause = "panic"    // the test or the code it called panicked
	CauseCrash    Cause = "crash"    // the test process died
	CauseMemory   Cause = "memory"   // the test process went over its memory limit
	CauseBuild    Cause = "build"    // the exercise does not compile, or a file breaks the rules
)

// ranked orders the causes from most to least specific: a test that failed
// for several reasons is reported with the first.
var ranked = []Cause{CauseBuild, CauseMemory, CauseDeadlock, CauseRace, CausePanic, CauseTimeout, CauseCrash, CauseLeak, CauseFail}

// Causes lists every cause, from most to least specific.
func Causes() []Cause { return slices.Clone(ranked) }

// Outranks reports whether c is more specific than other. An unknown cause
// ranks below every known one.
func (c Cause) Outranks(other Cause) bool {
	rank := func(x Cause) int {
		if i := slices.Index(ranked, x); i >= 0 {
			return i
		}
		return len(ranked)
	}
	return rank(c) < rank(other)
}

// DefaultLimit is a test's time limit when the catalog sets none.
const DefaultLimit = 10 * time.Second

// FramePattern matches a frame's file:line in a goroutine dump or a race
// report: the file (an absolute path) and the line.
var FramePattern = regexp.MustCompile(`(?m)^\s+(/\S+?\.go):(\d+)`)
