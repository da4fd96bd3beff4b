// Package lock is a mutual-exclusion lock built by hand, with the states and
// the API of Python's threading.Lock: acquire (blocking, non-blocking, with a
// timeout), release, and locked, plus acquiring with a context.
package lock

// Mistake: every wake-up starts a new timer of the full timeout: a waiter woken by a Release that someone else wins goes back to sleep for another d, so AcquireTimeout gives up late
// Fails: TestAcquireTimeout:fail

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

// Lock is a lock whose Release wakes every waiter; they race for it.
type Lock struct {
	mu     sync.Mutex
	locked bool
	wake   chan struct{} // closed (and replaced) by every Release
}

// New returns a new, unlocked lock.
func New() *Lock {
	return &Lock{wake: make(chan struct{})}
}

// wait takes the lock, or gives up after d (if d > 0) or when done is closed.
func (l *Lock) wait(d time.Duration, done <-chan struct{}) bool {
	for {
		l.mu.Lock()
		if !l.locked {
			l.locked = true
			l.mu.Unlock()
			return true
		}
		wake := l.wake
		l.mu.Unlock()
		var timeout <-chan time.Time
		var timer *time.Timer
		if d > 0 {
			timer = time.NewTimer(d) // a fresh d on every round of the loop
			timeout = timer.C
		}
		select {
		case <-wake:
			if timer != nil {
				timer.Stop()
			}
		case <-timeout:
			return false
		case <-done:
			if timer != nil {
				timer.Stop()
			}
			return false
		}
	}
}

// Acquire takes the lock, waiting as long as it takes.
func (l *Lock) Acquire() { l.wait(0, nil) }

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

// AcquireTimeout waits at most d for the lock.
func (l *Lock) AcquireTimeout(d time.Duration) bool {
	if d <= 0 {
		return l.TryAcquire()
	}
	return l.wait(d, nil)
}

// AcquireContext waits for the lock until ctx is done.
func (l *Lock) AcquireContext(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !l.wait(0, ctx.Done()) {
		return ctx.Err()
	}
	return nil
}

// Release unlocks the lock and wakes every waiter.
func (l *Lock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.locked {
		return ErrNotLocked
	}
	l.locked = false
	close(l.wake)
	l.wake = make(chan struct{})
	return nil
}

// Locked reports whether the lock is held right now.
func (l *Lock) Locked() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.locked
}
