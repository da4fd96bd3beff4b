// Package lock is a mutual-exclusion lock built by hand, with the states and
// the API of Python's threading.Lock: acquire (blocking, non-blocking, with a
// timeout), release, and locked, plus acquiring with a context.
package lock

// Mistake: every acquire polls: TryAcquire, time.Sleep(time.Millisecond), try again, so a waiter wakes up a thousand times a second and notices a Release up to 1ms late
// Fails: TestWaitersTakeNoTurns:fail TestAcquireWaitsForRelease:fail TestAcquireTimeout:fail TestAcquireContext:fail

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Errors returned by the lock. Compare with errors.Is.
var (
	// ErrNotLocked: Release was called on a lock that is not locked.
	ErrNotLocked = errors.New("lock: release of an unlocked lock")
)

// Lock is a flag guarded by a mutex.
type Lock struct {
	mu     sync.Mutex
	locked bool
}

// New returns a new, unlocked lock.
func New() *Lock { return &Lock{} }

// Acquire takes the lock, looking again every millisecond.
func (l *Lock) Acquire() {
	for !l.TryAcquire() {
		time.Sleep(time.Millisecond)
	}
}

// TryAcquire takes the lock if it is unlocked right now.
func (l *Lock) TryAcquire() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.locked {
		return false
	}
	l.locked = true
	return true
}

// AcquireTimeout looks every millisecond until d has passed.
func (l *Lock) AcquireTimeout(d time.Duration) bool {
	if d <= 0 {
		return l.TryAcquire()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	for !l.TryAcquire() {
		select {
		case <-timer.C:
			return false
		case <-time.After(time.Millisecond):
		}
	}
	return true
}

// AcquireContext looks every millisecond until ctx is done.
func (l *Lock) AcquireContext(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for !l.TryAcquire() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
	return nil
}

// Release unlocks the lock.
func (l *Lock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.locked {
		return ErrNotLocked
	}
	l.locked = false
	return nil
}

// Locked reports whether the lock is held right now.
func (l *Lock) Locked() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.locked
}
