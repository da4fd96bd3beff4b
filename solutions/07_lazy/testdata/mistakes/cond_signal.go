// Package lazy builds a value the first time someone needs it, and only
// once, however many goroutines ask for it at the same moment.
package lazy

// Mistake: the end of an attempt wakes its callers with Signal instead of Broadcast: one waiter wakes up, the others sleep on forever
// Fails: TestGetInitRunsOnce? TestGetNeverHalfBuilt? TestGetWaitsForInit TestGetSharesFailedAttempt TestGetInitPanics TestGetUnderStress? TestGetRetriesAfterError?

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
// Safe for use by many goroutines at once. Create one with New.
type Value[T any] struct {
	init func() (T, error)

	mu      sync.Mutex
	ended   *sync.Cond // signalled on mu when an attempt ends
	running bool       // an attempt is running
	ends    uint64     // attempts that have ended
	done    bool
	val     T
	lastErr error // the error of the latest failed attempt
}

// New returns a Value that will be built by init. It does not call init.
func New[T any](init func() (T, error)) *Value[T] {
	v := &Value[T]{init: init}
	v.ended = sync.NewCond(&v.mu)
	return v
}

// Get returns the value, calling init to build it if no attempt has
// succeeded yet. Callers that arrive during an attempt sleep on the
// condition until it ends and share its outcome.
func (v *Value[T]) Get() (T, error) {
	v.mu.Lock()
	if v.done {
		defer v.mu.Unlock()
		return v.val, nil
	}
	if !v.running {
		v.running = true
		v.mu.Unlock()
		return v.attempt() // init runs without the lock, so Done answers at once
	}
	seen := v.ends
	for v.ends == seen {
		v.ended.Wait()
	}
	defer v.mu.Unlock()
	if v.done {
		return v.val, nil
	}
	var zero T
	return zero, v.lastErr
}

// attempt calls init without the lock and records its outcome, a panic
// included (the panic itself goes on up to the caller).
func (v *Value[T]) attempt() (val T, err error) {
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
		v.running = false
		v.ends++
		v.ended.Signal()
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
