package class

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"go/scanner"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/concurrency-kit/kit/grader/internal/source"
)

// normalize returns a Go file's tokens without its comments, its layout
// and its semicolons, so that two files that differ only there (gofmt'd or
// not, commented or not, split over lines or not) compare equal.
func normalize(src []byte) []byte {
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("x.go", -1, len(src)), src, nil, 0)
	var b bytes.Buffer
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return b.Bytes()
		}
		if tok == token.SEMICOLON {
			continue
		}
		if lit == "" {
			lit = tok.String()
		}
		b.WriteString(lit)
		b.WriteByte(' ')
	}
}

// fingerprint hashes an exercise's files, normalized, in the catalog's
// order. ok is false when a file cannot be read.
func fingerprint(read func(name string) ([]byte, error), files []string) (string, bool) {
	h := sha256.New()
	for _, name := range files {
		data, err := read(name)
		if err != nil {
			return "", false
		}
		h.Write([]byte(name + "\x00"))
		h.Write(normalize(data))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16], true
}

// references are the fingerprints the students' are compared with, per
// exercise: the kit's stub and the reference solution. They are the same for
// every student, so they are made once.
type references struct {
	stubs, solutions map[string]string
}

// readReferences fingerprints every exercise's stub and reference solution
// (no solutions when the kit's are not at hand).
func readReferences(opts Options) references {
	refs := references{stubs: map[string]string{}, solutions: map[string]string{}}
	for _, ex := range opts.Exercises {
		if fp, ok := fingerprint(func(name string) ([]byte, error) {
			data, ok := opts.Stubs[path.Join(ex.Path(), name)]
			if !ok {
				return nil, os.ErrNotExist
			}
			return data, nil
		}, ex.Files); ok {
			refs.stubs[ex.Name] = fp
		}
		if opts.Solutions == "" {
			continue
		}
		dir := filepath.Join(opts.Solutions, filepath.FromSlash(ex.SolutionPath()))
		if fp, ok := fingerprint(func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) }, ex.Files); ok {
			refs.solutions[ex.Name] = fp
		}
	}
	return refs
}

// fingerprints returns the student's fingerprint per exercise (leaving out
// the exercises still at the stub) and the exercises that copy the
// reference solution.
func fingerprints(opts Options, refs references, root string) (map[string]string, []string) {
	prints := map[string]string{}
	var copies []string
	for _, ex := range opts.Exercises {
		dir := filepath.Join(root, filepath.FromSlash(ex.Path()))
		fp, ok := fingerprint(func(name string) ([]byte, error) {
			return source.ReadStudentFile(filepath.Join(dir, name), name)
		}, ex.Files)
		if !ok || fp == refs.stubs[ex.Name] {
			continue
		}
		prints[ex.Name] = fp
		if refs.solutions[ex.Name] == fp {
			copies = append(copies, ex.Name)
		}
	}
	if len(prints) == 0 {
		prints = nil
	}
	return prints, copies
}

// Twins are students who submitted the same program for an exercise.
type Twins struct {
	Exercise string
	Students []string
	// Solution is set when the program is the reference solution.
	Solution bool
}

// FindTwins groups, per exercise in the given order, the students whose
// fingerprints are equal; only groups of two or more are returned.
func FindTwins(exercises []string, records []Record) []Twins {
	var out []Twins
	for _, ex := range exercises {
		groups := map[string][]string{}
		solution := map[string]bool{}
		for _, r := range records {
			if fp, ok := r.Fingerprints[ex]; ok {
				groups[fp] = append(groups[fp], r.Student)
				if slices.Contains(r.SolutionCopies, ex) {
					solution[fp] = true
				}
			}
		}
		var found []Twins
		for fp, students := range groups {
			if len(students) > 1 {
				slices.Sort(students)
				found = append(found, Twins{Exercise: ex, Students: students, Solution: solution[fp]})
			}
		}
		slices.SortFunc(found, func(a, b Twins) int { return strings.Compare(a.Students[0], b.Students[0]) })
		out = append(out, found...)
	}
	return out
}
