package runner

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"os"
	"slices"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/concurrency-kit/kit/grader/event"
)

// maxRecord bounds one record on the result channel; the harness bounds the
// goroutine dumps it sends well below it. A longer line is skipped whole.
const maxRecord = 8 << 20

// resultReader reads the harness's records from the read end of the result
// pipe while the test process runs, and stops reading at the moment the
// grader decides: only what was in the pipe when the process was reaped is
// taken, so a record written later, by a process that escaped or inherited
// the pipe, is never read.
type resultReader struct {
	pipe *os.File
	done chan struct{}

	mu      sync.Mutex
	pending []byte // bytes read that do not yet end a line
	skip    bool   // the current line is too long and is being skipped
	filter  *recordFilter
}

func newResultReader(pipe *os.File, tests []string) *resultReader {
	r := &resultReader{pipe: pipe, done: make(chan struct{}), filter: newRecordFilter(tests)}
	go r.run()
	return r
}

func (r *resultReader) run() {
	defer close(r.done)
	buf := make([]byte, 64<<10)
	for {
		n, err := r.pipe.Read(buf)
		r.take(buf[:n])
		if err != nil {
			return
		}
	}
}

// take adds bytes read from the pipe and handles every line they complete.
func (r *resultReader) take(data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for len(data) > 0 {
		line, rest, complete := bytes.Cut(data, []byte("\n"))
		if !r.skip {
			r.pending = append(r.pending, line...)
			r.skip = len(r.pending) > maxRecord
		}
		if !complete {
			return
		}
		if !r.skip {
			var rec event.Record
			if json.Unmarshal(r.pending, &rec) == nil {
				r.filter.add(rec, time.Now())
			}
		}
		r.pending, r.skip, data = r.pending[:0], false, rest
	}
}

// current returns the test running now and since when it runs ("" and the
// zero time between tests).
func (r *resultReader) current() (string, time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.filter.running, r.filter.runningSince
}

// finish stops reading once the test process has been reaped: it stops the
// reading goroutine, then reads exactly the bytes that are still in the
// pipe, and returns the records kept and how long each test that started
// ran (a test still running when the process ended ran until now).
func (r *resultReader) finish() ([]event.Record, map[string]time.Duration) {
	r.pipe.SetReadDeadline(time.Unix(1, 0)) // wakes a blocked Read at once
	<-r.done
	if n := available(r.pipe); n > 0 {
		r.pipe.SetReadDeadline(time.Now().Add(drainTime))
		rest := make([]byte, n)
		n, _ = io.ReadFull(r.pipe, rest)
		r.take(rest[:n])
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	durations := maps.Clone(r.filter.durations)
	if r.filter.running != "" {
		durations[r.filter.running] = time.Since(r.filter.runningSince)
	}
	return slices.Clone(r.filter.kept), durations
}

// available is how many bytes are waiting in the pipe.
func available(pipe *os.File) int {
	conn, err := pipe.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	conn.Control(func(fd uintptr) {
		var count int32
		if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, fd, fionread, uintptr(unsafe.Pointer(&count))); errno == 0 {
			n = int(count)
		}
	})
	return n
}

// recordFilter keeps the records that fit the run: the harness runs the
// requested tests one at a time, each announcing its start and then its end.
// A start for a test that was not asked for, or that already started, or
// while another test is running, and an end for a test that is not the one
// running, cannot come from the harness and are dropped.
type recordFilter struct {
	tests        []string
	started      map[string]bool
	running      string
	runningSince time.Time // when the running test started; zero between tests
	kept         []event.Record
	// durations are the times from each ended test's start record to its
	// end record, as they arrived.
	durations map[string]time.Duration
}

func newRecordFilter(tests []string) *recordFilter {
	return &recordFilter{tests: tests, started: map[string]bool{}, durations: map[string]time.Duration{}}
}

func (f *recordFilter) add(r event.Record, now time.Time) {
	switch r.Kind {
	case event.Start:
		if f.running != "" || f.started[r.Test] || !slices.Contains(f.tests, r.Test) {
			return
		}
		f.started[r.Test] = true
		f.running, f.runningSince = r.Test, now
	case event.End:
		if r.Test == "" || r.Test != f.running {
			return
		}
		f.durations[r.Test] = now.Sub(f.runningSince)
		f.running, f.runningSince = "", time.Time{}
	default:
		return
	}
	f.kept = append(f.kept, r)
}
