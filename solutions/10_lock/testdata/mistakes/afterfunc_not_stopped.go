// Package lock is a mutual-exclusion lock built by hand, with the states and
// the API of Python's threading.Lock.
package lock

// Mistake: AcquireContext registers a context.AfterFunc callback and never stops it: every call leaves one on the context
// Fails: TestAcquireContext:fail

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrNotLocked: Release was called on a lock that is not locked.
var ErrNotLocked = errors.New("lock: release of an unlocked lock")

// Lock is a flag guarded by a small mutex, with a sync.Cond to sleep on.
type Lock struct {
	mu     sync.Mutex
	cond   *sync.Cond
	locked bool
}

// New returns a new, unlocked lock.
func New() *Lock {
	l := &Lock{}
	l.cond = sync.NewCond(&l.mu)
	return l
}

// wake wakes every waiter so that each looks at its state again.
func (l *Lock) wake() {
	l.mu.Lock()
	l.cond.Broadcast()
	l.mu.Unlock()
}

// Acquire takes the lock, waiting as long as it takes.
func (l *Lock) Acquire() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.locked {
		l.cond.Wait()
	}
	l.locked = true
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

// AcquireTimeout waits at most d for the lock.
func (l *Lock) AcquireTimeout(d time.Duration) bool {
	if d <= 0 {
		return l.TryAcquire()
	}
	deadline := time.Now().Add(d)
	timer := time.AfterFunc(d, l.wake)
	defer timer.Stop()
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.locked {
		if !time.Now().Before(deadline) {
			return false
		}
		l.cond.Wait()
	}
	l.locked = true
	return true
}

// AcquireContext waits for the lock until ctx is done.
func (l *Lock) AcquireContext(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	context.AfterFunc(ctx, l.wake) // wake us when ctx ends
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.locked {
		if err := ctx.Err(); err != nil {
			return err
		}
		l.cond.Wait()
	}
	l.locked = true
	return nil
}

// Release unlocks the lock and lets one waiter in.
func (l *Lock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.locked {
		return ErrNotLocked
	}
	l.locked = false
	l.cond.Signal()
	return nil
}

// Locked reports whether the lock is held right now.
func (l *Lock) Locked() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.locked
}
