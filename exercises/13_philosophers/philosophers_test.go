package philosophers_test

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	philosophers "github.com/concurrency-kit/kit/exercises/13_philosophers"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// newTable creates a table and makes sure NewTable returned one.
func newTable(t *testing.T, n int) *philosophers.Table {
	t.Helper()
	tbl := philosophers.NewTable(n)
	require.NotNil(t, tbl, "NewTable(%d) returned nil", n)
	return tbl
}

// forksOf returns philosopher p's left and right fork at a table of n.
func forksOf(p, n int) (left, right int) {
	return p, (p + 1) % n
}

// meal is one call of an eat callback: the forks it was given.
type meal struct{ left, right int }

// firstProblem keeps the first problem that any goroutine reports. It is
// only touched when something is wrong, so it adds no synchronisation
// between philosophers in a correct run (which would hide a data race from
// the race detector).
type firstProblem struct {
	msg atomic.Pointer[string]
}

func (f *firstProblem) report(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	f.msg.CompareAndSwap(nil, &msg)
}

func (f *firstProblem) get() string {
	if m := f.msg.Load(); m != nil {
		return *m
	}
	return ""
}

// isClosed reports whether ch is closed, without waiting.
func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// TestEatCallsEatWithBothForks lets every philosopher eat, one after
// another, twice round the table: each Eat must call eat exactly once, with
// the philosopher's left and right fork, and put both forks down again
// (or the next philosopher would wait for them forever).
func TestEatCallsEatWithBothForks(t *testing.T) {
	harness.Setup(t)
	for _, n := range []int{3, 5, 7} {
		t.Run(fmt.Sprintf("%d philosophers", n), func(t *testing.T) {
			tbl := newTable(t, n)
			for round := range 2 {
				for p := range n {
					var meals []meal
					tbl.Eat(p, func(left, right int) { meals = append(meals, meal{left, right}) })
					l, r := forksOf(p, n)
					require.Equal(t, []meal{{l, r}}, meals,
						"round %d: Eat(%d, eat) at a table of %d must call eat exactly once, as eat(%d, %d)",
						round+1, p, n, l, r)
				}
			}
		})
	}
}

// TestEatWaitsForBusyForks lets philosopher 0 eat, holding forks 0 and 1,
// and while they eat, starts their neighbours: philosopher 1 (whose left fork
// is fork 1) and philosopher 4 (whose right fork is fork 0). Both must wait:
// neither may eat nor give up and return while philosopher 0 holds their
// fork. When philosopher 0 is done, both must eat, once each.
func TestEatWaitsForBusyForks(t *testing.T) {
	harness.Setup(t)
	const n = 5
	tbl := newTable(t, n)

	// Philosopher 0 eats until release is closed.
	var eatingOnce sync.Once
	eating, release, zeroDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(zeroDone)
		tbl.Eat(0, func(left, right int) {
			eatingOnce.Do(func() { close(eating) })
			<-release
		})
	}()
	select {
	case <-eating:
	case <-zeroDone:
		t.Fatal("Eat(0, eat) returned without calling eat: at a table where nobody eats, it must eat at once")
	}

	type neighbour struct {
		p         int
		busyFork  int
		side      string
		meals     []meal // written by the neighbour's Eat, read after done
		ate, done chan struct{}
		ateOnce   sync.Once
	}
	neighbours := []*neighbour{
		{p: 1, busyFork: 1, side: "left"},
		{p: n - 1, busyFork: 0, side: "right"},
	}
	for _, nb := range neighbours {
		nb.ate, nb.done = make(chan struct{}), make(chan struct{})
		go func() {
			defer close(nb.done)
			tbl.Eat(nb.p, func(left, right int) {
				nb.meals = append(nb.meals, meal{left, right})
				nb.ateOnce.Do(func() { close(nb.ate) })
			})
		}()
	}

	// A correct Eat of a neighbour blocks until release, so nothing below
	// can happen before the timer fires. A wrong one eats or returns at once;
	// the timer only gives it plenty of time to do so.
	timer := time.NewTimer(200 * time.Millisecond)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-neighbours[0].ate:
	case <-neighbours[1].ate:
	case <-neighbours[0].done:
	case <-neighbours[1].done:
	}
	var culprit *neighbour
	problem := ""
	for _, nb := range neighbours {
		if isClosed(nb.ate) {
			culprit, problem = nb, "called eat"
			break
		}
		if culprit == nil && isClosed(nb.done) {
			culprit, problem = nb, "returned without eating"
		}
	}

	// Let everyone finish before failing, so that the failure is the wrong
	// behaviour, not the goroutines it left behind.
	close(release)
	<-zeroDone
	for _, nb := range neighbours {
		<-nb.done
	}
	if culprit != nil {
		t.Fatalf("Eat(%d, eat) %s while philosopher 0 was eating with fork %d, its %s fork: "+
			"it must wait until the fork is put down, then eat", culprit.p, problem, culprit.busyFork, culprit.side)
	}
	for _, nb := range neighbours {
		l, r := forksOf(nb.p, n)
		assert.Equal(t, []meal{{l, r}}, nb.meals,
			"once philosopher 0 put the forks down, Eat(%d, eat) must call eat exactly once, as eat(%d, %d)",
			nb.p, l, r)
	}
}

