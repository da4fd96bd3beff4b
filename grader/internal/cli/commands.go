package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/internal/cache"
	"github.com/concurrency-kit/kit/grader/internal/grade"
	"github.com/concurrency-kit/kit/grader/internal/report"
	"github.com/concurrency-kit/kit/grader/internal/sandbox"
	"github.com/concurrency-kit/kit/grader/internal/verify"
)

// command is one subcommand of the grader.
type command struct {
	name    string
	args    string // the positional arguments, for the usage line
	summary string // one line, for the command list
	about   string // a paragraph, for the command's own usage
	flags   []string
	// minArgs and maxArgs bound the positional arguments (-1: no bound).
	minArgs, maxArgs int
	run              func(ctx context.Context, a *App, o *options, args []string) error
}

// gradingFlags are the flags of the commands that grade.
var gradingFlags = []string{"dir", "json", "min-score", "count", "cpu", "jobs", "color", "solutions", "no-sandbox", "no-cache",
	"junit", "gradescope", "badge", "github"}

// gradeFlags are grade's: the grading flags and --all.
var gradeFlags = append([]string{"all"}, gradingFlags...)

// commands is the command table, in the order the usage lists them. The
// first is the default.
func commands() []*command {
	return []*command{
		{
			name: "grade", args: "[EXERCISE...]", summary: "grade the exercises (all by default)",
			about: "Grades the exercises named (all of them by default) and prints a score per\nexercise and the total: finished exercises in one line, the first unfinished\none in full (--all: every one), and what to do next.",
			flags: gradeFlags, minArgs: 0, maxArgs: -1, run: runGrade,
		},
		{
			name: "run", args: "EXERCISE", summary: "grade one exercise, with every test's output",
			about: "Grades one exercise and prints every test, with the output of the failed ones.",
			flags: gradingFlags, minArgs: 1, maxArgs: 1, run: runRun,
		},
		{
			name: "watch", args: "[EXERCISE]", summary: "grade the exercise you work on at every save",
			about: "Grades the exercise you work on (the first one not done, or the one named)\nevery time you save its file, and moves on to the next one once it is done.\nKeys: h shows the hint, l the list, q quits.",
			flags: []string{"dir", "color", "no-sandbox", "no-cache"}, minArgs: 0, maxArgs: 1, run: runWatch,
		},
		{
			name: "reset", args: "EXERCISE", summary: "put back the exercise's stub (asks first)",
			about: "Puts back the kit's stub of the exercise's files, after asking (--yes: does\nnot ask). Your version is kept in the user's cache folder.",
			flags: []string{"dir", "yes"}, minArgs: 1, maxArgs: 1, run: runReset,
		},
		{
			name: "list", args: "", summary: "show which exercises are done and what is next",
			about: "Prints one line per exercise, done or not, from the last grade of the files as\nthey are now (it grades nothing), and what to do next.",
			flags: []string{"dir", "solutions"}, minArgs: 0, maxArgs: 0, run: runList,
		},
		{
			name: "hint", args: "EXERCISE", summary: "show the exercise's hint",
			about: "Prints the hint of one exercise.",
			flags: []string{"dir"}, minArgs: 1, maxArgs: 1, run: runHint,
		},
		{
			name: "class", args: "SUBMISSIONS", summary: "grade a folder of submissions into a gradebook",
			about: "Grades every submission in the folder SUBMISSIONS (one per student: a checkout\nof their fork, a .zip or a .tar.gz) with the kit's own tests, and writes the\nclass report into --out: grades.csv, index.html, and students/<student>.json\nand .md. Only the files each exercise names as the student's are taken.\nA second run grades only what changed.\n\ngrader class merge DIR... --out DIR joins the reports of shards (--shard).",
			flags: []string{"out", "deadline", "force", "shard", "jobs", "count", "cpu", "dir", "no-sandbox"}, minArgs: 1, maxArgs: -1,
			run: runClass,
		},
		{
			name: "verify", args: "[EXERCISE...]", summary: "check the kit itself (solutions, stubs, fixtures)",
			about: "The kit's self-check: every stub scores zero without hanging, every reference\nsolution and alternative full marks, every wrong fixture loses points in the\ntests it declares.",
			flags: []string{"dir", "count", "cpu", "jobs", "no-sandbox"}, minArgs: 0, maxArgs: -1,
			run: func(ctx context.Context, a *App, o *options, args []string) error {
				return runVerify(ctx, a, o, args, false)
			},
		},
		{
			name: "mutate", args: "[EXERCISE...]", summary: "check the tests against mutants of the solutions",
			about: "Grades concurrency mutants of every reference solution: each must lose points\nor be listed, with a reason, in solutions/NN_name/testdata/equivalent-mutants.txt.",
			flags: []string{"dir", "jobs", "no-sandbox"}, minArgs: 0, maxArgs: -1,
			run: func(ctx context.Context, a *App, o *options, args []string) error {
				return runVerify(ctx, a, o, args, true)
			},
		},
		{
			name: "new", args: "NAME", summary: "add an exercise to the kit (for maintainers)",
			about: "Adds an exercise: its folder with a README, a stub and a test file, its\nsolution folder with a solution and a first wrong fixture, a catalog entry\nand a row in README.md. The scaffold passes grader verify as it is.",
			flags: []string{"dir"}, minArgs: 1, maxArgs: 1, run: runNew,
		},
	}
}

