package lock_test

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	lock "github.com/concurrency-kit/kit/exercises/10_lock"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// Most tests run in a synctest bubble (harness.Bubble): time there is fake.
// It stands still while any goroutine of the bubble can run, and jumps
// forward only when every goroutine is blocked. So a 5s timeout takes no real
// time and is exact to the nanosecond, and synctest.Wait() returns once every
// other goroutine of the bubble is blocked, which is how a test knows that an
// Acquire "is waiting" or "has been woken and returned". Two tests run on
// the real scheduler instead: TestWaitersTakeNoTurns (a spinning waiter never
// lets a bubble settle) and TestUnderStress (timers that fire while other
// goroutines run, which a bubble never does).

// step and patience drive harness.Eventually: it lets fake time pass in
// steps so that a slow (polling) lock still gets its chance, and gives up
// after patience. Only the tests about waking up insist on an instant wake-up.
const (
	step     = 10 * time.Millisecond
	patience = 10 * time.Second
)

// lockHeld ends the message of harness.RequireWaiting: why a call should
// have waited.
const lockHeld = ", but the lock is held: it must wait for a Release"

// The ways to take a lock, as functions that report whether they took it.
func acquire(l *lock.Lock) bool { l.Acquire(); return true }

func acquireCtx(ctx context.Context, l *lock.Lock) bool { return l.AcquireContext(ctx) == nil }

// bubble runs f in a synctest bubble. Whatever happens in f (even a failed
// require), the locks it made with newLock are then released, again and
// again, until every goroutine f started has returned: a bubble cannot end
// while one of its goroutines is blocked. Fake time goes on passing
// meanwhile, so that waiters with a timeout get the chance to give up.
func bubble(t *testing.T, f func(t *testing.T, newLock func() *lock.Lock)) {
	t.Helper()
	requireWaitersBlock(t)
	harness.Bubble(t, func(t *testing.T) {
		baseline := bubbleGoroutines()
		var locks []*lock.Lock
		t.Cleanup(func() {
			for range 200 {
				if len(newGoroutines(baseline)) == 0 {
					return
				}
				for _, l := range locks {
					_ = l.Release()
				}
				if len(newGoroutines(baseline)) == 0 {
					return
				}
				time.Sleep(time.Minute)
			}
		})
		f(t, func() *lock.Lock {
			l := lock.New()
			locks = append(locks, l)
			return l
		})
	})
}

// realPatience bounds, on the real scheduler, the wait for something a
// correct lock does at once.
const realPatience = 2 * time.Second

