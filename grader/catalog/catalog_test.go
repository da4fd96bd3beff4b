package catalog_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/exercises"
	"github.com/concurrency-kit/kit/grader/catalog"
)

// validEntry returns the fields of a catalog entry that passes every check,
// as a map so that a test can remove or change one field.
func validEntry(name, dir string) map[string]any {
	return map[string]any{
		"name":    name,
		"dir":     dir,
		"section": "队列",
		"files":   []string{name + ".go"},
		"hint":    "Use a condition variable.",
	}
}

func document(t *testing.T, entries ...map[string]any) []byte {
	t.Helper()
	data, err := json.Marshal(map[string]any{"exercises": entries})
	require.NoError(t, err)
	return data
}

func TestParseAcceptsValidDocument(t *testing.T) {
	queue := validEntry("queue", "14_queue")
	queue["weights"] = map[string]float64{"TestFIFO": 3}
	queue["default_weight"] = 2
	queue["limit"] = "5s"
	queue["imports"] = []string{"bufio"}
	queue["points"] = 20
	queue["test_file"] = "fifo_test.go"
	c, err := catalog.Parse(document(t, validEntry("race", "06_race"), queue))
	require.NoError(t, err)
	require.Len(t, c.Exercises, 2)

	race, q := c.Exercises[0], c.Exercises[1]
	assert.Equal(t, "race", race.Name)
	assert.Equal(t, "exercises/06_race", race.Path())
	assert.Equal(t, "solutions/06_race", race.SolutionPath())
	assert.Equal(t, []string{"race.go"}, race.Files)
	assert.Equal(t, "race_test.go", race.TestFile, "derived from the first file")
	assert.Equal(t, 6, race.Row, "the folder's number")
	assert.Equal(t, "队列", race.Section)
	assert.Equal(t, 10.0, race.Points, "the default")

	assert.Equal(t, catalog.Duration(5*time.Second), q.Limit)
	assert.Equal(t, 20.0, q.Points)
	assert.Equal(t, "fifo_test.go", q.TestFile)
	assert.Equal(t, 14, q.Row)
	assert.Equal(t, map[string]float64{"TestFIFO": 3}, q.Weights)
	assert.Equal(t, 2.0, q.DefaultWeight)
	assert.Contains(t, q.AllowedImports(), "bufio")
	assert.Contains(t, q.AllowedImports(), "sync")
	assert.NotContains(t, race.AllowedImports(), "bufio")
	assert.Equal(t, []string{"race", "queue"}, c.Names())
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name    string
		change  func(e map[string]any)
		entries func() []map[string]any // instead of change, for several entries
		want    string
	}{
		{name: "unknown field", change: func(e map[string]any) { e["pionts"] = 3 }, want: "unknown field"},
		{name: "missing name", change: func(e map[string]any) { delete(e, "name") }, want: "name and dir are required"},
		{name: "missing dir", change: func(e map[string]any) { delete(e, "dir") }, want: "name and dir are required"},
		{name: "negative points", change: func(e map[string]any) { e["points"] = -1 }, want: "points must be positive"},
		{name: "missing files", change: func(e map[string]any) { delete(e, "files") }, want: "files and test_file are required"},
		{name: "empty files", change: func(e map[string]any) { e["files"] = []string{} }, want: "files and test_file are required"},
		{name: "missing hint", change: func(e map[string]any) { delete(e, "hint") }, want: "hint is required"},
		{name: "blank hint", change: func(e map[string]any) { e["hint"] = " \n\t" }, want: "hint is required"},
		{name: "folder without a number", change: func(e map[string]any) { e["dir"] = "queue" }, want: "dir must start with the exercise's number"},
		{name: "missing section", change: func(e map[string]any) { delete(e, "section") }, want: "section is required"},
		{name: "the old seed field", change: func(e map[string]any) { e["seed"] = "队列" }, want: "unknown field"},
		{name: "the derived row", change: func(e map[string]any) { e["row"] = 14 }, want: "unknown field"},
		{name: "zero weight", change: func(e map[string]any) { e["weights"] = map[string]float64{"TestA": 0} }, want: "weight of TestA must be positive"},
		{name: "negative weight", change: func(e map[string]any) { e["weights"] = map[string]float64{"TestB": -2} }, want: "weight of TestB must be positive"},
		{name: "bad limit", change: func(e map[string]any) { e["limit"] = "soon" }, want: "invalid duration"},
		{name: "limit not a string", change: func(e map[string]any) { e["limit"] = 10 }, want: "duration must be a string"},
		{
			name: "duplicate name",
			entries: func() []map[string]any {
				return []map[string]any{validEntry("queue", "14_queue"), validEntry("queue", "15_queue")}
			},
			want: `exercise 2 ("queue"): name or dir used twice`,
		},
		{
			name: "duplicate dir",
			entries: func() []map[string]any {
				return []map[string]any{validEntry("queue", "14_queue"), validEntry("queue2", "14_queue")}
			},
			want: `exercise 2 ("queue2"): name or dir used twice`,
		},
		{
			name:    "no exercises",
			entries: func() []map[string]any { return []map[string]any{} },
			want:    "no exercises",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var entries []map[string]any
			if tt.entries != nil {
				entries = tt.entries()
			} else {
				e := validEntry("queue", "14_queue")
				tt.change(e)
				entries = []map[string]any{e}
			}
			c, err := catalog.Parse(document(t, entries...))
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "catalog: "), err.Error())
		})
	}
}

