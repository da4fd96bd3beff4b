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
	var unlisted [][]mutant // per exercise: survivors no equivalents file lists
	keep := func(m mutant) {
		i := slices.IndexFunc(unlisted, func(ms []mutant) bool { return ms[0].ex.Name == m.ex.Name })
		if i < 0 {
			unlisted = append(unlisted, nil)
			i = len(unlisted) - 1
		}
		unlisted[i] = append(unlisted[i], m)
	}
	collect := func(m mutant, e report.Exercise) {
		switch {
		case !v.judgeMutant(c, m, e, 0):
		case m.equiv != "":
			survived[m.ex.Name]++
		default:
			keep(m)
		}
	}
	if err := gradeInRounds(ctx, v, perExercise, mutantFixture, "mutants", collect); err != nil {
		return false, err
	}
	// A mutant the tests catch only some of the time is still caught: a
	// survivor is graded again before it counts, so that a catch that
	// varies does not make the check fail at random.
	for attempt := 1; attempt <= mutantRetries && len(unlisted) > 0; attempt++ {
		again := unlisted
		unlisted = nil
		fmt.Fprintf(v.Log, "grading %d surviving mutants again (%d of %d)\n", countAll(again), attempt, mutantRetries)
		err := gradeInRounds(ctx, v, again, mutantFixture, "surviving mutants", func(m mutant, e report.Exercise) {
			if v.judgeMutant(c, m, e, attempt) {
				keep(m)
			}
		})
		if err != nil {
			return false, err
		}
	}
	for _, ms := range unlisted {
		for _, m := range ms {
			survived[m.ex.Name]++
			c.defect("%s mutant survived %d grades: %s\n%s", m.ex.Name, mutantRetries+1, m.m, indent(mutate.Diff(m.m, m.original)))
		}
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

// mutantRetries is how many more times a mutant that kept full marks, and
// that no equivalents file lists, is graded before it counts as a survivor.
const mutantRetries = 2

func mutantFixture(m mutant) fixture { return fixture{m.ex, m.file} }

func countAll(perExercise [][]mutant) int {
	n := 0
	for _, ms := range perExercise {
		n += len(ms)
	}
	return n
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

// judgeMutant reports whether the mutant survived (kept full marks) in its
// grade number attempt (0 for the first), and logs a catch. A survivor that
// is not listed is the caller's to grade again or to report.
func (v Verifier) judgeMutant(c *checker, m mutant, e report.Exercise, attempt int) bool {
	survived := e.Done()
	switch {
	case survived && m.equiv != "":
		c.ok("%s %s: equivalent (%s)", m.ex.Name, m.m.ID, m.equiv)
	case survived:
	case attempt > 0:
		c.ok("%s %s killed in grade %d of %d: %s", m.ex.Name, m.m.ID, attempt+1, mutantRetries+1, firstFailure(e))
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
