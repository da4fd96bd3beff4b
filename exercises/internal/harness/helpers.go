package harness

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/concurrency-kit/kit/exercises/internal/lockcheck"
)

// Bubble runs f in a testing/synctest bubble: time inside is fake and moves
// only when every goroutine in the bubble is blocked, so timeouts are instant
// and exact, and synctest.Wait tells when the bubble has settled. Goroutines
// the body starts must end before it returns. Call Setup before Bubble.
func Bubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	synctest.Test(t, f)
}

// Together starts n goroutines, releases them at the same moment so that they
// contend as hard as possible, runs f(i) in goroutine i and waits for all.
func Together(n int, f func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := range n {
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			f(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
}

// GoroutineID returns the id of the calling goroutine, read from the first
// line of its stack ("goroutine 42 [running]:"). Go gives programs no
// goroutine ids on purpose; tests use it only to see which goroutine ran a
// step (a callback the code under test calls, for example).
func GoroutineID() uint64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	fields := strings.Fields(string(buf))
	if len(fields) < 2 || fields[0] != "goroutine" {
		panic(fmt.Sprintf("harness: unexpected stack header %q", buf))
	}
	id, err := strconv.ParseUint(fields[1], 10, 64)
	if err != nil {
		panic(fmt.Sprintf("harness: unexpected stack header %q", buf))
	}
	return id
}

// Closed reports, without blocking, whether ch is closed (or has a value
// ready). A nil channel is never closed.
func Closed[T any](ch <-chan T) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// Eventually, inside a Bubble, lets the bubble settle, then lets fake time
// pass in steps until cond holds or patience has passed. It reports whether
// cond held. A wait that no amount of fake time completes is the point of
// many tests: "within patience" is then "never".
func Eventually(cond func() bool, step, patience time.Duration) bool {
	synctest.Wait()
	for waited := time.Duration(0); !cond(); waited += step {
		if waited >= patience {
			return false
		}
		time.Sleep(step)
		synctest.Wait()
	}
	return true
}

// lockOrderRounds is how many rounds Rounds allows in the lock-order run.
const lockOrderRounds = 2

// Rounds returns how many rounds a stress loop should run: n, except in the
// grader's lock-order run, where it is at most 2. Rounds repeat the same
// code to meet more interleavings, which is the race run's business;
// go-deadlock records which lock a goroutine takes while it holds which, and
// a round that runs the same code takes the same locks in the same orders as
// the one before. go-deadlock's bookkeeping makes every lock slow, so a
// stress loop of thousands of locks would otherwise cost seconds there.
func Rounds(n int) int {
	if currentProcess().lockOrder {
		return min(n, lockOrderRounds)
	}
	return n
}

// DelayCondWaits makes every sync.Cond Wait in the student's code, for the
// rest of test t, first let the other goroutines run for a while, with its
// lock still held, before it goes to sleep. It works when the grader runs
// the test: the grader builds student files with sync.Cond replaced by
// lockcheck.Cond. Under a plain go test it changes nothing.
//
// A correct program cannot tell the difference. A wake-up sent without the
// lock (a timer's Broadcast, say) can fall between a waiter's last look at
// its condition and its sleep, and be lost; that gap is a few instructions
// wide, and this makes it wide enough for a test on the real scheduler to
// open it. Call it after Setup.
func DelayCondWaits(t *testing.T) {
	t.Helper()
	lockcheck.DelayWaits(true)
	t.Cleanup(func() { lockcheck.DelayWaits(false) })
}

// DelayLocks makes every Lock and RLock of a sync.Mutex or sync.RWMutex in
// the student's code, for the rest of test t, first let the other
// goroutines run for a random while. Like DelayCondWaits, it works when the
// grader runs the test (which builds student files with lockcheck's
// mutexes) and changes nothing under a plain go test.
//
// A correct program cannot tell the difference: a goroutine may always be
// interrupted just before it locks. A program that looks at shared state
// outside the lock and then locks to act on it (checks a counter, then locks
// and sleeps on a sync.Cond) can: another goroutine's whole critical section
// then often falls in between, where on its own it almost never does. Call
// it after Setup, in tests on the real scheduler: every Lock gets slower.
func DelayLocks(t *testing.T) {
	t.Helper()
	lockcheck.DelayLocks(true)
	t.Cleanup(func() { lockcheck.DelayLocks(false) })
}

// GoroutinesOf returns how many goroutines run code of the package with
// import path pkg (a function of pkg is on their stack, or they were
// created by one), and the stack of the first one, for a failure message.
// Call it once the code under test should have ended every goroutine it
// started and returned: in a bubble, after synctest.Wait. A goroutine
// started with WaitGroup.Go counts too: its function is on its stack.
func GoroutinesOf(pkg string) (count int, first string) {
	for _, g := range strings.Split(allGoroutines(), "\n\n") {
		for _, line := range strings.Split(g, "\n") {
			if strings.HasPrefix(strings.TrimPrefix(line, "created by "), pkg+".") {
				count++
				if first == "" {
					first = g
				}
				break
			}
		}
	}
	return count, first
}
