// Package kitfiles gathers the kit's own files, compiled into the grader, that
// every grade is built from: the module files, the test harness, the result
// record types, the catalog and every exercise's test file. Together with
// the student's files they make up the clean room (package room).
//
// The grader is often built from the very checkout it grades (make grade),
// so the files compiled into it may have been edited. exercises/kit_gen.go
// records the SHA-256 of every kit file as the kit ships them; Load reports
// the files that differ, and the grader does not trust them.
package kitfiles

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing/fstest"

	"github.com/concurrency-kit/kit/exercises"
	"github.com/concurrency-kit/kit/grader/event"
)

// Module is the kit's module path.
const Module = "github.com/concurrency-kit/kit"

// Kit is the kit's own files as compiled into this grader.
type Kit struct {
	// FS holds the files, with paths relative to the kit's root (go.mod,
	// exercises/01_goroutines/goroutines_test.go, ...).
	FS fs.FS
	// Altered are the files whose content differs from the kit's record
	// (or that the record lacks): this grader was built from a checkout in
	// which they were edited.
	Altered []string
}

// Load gathers the files compiled into the grader and checks them against
// the kit's record.
func Load() (*Kit, error) {
	files := fstest.MapFS{
		"go.mod": {Data: []byte(exercises.GoMod), Mode: 0o644},
		"go.sum": {Data: []byte(exercises.GoSum), Mode: 0o644},
	}
	for dir, tree := range map[string]fs.FS{"exercises": exercises.Files, "grader/event": event.Sources} {
		if err := copyTree(files, dir, tree); err != nil {
			return nil, fmt.Errorf("read the kit's embedded files: %w", err)
		}
	}
	kit := &Kit{FS: files}
	for name, f := range files {
		if want, ok := exercises.Sums[name]; !ok || want != Sum(f.Data) {
			kit.Altered = append(kit.Altered, name)
		}
	}
	slices.Sort(kit.Altered)
	return kit, nil
}

// SharedAltered are the altered files that every exercise's grade depends
// on (all but the exercises' own test files).
func (k *Kit) SharedAltered() []string {
	var shared []string
	for _, name := range k.Altered {
		if !IsExerciseTest(name) {
			shared = append(shared, name)
		}
	}
	return shared
}

// IsExerciseTest reports whether name is an exercise's test file
// (exercises/NN_name/x_test.go).
func IsExerciseTest(name string) bool {
	dir := path.Dir(name)
	return strings.HasSuffix(name, "_test.go") && path.Dir(dir) == "exercises" && path.Base(dir) != "internal"
}

// Sum is the hex SHA-256 of data, as the kit's record holds it.
func Sum(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// copyTree adds every file of tree to files, under dir.
func copyTree(files fstest.MapFS, dir string, tree fs.FS) error {
	return fs.WalkDir(tree, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(tree, name)
		if err != nil {
			return err
		}
		files[path.Join(dir, name)] = &fstest.MapFile{Data: data, Mode: 0o644}
		return nil
	})
}
