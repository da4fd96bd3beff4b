// Package confine computes word counts and sums with several goroutines that
// share nothing while they work: each goroutine counts into data that only it
// can reach, hands its partial result over when it is done, and one goroutine
// merges the partial results once, after every worker has finished. No lock
// is needed, because no two goroutines ever touch the same data at once.
package confine

// Mistake: each worker counts into its own map, but then merges it into the shared result itself, with no lock
// Fails: TestWordCountSplits TestWordCountUsesWorkers TestWordCountWaitsForEveryWorker? TestSameResultForAnyGOMAXPROCS TestWordCountBasics?

import (
	"strings"
	"sync"
)

// WordCount counts the words of docs with workers goroutines.
func WordCount(docs []string, workers int) map[string]int {
	return WordCountFunc(docs, workers, strings.Fields)
}

// WordCountFunc: the counting is confined, the merge is not. Workers that
// finish at about the same time write the result map at the same time.
func WordCountFunc(docs []string, workers int, split func(doc string) []string) map[string]int {
	if split == nil {
		split = strings.Fields
	}
	total := make(map[string]int)
	var wg sync.WaitGroup
	for _, s := range shares(len(docs), workers) {
		wg.Go(func() {
			counts := make(map[string]int)
			for _, doc := range docs[s.lo:s.hi] {
				for _, w := range split(doc) {
					counts[w]++
				}
			}
			for w, n := range counts { // the bug: a worker writes the result
				total[w] += n
			}
		})
	}
	wg.Wait()
	return total
}

// Sum adds up nums with workers goroutines (correct).
func Sum(nums []int64, workers int) int64 {
	spans := shares(len(nums), workers)
	partial := make([]int64, len(spans))
	var wg sync.WaitGroup
	for i, s := range spans {
		wg.Go(func() {
			var sum int64
			for _, n := range nums[s.lo:s.hi] {
				sum += n
			}
			partial[i] = sum
		})
	}
	wg.Wait()
	var total int64
	for _, p := range partial {
		total += p
	}
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