func TestParseRejectsMalformedJSON(t *testing.T) {
	for _, doc := range []string{"", "{", `{"exercises": {}}`, `[]`} {
		_, err := catalog.Parse([]byte(doc))
		assert.Error(t, err, "document %q", doc)
	}
}

func TestParseReportsEveryBadExercise(t *testing.T) {
	a, b := validEntry("a", "01_a"), validEntry("b", "02_b")
	delete(a, "hint")
	b["points"] = -1
	_, err := catalog.Parse(document(t, a, b))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `exercise 1 ("a"): hint is required`)
	assert.Contains(t, err.Error(), `exercise 2 ("b"): points must be positive`)
}

func TestWeight(t *testing.T) {
	tests := []struct {
		name string
		ex   catalog.Exercise
		test string
		want float64
	}{
		{"listed", catalog.Exercise{Weights: map[string]float64{"TestA": 3}}, "TestA", 3},
		{"not listed, no default", catalog.Exercise{Weights: map[string]float64{"TestA": 3}}, "TestB", 1},
		{"not listed, default", catalog.Exercise{Weights: map[string]float64{"TestA": 3}, DefaultWeight: 2}, "TestB", 2},
		{"listed beats default", catalog.Exercise{Weights: map[string]float64{"TestA": 0.5}, DefaultWeight: 2}, "TestA", 0.5},
		{"no weights", catalog.Exercise{}, "TestA", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.ex.Weight(tt.test))
		})
	}
}

func TestTestLimit(t *testing.T) {
	tests := []struct {
		limit catalog.Duration
		want  time.Duration
	}{
		{0, catalog.DefaultLimit},
		{catalog.Duration(-time.Second), catalog.DefaultLimit},
		{catalog.Duration(3 * time.Second), 3 * time.Second},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, catalog.Exercise{Limit: tt.limit}.TestLimit(), "limit %v", time.Duration(tt.limit))
	}
}

func TestDurationJSON(t *testing.T) {
	data, err := json.Marshal(catalog.Duration(1500 * time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, `"1.5s"`, string(data))
	var d catalog.Duration
	require.NoError(t, json.Unmarshal(data, &d))
	assert.Equal(t, catalog.Duration(1500*time.Millisecond), d)
}

func TestLookup(t *testing.T) {
	c, err := catalog.Parse(document(t,
		validEntry("goroutines", "01_goroutines"),
		validEntry("queue", "14_queue"),
	))
	require.NoError(t, err)
	tests := []struct {
		query string
		want  string // "" when not found
	}{
		{"queue", "queue"},
		{"14_queue", "queue"},
		{"14", "queue"},
		{"exercises/14_queue", "queue"},
		{"goroutines", "goroutines"},
		{"01", "goroutines"},
		{"01_goroutines", "goroutines"},
		{"1", "goroutines"},
		{"001", "goroutines"},
		{"exercises/14_queue/", "queue"},
		{"14_queue/", "queue"},
		{"-14", ""},
		{"+14", ""},
		{"0", ""},
		{"Queue", ""},
		{"15", ""},
		{"", ""},
		{"solutions/14_queue", ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			ex, ok := c.Lookup(tt.query)
			assert.Equal(t, tt.want != "", ok)
			assert.Equal(t, tt.want, ex.Name)
		})
	}
}

func TestMaxScore(t *testing.T) {
	a, b, d := validEntry("a", "01_a"), validEntry("b", "02_b"), validEntry("d", "03_d")
	a["points"], b["points"], d["points"] = 10, 2.5, 7
	c, err := catalog.Parse(document(t, a, b, d))
	require.NoError(t, err)
	assert.Equal(t, 19.5, c.MaxScore())
	assert.Equal(t, 0.0, (&catalog.Catalog{}).MaxScore())
}

// The kit's own catalog, as compiled into the grader, must parse.
func TestEmbeddedCatalog(t *testing.T) {
	c, err := catalog.Parse(exercises.CatalogJSON)
	require.NoError(t, err)
	require.NotEmpty(t, c.Exercises)
	for _, e := range c.Exercises {
		got, ok := c.Lookup(e.Dir)
		assert.True(t, ok, e.Dir)
		assert.Equal(t, e.Name, got.Name)
		got, ok = c.Lookup(e.Name)
		assert.True(t, ok, e.Name)
		assert.Equal(t, e.Dir, got.Dir)
		assert.Positive(t, e.TestLimit())
	}
	assert.Positive(t, c.MaxScore())
}

func TestSuggest(t *testing.T) {
	c, err := catalog.Parse(document(t,
		validEntry("goroutines", "01_goroutines"),
		validEntry("queue", "14_queue"),
	))
	require.NoError(t, err)
	for query, want := range map[string]string{
		"gorutines": "goroutines", "Goroutines": "goroutines", "queu": "queue", "14_queu": "queue",
		"philosophers": "", "q": "", "": "",
	} {
		assert.Equal(t, want, c.Suggest(query), query)
	}
}
