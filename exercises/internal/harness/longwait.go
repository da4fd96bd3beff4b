package harness

import (
	"testing"
	"time"
)

// LongWait is how much fake time LetTimePass lets pass: a century, far past
// any timeout a program might set "so that it can never hang" (a second, an
// hour, a day, a year). In a bubble it costs nothing when the program under
// test blocks as it should.
const LongWait = 100 * 365 * 24 * time.Hour

// fineWait is how long LetTimePass goes in fine steps (fineStep), before its
// steps start to double.
const (
	fineWait = 10 * time.Hour
	fineStep = time.Minute
)

// RealBudget returns a channel closed after d of real time, for
// LetTimePass. Call it outside the bubble: its timer must run on the real
// clock.
func RealBudget(t *testing.T, d time.Duration) <-chan struct{} {
	ch := make(chan struct{})
	timer := time.AfterFunc(d, func() { close(ch) })
	t.Cleanup(func() { timer.Stop() })
	return ch
}

// LetTimePass lets LongWait of fake time pass while the calling goroutine
// sleeps in a bubble, or until done reports true. Call it while the code under
// test waits for something only the test can give (a task blocked on a
// channel the test closes later).
//
// It reports the fake time that passed before done reported true (LongWait
// if it never did) and whether the real-time budget ran out first. A program
// that blocks lets each step pass in one jump of the fake clock. One that
// polls (sleeps and looks again) wakes at every one of its ticks and uses up
// the budget. The first fineWait passes in one-minute steps, so that fast
// polling is seen early. Then the steps double, so that the time spent
// after the budget runs out is never more than what was spent before it.
func LetTimePass(budget <-chan struct{}, done func() bool) (passed time.Duration, polled bool) {
	step := fineStep
	for passed < LongWait {
		if done() {
			return passed, false
		}
		if Closed(budget) {
			return passed, true
		}
		if passed >= fineWait {
			step = min(passed, LongWait-passed)
		}
		time.Sleep(step)
		passed += step
	}
	return passed, Closed(budget) && !done()
}
