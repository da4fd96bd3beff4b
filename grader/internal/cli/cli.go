// Package cli is the grader's command line: grading (the default), run,
// list, hint and verify.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/concurrency-kit/kit/grader/internal/grade"
	"github.com/concurrency-kit/kit/grader/internal/report"
	"github.com/concurrency-kit/kit/grader/internal/sandbox"
	"github.com/concurrency-kit/kit/grader/internal/verify"
)

// Exit statuses.
const (
	ExitOK    = 0 // grading completed, whatever the score
	ExitScore = 1 // --min-score was not met, or verify found a defect
	ExitUsage = 2 // bad usage, or the grader could not set up
)

const usage = `Usage: grader [flags] [EXERCISE...]     grade the exercises (all by default)
       grader run [flags] EXERCISE       grade one exercise, with every test's output
       grader list [flags]               show which exercises are done
       grader hint EXERCISE              show the exercise's hint
       grader verify [flags]             check the kit itself (solutions, stubs, fixtures)
       grader mutate [flags] [EXERCISE...] check the tests against mutants of the solutions

An exercise is named by its name (queue), folder (14_queue) or number (14).

Flags:
`

// App is one invocation of the grader.
type App struct {
	Stdout, Stderr io.Writer
	// IsTerminal reports whether Stdout is a terminal (colour and width).
	IsTerminal bool
	Width      int
}

// settings are the flags shared by the grading commands.
type settings struct {
	dir       string
	json      bool
	minScore  float64
	count     int
	cpus      string
	jobs      int
	color     string
	solution  bool
	noSandbox bool
}

func (a *App) flags(name string, s *settings) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.Stderr)
	fs.StringVar(&s.dir, "dir", ".", "the kit's root folder")
	fs.BoolVar(&s.json, "json", false, "print the result document as JSON (see grader/README.md)")
	fs.Float64Var(&s.minScore, "min-score", 0, "exit with status 1 when the total score is below this")
	fs.IntVar(&s.count, "count", 1, "run every test this many times; a test passes only if it passes every time")
	fs.StringVar(&s.cpus, "cpu", "", "comma-separated GOMAXPROCS values to run every test under (default: the machine's)")
	fs.IntVar(&s.jobs, "jobs", 0, "exercises graded at once (default: number of CPUs)")
	fs.StringVar(&s.color, "color", "auto", "colour output: auto, always or never")
	fs.BoolVar(&s.solution, "solutions", false, "grade the reference solutions instead of the exercises (nothing on disk changes)")
	fs.BoolVar(&s.noSandbox, "no-sandbox", false, "run the tests without the sandbox (see grader/README.md)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	return fs
}

