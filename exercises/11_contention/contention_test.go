package contention_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	contention "github.com/concurrency-kit/kit/exercises/11_contention"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// Several tests need to know that a call running in another goroutine is
// stuck waiting for a lock, for example "Move is waiting for the shard that
// Update holds". A test cannot ask a mutex who is waiting for it, and
// testing/synctest does not count a goroutine blocked on a sync.Mutex as
// blocked. So these tests look at the goroutine's state in a stack dump
// (runtime.Stack), the same thing a panic prints: "goroutine 42
// [sync.Mutex.Lock]:" means goroutine 42 sleeps in Lock. This takes no
// guessing about time: the test waits until the call has either returned or
// gone to sleep.

// call is a function running in its own goroutine.
type call struct {
	name string
	id   uint64 // the goroutine's number in stack dumps
	done chan struct{}
}

// start runs f in a new goroutine. The test makes sure, in a cleanup, that
// the goroutine has ended when the test ends.
func start(t *testing.T, name string, f func()) *call {
	t.Helper()
	c := &call{name: name, done: make(chan struct{})}
	ids := make(chan uint64, 1)
	go func() {
		defer close(c.done)
		ids <- harness.GoroutineID()
		f()
	}()
	c.id = <-ids
	t.Cleanup(func() {
		select {
		case <-c.done:
		case <-time.After(2 * time.Second):
			t.Errorf("%s was still running 2s after the test ended: it is most likely deadlocked", c.name)
		}
	})
	return c
}

// asleep are the states of a goroutine that waits for something (a lock, a
// channel, a timer) rather than running or being ready to run.
var asleep = []string{
	"sync.Mutex.Lock", "sync.RWMutex.Lock", "sync.RWMutex.RLock", "semacquire",
	"sync.Cond.Wait", "sleep", "select", "chan receive", "chan send",
}

// state returns c's state as printed in a stack dump ("running",
// "sync.Mutex.Lock", ...), or "" if the goroutine has ended.
func (c *call) state() string {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	header := fmt.Sprintf("goroutine %d [", c.id)
	for _, g := range strings.Split(string(buf), "\n\n") {
		if rest, ok := strings.CutPrefix(g, header); ok {
			st, _, _ := strings.Cut(rest, "]")
			st, _, _ = strings.Cut(st, ",") // "sync.Mutex.Lock, 2 minutes"
			return st
		}
	}
	return ""
}

// returned reports, without waiting, whether c has returned.
func (c *call) returned() bool { return harness.Closed(c.done) }

// returnsOrSleeps waits until c has returned (true) or is asleep, waiting
// for a lock (false). To be sure c is really stuck and not passing through,
// c must be seen asleep several times in a row. If neither happens within
// 2s (c keeps running: it spins), the test fails.
func returnsOrSleeps(t *testing.T, c *call) bool {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	seen := 0
	for {
		if c.returned() {
			return true
		}
		st := c.state()
		if c.returned() {
			return true
		}
		if isAsleep(st) {
			seen++
			if seen == 5 {
				return false
			}
		} else {
			seen = 0
		}
		if time.Now().After(deadline) {
			require.FailNowf(t, "call keeps running",
				"%s neither returned nor went to sleep waiting for a lock within 2s (state %q): does it spin? "+
					"A goroutine that waits for a lock must sleep (Lock), not retry TryLock in a loop", c.name, st)
		}
		time.Sleep(200 * time.Microsecond) // poll interval, not a guess about timing
	}
}

func isAsleep(state string) bool {
	for _, s := range asleep {
		if strings.HasPrefix(state, s) {
			return true
		}
	}
	return false
}

// wait waits for c to return, at most 5s.
func wait(t *testing.T, c *call) {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		require.FailNowf(t, "call never returned",
			"%s did not return within 5s: it is most likely deadlocked", c.name)
	}
}

// hold locks the shard of key from outside: it runs m.Update(key, f) in a
// new goroutine, where f waits until release is called. hold returns once f
// is running, that is while Update holds the shard. release lets f return
// and waits for Update to finish. Call it again with defer: if the test
// stops early, the shard is then unlocked before the test's cleanups wait
// for the goroutines it started.
func hold(t *testing.T, m *contention.Map, key string) (release func()) {
	t.Helper()
	entered := make(chan struct{})
	gate := make(chan struct{})
	var enterOnce, releaseOnce sync.Once
	c := start(t, fmt.Sprintf("Update(%q, f)", key), func() {
		m.Update(key, func(v int64) int64 {
			enterOnce.Do(func() { close(entered) })
			<-gate
			return v
		})
	})
	release = func() {
		releaseOnce.Do(func() { close(gate) })
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
			t.Errorf("%s did not return within 5s after its f returned", c.name)
		}
	}
	select {
	case <-entered:
	case <-c.done:
		require.FailNowf(t, "Update did not call f",
			"Update(%q, f) returned without calling f: Update must call f once, while it holds the shard of the key", key)
	case <-time.After(5 * time.Second):
		release()
		require.FailNowf(t, "Update did not call f",
			"Update(%q, f) did not call f within 5s on an idle Map", key)
	}
	return release
}

