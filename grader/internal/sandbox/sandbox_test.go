package sandbox

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	MainIfRequested()
	os.Exit(m.Run())
}

// contained returns a working sandbox, or skips where the system has none
// (the grader then runs tests unsandboxed, which the grade's tests cover).
func contained(t *testing.T) *Sandbox {
	t.Helper()
	s, err := New()
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	if !s.Enabled() {
		t.Skipf("no sandbox on this system: %s", s.Reason())
	}
	return s
}

// shell runs script with /bin/sh in the sandbox, with dir visible
// read-only as the working folder, and returns its output and exit code.
func shell(t *testing.T, s *Sandbox, dir, script string) (string, int) {
	t.Helper()
	cmd, err := s.Command(Policy{ReadOnly: []string{dir}, Dir: dir}, "/bin/sh", []string{"-c", script})
	require.NoError(t, err)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	code := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		code = exitErr.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return out.String(), code
}

func TestSandboxSeesOnlyWhatItIsGiven(t *testing.T) {
	s := contained(t)
	visible := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(visible, "tests.txt"), []byte("visible"), 0o644))
	hidden := t.TempDir()
	secret := filepath.Join(hidden, "solution.go")
	require.NoError(t, os.WriteFile(secret, []byte("the answer"), 0o644))
	home, _ := os.UserHomeDir()

	tests := []struct {
		name, script string
		wantCode     int
		wantOutput   string
	}{
		{"reads the folder it was given", "cat tests.txt", 0, "visible"},
		{"works in that folder", "pwd", 0, visible},
		{"cannot read a folder it was not given", "cat " + secret, 1, "No such file"},
		{"cannot list the home folder", "ls " + home, 2, "No such file"},
		{"cannot write to its own folder", "echo x > tests.txt", 2, "Read-only file system"},
		{"cannot write outside /tmp", "echo x > /usr/kit-sandbox-test", 2, "Read-only file system"},
		{"can write to /tmp", "echo hi > /tmp/x && cat /tmp/x", 0, "hi"},
		{"is process 1 of its own PID namespace", "echo $$", 0, "1"},
		{"has no capabilities", "grep CapEff /proc/self/status", 0, "0000000000000000"},
		{"has no network device but a loopback", "cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '", 0, "lo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, code := shell(t, s, visible, tt.script)
			assert.Equal(t, tt.wantCode, code, out)
			assert.Contains(t, out, tt.wantOutput)
		})
	}
	data, err := os.ReadFile(filepath.Join(visible, "tests.txt"))
	require.NoError(t, err)
	assert.Equal(t, "visible", string(data), "the sandbox changed nothing on disk")
}

func TestSandboxCannotReachTheNetwork(t *testing.T) {
	s := contained(t)
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer listener.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		if conn, err := listener.Accept(); err == nil {
			conn.Close()
			accepted <- struct{}{}
		}
	}()
	port := listener.Addr().(*net.TCPAddr).Port
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash for /dev/tcp")
	}
	cmd, err := s.Command(Policy{ReadOnly: []string{t.TempDir()}, Dir: "/"}, "/bin/bash",
		[]string{"-c", "echo hello > /dev/tcp/127.0.0.1/" + strconv.Itoa(port)})
	require.NoError(t, err)
	out, err := cmd.CombinedOutput()
	assert.Error(t, err, "the connection must fail: %s", out)
	select {
	case <-accepted:
		t.Fatal("a process in the sandbox reached a port on the host")
	case <-time.After(100 * time.Millisecond):
	}
}

// TestSandboxKillsEverythingItStarted: a process that leaves its process
// group and session does not outlive the sandbox's first process.
func TestSandboxKillsEverythingItStarted(t *testing.T) {
	s := contained(t)
	marker := "1234.5678" // a sleep no other test uses
	out, code := shell(t, s, t.TempDir(), "setsid sleep "+marker+" > /dev/null 2>&1 & sleep 0.2; exit 0")
	require.Equal(t, 0, code, out)
	deadline := time.Now().Add(5 * time.Second)
	for sleepsWith(marker) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond) // the kernel reaps the namespace's processes
	}
	assert.False(t, sleepsWith(marker), "a process the sandbox started outlived it")
}

// sleepsWith reports whether a process runs "sleep marker".
func sleepsWith(marker string) bool {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(data), "sleep\x00"+marker) {
			return true
		}
	}
	return false
}

func TestTreeMemory(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	own, err := TreeMemory(os.Getpid())
	require.NoError(t, err)
	assert.Greater(t, own, int64(1<<20), "a Go test process uses more than 1 MiB")

	// A child that holds 200 MB counts towards its parent's tree.
	cmd := exec.Command("/bin/sh", "-c", `x=$(head -c 200000000 /dev/zero | tr '\0' a); sleep 5`)
	require.NoError(t, cmd.Start())
	defer cmd.Process.Kill()
	deadline := time.Now().Add(10 * time.Second)
	var tree int64
	for time.Now().Before(deadline) {
		tree, err = TreeMemory(os.Getpid())
		require.NoError(t, err)
		if tree > own+150_000_000 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	assert.Greater(t, tree, own+150_000_000)

	_, err = TreeMemory(1 << 30)
	assert.Error(t, err, "no such process")
}

func TestParseAvailable(t *testing.T) {
	got, err := parseAvailable([]byte("MemTotal:       24576000 kB\nMemFree:        20000000 kB\nMemAvailable:   23000000 kB\n"))
	require.NoError(t, err)
	assert.Equal(t, int64(23000000)<<10, got)
	_, err = parseAvailable([]byte("MemTotal:       24576000 kB\n"))
	assert.Error(t, err)
	if runtime.GOOS == "linux" {
		available, err := AvailableMemory()
		require.NoError(t, err)
		assert.Positive(t, available)
	}
}
