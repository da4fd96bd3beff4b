package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/concurrency-kit/kit/grader/event"
	"github.com/concurrency-kit/kit/grader/internal/sandbox"
)

// maxOutput bounds the output kept from one test process.
const maxOutput = 1 << 20

// backstopGrace is how long past its limit a test may run before the grader
// itself ends the process (the harness normally ends it first, with a
// goroutine dump).
const backstopGrace = 5 * time.Second

// drainTime bounds how long the grader reads a test process's pipes after
// the process has ended: what it wrote is already buffered and is read at
// once; a pipe still held open by something else is abandoned then.
const drainTime = time.Second

// pollInterval is how often a running process's time and memory are checked.
const pollInterval = 50 * time.Millisecond

// Process is what one run of a test binary left behind.
type Process struct {
	Records []event.Record // from the result channel, in order, as far as they fit the run
	// Durations are how long each test that started ran, timed by when its
	// records arrived (a test still running at the end: until the end).
	Durations map[string]time.Duration
	Output    string // stdout and stderr, interleaved as written
	ExitCode  int    // -1 when killed by a signal
	// Killed is set when the grader ended the process because a test ran
	// past its limit and the harness did not end it.
	Killed bool
	// MemoryLimit is set (to the limit) when the grader ended the process
	// because it used more memory than its limit.
	MemoryLimit int64
	// Clean is set when the test binary exited by itself with status 0 or 1,
	// the statuses of a test run that completed.
	Clean bool
}

// Execution says how to run a test binary once.
type Execution struct {
	Binary string
	Dir    string   // working folder: the package's folder, as go test does
	Tests  []string // the top-level tests to run, in order
	Env    []string // added to the grader's environment
	Limit  time.Duration
	// Memory is the most resident memory, in bytes, the process and the
	// processes it starts may use together; 0 for no limit.
	Memory int64
	// Sandbox contains the process (nil or disabled: it runs uncontained,
	// in a process group of its own).
	Sandbox *sandbox.Sandbox
	// Alone are tests of Tests that RunTests runs each alone, in processes of
	// their own, beside the others from the start: tests expected to hang.
	Alone []string
	// OnSlow, when set, is called once, from the goroutine that watches the
	// process, with the name of the first test that has run for SlowAfter
	// (RunTests sets it; SlowAfter 0 means its default). It must not block.
	OnSlow    func(test string)
	SlowAfter time.Duration
}

// Execute runs the binary once for the given tests. Every process runs in
// its own process group (and, where the sandbox is enabled, its own PID
// namespace), which is killed when the run ends, so nothing the tests
// started outlives it.
func Execute(ctx context.Context, x Execution) (*Process, error) {
	results, resultsWriter, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("open result channel: %w", err)
	}
	defer results.Close()
	output, outputWriter, err := os.Pipe()
	if err != nil {
		resultsWriter.Close()
		return nil, fmt.Errorf("open output pipe: %w", err)
	}
	defer output.Close()
	cmd, err := command(x, resultsWriter, outputWriter)
	if err == nil {
		err = cmd.Start()
	}
	resultsWriter.Close()
	outputWriter.Close()
	if err != nil {
		return nil, fmt.Errorf("start test binary: %w", err)
	}
	w := &watch{x: x, pid: cmd.Process.Pid, records: newResultReader(results, x.Tests)}
	defer w.killAll()
	var outBuf strings.Builder
	var copier sync.WaitGroup
	copier.Go(func() { io.Copy(&limitedWriter{w: &outBuf, n: maxOutput}, output) })

	waitErr, err := w.wait(ctx, cmd)
	if err != nil {
		return nil, err
	}
	// The process has been reaped: kill what it left behind, then read only
	// what is already in the pipes. Records that come later, from a process
	// that escaped or holds the pipe, are not the test's and are not read;
	// output is read for a moment at most.
	w.killAll()
	p := &w.p
	p.Records, p.Durations = w.records.finish()
	output.SetReadDeadline(time.Now().Add(drainTime))
	copier.Wait()
	p.Output = outBuf.String()
	p.ExitCode = cmd.ProcessState.ExitCode()
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) {
		return nil, fmt.Errorf("wait for test binary: %w", waitErr)
	}
	p.Clean = !p.Killed && p.MemoryLimit == 0 && (p.ExitCode == 0 || p.ExitCode == 1)
	return p, nil
}

