package sandbox

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// TreeMemory returns the resident memory, in bytes, of process pid and
// every process it started (their children, and theirs), read from /proc.
// Processes that end while it reads are skipped. On a system without /proc
// it returns an error.
func TreeMemory(pid int) (int64, error) {
	var total int64
	seen := map[int]bool{}
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		rss, err := residentBytes(p)
		if err != nil {
			if p == pid {
				return 0, err
			}
			continue
		}
		total += rss
		queue = append(queue, children(p)...)
	}
	return total, nil
}

// residentBytes reads VmRSS from /proc/pid/status.
func residentBytes(pid int) (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			fields := strings.Fields(rest) // "123456 kB"
			if len(fields) == 0 {
				break
			}
			kb, err := strconv.ParseInt(fields[0], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("read VmRSS of %d: %w", pid, err)
			}
			return kb << 10, nil
		}
	}
	return 0, nil // a zombie has no VmRSS
}

// children lists the children of every thread of pid.
func children(pid int) []int {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return nil
	}
	var out []int
	for _, task := range tasks {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, task.Name()))
		if err != nil {
			continue
		}
		for _, field := range bytes.Fields(data) {
			if child, err := strconv.Atoi(string(field)); err == nil {
				out = append(out, child)
			}
		}
	}
	return out
}

// AvailableMemory returns how much memory, in bytes, the system can give to
// new processes without swapping (MemAvailable in /proc/meminfo). On a
// system without /proc it returns an error.
func AvailableMemory() (int64, error) {
	info, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	return parseAvailable(info)
}

// parseAvailable reads MemAvailable from the text of /proc/meminfo.
func parseAvailable(info []byte) (int64, error) {
	for line := range strings.Lines(string(info)) {
		rest, ok := strings.CutPrefix(line, "MemAvailable:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest) // "123456 kB"
		if len(fields) == 0 {
			break
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("read MemAvailable: %w", err)
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("read MemAvailable: not in /proc/meminfo")
}
