// Package grade grades a kit: it reads the student's files of each exercise,
// puts them with the kit's own files in a clean room, builds the test
// binaries for the race run and the lock-order run there, runs every test in
// every configuration asked for, and scores the results from the catalog.
package grade

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/event"
	"github.com/concurrency-kit/kit/grader/internal/cache"
	"github.com/concurrency-kit/kit/grader/internal/classify"
	"github.com/concurrency-kit/kit/grader/internal/lockorder"
	"github.com/concurrency-kit/kit/grader/internal/report"
	"github.com/concurrency-kit/kit/grader/internal/room"
	"github.com/concurrency-kit/kit/grader/internal/runner"
	"github.com/concurrency-kit/kit/grader/internal/sandbox"
	"github.com/concurrency-kit/kit/grader/internal/source"
)

// maxTestOutput bounds the output kept with each failed test.
const maxTestOutput = 4000

// Options say what to grade and how.
type Options struct {
	// Root is the graded folder (absolute): a checkout of the kit. Only the
	// student's files that the catalog lists are read from it.
	Root string
	// Kit holds the kit's own files (package kitfiles): the module files,
	// the harness and every exercise's tests. Grades are built with these,
	// never with the graded folder's copies.
	Kit fs.FS
	// AlteredTests are exercise test files in Kit that differ from the
	// kit's record (the grader was built from a checkout where they were
	// edited): their exercises score zero with cause build.
	AlteredTests []string
	// Module is the kit's module path.
	Module string
	// Rooms is the folder the clean rooms are kept in ("" for the default,
	// see room.DefaultBase).
	Rooms string
	// Exercises are the exercises to grade, in order.
	Exercises []catalog.Exercise
	// Replace maps a student file's absolute path under Root to the file
	// that stands in for it, "" to leave it out: the self-check swaps in
	// solutions and wrong fixtures this way. Nothing on disk changes.
	Replace map[string]string
	// CPUs are GOMAXPROCS values to run every test under (0: the default).
	CPUs []int
	// Count runs every configuration this many times.
	Count int
	// Jobs is how many exercises run at once.
	Jobs int
	// Sandbox contains the test processes; nil runs them uncontained.
	Sandbox *sandbox.Sandbox
	// Cache, when set, holds results keyed by everything that decides them;
	// an exercise found there is not built or run again. CacheSalt is added
	// to every key: the grader's and the toolchain's identity.
	Cache     *cache.Cache
	CacheSalt string
	// Progress, when set, is told how the grade goes: see Progress.
	Progress func(Progress)
}

// Progress is a step of a grade, for a progress display.
type Progress struct {
	// Stage is "build" (the test binaries are being built: Total
	// exercises), "run" (Done of Total exercises graded so far) or "done".
	Stage       string
	Done, Total int
}

func (o Options) progress(stage string, done, total int) {
	if o.Progress != nil {
		o.Progress(Progress{Stage: stage, Done: done, Total: total})
	}
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
	opts = withDefaults(opts)
	clean, err := room.Open(opts.Rooms)
	if err != nil {
		return nil, err
	}
	defer clean.Close()

	exercises, files, err := fillRoom(opts, clean)
	if err != nil {
		return nil, err
	}
	keys := lookUp(opts, exercises, files)
	var buildable []*exerciseRun
	for _, run := range exercises {
		if run.refused == "" && run.cached == nil {
			buildable = append(buildable, run)
		}
	}
	if len(buildable) > 0 {
		opts.progress("build", 0, len(buildable))
	}
	// go vet works from the sources: it runs beside the build and the tests.
	vetCtx, stopVet := context.WithCancel(ctx)
	defer stopVet()
	vetted := startVet(vetCtx, clean.Dir, buildable)
	if err := buildAll(ctx, clean, buildable); err != nil {
		return nil, err
	}
	doc := &report.Document{Sandbox: "unsandboxed"}
	doc.Exercises, err = runAll(ctx, opts, exercises)
	findings := <-vetted
	if err != nil {
		return nil, err
	}
	for i, run := range exercises {
		if run.cached == nil && run.binary.Path != "" {
			doc.Exercises[i].Notes = run.notes(findings[run.importPath])
		}
	}
	for i, run := range exercises {
		if run.cached == nil && opts.Cache != nil {
			opts.Cache.Put(keys[i], doc.Exercises[i]) // a result not kept is graded again next time
		}
	}
	if doc.ChangedKitFiles, doc.IgnoredFiles, err = compareWithKit(opts, files); err != nil {
		return nil, err
	}
	if opts.Sandbox.Enabled() {
		doc.Sandbox = "sandboxed"
	}
	doc.Finish()
	opts.progress("done", len(exercises), len(exercises))
	return doc, nil
}