// states returns the state of each goroutine of ids, as runtime.Stack shows
// it ("chan send", "select", "sync.Cond.Wait", "sleep", "running",
// "runnable", ...).
func states(ids []uint64) map[uint64]string {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	want := map[uint64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	out := map[uint64]string{}
	for _, g := range strings.Split(string(buf), "\n\n") {
		header, _, _ := strings.Cut(g, "\n")
		idText, state, ok := strings.Cut(strings.TrimPrefix(header, "goroutine "), " [")
		id, err := strconv.ParseUint(idText, 10, 64)
		if !ok || err != nil || !want[id] {
			continue
		}
		state, _, _ = strings.Cut(state, "]")
		state, _, _ = strings.Cut(state, ",")
		out[id] = state
	}
	return out
}

// blocked tells whether a goroutine state is a wait that only another
// goroutine can end (a channel, a select, a mutex or condition), or also,
// when sleepOK, a time.Sleep.
func blocked(state string, sleepOK bool) bool {
	if sleepOK && strings.HasPrefix(state, "sleep") {
		return true
	}
	for _, s := range []string{"chan send", "chan receive", "select", "sync.", "semacquire"} {
		if strings.HasPrefix(state, s) {
			return true
		}
	}
	return false
}

// waitersBlock holds a new lock and starts an Acquire on it, on the real
// scheduler, then (one at a time, each alone, each on a new lock) an
// AcquireTimeout(1h) and an AcquireContext. It reports "" once the waiter is blocked (asleep until
// something wakes it: with sleepOK a time.Sleep counts) in several looks in a
// row, or else how it spends its time. Then it releases the lock for the
// waiter and checks that the waiter got it; broken says what went wrong with
// that, if anything.
func waitersBlock(sleepOK bool) (report, broken string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // ends an AcquireContext that a broken lock never wakes
	ways := []struct {
		name string
		take func(l *lock.Lock) bool
	}{
		{"Acquire", func(l *lock.Lock) bool { l.Acquire(); return true }},
		{"AcquireTimeout(1h)", func(l *lock.Lock) bool { return l.AcquireTimeout(time.Hour) }},
		{"AcquireContext", func(l *lock.Lock) bool { return l.AcquireContext(ctx) == nil }},
	}
	for _, w := range ways {
		l := lock.New() // a new lock each time: only waiting is looked at here
		if !l.TryAcquire() {
			return report, "TryAcquire on a free lock did not take it"
		}
		id := make(chan uint64, 1)
		took := make(chan bool, 1)
		go func() {
			id <- harness.GoroutineID()
			took <- w.take(l)
		}()
		waiter := []uint64{<-id}
		deadline := time.Now().Add(realPatience)
		for streak := 0; streak < 5; runtime.Gosched() {
			if len(took) > 0 {
				return report, w.name + " returned while the lock was held"
			}
			if state := states(waiter)[waiter[0]]; blocked(state, sleepOK) {
				streak++
			} else if streak = 0; time.Now().After(deadline) {
				report = fmt.Sprintf("%s was %q", w.name, state)
				break
			}
		}
		// Release the lock for the waiter, and wait until it has taken it.
		if err := l.Release(); err != nil {
			return report, fmt.Sprintf("Release of the held lock, with %s waiting, returned %v", w.name, err)
		}
		select {
		case ok := <-took:
			if !ok {
				return report, w.name + " returned without the lock, although the lock was released for it"
			}
		case <-time.After(realPatience):
			return report, fmt.Sprintf("%s was still waiting %v after the lock was released for it", w.name, realPatience)
		}
		if err := l.Release(); err != nil {
			return report, fmt.Sprintf("Release for the %s that took the lock returned %v", w.name, err)
		}
		if report != "" {
			return report, ""
		}
	}
	return "", ""
}

// probes holds what requireWaitersBlock found, by top-level test.
var (
	probesMu sync.Mutex
	probes   = map[string]string{}
)

// requireWaitersBlock fails the test, on the real scheduler and before any
// synctest bubble starts, if a goroutine waiting for a held lock does not
// block. A waiter that spins (a TryAcquire or CompareAndSwap loop) never
// blocks, so synctest.Wait would wait for it in vain and the test would hang
// until its time limit instead of failing with this message.
func requireWaitersBlock(t *testing.T) {
	t.Helper()
	top, _, _ := strings.Cut(t.Name(), "/")
	probesMu.Lock()
	report, probed := probes[top]
	probesMu.Unlock()
	if !probed { // once per top-level test: a spinning lock costs the patience once
		report, _ = waitersBlock(true)
		probesMu.Lock()
		probes[top] = report
		probesMu.Unlock()
	}
	if report != "" {
		require.Failf(t, "waiters spin",
			"with the lock held, goroutines waiting in Acquire, AcquireTimeout and AcquireContext must block "+
				"(on a channel, or sync.Cond.Wait) until a Release or their timeout wakes them; after %v %s: "+
				"they keep running, a loop that tries again and again (TryAcquire, CompareAndSwap) and burns a core",
			realPatience, report)
	}
}

// TestWaitersTakeNoTurns: on the real scheduler, a goroutine waiting for a
// held lock sleeps until it is woken: it is blocked whenever the test looks,
// it does not run, and it does not poll (wake up now and then with
// time.Sleep to try again).
func TestWaitersTakeNoTurns(t *testing.T) {
	harness.Setup(t)
	report, broken := waitersBlock(false)
	if report != "" {
		require.Failf(t, "waiters do not sleep",
			"with the lock held, goroutines waiting in Acquire, AcquireTimeout and AcquireContext must block "+
				"until a Release or their timeout wakes them (a channel, or sync.Cond.Wait); after %v %s. "+
				"\"sleep\" is a poll (time.Sleep, then try again); \"running\" or \"runnable\" is a spin",
			realPatience, report)
	}
	require.Emptyf(t, broken, "an Acquire, an AcquireTimeout(1h) and an AcquireContext waited for a held lock, "+
		"which was then released for each of them in turn: %s", broken)
}

// bubbleGoroutines waits until the bubble has settled and returns the stack
// of each of its goroutines, by goroutine id, except the caller's.
func bubbleGoroutines() map[string]string {
	synctest.Wait()
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	stacks := map[string]string{}
	for _, g := range strings.Split(string(buf), "\n\n") {
		header, _, _ := strings.Cut(g, "\n") // "goroutine 47 [chan send (durable), synctest bubble 3]:"
		if !strings.Contains(header, "synctest bubble") || strings.Contains(header, "[running") {
			continue
		}
		id, _, _ := strings.Cut(strings.TrimPrefix(header, "goroutine "), " ")
		stacks[id] = g
	}
	return stacks
}

// newGoroutines returns the stacks of the goroutines of the bubble that are
// not in before.
func newGoroutines(before map[string]string) []string {
	var extra []string
	for id, stack := range bubbleGoroutines() {
		if _, ok := before[id]; !ok {
			extra = append(extra, stack)
		}
	}
	return extra
}

// mustHold takes a free lock for the test itself, and fails (instead of
// hanging) if that does not work at once.
func mustHold(t *testing.T, l *lock.Lock, what string) {
	t.Helper()
	c := harness.Go(func() bool { return acquire(l) })
	synctest.Wait()
	require.Truef(t, c.Returned(), "%s: Acquire on a free lock must return at once", what)
}

// releaseUnlocked calls Release on a lock that is not locked and checks
// that it returns at once, with ErrNotLocked if checkErr.
func releaseUnlocked(t *testing.T, l *lock.Lock, what string, checkErr bool) {
	t.Helper()
	rel := harness.Go(l.Release)
	synctest.Wait()
	if !rel.Returned() {
		l.TryAcquire() // whatever the Release waits for, let it finish
		synctest.Wait()
		require.Failf(t, "Release of an unlocked lock waited",
			"%s: Release did not return; it must return ErrNotLocked at once, not wait for someone to Acquire", what)
	}
	if checkErr {
		require.ErrorIsf(t, rel.Value, lock.ErrNotLocked, "%s: Release of a lock that is not locked must return ErrNotLocked", what)
	}
}

// TestStates: a new lock is unlocked; each way of acquiring takes a free lock
// at once; Locked follows every change; TryAcquire on a held lock reports
// false and changes nothing; any goroutine may release the lock.
func TestStates(t *testing.T) {
	harness.Setup(t)
	ways := []struct {
		name string
		take func(l *lock.Lock) bool
	}{
		{"Acquire", acquire},
		{"TryAcquire", (*lock.Lock).TryAcquire},
		{"AcquireTimeout(5s)", func(l *lock.Lock) bool { return l.AcquireTimeout(5 * time.Second) }},
		{"AcquireTimeout(0)", func(l *lock.Lock) bool { return l.AcquireTimeout(0) }},
		{"AcquireContext", func(l *lock.Lock) bool { return acquireCtx(context.Background(), l) }},
	}
	for _, w := range ways {
		t.Run(w.name+" on a free lock", func(t *testing.T) {
			bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
				l := newLock()
				require.False(t, l.Locked(), "a new lock must be unlocked")
				for round := range 3 {
					c := harness.Go(func() bool { return w.take(l) })
					synctest.Wait()
					require.Truef(t, c.Returned(), "round %d: %s on a free lock must return at once", round, w.name)
					require.Truef(t, c.Value, "round %d: %s on a free lock must take it", round, w.name)
					require.Zerof(t, c.Elapsed, "round %d: %s on a free lock must not wait", round, w.name)
					require.Truef(t, l.Locked(), "round %d: after %s took the lock, Locked() must be true", round, w.name)
					require.NoErrorf(t, l.Release(), "round %d: Release of the lock %s took", round, w.name)
					require.Falsef(t, l.Locked(), "round %d: after Release, Locked() must be false", round, w.name)
				}
			})
		})
	}
	t.Run("TryAcquire on a held lock", func(t *testing.T) {
		bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
			l := newLock()
			mustHold(t, l, "the holder")
			for i := range 3 {
				c := harness.Go(l.TryAcquire)
				synctest.Wait()
				require.Truef(t, c.Returned(), "TryAcquire #%d on a held lock must return at once, never wait", i)
				require.Falsef(t, c.Value, "TryAcquire #%d on a held lock must report false", i)
				require.Truef(t, l.Locked(), "a failed TryAcquire must leave the lock locked")
			}
			require.NoError(t, l.Release(), "the holder's Release")
			require.False(t, l.Locked(), "after Release, Locked() must be false")
			require.True(t, l.TryAcquire(), "TryAcquire on a lock that was just released must take it")
			require.True(t, l.Locked(), "after a successful TryAcquire, Locked() must be true")
			require.NoError(t, l.Release())
		})
	})
	t.Run("any goroutine may release", func(t *testing.T) {
		bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
			l := newLock()
			mustHold(t, l, "a goroutine") // mustHold acquires in a goroutine of its own
			require.NoError(t, l.Release(), "the lock does not belong to the goroutine that took it: another goroutine may release it")
			require.False(t, l.Locked(), "after Release, Locked() must be false")

			mustHold(t, l, "a goroutine, again")
			rel := harness.Go(l.Release)
			synctest.Wait()
			require.True(t, rel.Returned(), "Release of a held lock must return at once")
			require.NoError(t, rel.Value, "Release from a goroutine that did not take the lock")
			require.False(t, l.Locked(), "after Release, Locked() must be false")
		})
	})
}

