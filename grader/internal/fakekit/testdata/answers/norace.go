// A racy answer that hides its race from the race detector with
// //go:norace: the grader must refuse the directive.
package fake

import "sync"

//go:norace
func count() int {
	n := 0
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { n++ })
	}
	wg.Wait()
	return n
}

func Answer(test string) int { return 40 + count() }
