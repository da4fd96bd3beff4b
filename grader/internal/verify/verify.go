// Package verify is the kit's self-check (grader verify): every catalog
// entry is complete, every reference solution scores full marks, every stub
// scores zero without hanging, and every deliberately wrong implementation
// (solutions/NN_name/testdata/mistakes/*.go) loses points in the tests its
// header names.
package verify

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/event"
	"github.com/concurrency-kit/kit/grader/internal/grade"
	"github.com/concurrency-kit/kit/grader/internal/report"
	"github.com/concurrency-kit/kit/grader/internal/source"
)

// Folders under an exercise's solution folder: deliberately wrong
// implementations, each of which must lose points, and other correct
// answers (such as try-lock with back-off), each of which must score full
// marks.
const (
	MistakesDir     = "testdata/mistakes"
	AlternativesDir = "testdata/alternatives"
)

// Verifier runs the self-check.
type Verifier struct {
	Root    string
	Catalog *catalog.Catalog
	// Options are the grading options; Exercises and Replace are set here.
	Options grade.Options
	Log     io.Writer
}

// checker collects defects.
type checker struct {
	log     io.Writer
	defects int
	notes   int
}

func (c *checker) ok(format string, args ...any) {
	fmt.Fprintf(c.log, "ok    "+format+"\n", args...)
}

// note records a catch that varied from the fixture's header without
// letting the fixture through.
func (c *checker) note(format string, args ...any) {
	c.notes++
	fmt.Fprintf(c.log, "note  "+format+"\n", args...)
}

func (c *checker) defect(format string, args ...any) {
	c.defects++
	fmt.Fprintf(c.log, "FAIL  "+format+"\n", args...)
}

// Run checks the named exercises (all when names is empty). It reports
// whether the kit is sound; an error means the check itself could not run.
func (v Verifier) Run(ctx context.Context, names []string) (bool, error) {
	c := &checker{log: v.Log}
	exercises := v.Catalog.Exercises
	if len(names) > 0 {
		exercises = nil
		for _, name := range names {
			ex, _ := v.Catalog.Lookup(name)
			exercises = append(exercises, ex)
		}
	} else {
		v.checkFolders(c)
		v.checkReadme(c)
		v.checkTranslations(c)
	}
	var complete []catalog.Exercise
	for _, ex := range exercises {
		if v.checkEntry(c, ex) {
			complete = append(complete, ex)
		}
	}
	if len(complete) > 0 {
		for _, check := range []struct {
			what string
			run  func(context.Context, *checker, []catalog.Exercise) error
		}{
			{"stubs", v.checkStubs}, {"solutions", v.checkSolutions},
			{"wrong implementations", v.checkMistakes}, {"alternative answers", v.checkAlternatives},
		} {
			started := time.Now()
			if err := check.run(ctx, c, complete); err != nil {
				return false, err
			}
			fmt.Fprintf(v.Log, "      (%s checked in %s)\n", check.what, time.Since(started).Round(100*time.Millisecond))
		}
	}
	if c.defects > 0 {
		fmt.Fprintf(v.Log, "\nverify: %d defect(s)\n", c.defects)
		return false, nil
	}
	fmt.Fprintf(v.Log, "\nverify: the kit is sound (%d exercises)", len(exercises))
	if c.notes > 0 {
		fmt.Fprintf(v.Log, "; %d note(s) on catches that varied", c.notes)
	}
	fmt.Fprintln(v.Log)
	return true, nil
}

// checkFolders finds exercise folders that have no catalog entry.
func (v Verifier) checkFolders(c *checker) {
	for _, parent := range []string{"exercises", "solutions"} {
		entries, _ := os.ReadDir(filepath.Join(v.Root, parent))
		for _, e := range entries {
			if !e.IsDir() || e.Name() == "internal" {
				continue
			}
			if _, ok := v.Catalog.Lookup(e.Name()); !ok {
				c.defect("%s/%s has no catalog entry in exercises/catalog.json", parent, e.Name())
			}
		}
	}
}

// readmeRow matches a row of the README's exercise table:
// "| 01 | [goroutines](exercises/01_goroutines) | ... |".
var readmeRow = regexp.MustCompile(`(?m)^\| *(\d+) *\| *\[([^\]]+)\]\(exercises/([^)/]+)/?\) *\|`)

