#!/usr/bin/env python3
"""Scores an engine's findings against the labelled corpus, per entity type: precision, recall, F1.

A finding counts as a true positive when it has the gold entity's type and its byte span overlaps the gold span
(each gold entity and each finding is matched at most once). Findings of types the corpus never labels are false
positives (the corpus holds no such data). With --types, only those types are scored (for an engine that
supports fewer types, such as Presidio), and findings of other types are ignored.

    python Benchmarks/eval/score.py corpus.jsonl predictions.jsonl [--types A,B] [--json]

Predictions: one line per document, {"id", "findings": [{"type", "start", "end"}]} (promptgate check --batch).

A corpus made by generate_unseen.py also lists planted look-alikes per document ("lookalikes": values that must not
be flagged); the share of them that any finding overlaps is reported. Findings inside its "ignore" spans (text of a
kind no engine is scored on) are not counted. --summary prints one line: micro P/R/F1 and the look-alike share.
"""
import argparse
import collections
import json

STRUCTURE_EXCLUDED = {"PERSON", "STREET_ADDRESS"}


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def overlaps(a, b):
    return a["start"] < b["end"] and b["start"] < a["end"]


def lookalike_share(corpus, predictions, types=None):
    """(flagged, planted) over the corpus's look-alikes."""
    predicted = {p["id"]: p.get("findings", []) for p in predictions}
    flagged = planted = 0
    for doc in corpus:
        found = [f for f in predicted.get(doc["id"], []) if types is None or f["type"] in types]
        for lookalike in doc.get("lookalikes", []):
            planted += 1
            flagged += any(overlaps(f, lookalike) for f in found)
    return flagged, planted


def score(corpus, predictions, types=None):
    predicted = {p["id"]: p.get("findings", []) for p in predictions}
    counts = collections.defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for doc in corpus:
        gold = [e for e in doc["entities"] if types is None or e["type"] in types]
        ignored = doc.get("ignore", [])
        found = [f for f in predicted.get(doc["id"], []) if types is None or f["type"] in types]
        found = [f for f in found if not any(overlaps(f, g) for g in ignored) or any(overlaps(f, g) for g in gold)]
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
    parser.add_argument("--summary", metavar="NAME", help="print one line, headed NAME, and nothing else")
    args = parser.parse_args()
    types = set(args.types.split(",")) if args.types else None
    corpus, predictions = load(args.corpus), load(args.predictions)
    rows, totals = summary(score(corpus, predictions, types))
    flagged, planted = lookalike_share(corpus, predictions, types)
    if args.summary:
        _, _, _, p, r, f = totals["micro (all types)"]
        share = f"{flagged / planted:.1%}" if planted else "n/a"
        print(f"{args.summary}: {len(corpus)} documents, micro precision {p:.3f} recall {r:.3f} F1 {f:.3f}; "
              f"look-alikes flagged {share} ({flagged} of {planted})")
        return
    if args.json:
        print(json.dumps({"types": rows, "totals": totals, "lookalikes": [flagged, planted]}))
        return
    print("| type | TP | FP | FN | precision | recall | F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for t, (tp, fp, fn, p, r, f) in rows.items():
        print(f"| {t} | {tp} | {fp} | {fn} | {p:.3f} | {r:.3f} | {f:.3f} |")
    for t, (tp, fp, fn, p, r, f) in totals.items():
        print(f"| **{t}** | {tp} | {fp} | {fn} | {p:.3f} | {r:.3f} | **{f:.3f}** |")
    if planted:
        print(f"\nPlanted look-alikes flagged: {flagged} of {planted} ({flagged / planted:.1%})")


if __name__ == "__main__":
    main()
