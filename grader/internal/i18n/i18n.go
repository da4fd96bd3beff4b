// Package i18n puts the grader's own text in the student's language:
// English, or Simplified Chinese when the locale (LC_ALL, LC_MESSAGES,
// LANG) starts with zh, or with --lang zh.
//
// A message is written in English at the place it is used, through a
// Printer (Tr for a plain text, Trf for a format); the English text is the
// key of its translation in the table of zh.go. A test walks the grader's
// source and fails when a message has no Chinese text or a translation no
// longer has a message. Machine outputs (the JSON document, JUnit, cause
// identifiers) never go through a Printer: they do not change with the
// language.
package i18n

import (
	"fmt"
	"strings"

	"golang.org/x/text/width"

	"github.com/concurrency-kit/kit/grader/event"
)

// Lang is a language of the grader's text.
type Lang string

// The languages.
const (
	English Lang = "en"
	Chinese Lang = "zh"
)

// Langs are the values --lang takes.
var Langs = []string{string(English), string(Chinese)}

// Parse reads a language as --lang gives it: en or zh (zh-CN, zh_CN.UTF-8
// and the like are zh).
func Parse(s string) (Lang, bool) {
	switch lower := strings.ToLower(s); {
	case lower == "en" || strings.HasPrefix(lower, "en_") || strings.HasPrefix(lower, "en-"):
		return English, true
	case lower == "zh" || strings.HasPrefix(lower, "zh_") || strings.HasPrefix(lower, "zh-"):
		return Chinese, true
	}
	return "", false
}

// FromEnv picks the language of the locale, in POSIX order: LC_ALL, then
// LC_MESSAGES, then LANG; the first one set decides. Chinese when it starts
// with zh, English otherwise.
func FromEnv(getenv func(string) string) Lang {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "zh") {
				return Chinese
			}
			return English
		}
	}
	return English
}

// Printer writes the grader's messages in one language. The zero Printer
// writes English.
type Printer struct {
	Lang Lang
}

// Tr returns the text in the printer's language.
func (p Printer) Tr(text string) string {
	if p.Lang == Chinese {
		if zh, ok := chinese[text]; ok {
			return zh
		}
	}
	return text
}

// Trf formats the message in the printer's language. The translation takes
// the same arguments, in the same order.
func (p Printer) Trf(format string, args ...any) string {
	return fmt.Sprintf(p.Tr(format), args...)
}

// Width is the number of terminal columns s takes: two for each wide
// (East Asian) character, one for the others.
func Width(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// Cut returns the longest start of s that takes at most n columns, and the
// rest.
func Cut(s string, n int) (string, string) {
	w := 0
	for i, r := range s {
		rw := runeWidth(r)
		if w+rw > n {
			return s[:i], s[i:]
		}
		w += rw
	}
	return s, ""
}

// Cause is a cause's identifier, with, in Chinese, what it means: "race:
// 数据竞争". The identifier itself never changes with the language.
func (p Printer) Cause(c event.Cause) string {
	if p.Lang == Chinese {
		if meaning, ok := causeMeanings[c]; ok {
			return string(c) + "：" + meaning
		}
	}
	return string(c)
}
