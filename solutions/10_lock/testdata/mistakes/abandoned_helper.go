// Package lock is a mutual-exclusion lock built by hand, with the states and
// the API of Python's threading.Lock: acquire (blocking, non-blocking, with a
// timeout), release, and locked, plus acquiring with a context.
package lock

// Mistake: AcquireTimeout and AcquireContext start a goroutine that calls Acquire and wait for it with a timer; when they give up, that goroutine stays blocked and takes the lock later, when nobody wants it
// Fails: TestGiveUpLeavesNothingBehind:fail TestUnderStress TestShortTimeoutsOnRealScheduler?

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

// Lock is a lock with two states, unlocked and locked, safe for use by many
// goroutines at once. Create one with New.
type Lock struct {
	slot chan struct{} // full while locked
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
	default:
		return false
	}
}

// acquireAsync calls Acquire in a goroutine of its own and returns a
// channel that receives a value once it has the lock.
func (l *Lock) acquireAsync() <-chan struct{} {
	got := make(chan struct{}, 1)
	go func() {
		l.Acquire() // nobody stops this when the caller gives up
		got <- struct{}{}
	}()
	return got
}

// AcquireTimeout waits at most d for the lock and reports whether it got it.
func (l *Lock) AcquireTimeout(d time.Duration) bool {
	if d <= 0 {
		return l.TryAcquire()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-l.acquireAsync():
		return true
	case <-timer.C:
		return false
	}
}

// AcquireContext waits for the lock until ctx is done, then returns
// ctx.Err().
func (l *Lock) AcquireContext(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-l.acquireAsync():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Release unlocks the lock. Releasing an unlocked lock returns ErrNotLocked.
func (l *Lock) Release() error {
	select {
	case <-l.slot:
		return nil
	default:
		return ErrNotLocked
	}
}

// Locked reports whether the lock is held right now.
func (l *Lock) Locked() bool {
	return len(l.slot) == 1
}
