#!/usr/bin/env bash
# Times the grader against plain `go test -race` over the same exercise
# packages, warm (after one untimed run of each), on this machine, and prints
# the ratios. Usage: grader/scripts/bench.sh [runs]   (default 3 runs each)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
export GORACE=atexit_sleep_ms=0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/grader" ./grader

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

# time_it NAME COMMAND...: runs once untimed (warm-up), then $runs times; prints the mean.
time_it() {
  local name=$1; shift
  "$@" >/dev/null 2>&1 || true
  local start end
  start=$(date +%s.%N)
  for _ in $(seq "$runs"); do "$@" >/dev/null 2>&1 || true; done
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v n="$runs" 'BEGIN { printf "%.2f", (e - s) / n }'
}

echo "machine: $(nproc) cores, $(go version | cut -d' ' -f3), $runs runs each, warm cache"
g_stub=$(time_it grade-stubs "$work/grader")
t_stub=$(time_it gotest-stubs go test -race -count=1 ./exercises/...)
g_sol=$(time_it grade-solutions "$work/grader" --solutions)
t_sol=$(time_it gotest-solutions go test -race -count=1 -overlay "$work/solutions.json" ./exercises/...)

printf '%-34s %8s s\n' "grader, stubs" "$g_stub" "go test -race, stubs" "$t_stub" \
  "grader, solutions" "$g_sol" "go test -race, solutions" "$t_sol"
awk -v a="$g_stub" -v b="$t_stub" -v c="$g_sol" -v d="$t_sol" 'BEGIN {
  printf "ratio grader / go test, stubs:     %.2f\n", a / b
  printf "ratio grader / go test, solutions: %.2f\n", c / d
}'
