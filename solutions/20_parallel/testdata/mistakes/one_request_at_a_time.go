// Package parallel runs CPU-bound work on every core: Sum splits a loop over
// goroutines, which Go runs in parallel (there is no global interpreter
// lock), and Pool hands requests to a few worker processes over their
// standard input and output, the Go version of "use processes instead".
package parallel

// Mistake: one sync.Mutex is held for a whole request, so the pool runs one request at a time (and a Do waiting for the lock ignores ctx and Close)
// Fails: TestPoolUsesEveryWorker TestDoGivesUpWhenCtxDone TestWaitingDoDoesNotSpin TestCloseWaitsForRequestsInFlight TestDoAfterClose TestUnusualRequests?

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

	// Each goroutine owns one slot: no two goroutines write the same
	// variable, and wg.Wait() orders every write before the reads below.
	partial := make([]int64, k)
	var wg sync.WaitGroup
	start := 0
	for j := range k {
		// n/k each, and the first n%k ranges one more: the remainder is
		// spread, not dropped and not piled onto the last range. lo and hi
		// are new variables in every iteration; the goroutine must not read
		// start, which the loop changes while the goroutine runs.
		lo, hi := start, start+n/k
		if j < n%k {
			hi++
		}
		start = hi
		// Start every goroutine before waiting for any. A wg.Wait() or a
		// receive inside this loop would make it serial in disguise.
		wg.Go(func() {
			var sum int64 // local: adding into partial[j] on every step would be slower (false sharing)
			for i := lo; i < hi; i++ {
				sum += f(i)
			}
			partial[j] = sum
		})
	}
	wg.Wait()

	var total int64
	for _, s := range partial {
		total += s
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

// Pool is a fixed set of worker processes behind one lock.
type Pool struct {
	mu      sync.Mutex // held for a whole request: the bug
	workers []*worker
	next    int
	closed  bool
}

// worker is one child process and its two pipe ends.
type worker struct {
	proc  Worker
	stdin io.WriteCloser
	out   *bufio.Reader
}

// NewPool starts size worker processes.
func NewPool(size int, start func() (Worker, error)) (*Pool, error) {
	if size <= 0 {
		size = runtime.GOMAXPROCS(0)
	}
	p := &Pool{}
	for range size {
		w, err := startWorker(start)
		if err != nil {
			stopAll(p.workers)
			return nil, fmt.Errorf("parallel: start worker %d: %w", len(p.workers), err)
		}
		p.workers = append(p.workers, w)
	}
	return p, nil
}

// startWorker starts a worker and keeps its two pipe ends.
func startWorker(start func() (Worker, error)) (*worker, error) {
	proc, err := start()
	if err != nil {
		return nil, err
	}
	return &worker{proc: proc, stdin: proc.Stdin(), out: bufio.NewReader(proc.Stdout())}, nil
}

// request writes one request to w and reads its reply.
func (w *worker) request(request string) (string, error) {
	if _, err := io.WriteString(w.stdin, request+"\n"); err != nil {
		return "", fmt.Errorf("parallel: send to worker: %w", err)
	}
	line, err := w.out.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("parallel: read from worker: %w", err)
	}
	return strings.TrimSuffix(line, "\n"), nil
}

// stopAll closes every worker's stdin, kills what still runs after
// KillAfter, and waits for every worker.
func stopAll(workers []*worker) error {
	kill := time.AfterFunc(KillAfter, func() {
		for _, w := range workers {
			w.proc.Kill()
		}
	})
	defer kill.Stop()
	for _, w := range workers {
		w.stdin.Close()
	}
	var errs []error
	for i, w := range workers {
		if err := w.proc.Wait(); err != nil {
			errs = append(errs, fmt.Errorf("parallel: worker %d: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

// Do holds the pool's lock from picking a worker until the reply is read.
// No worker is ever shared, but while one request runs every other Do waits
// for the lock, however many workers are idle: serial in disguise. And a
// goroutine waiting for a mutex cannot give up when its ctx is done.
func (p *Pool) Do(ctx context.Context, request string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return "", ErrClosed
	}
	w := p.workers[p.next]
	p.next = (p.next + 1) % len(p.workers)
	return w.request(request)
}

// Close takes the lock (so it waits for the request in progress) and stops
// every worker.
func (p *Pool) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	return stopAll(p.workers)
}
