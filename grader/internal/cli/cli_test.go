package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/internal/fakekit"
	"github.com/concurrency-kit/kit/grader/internal/grade"
	"github.com/concurrency-kit/kit/grader/internal/kitfiles"
	"github.com/concurrency-kit/kit/grader/internal/report"
	"github.com/concurrency-kit/kit/grader/internal/sandbox"
)

// The tests run the grader on the fake kit of package fakekit (exercises
// fake, 90_fake, and other, 91_other), never on the real course, so that a
// change to the course breaks none of them.

// fakeCourse is the fake kit's catalog, own files and stubs, which the
// tests give the grader in place of the course compiled into it.
func fakeCourse(t testing.TB) *Course {
	t.Helper()
	return &Course{
		Catalog: &catalog.Catalog{Exercises: fakekit.Exercises()},
		Files:   &kitfiles.Kit{FS: fakekit.FS(t)},
		Stubs:   fakekit.Stubs(t),
	}
}

// fakeRoot is a checkout of the fake kit.
func fakeRoot(t testing.TB) string {
	t.Helper()
	return fakekit.Checkout(t, fakekit.FS(t), nil)
}

// run runs the grader, with the fake course, on args.
func run(t testing.TB, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	app := &App{Stdout: &out, Stderr: &errOut, Course: fakeCourse(t)}
	code = app.Run(context.Background(), args)
	return code, out.String(), errOut.String()
}

// assertOneLineError checks that a failed invocation said why on one line of
// stderr, prefixed with the program's name, and nothing else.
func assertOneLineError(t *testing.T, stdout, stderr, want string) {
	t.Helper()
	assert.Empty(t, stdout)
	assert.True(t, strings.HasPrefix(stderr, "grader: "), stderr)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
	assert.True(t, strings.HasSuffix(stderr, "\n"), stderr)
	assert.Contains(t, stderr, want)
	assert.NotContains(t, stderr, "goroutine ")
	assert.NotContains(t, stderr, "panic")
}

func TestNotAKit(t *testing.T) {
	empty := t.TempDir()
	otherModule := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(otherModule, "go.mod"), []byte("module example.com/other\n\ngo 1.26\n"), 0o644))
	noExercises := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(noExercises, "go.mod"), []byte("module "+Module+"\n\ngo 1.26\n"), 0o644))

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"empty folder", []string{"--dir", empty}, empty + " is not a concurrency kit"},
		{"missing folder", []string{"--dir", filepath.Join(empty, "absent")}, "is not a concurrency kit"},
		{"another module", []string{"--dir", otherModule}, otherModule + " is not a concurrency kit (no go.mod for module " + Module},
		{"no exercises folder", []string{"--dir", noExercises}, "is not a concurrency kit (no exercises folder)"},
		{"run", []string{"run", "--dir", empty, "fake"}, "is not a concurrency kit"},
		{"list", []string{"list", "--dir", empty}, "is not a concurrency kit"},
		{"hint", []string{"hint", "--dir", empty, "fake"}, "is not a concurrency kit"},
		{"verify", []string{"verify", "--dir", empty}, "is not a concurrency kit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tt.args...)
			assert.Equal(t, ExitUsage, code)
			assertOneLineError(t, stdout, stderr, tt.want)
		})
	}
}

func TestUsageErrors(t *testing.T) {
	root := fakeRoot(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown exercise", []string{"--dir", root, "nosuch"}, `unknown exercise "nosuch" (exercises: fake, other)`},
		{"unknown exercise among known ones", []string{"grade", "--dir", root, "fake", "99"}, `unknown exercise "99"`},
		{"run an unknown exercise", []string{"run", "--dir", root, "nosuch"}, "unknown exercise"},
		{"list with an exercise", []string{"list", "--dir", root, "nosuch"}, "list takes no arguments"},
		{"verify an unknown exercise", []string{"verify", "--dir", root, "nosuch"}, "unknown exercise"},
		{"hint for an unknown exercise", []string{"hint", "--dir", root, "nosuch"}, "unknown exercise"},
		{"hint without a name", []string{"hint", "--dir", root}, "hint needs exactly one exercise name"},
		{"hint with two names", []string{"hint", "--dir", root, "fake", "other"}, "hint needs exactly one exercise name"},
		{"mutate an unknown exercise", []string{"mutate", "--dir", root, "nosuch"}, "unknown exercise"},
		{"run without a name", []string{"run", "--dir", root}, "run needs exactly one exercise name"},
		{"run with two names", []string{"run", "--dir", root, "fake", "other"}, "run needs exactly one exercise name"},
		{"cpu not a number", []string{"--dir", root, "--cpu", "two"}, `invalid value "two" for flag -cpu: "two" is not a positive number`},
		{"cpu zero", []string{"--dir", root, "--cpu", "1,0"}, `"0" is not a positive number`},
		{"cpu empty field", []string{"--dir", root, "--cpu", "1,,2"}, `"" is not a positive number`},
		{"cpu negative", []string{"--dir", root, "--cpu", "-4"}, `"-4" is not a positive number`},
		{"count zero", []string{"--dir", root, "--count", "0"}, `invalid value "0" for flag -count: must be a whole number of at least 1`},
		{"count negative", []string{"run", "--dir", root, "--count", "-1", "fake"}, "must be a whole number of at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tt.args...)
			assert.Equal(t, ExitUsage, code)
			assertOneLineError(t, stdout, stderr, tt.want)
		})
	}
}

