// Package catalog describes the kit's exercises: their order, folders,
// points, test weights, hints and the part of the course each one teaches.
//
// The catalog is one JSON document, exercises/catalog.json, compiled into the
// grader (package exercises embeds it). The grader and the kit's self-check
// read it; nothing else repeats what it says.
package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/concurrency-kit/kit/grader/event"
)

// DefaultAllowedImports are the packages student files may import unless an
// exercise allows more. None of them can reach the grader's result channel
// (no os, syscall, unsafe, reflect, net, os/exec).
var DefaultAllowedImports = []string{
	"cmp", "container/heap", "container/list", "context", "errors", "fmt",
	"iter", "maps", "math", "math/rand/v2", "slices", "sort", "strconv",
	"strings", "sync", "sync/atomic", "time", "unicode",
}

// DefaultPoints are an exercise's points when its entry sets none.
const DefaultPoints = 10

// DefaultLimit is a test's time limit when its exercise sets none.
const DefaultLimit = event.DefaultLimit

// DefaultMemory is a test process's memory limit when its exercise sets
// none. The race detector's shadow memory counts too.
const DefaultMemory = 2 << 30

// Catalog is the list of exercises in curriculum order.
type Catalog struct {
	Exercises []Exercise `json:"exercises"`
}

// Exercise is one entry of the catalog.
type Exercise struct {
	// Name is the short name students type: "queue".
	Name string `json:"name"`
	// Dir is the folder under exercises/ and solutions/: "14_queue". Its
	// number is the exercise's row of the curriculum.
	Dir string `json:"dir"`
	// Row is the curriculum row the exercise covers: the number of Dir.
	Row int `json:"-"`
	// Section is the section of the course notes the exercise teaches.
	Section string `json:"section"`
	// Points is the exercise's share of the total score (DefaultPoints
	// when the entry does not say).
	Points float64 `json:"points,omitempty"`
	// Files are the student's files, provided as stubs and replaced by the
	// reference solution's files of the same name.
	Files []string `json:"files"`
	// TestFile is the kit's test file in the exercise folder: the first
	// student file's name with _test.go, unless the entry says otherwise.
	TestFile string `json:"test_file,omitempty"`
	// Weights gives a test's weight; tests not listed weigh DefaultWeight.
	Weights map[string]float64 `json:"weights,omitempty"`
	// DefaultWeight is the weight of tests not in Weights (1 when zero).
	DefaultWeight float64 `json:"default_weight,omitempty"`
	// Limit is the time limit of each test, as a Go duration ("10s").
	Limit Duration `json:"limit,omitempty"`
	// Memory is the most memory a test process of the exercise may use
	// (with everything it starts), as "2GiB" or "512MiB"; DefaultMemory
	// when empty.
	Memory Size `json:"memory,omitempty"`
	// Imports are packages the student files may import besides
	// DefaultAllowedImports.
	Imports []string `json:"imports,omitempty"`
	// Hint helps a student who is stuck without giving the answer away.
	Hint string `json:"hint"`
	// HintZH is the hint in Simplified Chinese (grader hint --lang zh).
	HintZH string `json:"hint_zh,omitempty"`
}

// Duration is a time.Duration written as a string in JSON.
type Duration time.Duration

// UnmarshalJSON reads a duration such as "10s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"10s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// Size is a number of bytes written in JSON as "2GiB", "512MiB" or "64KiB".
type Size int64

var sizeUnits = []struct {
	suffix string
	bytes  int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}}

// UnmarshalJSON reads a size such as "2GiB".
func (s *Size) UnmarshalJSON(b []byte) error {
	var text string
	if err := json.Unmarshal(b, &text); err != nil {
		return fmt.Errorf("size must be a string such as \"2GiB\": %w", err)
	}
	for _, u := range sizeUnits {
		if digits, ok := strings.CutSuffix(text, u.suffix); ok {
			n, err := strconv.ParseInt(digits, 10, 64)
			if err != nil || n <= 0 {
				break
			}
			*s = Size(n * u.bytes)
			return nil
		}
	}
	return fmt.Errorf("size %q: want a positive whole number of GiB, MiB or KiB, such as \"2GiB\"", text)
}

// MarshalJSON writes the size in the largest unit that divides it.
func (s Size) MarshalJSON() ([]byte, error) {
	for _, u := range sizeUnits {
		if int64(s)%u.bytes == 0 {
			return json.Marshal(strconv.FormatInt(int64(s)/u.bytes, 10) + u.suffix)
		}
	}
	return nil, fmt.Errorf("size %d is not a whole number of KiB", int64(s))
}

// MemoryLimit is the memory limit of each of the exercise's test processes.
func (e Exercise) MemoryLimit() int64 {
	if e.Memory <= 0 {
		return DefaultMemory
	}
	return int64(e.Memory)
}

