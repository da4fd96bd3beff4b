// Package lazy builds a value the first time someone needs it, and only
// once, however many goroutines ask for it at the same moment.
package lazy

// Mistake: the waiters' channel is closed after init returns, not in a defer: when init panics it is never closed and the waiters (and every later Get) block forever
// Fails: TestGetInitPanics:leak

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

	mu     sync.Mutex
	done   bool
	val    T
	flight *flight[T]
}

type flight[T any] struct {
	done chan struct{}
	val  T
	err  error
}

// New returns a Value that will be built by init.
func New[T any](init func() (T, error)) *Value[T] {
	return &Value[T]{init: init}
}

// Get returns the value, building it on first use.
func (v *Value[T]) Get() (T, error) {
	v.mu.Lock()
	if v.done {
		val := v.val
		v.mu.Unlock()
		return val, nil
	}
	if f := v.flight; f != nil {
		v.mu.Unlock()
		<-f.done
		return f.val, f.err
	}
	f := &flight[T]{done: make(chan struct{})}
	v.flight = f
	v.mu.Unlock()

	val, err := v.init() // BUG: if init panics, nothing below runs
	v.mu.Lock()
	if err == nil {
		v.val, v.done = val, true
		f.val = val
	}
	f.err = err
	v.flight = nil
	v.mu.Unlock()
	close(f.done)
	if err != nil {
		var zero T
		return zero, err
	}
	return val, nil
}

// Done reports whether the value has been built.
func (v *Value[T]) Done() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.done
}
