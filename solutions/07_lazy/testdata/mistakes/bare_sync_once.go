// Package lazy builds a value the first time someone needs it, and only
// once, however many goroutines ask for it at the same moment.
package lazy

// Mistake: everything rests on a bare sync.Once, which remembers that init ran, not how it ended: an error is kept forever and a panic turns into a zero value
// Fails: TestOncePanics:fail TestGetRetriesAfterError:fail TestGetSharesFailedAttempt:fail TestGetInitPanics:fail TestGetUnderStress:fail TestOnceWaitsForF?

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
	var (
		once sync.Once
		val  T
	)
	return func() T {
		once.Do(func() { val = f() }) // BUG: if f panics, later calls return the zero value
		return val
	}
}

// Value is a lazily built value.
type Value[T any] struct {
	init func() (T, error)
	once sync.Once
	val  T
	err  error
	done atomic.Bool
}

// New returns a Value that will be built by init.
func New[T any](init func() (T, error)) *Value[T] {
	return &Value[T]{init: init}
}

// Get returns the value, building it on first use.
func (v *Value[T]) Get() (T, error) {
	v.once.Do(func() { // BUG: a failed or panicked init also counts as done
		v.val, v.err = v.init()
		if v.err == nil {
			v.done.Store(true)
		}
	})
	return v.val, v.err
}

// Done reports whether the value has been built.
func (v *Value[T]) Done() bool {
	return v.done.Load()
}
