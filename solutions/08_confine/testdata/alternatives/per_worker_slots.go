// Package confine computes word counts and sums with several goroutines that
// share nothing while they work.
//
// This alternative hands results over the other way round from the reference
// solution: WordCountFunc gives every worker a slot of a slice and waits with
// a WaitGroup before merging the slots; Sum sends the partial sums over a
// channel.
package confine

import (
	"strings"
	"sync"
)

// WordCount counts the words of docs with workers goroutines.
func WordCount(docs []string, workers int) map[string]int {
	return WordCountFunc(docs, workers, strings.Fields)
}

// WordCountFunc: worker i owns partials[i] until wg.Wait returns. Different
// elements of a slice are different variables, so writing partials[0] and
// partials[1] from two goroutines is no race.
func WordCountFunc(docs []string, workers int, split func(doc string) []string) map[string]int {
	if split == nil {
		split = strings.Fields
	}
	spans := shares(len(docs), workers)
	partials := make([]map[string]int, len(spans))
	var wg sync.WaitGroup
	for i, s := range spans {
		wg.Go(func() {
			counts := make(map[string]int)
			for _, doc := range docs[s.lo:s.hi] {
				for _, w := range split(doc) {
					counts[w]++
				}
			}
			partials[i] = counts
		})
	}
	wg.Wait()

	// The first partial map can become the result: its worker is done with
	// it. Merge the others into it.
	if len(partials) == 0 {
		return make(map[string]int)
	}
	total := partials[0]
	for _, p := range partials[1:] {
		for w, n := range p {
			total[w] += n
		}
	}
	return total
}

// Sum: every worker sends its partial sum; one receive per worker.
func Sum(nums []int64, workers int) int64 {
	spans := shares(len(nums), workers)
	sums := make(chan int64) // unbuffered: each send waits for its receive
	for _, s := range spans {
		go func() {
			var sum int64
			for _, n := range nums[s.lo:s.hi] {
				sum += n
			}
			sums <- sum
		}()
	}
	var total int64
	for range spans {
		total += <-sums
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