// splitCommand finds the subcommand: the first argument that is not a flag
// or a flag's value. Flags before it stay with the rest. With no
// subcommand, the command is grade. help reports a request for the
// grader's own usage (help, -h, --help with no subcommand).
func splitCommand(args []string) (cmd *command, rest []string, help bool) {
	table := commands()
	all := allFlags()
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			break
		}
		if name, isFlag := strings.CutPrefix(strings.TrimPrefix(arg, "-"), "-"); isFlag || strings.HasPrefix(arg, "-") {
			if !isFlag {
				name = strings.TrimPrefix(arg, "-")
			}
			if name == "h" || name == "help" {
				if !hasCommand(table, args[i+1:]) {
					return table[0], nil, true
				}
				continue
			}
			if f := all.Lookup(name); f != nil && !strings.Contains(name, "=") && !isBool(f) {
				i++ // the flag's value
			}
			continue
		}
		if arg == "help" {
			if i+1 < len(args) {
				if c := find(table, args[i+1]); c != nil {
					return c, []string{"-h"}, false
				}
			}
			return table[0], nil, true
		}
		if c := find(table, arg); c != nil {
			return c, append(append([]string{}, args[:i]...), args[i+1:]...), false
		}
		break // the first positional argument is an exercise: grade
	}
	return table[0], args, false
}

func hasCommand(table []*command, args []string) bool {
	for _, arg := range args {
		if find(table, arg) != nil {
			return true
		}
	}
	return false
}

