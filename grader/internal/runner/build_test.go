package runner

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBuildFailures(t *testing.T) {
	const a, b = "kit/exercises/01_a", "kit/exercises/02_b"
	tests := []struct {
		name      string
		out       string
		failed    map[string]string
		explained bool
	}{
		{"nothing failed", "", map[string]string{}, true},
		{"the package's own file", `{"ImportPath":"kit/exercises/02_b [kit/exercises/02_b.test]","Action":"build-output","Output":"# kit/exercises/02_b\n"}
{"ImportPath":"kit/exercises/02_b [kit/exercises/02_b.test]","Action":"build-output","Output":"b.go:2:23: undefined: x\n"}
{"ImportPath":"kit/exercises/02_b [kit/exercises/02_b.test]","Action":"build-fail"}
`, map[string]string{b: "# kit/exercises/02_b\nb.go:2:23: undefined: x\n"}, true},
		{"the external test package", `{"ImportPath":"kit/exercises/01_a_test [kit/exercises/01_a.test]","Action":"build-output","Output":"a_test.go:3: undefined: y\n"}
{"ImportPath":"kit/exercises/01_a_test [kit/exercises/01_a.test]","Action":"build-fail"}
`, map[string]string{a: "a_test.go:3: undefined: y\n"}, true},
		{"a failure with no output", `{"ImportPath":"kit/exercises/01_a [kit/exercises/01_a.test]","Action":"build-fail"}
`, map[string]string{a: ""}, true},
		{"a dependency that is none of the packages", `go: some message of the go command
{"ImportPath":"kit/exercises/internal/harness","Action":"build-output","Output":"harness.go:1: oops\n"}
{"ImportPath":"kit/exercises/internal/harness","Action":"build-fail"}
`, map[string]string{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			failed, explained := buildFailures(tt.out, []string{a, b})
			assert.Equal(t, tt.failed, failed)
			assert.Equal(t, tt.explained, explained)
		})
	}
}

func TestTestedPackage(t *testing.T) {
	for in, want := range map[string]string{
		"kit/x":                    "kit/x",
		"kit/x [kit/x.test]":       "kit/x",
		"kit/x_test [kit/x.test]":  "kit/x",
		"kit/x.test":               "kit/x.test",
		"kit/dep [kit/other.test]": "kit/other",
	} {
		assert.Equal(t, want, testedPackage(in), in)
	}
}

func TestAheadSlots(t *testing.T) {
	const gib = 1 << 30
	tests := []struct {
		name             string
		available, limit int64
		want             int
	}{
		{"no memory limit", 1 * gib, 0, maxAhead},
		{"free memory unknown", 0, 2 * gib, 4},
		{"room for many", 64 * gib, 2 * gib, maxAhead},
		{"room for some", 23 * gib, 2 * gib, 11},
		{"room for less than one", gib, 2 * gib, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, aheadSlots(tt.available, tt.limit))
		})
	}
}