// candidates are keys the tests pick from.
var candidates = func() []string {
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = fmt.Sprintf("key-%d", i)
	}
	return keys
}()

// keysInShards returns one key for each of n different shards of m, in
// increasing shard order.
func keysInShards(t *testing.T, m *contention.Map, n int) []string {
	t.Helper()
	first := map[int]string{}
	for _, k := range candidates {
		s := m.ShardOf(k)
		if _, ok := first[s]; !ok {
			first[s] = k
		}
	}
	require.GreaterOrEqualf(t, len(first), n,
		"ShardOf put %d different keys into only %d shard(s) of %d: the tests need keys in %d different shards",
		len(candidates), len(first), m.Shards(), n)
	shards := make([]int, 0, len(first))
	for s := range first {
		shards = append(shards, s)
	}
	// One key from the lowest shard, one from the highest, the rest
	// spread in between.
	slices.Sort(shards)
	keys := make([]string, n)
	for i := range n {
		keys[i] = first[shards[i*(len(shards)-1)/max(n-1, 1)]]
	}
	return keys
}

// keysInOneShard returns two different keys that m puts in the same shard.
func keysInOneShard(t *testing.T, m *contention.Map) (string, string) {
	t.Helper()
	first := map[int]string{}
	for _, k := range candidates {
		s := m.ShardOf(k)
		if other, ok := first[s]; ok {
			return other, k
		}
		first[s] = k
	}
	require.FailNow(t, "no two keys share a shard", "ShardOf put %d keys in %d different shards", len(candidates), len(first))
	return "", ""
}

func newMap(t *testing.T, shards int) *contention.Map {
	t.Helper()
	m := contention.NewMap(shards)
	require.NotNil(t, m, "NewMap(%d) returned nil", shards)
	if shards > 0 {
		require.Equalf(t, shards, m.Shards(), "NewMap(%d).Shards()", shards)
	}
	return m
}

// TestNewMapAddGet checks the basics in one goroutine: the number of shards,
// Add, Get, Update, Len and Total.
func TestNewMapAddGet(t *testing.T) {
	harness.Setup(t)
	t.Run("number of shards", func(t *testing.T) {
		for _, tc := range []struct{ asked, want int }{
			{0, contention.DefaultShards}, {-3, contention.DefaultShards},
			{1, 1}, {5, 5}, {64, 64}, {1000, 1000},
		} {
			assert.Equalf(t, tc.want, newMap(t, tc.asked).Shards(), "NewMap(%d).Shards()", tc.asked)
		}
	})
	t.Run("a new map is empty", func(t *testing.T) {
		m := newMap(t, 0)
		assert.Zero(t, m.Get("missing"), "Get of a key that was never added")
		assert.Zero(t, m.Len(), "Len of a new map")
		assert.Zero(t, m.Total(), "Total of a new map")
		assert.Zero(t, m.Len(), "Get must not create the key it looks up")
	})
	t.Run("Add, Get, Update, Len, Total", func(t *testing.T) {
		m := newMap(t, 4)
		m.Add("apples", 5)
		m.Add("pears", 2)
		m.Add("apples", 3)
		m.Add("plums", -4)
		m.Add("zero", 0)
		assert.Equal(t, int64(8), m.Get("apples"), "Add(apples, 5) then Add(apples, 3)")
		assert.Equal(t, int64(2), m.Get("pears"), "Add(pears, 2)")
		assert.Equal(t, int64(-4), m.Get("plums"), "Add(plums, -4): values may be negative")
		assert.Equal(t, 4, m.Len(), "Len counts distinct keys, including one whose value is 0")
		assert.Equal(t, int64(6), m.Total(), "Total is the sum of all values")

		got := m.Update("pears", func(v int64) int64 { return v * 10 })
		assert.Equal(t, int64(20), got, "Update returns the new value")
		assert.Equal(t, int64(20), m.Get("pears"), "Update(pears, v*10)")
		got = m.Update("cherries", func(v int64) int64 { return v + 7 })
		assert.Equal(t, int64(7), got, "Update of a missing key gives f(0)")
		assert.Equal(t, 5, m.Len(), "Update creates a missing key")
		assert.Equal(t, int64(31), m.Total(), "Total after the Updates")
	})
	t.Run("Update whose f panics", func(t *testing.T) {
		m := newMap(t, 2)
		m.Add("figs", 4)
		require.PanicsWithValue(t, "f failed", func() {
			m.Update("figs", func(int64) int64 { panic("f failed") })
		}, "a panic in f must go on to the caller of Update")
		c := start(t, "Get(figs) after an Update whose f panicked", func() {
			m.Add("figs", 1)
			m.Update("figs", func(v int64) int64 { return v + 2 })
		})
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
			require.FailNow(t, "shard left locked",
				"Add and Update on a key whose last Update's f panicked did not return within 5s: the panic left the "+
					"shard locked. Unlock with defer, so that the lock is released however Update ends")
		}
		assert.Equal(t, int64(7), m.Get("figs"), "an Update whose f panicked changes nothing; then Add 1 and Update +2")
	})
	t.Run("many keys, one shard", func(t *testing.T) {
		m := newMap(t, 1)
		for i, k := range candidates[:100] {
			m.Add(k, int64(i))
		}
		for i, k := range candidates[:100] {
			require.Equalf(t, int64(i), m.Get(k), "Get(%q) on a map with 1 shard", k)
		}
		assert.Equal(t, 100, m.Len(), "Len")
		assert.Equal(t, int64(99*100/2), m.Total(), "Total")
	})
}

