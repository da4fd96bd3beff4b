//go:build !linux

package sandbox

import (
	"errors"
	"os/exec"
	"syscall"
)

// supported: only Linux has the namespaces a sandbox needs.
const supported = false

// Command returns a command that runs program directly, in a process group
// of its own: there is no sandbox on this system.
func (s *Sandbox) Command(p Policy, program string, args []string) (*exec.Cmd, error) {
	cmd := exec.Command(program, args...)
	cmd.Dir = p.Dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd, nil
}

func setUp(Policy) error { return errors.New("the sandbox needs Linux") }
