// Package grade grades a kit: it inspects each exercise's files, builds the
// test binaries for the race run and the lock-order run, runs every test in
// every configuration asked for, and scores the results from the catalog.
package grade

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/event"
	"github.com/concurrency-kit/kit/grader/internal/classify"
	"github.com/concurrency-kit/kit/grader/internal/lockorder"
	"github.com/concurrency-kit/kit/grader/internal/report"
	"github.com/concurrency-kit/kit/grader/internal/runner"
	"github.com/concurrency-kit/kit/grader/internal/source"
)

// maxTestOutput bounds the output kept with each failed test.
const maxTestOutput = 4000

// Options say what to grade and how.
type Options struct {
	// Root is the kit's root folder (absolute).
	Root string
	// Module is the kit's module path.
	Module string
	// Exercises are the exercises to grade, in order.
	Exercises []catalog.Exercise
	// Replace maps a student file's absolute path to the file that stands
	// in for it, "" to delete it: the self-check swaps in solutions and
	// wrong fixtures this way. Nothing on disk changes.
	Replace map[string]string
	// CPUs are GOMAXPROCS values to run every test under (0: the default).
	CPUs []int
	// Count runs every configuration this many times.
	Count int
	// Jobs is how many exercises run at once.
	Jobs int
}

// SolutionOverlay maps every student file of the exercises to the reference
// solution's file of the same name, to grade the solutions in place of the
// student's work without touching the disk.
func SolutionOverlay(root string, exercises []catalog.Exercise) map[string]string {
	replace := map[string]string{}
	for _, ex := range exercises {
		for _, f := range ex.Files {
			replace[filepath.Join(root, filepath.FromSlash(ex.Path()), f)] = filepath.Join(root, filepath.FromSlash(ex.SolutionPath()), f)
		}
	}
	return replace
}

// Grade grades the exercises and returns the result document. An error is
// returned only when grading itself could not be done; a student's build
// failure or refused file is a result (cause "build"), not an error.
func Grade(ctx context.Context, opts Options) (*report.Document, error) {
	if opts.Count < 1 {
		opts.Count = 1
	}
	if len(opts.CPUs) == 0 {
		opts.CPUs = []int{0}
	}
	if opts.Jobs < 1 {
		opts.Jobs = runtime.NumCPU()
	}
	work, err := os.MkdirTemp("", "kit-grader-")
	if err != nil {
		return nil, fmt.Errorf("make work folder: %w", err)
	}
	defer os.RemoveAll(work)

	exercises := make([]*exerciseRun, len(opts.Exercises))
	var buildable []*exerciseRun
	for i, ex := range opts.Exercises {
		run, err := prepare(opts, ex)
		if err != nil {
			return nil, err
		}
		exercises[i] = run
		if run.refused == "" {
			buildable = append(buildable, run)
		}
	}
	if err := buildAll(ctx, opts, buildable, work); err != nil {
		return nil, err
	}

	doc := &report.Document{}
	results := make([]report.Exercise, len(exercises))
	errs := make([]error, len(exercises))
	var wg sync.WaitGroup
	slots := make(chan struct{}, opts.Jobs)
	for i, run := range exercises {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			results[i], errs[i] = run.grade(ctx, opts)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	doc.Exercises = results
	doc.Finish()
	return doc, nil
}

// exerciseRun is one exercise on its way through grading.
type exerciseRun struct {
	ex         catalog.Exercise
	dir        string // absolute exercise folder
	importPath string
	tests      []string
	files      []string // the student's files (absolute paths)
	refused    string   // why the files cannot be built, "" when they can
	binaries   map[runner.Mode]runner.Binary
}

func prepare(opts Options, ex catalog.Exercise) (*exerciseRun, error) {
	dir := filepath.Join(opts.Root, filepath.FromSlash(ex.Path()))
	run := &exerciseRun{ex: ex, dir: dir, importPath: opts.Module + "/" + ex.Path(), binaries: map[runner.Mode]runner.Binary{}}
	folder, err := source.Inspect(dir, source.Rules{
		TestFile: ex.TestFile, AllowedImports: ex.AllowedImports(), Replace: opts.Replace,
	})
	var refusal *source.Refusal
	switch {
	case errors.As(err, &refusal):
		run.refused = refusal.Error()
		tests, terr := source.TestFunctions(filepath.Join(dir, ex.TestFile))
		if terr != nil {
			return nil, fmt.Errorf("exercise %s: %w", ex.Name, terr)
		}
		run.tests = tests
	case err != nil:
		return nil, fmt.Errorf("exercise %s: %w", ex.Name, err)
	default:
		run.tests, run.files = folder.Tests, folder.StudentFiles
	}
	return run, nil
}

// buildAll builds every exercise's binaries, one go command per mode.
func buildAll(ctx context.Context, opts Options, runs []*exerciseRun, work string) error {
	if len(runs) == 0 {
		return nil
	}
	lockOverlay, err := lockOrderOverlay(opts, runs, filepath.Join(work, "lockorder-src"))
	if err != nil {
		return err
	}
	overlays := map[runner.Mode]map[string]string{runner.RaceMode: opts.Replace, runner.LockOrderMode: lockOverlay}
	pkgs := make([]runner.Package, len(runs))
	for i, r := range runs {
		pkgs[i] = runner.Package{ImportPath: r.importPath, Dir: r.dir}
	}
	for _, mode := range []runner.Mode{runner.RaceMode, runner.LockOrderMode} {
		bins, err := runner.Build(ctx, opts.Root, pkgs, mode, overlays[mode], filepath.Join(work, string(mode)))
		if err != nil {
			return fmt.Errorf("build %s binaries: %w", mode, err)
		}
		for _, r := range runs {
			r.binaries[mode] = bins[r.importPath]
		}
	}
	return nil
}

// lockOrderOverlay rewrites every student file for the lock-order run.
func lockOrderOverlay(opts Options, runs []*exerciseRun, dir string) (map[string]string, error) {
	overlay := map[string]string{}
	for path, backing := range opts.Replace {
		overlay[path] = backing
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("make rewrite folder: %w", err)
	}
	for _, r := range runs {
		for i, path := range r.files {
			backing := path
			if b, ok := opts.Replace[path]; ok {
				backing = b
			}
			src, err := os.ReadFile(backing)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", backing, err)
			}
			rewritten, err := lockorder.Rewrite(path, src)
			if err != nil {
				r.refused = err.Error()
				continue
			}
			out := filepath.Join(dir, fmt.Sprintf("%s-%d-%s", r.ex.Dir, i, filepath.Base(path)))
			if err := os.WriteFile(out, rewritten, 0o644); err != nil {
				return nil, fmt.Errorf("write rewritten file: %w", err)
			}
			overlay[path] = out
		}
	}
	return overlay, nil
}

