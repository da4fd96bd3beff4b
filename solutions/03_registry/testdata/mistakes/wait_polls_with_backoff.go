// Package registry keeps track of named workers: the Go version of Python's
// thread names, is_alive(), threading.enumerate(), active_count() and
// current_thread().
//
// Goroutines have no names and no ids, and no goroutine can ask "who am I?".
// So the bookkeeping is explicit: a Registry remembers which workers are
// running under which name, and each worker learns its own name from the
// context it is given.
package registry

// Mistake: Wait polls Alive with a sleep that doubles up to seconds instead of blocking until the worker's exit closes a channel: it returns seconds late
// Fails: TestFinishedIsNotAlive:fail

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"
)

// Errors returned by Start, Go and Wait. Compare with errors.Is.
var (
	// ErrDuplicateName: a live worker of the same registry has this name.
	ErrDuplicateName = errors.New("registry: a live worker already has this name")
	// ErrAlreadyStarted: Start was called on a worker that was started before.
	ErrAlreadyStarted = errors.New("registry: worker already started")
	// ErrNotStarted: Wait was called on a worker that was never started.
	ErrNotStarted = errors.New("registry: worker not started")
)

// The life of a worker. It only ever moves forward: defined -> running ->
// finished. "Alive" means running, nothing else.
type state int

const (
	defined  state = iota // created by Define, Start not called (or it failed)
	running               // Start succeeded, f has not returned yet
	finished              // f has returned
)

// Registry is a set of named workers. Create one with New.
//
// One mutex guards all the bookkeeping: the map of live workers and the
// state of every worker. Alive, Enumerate, ActiveCount and Lookup all read
// the same facts under the same lock, so they can never disagree: a worker is
// in the map exactly when its state is running.
type Registry struct {
	mu   sync.Mutex
	live map[string]*Worker // the running workers, by name
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{live: make(map[string]*Worker)}
}

// Worker is one named task of a Registry.
type Worker struct {
	r    *Registry
	name string                    // never changes: read without the lock
	f    func(ctx context.Context) // never changes
	done chan struct{}             // closed after the worker has finished

	state state // guarded by r.mu
}

// Define creates a worker that will run f under name, without starting it.
func (r *Registry) Define(name string, f func(ctx context.Context)) *Worker {
	return &Worker{r: r, name: name, f: f, done: make(chan struct{})}
}

// Go defines a worker and starts it.
func (r *Registry) Go(name string, f func(ctx context.Context)) (*Worker, error) {
	w := r.Define(name, f)
	if err := w.Start(); err != nil {
		return nil, err
	}
	return w, nil
}

// Start registers the worker under its name and runs f in a new goroutine.
func (w *Worker) Start() error {
	r := w.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if w.state != defined {
		return ErrAlreadyStarted
	}
	// Check the name and claim it in the same critical section. Checking
	// under the lock, unlocking, and claiming under the lock again would let
	// two Starts with the same name both pass the check.
	if _, taken := r.live[w.name]; taken {
		return ErrDuplicateName // nothing changed: the worker may Start later
	}
	// The worker is alive from here on, before its goroutine even exists.
	// Python's start() waits for the new thread for the same reason: when
	// Start returns, Alive must already say true.
	w.state = running
	r.live[w.name] = w

	// The worker's name travels with its context. An unexported key type
	// means no other package can read or overwrite this value by accident.
	ctx := context.WithValue(context.Background(), workerKey{}, w)
	go w.run(ctx)
	return nil
}

// run is the worker's goroutine.
func (w *Worker) run(ctx context.Context) {
	// Deferred, so that the bookkeeping happens even if f ends its goroutine
	// with runtime.Goexit (t.FailNow does).
	defer w.finish()
	w.f(ctx)
}

// finish is the worker's exit: unregister and mark finished in ONE critical
// section, so that no reader can ever see a worker that is listed but not
// alive, or alive but not listed. Only then is done closed: whoever Wait
// lets through sees the worker gone and the name free.
func (w *Worker) finish() {
	r := w.r
	r.mu.Lock()
	w.state = finished
	delete(r.live, w.name)
	r.mu.Unlock()
	close(w.done)
}

// Name returns the worker's name.
func (w *Worker) Name() string {
	return w.name // set once in Define, never written again: no lock needed
}

// Alive reports whether the worker is running: Start succeeded and f has
// not finished yet.
func (w *Worker) Alive() bool {
	w.r.mu.Lock()
	defer w.r.mu.Unlock()
	return w.state == running
}

// Wait waits until the worker has finished. It returns ErrNotStarted at once
// if the worker was never started.
func (w *Worker) Wait() error {
	w.r.mu.Lock()
	st := w.state
	w.r.mu.Unlock()
	if st == defined {
		return ErrNotStarted
	}
	// BUG: polls with backoff instead of blocking on done.
	d := time.Millisecond
	for w.Alive() {
		time.Sleep(d)
		if d < 5*time.Second {
			d *= 2
		}
	}
	return nil
}

// Enumerate returns the names of the live workers, sorted.
func (r *Registry) Enumerate() []string {
	r.mu.Lock()
	names := make([]string, 0, len(r.live)) // a fresh slice the caller owns
	for name := range r.live {
		names = append(names, name)
	}
	r.mu.Unlock()
	slices.Sort(names) // sorting our own copy needs no lock
	return names
}

// ActiveCount returns the number of live workers.
func (r *Registry) ActiveCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.live)
}

// Lookup returns the live worker called name.
func (r *Registry) Lookup(name string) (*Worker, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w, ok := r.live[name]
	return w, ok
}

// workerKey is the context key under which a worker's context holds the
// worker. It is unexported and has its own type, so it equals no key of any
// other package: not the string "name", not another package's struct{}.
type workerKey struct{}

// Current returns the name of the worker whose context ctx is (or is derived
// from). Goroutines cannot ask the runtime who they are; the context is how
// a worker carries its identity down into the functions it calls.
func Current(ctx context.Context) (string, bool) {
	w, ok := ctx.Value(workerKey{}).(*Worker)
	if !ok {
		return "", false
	}
	return w.name, true
}
