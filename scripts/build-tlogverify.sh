#!/usr/bin/env bash
# Builds the auditors' independent verifier from ../shared/tools/tlogverify into .build/tlogverify (a copy: shared/
# is read-only in CI) and prints its path. Exits 3 with a message when ../shared is not next to this clone.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d ../shared/tools/tlogverify ]; then
  echo "skipped: ../shared/tools/tlogverify is not next to this clone" >&2
  exit 3
fi
rm -rf .build/tlogverify && mkdir -p .build && cp -r ../shared/tools/tlogverify .build/tlogverify
chmod -R u+w .build/tlogverify
.build/tlogverify/build.sh >&2
echo "$PWD/.build/tlogverify/bin/tlogverify"
