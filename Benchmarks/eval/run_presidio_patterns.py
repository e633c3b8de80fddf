#!/usr/bin/env python3
"""Runs Microsoft Presidio's analyzer without its spaCy NER: every predefined English recogniser but the spaCy one
(regular expressions with their checksums, and the phone recogniser's `phonenumbers` matcher), and an NLP engine
that returns no tokens or entities, so no model runs. Issue 18 compares PromptGate's whole process against this
"pattern-only" Presidio on the same PII-dense text.

Prints timing as JSON in the shape of run_presidio.py (throughput over the corpus, per-prompt latency for 1 KB and
10 KB prompts); with --out, writes predictions in the format of `promptgate check --batch`.

    python Benchmarks/eval/run_presidio_patterns.py Benchmarks/eval/corpus.jsonl
"""
import argparse
import json
import statistics
import time

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine

from run_presidio import byte_offsets  # the same offsets as the full analyzer's run (this folder is on sys.path)


class NoNlpEngine(NlpEngine):
    """An NLP engine that does nothing: no tokens, lemmas or entities (so no context words either)."""

    def load(self):
        pass

    def is_loaded(self):
        return True

    def process_text(self, text, language):
        return NlpArtifacts(entities=[], tokens=[], tokens_indices=[], lemmas=[], nlp_engine=self, language=language)

    def process_batch(self, texts, language, batch_size=1, n_process=1, **kwargs):
        for text in texts:
            yield text, self.process_text(text, language)

    def is_stopword(self, word, language):
        return False

    def is_punct(self, word, language):
        return False

    def get_supported_entities(self):
        return []

    def get_supported_languages(self):
        return ["en"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--out")
    parser.add_argument("--threshold", type=float, default=0.4)
    args = parser.parse_args()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(languages=["en"])
    registry.remove_recognizer("SpacyRecognizer")
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=NoNlpEngine(), supported_languages=["en"])
    docs = [json.loads(line) for line in open(args.corpus, encoding="utf-8") if line.strip()]
    analyzer.analyze(text="warm up john@example.org 212-56-7890", language="en")
    out = open(args.out, "w", encoding="utf-8") if args.out else None
    total_bytes = 0
    start = time.perf_counter()
    for doc in docs:
        text = doc["text"]
        total_bytes += len(text.encode("utf-8"))
        results = analyzer.analyze(text=text, language="en", score_threshold=args.threshold)
        if out:
            offsets = byte_offsets(text)
            findings = [{"type": r.entity_type, "start": offsets[r.start], "end": offsets[r.end],
                         "score": round(r.score, 3)} for r in results]
            out.write(json.dumps({"id": doc["id"], "findings": findings}) + "\n")
    elapsed = time.perf_counter() - start
    if out:
        out.close()
    joined = "\n".join(d["text"] for d in docs)
    latency = {}
    for size in (1_000, 10_000):
        text = (joined * (size // len(joined) + 1))[:size]
        samples = []
        for _ in range(10):
            t = time.perf_counter()
            analyzer.analyze(text=text, language="en", score_threshold=args.threshold)
            samples.append((time.perf_counter() - t) * 1000)
        latency[f"{size // 1000}KB_ms"] = round(statistics.median(samples), 2)
    print(json.dumps({
        "engine": "presidio-patterns", "recognizers": sorted(r.name for r in registry.recognizers),
        "documents": len(docs), "bytes": total_bytes, "seconds": round(elapsed, 3),
        "MB_per_s": round(total_bytes / elapsed / 1e6, 4), **latency}))


if __name__ == "__main__":
    main()
