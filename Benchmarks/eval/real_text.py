#!/usr/bin/env python3
"""Precision on real technical text: what employees paste into chat tools (READMEs, documentation, config files).

The labelled corpora are generated, so a rule can look precise there and still fire on every second capitalised word
of a README. This script cuts a fixed set of real texts that any machine which built PromptGate has, into prompts of
about 2 KB (whole lines, in path order), screens them with `promptgate check --batch`, and prints every finding by
rule. Person-name findings are split into "a person" and "not a person" with a short hand-reviewed list of the real
people named in that set (real_text_people.txt beside this script); precision is person / all.

The texts, sorted by path (none of them is committed here):
  - the README*.md files at the top of each package checkout in .build/checkouts and the DocC articles (*.docc/**.md)
    in them: the same set wherever the same Package.resolved was built (the checkouts' versions are printed as a
    digest so two runs can be compared);
  - /etc/*.conf (Debian's own: adduser.conf, ld.so.conf, …);
  - /usr/share/common-licenses/* (every Debian install has them).

    python3 Benchmarks/eval/real_text.py [--bin .build/debug/promptgate] [--show] [--write-jsonl PATH]

--show lists every finding that is not a person (text and where); --write-jsonl keeps the prompts for other tools.
The output holds only text from those public files.
"""
import argparse
import collections
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile

CHUNK = 2048
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def sources():
    """The files, in a fixed order: checkouts' READMEs and DocC articles, then /etc/*.conf, then the licences."""
    checkouts = os.path.join(ROOT, ".build", "checkouts")
    files = []
    for package in sorted(os.listdir(checkouts)) if os.path.isdir(checkouts) else []:
        base = os.path.join(checkouts, package)
        found = set(glob.glob(os.path.join(base, "README*.md")))
        found |= {p for p in glob.glob(os.path.join(base, "**", "*.docc", "**", "*.md"), recursive=True)
                  if "/.build/" not in p[len(base):]}
        files += sorted(found)
    files += sorted(glob.glob("/etc/*.conf"))
    files += sorted(p for p in glob.glob("/usr/share/common-licenses/*") if os.path.isfile(p))
    return [p for p in files if os.path.isfile(p) and os.access(p, os.R_OK)]


def chunks(text):
    """Whole lines up to about CHUNK bytes each; a longer line is cut on a character boundary."""
    out, current = [], ""
    for line in text.splitlines(keepends=True):
        if len(line.encode()) > CHUNK:
            if current:
                out.append(current)
                current = ""
            while len(line.encode()) > CHUNK:
                head = line.encode()[:CHUNK].decode("utf-8", "ignore")
                out.append(head)
                line = line[len(head):]
        if current and len((current + line).encode()) > CHUNK:
            out.append(current)
            current = ""
        current += line
    if current.strip():
        out.append(current)
    return [c for c in out if c.strip()]


def load_people(path):
    """Lower-cased names from the reviewed list (one per line, # comments)."""
    people = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                people.add(line.lower())
    return people


def is_person(value, people):
    """A finding is a person when its text is a listed name, or part of one ('Philippe' of 'Philippe Hausler')."""
    words = value.strip().lower().replace(".", "").split()
    return bool(words) and any(all(w in name.replace(".", "").split() for w in words) for name in people)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "debug", "promptgate"))
    parser.add_argument("--people", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                         "real_text_people.txt"))
    parser.add_argument("--show", action="store_true", help="list every person-name finding that is not a person")
    parser.add_argument("--show-all", action="store_true", help="list every finding, person or not, of every rule")
    parser.add_argument("--write-jsonl", help="also write the prompts here")
    args = parser.parse_args()

    docs, digest = [], hashlib.sha256()
    files = sources()
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        digest.update(path.encode() + b"\0" + text.encode())
        for index, chunk in enumerate(chunks(text)):
            docs.append({"id": f"{os.path.relpath(path, ROOT) if path.startswith(ROOT) else path}#{index}",
                         "text": chunk})
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.write_jsonl or os.path.join(tmp, "real.jsonl")
        with open(corpus, "w", encoding="utf-8") as f:
            for doc in docs:
                f.write(json.dumps(doc, ensure_ascii=False) + "\n")
        result = subprocess.run([args.bin, "check", "--batch", "--file", corpus], capture_output=True, check=True)
    texts = {d["id"]: d["text"].encode() for d in docs}
    people = load_people(args.people)

    per_rule = collections.Counter()
    person, not_person = collections.Counter(), collections.Counter()
    where = collections.defaultdict(list)
    for line in result.stdout.decode().splitlines():
        record = json.loads(line)
        raw = texts[record["id"]]
        for finding in record.get("findings", []):
            value = raw[finding["start"]:finding["end"]].decode("utf-8", "replace")
            per_rule[finding["rule"]] += 1
            if finding["rule"] == "person-name":
                (person if is_person(value, people) else not_person)[value] += 1
                if not is_person(value, people):
                    where[value].append(record["id"])
            if args.show_all:
                print(f"  {finding['rule']:24} {value!r:40} {record['id']}")

    print(f"real text: {len(files)} files, {len(docs)} prompts of <= {CHUNK} bytes, "
          f"{sum(len(t) for t in texts.values())} bytes; set digest {digest.hexdigest()[:12]}")
    print("findings per rule: " + (", ".join(f"{rule} {n}" for rule, n in per_rule.most_common()) or "none"))
    total = sum(person.values()) + sum(not_person.values())
    precision = sum(person.values()) / total if total else 1.0
    print(f"person-name: {total} findings, {sum(person.values())} a person, {sum(not_person.values())} not a person "
          f"(precision {precision:.3f})")
    print("  a person: " + ", ".join(f"{v} ({n})" for v, n in person.most_common()))
    print("  not a person: " + ", ".join(f"{v!r} ({n})" for v, n in not_person.most_common(40))
          + (" …" if len(not_person) > 40 else ""))
    if args.show:
        for value, n in not_person.most_common():
            print(f"    {value!r:40} {n:3}  {where[value][0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