// command makes the command that runs the test binary for x, in the sandbox
// when there is one, with the result channel on descriptor 3.
func command(x Execution, results, output *os.File) (*exec.Cmd, error) {
	overall := time.Duration(len(x.Tests))*(x.Limit+backstopGrace) + 30*time.Second
	policy := sandbox.Policy{ReadOnly: []string{x.Binary, x.Dir}, Dir: x.Dir}
	cmd, err := x.Sandbox.Command(policy, x.Binary, []string{
		"-test.run", "^(" + strings.Join(x.Tests, "|") + ")$",
		"-test.v", "-test.count=1", "-test.paniconexit0",
		"-test.timeout", overall.String(),
	})
	if err != nil {
		return nil, err
	}
	cmd.Env = append(testEnv(), x.Env...)
	cmd.Env = append(cmd.Env, event.FDEnv+"=3", event.LimitEnv+"="+x.Limit.String())
	cmd.ExtraFiles = []*os.File{results}
	cmd.Stdout = output
	cmd.Stderr = output
	return cmd, nil
}

// watch keeps an eye on a running test process: its time, its memory, and
// the grader's context.
type watch struct {
	x       Execution
	pid     int
	records *resultReader
	p       Process // Killed and MemoryLimit are set here
	slow    bool    // OnSlow has been called
}

// killAll kills the process and its process group (and, in the sandbox,
// everything in its PID namespace, which dies with it).
func (w *watch) killAll() {
	syscall.Kill(-w.pid, syscall.SIGKILL)
	syscall.Kill(w.pid, syscall.SIGKILL)
}

// wait waits for the process to end, ending it itself when a test runs past
// its limit and the harness did not end it, when it uses too much memory,
// or when ctx is done (then it returns ctx's error).
func (w *watch) wait(ctx context.Context, cmd *exec.Cmd) (waitErr, err error) {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	for {
		select {
		case waitErr := <-done:
			return waitErr, nil
		case <-ctx.Done():
			w.killAll()
			<-done
			return nil, ctx.Err()
		case <-ticker.C:
			w.check()
		}
	}
}

// check enforces the memory limit and the backstop time limit.
func (w *watch) check() {
	if w.x.Memory > 0 && w.p.MemoryLimit == 0 {
		if used, err := sandbox.TreeMemory(w.pid); err == nil && used > w.x.Memory {
			w.p.MemoryLimit = w.x.Memory
			w.killAll()
		}
	}
	test, started := w.records.current()
	if w.x.OnSlow != nil && !w.slow && !started.IsZero() && time.Since(started) > w.x.SlowAfter {
		w.slow = true
		w.x.OnSlow(test)
	}
	overdue := !started.IsZero() && time.Since(started) > w.x.Limit+backstopGrace
	if overdue && !w.p.Killed && w.p.MemoryLimit == 0 {
		w.p.Killed = true
		// SIGQUIT makes the Go runtime print every goroutine's stack.
		syscall.Kill(w.pid, syscall.SIGQUIT)
		time.AfterFunc(2*time.Second, w.killAll)
	}
}

// testEnv is the grader's environment without the variables that steer the
// harness, plus the settings every test process gets.
func testEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case event.FDEnv, event.LockOrderEnv, event.LimitEnv, "GORACE", "GOMAXPROCS", "GOTRACEBACK":
			continue
		}
		env = append(env, kv)
	}
	// Race-instrumented binaries otherwise sleep a second at exit.
	return append(env, "GORACE=atexit_sleep_ms=0 halt_on_error=0")
}

// limitedWriter keeps the first n bytes written and discards the rest.
type limitedWriter struct {
	w interface{ WriteString(string) (int, error) }
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		keep := min(len(p), l.n)
		l.w.WriteString(string(p[:keep]))
		l.n -= keep
		if l.n == 0 {
			l.w.WriteString("\n[output cut at " + strconv.Itoa(maxOutput) + " bytes]\n")
		}
	}
	return len(p), nil
}
