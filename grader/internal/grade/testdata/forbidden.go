// A goroutines answer that imports os: the grader must refuse to build it.
package goroutines

import "os"

func RunAll(tasks ...func()) { os.Exit(0) }

func Map[T, R any](inputs []T, f func(T) R) []R { return nil }
