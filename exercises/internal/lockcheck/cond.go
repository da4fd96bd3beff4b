package lockcheck

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Cond stands in for sync.Cond in student files when the grader builds them
// (both the race run and the lock-order run use that build). It is a
// sync.Cond, with one difference, and only while a test has asked for it
// (DelayWaits): Wait first lets the other goroutines run for a while, with
// the lock still held, and only then goes to sleep.
//
// A correct program cannot tell: a goroutine may always be interrupted
// there. A program that loses wake-ups can. The classic one: a timer that
// wakes the waiters with Broadcast without taking their lock. A waiter that
// has checked its deadline and not yet gone to sleep misses that Broadcast,
// and sleeps past its deadline. On its own the gap is a few instructions
// wide and the scheduler practically never stops a goroutine in it; delayed,
// it is as wide as the delay.
type Cond struct {
	// L is held while observing or changing the condition, as in sync.Cond.
	L sync.Locker

	cond atomic.Pointer[sync.Cond] // made on first use, with L
}

// NewCond returns a new Cond with Locker l.
func NewCond(l sync.Locker) *Cond { return &Cond{L: l} }

// delayTurns is how many times a delayed Wait lets the other goroutines run
// before it sleeps: long enough for a timer that is due to fire and run its
// callback on another core, a few hundred microseconds.
const delayTurns = 500

// delayWaits is set while the running test wants Cond waits delayed.
var delayWaits atomic.Bool

// DelayWaits turns the delay before every Cond.Wait on or off.
func DelayWaits(on bool) {
	raceDisable()
	delayWaits.Store(on)
	raceEnable()
}

// Wait is sync.Cond's Wait, delayed while DelayWaits is on.
func (c *Cond) Wait() {
	raceDisable()
	delay := delayWaits.Load()
	raceEnable()
	if delay {
		for range delayTurns {
			runtime.Gosched()
		}
	}
	c.get().Wait()
}

// Signal wakes one goroutine waiting on c, if there is any.
func (c *Cond) Signal() { c.get().Signal() }

// Broadcast wakes all goroutines waiting on c.
func (c *Cond) Broadcast() { c.get().Broadcast() }

// get returns the sync.Cond behind c, making it on first use. The first use
// may come from several goroutines at once; the bookkeeping is hidden from
// the race detector, so that it orders nothing the program does not order.
func (c *Cond) get() *sync.Cond {
	raceDisable()
	defer raceEnable()
	if cond := c.cond.Load(); cond != nil {
		return cond
	}
	c.cond.CompareAndSwap(nil, sync.NewCond(c.L))
	return c.cond.Load()
}