// TestMove checks Move in one goroutine: between shards in both
// directions, within one shard, to the same key, with a negative amount.
// Two different keys may share a shard: Move must then lock that shard once
// (a Go mutex locked twice by the same goroutine blocks forever). Each case
// uses a new Map, so that this test does not depend on the lock order (that
// is TestLockOrder's job).
func TestMove(t *testing.T) {
	harness.Setup(t)
	// Key roles: lo and hi are in different shards (lo's index is lower),
	// s1 and s2 share a shard.
	type keys struct{ lo, hi, s1, s2 string }
	for _, tc := range []struct {
		name     string
		from, to func(keys) string
		amount   int64
		want     func(keys) map[string]int64
	}{
		{"from the lower shard to the higher",
			func(k keys) string { return k.lo }, func(k keys) string { return k.hi }, 30,
			func(k keys) map[string]int64 { return map[string]int64{k.lo: 70, k.hi: 130} }},
		{"from the higher shard to the lower",
			func(k keys) string { return k.hi }, func(k keys) string { return k.lo }, 30,
			func(k keys) map[string]int64 { return map[string]int64{k.lo: 130, k.hi: 70} }},
		{"between two keys of one shard",
			func(k keys) string { return k.s1 }, func(k keys) string { return k.s2 }, 25,
			func(k keys) map[string]int64 { return map[string]int64{k.s1: 75, k.s2: 125} }},
		{"from a key to itself: nothing changes",
			func(k keys) string { return k.lo }, func(k keys) string { return k.lo }, 50,
			func(k keys) map[string]int64 { return map[string]int64{k.lo: 100} }},
		{"a negative amount moves the other way",
			func(k keys) string { return k.lo }, func(k keys) string { return k.hi }, -20,
			func(k keys) map[string]int64 { return map[string]int64{k.lo: 120, k.hi: 80} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMap(t, 8)
			ks := keysInShards(t, m, 2)
			s1, s2 := keysInOneShard(t, m)
			k := keys{lo: ks[0], hi: ks[1], s1: s1, s2: s2}
			for _, key := range []string{k.lo, k.hi, k.s1, k.s2} {
				m.Add(key, 100)
			}
			from, to := tc.from(k), tc.to(k)
			mv := start(t, fmt.Sprintf("Move(%q, %q, %d)", from, to, tc.amount), func() {
				m.Move(from, to, tc.amount)
			})
			select {
			case <-mv.done:
			case <-time.After(2 * time.Second):
				require.FailNowf(t, "Move deadlocked", "%s did not return within 2s: does it lock the same shard twice?", mv.name)
			}
			for key, want := range tc.want(k) {
				assert.Equalf(t, want, m.Get(key), "Get(%q) after %s", key, mv.name)
			}
		})
	}
	t.Run("Move creates missing keys", func(t *testing.T) {
		m := newMap(t, 8)
		ks := keysInShards(t, m, 2)
		from, to := ks[0], ks[1]
		m.Move(from, to, 9)
		assert.Equalf(t, int64(-9), m.Get(from), "Get(%q) after Move(%q, %q, 9) on an empty map: a missing key starts at 0 and may go negative", from, from, to)
		assert.Equalf(t, int64(9), m.Get(to), "Get(%q) after Move(%q, %q, 9) on an empty map", to, from, to)
		assert.Equal(t, 2, m.Len(), "Move creates both missing keys")
	})
}

