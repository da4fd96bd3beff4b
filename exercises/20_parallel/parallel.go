// Package parallel runs CPU-bound work on every core: Sum splits a loop over
// goroutines, which Go runs in parallel (there is no global interpreter
// lock), and Pool hands requests to a few worker processes over their
// standard input and output, the Go version of "use processes instead".
package parallel

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotImplemented is what the unfinished stubs return. Remove it when you
// are done.
var ErrNotImplemented = errors.New("parallel: not implemented")

// ErrClosed is returned by Do once Close has been called.
var ErrClosed = errors.New("parallel: pool closed")

// Sum returns f(0) + f(1) + ... + f(n-1), computed by several goroutines at
// once. It wraps around on overflow like any int64 addition (and wrapping
// addition does not care about the order, so any split gives the same sum).
//
//   - parts <= 0 means runtime.GOMAXPROCS(0), read when Sum is called: one
//     part per thread that can run Go code at the same time. (Not
//     runtime.NumCPU: GOMAXPROCS can be set lower or higher than the number
//     of cores.)
//   - The indexes 0..n-1 are cut into k = min(parts, n) contiguous ranges,
//     as equal as possible: the sizes differ by at most one (n = 10, parts =
//     4 gives 0-2, 3-5, 6-7, 8-9). Every index is in exactly one range, also
//     when n is not a multiple of k.
//   - Each range gets a goroutine of its own, which calls f for the indexes
//     of its range in increasing order and adds them up locally. All k
//     goroutines are started before Sum waits for any of them, and none of
//     them waits for another: if f blocks, k calls of f are in progress at
//     the same time.
//   - f is called exactly once per index, possibly from several goroutines
//     at once. Do not hold a lock while calling f.
//   - Sum returns after every goroutine it started has finished. n <= 0
//     gives 0 and calls f never.
func Sum(n int, parts int, f func(i int) int64) int64 {
	// TODO: cut 0..n into k ranges, start a goroutine per range, wait for
	// all of them, add up their partial sums.
	return 0
}

// KillAfter is how long Close waits for the workers to exit by themselves
// before it kills the ones still running. The tests change it.
var KillAfter = 5 * time.Second

// Worker is a worker process that has been started, with a pipe on its
// standard input and one on its standard output: what Python's
// subprocess.Popen(cmd, stdin=PIPE, stdout=PIPE) gives you. NewPool gets its
// workers from a start function that returns a new one per call. The tests
// start real processes (the test binary again, through os/exec; see TestMain
// in parallel_test.go) and hand them to the pool behind this interface; some
// tests hand it in-memory workers instead. Either way, the pool must manage
// them as processes: feed them, read their replies, stop them, wait for them.
type Worker interface {
	// Stdin returns the write end of the pipe on the worker's standard
	// input (the same one every call). Write requests to it. Closing it
	// ends the worker's input, which is its cue to exit.
	Stdin() io.WriteCloser
	// Stdout returns the read end of the pipe on the worker's standard
	// output (the same one every call): its replies, one per line.
	Stdout() io.Reader
	// Wait waits for the process to exit and releases it (until then an
	// exited child stays behind as a zombie). It returns nil when the
	// process exited with status 0, and an error otherwise. Wait closes the
	// read end of Stdout, so call it after the last read. Call it exactly
	// once per worker.
	Wait() error
	// Kill kills the process at once (Wait must still be called). It may be
	// called while another goroutine is in Wait.
	Kill() error
}

// Pool is a fixed set of worker processes. A worker reads one request per
// line on its standard input and writes one reply per line on its standard
// output, in order. A Pool is safe for use by many goroutines at once.
type Pool struct {
	// TODO: add fields
}

// NewPool starts size worker processes (size <= 0 means
// runtime.GOMAXPROCS(0), read when NewPool is called) by calling start once
// per worker.
//
// If start returns an error, NewPool calls it no more, stops the workers it
// already started (as Close does: it closes their stdin and waits for them)
// and returns the error and a nil Pool. No process is left running or
// unwaited.
func NewPool(size int, start func() (Worker, error)) (*Pool, error) {
	// TODO: start the workers and remember, for each one, the Worker, its
	// stdin and a buffered reader on its stdout.
	return nil, ErrNotImplemented
}

// Do sends request (one line: it must not contain a newline; Do adds the
// '\n') to a free worker and returns that worker's reply, without the '\n'.
//
//   - A worker handles one request at a time: nobody else writes to its
//     stdin or reads its stdout until its reply has been read.
//   - Requests from many goroutines at once are spread over the free
//     workers, so up to size requests are in progress at the same time.
//   - When every worker is busy, Do waits until one is free, blocked (not
//     polling in a loop). If ctx is done first, Do gives up and returns
//     ctx.Err() without sending anything.
//     Once the request has been sent, Do waits for its reply whatever ctx
//     says (a worker answers every request; Close kills one that does not
//     exit in time).
//   - After Close has been called (also while Close is still waiting for the
//     workers), Do returns ErrClosed without sending anything, also a Do
//     that was waiting for a free worker at that moment.
//   - If the worker cannot be written to or its reply cannot be read (it
//     died), Do returns an error.
func (p *Pool) Do(ctx context.Context, request string) (string, error) {
	// TODO: take a free worker (or give up on ctx / Close), write, read the
	// reply line, give the worker back.
	return "", ErrNotImplemented
}

// Close stops the pool and every worker process, and returns only when every
// worker has exited and been waited for (its Wait has returned).
//
//   - New calls of Do, and calls waiting for a free worker, return ErrClosed.
//     Requests already sent get their reply first.
//   - A worker is asked to stop by closing its stdin: it reads end of input
//     and exits. Then Close waits for it.
//   - A worker still running KillAfter after Close was called is killed
//     (its Kill), and waited for too. KillAfter counts from the call of
//     Close, once for all the workers, not once per worker.
//
// Close returns nil when every worker exited with status 0, and otherwise an
// error that says which workers did not (errors.Join of the Wait errors).
// Calling Close again waits for the first call to finish and returns nil.
func (p *Pool) Close() error {
	// TODO: stop new requests, let requests in flight finish, close every
	// worker's stdin, wait for every worker, kill the ones that take too long.
	return ErrNotImplemented
}
