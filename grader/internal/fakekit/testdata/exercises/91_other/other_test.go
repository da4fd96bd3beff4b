// A second tiny exercise, to show that one exercise's failure never costs
// another its marks.
package other_test

import (
	"testing"

	other "github.com/concurrency-kit/kit/exercises/91_other"
	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

func TestAnswer(t *testing.T) {
	harness.Setup(t)
	if got := other.Answer(); got != 42 {
		t.Errorf("Answer() = %d, want 42", got)
	}
}
