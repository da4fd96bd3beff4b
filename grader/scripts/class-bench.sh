#!/usr/bin/env bash
# Times grader class against grading the same submissions one after
# another with the plain whole-kit grade, in one run, on this machine:
#   class        grader class SUBMISSIONS (fresh report folder: nothing kept)
#   sequential   grader --dir SUBMISSION --no-cache, for each submission
# The submissions are generated: N copies of the kit (default 40) in which
# every exercise holds, in turn, the stub, the reference solution, one of
# its wrong fixtures or one of its alternatives, as a class would.
# Usage: grader/scripts/class-bench.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-40}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/grader" ./grader

# variant EXERCISE_DIR I: the file that student I hands in for the exercise
# ("" for the stub).
variants() {
  local sol=solutions/$1
  echo ""
  ls "$sol"/*.go | head -1
  ls "$sol"/testdata/mistakes/*.go 2>/dev/null || true
  ls "$sol"/testdata/alternatives/*.go 2>/dev/null || true
}

mkdir -p "$work/class"
for i in $(seq 1 "$n"); do
  dest="$work/class/student$(printf %02d "$i")"
  mkdir -p "$dest"
  git ls-files -z go.mod go.sum exercises grader/event | xargs -0 -I{} cp --parents {} "$dest/"
  for ex in exercises/[0-9]*/; do
    name=$(basename "$ex")
    mapfile -t options < <(variants "$name")
    # Most students hand in the stub or the solution; the rest, a mistake.
    pick=$(( (i * 7 + ${#name} * 3) % (${#options[@]} + 2) ))
    if [ "$pick" -ge "${#options[@]}" ]; then pick=$(( pick - ${#options[@]} )); fi
    file=${options[$pick]}
    stub=$(ls "$ex"*.go | grep -v _test.go | grep -v kit_gen | head -1)
    if [ -n "$file" ]; then cp "$file" "$dest/$stub"; fi
  done
done

start=$(date +%s.%N)
"$work/grader" class --out "$work/report" "$work/class" >/dev/null
class=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')

start=$(date +%s.%N)
for dest in "$work"/class/*/; do
  "$work/grader" --dir "$dest" --no-cache --json >/dev/null || true
done
sequential=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')

printf '%d submissions: grader class %.1f s, %d sequential grades %.1f s, ratio %.2f\n' \
  "$n" "$class" "$n" "$sequential" "$(awk -v a="$class" -v b="$sequential" 'BEGIN { print a / b }')"
