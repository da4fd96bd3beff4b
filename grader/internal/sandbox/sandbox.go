// Package sandbox contains the test processes of a grade, where the system
// allows it (Linux, as root or with unprivileged user namespaces).
//
// A contained test process runs in new user, mount, PID and network
// namespaces:
//   - it sees a root folder made only of the system's program folders
//     (/usr, and /bin, /lib, ... as the system lays them out), a private
//     /dev with null, zero, random and urandom, its own /proc, an empty
//     writable /tmp, and, read-only, the paths the grader names: the test
//     binary and the exercise folder. The graded folder, the solutions,
//     other students' folders, the grader's files and the user's home are
//     not there, and nothing outside /tmp is writable;
//   - it has no network: its network namespace has only a loopback device,
//     which is down;
//   - it is process 1 of its PID namespace, so when it ends, or is killed,
//     the kernel kills every process it started, whatever process group or
//     session they moved to;
//   - it has no capabilities, and cannot gain any.
//
// The grader re-executes itself (os.Executable) to set this up: a program
// that uses the package calls MainIfRequested first thing in main (and in
// TestMain), which takes over when the process was started as a sandbox.
package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// initArg is the first argument of a re-executed grader that sets up a
// sandbox; it is not a word a user would type.
const initArg = "__kit-sandbox-init"

// Policy says what a contained process may see.
type Policy struct {
	// Mount is an empty folder the sandbox's root is built on (it is only
	// a mount point: its contents on disk are never changed). Command
	// sets it.
	Mount string `json:"mount"`
	// ReadOnly are the absolute paths, files or folders, the process sees
	// read-only at the same place (the test binary, the exercise folder).
	ReadOnly []string `json:"read_only"`
	// Dir is the working folder inside the sandbox.
	Dir string `json:"dir"`
	// Probe makes the sandbox set itself up and exit 0 instead of running
	// a program.
	Probe bool `json:"probe,omitempty"`
}

// Sandbox starts contained processes. A nil *Sandbox runs them uncontained.
type Sandbox struct {
	self     string // the executable to re-execute
	mount    string // the empty folder every sandbox's root is built on
	userNS   bool   // a user namespace is part of the setup
	disabled string // why processes run uncontained, "" when they are contained
}

// New finds out whether processes can be contained here, by starting one
// contained process that sets itself up and exits. It fails only when it
// cannot make its mount point; where the system does not allow a sandbox,
// the Sandbox runs processes uncontained and Reason says why. Close
// removes the mount point.
func New() (*Sandbox, error) {
	mount, err := os.MkdirTemp("", "kit-sandbox-")
	if err != nil {
		return nil, fmt.Errorf("make the sandbox's mount point: %w", err)
	}
	if !supported {
		return &Sandbox{mount: mount, disabled: "the sandbox needs Linux"}, nil
	}
	self, err := os.Executable()
	if err != nil {
		return &Sandbox{mount: mount, disabled: "cannot find the grader's own executable: " + err.Error()}, nil
	}
	var tried []string
	for _, userNS := range []bool{true, false} {
		if !userNS && os.Geteuid() != 0 {
			break
		}
		s := &Sandbox{self: self, mount: mount, userNS: userNS}
		err := s.probe()
		if err == nil {
			return s, nil
		}
		tried = append(tried, err.Error())
	}
	return &Sandbox{mount: mount, disabled: "this system does not let the grader make namespaces (" + strings.Join(tried, "; ") + ")"}, nil
}

// probeTimeout bounds the probe: a sandbox that cannot be set up in this
// time is not one to rely on.
const probeTimeout = 10 * time.Second

// probeAnswer is what a probe prints once its sandbox is set up; an
// executable that does not call MainIfRequested does not print it. (A test
// binary that grades must call MainIfRequested in its TestMain.)
const probeAnswer = "kit-sandbox-ready"

// probe sets up one sandbox and checks that it worked.
func (s *Sandbox) probe() error {
	cmd, err := s.Command(Policy{Dir: "/", Probe: true}, "/", nil)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	probe := exec.CommandContext(ctx, cmd.Path, cmd.Args[1:]...)
	probe.SysProcAttr = cmd.SysProcAttr
	out, err := probe.CombinedOutput()
	switch {
	case err != nil:
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(string(out)))
	case strings.TrimSpace(string(out)) != probeAnswer:
		return fmt.Errorf("the sandbox's setup program did not answer (%q)", firstLine(string(out)))
	}
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// Disabled returns a Sandbox that runs processes uncontained, with reason.
func Disabled(reason string) *Sandbox { return &Sandbox{disabled: reason} }

// Close removes the sandbox's mount point.
func (s *Sandbox) Close() error {
	if s == nil || s.mount == "" {
		return nil
	}
	return os.Remove(s.mount)
}

// Enabled reports whether processes are contained.
func (s *Sandbox) Enabled() bool { return s != nil && s.disabled == "" }

// Reason says why processes are not contained ("" when they are).
func (s *Sandbox) Reason() string {
	if s == nil {
		return "no sandbox was asked for"
	}
	return s.disabled
}

// MainIfRequested takes over the process when it was started by Command as
// the inside of a sandbox: it sets the sandbox up and runs the program in
// it, and never returns. Otherwise it returns at once.
func MainIfRequested() {
	if len(os.Args) < 3 || os.Args[1] != initArg {
		return
	}
	var p Policy
	if err := json.Unmarshal([]byte(os.Args[2]), &p); err != nil {
		fail(fmt.Errorf("read policy: %w", err))
	}
	if err := setUp(p); err != nil {
		fail(err)
	}
	if p.Probe {
		fmt.Println(probeAnswer)
		os.Exit(0)
	}
	if len(os.Args) < 4 {
		fail(errors.New("no program to run"))
	}
	program := os.Args[3]
	err := syscall.Exec(program, append([]string{program}, os.Args[4:]...), os.Environ())
	fail(fmt.Errorf("run %s: %w", program, err))
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "grader sandbox: %v\n", err)
	os.Exit(125)
}
