// Package kitfiles gathers the kit's own files, compiled into the grader, that
// every grade is built from: the module files, the test harness, the result
// record types and every exercise's test file. Together with the student's
// files they make up the clean room (package room).
package kitfiles

import (
	"fmt"
	"io/fs"
	"path"
	"testing/fstest"

	"github.com/concurrency-kit/kit/exercises"
	"github.com/concurrency-kit/kit/grader/event"
)

// Module is the kit's module path.
const Module = "github.com/concurrency-kit/kit"

// FS returns the kit's own files, with paths relative to the kit's root
// (go.mod, exercises/01_goroutines/goroutines_test.go, ...).
func FS() (fs.FS, error) {
	files := fstest.MapFS{
		"go.mod": {Data: []byte(exercises.GoMod), Mode: 0o644},
		"go.sum": {Data: []byte(exercises.GoSum), Mode: 0o644},
	}
	for dir, tree := range map[string]fs.FS{"exercises": exercises.Files, "grader/event": event.Sources} {
		if err := copyTree(files, dir, tree); err != nil {
			return nil, fmt.Errorf("read the kit's embedded files: %w", err)
		}
	}
	return files, nil
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
