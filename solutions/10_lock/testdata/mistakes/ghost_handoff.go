// Package lock is a mutual-exclusion lock built by hand, with the states and
// the API of Python's threading.Lock: acquire (blocking, non-blocking, with a
// timeout), release, and locked, plus acquiring with a context.
package lock

// Mistake: waiters queue up and Release hands the lock to the first in line, but a waiter that gives up stays in the line: the lock is handed to nobody and the goroutines still waiting sleep on
// Fails: TestGiveUpLeavesNothingBehind:fail TestUnderStress

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

// Lock is a fair (first come, first served) lock: Release hands the lock
// straight to the goroutine that has waited longest.
type Lock struct {
	mu      sync.Mutex      // guards the fields below
	locked  bool            // stays true while the lock is handed over
	waiting []chan struct{} // one per waiter, oldest first; closed to hand over
}

// New returns a new, unlocked lock.
func New() *Lock {
	return &Lock{}
}

// wait takes the lock, or queues up and waits until Release hands it over
// or done is closed.
func (l *Lock) wait(done <-chan struct{}) bool {
	l.mu.Lock()
	if !l.locked {
		l.locked = true
		l.mu.Unlock()
		return true
	}
	turn := make(chan struct{})
	l.waiting = append(l.waiting, turn)
	l.mu.Unlock()
	select {
	case <-turn:
		return true
	case <-done:
		return false // still in l.waiting: Release will hand the lock to this turn
	}
}

// Acquire takes the lock, waiting as long as it takes.
func (l *Lock) Acquire() {
	l.wait(nil)
}

// TryAcquire takes the lock if it is unlocked right now; it never waits.
func (l *Lock) TryAcquire() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.locked {
		return false
	}
	l.locked = true
	return true
}

// AcquireTimeout waits at most d for the lock and reports whether it got it.
func (l *Lock) AcquireTimeout(d time.Duration) bool {
	if d <= 0 {
		return l.TryAcquire()
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return l.wait(ctx.Done())
}

// AcquireContext waits for the lock until ctx is done, then returns
// ctx.Err().
func (l *Lock) AcquireContext(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !l.wait(ctx.Done()) {
		return ctx.Err()
	}
	return nil
}

// Release hands the lock to the longest waiter, or unlocks it if nobody
// waits. Releasing an unlocked lock returns ErrNotLocked.
func (l *Lock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.locked {
		return ErrNotLocked
	}
	if len(l.waiting) == 0 {
		l.locked = false
		return nil
	}
	turn := l.waiting[0]
	l.waiting = l.waiting[1:]
	close(turn) // locked stays true: the lock now belongs to that waiter
	return nil
}

// Locked reports whether the lock is held right now.
func (l *Lock) Locked() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.locked
}
