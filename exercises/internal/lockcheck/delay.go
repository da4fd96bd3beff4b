package lockcheck

import (
	"math/rand/v2"
	"runtime"
	"sync/atomic"
)

// delayLocks is set while the running test wants lock calls delayed.
var delayLocks atomic.Bool

// DelayLocks turns on or off a random delay before every Lock and RLock of a
// Mutex or RWMutex: the calling goroutine first lets the others run for
// between none and delayTurns turns.
//
// A correct program cannot tell: a goroutine may always be interrupted just
// before it locks. A program that looks at its state outside the lock and
// then locks to act on what it saw can: the state changes in between. The
// classic one checks a counter, then locks and sleeps on a sync.Cond, and
// misses the wake-up sent in between. On its own that gap is a few
// instructions wide; delayed, it is up to delayTurns turns wide. The delay
// is random so that two goroutines that both lock are not delayed alike.
func DelayLocks(on bool) {
	raceDisable()
	delayLocks.Store(on)
	raceEnable()
}

// beforeLock delays a Lock or RLock while DelayLocks is on. The random
// numbers come from the runtime's per-thread generator, which synchronises
// nothing.
func beforeLock() {
	raceDisable()
	delay := delayLocks.Load()
	raceEnable()
	if delay {
		for range rand.IntN(delayTurns) {
			runtime.Gosched()
		}
	}
}
