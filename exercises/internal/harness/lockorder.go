package harness

import (
	"bytes"
	"sync"
	"time"

	deadlock "github.com/sasha-s/go-deadlock"
)

// deadlockLog collects go-deadlock's reports. go-deadlock writes a report to
// its LogBuf and then calls OnPotentialDeadlock, both under its own global
// lock, so the callback only takes this plain mutex and never panics.
type deadlockLog struct {
	mu      sync.Mutex
	pending bytes.Buffer // text written since the last report was taken
	reports []string     // finished reports not yet claimed by a test
	notify  func()       // called after each report, outside d.mu
}

// Write receives go-deadlock's report text.
func (d *deadlockLog) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pending.Write(p)
}

// onPotentialDeadlock closes the report being written.
func (d *deadlockLog) onPotentialDeadlock() {
	d.mu.Lock()
	d.reports = append(d.reports, d.pending.String())
	d.pending.Reset()
	notify := d.notify
	d.mu.Unlock()
	if notify != nil {
		notify()
	}
}

// take returns and forgets the reports collected so far.
func (d *deadlockLog) take() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	reports := d.reports
	d.reports = nil
	return reports
}

// enableLockOrderChecks turns go-deadlock on for the grader's lock-order run.
// The grader rewrites the student's sync.Mutex and sync.RWMutex into
// go-deadlock's types for that run only. Options are set here, in package
// initialisation, before any lock is taken (go-deadlock reads them unlocked).
func enableLockOrderChecks(log *deadlockLog, limit time.Duration) {
	deadlock.Opts.Disable = false
	deadlock.Opts.DisableLockOrderDetection = false
	// A lock waited on for half the test's limit is reported as stuck, so the
	// report names the lock before the test's own time limit ends it.
	deadlock.Opts.DeadlockTimeout = limit / 2
	deadlock.Opts.LogBuf = log
	deadlock.Opts.OnPotentialDeadlock = log.onPotentialDeadlock
	// go-deadlock's timer pool crashes inside testing/synctest bubbles.
	deadlock.Opts.TimerPool = deadlock.TimerPoolDisabled
}

// disableLockOrderChecks makes go-deadlock's types plain locks outside the
// lock-order run: its checks would hide races from the race detector, and
// its default reaction to a finding is os.Exit.
func disableLockOrderChecks() {
	deadlock.Opts.Disable = true
}
