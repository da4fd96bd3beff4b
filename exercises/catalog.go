// Package exercises holds the course's exercises, one folder each, and the
// catalog that describes them (catalog.json, read by the grader).
package exercises

import "embed"

// CatalogJSON is the catalog document, compiled into the grader so that the
// points and weights it grades by come from the kit, not from a submission.
//
//go:embed catalog.json
var CatalogJSON []byte

// Files are the kit's own files under exercises/: every exercise's test file
// and the test harness. The grader builds every grade from these copies, never
// from the graded folder's, so an edited test or harness changes nothing.
//
//go:embed catalog.json */*_test.go internal
var Files embed.FS
