package mutate

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	orig := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n"
	cases := []struct {
		name, mutated, want string
	}{{
		name:    "equal",
		mutated: orig,
		want:    "",
	}, {
		name:    "one line changed, context cut at the start",
		mutated: strings.Replace(orig, "b\n", "B\n", 1),
		want: `--- f.go
+++ f.go (op F#1)
@@ -1,5 +1,5 @@
 a
-b
+B
 c
 d
 e
`,
	}, {
		name:    "two distant changes make two hunks",
		mutated: strings.Replace(strings.Replace(orig, "c\n", "", 1), "l\n", "l\nL2\n", 1),
		want: `--- f.go
+++ f.go (op F#1)
@@ -1,6 +1,5 @@
 a
 b
-c
 d
 e
 f
@@ -10,4 +9,5 @@
 j
 k
 l
+L2
 m
`,
	}, {
		name:    "close changes share a hunk",
		mutated: strings.Replace(strings.Replace(orig, "e\n", "E\n", 1), "h\n", "H\n", 1),
		want: `--- f.go
+++ f.go (op F#1)
@@ -2,10 +2,10 @@
 b
 c
 d
-e
+E
 f
 g
-h
+H
 i
 j
 k
`,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Diff(Mutant{File: "f.go", ID: "op F#1", Source: []byte(c.mutated)}, []byte(orig))
			if got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestDiffFromEmpty(t *testing.T) {
	got := Diff(Mutant{File: "f.go", ID: "op F#1", Source: []byte("x\n")}, nil)
	want := "--- f.go\n+++ f.go (op F#1)\n@@ -0,0 +1,1 @@\n+x\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestParseEquivalents(t *testing.T) {
	cases := []struct {
		name, in string
		want     map[string]string
		err      string
	}{{
		name: "entries, comments and blank lines",
		in: `# equivalent mutants of the queue

drop-lock Queue.MaxSize#1 — maxsize never changes after New
buffer-channel <file-scope>#2 -- the channel is only ever used with select and default
`,
		want: map[string]string{
			"drop-lock Queue.MaxSize#1":     "maxsize never changes after New",
			"buffer-channel <file-scope>#2": "the channel is only ever used with select and default",
		},
	}, {
		name: "empty",
		in:   "",
		want: map[string]string{},
	}, {
		name: "no reason",
		in:   "drop-lock Queue.Len#1\n",
		err:  "line 1: \"drop-lock Queue.Len#1\" has no reason",
	}, {
		name: "empty reason",
		in:   "\ndrop-lock Queue.Len#1 —   \n",
		err:  "line 2:",
	}, {
		name: "unknown operator",
		in:   "drop-mutex Queue.Len#1 — typo\n",
		err:  "unknown operator \"drop-mutex\"",
	}, {
		name: "not an ID",
		in:   "Queue.Len — no operator\n",
		err:  "is not a mutant ID",
	}, {
		name: "ordinal zero",
		in:   "drop-lock Queue.Len#0 — no\n",
		err:  "is not a mutant ID",
	}, {
		name: "duplicate",
		in:   "drop-lock F#1 — a\ndrop-lock F#1 — b\n",
		err:  "line 2: \"drop-lock F#1\" is listed twice",
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseEquivalents(strings.NewReader(c.in))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("got error %v, want one containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for id, reason := range c.want {
				if got[id] != reason {
					t.Errorf("%s: got reason %q, want %q", id, got[id], reason)
				}
			}
		})
	}
}

// TestEquivalentsMatchIDs checks that every generated ID can be listed in
// an equivalents file.
func TestEquivalentsMatchIDs(t *testing.T) {
	for _, f := range solutionFiles(t)[:3] {
		ms := generateFile(t, f)
		var b strings.Builder
		for _, m := range ms {
			b.WriteString(m.ID + " — reason\n")
		}
		got, err := ParseEquivalents(strings.NewReader(b.String()))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(got) != len(ms) {
			t.Errorf("%s: %d entries parsed, want %d", f, len(got), len(ms))
		}
	}
}

// TestLineDiffIsMinimal compares lineDiff with a brute-force longest common
// subsequence on random small texts: the script must turn a into b, and
// change as few lines as possible.
func TestLineDiffIsMinimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func() []string {
		out := make([]string, rng.IntN(9))
		for i := range out {
			out[i] = string(rune('a' + rng.IntN(3)))
		}
		return out
	}
	for range 2000 {
		a, b := random(), random()
		ops := lineDiff(a, b)
		var gotA, gotB []string
		changes := 0
		for _, op := range ops {
			if op.kind != '+' {
				gotA = append(gotA, op.text)
			}
			if op.kind != '-' {
				gotB = append(gotB, op.text)
			}
			if op.kind != ' ' {
				changes++
			}
			if op.kind != '+' && a[op.aLine-1] != op.text || op.kind != '-' && b[op.bLn-1] != op.text {
				t.Fatalf("%q -> %q: op %+v has wrong line numbers", a, b, op)
			}
		}
		if !slices.Equal(gotA, a) || !slices.Equal(gotB, b) {
			t.Fatalf("%q -> %q: the script gives %q -> %q", a, b, gotA, gotB)
		}
		if want := len(a) + len(b) - 2*lcsLen(a, b); changes != want {
			t.Fatalf("%q -> %q: %d changes, want %d", a, b, changes, want)
		}
	}
}

// lcsLen is the length of a longest common subsequence of a and b.
func lcsLen(a, b []string) int {
	l := make([][]int, len(a)+1)
	for i := range l {
		l[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	return l[0][0]
}