// TestReleaseUnlocked: releasing a lock that is not locked returns
// ErrNotLocked at once and changes nothing: the lock goes on excluding.
func TestReleaseUnlocked(t *testing.T) {
	harness.Setup(t)
	t.Run("Release of a new lock", func(t *testing.T) {
		bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
			releaseUnlocked(t, newLock(), "a new lock", true)
		})
	})
	t.Run("Release twice", func(t *testing.T) {
		bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
			l := newLock()
			mustHold(t, l, "the holder")
			require.NoError(t, l.Release(), "the first Release of a held lock")
			releaseUnlocked(t, l, "the second Release", true)
		})
	})
	t.Run("the lock still excludes after Releases of an unlocked lock", func(t *testing.T) {
		bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
			const refused = 3
			l := newLock()
			for i := range refused {
				// The error is the other subtests' business: here only
				// what the Release did to the lock counts.
				releaseUnlocked(t, l, fmt.Sprintf("Release #%d of an unlocked lock", i+1), false)
			}
			mustHold(t, l, "after 3 Releases of the unlocked lock")
			require.False(t, l.TryAcquire(),
				"after 3 Releases of an unlocked lock, the lock was taken once and then TryAcquire took it a second time: "+
					"a Release of an unlocked lock must change nothing (no counter below zero, no extra token)")
			waiter := harness.Go(func() bool { return acquire(l) })
			harness.RequireWaiting(t, []*harness.Call[bool]{waiter}, "Acquire on a held lock (after Releases of the unlocked lock)", lockHeld)
			require.NoError(t, l.Release(), "Release of the held lock")
			require.True(t, harness.Eventually(waiter.Returned, step, patience), "the waiting Acquire must get the lock after Release")
			require.NoError(t, l.Release(), "Release for the woken waiter")
			releaseUnlocked(t, l, "Release once too often", true)
		})
	})
}

// TestAcquireWaitsForRelease: Acquire and AcquireContext on a held lock wait,
// however long it takes, and the Release wakes them at that very moment,
// with no time passing. A lock that polls (try, time.Sleep, try again) needs
// time to pass before it notices, and fails here.
func TestAcquireWaitsForRelease(t *testing.T) {
	harness.Setup(t)
	const held = 10 * time.Second
	kinds := []struct {
		name string
		take func(l *lock.Lock) bool
	}{
		{"Acquire", acquire},
		{"AcquireContext (a context that is never done)", func(l *lock.Lock) bool {
			return acquireCtx(context.Background(), l)
		}},
		{"AcquireContext (a deadline in an hour)", func(l *lock.Lock) bool {
			ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
			defer cancel()
			return acquireCtx(ctx, l)
		}},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
				l := newLock()
				mustHold(t, l, "the holder")
				c := harness.Go(func() bool { return k.take(l) })
				harness.RequireWaiting(t, []*harness.Call[bool]{c}, k.name+" on a held lock", lockHeld)
				time.Sleep(held)
				harness.RequireWaiting(t, []*harness.Call[bool]{c}, fmt.Sprintf("%s on a lock held for %v", k.name, held), lockHeld)

				require.NoError(t, l.Release(), "the holder's Release")
				synctest.Wait() // no time passes: only the Release can have woken the waiter
				require.True(t, c.Returned(),
					k.name+" was still asleep right after Release, with no time passing: Release must wake "+
						"the waiter itself (a channel, or sync.Cond Signal); do not poll with time.Sleep")
				require.True(t, c.Value, k.name+" woken by Release must report that it took the lock")
				require.Equal(t, held, c.Elapsed, k.name+" must return at the moment of the Release")
				require.False(t, l.TryAcquire(), "the woken waiter holds the lock now: TryAcquire must fail")
				require.NoError(t, l.Release(), "Release for the woken waiter")
			})
		})
	}
}

