// Package lazy builds a value the first time someone needs it, and only
// once, however many goroutines ask for it at the same moment.
package lazy

// Mistake: a caller that arrives during an attempt spins: it takes the lock to look whether the attempt ended, lets go, and looks again at once, burning a core while it waits
// Fails: TestGetInitRunsOnce? TestGetNeverHalfBuilt? TestGetWaitsForInit:fail TestGetSharesFailedAttempt:fail TestGetInitPanics:fail TestGetUnderStress TestGetRetriesAfterError?

import (
	"errors"
	"sync"
)

// ErrInitPanicked is what Get returns to the callers that were waiting for
// an init call that panicked.
var ErrInitPanicked = errors.New("lazy: init panicked")

func Once[T any](f func() T) func() T { return sync.OnceValue(f) }

type Value[T any] struct {
	init func() (T, error)

	mu      sync.Mutex
	running bool   // an attempt is running
	ends    uint64 // attempts that have ended
	done    bool
	val     T
	lastErr error // the error of the latest failed attempt
}

func New[T any](init func() (T, error)) *Value[T] { return &Value[T]{init: init} }

func (v *Value[T]) Get() (T, error) {
	v.mu.Lock()
	if v.done {
		defer v.mu.Unlock()
		return v.val, nil
	}
	if !v.running {
		v.running = true
		v.mu.Unlock()
		return v.attempt()
	}
	seen := v.ends
	v.mu.Unlock()
	for { // wait for the running attempt to end, and share its outcome
		v.mu.Lock()
		if v.ends != seen {
			defer v.mu.Unlock()
			if v.done {
				return v.val, nil
			}
			var zero T
			return zero, v.lastErr
		}
		v.mu.Unlock()
	}
}

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
	}()
	val, err = v.init()
	ok = err == nil
	return val, err
}

func (v *Value[T]) Done() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.done
}
