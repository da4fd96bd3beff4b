#!/usr/bin/env bash
# make gradescope: builds bin/gradescope.zip (or $OUT), the autograder
# Gradescope takes. At its root are setup.sh and run_autograder (from .gradescope/)
# and the kit's files as git tracks them (a teacher's own edits included),
# which Gradescope unpacks into /autograder/source.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v zip >/dev/null || { echo "make gradescope needs zip (Debian: apt-get install zip)" >&2; exit 1; }

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
git ls-files -z | while IFS= read -r -d '' f; do
  [ -e "$f" ] || continue # deleted in the work tree
  mkdir -p "$stage/$(dirname "$f")"
  cp -P "$f" "$stage/$f"
done
cp .gradescope/setup.sh .gradescope/run_autograder "$stage/"
chmod +x "$stage/setup.sh" "$stage/run_autograder"

out="${OUT:-bin/gradescope.zip}"
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
rm -f "$out"
(cd "$stage" && zip -qr -X "$out" .)
echo "$out: upload it as the autograder (Configure Autograder, Ubuntu base image)"