// TestAcquireTimeout: AcquireTimeout gives up exactly at its timeout (fake
// time), returns true as soon as the lock is released before that (also
// with a huge timeout), does not wait at all for d <= 0, and keeps its time
// even with other goroutines waiting for the same lock.
func TestAcquireTimeout(t *testing.T) {
	harness.Setup(t)
	for _, d := range []time.Duration{time.Millisecond, 5 * time.Second} {
		t.Run(fmt.Sprintf("gives up after exactly %v", d), func(t *testing.T) {
			bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
				l := newLock()
				mustHold(t, l, "the holder")
				c := harness.Go(func() bool { return l.AcquireTimeout(d) })
				require.Truef(t, harness.Eventually(c.Returned, step, patience),
					"AcquireTimeout(%v) on a held lock was still waiting after %v: the timeout is ignored", d, patience)
				require.Falsef(t, c.Value, "AcquireTimeout(%v) on a lock held all along must report false", d)
				require.Equalf(t, d, c.Elapsed,
					"AcquireTimeout(%v) must give up exactly %v after the call, not earlier and not later", d, d)
				require.False(t, l.TryAcquire(), "the holder still holds the lock: TryAcquire must fail")
			})
		})
	}
	t.Run("returns true as soon as the lock is released", func(t *testing.T) {
		bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
			const d, after = 5 * time.Second, 2 * time.Second
			l := newLock()
			mustHold(t, l, "the holder")
			c := harness.Go(func() bool { return l.AcquireTimeout(d) })
			time.Sleep(after)
			harness.RequireWaiting(t, []*harness.Call[bool]{c}, "AcquireTimeout(5s) on a held lock, 2s in,", lockHeld)
			require.NoError(t, l.Release(), "the holder's Release")
			synctest.Wait()
			if !c.Returned() {
				harness.Eventually(c.Returned, step, patience)
				require.Failf(t, "AcquireTimeout did not return when the lock was released",
					"the lock was released %v after AcquireTimeout(%v) began, with no time passing since, but the call "+
						"was still asleep (it returned %v after %v): it must wait for the Release itself, "+
						"not sleep out its timeout or poll", after, d, c.Value, c.Elapsed)
			}
			require.True(t, c.Value, "AcquireTimeout woken by a Release before its timeout must report true")
			require.Equal(t, after, c.Elapsed, "AcquireTimeout must return at the moment of the Release")
			require.False(t, l.TryAcquire(), "AcquireTimeout reported true, so it holds the lock: TryAcquire must fail")
			require.NoError(t, l.Release())
		})
	})
	t.Run("keeps its deadline when a wake-up brings nothing", func(t *testing.T) {
		bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
			// An Acquire and an AcquireTimeout(5s) wait; after 2s the holder
			// releases. If the Acquire gets the lock, the AcquireTimeout may
			// have been woken for nothing: it must sleep again until its own
			// deadline, 5s after the call, not start a new 5s wait. The order
			// in which they start alternates, so that both can win.
			const d, after = 5 * time.Second, 2 * time.Second
			for try := range 12 {
				l := newLock()
				mustHold(t, l, "the holder")
				var other, timed *harness.Call[bool]
				startOther := func() { other = harness.Go(func() bool { return acquire(l) }); synctest.Wait() }
				startTimed := func() { timed = harness.Go(func() bool { return l.AcquireTimeout(d) }); synctest.Wait() }
				if try%2 == 0 {
					startOther()
					startTimed()
				} else {
					startTimed()
					startOther()
				}
				time.Sleep(after)
				harness.RequireWaiting(t, []*harness.Call[bool]{other, timed}, "Acquire and AcquireTimeout(5s) on a held lock, 2s in,", lockHeld)
				require.NoError(t, l.Release(), "the holder's Release")
				synctest.Wait()
				require.LessOrEqualf(t, harness.CountReturned([]*harness.Call[bool]{other, timed}), 1,
					"try %d: one Release let both waiters in: two goroutines hold the lock", try)
				if timed.Returned() { // the AcquireTimeout won the Release
					require.Truef(t, timed.Value, "try %d: AcquireTimeout returned at the Release without the lock", try)
					require.NoError(t, l.Release(), "Release for the AcquireTimeout")
					require.Truef(t, harness.Eventually(other.Returned, step, patience), "try %d: the Acquire did not get the lock after the second Release", try)
					require.NoError(t, l.Release(), "Release for the Acquire")
					continue
				}
				require.Truef(t, harness.Eventually(other.Returned, step, patience), "try %d: nobody got the lock at the holder's Release (lost wake-up)", try)
				require.Truef(t, harness.Eventually(timed.Returned, step, patience),
					"try %d: AcquireTimeout(5s) was still waiting %v after its deadline", try, patience)
				require.Falsef(t, timed.Value, "try %d: AcquireTimeout must give up: the Acquire holds the lock", try)
				require.Equalf(t, d, timed.Elapsed,
					"try %d: AcquireTimeout(5s) gave up %v after the call, not 5s: it was woken at the Release after 2s, "+
						"found the lock taken and went back to sleep with a new 5s timer. The deadline is fixed when "+
						"the call begins (one timer, or time.Until(deadline) for each wait)", try, timed.Elapsed)
				require.NoError(t, l.Release(), "Release for the Acquire")
			}
		})
	})
	t.Run("a huge timeout", func(t *testing.T) {
		bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
			const d = time.Duration(math.MaxInt64)
			l := newLock()
			mustHold(t, l, "the holder")
			c := harness.Go(func() bool { return l.AcquireTimeout(d) })
			harness.RequireWaiting(t, []*harness.Call[bool]{c}, "AcquireTimeout(math.MaxInt64) on a held lock",
				lockHeld+" (a deadline computed as an int64 of nanoseconds overflows: use time.Now().Add(d), "+
					"which saturates, or a timer)")
			require.NoError(t, l.Release(), "the holder's Release")
			require.True(t, harness.Eventually(c.Returned, step, patience), "AcquireTimeout(math.MaxInt64) did not return after the lock was released")
			require.True(t, c.Value, "AcquireTimeout woken by a Release before its timeout must report true")
			require.NoError(t, l.Release())
		})
	})
	t.Run("d <= 0 does not wait", func(t *testing.T) {
		bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
			l := newLock()
			mustHold(t, l, "the holder")
			for _, d := range []time.Duration{0, -time.Second} {
				c := harness.Go(func() bool { return l.AcquireTimeout(d) })
				synctest.Wait()
				require.Truef(t, c.Returned(), "AcquireTimeout(%v) on a held lock must return at once, like TryAcquire", d)
				require.Falsef(t, c.Value, "AcquireTimeout(%v) on a held lock must report false", d)
			}
			require.NoError(t, l.Release())
			c := harness.Go(func() bool { return l.AcquireTimeout(0) })
			synctest.Wait()
			require.True(t, c.Returned(), "AcquireTimeout(0) on a free lock must return at once")
			require.True(t, c.Value, "AcquireTimeout(0) on a free lock must take it, like TryAcquire")
			require.NoError(t, l.Release())
		})
	})
	t.Run("gives up on time while another goroutine waits too", func(t *testing.T) {
		bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
			const d = 5 * time.Second
			l := newLock()
			mustHold(t, l, "the holder")
			other := harness.Go(func() bool { return acquire(l) })
			harness.RequireWaiting(t, []*harness.Call[bool]{other}, "Acquire on a held lock", lockHeld)
			c := harness.Go(func() bool { return l.AcquireTimeout(d) })
			require.True(t, harness.Eventually(c.Returned, step, patience),
				"AcquireTimeout(5s) behind a waiting Acquire was still waiting after 10s: its timeout must wake "+
					"that very call (waking some other waiter instead loses it)")
			require.False(t, c.Value, "AcquireTimeout on a lock held all along must report false")
			require.Equal(t, d, c.Elapsed, "AcquireTimeout(5s) must give up exactly 5s after the call")
			synctest.Wait()
			require.False(t, other.Returned(),
				"the Acquire waiting alongside returned when AcquireTimeout gave up, but the holder never released "+
					"the lock: a waiter that is woken must check again that the lock is free")
			require.NoError(t, l.Release(), "the holder's Release")
			require.True(t, harness.Eventually(other.Returned, step, patience), "the waiting Acquire must get the lock after Release")
			require.NoError(t, l.Release())
		})
	})
}

