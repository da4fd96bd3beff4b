// Package lock is a mutual-exclusion lock built by hand, with the states and
// the API of Python's threading.Lock: acquire (blocking, non-blocking, with a
// timeout), release, and locked, plus acquiring with a context.
package lock

// Mistake: Release signals only while its count of sleepers is positive, and both Release and the woken waiter decrement that count: with two or more waiters a wake-up is lost
// Fails: TestAcquireTimeout TestEachReleaseAdmitsOne TestMutualExclusion TestUnderStress?

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
	mu      sync.Mutex // guards locked and waiters
	free    *sync.Cond // signalled when locked becomes false; uses mu
	locked  bool
	waiters int // goroutines asleep in free.Wait
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
			l.free.Broadcast()
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
		l.waiters++
		l.free.Wait()
		l.waiters--
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
	// Only signal when someone sleeps, and count the one we wake. But the
	// woken waiter counts itself out too: the count soon reads zero (or
	// less) while goroutines are still asleep, and they are never woken.
	if l.waiters > 0 {
		l.waiters--
		l.free.Signal()
	}
	return nil
}

// Locked reports whether the lock is held right now.
func (l *Lock) Locked() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.locked
}