// TestShardOfIsConsistent checks that the shard of a key is a fixed function
// of the key: in range, the same on every call and in every goroutine, and
// spread over all the shards. It also checks that what one goroutine adds,
// another finds: Add and Get must agree on the shard.
func TestShardOfIsConsistent(t *testing.T) {
	harness.Setup(t)
	for _, n := range []int{1, 5, 16} {
		t.Run(fmt.Sprintf("%d shards", n), func(t *testing.T) {
			m := newMap(t, n)
			first := make([]int, len(candidates))
			used := map[int]int{}
			for i, k := range candidates {
				s := m.ShardOf(k)
				require.Truef(t, 0 <= s && s < n, "ShardOf(%q) = %d, want an index in [0, %d)", k, s, n)
				first[i] = s
				used[s]++
			}
			assert.Lenf(t, used, n, "%d different keys must spread over all %d shards, they used only %d", len(candidates), n, len(used))

			var bad atomic.Pointer[string]
			harness.Together(4, func(g int) {
				for range 3 {
					for i, k := range candidates {
						if s := m.ShardOf(k); s != first[i] {
							msg := fmt.Sprintf("ShardOf(%q) gave %d and later, in another goroutine, %d: "+
								"the shard must depend only on the key (no random seed per call, no per-goroutine choice)", k, first[i], s)
							bad.CompareAndSwap(nil, &msg)
						}
					}
				}
			})
			if msg := bad.Load(); msg != nil {
				require.Fail(t, *msg)
			}
		})
	}
	t.Run("1000 shards: no cap on the number of shards", func(t *testing.T) {
		const n = 1000
		m := newMap(t, n)
		used := map[int]bool{}
		for i := range 20 * n {
			k := fmt.Sprintf("many-%d", i)
			s := m.ShardOf(k)
			require.Truef(t, 0 <= s && s < n, "ShardOf(%q) = %d, want an index in [0, %d)", k, s, n)
			used[s] = true
		}
		assert.GreaterOrEqualf(t, len(used), 900,
			"%d different keys used only %d of the %d shards of NewMap(%d): every shard must be reachable (hash %% Shards(), no cap)",
			20*n, len(used), n, n)
		hi := keysOfShards(t, m, []int{n - 1}, 1, "top")[0][0]
		m.Add(hi, 5)
		assert.Equalf(t, int64(5), m.Get(hi), "Get(%q) in shard %d of %d after Add(%q, 5)", hi, n-1, n, hi)
	})
	t.Run("keys with a long common prefix", func(t *testing.T) {
		const n = 16
		m := newMap(t, n)
		prefix := "tenant-000000001/users/"
		used := map[int]bool{}
		for i := range 1000 {
			used[m.ShardOf(fmt.Sprintf("%s%d", prefix, i))] = true
		}
		assert.Lenf(t, used, n, "1000 keys %q+number used only %d of %d shards: the hash must depend on every byte "+
			"of the key, not only its first bytes", prefix, len(used), n)
	})
	t.Run("Get in another goroutine finds what Add stored", func(t *testing.T) {
		m := newMap(t, 16)
		keys := candidates[:300]
		adder := start(t, "the goroutine that adds", func() {
			for i, k := range keys {
				m.Add(k, int64(i))
				m.Add(k, 1)
			}
		})
		wait(t, adder)
		got := make([]int64, len(keys))
		harness.Together(2, func(g int) {
			for i, k := range keys {
				if i%2 == g {
					got[i] = m.Get(k)
				}
			}
		})
		for i, k := range keys {
			require.Equalf(t, int64(i+1), got[i],
				"Get(%q) in one goroutine after Add(%q, %d) and Add(%q, 1) in another: Add and Get must use the same shard for a key", k, k, i, k)
		}
		assert.Equal(t, len(keys), m.Len(), "Len: each key must live in exactly one shard")
	})
}

// keysOfShards returns, for each shard in shards, n keys that ShardOf puts
// into that shard.
func keysOfShards(t *testing.T, m *contention.Map, shards []int, n int, prefix string) [][]string {
	t.Helper()
	keys := make([][]string, len(shards))
	missing := len(shards) * n
	for i := 0; i < 100_000 && missing > 0; i++ {
		k := fmt.Sprintf("%s-%d", prefix, i)
		if at := slices.Index(shards, m.ShardOf(k)); at >= 0 && len(keys[at]) < n {
			keys[at] = append(keys[at], k)
			missing--
		}
	}
	for i, s := range shards {
		require.Lenf(t, keys[i], n, "ShardOf put too few of 100000 keys into shard %d of %d: a hash must spread keys over all shards", s, m.Shards())
	}
	return keys
}