// countingCtx is a context, cancelled only by its cancel method, that keeps
// the callbacks registered on it with context.AfterFunc (directly, or
// through a context derived from it), so that a test can count those that
// have been neither stopped nor run.
type countingCtx struct {
	done  chan struct{}
	mu    sync.Mutex
	err   error
	funcs map[int]func() // registered, not yet stopped or run
	next  int
}

func newCountingCtx() *countingCtx {
	return &countingCtx{done: make(chan struct{}), funcs: map[int]func(){}}
}

func (c *countingCtx) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *countingCtx) Done() <-chan struct{}       { return c.done }
func (c *countingCtx) Value(any) any               { return nil }

func (c *countingCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// AfterFunc is what context.AfterFunc calls for a context that has this
// method.
func (c *countingCtx) AfterFunc(f func()) (stop func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		go f()
		return func() bool { return false }
	}
	id := c.next
	c.next++
	c.funcs[id] = f
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		_, ok := c.funcs[id]
		delete(c.funcs, id)
		return ok
	}
}

// live returns how many callbacks are registered and not yet stopped.
func (c *countingCtx) live() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.funcs)
}

// cancel ends the context and runs the callbacks still registered.
func (c *countingCtx) cancel() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = context.Canceled
		close(c.done)
		for _, f := range c.funcs {
			go f()
		}
		clear(c.funcs)
	}
}

// TestAcquireContext: AcquireContext stops waiting at the moment its context
// is cancelled or reaches its deadline and returns ctx.Err(); it returns nil
// when the lock is released first; a call that returned leaves no callback
// registered on the context; and a context that is already done never
// takes the lock.
func TestAcquireContext(t *testing.T) {
	harness.Setup(t)
	const after = 2 * time.Second
	t.Run("cancel while waiting", func(t *testing.T) {
		bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
			l := newLock()
			mustHold(t, l, "the holder")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c := harness.Go(func() error { return l.AcquireContext(ctx) })
			time.Sleep(after)
			harness.RequireWaiting(t, []*harness.Call[error]{c}, "AcquireContext on a held lock", lockHeld)
			cancel()
			require.True(t, harness.Eventually(c.Returned, step, patience), "AcquireContext kept waiting after its context was cancelled")
			require.ErrorIs(t, c.Value, context.Canceled, "AcquireContext whose context was cancelled must return ctx.Err()")
			require.Equal(t, after, c.Elapsed, "AcquireContext must return at the moment its context is cancelled")
			require.False(t, l.TryAcquire(), "the holder still holds the lock: TryAcquire must fail")
		})
	})
	t.Run("deadline while waiting", func(t *testing.T) {
		bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
			const d = 3 * time.Second
			l := newLock()
			mustHold(t, l, "the holder")
			ctx, cancel := context.WithTimeout(context.Background(), d)
			defer cancel()
			c := harness.Go(func() error { return l.AcquireContext(ctx) })
			require.True(t, harness.Eventually(c.Returned, step, patience), "AcquireContext kept waiting after its context's deadline")
			require.ErrorIs(t, c.Value, context.DeadlineExceeded, "AcquireContext past its deadline must return ctx.Err()")
			require.Equal(t, d, c.Elapsed, "AcquireContext must return at its context's deadline")
			require.False(t, l.TryAcquire(), "the holder still holds the lock: TryAcquire must fail")
		})
	})
	t.Run("released before the context is done", func(t *testing.T) {
		bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
			l := newLock()
			mustHold(t, l, "the holder")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c := harness.Go(func() error { return l.AcquireContext(ctx) })
			time.Sleep(after)
			harness.RequireWaiting(t, []*harness.Call[error]{c}, "AcquireContext on a held lock", lockHeld)
			require.NoError(t, l.Release(), "the holder's Release")
			require.True(t, harness.Eventually(c.Returned, step, patience), "AcquireContext did not return after the lock was released")
			require.NoError(t, c.Value, "AcquireContext that got the lock must return nil")
			require.Equal(t, after, c.Elapsed, "AcquireContext must return at the moment of the Release")
			require.False(t, l.TryAcquire(), "AcquireContext returned nil, so it holds the lock: TryAcquire must fail")
			require.NoError(t, l.Release())
		})
	})
	t.Run("leaves nothing registered on the context", func(t *testing.T) {
		bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
			const calls = 5
			l := newLock()
			ctx := newCountingCtx()
			defer ctx.cancel()
			for i := range calls {
				c := harness.Go(func() error { return l.AcquireContext(ctx) })
				synctest.Wait()
				require.Truef(t, c.Returned(), "call %d: AcquireContext on a free lock must return at once", i)
				require.NoErrorf(t, c.Value, "call %d: AcquireContext on a free lock must take it", i)
				require.NoError(t, l.Release())
			}
			mustHold(t, l, "the holder")
			c := harness.Go(func() error { return l.AcquireContext(ctx) })
			harness.RequireWaiting(t, []*harness.Call[error]{c}, "AcquireContext on a held lock", lockHeld)
			require.NoError(t, l.Release(), "the holder's Release")
			require.True(t, harness.Eventually(c.Returned, step, patience), "AcquireContext did not return after the lock was released")
			require.NoError(t, c.Value, "AcquireContext that got the lock must return nil")
			require.NoError(t, l.Release())
			require.Zerof(t, ctx.live(),
				"%d AcquireContext calls have returned with the lock, but %d callback(s) they registered on the context "+
					"(context.AfterFunc) are still registered: call the stop function AfterFunc returns (defer stop()), "+
					"or every call on a long-lived context leaves a callback behind that runs, for nothing, when it ends",
				calls+1, ctx.live())
		})
	})
	t.Run("a context that is already done", func(t *testing.T) {
		bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
			l := newLock()
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			// select chooses at random between ready cases: repeat, so that
			// an implementation that leaves it to chance is caught.
			for try := range 50 {
				c := harness.Go(func() error { return l.AcquireContext(ctx) })
				synctest.Wait()
				require.Truef(t, c.Returned(), "try %d: AcquireContext with a cancelled context must return at once", try)
				require.ErrorIsf(t, c.Value, context.Canceled,
					"try %d: AcquireContext with a context that is already cancelled must return ctx.Err(), even when the lock is free", try)
			}
			mustHold(t, l, "the lock after 50 AcquireContext calls with a cancelled context (none may have taken it)")
			c := harness.Go(func() error { return l.AcquireContext(ctx) })
			synctest.Wait()
			require.True(t, c.Returned(), "AcquireContext with a cancelled context on a held lock must return at once")
			require.ErrorIs(t, c.Value, context.Canceled, "AcquireContext with a cancelled context must return ctx.Err()")
			require.NoError(t, l.Release())
		})
	})
}

