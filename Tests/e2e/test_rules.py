"""The rule engine from the command line: `rules lint` and `rules test` for pack authors, `check` for employees,
and `check --batch` scored against the committed labelled corpus (Benchmarks/eval) with its accuracy targets."""
import json
import os
import subprocess
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "Benchmarks" / "eval"))
import score  # noqa: E402


def run(bin_path, *args, stdin=None):
    return subprocess.run([bin_path, *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_rules_lint_and_test_pass_on_the_shipped_packs(promptgate_bin):
    lint = run(promptgate_bin, "rules", "lint", "--guidelines", str(ROOT / "guidelines"))
    assert lint.returncode == 0, lint.stderr
    packs = len(list((ROOT / "guidelines" / "packs").glob("*.yaml")))
    assert f"{packs} pack(s)" in lint.stdout, lint.stdout
    test = run(promptgate_bin, "rules", "test", "--guidelines", str(ROOT / "guidelines"))
    assert test.returncode == 0, test.stdout
    passed, total = test.stdout.strip().splitlines()[-1].split(" examples")[0].split(" of ")
    assert passed == total and int(total) > 150


def test_rules_lint_names_file_line_and_column_of_a_broken_pack(promptgate_bin, tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text(
        "pack: p\ntitle: t\nversion: '1'\nrules:\n  - id: r\n    title: t\n    category: personal-data\n"
        "    entity: X\n    patterns: ['(a+)\\1']\n    action: redact\n    message: m\n"
        "    source: {title: s, url: u}\n    examples: {match: ['aa']}\n")
    lint = run(promptgate_bin, "rules", "lint", str(bad))
    assert lint.returncode == 1
    assert f"{bad}:5" in lint.stderr and "linear-time" in lint.stderr
    bad.write_text("pack: p\ntitle: t\nversion: '1'\nrules:\n  - id: r\n    validator: mod-42\n")
    lint = run(promptgate_bin, "rules", "lint", str(bad))
    assert lint.returncode == 1 and f"{bad}:5:" in lint.stderr, lint.stderr
    wrong = tmp_path / "wrong-example.yaml"
    wrong.write_text(
        "pack: p\ntitle: t\nversion: '1'\nrules:\n  - id: four-digits\n    title: t\n    category: personal-data\n"
        "    entity: X\n    patterns: ['\\b\\d{4}\\b']\n    action: redact\n    message: m\n"
        "    source: {title: s, url: u}\n    examples: {match: ['no digits']}\n")
    lint = run(promptgate_bin, "rules", "lint", str(wrong))
    assert lint.returncode == 1 and "does not find its match example" in lint.stderr


def test_check_highlights_plainly_off_a_terminal_and_explains(promptgate_bin):
    out = run(promptgate_bin, "check", "Maria Lopez, SSN 212-56-7890").stdout
    assert "\x1b[" not in out
    assert "[Maria Lopez][1]" in out and "[212-56-7890][2]" in out
    assert "Source: City of Boston" in out and "What would be sent:" in out
    blocked = run(promptgate_bin, "check", "CONFIDENTIAL draft").stdout
    assert "Nothing would be sent" in blocked and "San José" in blocked


def test_batch_mode_keeps_going_past_bad_lines(promptgate_bin):
    lines = '{"id":1,"text":"mail jane@example.org"}\nnot json\n{"id":"b"}\n{"id":4,"text":"nothing here"}\n'
    out = [json.loads(line) for line in run(promptgate_bin, "check", "--batch", stdin=lines).stdout.splitlines()]
    assert [o.get("id") for o in out] == [1, None, "b", 4]
    assert out[0]["findings"][0] == {"type": "EMAIL_ADDRESS", "rule": "email-address", "start": 5, "end": 21,
                                     "action": "redact", "confidence": 0.95}
    assert "error" in out[1] and "error" in out[2]
    assert out[3] == {"id": 4, "decision": "allowed", "findings": []}


def test_batch_mode_keeps_order_and_line_numbers_on_every_core(promptgate_bin):
    """Lines are screened in pieces on several cores: the output must still be one line per input line, in order,
    the same whatever --jobs, with the right line number in each error, across many pieces."""
    lines = []
    for n in range(6000):
        if n % 997 == 5:
            lines.append("{not json")
        elif n % 1499 == 7:
            lines.append("   ")
        else:
            lines.append(json.dumps({"id": n, "text": f"row {n}: call 617-555-{n % 10000:04d} or mail p{n}@example.org "
                                     + "x" * (n % 300)}))
    text = "\n".join(lines) + "\n"
    outputs = [run(promptgate_bin, "check", "--batch", "--jobs", str(jobs), stdin=text) for jobs in (1, 2, 7)]
    assert all(o.returncode == 0 for o in outputs), [o.stderr for o in outputs]
    assert outputs[0].stdout == outputs[1].stdout == outputs[2].stdout
    out = [json.loads(line) for line in outputs[0].stdout.splitlines()]
    expected = [n for n in range(6000) if n % 1499 != 7 or n % 997 == 5]
    assert len(out) == len(expected)
    for n, result in zip(expected, out):
        if n % 997 == 5:
            assert result == {"id": None, "error": result["error"]} and result["error"].startswith(f"line {n + 1}:")
        else:
            assert result["id"] == n and {f["type"] for f in result["findings"]} >= {"EMAIL_ADDRESS"}
    assert run(promptgate_bin, "check", "--batch", "--jobs", "0", stdin=text).returncode != 0


def test_the_labelled_corpus_meets_the_accuracy_targets(promptgate_bin, tmp_path):
    corpus = ROOT / "Benchmarks" / "eval" / "corpus.jsonl"
    result = run(promptgate_bin, "check", "--batch", "--file", str(corpus))
    assert result.returncode == 0, result.stderr
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_text(result.stdout)
    _, totals = score.summary(score.score(score.load(corpus), score.load(predictions)))
    structured = totals["structured identifiers"]
    names = totals["names and addresses"]
    micro = totals["micro (all types)"]
    assert structured[5] >= 0.98 and structured[3] >= 0.99, structured
    assert names[5] >= 0.85, names
    assert micro[5] >= 0.95, micro


def test_the_library_example_runs(promptgate_bin):
    example = os.path.join(os.path.dirname(promptgate_bin), "screen-text")
    out = subprocess.run([example], capture_output=True, text=True, timeout=60).stdout
    sent = next(line for line in out.splitlines() if line.startswith("sent to the model:"))
    restored = next(line for line in out.splitlines() if line.startswith("the answer, restored:"))
    assert "[PHONE_NUMBER_1]" in sent and "(617) 555-0134" not in sent
    assert "(617) 555-0134" in restored and "[PHONE_NUMBER_1]" not in restored
