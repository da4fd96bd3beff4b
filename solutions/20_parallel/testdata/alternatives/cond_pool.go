// Package parallel runs CPU-bound work on every core: Sum splits a loop over
// goroutines, which Go runs in parallel (there is no global interpreter
// lock), and Pool hands requests to a few worker processes over their
// standard input and output, the Go version of "use processes instead".
//
// This alternative hands the partial sums over a channel (one receive per
// goroutine instead of a WaitGroup), and keeps the free workers in a slice
// guarded by a mutex, with a sync.Cond to wait for one. context.AfterFunc
// wakes a waiting Do when its ctx ends. The mutex is never held while a
// request is in flight or while a worker is stopped.
package parallel

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"
)

// ErrNotImplemented is what the unfinished stubs return. Remove it when you
// are done.
var ErrNotImplemented = errors.New("parallel: not implemented")

// ErrClosed is returned by Do once Close has been called.
var ErrClosed = errors.New("parallel: pool closed")

// Sum adds up f(0..n-1) with one goroutine per range.
//
// Go schedules goroutines on up to GOMAXPROCS operating-system threads at
// once, and nothing like Python's GIL stops them from running Go code at the
// same time. So with GOMAXPROCS ranges of CPU-bound work, every core gets
// one, and the whole takes about 1/cores of the serial time. The slowest
// range decides when Sum returns, which is why the ranges are as equal as
// possible.
func Sum(n int, parts int, f func(i int) int64) int64 {
	if parts <= 0 {
		parts = runtime.GOMAXPROCS(0)
	}
	k := min(parts, n)
	if k <= 0 {
		return 0
	}

	// Each goroutine sends its partial sum once; Sum receives exactly k of
	// them, so it returns only after every goroutine has sent.
	partials := make(chan int64, k) // room for all: no goroutine waits for Sum
	start := 0
	for j := range k {
		lo, hi := start, start+n/k
		if j < n%k {
			hi++
		}
		start = hi
		go func() {
			var sum int64
			for i := lo; i < hi; i++ {
				sum += f(i)
			}
			partials <- sum
		}()
	}
	var total int64
	for range k {
		total += <-partials
	}
	return total
}

// KillAfter is how long Close waits for the workers to exit by themselves
// before it kills the ones still running. The tests change it.
var KillAfter = 5 * time.Second

// Worker is a worker process that has been started, with a pipe on its
// standard input and one on its standard output. The start function of
// NewPool returns one per call. The tests start real processes (the test
// binary again, through os/exec) and give them to the pool behind this
// interface; some tests give it in-memory workers instead.
type Worker interface {
	// Stdin returns the write end of the pipe on the worker's standard
	// input (the same one every call). Closing it ends the worker's input,
	// which is its cue to exit.
	Stdin() io.WriteCloser
	// Stdout returns the read end of the pipe on the worker's standard
	// output (the same one every call): its replies, one per line.
	Stdout() io.Reader
	// Wait waits for the process to exit and releases it. It returns nil
	// when the process exited with status 0. It closes the read end of
	// Stdout, so call it after the last read, and call it exactly once.
	Wait() error
	// Kill kills the process at once. Wait must still be called. Kill may
	// be called while another goroutine is in Wait.
	Kill() error
}

// Pool is a fixed set of worker processes. The free workers are a stack
// guarded by mu; cond is broadcast whenever a worker is put back, the pool
// closes, or the ctx of a waiting Do ends.
type Pool struct {
	mu      sync.Mutex
	cond    *sync.Cond
	free    []*worker
	closed  bool
	workers []*worker // fixed after NewPool

	closeOnce sync.Once
}

// worker is one process and the two pipe ends the pool uses.
type worker struct {
	proc  Worker
	stdin io.WriteCloser // closing it tells the worker to stop
	out   *bufio.Reader  // its stdout, one reply per line
}

// NewPool starts size worker processes.
func NewPool(size int, start func() (Worker, error)) (*Pool, error) {
	if size <= 0 {
		size = runtime.GOMAXPROCS(0)
	}
	p := &Pool{}
	p.cond = sync.NewCond(&p.mu)
	for range size {
		proc, err := start()
		if err != nil {
			// Do not leave the workers started so far running: stop them
			// exactly as Close does (they are all idle).
			p.Close()
			return nil, fmt.Errorf("parallel: start worker %d: %w", len(p.workers), err)
		}
		w := &worker{proc: proc, stdin: proc.Stdin(), out: bufio.NewReader(proc.Stdout())}
		p.workers = append(p.workers, w)
		p.free = append(p.free, w)
	}
	return p, nil
}

// Do takes a free worker, or waits on the cond for one.
func (p *Pool) Do(ctx context.Context, request string) (string, error) {
	p.mu.Lock()
	if len(p.free) == 0 && !p.closed {
		// Wake this goroutine (and the others; each checks its own ctx)
		// when ctx ends. Taking the lock first makes sure the broadcast
		// cannot slip in between our check of ctx and cond.Wait.
		stop := context.AfterFunc(ctx, func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.cond.Broadcast()
		})
		defer stop()
		for len(p.free) == 0 && !p.closed && ctx.Err() == nil {
			p.cond.Wait()
		}
	}
	if p.closed {
		p.mu.Unlock()
		return "", ErrClosed
	}
	if len(p.free) == 0 {
		p.mu.Unlock()
		return "", ctx.Err()
	}
	w := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	p.mu.Unlock()

	defer func() {
		p.mu.Lock()
		p.free = append(p.free, w)
		p.cond.Broadcast() // a waiting Do, or Close, may take it
		p.mu.Unlock()
	}()
	if _, err := io.WriteString(w.stdin, request+"\n"); err != nil {
		return "", fmt.Errorf("parallel: send to worker: %w", err)
	}
	line, err := w.out.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("parallel: read from worker: %w", err)
	}
	return strings.TrimSuffix(line, "\n"), nil
}

// Close stops every worker and waits for every child process.
func (p *Pool) Close() error {
	var err error
	p.closeOnce.Do(func() { err = p.shutdown() })
	return err
}

func (p *Pool) shutdown() error {
	p.mu.Lock()
	p.closed = true
	p.cond.Broadcast() // waiting Do calls give up
	p.mu.Unlock()

	kill := time.AfterFunc(KillAfter, func() {
		for _, w := range p.workers {
			w.proc.Kill()
		}
	})
	defer kill.Stop()

	// Take every worker back as its request (if any) finishes, and close its
	// stdin, without holding the lock.
	for range p.workers {
		p.mu.Lock()
		for len(p.free) == 0 {
			p.cond.Wait()
		}
		w := p.free[len(p.free)-1]
		p.free = p.free[:len(p.free)-1]
		p.mu.Unlock()
		w.stdin.Close()
	}

	var errs []error
	for i, w := range p.workers {
		if err := w.proc.Wait(); err != nil {
			errs = append(errs, fmt.Errorf("parallel: worker %d: %w", i, err))
		}
	}
	return errors.Join(errs...)
}
