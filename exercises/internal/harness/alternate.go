package harness

import "sync"

// Alternate runs first and second on two new goroutines that take turns,
// first(0), second(0), first(1), second(1) and so on up to step n-1, and
// waits for both to finish.
//
// Each turn begins after the one before it has returned, but the race
// detector is not told so: it sees the two goroutines as running side by
// side, ordered only by what the code under test does itself. A data race
// that needs the scheduler to stop one goroutine inside a narrow gap, such as
// a map taken under a lock and copied after the unlock while another
// goroutine writes it under the lock, is then reported in every run instead
// of only when the two goroutines happen to interleave inside the gap.
//
// Because the turns are hidden, first and second must share no memory except
// through the code under test: the race detector would report the test's own
// accesses. Each may keep its own results and hand them over once Alternate
// has returned.
func Alternate(n int, first, second func(step int)) {
	turn := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
	var done sync.WaitGroup
	done.Add(2)
	take := func(me int, f func(step int)) {
		defer done.Done()
		for step := range n {
			if me == 1 || step > 0 {
				raceDisable()
				<-turn[me]
				raceEnable()
			}
			f(step)
			if me == 0 || step < n-1 {
				raceDisable()
				turn[1-me] <- struct{}{}
				raceEnable()
			}
		}
	}
	go take(0, first)
	go take(1, second)
	done.Wait()
}
