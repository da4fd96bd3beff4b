// Package lazy builds a value the first time someone needs it, and only
// once, however many goroutines ask for it at the same moment.
package lazy

// Mistake: Done takes the mutex that is held for the whole attempt, so it does not answer while init runs
// Fails: TestGetWaitsForInit:fail

import (
	"errors"
	"sync"
	"sync/atomic"
)

// ErrInitPanicked is what Get returns to the callers that were waiting for
// an init call that panicked (the caller that ran init panics instead).
var ErrInitPanicked = errors.New("lazy: init panicked")

// Once returns a function that calls f the first time it is called and
// returns f's result on every call; if f panicked, every call panics with
// the same value. The standard library has exactly this.
func Once[T any](f func() T) func() T {
	return sync.OnceValue(f)
}

// Value is a value of type T built by init the first time Get is called.
// Safe for use by many goroutines at once. Create one with New.
type Value[T any] struct {
	init func() (T, error)

	// done is the fast path. It is an atomic, set only after val has been
	// written, so a Get that loads true also sees val: this is
	// double-checked locking done right. With a plain bool the load would
	// be a data race, and could see the flag without the value.
	done atomic.Bool
	// failed counts the attempts that ended without a value. A Get reads it
	// before it waits for the lock; if it changed by the time the Get holds
	// the lock, an attempt failed while this Get waited for it.
	failed atomic.Uint64

	mu      sync.Mutex // held for a whole attempt: later callers wait on Lock
	val     T          // written under mu, before done is set
	lastErr error      // the error of the latest failed attempt; guarded by mu
}

// New returns a Value that will be built by init. It does not call init.
func New[T any](init func() (T, error)) *Value[T] {
	return &Value[T]{init: init}
}

// Get returns the value, calling init to build it if no attempt has
// succeeded yet.
func (v *Value[T]) Get() (T, error) {
	if v.done.Load() {
		return v.val, nil
	}
	seen := v.failed.Load()
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.done.Load() { // built while we waited for the lock
		return v.val, nil
	}
	if v.failed.Load() != seen { // the attempt we waited for failed: share its error
		var zero T
		return zero, v.lastErr
	}
	return v.attempt()
}

// attempt calls init with v.mu held.
func (v *Value[T]) attempt() (T, error) {
	var zero T
	ok := false
	v.lastErr = ErrInitPanicked // what the waiters get if init panics
	defer func() {
		if !ok { // an error or a panic: this runs before Get's Unlock
			v.failed.Add(1)
		}
	}()
	val, err := v.init()
	if err != nil {
		v.lastErr = err
		return zero, err
	}
	v.val = val
	v.done.Store(true) // after val: whoever loads true sees val
	ok = true
	return val, nil
}

// Done reports whether the value has been built.
func (v *Value[T]) Done() bool {
	v.mu.Lock() // held for the whole attempt: Done waits for init to end
	defer v.mu.Unlock()
	return v.done.Load()
}