// TestConcurrentAddsAreCounted runs Add and Update from many goroutines at
// once. First each goroutine creates keys of its own, all in a shard of its
// own (picked with ShardOf), so the goroutines share no lock. Then they all
// add to shared keys while reading with Get, Len and Total. No update may be
// lost, and the race detector must find nothing: every read and write of a
// shard's data happens under that shard's lock, and nothing shared by all
// shards is changed under one shard's lock (two shards' locks do not
// exclude each other).
func TestConcurrentAddsAreCounted(t *testing.T) {
	harness.Setup(t)
	const (
		goroutines = 8
		ownKeys    = 25
		sharedKeys = 8
		rounds     = 400
	)
	m := newMap(t, 2*goroutines)
	var ownShards, sharedShards []int
	for s := range goroutines {
		ownShards = append(ownShards, s)
		sharedShards = append(sharedShards, goroutines+s)
	}
	own := keysOfShards(t, m, ownShards, ownKeys, "own")
	var shared []string
	for _, ks := range keysOfShards(t, m, sharedShards, 1, "shared") {
		shared = append(shared, ks...)
	}

	// Each goroutine creates its keys in its own shard.
	harness.Together(goroutines, func(g int) {
		for _, k := range own[g] {
			m.Add(k, 1)
		}
	})
	// Everybody adds to everything, and reads. Two more goroutines only
	// read, all the time the writers run: Get, Len and Total must take the
	// locks too. Values only grow and keys are never removed, so a reader
	// must never see a value, Len or Total go down.
	const readers = 2
	var writing atomic.Int32
	writing.Store(goroutines)
	var problem atomic.Pointer[string]
	report := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		problem.CompareAndSwap(nil, &msg)
	}
	keys := goroutines*ownKeys + sharedKeys
	harness.Together(goroutines+readers, func(g int) {
		if g >= goroutines {
			last := make(map[string]int64)
			var lastTotal int64
			lastLen := goroutines * ownKeys
			for i := 0; writing.Load() > 0 || i < 20; i++ {
				k := shared[(i+g)%sharedKeys]
				if i%2 == 1 {
					k = own[i%goroutines][i%ownKeys]
				}
				if v := m.Get(k); v < last[k] {
					report("Get(%q) returned %d after an earlier Get returned %d, while only positive amounts were added", k, v, last[k])
				} else {
					last[k] = v
				}
				if i%8 == 0 {
					if n := m.Len(); n < lastLen || n > keys {
						report("Len() returned %d after it had returned %d, with %d keys at most and keys never removed", n, lastLen, keys)
					} else {
						lastLen = n
					}
					if tot := m.Total(); tot < lastTotal {
						report("Total() returned %d after an earlier Total() returned %d, while only positive amounts were added", tot, lastTotal)
					} else {
						lastTotal = tot
					}
				}
			}
			return
		}
		defer writing.Add(-1)
		for j := range rounds {
			m.Add(own[g][j%ownKeys], 1)
			m.Add(shared[j%sharedKeys], 1)
			m.Update(shared[(j+g)%sharedKeys], func(v int64) int64 { return v + 2 })
		}
	})
	if msg := problem.Load(); msg != nil {
		require.Fail(t, "a read during the Adds was wrong", *msg)
	}

	for _, k := range shared {
		assert.Equalf(t, int64(goroutines*rounds/sharedKeys*3), m.Get(k),
			"Get(%q): %d goroutines each added 1 (Add) and 2 (Update) to it %d times", k, goroutines, rounds/sharedKeys)
	}
	for g := range own {
		for _, k := range own[g] {
			require.Equalf(t, int64(1+rounds/ownKeys), m.Get(k), "Get(%q): one goroutine added 1 to it %d times", k, 1+rounds/ownKeys)
		}
	}
	assert.Equal(t, goroutines*ownKeys+sharedKeys, m.Len(), "Len after the concurrent Adds")
	assert.Equal(t, int64(goroutines*(ownKeys+rounds*4)), m.Total(), "Total after the concurrent Adds")

	t.Run("each Update returns the value its own f produced", func(t *testing.T) {
		// Update is a counter here: Update(k, v+1) from many goroutines
		// must hand each caller the value its f produced, so that no two
		// callers get the same number. Reading the key again after
		// unlocking returns whatever another Update wrote meanwhile;
		// harness.DelayLocks (when the grader runs the test) makes that
		// happen in almost every call.
		harness.DelayLocks(t)
		const perGoroutine = 100
		key := shared[0]
		var problem atomic.Pointer[string]
		harness.Together(goroutines, func(int) {
			for range perGoroutine {
				var made int64
				got := m.Update(key, func(v int64) int64 { made = v + 1; return made })
				if got != made {
					msg := fmt.Sprintf("Update(%q, v+1) returned %d, but its f returned %d: Update must return the value "+
						"its own f produced (keep it in a variable while the shard is locked), not read the key again "+
						"after unlocking, when another goroutine's Update may already have changed it", key, got, made)
					problem.CompareAndSwap(nil, &msg)
					return
				}
			}
		})
		if msg := problem.Load(); msg != nil {
			require.Fail(t, "Update returned another Update's value", *msg)
		}
	})
}

