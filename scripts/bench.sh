#!/usr/bin/env bash
# Builds release binaries and runs the benchmarks, each printing its figures and its same-run baseline.
# Results go into BENCHMARKS.md by hand, with this command. Needs ~2 GB free disk for the 1M-entry log.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --static-swift-stdlib --product promptgate
swift build -c release --static-swift-stdlib --product promptgate-bench
bench=.build/release/promptgate-bench
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== durable appends"
$bench append --seconds 5 --writers 1,8,64
echo "== durable appends from two proxies (processes) on one PostgreSQL, against the file log in the same run"
pgdir=$(mktemp -d /tmp/promptgate-bench-pg.XXXXXX)
pgurl=$(scripts/postgres-test.sh start "$pgdir")
trap 'scripts/postgres-test.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"' EXIT
$bench append-postgres --log "$pgurl" --proxies 2 --writers 1,16,64 --seconds 5
echo "== what a commit costs PostgreSQL's disk: pg_test_fsync in its folder (wal_sync_method is fdatasync on Linux)"
"$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_test_fsync" -s 2 -f "$pgdir/pg_test_fsync.out"
scripts/postgres-test.sh stop "$pgdir" >/dev/null
echo "== verify: promptgate vs tlogverify on one 1,000,000-entry log"
$bench generate --entries 1000000 --dir Benchmarks/out/log-1m
if tlogverify=$(scripts/build-tlogverify.sh); then
  $bench verify --dir Benchmarks/out/log-1m --tlogverify "$tlogverify" --runs 3
else
  echo "skipped: no tlogverify to compare with"
fi
