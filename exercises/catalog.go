// Package exercises holds the course's exercises, one folder each, and the
// catalog that describes them (catalog.json, read by the grader).
package exercises

import _ "embed"

// CatalogJSON is the catalog document, compiled into the grader so that the
// points and weights it grades by come from the kit, not from a submission.
//
//go:embed catalog.json
var CatalogJSON []byte
