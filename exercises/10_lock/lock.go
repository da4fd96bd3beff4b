// Package lock is a mutual-exclusion lock built by hand, with the states and
// the API of Python's threading.Lock: acquire (blocking, non-blocking, with a
// timeout), release, and locked, plus acquiring with a context.
package lock

import (
	"context"
	"errors"
	"time"
)

// Errors returned by the lock. Callers compare them with errors.Is, so
// return these exact values (or wrap them).
var (
	// ErrNotLocked means Release was called on a lock that is not locked
	// (Python raises RuntimeError for this).
	ErrNotLocked = errors.New("lock: release of an unlocked lock")

	// ErrNotImplemented is what the unfinished stub returns. Your solution
	// must not return it.
	ErrNotImplemented = errors.New("lock: not implemented")
)

// Lock is a lock with two states, unlocked and locked. Any number of
// goroutines may use it at the same time. Create one with New: the zero
// value is not ready to use.
//
// At most one goroutine holds the lock at any moment. A goroutine that wants
// it while it is held waits, and each Release lets exactly one waiting
// goroutine in (if there is one). As in Python, the lock does not remember
// who holds it: any goroutine may release it, not only the one that acquired
// it.
//
// Build the lock yourself, from a channel (a channel with room for one value
// is the classic) or from sync.Cond with a small sync.Mutex that guards your
// own state. Do not build it by wrapping a sync.Mutex (Acquire = mu.Lock):
// a sync.Mutex cannot give up after a timeout or when a context ends, and the
// tests' fake clock cannot see a goroutine that is blocked in one.
//
// Waiting must be real waiting: a goroutine blocked in an Acquire method
// sleeps until a Release (or its timeout, or its context) wakes it. Do not
// poll in a loop with time.Sleep, and do not spin.
type Lock struct {
	// TODO: add fields
}

// New returns a new, unlocked lock (Python's threading.Lock()).
func New() *Lock {
	// TODO
	return &Lock{}
}

// Acquire takes the lock, waiting as long as it takes (Python's
// acquire(), blocking=True and no timeout). When it returns, the caller
// holds the lock and must later Release it.
func (l *Lock) Acquire() {
	// TODO
}

// TryAcquire takes the lock if it is unlocked right now and reports true.
// If the lock is held it reports false at once and changes nothing; it never
// waits (Python's acquire(blocking=False)).
func (l *Lock) TryAcquire() bool {
	// TODO
	return false
}

// AcquireTimeout waits at most d for the lock (Python's acquire(timeout=d)).
// It reports true, holding the lock, as soon as it gets it: when the lock is
// released after 2s, it returns after 2s, not after d. If the lock is still
// held exactly d after the call, it reports false and does not hold the
// lock, now or later: an attempt that gave up must never take the lock
// afterwards, and leaves no goroutine of its own behind.
//
// d <= 0 means do not wait at all: the same as TryAcquire.
func (l *Lock) AcquireTimeout(d time.Duration) bool {
	// TODO
	return false
}

// AcquireContext waits for the lock until ctx is done. It returns nil,
// holding the lock, as soon as it gets it. If ctx is done first, it returns
// ctx.Err() at that moment and does not hold the lock, now or later (as for
// AcquireTimeout: a cancelled attempt takes nothing and leaves no goroutine
// behind).
//
// If ctx is already done when AcquireContext is called, it returns ctx.Err()
// at once without taking the lock, even when the lock is free.
func (l *Lock) AcquireContext(ctx context.Context) error {
	// TODO
	return ErrNotImplemented
}

// Release unlocks a locked lock and returns nil. If goroutines are waiting
// for the lock, exactly one of them gets it.
//
// Releasing a lock that is not locked is a mistake in the caller: Release
// returns ErrNotLocked at once (it never waits) and changes nothing, so the
// lock keeps working as before: one Acquire takes it, a second one waits.
func (l *Lock) Release() error {
	// TODO
	return ErrNotImplemented
}

// Locked reports whether the lock is held right now (Python's locked()).
// Other goroutines may change that as soon as it returns: use it to report
// or to check, never to decide whether to take the lock (use TryAcquire for
// that).
func (l *Lock) Locked() bool {
	// TODO
	return false
}
