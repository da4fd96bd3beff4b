package harness

import (
	"bytes"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"
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

// reportFrame matches a frame of a go-deadlock report:
// "queue.go:42 queue.(*Queue).Put { q.mu.Lock() }".
var reportFrame = regexp.MustCompile(`(?m)^(\S+\.go):(\d+) `)

// lockSite is the first frame of a report section that is not inside the
// lock-checking wrapper or go-deadlock: where the code took the lock.
// Frames outside test files are preferred; "" when there is none.
func lockSite(section string) string {
	fallback := ""
	for _, m := range reportFrame.FindAllStringSubmatch(section, -1) {
		file := filepath.ToSlash(m[1])
		if strings.Contains(file, "lockcheck/") || strings.Contains(file, "go-deadlock") {
			continue
		}
		site := path.Base(file) + ":" + m[2]
		if !strings.HasSuffix(file, "_test.go") {
			return site
		}
		if fallback == "" {
			fallback = site
		}
	}
	return fallback
}

// describeDeadlock turns a go-deadlock report into one line that names the
// lock sites: both orders of a lock-order inversion, both places of a
// recursive lock, or where a lock was taken and where another goroutine
// waits for it. ok is false for a report it does not know.
func describeDeadlock(report string) (string, bool) {
	sections := func(markers ...string) []string {
		var out []string
		rest := report
		for _, marker := range markers {
			i := strings.Index(rest, marker)
			if i < 0 {
				return nil
			}
			rest = rest[i+len(marker):]
			out = append(out, rest)
		}
		for i := range out[:len(out)-1] {
			out[i] = out[i][:len(out[i])-len(out[i+1])]
		}
		return out
	}
	sites := func(parts []string) ([]string, bool) {
		var s []string
		for _, p := range parts {
			site := lockSite(p)
			if site == "" {
				return nil, false
			}
			s = append(s, site)
		}
		return s, len(s) > 0
	}
	switch {
	case strings.Contains(report, "Inconsistent locking"):
		report, _, _ = strings.Cut(report, "Other goroutines holding locks")
		parts := sections("happened before", "happened after", "in another goroutine: happened before", "happened after")
		if s, ok := sites(parts); ok && len(s) == 4 {
			return fmt.Sprintf("locks taken in opposite orders: %s then %s in one goroutine, %s then %s in another "+
				"(at the same time, each waits for the other for ever)", s[0], s[1], s[2], s[3]), true
		}
	case strings.Contains(report, "Recursive locking"):
		parts := sections("Recursive locking", "Previous place where the lock was grabbed")
		if s, ok := sites(parts); ok && len(s) == 2 {
			return fmt.Sprintf("a goroutine locks at %s a lock it already holds (taken at %s): it waits for itself for ever", s[0], s[1]), true
		}
	case strings.Contains(report, "Previous place where the lock was grabbed"):
		report, _, _ = strings.Cut(report, "Here is what goroutine")
		parts := sections("Previous place where the lock was grabbed", "Have been trying to lock it again")
		if s, ok := sites(parts); ok && len(s) == 2 {
			return fmt.Sprintf("a lock taken at %s was not released while a goroutine waited for it at %s", s[0], s[1]), true
		}
	}
	return "", false
}
