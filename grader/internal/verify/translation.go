package verify

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// ChineseReadme is the Chinese edition of a README.md, next to it.
const ChineseReadme = "README.zh-CN.md"

// translationLine is the first line of a Chinese README: it names the
// English revision it translates, by the first 16 hex digits of the
// English file's SHA-256.
var translationLine = regexp.MustCompile(`^<!-- translation of README\.md, sha256 ([0-9a-f]{16}) -->`)

// EnglishHash is what a translation's first line must name for the English
// text: the first 16 hex digits of its SHA-256.
func EnglishHash(english []byte) string {
	sum := sha256.Sum256(english)
	return hex.EncodeToString(sum[:])[:16]
}

// TranslationLine is the first line of a translation of english.
func TranslationLine(english []byte) string {
	return "<!-- translation of README.md, sha256 " + EnglishHash(english) + " -->"
}

// headingLevels lists the levels of a Markdown document's headings (1 for
// #, 2 for ##, ...), outside code fences.
func headingLevels(doc string) []int {
	var levels []int
	fenced := false
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
			continue
		}
		if fenced || !strings.HasPrefix(line, "#") {
			continue
		}
		level := len(line) - len(strings.TrimLeft(line, "#"))
		if strings.HasPrefix(line[level:], " ") {
			levels = append(levels, level)
		}
	}
	return levels
}

// checkTranslation checks the Chinese edition of the README in dir: it
// exists, it translates the English text as it is now (its first line names
// the English file's hash), and it has the same sections.
func (v Verifier) checkTranslation(c *checker, dir string) bool {
	englishPath := filepath.Join(dir, "README.md")
	chinesePath := filepath.Join(dir, ChineseReadme)
	english, err := os.ReadFile(englishPath)
	if err != nil {
		c.defect("%s: %v", rel(v.Root, englishPath), err)
		return false
	}
	chinese, err := os.ReadFile(chinesePath)
	if err != nil {
		c.defect("%s is missing: translate %s (its first line: <!-- translation of README.md, sha256 %s -->)",
			rel(v.Root, chinesePath), rel(v.Root, englishPath), EnglishHash(english))
		return false
	}
	m := translationLine.FindSubmatch(chinese)
	switch {
	case m == nil:
		c.defect("%s: the first line must name the English revision it translates: <!-- translation of README.md, sha256 %s -->",
			rel(v.Root, chinesePath), EnglishHash(english))
		return false
	case string(m[1]) != EnglishHash(english):
		c.defect("%s is stale: it translates another revision of %s (sha256 %s; the English text is now %s). "+
			"Bring the translation up to date (git diff the English file since that revision), then put the new hash in its first line",
			rel(v.Root, chinesePath), rel(v.Root, englishPath), m[1], EnglishHash(english))
		return false
	}
	if en, zh := headingLevels(string(english)), headingLevels(string(chinese)); !slices.Equal(en, zh) {
		c.defect("%s does not have the sections of %s: heading levels %v, the English %v",
			rel(v.Root, chinesePath), rel(v.Root, englishPath), zh, en)
		return false
	}
	return true
}

// checkTranslations checks the Chinese edition of the top-level README and
// of every exercise's README, and every exercise's Chinese hint.
func (v Verifier) checkTranslations(c *checker) {
	complete := v.checkTranslation(c, v.Root)
	for _, ex := range v.Catalog.Exercises {
		if !v.checkTranslation(c, filepath.Join(v.Root, filepath.FromSlash(ex.Path()))) {
			complete = false
		}
		if strings.TrimSpace(ex.HintZH) == "" {
			c.defect("%s: no Chinese hint (hint_zh in exercises/catalog.json)", ex.Name)
			complete = false
		}
	}
	if complete {
		c.ok("%s", fmt.Sprintf("the Chinese edition is complete and up to date (%d READMEs, %d hints)", len(v.Catalog.Exercises)+1, len(v.Catalog.Exercises)))
	}
}
