package badge

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/internal/formats/formatstest"
	"github.com/concurrency-kit/kit/grader/internal/report"
)

func TestConvert(t *testing.T) {
	tests := []struct {
		score, max float64
		message    string
		color      string
	}{
		{200, 200, "200/200", "brightgreen"},
		{160, 200, "160/200", "green"},
		{120, 200, "120/200", "yellow"},
		{37.5, 100, "37.5/100", "orange"},
		{11.11, 200, "11.11/200", "red"},
		{0, 0, "0/0", "red"},
	}
	for _, tt := range tests {
		t.Run(tt.message, func(t *testing.T) {
			got := Convert(&report.Document{Score: tt.score, MaxScore: tt.max})
			assert.Equal(t, Endpoint{SchemaVersion: 1, Label: "grade", Message: tt.message, Color: tt.color}, got)
		})
	}
}

func TestMarshal(t *testing.T) {
	data, err := Marshal(formatstest.Document())
	require.NoError(t, err)
	formatstest.CheckBadge(t, data)
	assert.JSONEq(t, `{"schemaVersion":1,"label":"grade","message":"2.86/30","color":"red"}`, string(data))
}
