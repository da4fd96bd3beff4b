package lockcheck

import (
	"sync/atomic"

	"github.com/petermattis/goid"
)

// The grader runs each test twice: a race run, where these mutexes are plain
// locks, and a lock-order run, where go-deadlock watches them. go-deadlock
// can only find a lock-order inversion where a goroutine takes a lock while
// it holds another, so the race run notes whether that happened at all
// (Nested), and the grader skips the lock-order run of a test that ended
// without it. Recursive locking and stuck locks hang the race run, and a
// test that ran out of time there always has its lock-order run.
//
// The bookkeeping must not hide a data race: an atomic operation is a
// synchronisation for the race detector, so two goroutines counting their
// locks in one shared place would look ordered to it. Every access below is
// made with the race detector's synchronisation turned off for the calling
// goroutine (raceDisable), so it sees neither an order nor an access.

// heldSlots is how many goroutines' counts are kept; a goroutine's count is
// at its id modulo this. Two goroutines that share a slot can only make a
// count look non-zero, which makes the lock-order run happen: never skipped
// wrongly, except when one goroutine's unlock takes the other's count back
// to zero while both hold locks, which needs 65536 goroutine ids between two
// goroutines that hold locks at once.
const heldSlots = 1 << 16

var (
	// held counts, per goroutine, the watched locks it holds or is taking.
	held [heldSlots]atomic.Int32
	// nested is set once a goroutine took a watched lock while it held
	// another, or when the counts no longer add up.
	nested atomic.Bool
)

// enter counts a lock that the calling goroutine is about to take and
// returns the goroutine's id, for the matching leave.
func enter() int64 {
	id := goid.Get()
	raceDisable()
	if held[id%heldSlots].Add(1) != 1 {
		// Held another lock, or a count went below zero when a lock was
		// unlocked by another goroutine than the one that took it: either
		// way the lock-order run has something to look at.
		nested.Store(true)
	}
	raceEnable()
	return id
}

// leave counts a lock released that goroutine id had taken.
func leave(id int64) {
	raceDisable()
	held[id%heldSlots].Add(-1)
	raceEnable()
}

// Nested reports whether, since the last ResetNesting, a goroutine took a
// watched lock (Lock, RLock, or an RWMutex's TryLock or TryRLock) while it
// held another. The harness reports it with each test's result.
func Nested() bool {
	raceDisable()
	defer raceEnable()
	return nested.Load()
}

// ResetNesting forgets what Nested has seen; the harness calls it as each
// test begins. Counts of locks still held are kept: a goroutine left over
// from an earlier test that holds a lock makes the next lock it takes count
// as nested, which only makes a lock-order run happen.
func ResetNesting() {
	raceDisable()
	nested.Store(false)
	raceEnable()
}
