#!/usr/bin/env bash
# Times the grader against the fastest plain command a user could type,
# GORACE=atexit_sleep_ms=0 go test -race over the 20 exercise packages, on
# this machine, and prints the ratios of the three cases the kit promises:
#   full grade, warm          grader --no-cache          vs go test -race -count=1
#   unchanged regrade         grader (its result cache)  vs go test -race (go's cache)
#   one exercise after edit   grader run queue --no-cache vs go test -race -count=1 ./X
# Both sides work in the same student folder: a copy of the kit with every
# exercise holding its reference solution. "After an edit" is a real edit:
# before each of those runs, a comment line is added to the exercise's file,
# so both sides compile and link it again.
# Usage: grader/scripts/bench.sh [runs]   (default 3 runs each, after one warm-up)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
export GORACE=atexit_sleep_ms=0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/grader" ./grader
kit="$work/kit"
mkdir -p "$kit"
git ls-files -z | grep -zv '^solutions/' | xargs -0 cp --parents -t "$kit"
for sol in solutions/*/; do
  cp "$sol"*.go "$kit/exercises/$(basename "$sol")/"
done
packages=$(cd "$kit" && ls -d exercises/[0-9]*/ | sed 's|^|./|; s|/$||')
one=exercises/14_queue
edited="$kit/$one/queue.go"

# time_it COMMAND...: runs once untimed (warm-up), then $runs times; prints
# the mean. With EDIT=1, a comment is added to $edited before every run.
time_it() {
  local total=0 start end
  for i in $(seq 0 "$runs"); do
    if [ "${EDIT:-0}" = 1 ]; then echo "// edit $RANDOM$i" >>"$edited"; fi
    start=$(date +%s.%N)
    (cd "$kit" && "$@" >/dev/null 2>&1) || true
    end=$(date +%s.%N)
    [ "$i" -gt 0 ] && total=$(awk -v t="$total" -v s="$start" -v e="$end" 'BEGIN { print t + e - s }')
  done
  awk -v t="$total" -v n="$runs" 'BEGIN { printf "%.3f", t / n }'
}

echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), $runs runs each, warm caches"
g_full=$(time_it "$work/grader" --no-cache)
# shellcheck disable=SC2086
t_full=$(time_it go test -race -count=1 $packages)
g_cached=$(time_it "$work/grader")
# shellcheck disable=SC2086
t_cached=$(time_it go test -race $packages)
g_one=$(EDIT=1 time_it "$work/grader" run --no-cache queue)
t_one=$(EDIT=1 time_it go test -race -count=1 "./$one")

printf '%-54s %8s s\n' \
  "grader, full grade (--no-cache)" "$g_full" "go test -race -count=1, 20 packages" "$t_full" \
  "grader, unchanged regrade (cached)" "$g_cached" "go test -race, 20 packages (go's cache)" "$t_cached" \
  "grader run queue after an edit (--no-cache)" "$g_one" "go test -race -count=1 ./$one after an edit" "$t_one"
awk -v a="$g_full" -v b="$t_full" -v c="$g_cached" -v d="$t_cached" -v e="$g_one" -v f="$t_one" 'BEGIN {
  printf "ratio, full grade, warm:        %.2f  (goal <= 1.3)\n", a / b
  printf "ratio, unchanged regrade:       %.2f  (goal <= 2)\n", c / d
  printf "ratio, one exercise after edit: %.2f  (goal <= 1.3)\n", e / f
}'
