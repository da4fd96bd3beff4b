package mutate

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// EquivalentsFile is where an exercise lists its equivalent mutants,
// relative to its solution folder (solutions/NN_name).
const EquivalentsFile = "testdata/equivalent-mutants.txt"

// idPattern is the shape of a mutant ID: operator, function, ordinal.
var idPattern = regexp.MustCompile(`^(\S+) (\S+)#([1-9][0-9]*)$`)

// separators split an equivalents line into ID and reason: an em dash, or
// two hyphens, with blanks around it.
var separators = []string{" — ", " -- "}

// ParseEquivalents reads a list of equivalent mutants: one per line,
//
//	<ID> — <reason>
//
// (" -- " also works as the separator); blank lines and lines starting with
// # are ignored. It returns ID -> reason. A line without a reason, with an
// ID that is not "<operator> <function>#<n>" for a known operator, or that
// repeats an ID, is an error naming the line.
func ParseEquivalents(r io.Reader) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, err := splitEquivalent(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		if _, dup := out[id]; dup {
			return nil, fmt.Errorf("line %d: %q is listed twice", n, id)
		}
		out[id] = reason
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// splitEquivalent splits one line into a checked ID and its reason.
func splitEquivalent(line string) (id, reason string, err error) {
	for _, sep := range separators {
		if i := strings.Index(line, sep); i >= 0 {
			id, reason = strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+len(sep):])
			break
		}
	}
	if id == "" {
		id = line
	}
	m := idPattern.FindStringSubmatch(id)
	switch {
	case m == nil:
		return "", "", fmt.Errorf("%q is not a mutant ID (want \"<operator> <function>#<n> — <reason>\")", id)
	case !slices.Contains(Operators, m[1]):
		return "", "", fmt.Errorf("unknown operator %q in %q", m[1], id)
	case reason == "":
		return "", "", fmt.Errorf("%q has no reason (want \"<ID> — <reason>\")", id)
	}
	return id, reason, nil
}
