// Package lazy builds a value the first time someone needs it, and only
// once, however many goroutines ask for it at the same moment.
package lazy

// Mistake: a failed attempt hands out the half-built value init returned with its error, not the zero value
// Fails: TestGetRetriesAfterError:fail

import (
	"errors"
	"sync"
)

// ErrInitPanicked is what Get returns to the callers that were waiting for
// an init call that panicked (the caller that ran init panics instead).
var ErrInitPanicked = errors.New("lazy: init panicked")

// What sync.Once gives, and what it does not
//
// once.Do(f) runs f in the first caller only. Every other caller of Do,
// including one that arrives while f is still running, waits until f has
// returned, and everything f wrote is then visible to it (Do "happens
// after" f). That is the whole trick of lazy initialization, and it is why
// a hand-made version with a plain bool flag read outside a lock
// ("double-checked locking") is broken: a reader that sees the flag set has
// no guarantee that it also sees the value written before it, and the race
// detector says so.
//
// But Once remembers only THAT f ran, not HOW it ended. A call of f that
// returned an error, or panicked, still counts as done, and Do will never
// call f again. So both parts of this package add what Once lacks:
//
//   - Once records whether f returned normally and, if not, what it
//     panicked with, so every later call can panic the same way;
//   - Value uses one sync.Once per attempt, and throws a failed attempt
//     away, so that the next Get gets a fresh Once and calls init again.

// Once returns a function that calls f the first time it is called and
// returns f's result on every call. It is what sync.OnceValue does; in real
// code, call sync.OnceValue(f). It is written out here to show the panic
// rule that a bare sync.Once gets wrong.
func Once[T any](f func() T) func() T {
	var (
		once     sync.Once
		val      T
		finished bool // f returned normally
		p        any  // what f panicked with, when it did not
	)
	return func() T {
		once.Do(func() {
			defer func() {
				if !finished {
					p = recover()
				}
			}()
			val = f()
			finished = true
		})
		// Do has returned, so the writes made inside it are visible here.
		if !finished {
			panic(p) // every call, the first one included, panics the same way
		}
		return val
	}
}

// Value is a value of type T built by init the first time Get is called.
// Safe for use by many goroutines at once. Create one with New.
type Value[T any] struct {
	init func() (T, error)

	mu      sync.Mutex  // guards the two fields below; never held while init runs
	current *attempt[T] // the attempt that new callers of Get join
	done    bool        // an attempt has succeeded
}

// attempt is one call of init and its outcome. Its fields are written
// inside once.Do and read only after once.Do has returned.
type attempt[T any] struct {
	once sync.Once
	val  T
	err  error
}

// New returns a Value that will be built by init. It does not call init.
func New[T any](init func() (T, error)) *Value[T] {
	return &Value[T]{init: init, current: &attempt[T]{}}
}

// Get returns the value, calling init to build it if no attempt has
// succeeded yet. Callers that arrive during an attempt wait for it and share
// its outcome; a failed or panicked attempt is not kept, so the next Get
// tries again.
func (v *Value[T]) Get() (T, error) {
	v.mu.Lock()
	a := v.current
	v.mu.Unlock()

	// The first caller of this attempt runs init; the others wait here until
	// it has finished (however it finished) and then read its outcome.
	a.once.Do(func() { v.run(a) })
	return a.val, a.err
}

// run makes attempt a: it calls init and records the outcome.
func (v *Value[T]) run(a *attempt[T]) {
	// If init panics, the assignments below never happen, and the waiters
	// of this attempt read this error. The panic itself goes on up to the
	// caller that ran init: it is not swallowed.
	a.err = ErrInitPanicked

	// Deferred, so that it also happens when init panics.
	defer func() {
		v.mu.Lock()
		defer v.mu.Unlock()
		if a.err == nil {
			v.done = true
			return
		}
		// Failed: later callers must not join this attempt. Callers that
		// already hold a pointer to it still read its error.
		v.current = &attempt[T]{}
	}()

	val, err := v.init()
	a.val, a.err = val, err
}

// Done reports whether the value has been built. It takes v.mu, which is
// never held while init runs, so it answers at once.
func (v *Value[T]) Done() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.done
}