// grade runs the exercise's tests in every configuration and scores them.
func (r *exerciseRun) grade(ctx context.Context, opts Options) (report.Exercise, error) {
	result := report.Exercise{Name: r.ex.Name, Path: r.ex.Path(), MaxScore: r.ex.Points}
	final := map[string]classify.Outcome{}
	switch {
	case r.refused != "":
		for _, t := range r.tests {
			final[t] = classify.Outcome{Cause: classify.Build, Message: r.refused}
		}
	case r.binaries[runner.RaceMode].Path == "" || r.binaries[runner.LockOrderMode].Path == "":
		log := r.binaries[runner.RaceMode].BuildLog
		if log == "" {
			log = r.binaries[runner.LockOrderMode].BuildLog
		}
		for _, t := range r.tests {
			final[t] = classify.Outcome{Cause: classify.Build, Message: firstLines(log, 1), Output: log}
		}
	default:
		c := classify.Classifier{Dir: r.dir}
		for _, cpu := range opts.CPUs {
			for range opts.Count {
				for _, mode := range []runner.Mode{runner.RaceMode, runner.LockOrderMode} {
					x := runner.Execution{Binary: r.binaries[mode].Path, Dir: r.dir, Tests: r.tests, Limit: r.ex.TestLimit()}
					if mode == runner.LockOrderMode {
						x.Env = append(x.Env, event.LockOrderEnv+"=1")
					}
					if cpu > 0 {
						x.Env = append(x.Env, fmt.Sprintf("GOMAXPROCS=%d", cpu))
					}
					outcomes, err := runner.RunTests(ctx, x, c)
					if err != nil {
						return result, fmt.Errorf("exercise %s: %w", r.ex.Name, err)
					}
					merge(final, outcomes)
				}
			}
		}
	}
	for _, name := range r.tests {
		o, ok := final[name]
		if !ok {
			o = classify.Outcome{Cause: classify.Crash, Message: "the test produced no result"}
		}
		t := report.Test{Name: name, Weight: r.ex.Weight(name), Status: report.Pass}
		if !o.Passed {
			t.Status, t.Cause, t.Message, t.Output = report.Fail, o.Cause, o.Message, truncate(o.Output, maxTestOutput)
		}
		result.Tests = append(result.Tests, t)
	}
	result.Finish()
	return result, nil
}

// merge folds one run's outcomes into the final ones: a test passes only if
// it passed in every run; a failure keeps the most specific cause seen.
func merge(final, run map[string]classify.Outcome) {
	for name, o := range run {
		prev, seen := final[name]
		switch {
		case !seen:
			final[name] = o
		case prev.Passed && !o.Passed:
			final[name] = o
		case !prev.Passed && !o.Passed && classify.MoreSpecific(o.Cause, prev.Cause):
			final[name] = o
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	head := n * 3 / 4
	tail := n - head
	return s[:head] + "\n[... " + fmt.Sprint(len(s)-n) + " bytes cut ...]\n" + s[len(s)-tail:]
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "#") && i+1 < len(lines) {
			lines = lines[i+1:]
			break
		}
	}
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
