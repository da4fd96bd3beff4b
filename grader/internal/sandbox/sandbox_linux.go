//go:build linux

package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"unsafe"
)

// supported: this system can make the namespaces a sandbox needs (if its
// configuration allows; New finds out).
const supported = true

// Command returns a command that runs program with args inside the
// sandbox, or directly when the sandbox is disabled. The caller sets its
// environment, files and output as for any command, and starts it.
func (s *Sandbox) Command(p Policy, program string, args []string) (*exec.Cmd, error) {
	if !s.Enabled() && !p.Probe {
		cmd := exec.Command(program, args...)
		cmd.Dir = p.Dir
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		return cmd, nil
	}
	p.Mount = s.mount
	policy, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("sandbox policy: %w", err)
	}
	cmd := exec.Command(s.self, append([]string{initArg, string(policy), program}, args...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWNET | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS,
		Setpgid:    true,
		Pdeathsig:  syscall.SIGKILL,
	}
	if s.userNS {
		cmd.SysProcAttr.Cloneflags |= syscall.CLONE_NEWUSER
		cmd.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
		cmd.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
		cmd.SysProcAttr.GidMappingsEnableSetgroups = false
	}
	return cmd, nil
}

// setUp builds the sandbox's root on p.Mount, moves into it and drops every
// capability. It runs as process 1 of the new namespaces.
func setUp(p Policy) error {
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	root := p.Mount
	if err := syscall.Mount("tmpfs", root, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size=16m,mode=755"); err != nil {
		return fmt.Errorf("mount the sandbox's root: %w", err)
	}
	for _, dir := range []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"} {
		if err := mirror(root, dir); err != nil {
			return err
		}
	}
	if err := makeDev(root); err != nil {
		return err
	}
	if err := mountAt(root, "/proc", "proc", "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		return err
	}
	if err := mountAt(root, "/tmp", "tmpfs", "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size=64m,mode=1777"); err != nil {
		return err
	}
	for _, path := range p.ReadOnly {
		if err := bindReadOnly(root, path); err != nil {
			return err
		}
	}
	if err := enterRoot(root); err != nil {
		return err
	}
	if err := os.Chdir(p.Dir); err != nil {
		return fmt.Errorf("enter %s: %w", p.Dir, err)
	}
	os.Setenv("TMPDIR", "/tmp")
	os.Setenv("HOME", "/tmp")
	return dropCapabilities()
}

// mirror makes the system folder dir appear in root as it is on the host:
// a symbolic link stays a link (merged /usr layouts), a folder is bound
// read-only, and a path the host lacks is left out.
func mirror(root, dir string) error {
	info, err := os.Lstat(dir)
	switch {
	case err != nil:
		return nil
	case info.Mode()&os.ModeSymlink != 0:
		target, err := os.Readlink(dir)
		if err != nil {
			return fmt.Errorf("read link %s: %w", dir, err)
		}
		return os.Symlink(target, filepath.Join(root, dir))
	default:
		return bindReadOnly(root, dir)
	}
}

// makeDev gives the sandbox a /dev with only the harmless devices.
func makeDev(root string) error {
	if err := mountAt(root, "/dev", "tmpfs", "tmpfs", syscall.MS_NOSUID|syscall.MS_NOEXEC, "size=64k,mode=755"); err != nil {
		return err
	}
	for _, dev := range []string{"/dev/null", "/dev/zero", "/dev/random", "/dev/urandom"} {
		if err := bind(root, dev, 0); err != nil {
			return err
		}
	}
	return nil
}

// mountAt mounts a file system at root+target, making the folder first.
func mountAt(root, target, source, fstype string, flags uintptr, data string) error {
	at := filepath.Join(root, target)
	if err := os.MkdirAll(at, 0o755); err != nil {
		return fmt.Errorf("make %s: %w", target, err)
	}
	if err := syscall.Mount(source, at, fstype, flags, data); err != nil {
		return fmt.Errorf("mount %s on %s: %w", fstype, target, err)
	}
	return nil
}

// bindReadOnly makes path visible read-only at the same place under root.
func bindReadOnly(root, path string) error {
	return bind(root, path, syscall.MS_RDONLY|syscall.MS_NOSUID|syscall.MS_NODEV)
}

