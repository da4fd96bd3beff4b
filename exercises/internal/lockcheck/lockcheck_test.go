package lockcheck_test

import (
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/exercises/internal/lockcheck"
)

// The types stand in for sync's: the rewrite relies on these.
var (
	_ sync.Locker = (*lockcheck.Mutex)(nil)
	_ sync.Locker = (*lockcheck.RWMutex)(nil)
	_             = (*lockcheck.RWMutex).TryLock
	_             = (*lockcheck.RWMutex).TryRLock
	_             = (*lockcheck.RWMutex).RLocker
)

// A plain counter guarded by the mutex: the race detector reports any
// increment that the mutex did not order, and the total shows lost updates.
func TestMutexExcludes(t *testing.T) {
	const goroutines, rounds = 8, 200
	var (
		mu      lockcheck.Mutex
		counter int
		wg      sync.WaitGroup
	)
	for g := range goroutines {
		wg.Go(func() {
			for i := range rounds {
				if (g+i)%2 == 0 {
					mu.Lock()
				} else {
					for !mu.TryLock() {
						runtime.Gosched()
					}
				}
				counter++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, goroutines*rounds, counter)
}

func TestTryLock(t *testing.T) {
	tests := []struct {
		name string
		lock func(*lockcheck.Mutex)
	}{
		{"held through Lock", (*lockcheck.Mutex).Lock},
		{"held through TryLock", func(m *lockcheck.Mutex) { require.True(t, m.TryLock()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu lockcheck.Mutex
			tt.lock(&mu)
			assert.False(t, mu.TryLock(), "TryLock of a locked mutex, same goroutine")
			other := make(chan bool)
			go func() { other <- mu.TryLock() }()
			assert.False(t, <-other, "TryLock of a locked mutex, another goroutine")
			mu.Unlock()

			assert.True(t, mu.TryLock(), "TryLock after Unlock")
			mu.Unlock()
			// Lock and Unlock work as before.
			mu.Lock()
			assert.False(t, mu.TryLock(), "TryLock while held through Lock")
			mu.Unlock()
			assert.True(t, mu.TryLock())
			mu.Unlock()
		})
	}
}

func TestLockWaits(t *testing.T) {
	tests := []struct {
		name string
		lock func(*lockcheck.Mutex)
	}{
		{"for a TryLock holder", func(m *lockcheck.Mutex) { require.True(t, m.TryLock()) }},
		{"for a Lock holder", (*lockcheck.Mutex).Lock},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu lockcheck.Mutex
			tt.lock(&mu)
			acquired := make(chan struct{})
			go func() {
				mu.Lock()
				close(acquired)
				mu.Unlock()
			}()
			waitForBlockedLock(t)
			select {
			case <-acquired:
				t.Fatal("Lock returned while the mutex was held")
			default:
			}
			mu.Unlock()
			<-acquired
			// The waiter unlocked again: the mutex is free.
			mu.Lock()
			assert.False(t, mu.TryLock())
			mu.Unlock()
		})
	}
}

// waitForBlockedLock returns once a goroutine is parked in lockcheck's
// Mutex.Lock, waiting for the mutex. It polls the goroutine dump instead of
// sleeping for a guessed time.
func waitForBlockedLock(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	buf := make([]byte, 1<<20)
	for time.Now().Before(deadline) {
		dump := string(buf[:runtime.Stack(buf, true)])
		for _, g := range strings.Split(dump, "\n\n") {
			header, _, _ := strings.Cut(g, "\n")
			if strings.Contains(header, "[sync.Mutex.Lock") && strings.Contains(g, "lockcheck.(*Mutex).Lock(") {
				return
			}
		}
		runtime.Gosched()
	}
	t.Fatal("no goroutine blocked in Mutex.Lock")
}

func TestRWMutex(t *testing.T) {
	var rw lockcheck.RWMutex
	// A second lock by the goroutine that holds one is go-deadlock's
	// "recursive locking", so the other attempts come from other goroutines.
	in := func(f func() bool) bool {
		result := make(chan bool)
		go func() { result <- f() }()
		return <-result
	}
	rw.RLock()
	assert.True(t, in(func() bool {
		ok := rw.TryRLock()
		if ok {
			rw.RUnlock()
		}
		return ok
	}), "readers share")
	assert.False(t, in(rw.TryLock), "a writer waits for readers")
	rw.RUnlock()
	require.True(t, rw.TryLock())
	assert.False(t, in(rw.TryRLock), "readers wait for a writer")
	rw.Unlock()

	const goroutines, rounds = 4, 100
	var (
		counter int
		wg      sync.WaitGroup
	)
	for range goroutines {
		wg.Go(func() {
			for range rounds {
				rw.Lock()
				counter++
				rw.Unlock()
				rw.RLock()
				_ = counter
				rw.RUnlock()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, goroutines*rounds, counter)
}
