//go:build race

package lockcheck_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	deadlock "github.com/sasha-s/go-deadlock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/exercises/internal/lockcheck"
)

// helperEnv makes the test binary run TestUnorderedAccessesHelper for real.
const helperEnv = "KIT_LOCKCHECK_RACE_HELPER"

// The race run's lock counting must not order anything for the race
// detector. Two goroutines below touch a variable without synchronisation;
// the second starts only once the first has nested two locks, which it learns
// through Nested, and then nests two locks of its own. If the counting were an ordinary atomic, the first
// goroutine's writes would happen-before the second's reads and the race
// would go unreported.
func TestCountingHidesNoRace(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestUnorderedAccessesHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"=1", "GORACE=atexit_sleep_ms=0 halt_on_error=0")
	out, _ := cmd.CombinedOutput()
	assert.Contains(t, string(out), "WARNING: DATA RACE", "the race between the two goroutines was hidden:\n%s", out)
	assert.Contains(t, string(out), "nesting_race_test.go", "the race report names the test's own accesses:\n%s", out)
}

func TestUnorderedAccessesHelper(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("run by TestCountingHidesNoRace")
	}
	deadlock.Opts.Disable = true // as in the race run
	var a, b, c, d lockcheck.Mutex
	shared := 0
	lockcheck.ResetNesting()
	done := make(chan struct{})
	go func() {
		shared = 1 // the first access
		a.Lock()
		b.Lock()
		b.Unlock()
		a.Unlock()
	}()
	go func() {
		defer close(done)
		for !lockcheck.Nested() {
		}
		c.Lock()
		d.Lock()
		d.Unlock()
		c.Unlock()
		_ = strings.Repeat("x", shared) // the second access, unordered with the first
	}()
	<-done
	require.True(t, lockcheck.Nested())
}
