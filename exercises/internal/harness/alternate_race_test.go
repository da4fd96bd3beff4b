//go:build race

package harness_test

import (
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

// alternateEnv makes the test binary run one of the Alternate helpers below.
const alternateEnv = "KIT_HARNESS_ALTERNATE_HELPER"

// Alternate hides its turns from the race detector: accesses that nothing
// else orders are reported, and a lock taken by both goroutines still orders
// theirs.
func TestAlternateHidesItsTurns(t *testing.T) {
	tests := []struct {
		helper   string
		wantRace bool
	}{
		{"TestAlternateUnorderedHelper", true},
		{"TestAlternateLockedHelper", false},
	}
	for _, tt := range tests {
		t.Run(tt.helper, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^"+tt.helper+"$", "-test.count=1")
			cmd.Env = append(os.Environ(), alternateEnv+"=1", "GORACE=atexit_sleep_ms=0 halt_on_error=0")
			out, _ := cmd.CombinedOutput()
			if tt.wantRace {
				assert.Contains(t, string(out), "WARNING: DATA RACE", "Alternate's turns ordered the accesses:\n%s", out)
				assert.Contains(t, string(out), "alternate_race_test.go", "the race report names the test's own accesses:\n%s", out)
			} else {
				assert.NotContains(t, string(out), "WARNING: DATA RACE", "accesses under one lock were reported:\n%s", out)
				assert.Contains(t, string(out), "PASS", "the helper did not pass:\n%s", out)
			}
		})
	}
}

func alternateHelperOnly(t *testing.T) {
	if os.Getenv(alternateEnv) != "1" {
		t.Skip("run by TestAlternateHidesItsTurns")
	}
}

func TestAlternateUnorderedHelper(t *testing.T) {
	alternateHelperOnly(t)
	shared := 0
	harness.Alternate(3, func(step int) { shared = step }, func(int) { _ = shared })
}

func TestAlternateLockedHelper(t *testing.T) {
	alternateHelperOnly(t)
	var mu sync.Mutex
	shared := 0
	harness.Alternate(3,
		func(step int) { mu.Lock(); shared = step; mu.Unlock() },
		func(int) { mu.Lock(); _ = shared; mu.Unlock() })
}
