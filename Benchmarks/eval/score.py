#!/usr/bin/env python3
"""Scores an engine's findings against the labelled corpus, per entity type: precision, recall, F1.

A finding counts as a true positive when it has the gold entity's type and its byte span overlaps the gold span
(each gold entity and each finding is matched at most once). Findings of types the corpus never labels are false
positives (the corpus holds no such data). With --types, only those types are scored (for an engine that
supports fewer types, such as Presidio), and findings of other types are ignored.

    python Benchmarks/eval/score.py corpus.jsonl predictions.jsonl [--types A,B] [--json]

Predictions: one line per document, {"id", "findings": [{"type", "start", "end"}]} (promptgate check --batch).
"""
import argparse
import collections
import json

STRUCTURE_EXCLUDED = {"PERSON", "STREET_ADDRESS"}


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score(corpus, predictions, types=None):
    predicted = {p["id"]: p.get("findings", []) for p in predictions}
    counts = collections.defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for doc in corpus:
        gold = [e for e in doc["entities"] if types is None or e["type"] in types]
        found = [f for f in predicted.get(doc["id"], []) if types is None or f["type"] in types]
        used = [False] * len(found)
        for g in gold:
            for i, f in enumerate(found):
                if not used[i] and f["type"] == g["type"] and f["start"] < g["end"] and g["start"] < f["end"]:
                    used[i] = True
                    counts[g["type"]][0] += 1
                    break
            else:
                counts[g["type"]][2] += 1
        for i, f in enumerate(found):
            if not used[i]:
                counts[f["type"]][1] += 1
    return counts


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def summary(counts):
    rows = {t: (*c, *prf(*c)) for t, c in sorted(counts.items())}
    groups = {
        "structured identifiers": [t for t in counts if t not in STRUCTURE_EXCLUDED],
        "names and addresses": [t for t in counts if t in STRUCTURE_EXCLUDED],
        "micro (all types)": list(counts),
    }
    totals = {}
    for name, members in groups.items():
        c = [sum(counts[t][k] for t in members) for k in range(3)]
        totals[name] = (*c, *prf(*c))
    return rows, totals


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("predictions")
    parser.add_argument("--types", help="comma-separated types to score (default: all)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    types = set(args.types.split(",")) if args.types else None
    rows, totals = summary(score(load(args.corpus), load(args.predictions), types))
    if args.json:
        print(json.dumps({"types": rows, "totals": totals}))
        return
    print("| type | TP | FP | FN | precision | recall | F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for t, (tp, fp, fn, p, r, f) in rows.items():
        print(f"| {t} | {tp} | {fp} | {fn} | {p:.3f} | {r:.3f} | {f:.3f} |")
    for t, (tp, fp, fn, p, r, f) in totals.items():
        print(f"| **{t}** | {tp} | {fp} | {fn} | {p:.3f} | {r:.3f} | **{f:.3f}** |")


if __name__ == "__main__":
    main()