func find(table []*command, name string) *command {
	for _, c := range table {
		if c.name == name {
			return c
		}
	}
	return nil
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// flagSet makes the command's flag set over o.
func (c *command) flagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("grader "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by Run, usage on request
	for _, name := range c.flags {
		flagDefs[name](fs, o)
	}
	flagDefs["lang"](fs, o) // every command speaks the student's language
	return fs
}

// checkArgs checks the number of positional arguments.
func (c *command) checkArgs(args []string) error {
	switch {
	case c.maxArgs == 0 && len(args) > 0:
		return usageErrorf("%s takes no arguments (got %q)", c.name, strings.Join(args, " "))
	case c.minArgs == 1 && c.maxArgs == 1 && len(args) != 1:
		what := "exercise name"
		if c.args == "NAME" {
			what = "name"
		}
		return usageErrorf("%s needs exactly one %s", c.name, what)
	case len(args) < c.minArgs:
		return usageErrorf("%s needs %s (grader %s -h)", c.name, c.args, c.name)
	}
	return nil
}

// usage is the command's own help text.
func (c *command) usage(fs *flag.FlagSet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: grader %s [flags] %s\n\n%s\n", c.name, c.args, c.about)
	if strings.Contains(c.args, "EXERCISE") {
		b.WriteString("\nAn exercise is named by its name (queue), folder (14_queue) or number (14).\n")
	}
	b.WriteString("\nFlags:\n")
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	return b.String()
}

// topUsage is the grader's help: the commands, then the default command's
// flags.
func topUsage() string {
	var b strings.Builder
	b.WriteString("Usage: grader [COMMAND] [flags] [EXERCISE...]\n\nCommands:\n")
	table := commands()
	for _, c := range table {
		fmt.Fprintf(&b, "  %-8s %-15s %s\n", c.name, c.args, c.summary)
	}
	b.WriteString("\nWith no command, grader grades. Flags may come before or after the command\n" +
		"and its arguments. \"grader COMMAND -h\" lists a command's flags.\n" +
		"An exercise is named by its name (queue), folder (14_queue) or number (14).\n\nFlags of grade:\n")
	fs := table[0].flagSet(newOptions())
	fs.SetOutput(&b)
	fs.PrintDefaults()
	return b.String()
}

// openSandbox sets up the sandbox the tests run in, unless --no-sandbox.
func openSandbox(o *options) (*sandbox.Sandbox, error) {
	if o.noSandbox {
		return sandbox.Disabled("--no-sandbox"), nil
	}
	return sandbox.New()
}

// gradingSetup opens the kit and makes the grading options for it, with the
// sandbox (which the caller closes) and, for grades, the results cache.
func gradingSetup(a *App, o *options, cached bool) (*Kit, grade.Options, *sandbox.Sandbox, error) {
	kit, opts, err := gradeOptions(a, o)
	if err != nil {
		return nil, opts, nil, err
	}
	box, err := openSandbox(o)
	if err != nil {
		return nil, opts, nil, err
	}
	opts.Sandbox = box
	if cached {
		opts = withCache(opts, o)
	}
	return kit, opts, box, nil
}

// gradeOptions opens the kit and makes the grading options for it.
func gradeOptions(a *App, o *options) (*Kit, grade.Options, error) {
	kit, err := OpenKit(o.dir, a.Course)
	if err != nil {
		return nil, grade.Options{}, asUsage(err)
	}
	opts := grade.Options{
		Root: kit.Root, Kit: kit.Files, AlteredTests: kit.AlteredTests, Module: Module,
		CPUs: o.cpus, Count: o.count, Jobs: o.jobs,
	}
	return kit, opts, nil
}

// withCache gives the options the results cache, unless --no-cache or
// --count asks for a fresh run. A cache that cannot be set up is no cache.
func withCache(opts grade.Options, o *options) grade.Options {
	if o.noCache || o.count > 1 {
		return opts
	}
	dir, err := cache.DefaultDir()
	if err != nil {
		return opts
	}
	salt, err := cacheSalt()
	if err != nil {
		return opts
	}
	opts.Cache, opts.CacheSalt = cache.Open(dir), salt
	return opts
}

// cacheSalt identifies the grader and the go toolchain: a new build of
// either grades everything again.
func cacheSalt() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	grader, err := cache.FileKey(self)
	if err != nil {
		return "", err
	}
	goPath, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	toolchain, err := cache.FileKey(goPath)
	if err != nil {
		return "", err
	}
	return grader + " " + toolchain + " " + os.Getenv("GOFLAGS"), nil
}

// gradeSelected grades the named exercises (all when there are none).
func gradeSelected(ctx context.Context, a *App, o *options, names []string) (*report.Document, []catalog.Exercise, error) {
	kit, opts, box, err := gradingSetup(a, o, true)
	if err != nil {
		return nil, nil, err
	}
	defer box.Close()
	selected, err := kit.Select(names)
	if err != nil {
		return nil, nil, err
	}
	opts.Exercises = selected
	if o.solutions {
		opts.Replace = grade.SolutionOverlay(kit.Root, selected)
	}
	view := a.newProgress(false)
	opts.Progress = view.report()
	o.started = time.Now()
	doc, err := grade.Grade(ctx, opts)
	view.stop()
	return doc, selected, err
}

// runGrade grades and prints the result (grader, grader grade).
func runGrade(ctx context.Context, a *App, o *options, args []string) error {
	doc, _, err := gradeSelected(ctx, a, o, args)
	if err != nil {
		return err
	}
	if err := a.writeResult(doc, o, false); err != nil {
		return err
	}
	if !o.json {
		a.writeNext(doc)
	}
	return nil
}

// writeNext ends a grade with the next step: the exercise to work on, and
// how to grade it alone and get its hint.
func (a *App) writeNext(doc *report.Document) {
	for _, e := range doc.Exercises {
		if !e.Done() {
			fmt.Fprint(a.Stdout, "\n"+a.tr.Trf("Next: %s. Grade it alone: go run ./grader run %s\nStuck? go run ./grader hint %s\n", e.Path, e.Name, e.Name))
			return
		}
	}
	fmt.Fprintln(a.Stdout, "\n"+a.tr.Tr("Every exercise is done. Well done!"))
}

// runRun grades one exercise and prints every test (grader run).
func runRun(ctx context.Context, a *App, o *options, args []string) error {
	doc, selected, err := gradeSelected(ctx, a, o, args)
	if err != nil {
		return err
	}
	if err := a.writeResult(doc, o, true); err != nil {
		return err
	}
	if !o.json && !doc.Exercises[0].Done() {
		fmt.Fprint(a.Stdout, "\n"+a.tr.Trf("Stuck? go run ./grader hint %s\n", selected[0].Name))
	}
	return nil
}

