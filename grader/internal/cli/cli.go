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
	"strings"
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
}

// Run executes the command line args (without the program name) and returns
// the exit status. Whatever goes wrong is said in one line on stderr.
func (a *App) Run(ctx context.Context, args []string) int {
	cmd, rest, help := splitCommand(args)
	if help {
		io.WriteString(a.Stdout, topUsage())
		return ExitOK
	}
	o := newOptions()
	fs := cmd.flagSet(o)
	positional, err := parseInterleaved(fs, rest)
	switch {
	case errors.Is(err, errHelp):
		io.WriteString(a.Stdout, cmd.usage(fs))
		return ExitOK
	case err != nil:
		return a.exit(ctx, usageErrorf("%v (see grader %s -h)", err, cmd.name))
	}
	if err := cmd.checkArgs(positional); err != nil {
		return a.exit(ctx, err)
	}
	return a.exit(ctx, cmd.run(ctx, a, o, positional))
}

// usageError is a mistake in the command line or its arguments.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
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
		fmt.Fprintln(a.Stderr, "grader: interrupted")
		return ExitInterrupted
	case errors.As(err, &shortfall):
		if shortfall.msg != "" {
			fmt.Fprintf(a.Stderr, "grader: %s\n", shortfall.msg)
		}
		return ExitScore
	case errors.As(err, &usage):
		fmt.Fprintf(a.Stderr, "grader: %s\n", oneLine(err.Error()))
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
