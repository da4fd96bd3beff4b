// Package confine computes word counts and sums with several goroutines that
// share nothing while they work: each goroutine counts into data that only it
// can reach, hands its partial result over when it is done, and one goroutine
// merges the partial results once, after every worker has finished. No lock
// is needed, because no two goroutines ever touch the same data at once.
package confine

// Mistake: every worker counts straight into one shared map (and adds into one shared total) with no lock
// Fails: TestWordCountSplits TestWordCountUsesWorkers TestWordCountWaitsForEveryWorker? TestSumSplits:race TestSameResultForAnyGOMAXPROCS TestWordCountBasics? TestSumBasics?

import (
	"strings"
	"sync"
)

// WordCount counts the words of docs with workers goroutines.
func WordCount(docs []string, workers int) map[string]int {
	return WordCountFunc(docs, workers, strings.Fields)
}

// WordCountFunc: the workers share one map. Two goroutines writing a Go map
// at the same time is a data race, and the runtime may even stop the program
// with "concurrent map writes". It looks fine with one worker.
func WordCountFunc(docs []string, workers int, split func(doc string) []string) map[string]int {
	if split == nil {
		split = strings.Fields
	}
	counts := make(map[string]int) // shared by every worker: the bug
	var wg sync.WaitGroup
	for _, s := range shares(len(docs), workers) {
		wg.Go(func() {
			for _, doc := range docs[s.lo:s.hi] {
				for _, w := range split(doc) {
					counts[w]++
				}
			}
		})
	}
	wg.Wait()
	return counts
}

// Sum: the workers share one total; total += n is read, add, write, and two
// workers can interleave those steps and lose updates.
func Sum(nums []int64, workers int) int64 {
	var total int64 // shared by every worker: the bug
	var wg sync.WaitGroup
	for _, s := range shares(len(nums), workers) {
		wg.Go(func() {
			for _, n := range nums[s.lo:s.hi] {
				total += n
			}
		})
	}
	wg.Wait()
	return total
}

type span struct{ lo, hi int }

func shares(n, workers int) []span {
	k := min(max(workers, 1), n)
	spans := make([]span, 0, k)
	lo := 0
	for i := range k {
		size := n / k
		if i < n%k {
			size++
		}
		spans = append(spans, span{lo, lo + size})
		lo += size
	}
	return spans
}