// runList prints the progress from the cache (grader list): it grades
// nothing, so it answers at once.
func runList(_ context.Context, a *App, o *options, _ []string) error {
	// A grade's results are kept under the sandbox it ran in; list shows
	// what the next grade would find, so it asks with the same setting.
	kit, opts, box, err := gradingSetup(a, o, true)
	if err != nil {
		return err
	}
	defer box.Close()
	opts.Exercises = kit.Catalog.Exercises
	if o.solutions {
		opts.Replace = grade.SolutionOverlay(kit.Root, opts.Exercises)
	}
	if opts.Cache == nil {
		return errors.New("no results cache on this system: grade with make grade")
	}
	results, err := grade.Cached(opts)
	if err != nil {
		return err
	}
	a.writeProgress(opts.Exercises, results)
	return nil
}

// writeResult prints the document as JSON or as text, writes the files
// for CI platforms and grading services that were asked for, and checks
// --min-score.
func (a *App) writeResult(doc *report.Document, o *options, detail bool) error {
	github := o.github || os.Getenv("GITHUB_ACTIONS") == "true"
	if o.json {
		enc := json.NewEncoder(a.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return fmt.Errorf("write JSON: %w", err)
		}
	} else {
		var out bytes.Buffer
		text := report.TextOptions{Color: a.useColor(o.color), Width: a.Width, Detail: detail, All: o.all, Printer: a.tr}
		if err := report.WriteText(&out, doc, text); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
		if err := a.writeLog(out.String(), github); err != nil {
			return err
		}
	}
	if github {
		if err := a.writeGitHub(doc, !o.json); err != nil {
			return err
		}
	}
	if err := writeFiles(doc, o); err != nil {
		return err
	}
	if o.minScore > 0 && doc.Score < o.minScore {
		return &shortfallError{fmt.Sprintf("score %v is below --min-score %v", doc.Score, o.minScore)}
	}
	return nil
}

// writeProgress prints one line per exercise, from its last result (nil:
// not graded as the files are now), and what to do next.
func (a *App) writeProgress(exercises []catalog.Exercise, results []*report.Exercise) {
	next, done, ungraded := "", 0, 0
	for i, ex := range exercises {
		r := results[i]
		switch {
		case r == nil:
			ungraded++
			fmt.Fprintf(a.Stdout, "[?] %-28s %s\n", ex.Path(), a.tr.Tr("not graded as it is now"))
		case r.Done():
			done++
			fmt.Fprintf(a.Stdout, "[x] %-28s %s\n", ex.Path(), a.tr.Trf("%d/%d tests", r.Passed, r.Total))
		default:
			fmt.Fprintf(a.Stdout, "[ ] %-28s %s\n", ex.Path(), a.tr.Trf("%d/%d tests", r.Passed, r.Total))
		}
		if (r == nil || !r.Done()) && next == "" {
			next = ex.Name
		}
	}
	fmt.Fprint(a.Stdout, "\n"+a.tr.Trf("%d of %d exercises done.", done, len(exercises)))
	if next != "" {
		fmt.Fprint(a.Stdout, a.tr.Trf(" Next: %s (go run ./grader run %s)", next, next))
	}
	fmt.Fprintln(a.Stdout)
	if ungraded > 0 {
		fmt.Fprint(a.Stdout, a.tr.Trf("%d exercises have not been graded as they are now: make grade grades them.\n", ungraded))
	}
}

func (a *App) useColor(mode string) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	return a.IsTerminal && os.Getenv("NO_COLOR") == ""
}

// runHint prints an exercise's hint (grader hint).
func runHint(_ context.Context, a *App, o *options, args []string) error {
	kit, err := OpenKit(o.dir, a.Course)
	if err != nil {
		return asUsage(err)
	}
	ex, err := kit.Select(args)
	if err != nil {
		return err
	}
	writeHint(a.Stdout, ex[0], a.Width, a.tr)
	return nil
}

// runVerify is the kit's self-checks (grader verify, grader mutate).
func runVerify(ctx context.Context, a *App, o *options, args []string, mutants bool) error {
	kit, opts, box, err := gradingSetup(a, o, false)
	if err != nil {
		return err
	}
	defer box.Close()
	if _, err := kit.Select(args); err != nil {
		return err
	}
	v := verify.Verifier{Root: kit.Root, Catalog: kit.Catalog, Options: opts, Log: a.Stdout}
	check := v.Run
	if mutants {
		check = v.Mutants
	}
	ok, err := check(ctx, args)
	if err != nil {
		return err
	}
	if !ok {
		return &shortfallError{}
	}
	return nil
}
