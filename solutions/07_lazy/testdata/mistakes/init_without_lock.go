// Package lazy builds a value the first time someone needs it, and only
// once, however many goroutines ask for it at the same moment.
package lazy

// Mistake: no lock at all: Get checks done and, if it is false, calls init itself, so callers that arrive together all run init
// Fails: TestGetInitRunsOnce:race TestGetNeverHalfBuilt:race TestGetWaitsForInit TestGetSharesFailedAttempt TestGetInitPanics TestGetUnderStress

import (
	"errors"
	"sync"
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
	done bool
	val  T
}

// New returns a Value that will be built by init.
func New[T any](init func() (T, error)) *Value[T] {
	return &Value[T]{init: init}
}

// Get returns the value, building it on first use.
func (v *Value[T]) Get() (T, error) {
	if v.done {
		return v.val, nil
	}
	// BUG: check-then-act without a lock: every caller that saw done == false
	// gets here, and each one calls init.
	val, err := v.init()
	if err != nil {
		var zero T
		return zero, err
	}
	v.val = val
	v.done = true
	return val, nil
}

// Done reports whether the value has been built.
func (v *Value[T]) Done() bool {
	return v.done
}
