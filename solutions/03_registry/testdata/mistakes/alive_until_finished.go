// Package registry keeps track of named workers: the Go version of Python's
// thread names, is_alive(), threading.enumerate(), active_count() and
// current_thread().
package registry

// Mistake: Alive means "has not finished yet", so a worker that was only defined (or whose Start failed) counts as alive, is listed and blocks its name
// Fails: TestNotStartedIsNotAlive:fail TestDuplicateName:fail TestConcurrentBookkeeping:fail TestOneLiveWorkerPerName?

import (
	"context"
	"errors"
	"slices"
	"sync"
)

// Errors returned by Start, Go and Wait. Compare with errors.Is.
var (
	ErrDuplicateName  = errors.New("registry: a live worker already has this name")
	ErrAlreadyStarted = errors.New("registry: worker already started")
	ErrNotStarted     = errors.New("registry: worker not started")
)

// Registry is a set of named workers.
type Registry struct {
	mu      sync.Mutex
	workers []*Worker // every worker ever defined in this registry
}

// New returns an empty registry.
func New() *Registry { return &Registry{} }

// Worker is one named task of a Registry.
type Worker struct {
	r       *Registry
	name    string
	f       func(ctx context.Context)
	done    chan struct{} // closed when f has returned
	started bool          // guarded by r.mu
}

// Define creates a worker and remembers it in the registry.
func (r *Registry) Define(name string, f func(ctx context.Context)) *Worker {
	w := &Worker{r: r, name: name, f: f, done: make(chan struct{})}
	r.mu.Lock()
	r.workers = append(r.workers, w)
	r.mu.Unlock()
	return w
}

// Go defines a worker and starts it.
func (r *Registry) Go(name string, f func(ctx context.Context)) (*Worker, error) {
	w := r.Define(name, f)
	if err := w.Start(); err != nil {
		return nil, err
	}
	return w, nil
}

// Start runs f in a new goroutine.
func (w *Worker) Start() error {
	r := w.r
	r.mu.Lock()
	defer r.mu.Unlock()
	if w.started {
		return ErrAlreadyStarted
	}
	for _, o := range r.workers {
		if o != w && o.name == w.name && o.alive() {
			return ErrDuplicateName
		}
	}
	w.started = true
	ctx := context.WithValue(context.Background(), workerKey{}, w)
	go func() {
		defer close(w.done)
		w.f(ctx)
	}()
	return nil
}

// alive reports whether the worker has not finished yet. BUG: a worker
// that was never started has not finished either.
func (w *Worker) alive() bool {
	select {
	case <-w.done:
		return false
	default:
		return true
	}
}

// Name returns the worker's name.
func (w *Worker) Name() string { return w.name }

// Alive reports whether the worker has not finished.
func (w *Worker) Alive() bool { return w.alive() }

// Wait waits until f has returned.
func (w *Worker) Wait() error {
	w.r.mu.Lock()
	started := w.started
	w.r.mu.Unlock()
	if !started {
		return ErrNotStarted
	}
	<-w.done
	return nil
}

// Enumerate returns the names of the workers that have not finished, sorted.
func (r *Registry) Enumerate() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	names := []string{}
	for _, w := range r.workers {
		if w.alive() {
			names = append(names, w.name)
		}
	}
	slices.Sort(names)
	return names
}

// ActiveCount returns the number of workers that have not finished.
func (r *Registry) ActiveCount() int { return len(r.Enumerate()) }

// Lookup returns the first worker called name that has not finished.
func (r *Registry) Lookup(name string) (*Worker, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, w := range r.workers {
		if w.name == name && w.alive() {
			return w, true
		}
	}
	return nil, false
}

type workerKey struct{}

// Current returns the name of the worker whose context ctx is.
func Current(ctx context.Context) (string, bool) {
	w, ok := ctx.Value(workerKey{}).(*Worker)
	if !ok {
		return "", false
	}
	return w.name, true
}