// withDefaults fills in the options left at zero.
func withDefaults(opts Options) Options {
	if opts.Count < 1 {
		opts.Count = 1
	}
	if len(opts.CPUs) == 0 {
		opts.CPUs = []int{0}
	}
	if opts.Jobs < 1 {
		opts.Jobs = runtime.NumCPU()
	}
	if opts.Rooms == "" {
		opts.Rooms = room.DefaultBase()
	}
	return opts
}

// fillRoom reads every exercise's files and puts them, with the kit's, in
// the clean room. It returns the exercises and the room's files.
func fillRoom(opts Options, clean *room.Room) ([]*exerciseRun, map[string][]byte, error) {
	exercises, files, err := collect(opts, clean.Dir)
	if err != nil {
		return nil, nil, err
	}
	return exercises, files, clean.Fill(files)
}

// collect reads the kit's files and every exercise's files, as they would
// stand in a clean room at roomDir.
func collect(opts Options, roomDir string) ([]*exerciseRun, map[string][]byte, error) {
	files, err := kitFiles(opts.Kit)
	if err != nil {
		return nil, nil, err
	}
	exercises := make([]*exerciseRun, len(opts.Exercises))
	for i, ex := range opts.Exercises {
		if exercises[i], err = prepare(opts, roomDir, ex); err != nil {
			return nil, nil, err
		}
		for name, data := range exercises[i].files {
			files[path.Join(ex.Path(), name)] = data
		}
	}
	return exercises, files, nil
}

// Cached returns, for each exercise of opts, its result from opts.Cache as
// the files stand now, or nil when it has not been graded so. It builds and
// runs nothing.
func Cached(opts Options) ([]*report.Exercise, error) {
	opts = withDefaults(opts)
	exercises, files, err := collect(opts, "")
	if err != nil {
		return nil, err
	}
	lookUp(opts, exercises, files)
	results := make([]*report.Exercise, len(exercises))
	for i, run := range exercises {
		results[i] = run.cached
	}
	return results, nil
}

// lookUp computes every exercise's cache key and takes the results the
// cache has. A key covers the salt (the grader and the toolchain), the
// options that change results, the kit's files, the exercise's catalog
// entry and the student's files.
func lookUp(opts Options, exercises []*exerciseRun, files map[string][]byte) []string {
	keys := make([]string, len(exercises))
	if opts.Cache == nil {
		return keys
	}
	var kit [][]byte
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if !strings.HasPrefix(name, "exercises/") || strings.HasPrefix(name, "exercises/internal/") || strings.HasSuffix(name, "_test.go") || name == "exercises/catalog.json" {
			kit = append(kit, []byte(name), files[name])
		}
	}
	kitKey := cache.Key(kit...)
	options := fmt.Sprintf("count=%d cpus=%v sandbox=%v", opts.Count, opts.CPUs, opts.Sandbox.Enabled())
	for i, run := range exercises {
		entry, _ := json.Marshal(run.ex)
		parts := [][]byte{[]byte(opts.CacheSalt), []byte(options), []byte(kitKey), entry, []byte(run.refused)}
		for _, name := range slices.Sorted(maps.Keys(run.files)) {
			parts = append(parts, []byte(name), run.files[name])
		}
		keys[i] = cache.Key(parts...)
		var result report.Exercise
		if opts.Cache.Get(keys[i], &result) {
			run.cached = &result
		}
	}
	return keys
}

// runAll grades the exercises, opts.Jobs at a time, and returns their
// results in order.
func runAll(ctx context.Context, opts Options, exercises []*exerciseRun) ([]report.Exercise, error) {
	results := make([]report.Exercise, len(exercises))
	errs := make([]error, len(exercises))
	var (
		mu     sync.Mutex
		graded int
	)
	finished := func() {
		mu.Lock()
		defer mu.Unlock()
		graded++
		opts.progress("run", graded, len(exercises))
	}
	opts.progress("run", 0, len(exercises))
	var wg sync.WaitGroup
	slots := make(chan struct{}, opts.Jobs)
	for i, run := range exercises {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			defer finished()
			if run.cached != nil {
				results[i] = *run.cached
				return
			}
			results[i], errs[i] = run.grade(ctx, opts)
		})
	}
	wg.Wait()
	return results, errors.Join(errs...)
}