// bind makes path (a file or a folder) visible under root at the same
// place; with extra flags, the binding is remounted with them.
func bind(root, path string, extra uintptr) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("sandbox path %s: %w", path, err)
	}
	at := filepath.Join(root, path)
	if info.IsDir() {
		err = os.MkdirAll(at, 0o755)
	} else if err = os.MkdirAll(filepath.Dir(at), 0o755); err == nil {
		var f *os.File
		if f, err = os.OpenFile(at, os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			err = f.Close()
		}
	}
	if err != nil {
		return fmt.Errorf("make the mount point for %s: %w", path, err)
	}
	if err := syscall.Mount(path, at, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
		return fmt.Errorf("bind %s: %w", path, err)
	}
	if extra == 0 {
		return nil
	}
	// A remount must keep the flags the kernel locked on the original
	// mount (nodev, noexec, ...), or a user namespace refuses it.
	var st syscall.Statfs_t
	if err := syscall.Statfs(at, &st); err != nil {
		return fmt.Errorf("read the mount flags of %s: %w", path, err)
	}
	locked := uintptr(st.Flags) & (syscall.MS_NOSUID | syscall.MS_NODEV | syscall.MS_NOEXEC | syscall.MS_NOATIME | syscall.MS_NODIRATIME | syscall.MS_RELATIME)
	if err := syscall.Mount("", at, "", syscall.MS_BIND|syscall.MS_REMOUNT|extra|locked, ""); err != nil {
		return fmt.Errorf("make %s read-only: %w", path, err)
	}
	return nil
}

// enterRoot makes root the process's root folder and detaches the host's,
// then makes the root read-only.
func enterRoot(root string) error {
	old := filepath.Join(root, ".old-root")
	if err := os.Mkdir(old, 0o700); err != nil {
		return fmt.Errorf("make the old root's mount point: %w", err)
	}
	if err := syscall.PivotRoot(root, old); err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	if err := os.Chdir("/"); err != nil {
		return err
	}
	if err := syscall.Unmount("/.old-root", syscall.MNT_DETACH); err != nil {
		return fmt.Errorf("detach the host's root: %w", err)
	}
	if err := os.Remove("/.old-root"); err != nil {
		return fmt.Errorf("remove the old root's mount point: %w", err)
	}
	if err := syscall.Mount("", "/", "", syscall.MS_REMOUNT|syscall.MS_RDONLY|syscall.MS_NOSUID|syscall.MS_NODEV, ""); err != nil {
		return fmt.Errorf("make the root read-only: %w", err)
	}
	return nil
}

// Constants of prctl(2) and capability(7) that package syscall lacks.
const (
	prSetNoNewPrivs     = 38
	prCapbsetDrop       = 24
	prSetSecurebits     = 28
	lastCapability      = 63
	secbitNoroot        = 1 << 0
	secbitNorootLocked  = 1 << 1
	secbitNoSetuidFixup = 1 << 2
	secbitNoSetuidLock  = 1 << 3
	secbitKeepCapsLock  = 1 << 5
	capabilityVersion3  = 0x20080522
)

// dropCapabilities leaves the process, and every program it runs, without
// capabilities: the bounding set is emptied, root gains nothing on exec
// (securebits, locked), no new privileges can be gained (no setuid), and
// the current sets are cleared.
func dropCapabilities() error {
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0); errno != 0 {
		return fmt.Errorf("prctl(NO_NEW_PRIVS): %w", errno)
	}
	for c := 0; c <= lastCapability; c++ {
		if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prCapbsetDrop, uintptr(c), 0); errno != 0 && errno != syscall.EINVAL {
			return fmt.Errorf("prctl(CAPBSET_DROP, %d): %w", c, errno)
		}
	}
	bits := secbitNoroot | secbitNorootLocked | secbitNoSetuidFixup | secbitNoSetuidLock | secbitKeepCapsLock
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetSecurebits, uintptr(bits), 0); errno != 0 {
		return fmt.Errorf("prctl(SET_SECUREBITS): %w", errno)
	}
	header := struct{ version, pid uint32 }{capabilityVersion3, 0}
	var data [2]struct{ effective, permitted, inheritable uint32 }
	if _, _, errno := syscall.RawSyscall(syscall.SYS_CAPSET, uintptr(unsafe.Pointer(&header)), uintptr(unsafe.Pointer(&data)), 0); errno != 0 {
		return fmt.Errorf("capset: %w", errno)
	}
	return nil
}
