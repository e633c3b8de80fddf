#!/usr/bin/env bash
# Scores PromptGate's rule engine and Microsoft Presidio on the same labelled corpus in the same run, and measures
# screening throughput for both. Prints Markdown tables for BENCHMARKS.md.
#   scripts/eval.sh            the committed corpus (seed 2026) and a held-out one generated with seed 7, then the
#                              unseen corpus (Benchmarks/eval/generate_unseen.py: another generator, structured text in
#                              ten locales, presidio-evaluator's templates) in two parts side by side: open (seed 11)
#                              and sealed (PROMPTGATE_SEALED_SEED, or a random seed; never printed, written outside
#                              the repository and deleted)
#   EVAL_BUILD=debug scripts/eval.sh   score the debug binary (no release build; throughput is then not comparable)
# Needs PyPI (faker, presidio-analyzer, presidio-evaluator, spaCy's English model) the first time; ~10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ ! -x .venv-eval/bin/python ]; then
  python3 -m venv .venv-eval
fi
.venv-eval/bin/pip install -q -r Benchmarks/eval/requirements.txt
build=${EVAL_BUILD:-release}
# Release builds link the Swift runtime and Foundation statically, as scripts/run.sh does (a shorter start).
static=()
[ "$build" = release ] && static=(--static-swift-stdlib)
swift build -c "$build" "${static[@]}" --product promptgate
swift build -c "$build" "${static[@]}" --product promptgate-bench
bin=.build/$build/promptgate
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
unseen_types=$presidio_types,US_ITIN
sealed=$(mktemp -d /tmp/promptgate-sealed.XXXXXX)
trap 'rm -rf "$sealed"' EXIT
.venv-eval/bin/python "$eval_dir/generate_unseen.py" --seed 11 --per-locale 40 --templates 200 > "$out/unseen-open.jsonl"
.venv-eval/bin/python "$eval_dir/generate_unseen.py" --sealed --per-locale 40 --templates 200 --out "$sealed/corpus.jsonl"
for name in unseen-open unseen-sealed; do
  corpus="$out/unseen-open.jsonl" findings="$out/unseen-open"
  [ "$name" = unseen-sealed ] && corpus="$sealed/corpus.jsonl" findings="$sealed/found"
  "$bin" check --batch --file "$corpus" > "$findings.promptgate.jsonl"
  taskset -c 0 .venv-eval/bin/python "$eval_dir/run_presidio.py" "$corpus" --out "$findings.presidio.jsonl" \
    2>/dev/null >/dev/null
  echo "== $name: PromptGate, every type"
  python3 "$eval_dir/score.py" "$corpus" "$findings.promptgate.jsonl"
  echo "== $name: PromptGate, on Presidio's types only"
  python3 "$eval_dir/score.py" "$corpus" "$findings.promptgate.jsonl" --types "$unseen_types"
  echo "== $name: Presidio, on its types"
  python3 "$eval_dir/score.py" "$corpus" "$findings.presidio.jsonl" --types "$unseen_types"
done
echo "== unseen corpus, summary: open and sealed side by side"
for name in unseen-open unseen-sealed; do
  corpus="$out/unseen-open.jsonl" findings="$out/unseen-open"
  [ "$name" = unseen-sealed ] && corpus="$sealed/corpus.jsonl" findings="$sealed/found"
  python3 "$eval_dir/score.py" "$corpus" "$findings.promptgate.jsonl" --summary "$name, PromptGate"
  python3 "$eval_dir/score.py" "$corpus" "$findings.presidio.jsonl" --types "$unseen_types" \
    --summary "$name, Presidio (its types)"
done
echo "== real technical text: the checkouts' READMEs and DocC articles, /etc/*.conf, the licences (precision)"
python3 "$eval_dir/real_text.py" --bin "$bin"
[ "$build" = release ] || echo "note: throughput below is of the $build build" >&2
echo "== throughput, one core: PromptGate on the labelled corpus (PII-dense) and on prose (the project's docs)"
taskset -c 0 ".build/$build/promptgate-bench" screen --corpus "$eval_dir/corpus.jsonl" --megabytes 32
taskset -c 0 ".build/$build/promptgate-bench" screen --corpus "$eval_dir/prose.jsonl" --megabytes 128
echo "== throughput, one core: Presidio on prose"
taskset -c 0 .venv-eval/bin/python "$eval_dir/run_presidio.py" "$eval_dir/prose.jsonl" --out "$out/prose.presidio.jsonl" 2>/dev/null
echo "== throughput, one core, PII-dense text: Presidio pattern-only (no spaCy NER) and PromptGate's whole process"
# Issue 18's comparison: Presidio's predefined recognisers without the spaCy one, on the labelled corpus; then
# `promptgate check --batch` on the same corpus ten times over (3.8 MB of text), timed from process start to exit.
taskset -c 0 .venv-eval/bin/python "$eval_dir/run_presidio_patterns.py" "$eval_dir/corpus.jsonl" 2>/dev/null \
  | tee "$out/presidio-patterns-timing.json"
dense="$out/dense-x10.jsonl"
for _ in $(seq 10); do cat "$eval_dir/corpus.jsonl"; done > "$dense"
started=$(date +%s%N)
taskset -c 0 "$bin" check --batch --file "$dense" > /dev/null
ended=$(date +%s%N)
python3 - "$dense" "$started" "$ended" "$out/presidio-patterns-timing.json" <<'PY'
import json, os, sys
# The texts' bytes, as Presidio's figure counts them (the JSON Lines file is about twice that).
size = sum(len(json.loads(line)["text"].encode()) for line in open(sys.argv[1], encoding="utf-8") if line.strip())
seconds = (int(sys.argv[3]) - int(sys.argv[2])) / 1e9
presidio = json.load(open(sys.argv[4]))["MB_per_s"]
print(json.dumps({"engine": "promptgate check --batch", "bytes": size, "seconds": round(seconds, 3),
                  "MB_per_s": round(size / seconds / 1e6, 2), "times_presidio_patterns": round(size / seconds / 1e6 / presidio)}))
PY
