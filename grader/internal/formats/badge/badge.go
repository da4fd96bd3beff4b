// Package badge renders a result document as a shields.io endpoint badge
// (shields.io/badges/endpoint-badge): a small JSON file that a fork's
// README can show as "grade | 120/200".
package badge

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/concurrency-kit/kit/grader/internal/report"
)

// Endpoint is the JSON shields.io reads.
type Endpoint struct {
	SchemaVersion int    `json:"schemaVersion"` // always 1
	Label         string `json:"label"`
	Message       string `json:"message"`
	Color         string `json:"color"`
}

// Convert makes the badge: the label "grade", the message "score/max" and
// a colour by the share of the points earned.
func Convert(doc *report.Document) Endpoint {
	share := 0.0
	if doc.MaxScore > 0 {
		share = doc.Score / doc.MaxScore
	}
	return Endpoint{
		SchemaVersion: 1, Label: "grade",
		Message: number(doc.Score) + "/" + number(doc.MaxScore),
		Color:   Color(share),
	}
}

// Color is the badge's colour, one of shields.io's named colours, for the
// share of the points earned (0 to 1).
func Color(share float64) string {
	switch {
	case share >= 1:
		return "brightgreen"
	case share >= 0.75:
		return "green"
	case share >= 0.5:
		return "yellow"
	case share >= 0.25:
		return "orange"
	}
	return "red"
}

// Marshal renders the badge as JSON.
func Marshal(doc *report.Document) ([]byte, error) {
	out, err := json.Marshal(Convert(doc))
	if err != nil {
		return nil, fmt.Errorf("render badge: %w", err)
	}
	return append(out, '\n'), nil
}

func number(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
