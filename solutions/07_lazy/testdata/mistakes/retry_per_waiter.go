// Package lazy builds a value the first time someone needs it, and only
// once, however many goroutines ask for it at the same moment.
package lazy

// Mistake: after a failed attempt each caller that was waiting for it calls init again itself, instead of sharing the attempt's error
// Fails: TestGetSharesFailedAttempt:fail TestGetInitPanics:fail

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
	done atomic.Bool
	mu   sync.Mutex // held for a whole attempt
	val  T
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
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.done.Load() {
		return v.val, nil
	}
	// BUG: a caller that waited on the lock while an attempt failed does
	// not know it failed, and starts an attempt of its own.
	val, err := v.init()
	if err != nil {
		var zero T
		return zero, err
	}
	v.val = val
	v.done.Store(true)
	return val, nil
}

// Done reports whether the value has been built.
func (v *Value[T]) Done() bool {
	return v.done.Load()
}
