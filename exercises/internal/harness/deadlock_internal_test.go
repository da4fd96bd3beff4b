package harness

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Reports as go-deadlock writes them, with the lock-checking wrapper's
// frames on top of the student's.
const (
	inversionReport = `POTENTIAL DEADLOCK: Inconsistent locking. saw this ordering in one goroutine:
happened before
../internal/lockcheck/lockcheck.go:30 lockcheck.(*Mutex).Lock { m.order.Lock() } <<<<<
transfer.go:21 transfer.Transfer { from.mu.Lock() }
transfer_test.go:56 transfer_test.TestX { transfer.Transfer(a, b, 1) }

happened after
../internal/lockcheck/lockcheck.go:30 lockcheck.(*Mutex).Lock { m.order.Lock() } <<<<<
transfer.go:22 transfer.Transfer { to.mu.Lock() }

in another goroutine: happened before
../internal/lockcheck/lockcheck.go:30 lockcheck.(*Mutex).Lock { m.order.Lock() } <<<<<
transfer.go:21 transfer.Transfer { from.mu.Lock() }

happened after
../internal/lockcheck/lockcheck.go:30 lockcheck.(*Mutex).Lock { m.order.Lock() } <<<<<
transfer.go:22 transfer.Transfer { to.mu.Lock() }

Other goroutines holding locks:
goroutine 5 lock 0x38df8f100330
transfer.go:40 transfer.Other { x.Lock() }
`
	recursiveReport = `POTENTIAL DEADLOCK: Recursive locking:
current goroutine 24 lock 0x128a913582a0
../internal/lockcheck/lockcheck.go:30 lockcheck.(*Mutex).Lock { m.order.Lock() } <<<<<
queue.go:50 queue.(*Queue).Len { q.mu.Lock() }
queue.go:31 queue.(*Queue).Put { n := q.Len() }

Previous place where the lock was grabbed (same goroutine)
../internal/lockcheck/lockcheck.go:30 lockcheck.(*Mutex).Lock { m.order.Lock() } <<<<<
queue.go:29 queue.(*Queue).Put { q.mu.Lock() }
`
	stuckReport = `POTENTIAL DEADLOCK:
Previous place where the lock was grabbed
goroutine 7 lock 0xc000010000
../internal/lockcheck/lockcheck.go:30 lockcheck.(*Mutex).Lock { m.order.Lock() } <<<<<
tickets.go:12 tickets.(*Office).Sell { o.mu.Lock() }

Have been trying to lock it again for more than 5s
goroutine 9 lock 0xc000010000
../internal/lockcheck/lockcheck.go:30 lockcheck.(*Mutex).Lock { m.order.Lock() } <<<<<
tickets.go:30 tickets.(*Office).Remaining { o.mu.Lock() }

Here is what goroutine 7 doing now
tickets.go:15 tickets.(*Office).Sell { for { } }
`
)

// TestDescribeDeadlock: the one-line message names the student's lock
// sites of every kind of go-deadlock report, not the wrapper's.
func TestDescribeDeadlock(t *testing.T) {
	tests := []struct {
		name   string
		report string
		want   string
		ok     bool
	}{
		{"lock-order inversion", inversionReport,
			"locks taken in opposite orders: transfer.go:21 then transfer.go:22 in one goroutine, transfer.go:21 then transfer.go:22 in another " +
				"(at the same time, each waits for the other for ever)", true},
		{"recursive locking", recursiveReport,
			"a goroutine locks at queue.go:50 a lock it already holds (taken at queue.go:29): it waits for itself for ever", true},
		{"a lock never released", stuckReport,
			"a lock taken at tickets.go:12 was not released while a goroutine waited for it at tickets.go:30", true},
		{"a report of another kind", "POTENTIAL DEADLOCK: something new\n", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := describeDeadlock(tt.report)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestStudentFrameIsTheBusyLoop: "stuck at" names the innermost student
// frame of the goroutine that was running (the loop), not the caller that
// waits for it.
func TestStudentFrameIsTheBusyLoop(t *testing.T) {
	dir := "/kit/exercises/09_tickets"
	waiting := "goroutine 7 [semacquire]:\n" +
		"sync.(*WaitGroup).Wait()\n\t/go/src/sync/waitgroup.go:118 +0x60\n" +
		"tickets.SellAll()\n\t" + dir + "/tickets.go:40 +0x1\n" +
		"tickets_test.TestSellAll()\n\t" + dir + "/tickets_test.go:20 +0x1\n\n"
	dump := waiting +
		"goroutine 9 [runnable]:\n" +
		"tickets.(*Office).Sell()\n\t" + dir + "/tickets.go:15 +0x1\n" +
		"tickets.SellAll.func1()\n\t" + dir + "/tickets.go:36 +0x1\n"
	r := &testRun{dir: dir}
	assert.Equal(t, "tickets.go:15", r.studentFrame(dump))
	assert.Equal(t, "tickets.go:40", r.studentFrame(waiting), "with no goroutine running, the first in the dump")
}
