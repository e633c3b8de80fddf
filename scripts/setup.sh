#!/usr/bin/env bash
# Installs what PromptGate needs on Debian 12 / Ubuntu: the libcurl, Hyperscan and libphonenumber headers, and for tests
# python3-venv and prlimit. Idempotent: installs only what is missing.
#
# Hyperscan, not Vectorscan, on x86-64: Debian 12's Vectorscan 5.4.9 misses matches (`d\d+` in
# "aaaaaaaaaaaaaaa d9"; PromptGate's start-up self-test refuses it). The two packages conflict, so Vectorscan is
# removed first. On other architectures Debian only has Vectorscan; the self-test says whether it can be used.
#   scripts/setup.sh          for building and running
#   scripts/setup.sh --test   also what the tests need
set -euo pipefail

engine=libvectorscan-dev
if [ "$(dpkg --print-architecture)" = "amd64" ]; then
  engine=libhyperscan-dev
fi
# libphonenumber-dev: Google's phone number library (C++), which the Screening module's phone checks call; libicu-dev:
# ICU's regular expressions, which that library matches its metadata with and the phone checks call directly too
# (libphonenumber-dev does not pull in ICU's headers).
packages=(libcurl4-openssl-dev "$engine" pkg-config libphonenumber-dev libicu-dev)
if [ "${1:-}" = "--test" ]; then
  packages+=(util-linux openssl)
  python3 -m venv --help >/dev/null 2>&1 || packages+=(python3-venv)
  # The auditors' independent verifier (../shared/tools/tlogverify) and the tile interop check
  # (Tests/interop/tiles: Go's x/mod tile reader) build offline from Debian's Go packages.
  packages+=(golang-go golang-golang-x-mod-dev)
  # Headless Chromium renders the report and the /admin page in Tests/e2e/test_report.py.
  packages+=(chromium)
  # A real PostgreSQL server for the shared audit log's tests (scripts/postgres-test.sh starts a throwaway one).
  packages+=(postgresql)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  if [ "$engine" = "libhyperscan-dev" ] && dpkg-query -W -f='${Status}' libvectorscan5 2>/dev/null | grep -q "install ok installed"; then
    echo "setup: replacing Vectorscan 5.4.9 (misses matches) with Hyperscan" >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq libvectorscan-dev libvectorscan5 >&2
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
fi
if ! command -v swift >/dev/null 2>&1; then
  echo "setup: the Swift 6.3 toolchain is not on PATH; install it from https://www.swift.org/install/linux/" >&2
  exit 1
fi
