// A correct answer to the second fake exercise that go vet finds fault
// with: a lock copied by value and a cancel function lost. (A wrong printf
// call is a build error already: go test runs that check itself.)
package other

import (
	"context"
	"sync"
)

type box struct{ mu sync.Mutex }

func copied(b box) {}

func lost() context.Context {
	ctx, _ := context.WithCancel(context.Background())
	return ctx
}

func Answer() int {
	_, _ = copied, lost
	return 42
}
