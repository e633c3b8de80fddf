#!/usr/bin/env bash
# Builds release binaries and runs the benchmarks, each printing its figures and its same-run baseline.
# Results go into BENCHMARKS.md by hand, with this command. Needs ~2 GB free disk for the 1M-entry log.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product promptgate
swift build -c release --product promptgate-bench
bench=.build/release/promptgate-bench
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== durable appends"
$bench append --seconds 5 --writers 1,8,64
echo "== verify: promptgate vs tlogverify on one 1,000,000-entry log"
$bench generate --entries 1000000 --dir Benchmarks/out/log-1m
if tlogverify=$(scripts/build-tlogverify.sh); then
  $bench verify --dir Benchmarks/out/log-1m --tlogverify "$tlogverify" --runs 3
else
  echo "skipped: no tlogverify to compare with"
fi
