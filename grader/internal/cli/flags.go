package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/concurrency-kit/kit/grader/internal/i18n"
)

// options are the values of every flag; each command registers the flags
// it takes.
type options struct {
	dir       string
	json      bool
	minScore  float64
	count     int
	cpus      []int
	jobs      int
	color     string
	lang      string // "" for the locale's
	solutions bool
	noSandbox bool
	noCache   bool
	all       bool
	yes       bool
	// Files for CI platforms and grading services ("" for none), and
	// GitHub Actions mode (also on when GITHUB_ACTIONS=true).
	junit      string
	gradescope string
	badge      string
	github     bool
	// Class mode: the report folder, the deadline, --force and --shard I/N
	// (shardCount 0: no sharding).
	out               string
	deadline          time.Time
	force             bool
	shard, shardCount int
	// started is when grading started (for Gradescope's execution_time).
	started time.Time
}

func newOptions() *options {
	return &options{dir: ".", count: 1, color: "auto", out: "class-report"}
}

// flagDefs are every flag of the grader, by name. A command lists the
// names of those it takes.
var flagDefs = map[string]func(fs *flag.FlagSet, o *options){
	"dir": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.dir, "dir", o.dir, "the kit's root folder")
	},
	"json": func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.json, "json", false, "print the result document as JSON (see grader/README.md)")
	},
	"min-score": func(fs *flag.FlagSet, o *options) {
		fs.Float64Var(&o.minScore, "min-score", 0, "exit with status 1 when the total score is below this")
	},
	"count": func(fs *flag.FlagSet, o *options) {
		fs.Func("count", "run every test `N` times; a test passes only if it passes every time (default 1)", atLeastOne(&o.count))
	},
	"cpu": func(fs *flag.FlagSet, o *options) {
		fs.Func("cpu", "comma-separated GOMAXPROCS `values` to run every test under (default: the machine's)", func(v string) error {
			cpus, err := parseCPUs(v)
			o.cpus = cpus
			return err
		})
	},
	"jobs": func(fs *flag.FlagSet, o *options) {
		fs.Func("jobs", "grade `N` exercises at once (default: the number of CPUs)", atLeastOne(&o.jobs))
	},
	"color": func(fs *flag.FlagSet, o *options) {
		fs.Var(&choice{value: &o.color, allowed: []string{"auto", "always", "never"}}, "color", "colour output: auto, always or never")
	},
	"solutions": func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.solutions, "solutions", false, "grade the reference solutions instead of the exercises (nothing on disk changes)")
	},
	"yes": func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.yes, "yes", false, "do not ask first")
	},
	"all": func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.all, "all", false, "show every exercise in full, not only the one to work on")
	},
	"no-cache": func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.noCache, "no-cache", false, "grade again even what has not changed since the last grade")
	},
	"junit": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.junit, "junit", "", "also write the result as JUnit XML to `FILE` (for Jenkins, GitLab and other CI)")
	},
	"gradescope": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.gradescope, "gradescope", "", "also write Gradescope's results.json to `FILE`")
	},
	"badge": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.badge, "badge", "", "also write a shields.io endpoint badge of the score to `FILE`")
	},
	"github": func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.github, "github", false, "GitHub Actions mode: annotations, job summary, score outputs (on when GITHUB_ACTIONS=true)")
	},
	"out": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.out, "out", o.out, "write the class report into `DIR`")
	},
	"deadline": func(fs *flag.FlagSet, o *options) {
		fs.Func("deadline", "grade each git checkout's last commit made before `TIME` (2026-12-24T18:00:00+01:00, \"2026-12-24 18:00\" or 2026-12-24) and count the later ones", func(v string) error {
			t, err := parseDeadline(v)
			o.deadline = t
			return err
		})
	},
	"force": func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.force, "force", false, "grade every submission again, even those that did not change since the last run")
	},
	"shard": func(fs *flag.FlagSet, o *options) {
		fs.Func("shard", "grade only every N-th submission, starting with the I-th (`I/N`), to spread a class over machines", func(v string) error {
			i, n, err := parseShard(v)
			o.shard, o.shardCount = i, n
			return err
		})
	},
	"lang": func(fs *flag.FlagSet, o *options) {
		fs.Var(&choice{value: &o.lang, allowed: i18n.Langs}, "lang", "the `language` of the grader's text: en or zh (default: the locale's, from LC_ALL, LC_MESSAGES or LANG)")
	},
	"no-sandbox": func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.noSandbox, "no-sandbox", false, "run the tests without the sandbox (see grader/README.md)")
	},
}

// atLeastOne parses a flag's value, a whole number of at least 1, into dst.
func atLeastOne(dst *int) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return errors.New("must be a whole number of at least 1")
		}
		*dst = n
		return nil
	}
}

// choice is a flag whose value must be one of a fixed list.
type choice struct {
	value   *string
	allowed []string
}

func (c *choice) String() string {
	if c.value == nil {
		return ""
	}
	return *c.value
}

func (c *choice) Set(v string) error {
	if !slices.Contains(c.allowed, v) {
		return fmt.Errorf("must be one of %s", strings.Join(c.allowed, ", "))
	}
	*c.value = v
	return nil
}

// parseCPUs reads --cpu: positive numbers separated by commas.
func parseCPUs(list string) ([]int, error) {
	var cpus []int
	for _, field := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive number", field)
		}
		cpus = append(cpus, n)
	}
	return cpus, nil
}

// errHelp is returned by parseInterleaved when -h or --help was given.
var errHelp = flag.ErrHelp

// parseInterleaved parses flags that may stand before, between or after the
// positional arguments, and returns the positional ones in order.
// Everything after a "--" is positional.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var after []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, after = args[:i], args[i+1:]
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(positional, after...), nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// allFlags is a flag set with every flag, to tell which take a value.
func allFlags() *flag.FlagSet {
	fs := flag.NewFlagSet("grader", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o := newOptions()
	for _, define := range flagDefs {
		define(fs, o)
	}
	return fs
}
