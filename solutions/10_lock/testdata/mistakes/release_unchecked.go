// Package lock is a mutual-exclusion lock built by hand, with the states and
// the API of Python's threading.Lock: acquire (blocking, non-blocking, with a
// timeout), release, and locked, plus acquiring with a context.
package lock

// Mistake: Release never checks the state: it decrements a counter, so releasing an unlocked lock returns nil and drives the count below zero, and then two Acquires both succeed
// Fails: TestReleaseUnlocked:fail

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

// Lock is a lock with two states, unlocked and locked, safe for use by many
// goroutines at once. Create one with New.
type Lock struct {
	mu   sync.Mutex // guards held
	free *sync.Cond // signalled when held goes down; uses mu
	held int        // 1 while locked, 0 while unlocked; nothing keeps it from going below 0
}

// New returns a new, unlocked lock.
func New() *Lock {
	l := &Lock{}
	l.free = sync.NewCond(&l.mu)
	return l
}

// Acquire takes the lock, waiting as long as it takes.
func (l *Lock) Acquire() {
	_ = l.acquire(context.Background())
}

// TryAcquire takes the lock if it is unlocked right now; it never waits.
func (l *Lock) TryAcquire() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held > 0 {
		return false
	}
	l.held++
	return true
}

// AcquireTimeout waits at most d for the lock and reports whether it got it.
// d <= 0 does not wait at all.
func (l *Lock) AcquireTimeout(d time.Duration) bool {
	if d <= 0 {
		return l.TryAcquire()
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return l.acquire(ctx) == nil
}

// AcquireContext waits for the lock until ctx is done, then returns
// ctx.Err(). A context that is already done never takes the lock.
func (l *Lock) AcquireContext(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return l.acquire(ctx)
}

// acquire waits until the lock is free and takes it, or until ctx is done.
func (l *Lock) acquire(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if ctx.Done() != nil {
		// sync.Cond has no timeout. When ctx is done, wake every sleeper;
		// ours sees ctx.Err() and leaves, the others find the lock still
		// taken and go back to sleep. The callback takes mu, so it cannot
		// slip in between our check of ctx.Err() and Wait (that would be a
		// lost wake-up: we would sleep past our deadline). stop ends the
		// registration when we return, so nothing outlives the call.
		stop := context.AfterFunc(ctx, func() {
			l.mu.Lock()
			l.free.Broadcast()
			l.mu.Unlock()
		})
		defer stop()
	}
	// A loop, not an if: being woken only means "the lock was free a moment
	// ago". Someone else (a TryAcquire, another waiter) may have taken it
	// before we got mu back. The lock is checked before ctx, so a wake-up
	// meant for us is never thrown away.
	for l.held > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		l.free.Wait()
	}
	l.held++
	return nil
}

// Release unlocks the lock. If goroutines are waiting, one of them gets it.
func (l *Lock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held-- // no check: a Release of an unlocked lock drives the count below zero
	l.free.Signal()
	return nil
}

// Locked reports whether the lock is held right now.
func (l *Lock) Locked() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.held > 0
}
