// An answer that imports os: the grader must refuse to build it.
package fake

import "os"

func Answer(test string) int { os.Exit(0); return 42 }