// checkReadme checks that the README's exercise table lists the catalog's
// exercises, in order, with their numbers, names and folders.
func (v Verifier) checkReadme(c *checker) {
	data, err := os.ReadFile(filepath.Join(v.Root, "README.md"))
	if err != nil {
		c.defect("README.md: %v", err)
		return
	}
	var table []string
	for _, m := range readmeRow.FindAllStringSubmatch(string(data), -1) {
		table = append(table, fmt.Sprintf("%s %s %s", m[1], m[2], m[3]))
	}
	var want []string
	for _, ex := range v.Catalog.Exercises {
		want = append(want, fmt.Sprintf("%02d %s %s", ex.Row, ex.Name, ex.Dir))
	}
	if !slices.Equal(table, want) {
		c.defect("README.md's exercise table does not match the catalog:\n      table:   %s\n      catalog: %s",
			strings.Join(table, ", "), strings.Join(want, ", "))
		return
	}
	c.ok("README.md's exercise table matches the catalog (%d exercises)", len(want))
}

// checkEntry checks that an exercise has every file the catalog promises.
func (v Verifier) checkEntry(c *checker, ex catalog.Exercise) bool {
	dir := filepath.Join(v.Root, filepath.FromSlash(ex.Path()))
	solution := filepath.Join(v.Root, filepath.FromSlash(ex.SolutionPath()))
	missing := []string{}
	for _, f := range []string{filepath.Join(dir, "README.md"), filepath.Join(dir, ex.TestFile)} {
		if !exists(f) {
			missing = append(missing, rel(v.Root, f))
		}
	}
	for _, f := range ex.Files {
		for _, path := range []string{filepath.Join(dir, f), filepath.Join(solution, f)} {
			if !exists(path) {
				missing = append(missing, rel(v.Root, path))
			}
		}
	}
	if len(missing) > 0 {
		c.defect("%s: missing %s", ex.Name, strings.Join(missing, ", "))
		return false
	}
	src, err := os.ReadFile(filepath.Join(dir, ex.TestFile))
	if err != nil {
		c.defect("%s: %v", ex.Name, err)
		return false
	}
	tests, err := source.TestFunctions(ex.TestFile, src)
	if err != nil {
		c.defect("%s: %v", ex.Name, err)
		return false
	}
	for name := range ex.Weights {
		if !slices.Contains(tests, name) {
			c.defect("%s: the catalog weighs %s, which is not a test", ex.Name, name)
			return false
		}
	}
	c.ok("%s: catalog entry complete (%d tests, %v points)", ex.Name, len(tests), ex.Points)
	return true
}

func (v Verifier) grade(ctx context.Context, exercises []catalog.Exercise, replace map[string]string) (*report.Document, error) {
	opts := v.Options
	opts.Exercises = exercises
	opts.Replace = replace
	return grade.Grade(ctx, opts)
}

// checkStubs: every stub scores zero, and no stub test hangs or fails to build.
func (v Verifier) checkStubs(ctx context.Context, c *checker, exercises []catalog.Exercise) error {
	doc, err := v.grade(ctx, exercises, nil)
	if err != nil {
		return fmt.Errorf("grade stubs: %w", err)
	}
	for _, f := range doc.ChangedKitFiles {
		c.defect("%s differs from the copy compiled into the grader: rebuild the grader (make bin/grader)", f)
	}
	for _, e := range doc.Exercises {
		var wrong []string
		for _, t := range e.Tests {
			switch {
			case t.Status == report.Pass:
				wrong = append(wrong, t.Name+" passes")
			case t.Cause == event.CauseTimeout || t.Cause == event.CauseBuild || t.Cause == event.CauseCrash:
				wrong = append(wrong, fmt.Sprintf("%s fails with %s (%s)", t.Name, t.Cause, t.Message))
			}
		}
		if len(wrong) > 0 {
			c.defect("stub %s: %s", e.Path, strings.Join(wrong, "; "))
		} else {
			c.ok("stub %s scores 0 of %v; every test fails fast", e.Path, e.MaxScore)
		}
	}
	return nil
}

// checkSolutions: every reference solution scores full marks.
func (v Verifier) checkSolutions(ctx context.Context, c *checker, exercises []catalog.Exercise) error {
	doc, err := v.grade(ctx, exercises, grade.SolutionOverlay(v.Root, exercises))
	if err != nil {
		return fmt.Errorf("grade solutions: %w", err)
	}
	for _, e := range doc.Exercises {
		if e.Done() {
			c.ok("solution %s scores %v of %v", e.Path, e.Score, e.MaxScore)
			continue
		}
		for _, t := range e.Tests {
			if t.Status != report.Pass {
				c.defect("solution %s: %s fails with %s: %s\n%s", e.Path, t.Name, t.Cause, t.Message, indent(t.Output))
			}
		}
	}
	return nil
}

