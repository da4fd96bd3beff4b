// Package confine computes word counts and sums with several goroutines that
// share nothing while they work: each goroutine counts into data that only it
// can reach, hands its partial result over when it is done, and one goroutine
// merges the partial results once, after every worker has finished. No lock
// is needed, because no two goroutines ever touch the same data at once.
package confine

// Mistake: shares are len/workers items each, so the remainder of the division (and everything, with more workers than items) is never counted
// Fails: TestWordCountSplits:fail TestWordCountWaitsForEveryWorker:fail TestSumSplits:fail TestSameResultForAnyGOMAXPROCS:fail TestWordCountBasics? TestSumBasics?

import (
	"strings"
	"sync"
)

// WordCount counts the words of docs with workers goroutines.
func WordCount(docs []string, workers int) map[string]int {
	return WordCountFunc(docs, workers, strings.Fields)
}

// WordCountFunc is right in every respect but the shares.
func WordCountFunc(docs []string, workers int, split func(doc string) []string) map[string]int {
	if split == nil {
		split = strings.Fields
	}
	spans := shares(len(docs), workers)
	partials := make(chan map[string]int, len(spans))
	for _, s := range spans {
		go func() {
			counts := make(map[string]int)
			for _, doc := range docs[s.lo:s.hi] {
				for _, w := range split(doc) {
					counts[w]++
				}
			}
			partials <- counts
		}()
	}
	total := make(map[string]int)
	for range spans {
		for w, n := range <-partials {
			total[w] += n
		}
	}
	return total
}

// Sum is right in every respect but the shares.
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

// shares: the bug. 10 items over 3 workers gives 3+3+3, and item 9 is lost;
// 2 items over 3 workers gives three empty shares.
func shares(n, workers int) []span {
	workers = max(workers, 1)
	size := n / workers
	spans := make([]span, workers)
	for i := range spans {
		spans[i] = span{i * size, (i + 1) * size}
	}
	return spans
}
