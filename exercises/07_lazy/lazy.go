// Package lazy builds a value the first time someone needs it, and only
// once, however many goroutines ask for it at the same moment.
package lazy

import "errors"

var (
	// ErrInitPanicked is what Get returns to the callers that were waiting
	// for an init call that panicked (the caller that ran init panics
	// instead; see Get).
	ErrInitPanicked = errors.New("lazy: init panicked")

	// ErrNotImplemented is what the unfinished stub returns. Your solution
	// must not return it.
	ErrNotImplemented = errors.New("lazy: not implemented")
)

// Once returns a function get that computes f's result the first time it is
// needed and remembers it. This is what sync.OnceValue does: you may call it,
// or build the same thing yourself on sync.Once (then read the panic rule
// twice).
//
//   - Lazy: Once itself does not call f. The first call of get calls f.
//   - Exactly once: f is called at most once, even when many goroutines call
//     get at the same moment. Every call of get, from any goroutine, returns
//     the result of that one call of f.
//   - Callers wait: a call of get made while f is running blocks until f has
//     returned, then returns f's result. It never returns a zero or
//     half-built value.
//   - Panics: if f panics, the call of get that ran f panics with the same
//     value, and so does every later call of get. f is not called again.
func Once[T any](f func() T) func() T {
	// TODO
	return func() T {
		var zero T
		return zero
	}
}

// Value is a value of type T that is built by an init function the first
// time Get is called, and then kept. Any number of goroutines may use a Value
// at the same time. Create one with New; the zero Value is not used.
type Value[T any] struct {
	// TODO: add fields
}

// New returns a Value that will be built by init. New does not call init.
func New[T any](init func() (T, error)) *Value[T] {
	// TODO
	return &Value[T]{}
}

// Get returns the value, calling init to build it if no call of init has
// built it yet. One call of init is an "attempt".
//
//   - Exactly once: as soon as an attempt returns a nil error, its value is
//     kept. From then on every Get returns that value and a nil error, and
//     init is never called again.
//   - One attempt at a time, shared: a Get that finds an attempt already
//     running does not start another one and does not return early. It
//     waits for that attempt to end and returns its outcome, exactly as the
//     Get that called init does. Get never returns a zero or half-built
//     value with a nil error.
//   - Errors are not kept (retry): if init returns a non-nil error, the
//     callers of that attempt (the one that called init and every one that
//     waited for it) all get the zero value and that error (errors.Is must
//     find it). Nothing is kept: the next Get that starts after the failed
//     attempt ended calls init again.
//   - Panics are not swallowed and strand nobody: if init panics, the Get
//     that called it panics with the same value. The callers that waited for
//     that attempt wake up and get the zero value and ErrInitPanicked. The
//     attempt counts as failed: the next Get calls init again.
func (v *Value[T]) Get() (T, error) {
	// TODO
	var zero T
	return zero, ErrNotImplemented
}

// Done reports whether the value has been built: true once an attempt has
// returned a nil error, false before that, while the first attempt runs, and
// after failed attempts. Done never calls init and never waits for an
// attempt that is running.
func (v *Value[T]) Done() bool {
	// TODO
	return false
}
