// The reference solution of the second fake exercise. Its lock guards
// nothing (one goroutine), so the mutation check's drop-lock mutant of it
// survives, and is listed as equivalent.
package other

import "sync"

func Answer() int {
	var mu sync.Mutex
	mu.Lock()
	defer mu.Unlock()
	return 42
}
