package harness

import (
	"encoding/json"
	"os"
	"strconv"
	"sync"
	"syscall"

	"github.com/concurrency-kit/kit/grader/event"
)

// resultChannel writes records to the grader's descriptor, if there is one.
type resultChannel struct {
	mu   sync.Mutex
	file *os.File // nil when the test runs outside the grader
}

// openResultChannel takes the descriptor named in the environment, marks it
// close-on-exec so that processes the test starts do not inherit it, and
// removes the variable so that they cannot find it either.
func openResultChannel() *resultChannel {
	value, ok := os.LookupEnv(event.FDEnv)
	if !ok {
		return &resultChannel{}
	}
	os.Unsetenv(event.FDEnv)
	fd, err := strconv.Atoi(value)
	if err != nil || fd < 3 {
		return &resultChannel{}
	}
	syscall.CloseOnExec(fd)
	return &resultChannel{file: os.NewFile(uintptr(fd), "kit-results")}
}

// send writes one record as a line of JSON. Writes are serialised so that a
// record is never interleaved with another.
func (c *resultChannel) send(r event.Record) {
	if c.file == nil {
		return
	}
	line, err := json.Marshal(r)
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.file.Write(append(line, '\n'))
}
