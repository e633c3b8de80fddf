#!/usr/bin/env bash
# Builds the libFuzzer harness (Fuzz/) and runs each target for a bounded time over its committed seed corpus.
#   scripts/fuzz.sh [SECONDS]        seconds per target (default 20)
#   FUZZ_TARGETS="json auditlog"     run only these targets
#   FUZZ_JOBS=2                      run this many targets at once (default 1)
#   FUZZ_ASAN=1                      build with AddressSanitizer too (.build-fuzz-asan; 3-10x fewer execs/s, and the
#                                    packs and auditlog targets start slowly: for long runs, not CI)
#   FUZZ_TARGETS=selftest            check the plumbing: that target traps at once, so the run must fail
# New inputs libFuzzer finds go to a temporary folder; Fuzz/Corpus/<target>/ is only read. A crash, trap, hang
# (-timeout) or runaway memory (-rss_limit_mb) fails the run: the input is kept under .build-fuzz/artifacts/<target>/,
# its path and bytes are printed, and the exit status is 1. Fuzz/README.md says how to reproduce and keep it.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-20}
ALL_TARGETS="json providers packs screen users registry policy auditlog checkpoint"
TARGETS=${FUZZ_TARGETS:-$ALL_TARGETS}
JOBS=${FUZZ_JOBS:-1}
SCRATCH=.build-fuzz
SANITIZE=fuzzer
if [ "${FUZZ_ASAN:-0}" = 1 ]; then SCRATCH=.build-fuzz-asan; SANITIZE=fuzzer,address; fi
BIN=$SCRATCH/debug/promptgate-fuzz

runtime=/opt/swift/usr/lib/swift/clang/lib/linux/libclang_rt.fuzzer-x86_64.a
if [ "$(uname -m)" = x86_64 ] && [ -d /opt/swift ] && [ ! -f "$runtime" ]; then
  echo "fuzz: $runtime is missing: this Swift toolchain cannot link libFuzzer" >&2
  exit 1
fi

echo "fuzz: building the harness (swift build --package-path Fuzz --scratch-path $SCRATCH, -sanitize=$SANITIZE)"
started=$(date +%s)
mkdir -p "$SCRATCH"
if ! swift build --package-path Fuzz --scratch-path "$SCRATCH" -c debug \
  -Xswiftc -sanitize="$SANITIZE" -Xswiftc -parse-as-library >"$SCRATCH/build.log" 2>&1; then
  tail -n 60 "$SCRATCH/build.log"
  echo "fuzz: the harness does not build (full log: $SCRATCH/build.log)" >&2
  exit 1
fi
echo "fuzz: built in $(($(date +%s) - started)) s"

# Work on tmpfs when there is one: the users, policy and audit-log targets write their input to a file each run.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then work=$(mktemp -d /dev/shm/promptgate-fuzz.XXXXXX); else work=$(mktemp -d); fi
trap 'rm -rf "$work"' EXIT

dict_for() {
  case $1 in
    json | providers | auditlog) echo Fuzz/Dictionaries/json.dict ;;
    packs | users | registry | policy) echo Fuzz/Dictionaries/yaml.dict ;;
  esac
}

run_target() {
  local target=$1
  local seeds=Fuzz/Corpus/$target artifacts=$SCRATCH/artifacts/$target
  mkdir -p "$work/$target/corpus" "$work/$target/tmp" "$artifacts"
  local dict args=() rc=0
  dict=$(dict_for "$target")
  if [ -n "$dict" ]; then args+=("-dict=$dict"); fi
  if [ ! -d "$seeds" ]; then seeds=$work/$target/no-seeds; mkdir -p "$seeds"; fi
  # First corpus folder: writable, temporary. Second: the committed seeds, read only.
  # Swift's backtracer would take SIGILL (a Swift trap) before libFuzzer, which then writes no crash input: off
  # here, on again when report_failure replays the input for a symbolicated stack.
  SWIFT_BACKTRACE=enable=no FUZZ_TARGET=$target TMPDIR=$work/$target/tmp "$BIN" \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -max_len=65536 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "${args[@]}" \
    "$work/$target/corpus" "$seeds" >"$work/$target/log" 2>&1 || rc=$?
  echo "$rc" >"$work/$target/status"
}

summary() {
  local target=$1 status=$2 log=$work/$1/log
  local done execs cov ft corp
  done=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
  execs=$(grep -E '^stat::average_exec_per_sec:' "$log" | awk '{print $2}' || true)
  cov=$(sed -nE 's/.* cov: ([0-9]+) .*/\1/p' <<<"$done")
  ft=$(sed -nE 's/.* ft: ([0-9]+) .*/\1/p' <<<"$done")
  corp=$(sed -nE 's/.* corp: ([0-9]+\/[0-9a-zA-Z]+) .*/\1/p' <<<"$done")
  if [ "$status" -eq 0 ]; then
    printf '%-11s ok     %8s exec/s  cov %5s  ft %6s  corpus %s\n' "$target" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
  else
    printf '%-11s FAILED (exit %s)\n' "$target" "$status"
  fi
}

report_failure() {
  local target=$1 log=$work/$1/log
  echo "---- $target: libFuzzer output (last 60 lines)"
  tail -n 60 "$log"
  local input
  input=$(sed -nE 's/.*Test unit written to (.*)$/\1/p' "$log" | tail -n 1)
  if [ -n "$input" ] && [ -f "$input" ]; then
    echo "---- $target: crashing input: $input ($(wc -c <"$input") bytes); first 2 KiB:"
    head -c 2048 "$input" | od -A d -c | head -n 80
    echo "---- $target: the input replayed, with Swift's backtrace:"
    FUZZ_TARGET=$target TMPDIR=$work/$target/tmp SWIFT_BACKTRACE=enable=yes,interactive=no,color=no \
      timeout 120 "$BIN" -rss_limit_mb=2048 -timeout=10 "$input" 2>&1 | grep -vE '^(INFO|Running|Executed)' | head -n 60 || true
    echo "---- reproduce: FUZZ_TARGET=$target $BIN $input"
  else
    echo "---- $target: no input was written (the harness failed to start?)"
  fi
}

echo "fuzz: $SECONDS_PER_TARGET s per target: $TARGETS"
failed=()
if [ "$JOBS" -le 1 ]; then
  for target in $TARGETS; do
    run_target "$target"
    summary "$target" "$(cat "$work/$target/status")"
  done
else
  running=0
  for target in $TARGETS; do
    run_target "$target" &
    running=$((running + 1))
    if [ "$running" -ge "$JOBS" ]; then wait -n || true; running=$((running - 1)); fi
  done
  wait
  for target in $TARGETS; do summary "$target" "$(cat "$work/$target/status" 2>/dev/null || echo 99)"; done
fi
for target in $TARGETS; do
  if [ "$(cat "$work/$target/status" 2>/dev/null || echo 99)" -ne 0 ]; then failed+=("$target"); report_failure "$target"; fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]} (inputs kept under $SCRATCH/artifacts/)" >&2
  exit 1
fi
echo "fuzz: no crash in $(wc -w <<<"$TARGETS") target(s)"
