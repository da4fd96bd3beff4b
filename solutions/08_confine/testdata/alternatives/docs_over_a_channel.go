// Package confine computes word counts and sums with several goroutines that
// share nothing while they work.
//
// This alternative does not cut the input into shares up front. The docs go
// out over one channel to the workers, each worker takes the next doc when it
// is free (a fast worker takes more docs than a slow one), and counts into its
// own map; the partial maps come back over a second channel. Still no lock:
// a doc and a partial map each have exactly one owner at a time.
package confine

import (
	"strings"
)

// WordCount counts the words of docs with workers goroutines.
func WordCount(docs []string, workers int) map[string]int {
	return WordCountFunc(docs, workers, strings.Fields)
}

// WordCountFunc feeds the docs to min(workers, len(docs)) workers.
func WordCountFunc(docs []string, workers int, split func(doc string) []string) map[string]int {
	if split == nil {
		split = strings.Fields
	}
	k := min(max(workers, 1), len(docs))
	jobs := make(chan string)
	partials := make(chan map[string]int, k)
	for range k {
		go func() {
			counts := make(map[string]int)
			for doc := range jobs { // ends when jobs is closed and drained
				for _, w := range split(doc) {
					counts[w]++
				}
			}
			partials <- counts
		}()
	}
	for _, doc := range docs {
		jobs <- doc
	}
	close(jobs) // no more docs: every worker finishes and sends its map

	total := make(map[string]int)
	for range k {
		for w, n := range <-partials {
			total[w] += n
		}
	}
	return total
}

// Sum feeds chunks of up to 64 numbers to the workers in the same way.
func Sum(nums []int64, workers int) int64 {
	const chunk = 64
	k := min(max(workers, 1), (len(nums)+chunk-1)/chunk)
	jobs := make(chan []int64)
	sums := make(chan int64, k)
	for range k {
		go func() {
			var sum int64
			for part := range jobs {
				for _, n := range part {
					sum += n
				}
			}
			sums <- sum
		}()
	}
	for lo := 0; lo < len(nums); lo += chunk {
		jobs <- nums[lo:min(lo+chunk, len(nums))]
	}
	close(jobs)
	var total int64
	for range k {
		total += <-sums
	}
	return total
}
