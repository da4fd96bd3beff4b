package harness_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/concurrency-kit/kit/exercises/internal/harness"
)

func TestAlternateTakesTurns(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7} {
		t.Run(fmt.Sprint(n, " steps"), func(t *testing.T) {
			var calls atomic.Int64 // an atomic, so that the test's own counting is no race
			var firstSaw, secondSaw []int64
			harness.Alternate(n,
				func(step int) {
					assert.Equal(t, len(firstSaw), step)
					firstSaw = append(firstSaw, calls.Add(1))
				},
				func(step int) {
					assert.Equal(t, len(secondSaw), step)
					secondSaw = append(secondSaw, calls.Add(1))
				})
			var wantFirst, wantSecond []int64
			for step := range int64(n) {
				wantFirst = append(wantFirst, 2*step+1)
				wantSecond = append(wantSecond, 2*step+2)
			}
			assert.Equal(t, wantFirst, firstSaw, "the call numbers first saw")
			assert.Equal(t, wantSecond, secondSaw, "the call numbers second saw")
		})
	}
}
