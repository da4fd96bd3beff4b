// Package parallel runs CPU-bound work on every core: Sum splits a loop over
// goroutines, which Go runs in parallel (there is no global interpreter
// lock), and Pool hands requests to a few worker processes over their
// standard input and output, the Go version of "use processes instead".
package parallel

import (
	"context"
	"errors"
	"os/exec"
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
//   - parts <= 0 means runtime.GOMAXPROCS(0): one part per thread that can
//     run Go code at the same time.
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

// Pool is a fixed set of worker processes. A worker reads one request per
// line on its standard input and writes one reply per line on its standard
// output, in order. A Pool is safe for use by many goroutines at once.
type Pool struct {
	// TODO: add fields
}

// NewPool starts size worker processes (size <= 0 means
// runtime.GOMAXPROCS(0)). It calls command once per worker to get a fresh,
// unstarted *exec.Cmd, connects a pipe to its standard input and one to its
// standard output (leave Stderr and everything else as command set them),
// and starts it.
//
// If a worker fails to start, NewPool stops the workers it already started
// (as Close does: it closes their stdin and waits for them) and returns the
// error and a nil Pool. No child process is left running or unwaited.
func NewPool(size int, command func() *exec.Cmd) (*Pool, error) {
	// TODO: start the workers and remember, for each one, the *exec.Cmd, its
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
//   - When every worker is busy, Do waits until one is free. If ctx is done
//     first, Do gives up and returns ctx.Err() without sending anything.
//     Once the request has been sent, Do waits for its reply whatever ctx
//     says (a worker answers every request; Close kills one that does not
//     exit in time).
//   - After Close has been called, Do returns ErrClosed, also a Do that was
//     waiting for a free worker at that moment.
//   - If the worker cannot be written to or its reply cannot be read (it
//     died), Do returns an error.
func (p *Pool) Do(ctx context.Context, request string) (string, error) {
	// TODO: take a free worker (or give up on ctx / Close), write, read the
	// reply line, give the worker back.
	return "", ErrNotImplemented
}

// Close stops the pool and every worker process, and returns only when every
// child process has exited and been waited for (cmd.Wait has returned, so
// cmd.ProcessState is set).
//
//   - New calls of Do, and calls waiting for a free worker, return ErrClosed.
//     Requests already sent get their reply first.
//   - A worker is asked to stop by closing its stdin: it reads end of input
//     and exits. Then Close waits for it.
//   - A worker still running KillAfter after Close was called is killed
//     (cmd.Process.Kill), and waited for too.
//
// Close returns nil when every worker exited with status 0, and otherwise an
// error that says which workers did not (errors.Join of the Wait errors).
// Calling Close again waits for the first call to finish and returns nil.
func (p *Pool) Close() error {
	// TODO: stop new requests, let requests in flight finish, close every
	// worker's stdin, wait for every worker, kill the ones that take too long.
	return ErrNotImplemented
}