// TestLimit is the exercise's per-test time limit.
func (e Exercise) TestLimit() time.Duration {
	if e.Limit <= 0 {
		return DefaultLimit
	}
	return time.Duration(e.Limit)
}

// Weight is the weight of the named test.
func (e Exercise) Weight(test string) float64 {
	if w, ok := e.Weights[test]; ok {
		return w
	}
	if e.DefaultWeight > 0 {
		return e.DefaultWeight
	}
	return 1
}

// AllowedImports lists every package the student files may import.
func (e Exercise) AllowedImports() []string {
	return append(append([]string(nil), DefaultAllowedImports...), e.Imports...)
}

// Path is the exercise folder relative to the kit's root, with slashes.
func (e Exercise) Path() string { return path.Join("exercises", e.Dir) }

// SolutionPath is the reference solution's folder relative to the kit's root.
func (e Exercise) SolutionPath() string { return path.Join("solutions", e.Dir) }

// Parse reads and checks a catalog document.
func Parse(data []byte) (*Catalog, error) {
	var c Catalog
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	c.derive()
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return &c, nil
}

// derive fills in what the entries leave to be derived: the row from the
// folder's number, the test file from the first student file, the points.
func (c *Catalog) derive() {
	for i := range c.Exercises {
		e := &c.Exercises[i]
		number, _, _ := strings.Cut(e.Dir, "_")
		e.Row, _ = strconv.Atoi(number)
		if e.TestFile == "" && len(e.Files) > 0 {
			e.TestFile = strings.TrimSuffix(e.Files[0], ".go") + "_test.go"
		}
		if e.Points == 0 {
			e.Points = DefaultPoints
		}
	}
}

func (c *Catalog) check() error {
	if len(c.Exercises) == 0 {
		return errors.New("no exercises")
	}
	names := map[string]bool{}
	dirs := map[string]bool{}
	var errs []error
	for i, e := range c.Exercises {
		where := fmt.Sprintf("exercise %d (%q)", i+1, e.Name)
		switch {
		case e.Name == "" || e.Dir == "":
			errs = append(errs, fmt.Errorf("%s: name and dir are required", where))
		case names[e.Name] || dirs[e.Dir]:
			errs = append(errs, fmt.Errorf("%s: name or dir used twice", where))
		case e.Points <= 0:
			errs = append(errs, fmt.Errorf("%s: points must be positive", where))
		case len(e.Files) == 0 || e.TestFile == "":
			errs = append(errs, fmt.Errorf("%s: files and test_file are required", where))
		case strings.TrimSpace(e.Hint) == "":
			errs = append(errs, fmt.Errorf("%s: hint is required", where))
		case e.Row <= 0:
			errs = append(errs, fmt.Errorf("%s: dir must start with the exercise's number (\"14_queue\")", where))
		case e.Section == "":
			errs = append(errs, fmt.Errorf("%s: section is required", where))
		}
		for test, w := range e.Weights {
			if w <= 0 {
				errs = append(errs, fmt.Errorf("%s: weight of %s must be positive", where, test))
			}
		}
		names[e.Name], dirs[e.Dir] = true, true
	}
	return errors.Join(errs...)
}

// MaxScore is the sum of every exercise's points.
func (c *Catalog) MaxScore() float64 {
	total := 0.0
	for _, e := range c.Exercises {
		total += e.Points
	}
	return total
}

// Lookup finds an exercise by name, by folder ("14_queue", also as
// "exercises/14_queue/"), or by number ("14", and "9" for "09").
func (c *Catalog) Lookup(name string) (Exercise, bool) {
	name = strings.TrimSuffix(strings.TrimPrefix(name, "exercises/"), "/")
	for _, e := range c.Exercises {
		number, _, _ := strings.Cut(e.Dir, "_")
		if name == e.Name || name == e.Dir || name == number || sameNumber(name, number) {
			return e, true
		}
	}
	return Exercise{}, false
}

// sameNumber reports whether a and b are the same decimal number written
// with or without leading zeros ("9" and "09").
func sameNumber(a, b string) bool {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	return errA == nil && errB == nil && x == y && x > 0 && !strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "+")
}

// Suggest returns the exercise name closest to name, for a "did you mean"
// hint, or "" when none is close (at most a third of its letters differ).
func (c *Catalog) Suggest(name string) string {
	best, bestDistance := "", len(name)/3+1
	for _, e := range c.Exercises {
		for _, candidate := range []string{e.Name, e.Dir} {
			if d := editDistance(strings.ToLower(name), candidate); d < bestDistance {
				best, bestDistance = e.Name, d
			}
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// Names lists the exercise names in order, for error messages.
func (c *Catalog) Names() []string {
	names := make([]string, len(c.Exercises))
	for i, e := range c.Exercises {
		names[i] = e.Name
	}
	return names
}