func TestBadFlags(t *testing.T) {
	root := fakeRoot(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--no-such-flag"}, "flag provided but not defined: -no-such-flag (see grader grade -h)"},
		{[]string{"run", "--count", "many", "fake"}, `invalid value "many" for flag -count`},
		{[]string{"--jobs"}, "flag needs an argument: -jobs"},
		{[]string{"--jobs", "0"}, `invalid value "0" for flag -jobs`},
		{[]string{"--color", "blue"}, `invalid value "blue" for flag -color: must be one of auto, always, never`},
		{[]string{"hint", "--json", "fake"}, "flag provided but not defined: -json (see grader hint -h)"},
		{[]string{"hint", "--cpu", "4", "fake"}, "flag provided but not defined: -cpu"},
		{[]string{"hint", "fake", "--min-score", "3"}, "flag provided but not defined: -min-score"},
		{[]string{"list", "--color", "always"}, "flag provided but not defined: -color"},
		{[]string{"mutate", "--json"}, "flag provided but not defined: -json"},
		{[]string{"--dir", root, "list", "extra"}, `list takes no arguments (got "extra")`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := run(t, tt.args...)
			assert.Equal(t, ExitUsage, code)
			assertOneLineError(t, stdout, stderr, tt.want)
		})
	}
}

// TestFlagsAnywhere: flags work before the command, between the command
// and its arguments, and after them.
func TestFlagsAnywhere(t *testing.T) {
	root := fakeRoot(t)
	for _, args := range [][]string{
		{"--dir", root, "hint", "fake"},
		{"hint", "--dir", root, "fake"},
		{"hint", "fake", "--dir", root},
		{"hint", "fake", "--dir=" + root},
		{"-dir", root, "hint", "--", "fake"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := run(t, args...)
			assert.Equal(t, ExitOK, code, stderr)
			assert.True(t, strings.HasPrefix(stdout, "fake (exercises/90_fake)"), stdout)
		})
	}
}

func TestSplitCommand(t *testing.T) {
	tests := []struct {
		args    []string
		command string
		rest    []string
		help    bool
	}{
		{nil, "grade", nil, false},
		{[]string{"fake"}, "grade", []string{"fake"}, false},
		{[]string{"--json", "run", "90"}, "run", []string{"--json", "90"}, false},
		{[]string{"--dir", "run", "list"}, "list", []string{"--dir", "run"}, false}, // "run" is --dir's value
		{[]string{"--json=true", "list"}, "list", []string{"--json=true"}, false},
		{[]string{"fake", "run"}, "grade", []string{"fake", "run"}, false},
		{[]string{"-h"}, "grade", nil, true},
		{[]string{"help"}, "grade", nil, true},
		{[]string{"help", "mutate"}, "mutate", []string{"-h"}, false},
		{[]string{"--help", "verify"}, "verify", []string{"--help"}, false},
		{[]string{"verify", "-h"}, "verify", []string{"-h"}, false},
		{[]string{"--", "run"}, "grade", []string{"--", "run"}, false},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			cmd, rest, help := splitCommand(tt.args)
			assert.Equal(t, tt.command, cmd.name)
			assert.Equal(t, tt.help, help)
			if !help {
				assert.Equal(t, tt.rest, rest)
			}
		})
	}
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestHelp: the grader's help and every command's help go to stdout, exit 0,
// and match their golden files (go test ./grader/internal/cli -update).
func TestHelp(t *testing.T) {
	cases := map[string][][]string{"grader": {{"-h"}, {"--help"}, {"-help"}, {"help"}}}
	for _, c := range commands() {
		cases[c.name] = [][]string{{c.name, "-h"}, {c.name, "--help"}, {"help", c.name}, {"-h", c.name}}
	}
	for name, invocations := range cases {
		t.Run(name, func(t *testing.T) {
			golden := filepath.Join("testdata", "help", name+".golden")
			for _, args := range invocations {
				code, stdout, stderr := run(t, args...)
				assert.Equal(t, ExitOK, code, args)
				assert.Empty(t, stderr, args)
				if *update {
					require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
					require.NoError(t, os.WriteFile(golden, []byte(stdout), 0o644))
				}
				want, err := os.ReadFile(golden)
				require.NoError(t, err)
				assert.Equal(t, string(want), stdout, "%v (go test ./grader/internal/cli -update rewrites the golden files)", args)
			}
		})
	}
}