// TestGiveUpLeavesNothingBehind: an AcquireTimeout or AcquireContext that
// gave up leaves no goroutine behind, and never takes the lock later: the
// next Release goes to a goroutine that is still waiting, and after that
// the lock is free.
func TestGiveUpLeavesNothingBehind(t *testing.T) {
	harness.Setup(t)
	const attempts = 3
	ways := []struct {
		name    string
		giveUps func(t *testing.T, l *lock.Lock) // makes attempts that give up on the held lock l
	}{
		{"AcquireTimeout", func(t *testing.T, l *lock.Lock) {
			calls := make([]*harness.Call[bool], attempts)
			for i := range calls {
				calls[i] = harness.Go(func() bool { return l.AcquireTimeout(5 * time.Second) })
			}
			require.True(t, harness.Eventually(func() bool { return harness.CountReturned(calls) == attempts }, step, patience),
				"AcquireTimeout(5s) on a held lock was still waiting after 10s")
			for _, c := range calls {
				require.False(t, c.Value, "AcquireTimeout on a lock held all along must report false")
			}
		}},
		{"AcquireContext, cancelled", func(t *testing.T, l *lock.Lock) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			calls := make([]*harness.Call[error], attempts)
			for i := range calls {
				calls[i] = harness.Go(func() error { return l.AcquireContext(ctx) })
			}
			harness.RequireWaiting(t, calls, "AcquireContext on a held lock", lockHeld)
			cancel()
			require.True(t, harness.Eventually(func() bool { return harness.CountReturned(calls) == attempts }, step, patience),
				"AcquireContext kept waiting after its context was cancelled")
			for _, c := range calls {
				require.ErrorIs(t, c.Value, context.Canceled, "AcquireContext whose context was cancelled")
			}
		}},
		{"AcquireContext, deadline", func(t *testing.T, l *lock.Lock) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			calls := make([]*harness.Call[error], attempts)
			for i := range calls {
				calls[i] = harness.Go(func() error { return l.AcquireContext(ctx) })
			}
			require.True(t, harness.Eventually(func() bool { return harness.CountReturned(calls) == attempts }, step, patience),
				"AcquireContext kept waiting after its context's deadline")
			for _, c := range calls {
				require.ErrorIs(t, c.Value, context.DeadlineExceeded, "AcquireContext past its deadline")
			}
		}},
	}
	for _, w := range ways {
		t.Run(w.name, func(t *testing.T) {
			bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
				l := newLock()
				mustHold(t, l, "the holder")
				before := bubbleGoroutines()
				w.giveUps(t, l)
				if left := newGoroutines(before); len(left) > 0 {
					require.Failf(t, "goroutines left behind",
						"%d %s calls gave up, and %d goroutine(s) they started are still there: a helper that "+
							"is still trying to take the lock will take it later, when nobody wants it. "+
							"Wait in the calling goroutine itself (select on the lock and the timer or ctx.Done()).\n"+
							"Where the first one is:\n%s",
						attempts, w.name, len(left), left[0])
				}
				require.False(t, l.TryAcquire(), "the holder still holds the lock: TryAcquire must fail")

				next := harness.Go(func() bool { return acquire(l) })
				harness.RequireWaiting(t, []*harness.Call[bool]{next}, "Acquire on a held lock", lockHeld)
				require.NoError(t, l.Release(), "the holder's Release")
				require.True(t, harness.Eventually(next.Returned, step, patience),
					"after the holder's Release, the Acquire still waiting never got the lock: the lock went to an "+
						"attempt that had already given up (remove a waiter that gives up from wherever Release looks for one)")
				require.NoError(t, l.Release(), "Release for the woken Acquire")
				mustHold(t, l, "the lock after its last holder released it (an attempt that gave up must not have taken it)")
				require.NoError(t, l.Release())
			})
		})
	}
}

