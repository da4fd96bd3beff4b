// Package cli is the grader's command line. Each subcommand (grade, run,
// list, hint, verify, mutate) is one entry of the command table, with the
// flags it takes and the function that runs it; a new subcommand is a new
// entry and touches no other. Flags may come before or after the
// subcommand and its arguments; a flag the subcommand does not take is an
// error; -h prints the subcommand's usage on stdout.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/concurrency-kit/kit/grader/internal/i18n"
)

// Exit statuses, documented in grader/README.md.
const (
	ExitOK          = 0   // the command did its job, whatever the score
	ExitScore       = 1   // the score is below --min-score, or a self-check found a defect
	ExitUsage       = 2   // bad usage: an unknown flag or exercise, a folder that is not a kit
	ExitInternal    = 3   // the grader itself failed (the go command, the file system)
	ExitInterrupted = 130 // interrupted (Ctrl-C, SIGTERM)
)

// App is one invocation of the grader.
type App struct {
	// Stdin is where watch reads keys (a terminal *os.File, or nil).
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// IsTerminal reports whether Stdout is a terminal (colour and width).
	IsTerminal bool
	// StderrTerminal reports whether Stderr is a terminal (progress line).
	StderrTerminal bool
	Width          int
	// Course is the course to grade by; nil is the one compiled into the
	// grader. The grader's tests set a fake one (package fakekit).
	Course *Course
	// Getenv reads the environment (os.Getenv when nil): the locale decides
	// the language of the grader's text, unless --lang does.
	Getenv func(string) string

	// tr writes the grader's text in the language chosen; Run sets it.
	tr i18n.Printer
}

// getenv reads the environment through a.Getenv.
func (a *App) getenv(name string) string {
	if a.Getenv != nil {
		return a.Getenv(name)
	}
	return os.Getenv(name)
}

// Run executes the command line args (without the program name) and returns
// the exit status. Whatever goes wrong is said in one line on stderr.
func (a *App) Run(ctx context.Context, args []string) int {
	cmd, rest, help := splitCommand(args)
	if help {
		io.WriteString(a.Stdout, topUsage())
		return ExitOK
	}
	a.tr = i18n.Printer{Lang: i18n.FromEnv(a.getenv)}
	o := newOptions()
	fs := cmd.flagSet(o)
	positional, err := parseInterleaved(fs, rest)
	if lang, ok := i18n.Parse(o.lang); ok {
		a.tr = i18n.Printer{Lang: lang}
	}
	switch {
	case errors.Is(err, errHelp):
		io.WriteString(a.Stdout, cmd.usage(fs))
		return ExitOK
	case err != nil:
		return a.exit(ctx, usageErrorf("%s (see grader %s -h)", err.Error(), cmd.name))
	}
	if err := cmd.checkArgs(positional); err != nil {
		return a.exit(ctx, err)
	}
	return a.exit(ctx, cmd.run(ctx, a, o, positional))
}

// usageError is a mistake in the command line or its arguments. When it
// was made by usageErrorf, its English format and arguments are kept, so
// that exit can say it in the student's language.
type usageError struct {
	err    error
	format string
	args   []any
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...), format: format, args: args}
}

// asUsage makes err a usage error, keeping the one it may already be.
func asUsage(err error) error {
	if u, ok := err.(*usageError); ok {
		return u
	}
	return &usageError{err: err}
}

// shortfallError says the command ran but its verdict is negative: the
// score is below --min-score, or a self-check found defects.
type shortfallError struct{ msg string }

func (e *shortfallError) Error() string { return e.msg }

// exit prints err in one line and returns its exit status.
func (a *App) exit(ctx context.Context, err error) int {
	var usage *usageError
	var shortfall *shortfallError
	switch {
	case err == nil:
		return ExitOK
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		fmt.Fprintln(a.Stderr, "grader: "+a.tr.Tr("interrupted"))
		return ExitInterrupted
	case errors.As(err, &shortfall):
		if shortfall.msg != "" {
			fmt.Fprintf(a.Stderr, "grader: %s\n", shortfall.msg)
		}
		return ExitScore
	case errors.As(err, &usage):
		msg := err.Error()
		if usage.format != "" {
			msg = a.tr.Trf(usage.format, usage.args...)
		}
		fmt.Fprintf(a.Stderr, "grader: %s\n", oneLine(msg))
		return ExitUsage
	default:
		fmt.Fprintf(a.Stderr, "grader: %s\n", oneLine(err.Error()))
		return ExitInternal
	}
}

// oneLine joins the lines of a message (errors.Join makes several).
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}
