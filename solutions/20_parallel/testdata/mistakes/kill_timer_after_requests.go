package parallel

// Mistake: Close starts the KillAfter timer only once the requests in flight have ended: a worker that never answers is never killed, and Close never returns
// Fails: TestUnusualRequests:fail

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

// Pool is a fixed set of worker processes.
//
// The free workers wait in a buffered channel. Taking a worker out of the
// channel gives a goroutine the worker for itself: nobody else can write its
// stdin or read its stdout until the worker is put back. The channel also
// does the waiting: a receive blocks while every worker is busy, and it can
// sit in a select next to ctx.Done() and the pool's closing signal.
type Pool struct {
	workers []*worker    // fixed after NewPool
	idle    chan *worker // the free workers; room for all of them

	closing   chan struct{} // closed when Close is called
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
	p := &Pool{
		idle:    make(chan *worker, size),
		closing: make(chan struct{}),
	}
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
		p.idle <- w
	}
	return p, nil
}

// Do sends request to a free worker and returns its reply.
func (p *Pool) Do(ctx context.Context, request string) (string, error) {
	select {
	case <-p.closing: // checked first: after Close, never take a worker
		return "", ErrClosed
	default:
	}
	var w *worker
	select {
	case w = <-p.idle:
	case <-ctx.Done():
		return "", ctx.Err()
	case <-p.closing:
		return "", ErrClosed
	}
	// The worker is ours until we put it back, whatever happens (Close
	// counts on getting every worker back). The channel has room for every
	// worker, so this send never blocks.
	defer func() { p.idle <- w }()

	if _, err := io.WriteString(w.stdin, request+"\n"); err != nil {
		return "", fmt.Errorf("parallel: send to worker: %w", err)
	}
	// From here on the worker has the request; its reply is the next line.
	// Abandoning it on ctx.Done() would leave that line in the pipe for the
	// next request to read, so Do waits for it.
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
	close(p.closing) // no new requests; waiting Do calls give up

	// Take every worker back as its request (if any) finishes, and ask it to
	// stop: end of input is the worker's signal to exit.
	for range p.workers {
		w := <-p.idle
		w.stdin.Close()
	}

	// The safety net: whatever is still running after KillAfter is killed.
	kill := time.AfterFunc(KillAfter, func() {
		for _, w := range p.workers {
			w.proc.Kill()
		}
	})
	defer kill.Stop()

	// Wait reaps the child (no zombie) and closes our end of its stdout.
	// All reads are done by now, as Wait requires.
	var errs []error
	for i, w := range p.workers {
		if err := w.proc.Wait(); err != nil {
			errs = append(errs, fmt.Errorf("parallel: worker %d: %w", i, err))
		}
	}
	return errors.Join(errs...)
}
