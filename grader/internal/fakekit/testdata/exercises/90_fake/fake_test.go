// The tests of a tiny exercise that stands in for the course in the
// grader's own tests: each test asks the student's Answer for 42 under its
// own name, so that one answer file can pass some tests and fail others in
// every way the grader tells apart.
package fake_test

import (
	"testing"

	fake "github.com/concurrency-kit/kit/exercises/90_fake"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

func check(t *testing.T) {
	t.Helper()
	if got := fake.Answer(t.Name()); got != 42 {
		t.Errorf("Answer(%q) = %d, want 42", t.Name(), got)
	}
}

func TestPass(t *testing.T)     { harness.Setup(t); check(t) }
func TestFail(t *testing.T)     { harness.Setup(t); check(t) }
func TestRace(t *testing.T)     { harness.Setup(t); check(t) }
func TestLeak(t *testing.T)     { harness.Setup(t); check(t) }
func TestDeadlock(t *testing.T) { harness.Setup(t); check(t) }
func TestTimeout(t *testing.T)  { harness.Setup(t); check(t) }
func TestPanic(t *testing.T)    { harness.Setup(t); check(t) }
func TestCrash(t *testing.T)    { harness.Setup(t); check(t) }
func TestMemory(t *testing.T)   { harness.Setup(t); check(t) }
