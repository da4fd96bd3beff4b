package runner

import (
	"bufio"
	"context"
	"encoding/json"
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
)

// maxOutput bounds the output kept from one test process.
const maxOutput = 1 << 20

// backstopGrace is how long past its limit a test may run before the grader
// itself ends the process (the harness normally ends it first, with a
// goroutine dump).
const backstopGrace = 5 * time.Second

// Process is what one run of a test binary left behind.
type Process struct {
	Records  []event.Record // from the result channel, in order
	Output   string         // stdout and stderr, interleaved as written
	ExitCode int            // -1 when killed by a signal
	// Killed is set when the grader ended the process because a test ran
	// past its limit and the harness did not end it.
	Killed bool
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
}

// Execute runs the binary once for the given tests. Every process runs in
// its own process group, which is killed when the run ends, so nothing the
// tests started outlives it.
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

	overall := time.Duration(len(x.Tests))*(x.Limit+backstopGrace) + 30*time.Second
	cmd := exec.Command(x.Binary,
		"-test.run", "^("+strings.Join(x.Tests, "|")+")$",
		"-test.v", "-test.count=1", "-test.paniconexit0",
		"-test.timeout", overall.String(),
	)
	cmd.Dir = x.Dir
	cmd.Env = append(testEnv(), x.Env...)
	cmd.Env = append(cmd.Env, event.FDEnv+"=3", event.LimitEnv+"="+x.Limit.String())
	cmd.ExtraFiles = []*os.File{resultsWriter}
	cmd.Stdout = outputWriter
	cmd.Stderr = outputWriter
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	err = cmd.Start()
	resultsWriter.Close()
	outputWriter.Close()
	if err != nil {
		return nil, fmt.Errorf("start test binary: %w", err)
	}
	group := cmd.Process.Pid
	defer syscall.Kill(-group, syscall.SIGKILL)

	p := &Process{}
	var (
		mu        sync.Mutex
		testStart time.Time // when the running test started; zero between tests
		readers   sync.WaitGroup
		outBuf    strings.Builder
	)
	readers.Go(func() {
		scanner := bufio.NewScanner(results)
		scanner.Buffer(make([]byte, 64<<10), 8<<20)
		for scanner.Scan() {
			var r event.Record
			if json.Unmarshal(scanner.Bytes(), &r) != nil {
				continue
			}
			mu.Lock()
			p.Records = append(p.Records, r)
			if r.Kind == event.Start {
				testStart = time.Now()
			} else {
				testStart = time.Time{}
			}
			mu.Unlock()
		}
	})
	readers.Go(func() {
		io.Copy(&limitedWriter{w: &outBuf, n: maxOutput}, output)
	})

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	ticker := time.NewTicker(100 * time.Millisecond)
	defer ticker.Stop()
	var waitErr error
wait:
	for {
		select {
		case waitErr = <-done:
			break wait
		case <-ctx.Done():
			syscall.Kill(-group, syscall.SIGKILL)
			<-done
			return nil, ctx.Err()
		case <-ticker.C:
			mu.Lock()
			overdue := !testStart.IsZero() && time.Since(testStart) > x.Limit+backstopGrace
			mu.Unlock()
			if overdue && !p.Killed {
				p.Killed = true
				// SIGQUIT makes the Go runtime print every goroutine's stack.
				syscall.Kill(group, syscall.SIGQUIT)
				time.AfterFunc(2*time.Second, func() { syscall.Kill(-group, syscall.SIGKILL) })
			}
		}
	}
	syscall.Kill(-group, syscall.SIGKILL) // children the tests left behind
	readers.Wait()
	p.Output = outBuf.String()
	p.ExitCode = cmd.ProcessState.ExitCode()
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) {
		return nil, fmt.Errorf("wait for test binary: %w", waitErr)
	}
	p.Clean = !p.Killed && (p.ExitCode == 0 || p.ExitCode == 1)
	return p, nil
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
