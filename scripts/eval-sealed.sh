#!/usr/bin/env bash
# The sealed part of the unseen evaluation, cheap enough for every CI run: a corpus from
# Benchmarks/eval/generate_unseen.py with a seed nobody reads (PROMPTGATE_SEALED_SEED, or drawn at random and never
# printed), written to a private temporary folder, screened by the debug binary, scored, and deleted. Prints one
# summary line (micro precision, recall, F1, and the share of planted look-alikes flagged); it reports the score and
# never fails on it. Needs Faker (Benchmarks/eval/requirements-sealed.txt, installed into .venv-test).
#   scripts/eval-sealed.sh [--per-locale N]     (default 30: 300 documents in ten locales)
set -euo pipefail
cd "$(dirname "$0")/.."
per_locale=30
if [ "${1:-}" = "--per-locale" ]; then per_locale=$2; fi
bin=${PROMPTGATE_BIN:-.build/debug/promptgate}
[ -x "$bin" ] || swift build --product promptgate
if [ ! -x .venv-test/bin/python ]; then python3 -m venv .venv-test; fi
.venv-test/bin/pip install -q --disable-pip-version-check -r Benchmarks/eval/requirements-sealed.txt
dir=$(mktemp -d /tmp/promptgate-sealed.XXXXXX)
trap 'rm -rf "$dir"' EXIT
.venv-test/bin/python Benchmarks/eval/generate_unseen.py --sealed --per-locale "$per_locale" --templates 0 \
  --out "$dir/corpus.jsonl"
"$bin" check --batch --file "$dir/corpus.jsonl" > "$dir/findings.jsonl"
python3 Benchmarks/eval/score.py "$dir/corpus.jsonl" "$dir/findings.jsonl" --summary "sealed part (unseen generator)"
