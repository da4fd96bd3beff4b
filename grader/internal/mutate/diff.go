package mutate

import (
	"fmt"
	"slices"
	"strings"
)

// diffContext is the number of unchanged lines Diff shows around a change.
const diffContext = 3

// Diff returns a unified diff from original to m.Source, with a few lines
// of context, headed by the file name and the mutant's ID. It is empty when
// the two are equal.
func Diff(m Mutant, original []byte) string {
	a, b := splitLines(string(original)), splitLines(string(m.Source))
	ops := lineDiff(a, b)
	hunks := groupHunks(ops, diffContext)
	if len(hunks) == 0 {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "--- %s\n+++ %s (%s)\n", m.File, m.File, m.ID)
	for _, h := range hunks {
		writeHunk(&sb, ops[h[0]:h[1]])
	}
	return sb.String()
}

// splitLines splits s into lines without their line ends.
func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// diffOp is one line of an edit script: ' ' kept, '-' deleted, '+' added,
// with the line's number (from 1) in the old and the new text.
type diffOp struct {
	kind       byte
	text       string
	aLine, bLn int
}

// lineDiff returns an edit script from a to b with the fewest changed
// lines (Myers' algorithm: fast when the texts differ in a few lines, as a
// mutant and its original do).
func lineDiff(a, b []string) []diffOp {
	n, m := len(a), len(b)
	off := n + m + 1
	v := make([]int, 2*off+1)
	var trace [][]int
	for d := 0; d <= n+m; d++ {
		trace = append(trace, slices.Clone(v))
		for k := -d; k <= d; k += 2 {
			x := v[off+k-1] + 1 // from the left: a deletion
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				x = v[off+k+1] // from above: an insertion
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(a, b, trace, off)
			}
		}
	}
	return nil // not reached: d == n+m always ends the search
}

// backtrack walks Myers' trace back from the end of a and b and returns the
// edit script in order.
func backtrack(a, b []string, trace [][]int, off int) []diffOp {
	var ops []diffOp
	x, y := len(a), len(b)
	for d := len(trace) - 1; d >= 0; d-- {
		v := trace[d]
		k := x - y
		prevK := k - 1
		if k == -d || k != d && v[off+k-1] < v[off+k+1] {
			prevK = k + 1
		}
		prevX := v[off+prevK]
		prevY := prevX - prevK
		for x > prevX && y > prevY && x > 0 && y > 0 {
			ops = append(ops, diffOp{' ', a[x-1], x, y})
			x, y = x-1, y-1
		}
		if d == 0 {
			break
		}
		if x == prevX {
			ops = append(ops, diffOp{'+', b[y-1], x + 1, y})
		} else {
			ops = append(ops, diffOp{'-', a[x-1], x, y + 1})
		}
		x, y = prevX, prevY
	}
	slices.Reverse(ops)
	return ops
}

// groupHunks returns [from, to) ranges of ops: each change with ctx lines
// of context on both sides, merged when they touch.
func groupHunks(ops []diffOp, ctx int) [][2]int {
	var hunks [][2]int
	for i, op := range ops {
		if op.kind == ' ' {
			continue
		}
		from, to := max(i-ctx, 0), min(i+ctx+1, len(ops))
		if k := len(hunks) - 1; k >= 0 && from <= hunks[k][1] {
			hunks[k][1] = max(hunks[k][1], to)
			continue
		}
		hunks = append(hunks, [2]int{from, to})
	}
	return hunks
}

// writeHunk writes one hunk: its @@ header and its lines.
func writeHunk(sb *strings.Builder, ops []diffOp) {
	aStart, bStart, aLen, bLen := ops[0].aLine, ops[0].bLn, 0, 0
	for _, op := range ops {
		if op.kind != '+' {
			aLen++
		}
		if op.kind != '-' {
			bLen++
		}
	}
	// An empty side starts at the line before, as in diff -u.
	if aLen == 0 {
		aStart--
	}
	if bLen == 0 {
		bStart--
	}
	fmt.Fprintf(sb, "@@ -%d,%d +%d,%d @@\n", aStart, aLen, bStart, bLen)
	for _, op := range ops {
		sb.WriteByte(op.kind)
		sb.WriteString(op.text)
		sb.WriteByte('\n')
	}
}
