package class

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/concurrency-kit/kit/grader/event"
	"github.com/concurrency-kit/kit/grader/internal/fakekit"
	"github.com/concurrency-kit/kit/grader/internal/report"
)

// chromium finds the browser. make test requires it (KIT_CHROMIUM=required,
// and .ci/run installs Debian's chromium); elsewhere the test is skipped
// with a word on how to run it.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("KIT_CHROMIUM") == "required" {
		t.Fatal("chromium is not installed: the class report must be checked in a browser (apt-get install chromium)")
	}
	t.Skip("chromium is not installed; make test (KIT_CHROMIUM=required) runs this check")
	return ""
}

// sampleClass is a class of three graded students and one not graded.
func sampleClass() []Record {
	exercise := func(name string, score float64, failed ...report.Test) report.Exercise {
		e := report.Exercise{Name: name, Path: "exercises/" + name, Score: score, MaxScore: 10, Total: 3, Passed: 3 - len(failed)}
		e.Tests = append(e.Tests, failed...)
		return e
	}
	race := report.Test{Name: "TestCounter", Status: report.Fail, Cause: event.CauseRace, Message: "data race", File: "exercises/90_fake/fake.go", Line: 7}
	record := func(name string, exs ...report.Exercise) Record {
		r := Record{Student: name, Status: StatusGraded, GradedAt: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)}
		r.Version, r.Exercises = report.Version, exs
		r.Finish()
		return r
	}
	return []Record{
		record("ann", exercise("fake", 10), exercise("other", 10)),
		record("ben", exercise("fake", 5, race), exercise("other", 10)),
		record("cat", exercise("fake", 0, race, race, race), exercise("other", 2.5, race)),
		{Student: "dan", Status: statusNotGraded + "the zip archive does not unpack"},
	}
}

// TestPageInChromium renders index.html in headless Chromium: the page
// loads with no network, the table has a row per student, both charts are
// drawn, a click on a heading sorts the table, and the screenshot is not
// blank.
func TestPageInChromium(t *testing.T) {
	browser := chromium(t)
	page, err := Page(fakekit.Exercises(), sampleClass())
	require.NoError(t, err)
	dir := t.TempDir()
	// A copy that clicks "total" twice once loaded (descending), to see the
	// sorting work in a real browser.
	clicked := strings.Replace(string(page), "</body>",
		`<script>var th = document.querySelectorAll("#grades th")[3]; th.click(); th.click();</script></body>`, 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.html"), page, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "clicked.html"), []byte(clicked), 0o644))

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := func(args ...string) []byte {
		base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
			"--user-data-dir=" + filepath.Join(dir, "profile"), "--window-size=1200,1600"}
		cmd := exec.CommandContext(ctx, browser, append(base, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		require.NoError(t, err, stderr.String())
		return out
	}
	dom := string(run("--dump-dom", "file://"+filepath.Join(dir, "clicked.html")))
	rows := regexp.MustCompile(`<tr><td class="name" data-value="([a-z]+)">`).FindAllStringSubmatch(dom, -1)
	var order []string
	for _, m := range rows {
		order = append(order, m[1])
	}
	assert.Equal(t, []string{"ann", "ben", "cat", "dan"}, order[:4], "the class table, sorted by total, highest first")
	assert.Equal(t, 10, strings.Count(dom, `class="bar"`), "the histogram's ten bars")
	assert.Equal(t, 2, strings.Count(dom, `class="rate"`), "a pass-rate bar per exercise")
	assert.Contains(t, dom, `aria-sort="descending"`)

	shot := filepath.Join(dir, "shot.png")
	run("--screenshot="+shot, "file://"+filepath.Join(dir, "index.html"))
	f, err := os.Open(shot)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	assert.Greater(t, inked(img), 0.02, "the screenshot is almost blank")
	if keep := os.Getenv("KIT_SCREENSHOT"); keep != "" {
		data, _ := os.ReadFile(shot)
		require.NoError(t, os.WriteFile(keep, data, 0o644))
	}
}

// inked is the share of pixels that are not white.
func inked(img image.Image) float64 {
	b := img.Bounds()
	ink := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				ink++
			}
		}
	}
	return float64(ink) / float64(b.Dx()*b.Dy())
}