// exerciseRun is one exercise on its way through grading.
type exerciseRun struct {
	ex         catalog.Exercise
	dir        string // the exercise's folder in the clean room
	importPath string
	tests      []string
	files      map[string][]byte // the student's files by base name
	refused    string            // why the files cannot be built, "" when they can
	binary     runner.Binary     // serves the race run and the lock-order run
	cached     *report.Exercise  // the result found in the cache, if any
}

// prepare reads the exercise's tests from the kit and the student's files
// from the graded folder (or what opts.Replace puts in their place), and
// checks the files against the exercise's rules.
func prepare(opts Options, roomDir string, ex catalog.Exercise) (*exerciseRun, error) {
	run := &exerciseRun{
		ex: ex, dir: filepath.Join(roomDir, filepath.FromSlash(ex.Path())), importPath: opts.Module + "/" + ex.Path(),
		files: map[string][]byte{},
	}
	testSrc, err := fs.ReadFile(opts.Kit, path.Join(ex.Path(), ex.TestFile))
	if err != nil {
		return nil, fmt.Errorf("exercise %s: the grader has no copy of its tests: %w", ex.Name, err)
	}
	if run.tests, err = source.TestFunctions(ex.TestFile, testSrc); err != nil {
		return nil, fmt.Errorf("exercise %s: %w", ex.Name, err)
	}
	if testPath := path.Join(ex.Path(), ex.TestFile); slices.Contains(opts.AlteredTests, testPath) {
		run.refused = fmt.Sprintf("the grader was built with an edited %s, so this exercise cannot be graded; "+
			"restore it with git checkout -- %s and grade again", ex.TestFile, testPath)
		return run, nil
	}
	for _, name := range ex.Files {
		onDisk := filepath.Join(opts.Root, filepath.FromSlash(ex.Path()), name)
		backing, replaced := opts.Replace[onDisk]
		if replaced && backing == "" {
			continue
		}
		if !replaced {
			backing = onDisk
		}
		data, err := source.ReadStudentFile(backing, name)
		if err == nil {
			err = source.Check(name, data, ex.AllowedImports())
		}
		var refusal *source.Refusal
		switch {
		case errors.As(err, &refusal):
			run.refused = refusal.Error()
			return run, nil
		case err != nil:
			return nil, fmt.Errorf("exercise %s: %w", ex.Name, err)
		}
		run.files[name] = data
	}
	return run, nil
}

// kitFiles reads every file of the kit into a map for the clean room.
func kitFiles(kit fs.FS) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(kit, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files[name], err = fs.ReadFile(kit, name)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read the kit's files: %w", err)
	}
	return files, nil
}

