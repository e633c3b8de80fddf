"""Examples/CaseNotes, the library's typed API in a tool built from a package that depends on this one by path
(scripts/check-docs.sh builds it): against llmock, the values leave as placeholders and come back in the summary,
the audit log in its data folder verifies, and a secret stops the call with the guideline that says so."""
import os
import pathlib
import subprocess

import pytest

from audit_entries import audit_text

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTES = "Maria Lopez (maria.lopez@example.org, 617-555-0134) asked about permit 4411 on Monday."
RAW = ["maria.lopez@example.org", "617-555-0134"]


@pytest.fixture(scope="module")
def case_notes_bin() -> str:
    path = os.environ.get("CASE_NOTES_BIN", str(ROOT / ".build" / "doc-check" / ".build" / "debug" / "case-notes"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing: scripts/check-docs.sh builds it (scripts/test.sh runs it)")
    return path


def run(case_notes_bin, llmock, data, notes, stream_notes=True):
    env = {**os.environ, "PROMPTGATE_UPSTREAM_KEY": "city-upstream-key"}
    return subprocess.run(
        [case_notes_bin, "--upstream", llmock.url + "/v1", "--model", "m", "--data", str(data)],
        input=notes, capture_output=True, text=True, timeout=60, env=env)


def test_values_leave_as_placeholders_and_come_back(case_notes_bin, promptgate_bin, llmock, tmp_path):
    llmock.reset()
    done = run(case_notes_bin, llmock, tmp_path / "data", NOTES)
    assert done.returncode == 0, done.stderr
    sent = llmock.sent_text()
    for value in RAW:
        assert value not in sent, f"{value} reached the upstream"
        assert value in done.stdout, "the summary (llmock echoes) has the value restored"
    assert "[EMAIL_ADDRESS_1]" in sent
    assert "decision: redacted" in done.stderr and "EMAIL_ADDRESS" in done.stderr
    for value in RAW:
        assert value not in done.stderr, "the tool's diagnostics never print a value"
    log = audit_text(tmp_path / "data")  # the stored lines and their sealed texts opened
    for value in RAW + ["city-upstream-key"]:
        assert value not in log
    verified = subprocess.run([promptgate_bin, "verify", "--data", str(tmp_path / "data")],
                              capture_output=True, text=True, timeout=60)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_secret_stops_the_call_with_its_guideline(case_notes_bin, llmock, tmp_path):
    llmock.reset()
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    done = run(case_notes_bin, llmock, tmp_path / "data", f"{NOTES}\naws_secret_access_key = {secret}")
    assert done.returncode == 2, done.stdout + done.stderr
    assert llmock.requests() == []
    assert "nothing was sent" in done.stderr and "see " in done.stderr
    assert secret not in done.stderr + done.stdout
