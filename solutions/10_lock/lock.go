// Package lock is a mutual-exclusion lock built by hand, with the states and
// the API of Python's threading.Lock: acquire (blocking, non-blocking, with a
// timeout), release, and locked, plus acquiring with a context.
package lock

import (
	"context"
	"errors"
	"time"
)

// Errors returned by the lock. Compare with errors.Is.
var (
	// ErrNotLocked: Release was called on a lock that is not locked.
	ErrNotLocked = errors.New("lock: release of an unlocked lock")
)

// Why a channel?
//
// A channel with room for exactly one value has the two states of a lock:
// empty is unlocked, full is locked. Sending a value into it is acquiring
// (the send waits while the slot is taken), receiving the value back out is
// releasing. Everything else follows from what channels already do:
//
//   - the runtime queues the goroutines blocked in a send, and each receive
//     lets exactly one of them complete: one Release, one new holder, no
//     wake-up lost and none doubled;
//   - select with a default case is a send that does not wait (TryAcquire,
//     Release of an unlocked lock);
//   - select with a timer or ctx.Done() is a send that gives up, and a send
//     that did not happen has left nothing behind: no goroutine, no queued
//     request that could take the lock later;
//   - the receive in Release happens before the next send completes (Go's
//     memory model), so whatever the previous holder wrote is visible to the
//     next one, exactly as with sync.Mutex.

// Lock is a lock with two states, unlocked and locked, safe for use by many
// goroutines at once. Create one with New.
type Lock struct {
	// slot holds one value while the lock is locked and none while it is
	// unlocked. Its capacity is 1 and never changes.
	slot chan struct{}
}

// New returns a new, unlocked lock.
func New() *Lock {
	return &Lock{slot: make(chan struct{}, 1)}
}

// Acquire takes the lock, waiting as long as it takes.
func (l *Lock) Acquire() {
	l.slot <- struct{}{}
}

// TryAcquire takes the lock if it is unlocked right now; it never waits.
func (l *Lock) TryAcquire() bool {
	select {
	case l.slot <- struct{}{}:
		return true
	default: // the slot is full: someone holds the lock
		return false
	}
}

// AcquireTimeout waits at most d for the lock and reports whether it got it.
// d <= 0 does not wait at all.
func (l *Lock) AcquireTimeout(d time.Duration) bool {
	if d <= 0 {
		return l.TryAcquire()
	}
	// A timer of our own, stopped on the way out, rather than time.After:
	// nothing outlives the call.
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case l.slot <- struct{}{}:
		return true
	case <-timer.C:
		// The send never happened, so there is nothing to undo: giving up
		// is just leaving the select.
		return false
	}
}

// AcquireContext waits for the lock until ctx is done, then returns
// ctx.Err(). A context that is already done never takes the lock.
func (l *Lock) AcquireContext(ctx context.Context) error {
	// select picks at random among the cases that are ready, so with a free
	// lock and a done ctx it would sometimes take the lock. The contract says
	// a done ctx wins: check it first.
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case l.slot <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Release unlocks the lock. If goroutines are waiting, exactly one of them
// gets it. Releasing an unlocked lock returns ErrNotLocked and changes
// nothing.
func (l *Lock) Release() error {
	select {
	case <-l.slot:
		return nil
	default:
		// A plain receive would wait here until someone acquired the lock
		// and then steal it from them. Refuse instead.
		return ErrNotLocked
	}
}

// Locked reports whether the lock is held right now. The answer may be out
// of date as soon as it is returned.
func (l *Lock) Locked() bool {
	return len(l.slot) == 1
}
