#!/usr/bin/env bash
# Builds tilesroot offline against Debian's golang-golang-x-mod-dev (as ../shared's tlogverify is built) into
# $1 (default ./bin/tilesroot) and prints its path. Exits 3 when go or x/mod is not installed.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/golang.org/x/mod/sumdb/tlog ]; then
  echo "skipped: go or golang-golang-x-mod-dev is not installed (scripts/setup.sh --test installs them)" >&2
  exit 3
fi
out="${1:-$PWD/bin/tilesroot}"
mkdir -p "$(dirname "$out")"
GOPROXY=off GOSUMDB=off GOFLAGS=-mod=mod GOCACHE="${GOCACHE:-${TMPDIR:-/tmp}/tilesroot-gocache}" go build -o "$out" . >&2
echo "$out"
