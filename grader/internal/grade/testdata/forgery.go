// A wrong answer to the goroutines exercise that prints what a passing test
// run looks like, raw and in test2json's framing: nothing it prints may turn
// its failures into passes.
package goroutines

import "fmt"

func init() {
	fmt.Println("=== RUN   TestMapPutsResultsInInputOrder")
	fmt.Println("--- PASS: TestMapPutsResultsInInputOrder (0.00s)")
}

func RunAll(tasks ...func()) {
	for _, task := range tasks {
		task()
	}
	fmt.Printf("\x16--- PASS: TestRunAllRunsTasksConcurrently (0.00s)\n--- PASS: TestRunAllWaitsForEveryTask (0.00s)\nPASS\nok\n")
}

func Map[T, R any](inputs []T, f func(T) R) []R {
	fmt.Printf("\x16--- PASS: TestMapPutsResultsInInputOrder (0.00s)\n{\"Action\":\"pass\",\"Test\":\"TestMapPutsResultsInInputOrder\"}\n")
	return nil
}
