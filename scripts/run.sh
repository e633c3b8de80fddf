#!/usr/bin/env bash
# One command from a fresh clone: install what is missing, build, and run the proxy with the guideline packs
# built into the binary. Arguments go to `promptgate serve` (see `--help`); the upstream key comes from
# PROMPTGATE_UPSTREAM_KEY, the upstream URL from PROMPTGATE_UPSTREAM (default https://api.openai.com/v1).
#   scripts/run.sh
#   PROMPTGATE_UPSTREAM=http://127.0.0.1:11434/v1 scripts/run.sh --listen 127.0.0.1:8787
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The Swift runtime and Foundation linked in: fewer shared libraries for the dynamic linker to resolve at every start
# (about 5 ms of `promptgate check`'s ~55 ms); the system libraries (Hyperscan, libcurl, libphonenumber) stay shared.
swift build -c release --static-swift-stdlib --product promptgate
exec .build/release/promptgate serve "$@"