// Mistake is one deliberately wrong implementation.
type Mistake struct {
	Exercise catalog.Exercise
	File     string            // absolute path of the fixture
	Says     string            // the "Mistake:" line
	Fails    map[string]string // test -> expected cause ("" for any)
	// Maybe are tests that may fail or pass with this mistake (written
	// "TestX?" in the header): the race detector does not see every
	// interleaving, so a test about another behaviour may catch it too.
	Maybe map[string]bool
}

// checkMistakes grades every fixture: the tests it declares must fail (with
// the declared cause, when given) and every other test must pass. Fixtures
// of different exercises are graded together, one round per fixture index.
func (v Verifier) checkMistakes(ctx context.Context, c *checker, exercises []catalog.Exercise) error {
	var perExercise [][]Mistake
	for _, ex := range exercises {
		mistakes, err := v.mistakes(ex)
		if err != nil {
			c.defect("%s: %v", ex.Name, err)
			continue
		}
		if len(mistakes) == 0 {
			c.defect("%s: no wrong implementations in %s/%s", ex.Name, ex.SolutionPath(), MistakesDir)
		}
		perExercise = append(perExercise, mistakes)
	}
	return gradeInRounds(ctx, v, perExercise, func(m Mistake) fixture { return fixture{m.Exercise, m.File} },
		"wrong implementations", func(m Mistake, e report.Exercise) { v.judgeMistake(c, m, e) })
}

// checkAlternatives grades every other correct answer: each must score full
// marks, like the reference solution.
func (v Verifier) checkAlternatives(ctx context.Context, c *checker, exercises []catalog.Exercise) error {
	var perExercise [][]fixture
	for _, ex := range exercises {
		files, err := filepath.Glob(filepath.Join(v.Root, filepath.FromSlash(ex.SolutionPath()), AlternativesDir, "*.go"))
		if err != nil {
			return err
		}
		var answers []fixture
		for _, file := range files {
			answers = append(answers, fixture{ex, file})
		}
		perExercise = append(perExercise, answers)
	}
	identity := func(f fixture) fixture { return f }
	return gradeInRounds(ctx, v, perExercise, identity, "alternative answers", func(a fixture, e report.Exercise) {
		if e.Done() {
			c.ok("alternative %s scores %v of %v", rel(v.Root, a.file), e.Score, e.MaxScore)
			return
		}
		for _, t := range e.Tests {
			if t.Status != report.Pass {
				c.defect("alternative %s: %s fails with %s: %s", rel(v.Root, a.file), t.Name, t.Cause, t.Message)
			}
		}
	})
}

// fixture is a file that stands in for an exercise's student file.
type fixture struct {
	ex   catalog.Exercise
	file string
}

// roundsAtOnce is how many rounds are graded at the same time: a round
// ends with its slowest exercise, and many wrong programs spend their time
// waiting (a test that hangs, a budget of real time), so the other rounds'
// builds and tests use the idle cores. On 2 cores the whole of verify took
// 417 s with 2 rounds at once and 313 s with 3, with the same catches.
const roundsAtOnce = 3

