#!/usr/bin/env bash
# Builds what a developer copies: every ```swift block of docs/developer.md and of the public doc comments of the
# library products (Sources/{PromptGate,Screening,AuditLog}), in a fresh package that depends on this repository by
# path with traits: [] (the manifest is the one docs/developer.md shows), plus Examples/CaseNotes; then the DocC
# catalogs of the three products. Fails on a snippet that does not compile, on a warning from a dependency, and on
# a server package the library should not pull in.
#   scripts/check-docs.sh            (work folder: .build/doc-check)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$repo/.build/doc-check
mkdir -p "$work"
rm -rf "$work/Sources" "$work/Package.swift" "$work/docs"
python3 scripts/extract-snippets.py --repo "$repo" --out "$work"

echo "== a fresh package that depends on the repository by path (traits: [])"
start=$(date +%s)
(cd "$work" && swift package resolve >/dev/null)
resolved=$(ls "$work/.build/checkouts" | sort)
echo "resolved $(echo "$resolved" | wc -l) packages: $(echo $resolved)"
for server in hummingbird swift-nio swift-argument-parser swift-property-based swift-mustache swift-otel postgres-nio; do
  if echo "$resolved" | grep -qx "$server"; then
    echo "check-docs: the library pulled in $server, which only the Server trait needs" >&2
    exit 1
  fi
done
(cd "$work" && swift build -Xswiftc -emit-symbol-graph -Xswiftc -emit-symbol-graph-dir -Xswiftc "$work/symbols" \
  2>&1 | tee "$work/build.log")
echo "built in $(( $(date +%s) - start )) s"
# Warnings from dependencies (their files under checkouts/, or SwiftPM's about a package) are what a developer
# would see in every build of theirs; the library's own are already errors in scripts/test.sh, and a snippet's
# point to its line in the docs.
if grep -E "warning:" "$work/build.log" | grep -E "/checkouts/|^warning: '" >/dev/null; then
  echo "check-docs: a dependency printed warnings (see above)" >&2
  exit 1
fi
if grep -E "warning:" "$work/build.log" >/dev/null; then
  echo "check-docs: a documented snippet has warnings (see above)" >&2
  exit 1
fi

echo "== DocC: the PromptGate, Screening and AuditLog catalogs"
for module in PromptGate Screening AuditLog; do
  graphs="$work/symbols-$module"
  rm -rf "$graphs" && mkdir -p "$graphs" "$work/docs"
  cp "$work/symbols/$module".symbols.json "$graphs/"
  cp "$work/symbols/$module"@*.symbols.json "$graphs/" 2>/dev/null || true
  # Strict for our own documentation (a broken link, an undocumented parameter), not for the doc comments of the
  # types Screening re-exports from swift-crypto, whose links point into Crypto's own catalog.
  docc convert "$repo/Sources/$module/$module.docc" --additional-symbol-graph-dir "$graphs" \
    --fallback-display-name "$module" --fallback-bundle-identifier "org.promptgate.$module" \
    --output-path "$work/docs/$module.doccarchive" --diagnostics-file "$work/docc-$module.json" \
    >"$work/docc-$module.log" 2>&1 || {
    cat "$work/docc-$module.log" >&2
    echo "check-docs: docc failed for $module" >&2
    exit 1
  }
  if ! python3 - "$work/docc-$module.json" "$repo" <<'PY'; then
import json, sys
diagnostics = json.load(open(sys.argv[1])).get("diagnostics", [])
ours = [d for d in diagnostics
        if not d.get("source") or d["source"].startswith(f"file://{sys.argv[2]}/Sources/")]
for d in ours:
    print(f"{d.get('severity')}: {d.get('summary')} ({d.get('source', 'catalog')}, {d.get('range', '')})")
sys.exit(1 if ours else 0)
PY
    echo "check-docs: the $module documentation has problems (above)" >&2
    exit 1
  fi
  echo "$module: $work/docs/$module.doccarchive"
done
