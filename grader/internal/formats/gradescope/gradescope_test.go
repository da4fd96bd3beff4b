package gradescope

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/internal/formats/formatstest"
	"github.com/concurrency-kit/kit/grader/internal/report"
)

func TestMarshalHasGradescopesFields(t *testing.T) {
	data, err := Marshal(formatstest.Document(), 2600*time.Millisecond)
	require.NoError(t, err)
	formatstest.CheckGradescope(t, data)
}

func TestConvert(t *testing.T) {
	r := Convert(formatstest.Document(), 2600*time.Millisecond)
	assert.Equal(t, 2.86, r.Score)
	assert.Equal(t, 30.0, r.MaxScore)
	assert.Equal(t, int64(3), r.ExecutionTime)
	assert.Equal(t, Visibility, r.Visibility)
	assert.Contains(t, r.Output, "Total: 2.86 / 30")
	tests := []struct {
		index           int
		name            string
		score, maxScore float64
		status          string
		output          string
	}{
		{0, "09_tickets/TestSold", 2.86, 2.86, Passed, ""},
		{1, "09_tickets/TestRace", 0, 2.86, Failed, "race: data race at tickets.go:41 and tickets.go:38\nat exercises/09_tickets/tickets.go:41\n\n=== RUN   TestRace\n"},
		{2, "09_tickets/TestFail", 0, 1.43, Failed, "fail: got 50%"},
		{5, "14_queue/TestPut", 0, 5, Failed, "build: ./queue.go:4:29"},
		{6, "14_queue/TestGet", 0, 15, Failed, "build: "},
	}
	require.Len(t, r.Tests, 7)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.Tests[tt.index]
			assert.Equal(t, tt.name, got.Name)
			assert.Equal(t, tt.score, got.Score)
			assert.Equal(t, tt.maxScore, got.MaxScore, "points × weight ÷ total weight")
			assert.Equal(t, tt.status, got.Status)
			assert.Equal(t, Visibility, got.Visibility)
			if tt.output == "" {
				assert.Empty(t, got.Output)
			} else {
				assert.Contains(t, got.Output, tt.output)
			}
		})
	}
}

// An empty grade is still a results.json Gradescope takes: tests is an
// empty array, not null.
func TestMarshalEmpty(t *testing.T) {
	doc := &report.Document{}
	doc.Finish()
	data, err := Marshal(doc, 0)
	require.NoError(t, err)
	formatstest.CheckGradescope(t, data)
	assert.Contains(t, string(data), `"tests": []`)
}