func TestExitStatus(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		code int
		line string
	}{
		{"ok", context.Background(), nil, ExitOK, ""},
		{"usage", context.Background(), usageErrorf("unknown exercise %q", "x"), ExitUsage, "grader: unknown exercise \"x\"\n"},
		{"below min score", context.Background(), &shortfallError{"score 3 is below --min-score 5"}, ExitScore, "grader: score 3 is below --min-score 5\n"},
		{"a failed self-check says nothing more", context.Background(), &shortfallError{}, ExitScore, ""},
		{"internal, on one line", context.Background(), errors.Join(errors.New("build binaries: go: not found"), errors.New("second")), ExitInternal, "grader: build binaries: go: not found; second\n"},
		{"interrupted", ctx, errors.Join(context.Canceled, errors.New("exercise fake: context canceled")), ExitInterrupted, "grader: interrupted\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			a := &App{Stdout: io.Discard, Stderr: &stderr}
			assert.Equal(t, tt.code, a.exit(tt.ctx, tt.err))
			assert.Equal(t, tt.line, stderr.String())
		})
	}
}

func TestUnknownExerciseSuggests(t *testing.T) {
	root := fakeRoot(t)
	code, stdout, stderr := run(t, "hint", "--dir", root, "othr")
	assert.Equal(t, ExitUsage, code)
	assertOneLineError(t, stdout, stderr, `unknown exercise "othr": did you mean other?`)
}

func TestHint(t *testing.T) {
	root := fakeRoot(t)
	kit, err := OpenKit(root, fakeCourse(t))
	require.NoError(t, err)
	ex, ok := kit.Catalog.Lookup("fake")
	require.True(t, ok)
	require.NotEmpty(t, strings.TrimSpace(ex.Hint))
	want := "fake (exercises/90_fake)\n\n" + strings.Join(report.Wrap(ex.Hint, 80), "\n") + "\n\nThe exercise's README: exercises/90_fake/README.md\n"
	for _, name := range []string{"fake", "90_fake", "90", "exercises/90_fake"} {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := run(t, "hint", "--dir", root, name)
			assert.Equal(t, ExitOK, code)
			assert.Empty(t, stderr)
			assert.Equal(t, want, stdout)
		})
	}
}

// The kit is found from a relative --dir too, and --dir defaults to ".".
func TestHintRelativeDir(t *testing.T) {
	root := fakeRoot(t)
	wd, err := os.Getwd()
	require.NoError(t, err)
	rel, err := filepath.Rel(wd, root)
	require.NoError(t, err)
	code, stdout, _ := run(t, "hint", "--dir", rel, "fake")
	assert.Equal(t, ExitOK, code)
	assert.Contains(t, stdout, "fake (exercises/90_fake)")

	t.Chdir(root)
	code, stdout, _ = run(t, "hint", "other")
	assert.Equal(t, ExitOK, code)
	assert.Contains(t, stdout, "other (exercises/91_other)")
}

func TestParseCPUs(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		err  bool
	}{
		{"", nil, true},
		{"1", []int{1}, false},
		{"1,2,4", []int{1, 2, 4}, false},
		{" 2 , 8 ", []int{2, 8}, false},
		{"0", nil, true},
		{"1,x", nil, true},
		{"1,", nil, true},
		{"1.5", nil, true},
	}
	for _, tt := range tests {
		got, err := parseCPUs(tt.in)
		if tt.err {
			assert.Error(t, err, tt.in)
			continue
		}
		assert.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}