// compareWithKit lists the kit files that the graded folder holds in another
// version (or lacks), and the files in the graded exercise folders that no
// grade reads. Neither changes a score: the kit's copies are used and the
// other files are left out. Only the kit files a grade of these exercises
// uses are compared: the shared ones and the graded exercises' tests.
func compareWithKit(opts Options, files map[string][]byte) (changed, ignored []string, err error) {
	graded := map[string]catalog.Exercise{}
	for _, ex := range opts.Exercises {
		graded[ex.Path()] = ex
	}
	err = fs.WalkDir(opts.Kit, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		dir := path.Dir(name)
		if _, ok := graded[dir]; !ok && strings.HasPrefix(dir, "exercises/") && !strings.HasPrefix(dir, "exercises/internal") {
			return nil // another exercise's tests
		}
		if strings.HasSuffix(name, "_test.go") && strings.HasPrefix(dir, "exercises/internal") {
			return nil // the harness's own tests are not part of a grade
		}
		// Read as a student file: a symbolic link to /dev/zero in place of
		// a kit file must not keep the grader reading.
		theirs, err := source.ReadStudentFile(filepath.Join(opts.Root, filepath.FromSlash(name)), name)
		if err != nil || !bytes.Equal(theirs, files[name]) {
			changed = append(changed, name)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("compare with the kit's files: %w", err)
	}
	for dir, ex := range graded {
		entries, err := os.ReadDir(filepath.Join(opts.Root, filepath.FromSlash(dir)))
		if err != nil {
			continue // a missing folder shows as missing files
		}
		for _, e := range entries {
			name := path.Join(dir, e.Name())
			if _, kit := files[name]; kit || slices.Contains(ex.Files, e.Name()) || e.Name() == "README.md" {
				continue
			}
			if strings.HasSuffix(e.Name(), ".go") || buildsWithGo(e.Name()) {
				ignored = append(ignored, name)
			}
		}
	}
	slices.Sort(ignored)
	return changed, ignored, nil
}

// buildsWithGo reports whether the go command would compile or link the file
// into a package if it stood in a package folder (assembly, cgo sources,
// object files): such a file is worth telling the student it was left out.
func buildsWithGo(name string) bool {
	switch filepath.Ext(name) {
	case ".s", ".S", ".sx", ".c", ".cc", ".cpp", ".cxx", ".h", ".hh", ".hpp", ".hxx",
		".m", ".f", ".F", ".for", ".f90", ".swig", ".swigcxx", ".syso":
		return true
	}
	return false
}

// buildAll builds every exercise's test binary, with one go command for
// all of them. One binary serves both runs: it is built with -race from the
// lock-order rewrite of the student's files, whose lockcheck mutexes are
// plain sync mutexes (go-deadlock's Opts.Disable) unless the harness is told
// it is the lock-order run. The race detector sees the race run exactly as
// it would the student's own code.
func buildAll(ctx context.Context, clean *room.Room, runs []*exerciseRun) error {
	if len(runs) == 0 {
		return nil
	}
	overlay, err := lockOrderOverlay(runs, filepath.Join(clean.Scratch, "lockorder"))
	if err != nil {
		return err
	}
	pkgs := make([]runner.Package, len(runs))
	for i, r := range runs {
		pkgs[i] = runner.Package{ImportPath: r.importPath, Dir: r.dir}
	}
	bins, err := runner.Build(ctx, clean.Dir, pkgs, overlay, filepath.Join(clean.Scratch, "bin"))
	if err != nil {
		return fmt.Errorf("build test binaries: %w", err)
	}
	for _, r := range runs {
		r.binary = bins[r.importPath]
	}
	return nil
}

// startVet runs go vet over the exercises to build, while they build and
// their tests run: its findings are notes, not scores, and are kept only
// for exercises that built. No findings when vet cannot run.
func startVet(ctx context.Context, roomDir string, runs []*exerciseRun) <-chan map[string][]runner.Finding {
	vetted := make(chan map[string][]runner.Finding, 1)
	var packages []string
	for _, run := range runs {
		packages = append(packages, run.importPath)
	}
	go func() {
		findings, _ := runner.Vet(ctx, roomDir, packages)
		vetted <- findings
	}()
	return vetted
}

// notes keeps the findings in the student's files, as notes.
func (r *exerciseRun) notes(findings []runner.Finding) []report.Note {
	var notes []report.Note
	for _, f := range findings {
		name := filepath.Base(f.File)
		if filepath.Dir(f.File) != r.dir || !slices.Contains(r.ex.Files, name) {
			continue
		}
		notes = append(notes, report.Note{File: path.Join(r.ex.Path(), name), Line: f.Line, Check: f.Analyzer, Message: f.Message})
	}
	return notes
}

// lockOrderOverlay rewrites every student file for the lock-order run.
func lockOrderOverlay(runs []*exerciseRun, dir string) (map[string]string, error) {
	overlay := map[string]string{}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("make rewrite folder: %w", err)
	}
	for _, r := range runs {
		for _, name := range slices.Sorted(maps.Keys(r.files)) {
			path := filepath.Join(r.dir, name)
			rewritten, err := lockorder.Rewrite(path, r.files[name])
			if err != nil {
				r.refused = err.Error()
				continue
			}
			out := filepath.Join(dir, r.ex.Dir+"-"+name)
			if err := room.WriteFile(out, rewritten); err != nil {
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
			final[t] = classify.Outcome{Cause: event.CauseBuild, Message: r.refused}
		}
	case r.binary.Path == "":
		log := r.binary.BuildLog
		for _, t := range r.tests {
			final[t] = classify.Outcome{Cause: event.CauseBuild, Message: firstLines(log, 1), Output: log}
		}
	default:
		c := classify.Classifier{Dir: r.dir}
		for _, cpu := range opts.CPUs {
			for range opts.Count {
				var raceRun map[string]classify.Outcome
				for _, lockOrder := range []bool{false, true} {
					tests := slices.DeleteFunc(slices.Clone(r.tests), func(t string) bool {
						o, ran := raceRun[t]
						return settled(final[t]) || lockOrder && ran && orderless(o)
					})
					if len(tests) == 0 {
						continue
					}
					x := runner.Execution{
						Binary: r.binary.Path, Dir: r.dir, Tests: tests, Limit: r.ex.TestLimit(),
						Memory: r.ex.MemoryLimit(), Sandbox: opts.Sandbox,
					}
					if lockOrder {
						x.Env = append(x.Env, event.LockOrderEnv+"=1")
						// A test that hung on a lock in the race run will
						// likely hang again: run each alone, side by side.
						x.Alone = slices.DeleteFunc(slices.Clone(tests), func(t string) bool { return final[t].Cause != event.CauseTimeout })
					}
					if cpu > 0 {
						x.Env = append(x.Env, fmt.Sprintf("GOMAXPROCS=%d", cpu))
					}
					outcomes, err := runner.RunTests(ctx, x, c)
					if err != nil {
						return result, fmt.Errorf("exercise %s: %w", r.ex.Name, err)
					}
					merge(final, outcomes)
					raceRun = outcomes
				}
			}
		}
	}
	for _, name := range r.tests {
		o, ok := final[name]
		if !ok {
			o = classify.Outcome{Cause: event.CauseCrash, Message: "the test produced no result"}
		}
		t := report.Test{Name: name, Weight: r.ex.Weight(name), Status: report.Pass, DurationMS: o.Duration.Milliseconds()}
		if !o.Passed {
			t.Status, t.Cause, t.Message, t.Output = report.Fail, o.Cause, o.Message, truncate(o.Output, maxTestOutput)
			if file, line := studentPlace(o.Message, r.ex.Files); file != "" {
				t.File, t.Line = path.Join(r.ex.Path(), file), line
			}
		}
		result.Tests = append(result.Tests, t)
	}
	result.Finish()
	return result, nil
}

// settled reports whether a test's outcome so far leaves nothing for
// another run to find: it hung, and not on a lock (a hang on a lock is the
// lock-order run's to explain, with both lock sites). Waiting for it again
// would only cost another time limit.
func settled(o classify.Outcome) bool {
	if o.Cause != event.CauseTimeout {
		return false
	}
	return !strings.Contains(o.Output, "Mutex).Lock") && !strings.Contains(o.Output, "Mutex).RLock")
}

// orderless reports whether a test's race run leaves nothing for its
// lock-order run to find: the test ended (passed, or failed and said so) and
// no goroutine took a lock while it held another, so there was no lock order
// for go-deadlock to check. A recursive lock or a stuck lock hangs the race
// run: a test that ran out of time, or whose process died before it could
// say whether locks nested, always has its lock-order run.
func orderless(raceRun classify.Outcome) bool {
	return !raceRun.LockNesting && raceRun.Cause != event.CauseTimeout
}

// placeRef is a reference to a line of a Go file in a message: fake.go:12,
// ./fake.go:12:5 (the compiler's), /room/exercises/90_fake/fake.go:12.
var placeRef = regexp.MustCompile(`([A-Za-z0-9_.\-]+\.go):(\d+)`)

// studentPlace finds the first reference in a failure message to one of the
// student's files (files, by base name) and returns the file's base name and
// the line, or "" and 0. The classifier's messages name the student's
// file:line where they can ("data race at a.go:3 and a.go:9", "stuck at
// queue.go:41"); a reference to a test file is never the student's.
func studentPlace(message string, files []string) (string, int) {
	for _, m := range placeRef.FindAllStringSubmatch(message, -1) {
		if strings.HasSuffix(m[1], "_test.go") || !slices.Contains(files, m[1]) {
			continue
		}
		line, err := strconv.Atoi(m[2])
		if err != nil || line < 1 {
			continue
		}
		return m[1], line
	}
	return "", 0
}

// merge folds one run's outcomes into the final ones: a test passes only if
// it passed in every run; a failure keeps the most specific cause seen. The
// duration kept is the longest run's.
func merge(final, run map[string]classify.Outcome) {
	for name, o := range run {
		prev, seen := final[name]
		longest := max(o.Duration, prev.Duration)
		switch {
		case !seen,
			prev.Passed && !o.Passed,
			!prev.Passed && !o.Passed && o.Cause.Outranks(prev.Cause):
			prev = o
		}
		prev.Duration = longest
		final[name] = prev
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