// Run executes the command line args (without the program name) and returns
// the exit status.
func (a *App) Run(ctx context.Context, args []string) int {
	command := "grade"
	if len(args) > 0 {
		switch args[0] {
		case "run", "list", "hint", "verify", "mutate", "grade":
			command, args = args[0], args[1:]
		case "help", "-h", "-help", "--help":
			fs := a.flags("grader", &settings{})
			fs.SetOutput(a.Stdout)
			fs.Usage()
			return ExitOK
		}
	}
	var s settings
	fs := a.flags(command, &s)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	cpus, err := parseCPUs(s.cpus)
	if err != nil {
		return a.fail(err)
	}
	if s.count < 1 {
		return a.fail(errors.New("--count must be at least 1"))
	}
	kit, err := OpenKit(s.dir)
	if err != nil {
		return a.fail(err)
	}
	names := fs.Args()
	opts := grade.Options{Root: kit.Root, Kit: kit.Files, AlteredTests: kit.AlteredTests, Module: Module, CPUs: cpus, Count: s.count, Jobs: s.jobs}
	// The sandbox is set up once the arguments are known to be good.
	openSandbox := func() (*sandbox.Sandbox, error) {
		if s.noSandbox {
			return sandbox.Disabled("--no-sandbox"), nil
		}
		return sandbox.New()
	}

	switch command {
	case "hint":
		if len(names) != 1 {
			return a.fail(errors.New("hint needs exactly one exercise name"))
		}
		ex, err := kit.Select(names)
		if err != nil {
			return a.fail(err)
		}
		fmt.Fprintf(a.Stdout, "%s (%s)\n\n%s\n\nThe exercise's README: %s/README.md\n", ex[0].Name, ex[0].Path(), ex[0].Hint, ex[0].Path())
		return ExitOK
	case "verify", "mutate":
		if len(names) > 0 {
			if _, err := kit.Select(names); err != nil {
				return a.fail(err)
			}
		}
		box, err := openSandbox()
		if err != nil {
			return a.fail(err)
		}
		defer box.Close()
		opts.Sandbox = box
		v := verify.Verifier{Root: kit.Root, Catalog: kit.Catalog, Options: opts, Log: a.Stdout}
		check := v.Run
		if command == "mutate" {
			check = v.Mutants
		}
		ok, err := check(ctx, names)
		if err != nil {
			return a.fail(err)
		}
		if !ok {
			return ExitScore
		}
		return ExitOK
	case "run":
		if len(names) != 1 {
			return a.fail(errors.New("run needs exactly one exercise name"))
		}
	}
	selected, err := kit.Select(names)
	if err != nil {
		return a.fail(err)
	}
	opts.Exercises = selected
	if s.solution {
		opts.Replace = grade.SolutionOverlay(kit.Root, selected)
	}
	box, err := openSandbox()
	if err != nil {
		return a.fail(err)
	}
	defer box.Close()
	opts.Sandbox = box
	doc, err := grade.Grade(ctx, opts)
	if err != nil {
		return a.fail(err)
	}
	switch {
	case s.json:
		enc := json.NewEncoder(a.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return a.fail(fmt.Errorf("write JSON: %w", err))
		}
	case command == "list":
		a.writeProgress(doc, kit, s)
	default:
		text := report.TextOptions{Color: a.useColor(s.color), Width: a.Width, Detail: command == "run"}
		if err := report.WriteText(a.Stdout, doc, text); err != nil {
			return a.fail(fmt.Errorf("write report: %w", err))
		}
		if command == "run" {
			ex := selected[0]
			if !doc.Exercises[0].Done() {
				fmt.Fprintf(a.Stdout, "\nStuck? go run ./grader hint %s\n", ex.Name)
			}
		}
	}
	if s.minScore > 0 && doc.Score < s.minScore {
		fmt.Fprintf(a.Stderr, "grader: score %v is below --min-score %v\n", doc.Score, s.minScore)
		return ExitScore
	}
	return ExitOK
}

// writeProgress prints one line per exercise and what to do next.
func (a *App) writeProgress(doc *report.Document, kit *Kit, s settings) {
	next := ""
	done := 0
	for _, e := range doc.Exercises {
		mark := "[ ]"
		if e.Done() {
			mark = "[x]"
			done++
		} else if next == "" {
			next = e.Name
		}
		fmt.Fprintf(a.Stdout, "%s %-28s %d/%d tests\n", mark, e.Path, e.Passed, e.Total)
	}
	fmt.Fprintf(a.Stdout, "\n%d of %d exercises done.", done, len(doc.Exercises))
	if next != "" {
		fmt.Fprintf(a.Stdout, " Next: %s (go run ./grader run %s)", next, next)
	}
	fmt.Fprintln(a.Stdout)
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

func (a *App) fail(err error) int {
	fmt.Fprintf(a.Stderr, "grader: %v\n", err)
	return ExitUsage
}

func parseCPUs(list string) ([]int, error) {
	if list == "" {
		return nil, nil
	}
	var cpus []int
	for _, field := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("--cpu: %q is not a positive number", field)
		}
		cpus = append(cpus, n)
	}
	return cpus, nil
}
