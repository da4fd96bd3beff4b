package harness

import (
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"
)

// Call is a function running in a goroutine of its own, started by Go, so
// that the test can look at whether it has returned yet: whether a method
// under test waits, and until when. Only the test goroutine uses a Call.
type Call[R any] struct {
	// Value is what the function returned, and Elapsed the time from Go to
	// the return (fake time, in a Bubble). Both are set once Returned has
	// reported true, and are zero until then.
	Value   R
	Elapsed time.Duration

	ch       chan outcome[R]
	returned bool
}

// outcome is what a Call's goroutine hands to the test goroutine.
type outcome[R any] struct {
	value   R
	elapsed time.Duration
}

// running counts the functions started with Go that have not returned yet.
var running atomic.Int64

// Go runs f in a new goroutine. The result is sent on a buffered channel, so
// the goroutine ends as soon as f returns, whether or not the test ever
// looks at the Call again.
func Go[R any](f func() R) *Call[R] {
	c := &Call[R]{ch: make(chan outcome[R], 1)}
	begin := time.Now()
	running.Add(1)
	go func() {
		defer running.Add(-1)
		v := f()
		c.ch <- outcome[R]{value: v, elapsed: time.Since(begin)}
	}()
	return c
}

// Returned reports, without waiting, whether the call has returned, and
// once it has, sets Value and Elapsed.
func (c *Call[R]) Returned() bool {
	if !c.returned {
		select {
		case out := <-c.ch:
			c.Value, c.Elapsed, c.returned = out.value, out.elapsed, true
		default:
		}
	}
	return c.returned
}

// Running returns how many functions started with Go have not returned yet,
// in this test process. A cleanup that releases whatever the calls wait for
// can wait until it is 0 (with Eventually), so that no goroutine is left
// behind.
func Running() int {
	return int(running.Load())
}

// CountReturned returns how many of the calls have returned, without
// waiting.
func CountReturned[R any](calls []*Call[R]) int {
	n := 0
	for _, c := range calls {
		if c.Returned() {
			n++
		}
	}
	return n
}

// RequireWaiting, inside a Bubble, lets the bubble settle (synctest.Wait),
// then fails the test if one of the calls has returned: every one of them
// should still be waiting. The failure is titled "<what> did not wait" and
// reads "<what>: call #<i> returned <Value> at once<why>", where why says
// what the call should have done, with its leading punctuation (", but the
// lock is held: it must wait for a Release", "; it must block"). A trailing
// comma of what ("Get, 2s in,") is left out of the message.
func RequireWaiting[R any](t testing.TB, calls []*Call[R], what, why string) {
	t.Helper()
	synctest.Wait()
	for i, c := range calls {
		if c.Returned() {
			require.Failf(t, what+" did not wait",
				"%s: call #%d returned %v at once%s", strings.TrimSuffix(what, ","), i, c.Value, why)
			return
		}
	}
}
