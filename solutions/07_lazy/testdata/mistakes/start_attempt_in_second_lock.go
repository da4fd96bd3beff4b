// Package lazy builds a value the first time someone needs it, and only
// once, however many goroutines ask for it at the same moment.
package lazy

// Mistake: Get looks for a running attempt under the lock, lets go of it, and takes it again to register the attempt it starts: two callers can both see none running and both call init
// Fails: TestGetInitRunsOnce? TestGetNeverHalfBuilt? TestGetWaitsForInit? TestGetSharesFailedAttempt? TestGetInitPanics? TestGetUnderStress TestGetRetriesAfterError?

import (
	"errors"
	"sync"
)

// ErrInitPanicked is what Get returns to the callers that were waiting for
// an init call that panicked.
var ErrInitPanicked = errors.New("lazy: init panicked")

// Once returns a function that calls f once, on its first call.
func Once[T any](f func() T) func() T { return sync.OnceValue(f) }

// Value is a value of type T built by init the first time Get is called.
type Value[T any] struct {
	init func() (T, error)

	mu      sync.Mutex
	done    bool
	val     T
	wait    chan struct{} // closed when the running attempt ends; nil when none runs
	lastErr error         // the error of the latest failed attempt
}

// New returns a Value that will be built by init.
func New[T any](init func() (T, error)) *Value[T] { return &Value[T]{init: init} }

// Get returns the value, building it if needed.
func (v *Value[T]) Get() (T, error) {
	v.mu.Lock()
	done, val, wait := v.done, v.val, v.wait
	v.mu.Unlock()
	if done {
		return val, nil
	}
	if wait != nil { // an attempt is running: wait for it and share its outcome
		<-wait
		v.mu.Lock()
		defer v.mu.Unlock()
		if v.done {
			return v.val, nil
		}
		var zero T
		return zero, v.lastErr
	}
	// Nobody is building it, so start an attempt.
	wait = make(chan struct{})
	v.mu.Lock()
	v.wait = wait
	v.mu.Unlock()
	return v.attempt(wait)
}

func (v *Value[T]) attempt(wait chan struct{}) (val T, err error) {
	ok := false
	defer func() {
		v.mu.Lock()
		defer v.mu.Unlock()
		switch {
		case ok:
			v.val, v.done = val, true
		case err != nil:
			v.lastErr = err
		default:
			v.lastErr = ErrInitPanicked
		}
		if v.wait == wait {
			v.wait = nil
		}
		close(wait)
	}()
	val, err = v.init()
	ok = err == nil
	return val, err
}

// Done reports whether the value has been built.
func (v *Value[T]) Done() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.done
}
