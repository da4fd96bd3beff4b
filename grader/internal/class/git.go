package class

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// git runs a read-only git command in a student's checkout. The checkout's
// own configuration is the student's, so nothing is asked of git that runs
// configured programs: no working-tree filters (cat-file reads raw blobs),
// no pager, no fsmonitor, no hooks; the system's and the user's
// configuration are not read.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	full := append([]string{"--no-pager", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null",
		"-c", "safe.directory=*", "-C", dir}, args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_TERMINAL_PROMPT=0",
		"GIT_OPTIONAL_LOCKS=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// isGitCheckout reports whether dir is the top of a git checkout.
func isGitCheckout(dir string) bool {
	info, err := os.Lstat(dir + "/.git")
	return err == nil && (info.IsDir() || info.Mode().IsRegular())
}

// headCommit is the commit a checkout has checked out.
func headCommit(ctx context.Context, dir string) (string, error) {
	out, err := git(ctx, dir, "rev-parse", "--verify", "HEAD^{commit}")
	return strings.TrimSpace(string(out)), err
}

// atDeadline finds the last commit of HEAD's history made (by committer
// date) at or before the deadline, and counts the commits made after it.
// commit is "" when every commit is later than the deadline.
func atDeadline(ctx context.Context, dir string, deadline time.Time) (commit string, late int, err error) {
	when := "--before=" + deadline.Format(time.RFC3339)
	out, err := git(ctx, dir, "rev-list", "-1", when, "HEAD")
	if err != nil {
		return "", 0, err
	}
	commit = strings.TrimSpace(string(out))
	out, err = git(ctx, dir, "rev-list", "--count", "--after="+deadline.Format(time.RFC3339), "HEAD")
	if err != nil {
		return "", 0, err
	}
	late, err = strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		return "", 0, fmt.Errorf("git rev-list --count printed %q", out)
	}
	return commit, late, nil
}

// filesAt reads the kit's files as they were at a commit: the regular
// files (not links, not submodules) that wanted lets through, as raw blobs.
func filesAt(ctx context.Context, dir, commit string) (unpacked, error) {
	out, err := git(ctx, dir, "ls-tree", "-r", "-z", "--full-tree", "-l", commit)
	if err != nil {
		return nil, err
	}
	u := unpacked{}
	var total int64
	for _, entry := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		// "<mode> SP <type> SP <object> SP+ <size> TAB <path>"
		meta, name, ok := strings.Cut(entry, "\t")
		fields := strings.Fields(meta)
		if !ok || len(fields) != 4 || fields[1] != "blob" || (fields[0] != "100644" && fields[0] != "100755") || !wanted(name) {
			continue
		}
		size, _ := strconv.ParseInt(fields[3], 10, 64)
		var data []byte
		if size <= maxArchiveBytes {
			if data, err = git(ctx, dir, "cat-file", "blob", fields[2]); err != nil {
				return nil, err
			}
		}
		if err := u.add(name, size, bytes.NewReader(data), &total); err != nil {
			return nil, err
		}
	}
	return u, nil
}
