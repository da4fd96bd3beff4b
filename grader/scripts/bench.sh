#!/usr/bin/env bash
# Times the grader against the fastest plain command a user could type,
# GORACE=atexit_sleep_ms=0 go test -race over the 20 exercise packages (with
# the reference solutions swapped in through an overlay), on this machine,
# and prints the ratios of the three cases the kit promises:
#   full grade, warm          grader --solutions --no-cache   vs go test -race -count=1
#   unchanged regrade         grader --solutions (cached)      vs go test -race (go's cache)
#   one exercise after edit   grader run X --no-cache          vs go test -race -count=1 ./X
# Usage: grader/scripts/bench.sh [runs]   (default 3 runs each, after one warm-up)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
export GORACE=atexit_sleep_ms=0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/grader" ./grader
packages=$(ls -d exercises/[0-9]*/ | sed 's|^|./|; s|/$||')
one=./exercises/14_queue

# The overlay that swaps every stub for its reference solution, for go test.
solution_overlay() {
  printf '{"Replace":{'
  local first=1
  for sol in solutions/*/; do
    name=$(basename "$sol")
    for f in "$sol"*.go; do
      [ -e "$f" ] || continue
      [ $first -eq 1 ] || printf ','
      first=0
      printf '"%s":"%s"' "$PWD/exercises/$name/$(basename "$f")" "$PWD/$f"
    done
  done
  printf '}}'
}
solution_overlay > "$work/solutions.json"

# time_it COMMAND...: runs once untimed (warm-up), then $runs times; prints the mean.
time_it() {
  "$@" >/dev/null 2>&1 || true
  local start end
  start=$(date +%s.%N)
  for _ in $(seq "$runs"); do "$@" >/dev/null 2>&1 || true; done
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v n="$runs" 'BEGIN { printf "%.3f", (e - s) / n }'
}

echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), $runs runs each, warm caches"
# shellcheck disable=SC2086
g_full=$(time_it "$work/grader" --solutions --no-cache)
# shellcheck disable=SC2086
t_full=$(time_it go test -race -count=1 -overlay "$work/solutions.json" $packages)
g_cached=$(time_it "$work/grader" --solutions)
# shellcheck disable=SC2086
t_cached=$(time_it go test -race -overlay "$work/solutions.json" $packages)
g_one=$(time_it "$work/grader" run --solutions --no-cache queue)
t_one=$(time_it go test -race -count=1 -overlay "$work/solutions.json" "$one")

printf '%-46s %8s s\n' \
  "grader, full grade (--no-cache)" "$g_full" "go test -race -count=1, 20 packages" "$t_full" \
  "grader, unchanged regrade (cached)" "$g_cached" "go test -race, 20 packages (go's cache)" "$t_cached" \
  "grader run queue (--no-cache)" "$g_one" "go test -race -count=1 ./exercises/14_queue" "$t_one"
awk -v a="$g_full" -v b="$t_full" -v c="$g_cached" -v d="$t_cached" -v e="$g_one" -v f="$t_one" 'BEGIN {
  printf "ratio, full grade, warm:        %.2f  (goal <= 1.3)\n", a / b
  printf "ratio, unchanged regrade:       %.2f  (goal <= 2)\n", c / d
  printf "ratio, one exercise after edit: %.2f  (goal <= 1.3)\n", e / f
}'