// gradeInRounds grades fixtures, given per exercise, in rounds: round i
// holds the i-th fixture of every exercise that has one, so that one build
// and one grading run serve many exercises. Rounds are graded roundsAtOnce
// at a time, each in a clean room of its own; judge gets each result, one
// call at a time.
func gradeInRounds[F any](ctx context.Context, v Verifier, perExercise [][]F, fixtureOf func(F) fixture, what string, judge func(F, report.Exercise)) error {
	var rounds [][]F
	for i := 0; ; i++ {
		var round []F
		for _, fs := range perExercise {
			if i < len(fs) {
				round = append(round, fs[i])
			}
		}
		if len(round) == 0 {
			break
		}
		rounds = append(rounds, round)
	}
	if v.Options.Jobs == 0 {
		// The rounds share the cores: as many test processes at once as
		// one grade alone would run.
		v.Options.Jobs = max(1, runtime.NumCPU()/roundsAtOnce)
	}
	var (
		mu   sync.Mutex // judge and the log, one round at a time
		wg   sync.WaitGroup
		errs = make([]error, len(rounds))
		next = make(chan int)
	)
	for range min(roundsAtOnce, len(rounds)) {
		wg.Go(func() {
			for i := range next {
				round := rounds[i]
				replace := map[string]string{}
				var exs []catalog.Exercise
				for _, f := range round {
					fx := fixtureOf(f)
					replace[v.path(fx.ex.Path(), fx.ex.Files[0])] = fx.file
					exs = append(exs, fx.ex)
				}
				started := time.Now()
				doc, err := v.grade(ctx, exs, replace)
				if err != nil {
					errs[i] = fmt.Errorf("grade %s: %w", what, err)
					continue
				}
				mu.Lock()
				fmt.Fprintf(v.Log, "      (%s, round %d: %d graded in %s)\n", what, i+1, len(round), time.Since(started).Round(100*time.Millisecond))
				for j, f := range round {
					judge(f, doc.Exercises[j])
				}
				mu.Unlock()
			}
		})
	}
	for i := range rounds {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return errors.Join(errs...)
}

// judgeMistake holds a fixture to its header. Two things are defects, as
// they would let a wrong program through or hide why it loses points: a
// fixture that loses no points, and one that loses points only in tests its
// header does not name. Where the catch varies from run to run (a declared
// test that passes this time, a cause other than the declared one, a test
// outside the header that fails as well) verify prints a note: the race
// detector and the scheduler do not see every interleaving every time, and
// what counts for a student is that the wrong program never scores full
// marks.
func (v Verifier) judgeMistake(c *checker, m Mistake, e report.Exercise) {
	name := rel(v.Root, m.File)
	var defects, notes []string
	caught := false
	for _, t := range e.Tests {
		want, declared := m.Fails[t.Name]
		failed := t.Status != report.Pass
		switch {
		case (declared || m.Maybe[t.Name]) && failed:
			caught = true
			if declared && want != "" && t.Cause != event.Cause(want) {
				notes = append(notes, fmt.Sprintf("%s failed with %s, not %s, this time (%s)", t.Name, t.Cause, want, t.Message))
			}
		case declared:
			notes = append(notes, t.Name+" passed this time")
		case failed:
			notes = append(notes, fmt.Sprintf("%s, which the header does not name, failed too, with %s (%s)", t.Name, t.Cause, t.Message))
		}
	}
	for test := range m.Fails {
		if !slices.ContainsFunc(e.Tests, func(t report.Test) bool { return t.Name == test }) {
			defects = append(defects, test+" is not a test of the exercise")
		}
	}
	switch {
	case e.Score >= e.MaxScore:
		defects = append(defects, "loses no points")
	case !caught:
		defects = append(defects, "none of the tests its header names fails: it loses points for another reason")
	}
	if len(defects) > 0 {
		c.defect("mistake %s (%s): %s", name, m.Says, strings.Join(append(defects, notes...), "; "))
		return
	}
	c.ok("mistake %s loses %.2f of %v points: %s", name, e.MaxScore-e.Score, e.MaxScore, m.Says)
	for _, n := range notes {
		c.note("mistake %s: %s", name, n)
	}
}

// mistakes reads an exercise's fixtures and their headers.
func (v Verifier) mistakes(ex catalog.Exercise) ([]Mistake, error) {
	dir := filepath.Join(v.Root, filepath.FromSlash(ex.SolutionPath()), MistakesDir)
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var out []Mistake
	for _, file := range files {
		m, err := readMistake(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", rel(v.Root, file), err)
		}
		m.Exercise = ex
		out = append(out, m)
	}
	return out, nil
}

// readMistake parses the "// Mistake:" and "// Fails:" header lines.
func readMistake(file string) (Mistake, error) {
	f, err := os.Open(file)
	if err != nil {
		return Mistake{}, err
	}
	defer f.Close()
	m := Mistake{File: file, Fails: map[string]string{}, Maybe: map[string]bool{}}
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if rest, ok := strings.CutPrefix(line, "// Mistake:"); ok {
			m.Says = strings.TrimSpace(rest)
		}
		if rest, ok := strings.CutPrefix(line, "// Fails:"); ok {
			for _, field := range strings.Fields(rest) {
				test, cause, _ := strings.Cut(field, ":")
				if name, ok := strings.CutSuffix(test, "?"); ok {
					m.Maybe[name] = true
					continue
				}
				m.Fails[test] = cause
			}
		}
	}
	if m.Says == "" || len(m.Fails) == 0 {
		return m, fmt.Errorf("needs a header with \"// Mistake: ...\" and \"// Fails: TestA TestB:cause TestC?\"")
	}
	return m, nil
}

func (v Verifier) path(folder, file string) string {
	return filepath.Join(v.Root, filepath.FromSlash(folder), file)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func rel(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil {
		return r
	}
	return path
}

func indent(s string) string {
	if s == "" {
		return ""
	}
	return "      " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n      ")
}
