// Package lock is a mutual-exclusion lock built by hand, with the states and
// the API of Python's threading.Lock: acquire (blocking, non-blocking, with a
// timeout), release, and locked, plus acquiring with a context.
package lock

// Mistake: the lock is an atomic.Bool and every acquire spins on CompareAndSwap (checking the clock or ctx between tries) instead of blocking: waiters burn a core
// Fails: TestWaitersTakeNoTurns:fail TestStates:fail TestReleaseUnlocked:fail TestAcquireWaitsForRelease:fail TestAcquireTimeout:fail TestAcquireContext:fail TestGiveUpLeavesNothingBehind:fail TestEachReleaseAdmitsOne:fail TestMutualExclusion:fail TestUnderStress?

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// Errors returned by the lock. Compare with errors.Is.
var (
	// ErrNotLocked: Release was called on a lock that is not locked.
	ErrNotLocked = errors.New("lock: release of an unlocked lock")
)

// Lock is a spin lock.
type Lock struct {
	held atomic.Bool
}

// New returns a new, unlocked lock.
func New() *Lock { return &Lock{} }

// Acquire takes the lock, trying again and again.
func (l *Lock) Acquire() {
	for !l.held.CompareAndSwap(false, true) {
	}
}

// TryAcquire takes the lock if it is unlocked right now.
func (l *Lock) TryAcquire() bool { return l.held.CompareAndSwap(false, true) }

// AcquireTimeout tries until d has passed.
func (l *Lock) AcquireTimeout(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		if l.held.CompareAndSwap(false, true) {
			return true
		}
		if !time.Now().Before(deadline) {
			return false
		}
	}
}

// AcquireContext tries until ctx is done.
func (l *Lock) AcquireContext(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if l.held.CompareAndSwap(false, true) {
			return nil
		}
	}
}

// Release unlocks the lock.
func (l *Lock) Release() error {
	if !l.held.CompareAndSwap(true, false) {
		return ErrNotLocked
	}
	return nil
}

// Locked reports whether the lock is held right now.
func (l *Lock) Locked() bool { return l.held.Load() }
