package verify

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/internal/mutate"
	"github.com/concurrency-kit/kit/grader/internal/report"
)

// mutant is one mutant of an exercise's reference solution, written to a
// file so that it can stand in for the student's file.
type mutant struct {
	ex       catalog.Exercise
	m        mutate.Mutant
	original []byte // the solution file it was made from
	file     string // where the mutant is written
	equiv    string // why it is listed as equivalent, "" when it is not
}

// Mutants is the mutation check of the tests (grader mutate): every
// mutant of every reference solution (package mutate) is graded, and must
// lose points, unless the exercise's testdata/equivalent-mutants.txt lists
// it, with the reason it cannot be caught. A listed mutant that no longer
// exists is a defect too, so the list stays true; one that is caught is
// reported (some are caught only some of the time, which the reason says).
// It reports whether every mutant was accounted for.
func (v Verifier) Mutants(ctx context.Context, names []string) (bool, error) {
	c := &checker{log: v.Log}
	work, err := os.MkdirTemp("", "kit-mutants-")
	if err != nil {
		return false, fmt.Errorf("make mutants folder: %w", err)
	}
	defer os.RemoveAll(work)
	var perExercise [][]mutant
	total := 0
	for _, ex := range v.selected(names) {
		mutants, err := v.mutantsOf(c, ex, filepath.Join(work, ex.Dir))
		if err != nil {
			return false, err
		}
		total += len(mutants)
		perExercise = append(perExercise, mutants)
	}
	fmt.Fprintf(v.Log, "grading %d mutants\n", total)
	survived := map[string]int{}
	err = gradeInRounds(ctx, v, perExercise, func(m mutant) fixture { return fixture{m.ex, m.file} }, "mutants",
		func(m mutant, e report.Exercise) {
			if v.judgeMutant(c, m, e) {
				survived[m.ex.Name]++
			}
		})
	if err != nil {
		return false, err
	}
	for i, mutants := range perExercise {
		if len(mutants) > 0 {
			ex := mutants[0].ex
			fmt.Fprintf(v.Log, "      %s: %d mutants, %d listed as equivalent, %d survived\n",
				ex.Name, len(mutants), countEquivalent(perExercise[i]), survived[ex.Name])
		}
	}
	if c.defects > 0 {
		fmt.Fprintf(v.Log, "\nmutate: %d defect(s)\n", c.defects)
		return false, nil
	}
	fmt.Fprintf(v.Log, "\nmutate: every mutant is caught or listed as equivalent (%d mutants)\n", total)
	return true, nil
}

func countEquivalent(mutants []mutant) int {
	n := 0
	for _, m := range mutants {
		if m.equiv != "" {
			n++
		}
	}
	return n
}

// selected returns the named exercises, or all.
func (v Verifier) selected(names []string) []catalog.Exercise {
	if len(names) == 0 {
		return v.Catalog.Exercises
	}
	var out []catalog.Exercise
	for _, name := range names {
		if ex, ok := v.Catalog.Lookup(name); ok {
			out = append(out, ex)
		}
	}
	return out
}

// mutantsOf makes the mutants of an exercise's solution files, writes them
// under dir and marks the ones its equivalents file lists. Entries of the
// file that name no mutant are defects.
func (v Verifier) mutantsOf(c *checker, ex catalog.Exercise, dir string) ([]mutant, error) {
	solution := filepath.Join(v.Root, filepath.FromSlash(ex.SolutionPath()))
	equivalents := map[string]string{}
	if f, err := os.Open(filepath.Join(solution, filepath.FromSlash(mutate.EquivalentsFile))); err == nil {
		equivalents, err = mutate.ParseEquivalents(f)
		f.Close()
		if err != nil {
			c.defect("%s/%s: %v", ex.SolutionPath(), mutate.EquivalentsFile, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read equivalent mutants of %s: %w", ex.Name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("make mutants folder: %w", err)
	}
	var out []mutant
	used := map[string]bool{}
	for _, name := range ex.Files {
		src, err := os.ReadFile(filepath.Join(solution, name))
		if err != nil {
			return nil, fmt.Errorf("read solution of %s: %w", ex.Name, err)
		}
		mutants, err := mutate.Generate(name, src)
		if err != nil {
			return nil, fmt.Errorf("mutate the solution of %s: %w", ex.Name, err)
		}
		for i, m := range mutants {
			file := filepath.Join(dir, fmt.Sprintf("%s-%d.go", strings.TrimSuffix(name, ".go"), i))
			if err := os.WriteFile(file, m.Source, 0o644); err != nil {
				return nil, fmt.Errorf("write mutant: %w", err)
			}
			used[m.ID] = true
			out = append(out, mutant{ex: ex, m: m, original: src, file: file, equiv: equivalents[m.ID]})
		}
	}
	for _, id := range slices.Sorted(maps.Keys(equivalents)) {
		if !used[id] {
			c.defect("%s: %s lists %q, which is not a mutant of the solution (any more)", ex.Name, mutate.EquivalentsFile, id)
		}
	}
	return out, nil
}

// judgeMutant reports whether the mutant survived (kept full marks), and
// records a defect when that was not expected, or when a mutant listed as
// equivalent was caught.
func (v Verifier) judgeMutant(c *checker, m mutant, e report.Exercise) bool {
	survived := e.Done()
	switch {
	case survived && m.equiv != "":
		c.ok("%s %s: equivalent (%s)", m.ex.Name, m.m.ID, m.equiv)
	case survived:
		c.defect("%s mutant survived: %s\n%s", m.ex.Name, m.m, indent(mutate.Diff(m.m, m.original)))
	case m.equiv != "":
		// A mutant caught only some of the time is listed too (its reason
		// says so): being caught is never a defect, but worth a look.
		c.ok("%s %s killed, although %s lists it: %s (remove it if it is always caught)",
			m.ex.Name, m.m.ID, mutate.EquivalentsFile, firstFailure(e))
	default:
		c.ok("%s %s killed: %s", m.ex.Name, m.m.ID, firstFailure(e))
	}
	return survived
}

// firstFailure names the first failed test and its cause.
func firstFailure(e report.Exercise) string {
	for _, t := range e.Tests {
		if t.Status != report.Pass {
			return t.Name + " (" + string(t.Cause) + ")"
		}
	}
	return "no test failed"
}