func TestUseColor(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	terminal, pipe := &App{IsTerminal: true}, &App{}
	assert.True(t, terminal.useColor("auto"))
	assert.False(t, pipe.useColor("auto"))
	assert.True(t, pipe.useColor("always"))
	assert.False(t, terminal.useColor("never"))
	t.Setenv("NO_COLOR", "1")
	assert.False(t, terminal.useColor("auto"))
	assert.True(t, terminal.useColor("always"))
}

func TestOpenKitAndSelect(t *testing.T) {
	root := fakeRoot(t)
	course := fakeCourse(t)
	kit, err := OpenKit(root, course)
	require.NoError(t, err)
	assert.Equal(t, root, kit.Root)
	assert.Equal(t, course.Catalog, kit.Catalog)
	assert.Equal(t, course.Stubs, kit.Stubs)

	all, err := kit.Select(nil)
	require.NoError(t, err)
	assert.Equal(t, kit.Catalog.Exercises, all)

	// Selected exercises come in catalog order, once each.
	got, err := kit.Select([]string{"91", "fake", "90_fake"})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "fake", got[0].Name)
	assert.Equal(t, "other", got[1].Name)

	// With no course given, the kit is graded by the one compiled into the
	// grader, whatever the checkout holds.
	compiled, err := compiledCourse()
	require.NoError(t, err)
	want, wantErr := OpenKit(root, compiled)
	kit, err = OpenKit(root, nil)
	assert.Equal(t, wantErr, err)
	assert.Equal(t, want, kit)
}

// TestMain lets the test binary serve as the sandbox's setup program, as
// the grader's own main does.
func TestMain(m *testing.M) {
	sandbox.MainIfRequested()
	os.Exit(m.Run())
}

func TestProgressPlainLines(t *testing.T) {
	var b bytes.Buffer
	a := &App{Stderr: &b}
	v := a.newProgress(false)
	v.start = v.start.Add(-2 * time.Second) // as if the build had been slow
	v.update(grade.Progress{Stage: "build", Total: 3})
	require.Eventually(t, func() bool {
		v.mu.Lock()
		defer v.mu.Unlock()
		return strings.Contains(b.String(), "building the test binaries of 3 exercises")
	}, 5*time.Second, 10*time.Millisecond)
	v.update(grade.Progress{Stage: "run", Total: 3})
	v.update(grade.Progress{Stage: "run", Done: 1, Total: 3})
	v.stop()
	assert.Equal(t, "grader: building the test binaries of 3 exercises; the first build also compiles the race-enabled standard library, once (about a minute)\ngrader: running the tests of 3 exercises\n", b.String())
	assert.Nil(t, a.newProgress(true), "quiet")
}

func TestProgressLine(t *testing.T) {
	v := &progressView{width: 60, start: time.Now()}
	v.last = grade.Progress{Stage: "run", Done: 2, Total: 20}
	assert.Equal(t, "⠋ running the tests: 2 of 20 exercises graded 0s", v.line(0))
	v.last = grade.Progress{Stage: "build", Total: 1}
	line := v.line(1)
	assert.True(t, strings.HasPrefix(line, "⠙ building 1 exercise (a first build"), line)
	assert.LessOrEqual(t, len([]rune(line)), 59, "fits the terminal")
}

func TestReset(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	root := fakeRoot(t)
	course := fakeCourse(t)
	student := filepath.Join(root, filepath.FromSlash(fakekit.FakeFile))
	require.NoError(t, os.WriteFile(student, []byte("package fake // my work\n"), 0o644))

	// Asked, and not answered yes: nothing changes.
	var out, errOut bytes.Buffer
	a := &App{Stdin: strings.NewReader("n\n"), Stdout: &out, Stderr: &errOut, Course: course}
	assert.Equal(t, ExitUsage, a.Run(context.Background(), []string{"reset", "--dir", root, "90"}))
	assert.Contains(t, out.String(), "Put back the kit's stub of exercises/90_fake?")
	assert.Contains(t, errOut.String(), "reset cancelled; nothing changed")
	data, _ := os.ReadFile(student)
	assert.Equal(t, "package fake // my work\n", string(data))

	// Answered yes: the stub is back, the student's version kept.
	out.Reset()
	a = &App{Stdin: strings.NewReader("y\n"), Stdout: &out, Stderr: &errOut, Course: course}
	assert.Equal(t, ExitOK, a.Run(context.Background(), []string{"reset", "--dir", root, "fake"}))
	data, _ = os.ReadFile(student)
	require.NotEmpty(t, course.Stubs[fakekit.FakeFile])
	assert.Equal(t, course.Stubs[fakekit.FakeFile], string(data))
	_, kept, ok := strings.Cut(strings.TrimSpace(out.String()), "Your version is in ")
	require.True(t, ok, out.String())
	backup, err := os.ReadFile(filepath.Join(kept, "fake.go"))
	require.NoError(t, err)
	assert.Equal(t, "package fake // my work\n", string(backup))

	// --yes does not ask.
	require.NoError(t, os.WriteFile(student, []byte("package fake\n"), 0o644))
	code, stdout, _ := run(t, "reset", "--yes", "--dir", root, "fake")
	assert.Equal(t, ExitOK, code)
	assert.NotContains(t, stdout, "[y/N]")
}

