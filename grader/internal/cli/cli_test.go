package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/internal/sandbox"
)

// kitRoot is the root of the kit these tests are part of: the nearest folder
// above the working directory with a go.mod.
func kitRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, dir, parent, "no go.mod above the working directory")
		dir = parent
	}
}

func run(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	app := &App{Stdout: &out, Stderr: &errOut}
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
		{"run", []string{"run", "--dir", empty, "goroutines"}, "is not a concurrency kit"},
		{"list", []string{"list", "--dir", empty}, "is not a concurrency kit"},
		{"hint", []string{"hint", "--dir", empty, "goroutines"}, "is not a concurrency kit"},
		{"verify", []string{"verify", "--dir", empty}, "is not a concurrency kit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(tt.args...)
			assert.Equal(t, ExitUsage, code)
			assertOneLineError(t, stdout, stderr, tt.want)
		})
	}
}

func TestUsageErrors(t *testing.T) {
	root := kitRoot(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown exercise", []string{"--dir", root, "nosuch"}, `unknown exercise "nosuch" (exercises: goroutines, `},
		{"unknown exercise among known ones", []string{"grade", "--dir", root, "goroutines", "99"}, `unknown exercise "99"`},
		{"run an unknown exercise", []string{"run", "--dir", root, "nosuch"}, "unknown exercise"},
		{"list an unknown exercise", []string{"list", "--dir", root, "nosuch"}, "unknown exercise"},
		{"verify an unknown exercise", []string{"verify", "--dir", root, "nosuch"}, "unknown exercise"},
		{"hint for an unknown exercise", []string{"hint", "--dir", root, "nosuch"}, "unknown exercise"},
		{"hint without a name", []string{"hint", "--dir", root}, "hint needs exactly one exercise name"},
		{"hint with two names", []string{"hint", "--dir", root, "goroutines", "race"}, "hint needs exactly one exercise name"},
		{"run without a name", []string{"run", "--dir", root}, "run needs exactly one exercise name"},
		{"run with two names", []string{"run", "--dir", root, "goroutines", "race"}, "run needs exactly one exercise name"},
		{"cpu not a number", []string{"--dir", root, "--cpu", "two"}, `--cpu: "two" is not a positive number`},
		{"cpu zero", []string{"--dir", root, "--cpu", "1,0"}, `--cpu: "0" is not a positive number`},
		{"cpu empty field", []string{"--dir", root, "--cpu", "1,,2"}, `--cpu: "" is not a positive number`},
		{"cpu negative", []string{"--dir", root, "--cpu", "-4"}, `--cpu: "-4" is not a positive number`},
		{"count zero", []string{"--dir", root, "--count", "0"}, "--count must be at least 1"},
		{"count negative", []string{"run", "--dir", root, "--count", "-1", "goroutines"}, "--count must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(tt.args...)
			assert.Equal(t, ExitUsage, code)
			assertOneLineError(t, stdout, stderr, tt.want)
		})
	}
}

func TestBadFlag(t *testing.T) {
	for _, args := range [][]string{{"--no-such-flag"}, {"run", "--count", "many"}, {"--jobs"}} {
		code, stdout, stderr := run(args...)
		assert.Equal(t, ExitUsage, code, args)
		assert.Empty(t, stdout, args)
		assert.Contains(t, stderr, "Usage: grader", args)
	}
}

func TestHint(t *testing.T) {
	root := kitRoot(t)
	kit, err := OpenKit(root)
	require.NoError(t, err)
	ex, ok := kit.Catalog.Lookup("goroutines")
	require.True(t, ok)
	require.NotEmpty(t, strings.TrimSpace(ex.Hint))
	want := "goroutines (exercises/01_goroutines)\n\n" + ex.Hint + "\n\nThe exercise's README: exercises/01_goroutines/README.md\n"
	for _, name := range []string{"goroutines", "01_goroutines", "01", "exercises/01_goroutines"} {
		t.Run(name, func(t *testing.T) {
			code, stdout, stderr := run("hint", "--dir", root, name)
			assert.Equal(t, ExitOK, code)
			assert.Empty(t, stderr)
			assert.Equal(t, want, stdout)
		})
	}
}

// The kit is found from a relative --dir too, and --dir defaults to ".".
func TestHintRelativeDir(t *testing.T) {
	root := kitRoot(t)
	wd, err := os.Getwd()
	require.NoError(t, err)
	rel, err := filepath.Rel(wd, root)
	require.NoError(t, err)
	code, stdout, _ := run("hint", "--dir", rel, "race")
	assert.Equal(t, ExitOK, code)
	assert.Contains(t, stdout, "race (exercises/06_race)")

	t.Chdir(root)
	code, stdout, _ = run("hint", "transfer")
	assert.Equal(t, ExitOK, code)
	assert.Contains(t, stdout, "transfer (exercises/12_transfer)")
}

func TestHelp(t *testing.T) {
	for _, arg := range []string{"help", "-h", "-help", "--help"} {
		t.Run(arg, func(t *testing.T) {
			code, stdout, stderr := run(arg)
			assert.Equal(t, ExitOK, code)
			assert.Empty(t, stderr)
			assert.True(t, strings.HasPrefix(stdout, "Usage: grader [flags] [EXERCISE...]"), stdout)
			for _, flag := range []string{"-dir", "-json", "-min-score", "-count", "-cpu", "-jobs", "-color"} {
				assert.Contains(t, stdout, flag)
			}
		})
	}
	// -h after a command prints the usage where flag errors go.
	code, stdout, stderr := run("hint", "-h")
	assert.Equal(t, ExitOK, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "Usage: grader")
}

func TestParseCPUs(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		err  bool
	}{
		{"", nil, false},
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
	root := kitRoot(t)
	kit, err := OpenKit(root)
	require.NoError(t, err)
	assert.Equal(t, root, kit.Root)

	all, err := kit.Select(nil)
	require.NoError(t, err)
	assert.Equal(t, kit.Catalog.Exercises, all)

	// Selected exercises come in catalog order, once each.
	got, err := kit.Select([]string{"12", "goroutines", "01_goroutines"})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "goroutines", got[0].Name)
	assert.Equal(t, "transfer", got[1].Name)
}

// TestMain lets the test binary serve as the sandbox's setup program, as
// the grader's own main does.
func TestMain(m *testing.M) {
	sandbox.MainIfRequested()
	os.Exit(m.Run())
}
