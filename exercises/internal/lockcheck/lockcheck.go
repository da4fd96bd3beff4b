// Package lockcheck holds the types that the grader puts in place of
// sync.Mutex, sync.RWMutex and sync.Cond in student files.
//
// The grader builds student code with them (as a compiler overlay; nothing
// on disk changes), and runs the one binary twice. In the race run
// go-deadlock is switched off and the mutexes are plain locks. In the
// lock-order run Lock and Unlock go through go-deadlock, which remembers the
// order in which locks are taken and reports an inversion even when the run
// did not hang, and reports recursive locking. The harness turns its reports
// into a test failure with cause "deadlock". Cond is a sync.Cond whose waits
// a test can ask to be delayed (see Cond).
//
// TryLock never waits, so it cannot take part in a deadlock: Mutex.TryLock
// bypasses the order check, and a try-lock with back-off (a correct answer to
// the deadlock exercise) is not reported.
package lockcheck

import (
	"sync"

	"github.com/petermattis/goid"
	deadlock "github.com/sasha-s/go-deadlock"
)

// Mutex is a sync.Mutex whose Lock is watched by go-deadlock.
type Mutex struct {
	order deadlock.Mutex // held while locked through Lock: go-deadlock sees waits and order
	held  sync.Mutex     // held while locked by any means: the real exclusion
	tried bool           // the current holder came through TryLock; guarded by held
	owner int64          // the goroutine that locked it through Lock; guarded by held
}

// Lock locks m, reporting lock-order inversions and recursive locking.
func (m *Mutex) Lock() {
	beforeLock()
	id := enter()
	m.order.Lock()
	m.held.Lock()
	m.tried, m.owner = false, id
}

// TryLock tries to lock m without waiting and reports whether it did.
func (m *Mutex) TryLock() bool {
	if !m.held.TryLock() {
		return false
	}
	m.tried = true
	return true
}

// Unlock unlocks m. As with sync.Mutex, unlocking an unlocked Mutex is a
// run-time error.
func (m *Mutex) Unlock() {
	tried, owner := m.tried, m.owner
	m.held.Unlock()
	if !tried {
		leave(owner)
		m.order.Unlock()
	}
}

// RWMutex is a sync.RWMutex watched by go-deadlock, TryLock included.
type RWMutex struct {
	order  deadlock.RWMutex
	writer int64 // the goroutine that holds the write lock; guarded by order
}

// Lock locks rw for writing.
func (rw *RWMutex) Lock() {
	beforeLock()
	id := enter()
	rw.order.Lock()
	rw.writer = id
}

// TryLock tries to lock rw for writing and reports whether it did.
func (rw *RWMutex) TryLock() bool {
	id := enter()
	if !rw.order.TryLock() {
		leave(id)
		return false
	}
	rw.writer = id
	return true
}

// Unlock unlocks rw for writing.
func (rw *RWMutex) Unlock() {
	leave(rw.writer)
	rw.order.Unlock()
}

// RLock locks rw for reading.
func (rw *RWMutex) RLock() {
	beforeLock()
	enter()
	rw.order.RLock()
}

// TryRLock tries to lock rw for reading and reports whether it did.
func (rw *RWMutex) TryRLock() bool {
	id := enter()
	if !rw.order.TryRLock() {
		leave(id)
		return false
	}
	return true
}

// RUnlock undoes one RLock. A reader released by another goroutine than the
// one that took it leaves the counts uneven, which counts as nested.
func (rw *RWMutex) RUnlock() {
	leave(goid.Get())
	rw.order.RUnlock()
}

// RLocker returns a Locker whose Lock and Unlock call rw.RLock and
// rw.RUnlock.
func (rw *RWMutex) RLocker() sync.Locker { return readLocker{rw} }

type readLocker struct{ rw *RWMutex }

func (r readLocker) Lock()   { r.rw.RLock() }
func (r readLocker) Unlock() { r.rw.RUnlock() }