// TestChinese: with a Chinese locale, or --lang zh, the grader's own text is
// Chinese (the hint, list, usage errors); --lang en forces English.
func TestChinese(t *testing.T) {
	root := fakeRoot(t)
	runEnv := func(env map[string]string, args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		app := &App{Stdout: &out, Stderr: &errOut, Course: fakeCourse(t), Getenv: func(k string) string { return env[k] }}
		code := app.Run(context.Background(), args)
		return code, out.String(), errOut.String()
	}
	zh := map[string]string{"LANG": "zh_CN.UTF-8"}
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"hint in Chinese", zh, []string{"hint", "--dir", root, "fake"}, ExitOK,
			"fake (exercises/90_fake)\n\n返回 42。\n\n练习说明：exercises/90_fake/README.zh-CN.md\n", ""},
		{"--lang zh without a Chinese locale", nil, []string{"hint", "--lang", "zh", "--dir", root, "fake"}, ExitOK,
			"fake (exercises/90_fake)\n\n返回 42。\n\n练习说明：exercises/90_fake/README.zh-CN.md\n", ""},
		{"--lang en in a Chinese locale", zh, []string{"hint", "--lang", "en", "--dir", root, "fake"}, ExitOK,
			"fake (exercises/90_fake)\n\nReturn 42.\n\nThe exercise's README: exercises/90_fake/README.md\n", ""},
		{"a usage error in Chinese", zh, []string{"hint", "--dir", root, "fak"}, ExitUsage,
			"", "grader: 没有练习 \"fak\"：你是想说 fake 吗？\n"},
		{"a folder that is not a kit, in Chinese", zh, []string{"list", "--dir", t.TempDir()}, ExitUsage,
			"", "不是并发课程包（那里没有模块"},
		{"--lang takes only en or zh", nil, []string{"hint", "--lang", "fr", "fake"}, ExitUsage,
			"", `invalid value "fr" for flag -lang: must be one of en, zh`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runEnv(tt.env, tt.args...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Equal(t, tt.stdout, stdout)
			if tt.stderr == "" {
				assert.Empty(t, stderr)
			} else {
				assert.Contains(t, stderr, tt.stderr)
			}
		})
	}
}

// TestMachineOutputsDoNotChangeWithTheLanguage: the JSON document and the
// JUnit file of a grade are the same in Chinese as in English (apart from
// how long each test took), while the text view is Chinese.
func TestMachineOutputsDoNotChangeWithTheLanguage(t *testing.T) {
	root := fakekit.Checkout(t, fakekit.FS(t), map[string]string{fakekit.OtherFile: "other_correct.go"})
	durations := regexp.MustCompile(`"duration_ms": \d+|time="[0-9.]+"|\(\d+\.\d+s\)`)
	grade := func(env map[string]string, args ...string) (string, string) {
		var out, errOut bytes.Buffer
		junit := filepath.Join(t.TempDir(), "junit.xml")
		app := &App{Stdout: &out, Stderr: &errOut, Course: fakeCourse(t), Getenv: func(k string) string { return env[k] }}
		code := app.Run(context.Background(), append([]string{"--dir", root, "--no-cache", "--junit", junit}, args...))
		require.Equal(t, ExitOK, code, errOut.String())
		data, err := os.ReadFile(junit)
		require.NoError(t, err)
		return durations.ReplaceAllString(out.String(), ""), durations.ReplaceAllString(string(data), "")
	}
	zh := map[string]string{"LANG": "zh_CN.UTF-8"}
	enJSON, enJUnit := grade(nil, "--json")
	zhJSON, zhJUnit := grade(zh, "--json")
	assert.Equal(t, enJSON, zhJSON)
	assert.Equal(t, enJUnit, zhJUnit)
	text, _ := grade(zh)
	assert.Contains(t, text, "总分：10 / 20")
}
