// Package lock is a mutual-exclusion lock built by hand, with the states and
// the API of Python's threading.Lock: acquire (blocking, non-blocking, with a
// timeout), release, and locked, plus acquiring with a context.
package lock

// Mistake: the lock is a flag and a sync.Cond; when the timeout or context of a waiter ends it Signals instead of Broadcasting, and the one waiter it wakes may be another one, which goes back to sleep: the waiter whose time is up sleeps on
// Fails: TestAcquireTimeout:fail TestGiveUpLeavesNothingBehind? TestUnderStress?

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

// This version builds the lock the way CPython's documentation describes it:
// a flag (locked or not), a small mutex that guards the flag for a few
// instructions at a time, and a condition variable to sleep on while the
// flag says "locked". The small mutex is never held while waiting for the
// big lock: Cond.Wait releases it while sleeping.

// Lock is a lock with two states, unlocked and locked, safe for use by many
// goroutines at once. Create one with New.
type Lock struct {
	mu     sync.Mutex // guards locked; held only for a few instructions
	free   *sync.Cond // signalled when locked becomes false; uses mu
	locked bool
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
	if l.locked {
		return false
	}
	l.locked = true
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
			l.free.Signal() // wakes one sleeper: not necessarily the one whose ctx is done
			l.mu.Unlock()
		})
		defer stop()
	}
	// A loop, not an if: being woken only means "the lock was free a moment
	// ago". Someone else (a TryAcquire, another waiter) may have taken it
	// before we got mu back. The lock is checked before ctx, so a wake-up
	// meant for us is never thrown away.
	for l.locked {
		if err := ctx.Err(); err != nil {
			return err
		}
		l.free.Wait()
	}
	l.locked = true
	return nil
}

// Release unlocks the lock. If goroutines are waiting, one of them gets it.
// Releasing an unlocked lock returns ErrNotLocked and changes nothing.
func (l *Lock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.locked {
		return ErrNotLocked
	}
	l.locked = false
	// One lock freed, one waiter can use it: Signal, not Broadcast. The
	// woken waiter re-checks; if someone else got there first, that
	// someone's Release will signal again.
	l.free.Signal()
	return nil
}

// Locked reports whether the lock is held right now.
func (l *Lock) Locked() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.locked
}
