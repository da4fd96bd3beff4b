// Package lazy builds a value the first time someone needs it, and only
// once, however many goroutines ask for it at the same moment.
package lazy

// Mistake: init runs under the lock, but the done flag is set before init has built the value: callers on the fast path return the zero value
// Fails: TestGetInitRunsOnce?:race TestGetNeverHalfBuilt TestGetWaitsForInit TestGetSharesFailedAttempt:fail TestGetInitPanics:fail TestGetUnderStress

import (
	"errors"
	"sync"
	"sync/atomic"
)

// ErrInitPanicked is what Get returns to the callers that were waiting for
// an init call that panicked (the caller that ran init panics instead).
var ErrInitPanicked = errors.New("lazy: init panicked")

// Once returns a function that calls f once and returns its result.
func Once[T any](f func() T) func() T {
	return sync.OnceValue(f)
}

// Value is a lazily built value.
type Value[T any] struct {
	init func() (T, error)

	done   atomic.Bool
	failed atomic.Uint64

	mu      sync.Mutex // held for a whole attempt
	val     T
	lastErr error
}

// New returns a Value that will be built by init.
func New[T any](init func() (T, error)) *Value[T] {
	return &Value[T]{init: init}
}

// Get returns the value, building it on first use.
func (v *Value[T]) Get() (T, error) {
	if v.done.Load() {
		return v.val, nil
	}
	seen := v.failed.Load()
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.done.Load() {
		return v.val, nil
	}
	if v.failed.Load() != seen {
		var zero T
		return zero, v.lastErr
	}
	return v.attempt()
}

func (v *Value[T]) attempt() (T, error) {
	var zero T
	ok := false
	v.lastErr = ErrInitPanicked
	v.done.Store(true) // BUG: "the value is ready", before init has even run
	defer func() {
		if !ok {
			v.done.Store(false)
			v.failed.Add(1)
		}
	}()
	val, err := v.init()
	if err != nil {
		v.lastErr = err
		return zero, err
	}
	v.val = val
	ok = true
	return val, nil
}

// Done reports whether the value has been built.
func (v *Value[T]) Done() bool {
	return v.done.Load()
}
