"""The audit log as the tests read it: each entry with its sealed prompt and answer texts opened.

Texts are stored sealed (AES-GCM, a key per month, department and AI system: docs/audit-log.md), so a test that
reads `prompt` or `response`, or that looks for a raw value in the log, reads them through `promptgate log show --json
--decrypt` here; checks for raw values look at the stored bytes and at the opened texts, so sealing cannot make them
pass by hiding what was written."""
import json
import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _promptgate() -> str:
    return os.environ.get("PROMPTGATE_BIN", str(ROOT / ".build" / "debug" / "promptgate"))


def opened_lines(data, *options) -> list:
    """The log's lines as `log show --json --decrypt` prints them (sealed texts opened), as text."""
    out = subprocess.run([_promptgate(), "log", "show", "--json", "--decrypt", "--data", str(data), *options],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def opened_entries(data, *options) -> list:
    """Every entry (or those `options` select, as for `log show`) as a dict, its texts opened."""
    return [json.loads(line) for line in opened_lines(data, *options) if line.strip()]


def audit_text(data) -> str:
    """Everything the log holds for a person with its keys: the stored lines, then the same lines opened. A raw
    value must be in neither."""
    folder = pathlib.Path(data)
    stored = "".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in sorted(folder.glob("audit*.log")))
    return stored + "\n".join(opened_lines(data))