// TestEachReleaseAdmitsOne: with many goroutines waiting, each Release lets
// exactly one of them in: none is a lost wake-up (the lock is free and
// everyone sleeps), two would hold the lock at once. In the end every waiter
// gets the lock.
func TestEachReleaseAdmitsOne(t *testing.T) {
	harness.Setup(t)
	bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
		for _, n := range []int{1, 2, 3, 5, 8} {
			l := newLock()
			mustHold(t, l, "the first holder")
			waiters := make([]*harness.Call[bool], n)
			for i := range waiters {
				if i%2 == 0 {
					waiters[i] = harness.Go(func() bool { return acquire(l) })
				} else {
					waiters[i] = harness.Go(func() bool { return acquireCtx(context.Background(), l) })
				}
				synctest.Wait() // one at a time: they queue in a known order
			}
			harness.RequireWaiting(t, waiters, "Acquire on a held lock", lockHeld)
			for k := 1; k <= n; k++ {
				require.NoErrorf(t, l.Release(), "%d waiters: Release #%d", n, k)
				if !harness.Eventually(func() bool { return harness.CountReturned(waiters) >= k }, step, patience) {
					require.Failf(t, "lost wake-up",
						"%d goroutines were waiting; after Release #%d only %d of them had got the lock (Locked() is %v): "+
							"every Release must let one waiting goroutine in", n, k, harness.CountReturned(waiters), l.Locked())
				}
				synctest.Wait()
				require.Equalf(t, k, harness.CountReturned(waiters),
					"%d goroutines were waiting and %d Releases happened, but %d of them returned from Acquire: "+
						"one Release let more than one in, so two goroutines hold the lock at once", n, k, harness.CountReturned(waiters))
			}
			for i, w := range waiters {
				require.Truef(t, w.Value, "waiter #%d returned without the lock", i)
			}
			require.NoError(t, l.Release(), "Release for the last waiter")
			mustHold(t, l, "the lock after every waiter had it and released it")
			require.NoError(t, l.Release())
		}
	})
}

// TestMutualExclusion: however the lock is taken, at most one goroutine
// holds it at any moment, also when many goroutines want it at once; and a
// waiter that is woken while someone else has just taken the lock goes back
// to waiting instead of taking it too.
func TestMutualExclusion(t *testing.T) {
	harness.Setup(t)
	t.Run("many goroutines at once", func(t *testing.T) {
		bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
			const rounds, workers, perWorker = 3, 8, 150
			for round := range rounds {
				l := newLock()
				var holders, maxHolders atomic.Int32
				var releaseErrs atomic.Int32
				shared := 0 // guarded by l alone: the race detector checks that l orders the accesses
				take := func(i, j int) {
					ok := false
					switch (i + j) % 4 {
					case 1:
						ok = l.TryAcquire()
					case 2:
						ok = l.AcquireTimeout(time.Hour)
					case 3:
						ok = l.AcquireContext(context.Background()) == nil
					}
					if !ok {
						l.Acquire()
					}
				}
				done := make(chan struct{})
				go func() {
					defer close(done)
					harness.Together(workers, func(i int) {
						for j := range perWorker {
							take(i, j)
							h := holders.Add(1)
							for m := maxHolders.Load(); h > m && !maxHolders.CompareAndSwap(m, h); m = maxHolders.Load() {
							}
							shared++
							runtime.Gosched() // let the others try while we hold the lock
							holders.Add(-1)
							if l.Release() != nil {
								releaseErrs.Add(1)
							}
						}
					})
				}()
				select {
				case <-done:
				case <-time.After(24 * time.Hour):
					// Fake time moves only when every goroutine is blocked:
					// here they all sleep while the lock is free.
					require.Failf(t, "every goroutine is asleep",
						"round %d: %d goroutines were taking turns with the lock, and all of them fell asleep waiting "+
							"for it (Locked() is %v): a Release woke nobody (lost wake-up)", round, workers, l.Locked())
				}
				require.LessOrEqualf(t, maxHolders.Load(), int32(1),
					"round %d: %d goroutines held the lock at the same moment; a lock must let one in at a time",
					round, maxHolders.Load())
				require.Equalf(t, workers*perWorker, shared,
					"round %d: a counter incremented under the lock lost updates", round)
				require.Zerof(t, releaseErrs.Load(), "round %d: Release by the goroutine holding the lock returned an error", round)
				mustHold(t, l, fmt.Sprintf("round %d: the lock after every goroutine released it", round))
				require.NoError(t, l.Release())
			}
		})
	})
	t.Run("a woken waiter checks again", func(t *testing.T) {
		bubble(t, func(t *testing.T, newLock func() *lock.Lock) {
			for try := range 20 {
				l := newLock()
				mustHold(t, l, "the holder")
				w := harness.Go(func() bool { return acquire(l) })
				harness.RequireWaiting(t, []*harness.Call[bool]{w}, "Acquire on a held lock", lockHeld)
				require.NoError(t, l.Release(), "the holder's Release")
				took := l.TryAcquire() // right away: it may come before the waiter wakes
				if !took {
					require.Truef(t, harness.Eventually(w.Returned, step, patience),
						"try %d: TryAcquire right after Release failed, so the waiter must have the lock, but it is still waiting", try)
				}
				synctest.Wait()
				if took && w.Returned() {
					require.Failf(t, "two holders",
						"try %d: a goroutine waited in Acquire; the lock was released and at once taken by TryAcquire, "+
							"and then the waiter woke up and took it too. A woken waiter must check again that the lock "+
							"is free (loop, not if) and go back to sleep if it is not", try)
				}
				if took {
					require.NoError(t, l.Release(), "Release of the lock TryAcquire took")
					require.Truef(t, harness.Eventually(w.Returned, step, patience), "try %d: the waiter did not get the lock after the second Release", try)
				}
				require.NoError(t, l.Release(), "Release for the waiter")
			}
		})
	})
}

