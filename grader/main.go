// Command grader grades the exercises of the concurrency course kit.
//
// Run it from the kit's root: go run ./grader (or make grade). See
// grader/README.md for the commands, the causes of failure and the JSON
// result document.
package main

import (
	"context"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"unsafe"

	"github.com/concurrency-kit/kit/grader/internal/cli"
	"github.com/concurrency-kit/kit/grader/internal/sandbox"
)

func main() {
	// A grader re-executed to set up a test's sandbox does only that.
	sandbox.MainIfRequested()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	app := &cli.App{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, IsTerminal: isTerminal(os.Stdout), StderrTerminal: isTerminal(os.Stderr), Width: terminalWidth()}
	code := app.Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// terminalWidth is COLUMNS, or the width of the terminal on stdout, or 80.
func terminalWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	var size struct{ rows, cols, x, y uint16 }
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, os.Stdout.Fd(), syscall.TIOCGWINSZ, uintptr(unsafe.Pointer(&size)))
	if errno == 0 && size.cols > 0 {
		return int(size.cols)
	}
	return 80
}