// TestShardsAreIndependent checks that the Map is really sharded: while one
// shard is locked (an Update whose f has not returned yet), operations on
// keys of other shards go ahead instead of waiting. One lock for the whole
// Map would be correct, but it would make every goroutine wait in line.
func TestShardsAreIndependent(t *testing.T) {
	harness.Setup(t)
	m := newMap(t, 16)
	ks := keysInShards(t, m, 4)
	locked, k1, k2, k3 := ks[0], ks[1], ks[2], ks[3]
	m.Add(locked, 1)
	m.Add(k1, 10)
	m.Add(k2, 20)
	m.Add(k3, 30)
	release := hold(t, m, locked)
	defer release()

	for _, op := range []struct {
		name string
		f    func()
	}{
		{fmt.Sprintf("Add(%q, 5)", k1), func() { m.Add(k1, 5) }},
		{fmt.Sprintf("Get(%q)", k2), func() { m.Get(k2) }},
		{fmt.Sprintf("Update(%q, v+1)", k2), func() { m.Update(k2, func(v int64) int64 { return v + 1 }) }},
		{fmt.Sprintf("Move(%q, %q, 3)", k1, k2), func() { m.Move(k1, k2, 3) }},
	} {
		c := start(t, op.name, op.f)
		require.Truef(t, returnsOrSleeps(t, c),
			"%s waited while another goroutine held only the shard of %q (a different shard): "+
				"each shard needs its own lock, and an operation must lock only the shards of its keys", op.name, locked)
	}

	// A Move that waits for the held shard must not stop Moves between
	// other shards either: nothing Map-wide may be held while waiting.
	waiting := start(t, fmt.Sprintf("Move(%q, %q, 4)", locked, k3), func() { m.Move(locked, k3, 4) })
	require.Falsef(t, returnsOrSleeps(t, waiting),
		"%s returned while Update(%q, f) was inside f, holding that key's shard: "+
			"Move must lock the shards of both keys (and Update must hold its shard while f runs)", waiting.name, locked)
	other := start(t, fmt.Sprintf("Move(%q, %q, 2)", k2, k1), func() { m.Move(k2, k1, 2) })
	require.Truef(t, returnsOrSleeps(t, other),
		"%s waited while %s was waiting for the shard of %q, a shard %s does not use: "+
			"a Map-wide lock around Moves (or anything else held while waiting for a shard) makes every Move wait for the slowest one. "+
			"Take only the two shards' locks, in index order", other.name, waiting.name, locked, other.name)
	release()
	wait(t, waiting)
	assert.Equal(t, int64(14), m.Get(k1), "Get(%q) after Add 5, Move 3 away and Move 2 in", k1)
	assert.Equal(t, int64(22), m.Get(k2), "Get(%q) after Update +1, Move 3 in and Move 2 away", k2)
	assert.Equal(t, int64(34), m.Get(k3), "Get(%q) after Move 4 in", k3)
	assert.Equal(t, int64(-3), m.Get(locked), "Get(%q) after Move 4 away", locked)
}

// TestMoveIsAtomic checks that nobody can see a Move half done. The test
// locks one of the two shards (with an Update that waits), so Move cannot
// finish. Then it reads the key in the other shard: until Move has finished,
// that key must show its old value. A Move that changes one shard, unlocks it
// and only then locks the other shows its first half. Each of the two shards
// is held in turn, so a Move must lock both, whichever is the lower.
func TestMoveIsAtomic(t *testing.T) {
	harness.Setup(t)
	for _, heldLower := range []bool{true, false} {
		for _, fromLower := range []bool{false, true} {
			name := "from in the higher shard"
			if fromLower {
				name = "from in the lower shard"
			}
			if heldLower {
				name += ", lower shard held"
			} else {
				name += ", higher shard held"
			}
			t.Run(name, func(t *testing.T) {
				m := newMap(t, 16) // a new map each time: its own locks
				ks := keysInShards(t, m, 2)
				lower, higher := ks[0], ks[1]
				from, to := higher, lower
				if fromLower {
					from, to = lower, higher
				}
				held, other := lower, higher
				if !heldLower {
					held, other = higher, lower
				}
				m.Add(from, 100)
				m.Add(to, 0)
				before := m.Get(other)
				after := before + 30 // other is to
				if other == from {
					after = before - 30
				}

				release := hold(t, m, held)
				defer release()
				mv := start(t, fmt.Sprintf("Move(%q, %q, 30)", from, to), func() { m.Move(from, to, 30) })
				require.Falsef(t, returnsOrSleeps(t, mv),
					"%s returned while Update(%q, f) was inside f, holding that key's shard: "+
						"Move must lock the shards of both keys (and Update must hold its shard while f runs)", mv.name, held)

				var seen int64
				get := start(t, fmt.Sprintf("Get(%q)", other), func() { seen = m.Get(other) })
				early := returnsOrSleeps(t, get)
				release()
				wait(t, mv)
				wait(t, get)
				if early {
					require.Equalf(t, before, seen,
						"Get(%q) returned %d while %s was still waiting for the shard of %q; it must still show the old value %d. "+
							"Move changed %q, unlocked its shard and only then went for the other one: "+
							"hold both shards' locks from the first change to the last",
						other, seen, mv.name, held, before, other)
				} else {
					require.Equalf(t, after, seen, "Get(%q) waited for %s and must see its result", other, mv.name)
				}
				assert.Equal(t, int64(70), m.Get(from), "Get(from) after the Move")
				assert.Equal(t, int64(30), m.Get(to), "Get(to) after the Move")
			})
		}
	}
}