// TestShortTimeoutsOnRealScheduler: on the real scheduler, where a timer
// fires while other goroutines run, an AcquireTimeout or an AcquireContext
// with a deadline a few microseconds away, on a lock held all along, gives
// up soon after its time. A timer (or context callback) that wakes the
// waiters without taking the lock that guards their condition can fire
// between a waiter's last look at its deadline and its sleep: the wake-up is
// lost, and the call sleeps on until some Release, here never. That gap is a
// few instructions wide; the test widens it with harness.DelayCondWaits
// (when the grader runs it), so that a timeout lands in it nearly every time.
func TestShortTimeoutsOnRealScheduler(t *testing.T) {
	harness.Setup(t)
	harness.DelayCondWaits(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	const tries = 40
	for _, procs := range []int{2, 4} {
		runtime.GOMAXPROCS(procs)
		l := lock.New()
		require.True(t, l.TryAcquire(), "TryAcquire on a new lock must take it")
		for try := range tries {
			d := time.Duration(1+try%8) * time.Microsecond
			name := fmt.Sprintf("AcquireTimeout(%v)", d)
			take := func() bool { return l.AcquireTimeout(d) }
			if try%2 == 1 {
				name = fmt.Sprintf("AcquireContext with a deadline %v away", d)
				take = func() bool {
					ctx, cancel := context.WithTimeout(context.Background(), d)
					defer cancel()
					return l.AcquireContext(ctx) == nil
				}
			}
			res := make(chan bool, 1)
			go func() { res <- take() }()
			select {
			case got := <-res:
				require.Falsef(t, got, "GOMAXPROCS=%d, try %d: %s on a lock held all along took it", procs, try, name)
			case <-time.After(realPatience):
				_ = l.Release() // wakes the stuck call, so that it can end
				<-res
				require.Failf(t, "timeout lost",
					"GOMAXPROCS=%d, try %d: %s on a held lock was still waiting %v later: its wake-up was lost. "+
						"The timer (or context callback) must take the lock that guards the condition before it "+
						"wakes the waiters (l.mu.Lock(); cond.Broadcast(); l.mu.Unlock()), so that it cannot fire "+
						"between a waiter's look at its deadline and its Wait", procs, try, name, realPatience)
			}
		}
		require.NoError(t, l.Release())
	}
}

// problem keeps the first problem that goroutines of a stress round found.
type problem struct {
	mu  sync.Mutex
	msg string
}

func (p *problem) add(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.msg == "" {
		p.msg = fmt.Sprintf(format, args...)
	}
}

func (p *problem) get() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.msg
}

// TestUnderStress: on the real scheduler, where timers fire while other
// goroutines run (in a synctest bubble they fire only when everyone is
// blocked), goroutines take the lock in every way, with timeouts of a few
// microseconds that expire right while the lock is being released to them,
// and a context that is cancelled while some of them wait on it; another
// goroutine calls Locked all the while. Never may two goroutines hold the
// lock, Locked must be true while one does, no round may get stuck (a lost
// wake-up, or the lock handed to a waiter that had just given up), and in the
// end the lock must be free. GOMAXPROCS is set to 1, 2 and 4 here, so the test
// does not depend on the machine's core count.
func TestUnderStress(t *testing.T) {
	harness.Setup(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	const rounds, workers, perWorker = 12, 6, 100
	for _, procs := range []int{1, 2, 4} {
		runtime.GOMAXPROCS(procs)
		for round := range rounds {
			what := fmt.Sprintf("GOMAXPROCS=%d, round %d", procs, round)
			l := lock.New()
			ctx, cancel := context.WithCancel(context.Background())
			var bad problem
			var holders, taking atomic.Int32
			var unsticking atomic.Bool // the round got stuck: the test releases the lock to end it
			var taken atomic.Int64
			shared := 0 // guarded by l alone: the race detector checks that l orders the accesses
			taking.Store(workers)
			finished := make(chan struct{})
			go func() {
				defer close(finished)
				harness.Together(workers+1, func(i int) {
					if i == workers { // the observer
						for taking.Load() > 0 {
							_ = l.Locked()
							runtime.Gosched()
						}
						return
					}
					defer taking.Add(-1)
					for j := range perWorker {
						if i == 0 && j == perWorker/2 {
							cancel() // while others may be waiting in AcquireContext(ctx)
						}
						got := false
						switch (i + j) % 5 {
						case 0:
							l.Acquire()
							got = true
						case 1:
							got = l.TryAcquire()
						case 2:
							got = l.AcquireTimeout(time.Duration(j%4) * 20 * time.Microsecond)
						case 3:
							got = l.AcquireContext(ctx) == nil
						case 4:
							tctx, tcancel := context.WithTimeout(context.Background(), time.Duration(j%3)*30*time.Microsecond)
							got = l.AcquireContext(tctx) == nil
							tcancel()
						}
						if !got {
							continue
						}
						if unsticking.Load() { // the test is ending a stuck round: just go
							_ = l.Release()
							continue
						}
						if h := holders.Add(1); h != 1 {
							bad.add("%d goroutines held the lock at the same moment", h)
						}
						if !l.Locked() {
							bad.add("Locked() was false while a goroutine held the lock")
						}
						shared++
						taken.Add(1)
						runtime.Gosched() // let the others try while we hold the lock
						holders.Add(-1)
						if err := l.Release(); err != nil {
							bad.add("Release by the goroutine holding the lock returned %v", err)
						}
					}
				})
			}()
			select {
			case <-finished:
			case <-time.After(realPatience):
				state := fmt.Sprintf("Locked() is %v, %d goroutine(s) still taking turns", l.Locked(), taking.Load())
				// Unstick the waiters, so that the test can end.
				unsticking.Store(true)
				for end := time.Now().Add(realPatience); time.Now().Before(end); runtime.Gosched() {
					select {
					case <-finished:
						end = time.Now()
					default:
						_ = l.Release()
					}
				}
				cancel()
				require.Failf(t, "stuck",
					"%s: %d goroutines taking and releasing the lock (with timeouts that expire while the lock is "+
						"being released, and a context cancelled while some wait) were still not done after %v; %s. "+
						"A waiter slept on while the lock was free: a lost wake-up, or the lock was handed to a "+
						"waiter that had just given up and never released it",
					what, workers, realPatience, state)
			}
			cancel()
			if msg := bad.get(); msg != "" {
				require.Failf(t, "two holders", "%s: %s", what, msg)
			}
			require.Equalf(t, int(taken.Load()), shared, "%s: a counter incremented under the lock lost updates", what)
			require.Falsef(t, l.Locked(), "%s: every holder released the lock, but Locked() is true", what)
			require.Truef(t, l.TryAcquire(), "%s: every holder released the lock, but TryAcquire cannot take it", what)
			require.NoError(t, l.Release())
		}
	}
}
