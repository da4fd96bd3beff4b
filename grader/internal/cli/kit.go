package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/concurrency-kit/kit/exercises"
	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/internal/kitfiles"
	"github.com/concurrency-kit/kit/grader/internal/source"
)

// Module is the kit's module path; a folder whose go.mod declares another
// module is not a kit.
const Module = kitfiles.Module

// Kit is a checkout of the course kit to grade, with the kit's own files and
// catalog, which come from the grader, never from the checkout.
type Kit struct {
	Root    string // absolute
	Catalog *catalog.Catalog
	Files   fs.FS // the kit's own files (package kitfiles)
	// AlteredTests are exercise test files that were edited in the
	// checkout this grader was built from; their exercises cannot be graded.
	AlteredTests []string
	// Stubs are the student files as the kit ships them, by path from the
	// kit's root (exercises/14_queue/queue.go), for grader reset.
	Stubs map[string]string
}

// Course is what the grader knows of the course it grades, never read from
// the checkout: the catalog, the kit's own files and the stubs. The grader
// grades by the course compiled into it (App.Course nil); the grader's own
// tests give it a fake one (package fakekit).
type Course struct {
	Catalog *catalog.Catalog
	Files   *kitfiles.Kit
	Stubs   map[string]string
}

// course is the App's course, or the one compiled into the grader.
func (a *App) course() (*Course, error) {
	if a.Course != nil {
		return a.Course, nil
	}
	return compiledCourse()
}

// compiledCourse is the course compiled into the grader.
func compiledCourse() (*Course, error) {
	cat, err := catalog.Parse(exercises.CatalogJSON)
	if err != nil {
		return nil, err
	}
	files, err := kitfiles.Load()
	if err != nil {
		return nil, err
	}
	return &Course{Catalog: cat, Files: files, Stubs: exercises.Stubs}, nil
}

// OpenKit checks that dir is the root of a kit and loads the course: the
// one given, or the one compiled into the grader when course is nil.
func OpenKit(dir string, course *Course) (*Kit, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("find %s: %w", dir, err)
	}
	module, err := moduleOf(filepath.Join(root, "go.mod"))
	if err != nil || module != Module {
		return nil, usageErrorf("%s is not a concurrency kit (no go.mod for module %s there)", dir, Module)
	}
	if info, err := os.Stat(filepath.Join(root, "exercises")); err != nil || !info.IsDir() {
		return nil, usageErrorf("%s is not a concurrency kit (no exercises folder)", dir)
	}
	if course == nil {
		if course, err = compiledCourse(); err != nil {
			return nil, err
		}
	}
	files := course.Files
	if shared := files.SharedAltered(); len(shared) > 0 {
		return nil, fmt.Errorf("this grader was built from a kit whose own files were edited (%s); restore them with git checkout -- %s, and grade again",
			strings.Join(shared, ", "), strings.Join(shared, " "))
	}
	return &Kit{Root: root, Catalog: course.Catalog, Files: files.FS, AlteredTests: files.Altered, Stubs: course.Stubs}, nil
}

// moduleOf reads the module path from a go.mod, read as a student file: a
// fork's go.mod that is a link to a device or a pipe must not hang the
// grader.
func moduleOf(goMod string) (string, error) {
	data, err := source.ReadStudentFile(goMod, "go.mod")
	if err != nil {
		return "", err
	}
	s := bufio.NewScanner(bytes.NewReader(data))
	for s.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(s.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", fmt.Errorf("%s declares no module", goMod)
}

// Select returns the named exercises in catalog order, or all of them.
func (k *Kit) Select(names []string) ([]catalog.Exercise, error) {
	if len(names) == 0 {
		return k.Catalog.Exercises, nil
	}
	want := map[string]bool{}
	for _, name := range names {
		ex, ok := k.Catalog.Lookup(name)
		if !ok {
			if guess := k.Catalog.Suggest(name); guess != "" {
				return nil, usageErrorf("unknown exercise %q: did you mean %s?", name, guess)
			}
			return nil, usageErrorf("unknown exercise %q (exercises: %s)", name, strings.Join(k.Catalog.Names(), ", "))
		}
		want[ex.Name] = true
	}
	var out []catalog.Exercise
	for _, ex := range k.Catalog.Exercises {
		if want[ex.Name] {
			out = append(out, ex)
		}
	}
	return out, nil
}
