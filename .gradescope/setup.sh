#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image
# (its Ubuntu base image, with the autograder zip unpacked in
# /autograder/source): it installs Go and make, builds the grader from the
# teacher's copy of the kit, and warms the build cache by grading the
# reference solutions, so that a submission's grade takes seconds.
set -euo pipefail

# The Go release to install: at least the go line of go.mod. Raise it here
# when the kit moves to a newer Go.
GO_VERSION="${GO_VERSION:-1.26.0}"
SOURCE="$(cd "$(dirname "$0")" && pwd)"

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq ca-certificates curl make zip >/dev/null

arch="$(dpkg --print-architecture)" # amd64 or arm64, as Go names them
curl -fsSL "https://go.dev/dl/go${GO_VERSION}.linux-${arch}.tar.gz" -o /tmp/go.tar.gz
rm -rf /usr/local/go
tar -C /usr/local -xzf /tmp/go.tar.gz
rm /tmp/go.tar.gz
export PATH="/usr/local/go/bin:$PATH"
export GOTOOLCHAIN=local
go version

cd "$SOURCE"
go mod download
go build -o bin/grader ./grader
# Builds the race-instrumented standard library and every package a grade
# needs into the build cache; the score does not matter here.
bin/grader grade --solutions --color never >/dev/null || true