// TestTotalIsAtomic checks that Total sees all shards at one instant. The
// test takes three keys a, x, b in shards of increasing index and locks x's
// shard, so Total cannot finish. A Move of 10 from a to b then starts. If
// Total had added up a's shard and let go of it, the Move could run before
// Total reaches b: Total would count the 10 twice.
func TestTotalIsAtomic(t *testing.T) {
	harness.Setup(t)
	m := newMap(t, 16)
	ks := keysInShards(t, m, 3)
	a, x, b := ks[0], ks[1], ks[2]
	m.Add(a, 100)
	m.Add(x, 1)
	m.Add(b, 100)

	release := hold(t, m, x)
	defer release()
	var total int64
	tot := start(t, "Total()", func() { total = m.Total() })
	require.Falsef(t, returnsOrSleeps(t, tot),
		"Total() returned while Update(%q, f) was inside f, holding that key's shard: "+
			"Total must lock every shard (and Update must hold its shard while f runs)", x)
	mv := start(t, fmt.Sprintf("Move(%q, %q, 10)", a, b), func() { m.Move(a, b, 10) })
	returnsOrSleeps(t, mv) // Move may finish or wait; either is fine here
	release()
	wait(t, tot)
	wait(t, mv)

	require.Equalf(t, int64(201), total,
		"Total() returned %d, but the values always added up to 201. Total added up %q's shard and unlocked it, "+
			"then %s ran before Total reached %q, so Total counted the 10 twice. Hold every shard's lock until the sum is complete.",
		total, a, mv.name, b)
	assert.Equal(t, int64(201), m.Total(), "Total after the Move")
	assert.Equal(t, int64(90), m.Get(a), "Get(a) after the Move")
	assert.Equal(t, int64(110), m.Get(b), "Get(b) after the Move")
}

// TestLenIsAtomic checks that Len counts the keys of all shards at one
// instant, like Total. The test takes three keys a, x, b in shards of
// increasing index, where only x exists, and locks x's shard, so Len cannot
// finish. A Move from a to b then starts: it creates both keys in one step,
// so the Map has either 1 key or 3, never 2. If Len had counted a's shard and
// let go of it, the Move could run before Len reaches b: Len would count b
// and not a, and report 2.
func TestLenIsAtomic(t *testing.T) {
	harness.Setup(t)
	m := newMap(t, 16)
	ks := keysInShards(t, m, 3)
	a, x, b := ks[0], ks[1], ks[2]
	m.Add(x, 1)

	release := hold(t, m, x)
	defer release()
	var n int
	ln := start(t, "Len()", func() { n = m.Len() })
	require.Falsef(t, returnsOrSleeps(t, ln),
		"Len() returned while Update(%q, f) was inside f, holding that key's shard: "+
			"Len must lock every shard (and Update must hold its shard while f runs)", x)
	mv := start(t, fmt.Sprintf("Move(%q, %q, 10)", a, b), func() { m.Move(a, b, 10) })
	returnsOrSleeps(t, mv) // Move may finish or wait; either is fine here
	release()
	wait(t, ln)
	wait(t, mv)

	require.Containsf(t, []int{1, 3}, n,
		"Len() returned %d, but the Map always had 1 key (%q) or 3 (after %s created %q and %q in one step). "+
			"Len counted %q's shard and unlocked it, then the Move ran before Len reached %q. "+
			"Hold every shard's lock until the count is complete.", n, x, mv.name, a, b, a, b)
	assert.Equal(t, 3, m.Len(), "Len after the Move")
}

// TestConservedUnderLoad moves amounts between random keys from several
// goroutines while others call Total: the total never changes, so every
// Total must return it, and at the end the values must still add up to it.
func TestConservedUnderLoad(t *testing.T) {
	harness.Setup(t)
	const (
		keys    = 32
		initial = 1000
		movers  = 4
		readers = 2
		moves   = 1000
		want    = keys * initial
	)
	m := newMap(t, 8)
	names := make([]string, keys)
	for i := range names {
		names[i] = fmt.Sprintf("acct-%d", i)
		m.Add(names[i], initial)
	}
	require.Equal(t, int64(want), m.Total(), "Total after adding %d to each of %d keys", initial, keys)

	var (
		running   atomic.Int32
		badTotal  atomic.Int64
		badTotals atomic.Int32
		checked   atomic.Int32
	)
	running.Store(movers)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		harness.Together(movers+readers, func(g int) {
			if g < movers {
				defer running.Add(-1)
				r := rand.New(rand.NewPCG(uint64(g), 11))
				for range moves {
					m.Move(names[r.IntN(keys)], names[r.IntN(keys)], int64(r.IntN(50)))
				}
				return
			}
			for i := 0; running.Load() > 0 || i < 50; i++ {
				checked.Add(1)
				if got := m.Total(); got != want {
					badTotals.Add(1)
					badTotal.Store(got)
				}
			}
		})
	}()
	select {
	case <-finished:
	case <-time.After(8 * time.Second):
		require.FailNow(t, "deadlock", "the concurrent Moves and Totals did not finish within 8s: "+
			"two Moves in opposite directions probably deadlocked (lock the shards in index order)")
	}

	require.Zerof(t, badTotals.Load(),
		"%d of %d Total() calls during the Moves returned something else than %d (one returned %d): "+
			"Total saw a Move half done. Move must hold both shards while it changes them, and Total all shards while it adds up.",
		badTotals.Load(), checked.Load(), want, badTotal.Load())
	assert.Equal(t, int64(want), m.Total(), "Total after the Moves")
	var sum int64
	for _, k := range names {
		sum += m.Get(k)
	}
	assert.Equal(t, int64(want), sum, "the values of all keys (read with Get) after the Moves")
	assert.Equal(t, keys, m.Len(), "Len after the Moves")
}

