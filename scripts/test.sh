#!/usr/bin/env bash
# One command from a fresh clone: install what is missing, build with zero warnings, run the Swift tests, then the
# end-to-end tests with the real openai SDK against llmock, checking every log with the auditors' independent
# verifier when ../shared/tools/tlogverify is there (CI has it; a user's clone may not, and then it says so).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

echo "== swift format lint --strict (the style .swift-format sets; generated files opt out)"
swift format lint --strict --recursive Package.swift Sources Tests Benchmarks Examples Fuzz

echo "== build (warnings are errors for our own code; every import is a declared dependency)"
mkdir -p .build
swift build --build-tests --explicit-target-dependency-import-check error 2>&1 | tee .build/warnings.log
if grep -E "^$PWD/(Sources|Tests)/.*warning:" .build/warnings.log >/dev/null; then
  echo "test: the build has warnings in our code (see above)" >&2
  exit 1
fi

echo "== PostgreSQL for the tests (a throwaway cluster on a free loopback port, stopped on exit)"
pg_dir=$(mktemp -d /tmp/promptgate-pg.XXXXXX)
PROMPTGATE_TEST_POSTGRES=$(scripts/postgres-test.sh start "$pg_dir")
export PROMPTGATE_TEST_POSTGRES PROMPTGATE_TEST_POSTGRES_DIR="$pg_dir"
trap 'scripts/postgres-test.sh stop "$pg_dir" || true; rm -rf "$pg_dir"' EXIT
echo "PostgreSQL at $PROMPTGATE_TEST_POSTGRES"

echo "== swift test"
swift test --skip-build

echo "== the developer's view: documented snippets, Examples/CaseNotes and DocC in a package that depends on this one"
scripts/check-docs.sh

echo "== fuzz (bounded)"
scripts/fuzz.sh 15

echo "== tlogverify (the auditors' independent verifier)"
if TLOGVERIFY=$(scripts/build-tlogverify.sh); then
  export TLOGVERIFY
else
  echo "skipped: ../shared/tools/tlogverify is not next to this clone, so logs are checked by promptgate verify only"
fi

echo "== end-to-end tests (openai SDK -> promptgate -> llmock)"
if [ ! -x .venv-test/bin/pytest ]; then python3 -m venv .venv-test; fi
.venv-test/bin/pip install -q --disable-pip-version-check -r Tests/e2e/requirements.txt
PROMPTGATE_BIN="$PWD/.build/debug/promptgate" PROMPTGATE_BENCH="$PWD/.build/debug/promptgate-bench" \
  .venv-test/bin/pytest -v Tests/e2e

echo "== the name lists rebuild byte for byte from the published name counts"
scripts/check-gazetteers.sh

echo "== sealed evaluation (an unseen generator's corpus with a seed nobody reads; reported, never gating)"
scripts/eval-sealed.sh
