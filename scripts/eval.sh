#!/usr/bin/env bash
# Scores PromptGate's rule engine and Microsoft Presidio on the same labelled corpus in the same run, and measures
# screening throughput for both. Prints Markdown tables for BENCHMARKS.md.
#   scripts/eval.sh            the committed corpus (seed 2026) and a held-out one generated with seed 7
# Needs PyPI (faker, presidio-analyzer, spaCy's English model) the first time; ~5 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ ! -x .venv-eval/bin/python ]; then
  python3 -m venv .venv-eval
fi
.venv-eval/bin/pip install -q -r Benchmarks/eval/requirements.txt
swift build -c release --product promptgate
swift build -c release --product promptgate-bench
bin=.build/release/promptgate
out=Benchmarks/out/eval
mkdir -p "$out"
eval_dir=Benchmarks/eval
presidio_types=EMAIL_ADDRESS,PHONE_NUMBER,CREDIT_CARD,US_SSN,IBAN_CODE,IP_ADDRESS,PERSON,US_PASSPORT,US_DRIVER_LICENSE,UK_NHS
.venv-eval/bin/python "$eval_dir/generate_corpus.py" --seed 7 > "$out/heldout.jsonl"
cmp -s <(.venv-eval/bin/python "$eval_dir/generate_corpus.py" --seed 2026) "$eval_dir/corpus.jsonl" \
  || echo "note: the committed corpus differs from a fresh generation (Faker version?); scoring the committed one" >&2
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for name in corpus heldout; do
  corpus="$eval_dir/corpus.jsonl"
  [ "$name" = heldout ] && corpus="$out/heldout.jsonl"
  "$bin" check --batch --file "$corpus" > "$out/$name.promptgate.jsonl"
  echo "== $name: Presidio (presidio-analyzer, en_core_web_sm, score >= 0.4)"
  taskset -c 0 .venv-eval/bin/python "$eval_dir/run_presidio.py" "$corpus" --out "$out/$name.presidio.jsonl" 2>/dev/null \
    | tee "$out/$name.presidio-timing.json"
  echo "== $name: PromptGate, every type"
  python3 "$eval_dir/score.py" "$corpus" "$out/$name.promptgate.jsonl"
  echo "== $name: PromptGate, on Presidio's types only"
  python3 "$eval_dir/score.py" "$corpus" "$out/$name.promptgate.jsonl" --types "$presidio_types"
  echo "== $name: Presidio, on its types"
  python3 "$eval_dir/score.py" "$corpus" "$out/$name.presidio.jsonl" --types "$presidio_types"
done
echo "== throughput, one core: PromptGate on the labelled corpus (PII-dense) and on prose (the project's docs)"
taskset -c 0 .build/release/promptgate-bench screen --corpus "$eval_dir/corpus.jsonl" --megabytes 32
taskset -c 0 .build/release/promptgate-bench screen --corpus "$eval_dir/prose.jsonl" --megabytes 128
echo "== throughput, one core: Presidio on prose"
taskset -c 0 .venv-eval/bin/python "$eval_dir/run_presidio.py" "$eval_dir/prose.jsonl" --out "$out/prose.presidio.jsonl" 2>/dev/null
