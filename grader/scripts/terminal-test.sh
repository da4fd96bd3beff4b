#!/usr/bin/env bash
# Checks what a student sees in a real 80-column terminal, through tmux, on
# a fresh copy of the kit:
#   1. the grade of a fresh kit fits 80 columns and shows the focused view,
#      in English and in Chinese (display columns: a Chinese character
#      takes two);
#   2. grader watch grades the exercise, reacts to a save of the student's
#      file with the new result (the time it took is printed; the 1.5 s goal
#      is measured by make bench, not asserted here), moves on once the
#      exercise is done, shows the hint on h and quits on q.
# Usage: grader/scripts/terminal-test.sh   (needs tmux; .ci/run installs it)
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v tmux >/dev/null || { echo "terminal-test: tmux is not installed" >&2; exit 1; }

kit=$(mktemp -d)
session="kit-terminal-test-$$"
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$kit"; }
trap cleanup EXIT
git ls-files -z | xargs -0 -I{} cp --parents {} "$kit/"
(cd "$kit" && go build -o bin/grader ./grader)

fail() { echo "terminal-test: FAIL: $*" >&2; echo "--- screen:" >&2; tmux capture-pane -p -J -t "$session" >&2 || true; exit 1; }

# wait_for PATTERN SECONDS: waits until the screen shows PATTERN.
wait_for() {
  local deadline=$((SECONDS + $2))
  while ! tmux capture-pane -p -J -t "$session" | grep -q -- "$1"; do
    [ $SECONDS -lt $deadline ] || fail "no \"$1\" on the screen after $2 s"
    sleep 0.05
  done
}

# 1. A fresh kit's grade, in an 80-column terminal.
tmux new-session -d -s "$session" -x 80 -y 50 "cd '$kit' && bin/grader --no-cache; echo GRADE-DONE; sleep 600"
wait_for "building 20 exercises (a first build also compiles the race-enabled" 30
echo "terminal-test: ok: the grade says what it is doing while it builds"
wait_for GRADE-DONE 600
screen=$(tmux capture-pane -p -J -S - -t "$session")
wide=$(printf '%s\n' "$screen" | awk '{ if (length($0) > 80) print }')
[ -z "$wide" ] || fail "lines wider than 80 columns: $wide"
printf '%s\n' "$screen" | grep -q "exercises not started yet" || fail "the focused view does not count the exercises not started"
printf '%s\n' "$screen" | grep -q "Next: exercises/01_goroutines" || fail "no next step"
echo "terminal-test: ok: a fresh kit's grade fits 80 columns ($(printf '%s\n' "$screen" | grep -c .) lines)"
tmux kill-session -t "$session"

# 1b. The same grade in Chinese (cached: nothing is graded again), where a
# character takes two columns: wc -L counts display columns in a UTF-8
# locale.
tmux -u new-session -d -s "$session" -x 80 -y 50 "cd '$kit' && LANG=zh_CN.UTF-8 bin/grader; echo GRADE-DONE; sleep 600"
wait_for GRADE-DONE 120
screen=$(tmux capture-pane -p -J -S - -t "$session")
printf '%s\n' "$screen" | grep -q "总分：" || fail "the Chinese grade has no total (总分)"
printf '%s\n' "$screen" | grep -q "下一步：exercises/01_goroutines" || fail "the Chinese grade has no next step"
columns=$(printf '%s\n' "$screen" | LC_ALL=C.UTF-8 wc -L)
[ "$columns" -le 80 ] || fail "the Chinese grade is $columns columns wide"
echo "terminal-test: ok: the grade in Chinese fits 80 columns ($columns at the widest)"
tmux kill-session -t "$session"

# 2. grader watch.
tmux new-session -d -s "$session" -x 80 -y 50 "cd '$kit' && bin/grader watch goroutines"
wait_for "and save: it is graded again" 300
start=$(date +%s.%N)
cp "$kit/solutions/01_goroutines/goroutines.go" "$kit/exercises/01_goroutines/goroutines.go"
wait_for "01_goroutines is done. On to the next exercise" 120
end=$(date +%s.%N)
echo "terminal-test: ok: watch showed the new grade $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }') s after the save"
wait_for "exercises/02_daemon" 300
wait_for "h hint" 300
tmux send-keys -t "$session" h
wait_for "The exercise's README: exercises/02_daemon/README.md" 10
tmux send-keys -t "$session" q
for _ in $(seq 100); do tmux has-session -t "$session" 2>/dev/null || break; sleep 0.05; done
tmux has-session -t "$session" 2>/dev/null && fail "q did not quit"
echo "terminal-test: ok: watch moved on to the next exercise, showed the hint and quit"