// TestForkNeverHasTwoHolders runs dinner for five philosophers and has every
// meal note, in plain (unsynchronised) variables, who holds each of its two
// forks. If the forks really are exclusive, these notes are only ever
// touched by the philosopher holding the fork, one after another, and every
// fork is free when a philosopher picks it up. A fork that two philosophers
// can hold at once shows as a data race in the race run, and as a fork
// found in someone else's hands.
func TestForkNeverHasTwoHolders(t *testing.T) {
	harness.Setup(t)
	const (
		n     = 5
		meals = 40
	)
	tbl := newTable(t, n)
	holder := make([]int, n) // philosopher+1 holding each fork, 0 when free
	var ate [n]atomic.Int64  // ate[p] is only touched by philosopher p's meals
	var problem firstProblem
	tbl.Dine(meals, func(p, left, right int) {
		if p < 0 || p >= n {
			problem.report("eat was called for philosopher %d at a table of %d", p, n)
			return
		}
		ate[p].Add(1)
		if l, r := forksOf(p, n); left != l || right != r {
			problem.report("philosopher %d ate with forks %d and %d, want %d and %d", p, left, right, l, r)
			return
		}
		for _, f := range [2]int{left, right} {
			if h := holder[f]; h != 0 {
				problem.report("philosopher %d picked up fork %d while philosopher %d was still eating with it", p, f, h-1)
			}
			holder[f] = p + 1
		}
		runtime.Gosched() // let a neighbour try to take a fork now, if it can
		holder[left], holder[right] = 0, 0
	})
	var total int64
	for p := range ate {
		total += ate[p].Load()
	}
	require.Positive(t, total, "Dine(%d, eat) at a table of %d must make the philosophers eat", meals, n)
	assert.Empty(t, problem.get(), "a fork must never be in two philosophers' hands at once")
}

// TestEveryPhilosopherEatsEveryMeal runs dinner at tables of several sizes
// and counts the meals: every philosopher must eat exactly meals times, with
// their own two forks, and all of it before Dine returns. No philosopher may be
// left out, give up on a meal or eat extra ones.
func TestEveryPhilosopherEatsEveryMeal(t *testing.T) {
	harness.Setup(t)
	for _, tc := range []struct{ n, meals int }{
		{3, 1}, {5, 0}, {5, 1}, {5, 25}, {7, 10},
	} {
		t.Run(fmt.Sprintf("%d philosophers, %d meals", tc.n, tc.meals), func(t *testing.T) {
			tbl := newTable(t, tc.n)
			ate := make([]atomic.Int64, tc.n)
			var returned atomic.Bool
			var problem firstProblem
			tbl.Dine(tc.meals, func(p, left, right int) {
				switch l, r := forksOf(p, tc.n); {
				case p < 0 || p >= tc.n:
					problem.report("eat was called for philosopher %d at a table of %d", p, tc.n)
					return
				case returned.Load():
					problem.report("philosopher %d ate after Dine had returned", p)
				case left != l || right != r:
					problem.report("philosopher %d ate with forks %d and %d, want %d and %d", p, left, right, l, r)
				}
				ate[p].Add(1)
			})
			returned.Store(true)
			got := make([]int64, tc.n)
			want := make([]int64, tc.n)
			for p := range ate {
				got[p] = ate[p].Load()
				want[p] = int64(tc.meals)
			}
			assert.Equal(t, want, got, "meals eaten by each philosopher (index = philosopher) when Dine(%d, eat) "+
				"returned: every philosopher must eat exactly %d times, none left out or giving up",
				tc.meals, tc.meals)
			assert.Empty(t, problem.get(), "every meal must be eaten by a philosopher of the table, with their own forks, before Dine returns")
		})
	}
}

// TestTwoPhilosophersLockOrder seats two philosophers, who share both forks:
// philosopher 0 has left fork 0 and right fork 1, philosopher 1 has left
// fork 1 and right fork 0. They eat one after another in this goroutine, so
// nothing can hang here. But if each picks up their left fork first,
// philosopher 0 holds fork 0 while taking fork 1, and philosopher 1 holds
// fork 1 while taking fork 0. The grader's lock-order run remembers both and
// reports the inversion ("deadlock"), because two goroutines doing this at
// the same moment can each get one fork and then wait for the other forever.
func TestTwoPhilosophersLockOrder(t *testing.T) {
	harness.Setup(t)
	tbl := newTable(t, 2)
	for _, p := range []int{0, 1, 1, 0} {
		var meals []meal
		tbl.Eat(p, func(left, right int) { meals = append(meals, meal{left, right}) })
		l, r := forksOf(p, 2)
		require.Equal(t, []meal{{l, r}}, meals,
			"Eat(%d, eat) at a table of 2 must call eat exactly once, as eat(%d, %d)", p, l, r)
	}
}

// TestDineNeverDeadlocks runs many dinners with many meals, at tables of 2,
// 3 and 5, with every meal handing the processor to other goroutines to mix
// up the order in which the philosophers reach for their forks. If everyone
// takes the left fork first, sooner or later every philosopher holds one
// fork and waits for the next: the dinner hangs. At a table of 2 the
// grader's lock-order run sees it coming even when it did not happen.
func TestDineNeverDeadlocks(t *testing.T) {
	harness.Setup(t)
	for _, tc := range []struct{ n, dinners, meals int }{
		{2, 5, 50}, {3, 10, 50}, {5, 10, 50},
	} {
		t.Run(fmt.Sprintf("%d philosophers", tc.n), func(t *testing.T) {
			var meals atomic.Int64
			for range tc.dinners {
				tbl := newTable(t, tc.n)
				tbl.Dine(tc.meals, func(p, left, right int) {
					meals.Add(1)
					runtime.Gosched()
				})
			}
			require.Positive(t, meals.Load(), "Dine(%d, eat) at a table of %d must make the philosophers eat", tc.meals, tc.n)
		})
	}
}
