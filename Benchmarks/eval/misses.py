#!/usr/bin/env python3
"""Prints the misses behind score.py's numbers: each missed gold span (FN) and each unmatched finding (FP) of the
chosen types, with the text around it, so a rule author can see why a type falls short. Same matching as score.py.
Use it on the open part only (never on the sealed corpus: its texts are not for reading).

    python Benchmarks/eval/misses.py corpus.jsonl predictions.jsonl [--types A,B] [--fp] [--context 60]
"""
import argparse
import json

from score import load, overlaps


def show(text_bytes, start, end, context):
    before = text_bytes[max(0, start - context):start].decode("utf-8", "replace")
    value = text_bytes[start:end].decode("utf-8", "replace")
    after = text_bytes[end:end + context].decode("utf-8", "replace")
    return repr(before)[1:-1] + " [[" + repr(value)[1:-1] + "]] " + repr(after)[1:-1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("predictions")
    parser.add_argument("--types", help="comma-separated types to show (default: all)")
    parser.add_argument("--fp", action="store_true", help="also show false positives")
    parser.add_argument("--context", type=int, default=60)
    args = parser.parse_args()
    types = set(args.types.split(",")) if args.types else None
    predicted = {p["id"]: p.get("findings", []) for p in load(args.predictions)}
    for doc in load(args.corpus):
        data = doc["text"].encode("utf-8")
        found = [f for f in predicted.get(doc["id"], [])]
        ignored = doc.get("ignore", [])
        used = [False] * len(found)
        for g in doc["entities"]:
            for i, f in enumerate(found):
                if not used[i] and f["type"] == g["type"] and overlaps(f, g):
                    used[i] = True
                    break
            else:
                if types is None or g["type"] in types:
                    others = [f["type"] for f in found if overlaps(f, g)]
                    note = f" (found as {', '.join(others)})" if others else ""
                    print(f"FN {g['type']} {doc['id']} {doc['kind']}{note}: "
                          + show(data, g["start"], g["end"], args.context))
        if args.fp:
            for i, f in enumerate(found):
                if used[i] or (types is not None and f["type"] not in types):
                    continue
                if any(overlaps(f, g) for g in ignored) and not any(overlaps(f, g) for g in doc["entities"]):
                    continue
                print(f"FP {f['type']} {doc['id']} {doc['kind']}: " + show(data, f["start"], f["end"], args.context))


if __name__ == "__main__":
    main()
