// Package registry keeps track of named workers: the Go version of Python's
// thread names, is_alive(), threading.enumerate(), active_count() and
// current_thread().
//
// Goroutines have no names and no ids, and no goroutine can ask "who am I?".
// So the bookkeeping is explicit: a Registry remembers which workers are
// running under which name, and each worker learns its own name from the
// context it is given.
package registry

import (
	"context"
	"errors"
)

// Errors returned by Start, Go and Wait. Callers compare them with
// errors.Is, so return these exact values (or wrap them).
var (
	// ErrDuplicateName means a live worker of the same registry already has
	// this name.
	ErrDuplicateName = errors.New("registry: a live worker already has this name")
	// ErrAlreadyStarted means Start was called on a worker that was started
	// before (whether it is still running or has finished).
	ErrAlreadyStarted = errors.New("registry: worker already started")
	// ErrNotStarted means Wait was called on a worker that was never started.
	ErrNotStarted = errors.New("registry: worker not started")

	// ErrNotImplemented is what the unfinished stub returns. Your solution
	// must not return it.
	ErrNotImplemented = errors.New("registry: not implemented")
)

// Registry is a set of named workers that any number of goroutines may use
// at the same time. Create one with New; the zero value is not used.
//
// A worker goes through three stages, in this order only:
//
//	defined (Define) -> running (Start) -> finished (f has returned)
//
// A worker is "alive" while it is running, and only then. At every moment
// the registry's answers agree with each other: w.Alive() is true exactly
// when Lookup(w.Name()) returns w, exactly when w.Name() is in Enumerate(),
// and ActiveCount() == len(Enumerate()).
type Registry struct {
	// TODO: add fields
}

// New returns an empty registry.
func New() *Registry {
	// TODO
	return &Registry{}
}

// Worker is one named task of a Registry. Create one with Define or Go.
type Worker struct {
	// TODO: add fields
}

// Define creates a worker of r that will run f under name, but does not
// start it (Python: threading.Thread(target=f, name=name) without start()).
//
// A defined worker is not alive: Alive reports false, Enumerate does not
// list it, ActiveCount does not count it, Lookup does not find it, and f
// does not run. Define never fails, even if a live worker has the same name:
// names are checked by Start. Any string is a valid name; names are
// compared exactly. f must not be nil.
func (r *Registry) Define(name string, f func(ctx context.Context)) *Worker {
	// TODO
	return &Worker{}
}

// Go defines a worker and starts it: Define(name, f) followed by Start. It
// returns the running worker, or nil and the error of Start.
func (r *Registry) Go(name string, f func(ctx context.Context)) (*Worker, error) {
	// TODO
	return nil, ErrNotImplemented
}

// Start registers the worker under its name and runs f(ctx) in a new
// goroutine. ctx is a context for which Current(ctx) returns the worker's
// name (so do contexts derived from it); it is never cancelled.
//
// Start does not wait for f. When Start returns nil the worker is already
// alive: Alive reports true and the registry lists it, even if its
// goroutine has not been scheduled yet. It stays alive until f returns.
//
// Errors (then nothing changes: no goroutine, nothing registered):
//   - ErrAlreadyStarted if the worker was started before (a worker runs at
//     most once, like a Python thread);
//   - ErrDuplicateName if a live worker of the same registry has this name.
//     The worker stays defined and may be started later, for example once
//     the other worker has finished. Names of finished workers are free.
func (w *Worker) Start() error {
	// TODO
	return ErrNotImplemented
}

// Name returns the worker's name, in every stage.
func (w *Worker) Name() string {
	// TODO
	return ""
}

// Alive reports whether the worker is running (Python's is_alive()): true
// from the moment Start returns nil until f has returned; false before
// Start, after a failed Start, and once f has returned. It never blocks for
// long and is safe to call from any goroutine, also while the worker exits.
func (w *Worker) Alive() bool {
	// TODO
	return false
}

// Wait blocks until f has returned (Python's join()), then returns nil. It
// returns nil at once if the worker has already finished, and ErrNotStarted
// at once if the worker was never started.
//
// When Wait returns nil the worker is fully gone: Alive is false, the
// registry no longer lists it, and its name is free for a new worker. Any
// number of goroutines may Wait for the same worker.
func (w *Worker) Wait() error {
	// TODO
	return ErrNotImplemented
}

// Enumerate returns the names of the live workers, sorted in increasing
// order (Python's threading.enumerate(), which lists the threads "started
// and not yet finished"). With no live worker it returns an empty slice.
//
// The result is a new slice owned by the caller: changing it does not
// change the registry, and later starts and exits do not change it.
func (r *Registry) Enumerate() []string {
	// TODO
	return nil
}

// ActiveCount returns the number of live workers (Python's
// threading.active_count()), the same as len(Enumerate()).
func (r *Registry) ActiveCount() int {
	// TODO
	return 0
}

// Lookup returns the live worker called name, and true. If no live worker
// has that name (never started, or finished), it returns nil, false.
func (r *Registry) Lookup(name string) (*Worker, bool) {
	// TODO
	return nil, false
}

// Current returns the name of the worker that ctx belongs to, and true
// (Python's threading.current_thread().name). ctx must be the context
// that Start gave the worker's f, or a context derived from it (WithCancel,
// WithValue, ...). For any other context, such as context.Background(), it
// returns "", false.
//
// Store the worker in the context under a key of an unexported type of this
// package, so that no other package's context value can be mistaken for it.
func Current(ctx context.Context) (name string, ok bool) {
	// TODO
	return "", false
}
