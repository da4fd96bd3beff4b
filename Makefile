# The course kit's two jobs: grade the exercises (make grade) and check the
# kit itself (make test). Everything here needs only Go; staticcheck comes
# through the Go module proxy at a pinned version.

GO            ?= go
STATICCHECK   := honnef.co/go/tools/cmd/staticcheck@v0.8.2
ACTIONLINT    := github.com/rhysd/actionlint/cmd/actionlint@v1.7.7
# Packages of the kit's own code: the exercises' stubs fail their tests on
# purpose, so their tests run through the grader (verify), not go test.
KIT_PACKAGES  := ./grader/... ./exercises/internal/...

.PHONY: grade test unit verify mutants terminal-test lint lint-ci bench gradescope help FORCE

help:
	@echo "make grade   grade the exercises in this folder (ARGS='run queue', ARGS='--json', ...)"
	@echo "make test    check the kit: unit tests, grader verify, go vet, gofmt, staticcheck"
	@echo "make mutants check the tests against mutants of the reference solutions"
	@echo "make bench   time the grader against plain go test"
	@echo "make gradescope  build bin/gradescope.zip, the Gradescope autograder"

# Built rather than go run, so that the grader's exit status (0, 1 or 2)
# reaches the caller unchanged (go run turns every failure into 1).
grade: bin/grader
	@bin/grader $(ARGS)

bin/grader: FORCE
	@$(GO) build -o bin/grader ./grader

FORCE:

test: lint unit verify terminal-test

# KIT_CHROMIUM=required: the class report is checked in headless Chromium
# (.ci/run installs Debian's chromium), never skipped.
unit:
	KIT_CHROMIUM=required $(GO) test -race -count=1 $(KIT_PACKAGES)

verify: bin/grader
	bin/grader verify

mutants: bin/grader
	bin/grader mutate

# What a student sees in a real 80-column terminal (tmux): the grade of a
# fresh kit, and grader watch reacting to a save.
terminal-test:
	grader/scripts/terminal-test.sh

lint: lint-ci
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) run $(STATICCHECK) ./...

# The workflow template forks run (.github/workflows/grade.yml) and the
# class workflow teachers copy (.github/class-matrix.yml); the GitLab
# template is checked by the Go tests of grader/internal/templates.
lint-ci:
	$(GO) run $(ACTIONLINT) .github/workflows/grade.yml .github/class-matrix.yml

bench:
	@grader/scripts/bench.sh

gradescope:
	@.gradescope/build.sh