// TestLockOrder makes Moves in both directions between keys of different
// shards, and calls Total, all in one goroutine. Nothing can hang here, but
// the grader's lock-order run notices when one call takes shard i then
// shard j and another takes j then i: with two goroutines doing that at the
// same time, each could hold the lock the other waits for. Every call that
// holds several shards must take them in shard index order.
func TestLockOrder(t *testing.T) {
	harness.Setup(t)
	m := newMap(t, 16)
	ks := keysInShards(t, m, 4)
	for _, k := range ks {
		m.Add(k, 100)
	}
	for i := range ks {
		for j := range ks {
			if i != j {
				m.Move(ks[i], ks[j], int64(i+1))
				m.Total()
			}
		}
	}
	// Key i sent i+1 to each of the 3 others and got j+1 from each other j.
	for i, k := range ks {
		want := int64(100 - 3*(i+1) + (1 + 2 + 3 + 4 - (i + 1)))
		assert.Equalf(t, want, m.Get(k), "Get(%q) after the Moves", k)
	}
	assert.Equal(t, int64(400), m.Total(), "Total after the Moves")
}

// The benchmarks compare the sharded Map with one big lock around one map.
// They are not graded; see the README for how to run them.

// globalMap is the "one big lock" design: correct, simple, and every
// operation waits for every other.
type globalMap struct {
	mu     sync.Mutex
	values map[string]int64
}

func (g *globalMap) Add(key string, delta int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.values[key] += delta
}

func (g *globalMap) Get(key string) int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.values[key]
}

func (g *globalMap) Update(key string, f func(int64) int64) int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	v := f(g.values[key])
	g.values[key] = v
	return v
}

// counters is what both designs offer to the benchmarks.
type counters interface {
	Add(key string, delta int64)
	Get(key string) int64
	Update(key string, f func(int64) int64) int64
}

// benchKeys are the keys the benchmarks use: many, so that goroutines rarely
// want the same one.
var benchKeys = func() []string {
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = fmt.Sprintf("user-%d", i)
	}
	return keys
}()

// work stands for a little real work done while the lock is held (about a
// hundred nanoseconds): parsing, validating, computing the new value.
func work(v int64) int64 {
	x := uint64(v) | 1
	for range 64 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return v + int64(x&1)
}

// slowStep stands for a slow step done while the lock is held, such as a call
// to another service: the goroutine sleeps 1ms, holding the lock, and uses no
// CPU meanwhile.
func slowStep(v int64) int64 {
	time.Sleep(time.Millisecond)
	return v + 1
}

// runOps runs one operation per iteration from GOMAXPROCS goroutines at
// once, each goroutine walking the keys from its own starting point.
//   - "add": 3 Adds for every Get, the lock held for a few nanoseconds;
//   - "update-with-work": Update whose f computes for about a hundred
//     nanoseconds, so the lock is held for longer;
//   - "update-with-wait": Update whose f sleeps 1ms, from 8 goroutines per
//     GOMAXPROCS, so that many goroutines want a lock at once whatever the
//     number of cores.
func runOps(b *testing.B, newCounters func() counters) {
	b.Run("add", func(b *testing.B) {
		c := newCounters()
		var next atomic.Uint64
		b.RunParallel(func(pb *testing.PB) {
			i := next.Add(1) * 7919
			for pb.Next() {
				k := benchKeys[i%uint64(len(benchKeys))]
				if i%4 == 0 {
					c.Get(k)
				} else {
					c.Add(k, 1)
				}
				i++
			}
		})
	})
	b.Run("update-with-work", func(b *testing.B) {
		c := newCounters()
		var next atomic.Uint64
		b.RunParallel(func(pb *testing.PB) {
			i := next.Add(1) * 7919
			for pb.Next() {
				c.Update(benchKeys[i%uint64(len(benchKeys))], work)
				i++
			}
		})
	})
	b.Run("update-with-wait", func(b *testing.B) {
		c := newCounters()
		var next atomic.Uint64
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			i := next.Add(1) * 7919
			for pb.Next() {
				c.Update(benchKeys[i%uint64(len(benchKeys))], slowStep)
				i++
			}
		})
	})
}

func BenchmarkGlobalMutex(b *testing.B) {
	runOps(b, func() counters { return &globalMap{values: map[string]int64{}} })
}

func BenchmarkShardedMap(b *testing.B) {
	runOps(b, func() counters { return contention.NewMap(0) })
}
