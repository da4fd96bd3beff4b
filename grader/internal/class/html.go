package class

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/concurrency-kit/kit/grader/catalog"
	"github.com/concurrency-kit/kit/grader/event"
	"github.com/concurrency-kit/kit/grader/internal/report"
)

//go:embed templates/index.html.tmpl
var templates embed.FS

var pageTemplate = template.Must(template.New("index.html.tmpl").Funcs(template.FuncMap{
	"number": number,
	"short":  short,
}).ParseFS(templates, "templates/index.html.tmpl"))

// page is what index.html shows.
type page struct {
	Exercises []string
	Max       string
	Students  []studentView
	Graded    int
	Mean      string
	Median    string
	Bins      []bin
	Stats     []exerciseStat
	Twins     []Twins
	// Chart sizes, in SVG units.
	ChartWidth, ChartHeight, BarsHeight int
}

// studentView is a student's row and section.
type studentView struct {
	Record
	ID     string
	Cells  []scoreCell
	Failed []failedTest
}

type scoreCell struct {
	Text  string
	Value float64 // for sorting; -1 when not graded
	Class string  // done, partial, zero or none
}

type failedTest struct {
	Exercise string
	report.Test
}

// bin is a bar of the histogram of totals.
type bin struct {
	Label               string
	Count               int
	X, Y, Width, Height float64
}

// exerciseStat is an exercise's pass rate and its most common causes.
type exerciseStat struct {
	Name    string
	Done    int
	Graded  int
	Percent int
	Causes  []causeCount
	Y       int     // the bar's row in the chart
	Width   float64 // the bar's length
}

type causeCount struct {
	Cause event.Cause
	Count int
}

const (
	chartWidth  = 600
	chartHeight = 200
	barRow      = 22
	barsLeft    = 150
)

// Page is index.html: one page, with no network needed, with the class
// table (sortable), a histogram of the totals, each exercise's pass rate
// and most common causes, the identical submissions and a section per
// student.
func Page(exercises []catalog.Exercise, records []Record) ([]byte, error) {
	most := maxScore(exercises)
	p := page{Max: number(most), ChartWidth: chartWidth, ChartHeight: chartHeight}
	for _, ex := range exercises {
		p.Exercises = append(p.Exercises, ex.Name)
	}
	var totals []float64
	p.Students, totals = studentViews(exercises, records)
	p.Graded = len(totals)
	p.Mean, p.Median = "–", "–"
	if len(totals) > 0 {
		sum := 0.0
		for _, t := range totals {
			sum += t
		}
		p.Mean = number(math.Round(sum/float64(len(totals))*100) / 100)
		sorted := slices.Sorted(slices.Values(totals))
		mid := len(sorted) / 2
		median := sorted[mid]
		if len(sorted)%2 == 0 {
			median = (sorted[mid-1] + sorted[mid]) / 2
		}
		p.Median = number(math.Round(median*100) / 100)
	}
	p.Bins = histogram(totals, most)
	p.Stats = stats(exercises, records)
	p.BarsHeight = len(p.Stats)*barRow + 10
	p.Twins = FindTwins(p.Exercises, records)
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, p); err != nil {
		return nil, fmt.Errorf("render %s: %w", IndexFile, err)
	}
	return b.Bytes(), nil
}

// studentViews makes each student's row and section, and returns the
// totals of the graded ones.
func studentViews(exercises []catalog.Exercise, records []Record) ([]studentView, []float64) {
	var views []studentView
	var totals []float64
	for i, r := range records {
		v := studentView{Record: r, ID: fmt.Sprintf("student-%d-%s", i+1, slug(r.Student))}
		scores := map[string]report.Exercise{}
		for _, e := range r.Exercises {
			scores[e.Name] = e
		}
		for _, ex := range exercises {
			e, ok := scores[ex.Name]
			switch {
			case !r.Graded() || !ok:
				v.Cells = append(v.Cells, scoreCell{Text: "–", Value: -1, Class: "none"})
			default:
				class := "partial"
				if e.Done() {
					class = "done"
				} else if e.Score == 0 {
					class = "zero"
				}
				v.Cells = append(v.Cells, scoreCell{Text: number(e.Score), Value: e.Score, Class: class})
				for _, t := range e.Tests {
					if t.Status != report.Pass {
						v.Failed = append(v.Failed, failedTest{Exercise: e.Name, Test: t})
					}
				}
			}
		}
		if r.Graded() {
			totals = append(totals, r.Score)
		}
		views = append(views, v)
	}
	return views, totals
}

// histogram puts the totals into ten bins of equal width, from 0 to max.
func histogram(totals []float64, max float64) []bin {
	const n = 10
	counts := make([]int, n)
	for _, t := range totals {
		i := 0
		if max > 0 {
			i = int(t / max * n)
		}
		counts[min(max0(i), n-1)]++
	}
	most := slices.Max(counts)
	width := float64(chartWidth) / n
	bins := make([]bin, n)
	for i, c := range counts {
		h := 0.0
		if most > 0 {
			h = float64(c) / float64(most) * (chartHeight - 40)
		}
		lo, hi := max*float64(i)/n, max*float64(i+1)/n
		bins[i] = bin{
			Label: fmt.Sprintf("%s–%s", number(math.Round(lo*10)/10), number(math.Round(hi*10)/10)),
			Count: c, X: float64(i)*width + 2, Width: width - 4, Y: chartHeight - 20 - h, Height: h,
		}
	}
	return bins
}

func max0(i int) int {
	if i < 0 {
		return 0
	}
	return i
}

// stats is each exercise's pass rate among the graded students, and the
// causes of its failed tests, most common first.
func stats(exercises []catalog.Exercise, records []Record) []exerciseStat {
	var out []exerciseStat
	for i, ex := range exercises {
		s := exerciseStat{Name: ex.Name, Y: i*barRow + 5}
		counts := map[event.Cause]int{}
		for _, r := range records {
			if !r.Graded() {
				continue
			}
			for _, e := range r.Exercises {
				if e.Name != ex.Name {
					continue
				}
				s.Graded++
				if e.Done() {
					s.Done++
				}
				for _, t := range e.Tests {
					if t.Status != report.Pass {
						counts[t.Cause]++
					}
				}
			}
		}
		if s.Graded > 0 {
			s.Percent = int(math.Round(float64(s.Done) / float64(s.Graded) * 100))
		}
		s.Width = float64(chartWidth-barsLeft-60) * float64(s.Percent) / 100
		for cause, n := range counts {
			s.Causes = append(s.Causes, causeCount{cause, n})
		}
		sort.Slice(s.Causes, func(a, b int) bool {
			if s.Causes[a].Count != s.Causes[b].Count {
				return s.Causes[a].Count > s.Causes[b].Count
			}
			return s.Causes[a].Cause < s.Causes[b].Cause
		})
		if len(s.Causes) > 3 {
			s.Causes = s.Causes[:3]
		}
		out = append(out, s)
	}
	return out
}

var notSlug = regexp.MustCompile(`[^a-zA-Z0-9_-]+`)

// slug makes a name safe in an HTML id.
func slug(name string) string {
	return strings.Trim(notSlug.ReplaceAllString(name, "-"), "-")
}
