"""Retention and legal holds: the texts of months past their retention are erased by destroying their keys, a hold
keeps a month, and the log's lines, checkpoints and proofs stay as they were for both verifiers.

The proxy's clock is fixed per run with PROMPTGATE_TEST_NOW (honoured by debug builds only), so one test writes
entries in October and November and applies retention in December."""
import json
import os
import subprocess

import openai

from audit_entries import audit_text, opened_entries
from test_audit_log import tlog, whole_log

OCTOBER, NOVEMBER, DECEMBER = "2026-10-15T09:00:00Z", "2026-11-20T09:00:00Z", "2026-12-15T00:00:00Z"


def at(time):
    return ["env", f"PROMPTGATE_TEST_NOW={time}"]


def run(promptgate_bin, time, *args):
    env = dict(os.environ, PROMPTGATE_TEST_NOW=time)
    return subprocess.run([promptgate_bin, *args], capture_output=True, text=True, env=env, timeout=120)


def ask(start_proxy, data, time, department, texts):
    proxy = start_proxy(["--department", department], prefix=at(time), data=data)
    client = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="k", max_retries=0)
    for text in texts:
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": text}])
    proxy.stop()


def test_apply_erases_past_months_keeps_held_ones_and_every_proof(start_proxy, promptgate_bin, tmp_path):
    data = str(tmp_path / "data")
    ask(start_proxy, data, OCTOBER, "parks", ["Mail maria@example.org about the october parks permit.",
                                              "Summarise the october parks budget."])
    ask(start_proxy, data, OCTOBER, "housing", ["Mail jon@example.org about the october housing case."])
    ask(start_proxy, data, NOVEMBER, "parks", ["Mail ana@example.org about the november parks permit."])
    for value in ["maria@example.org", "jon@example.org", "ana@example.org"]:
        assert value not in audit_text(data)
    stored = "".join(open(os.path.join(data, name), encoding="utf-8").read()
                     for name in sorted(os.listdir(data)) if name.startswith("audit") and name.endswith(".log"))
    assert "october parks" not in stored, "a prompt's text is stored in the clear"
    opened = audit_text(data)
    for text in ["[EMAIL_ADDRESS_1] about the october parks permit", "october parks budget", "october housing case",
                 "november parks permit"]:
        assert text in opened, text
    keys = sorted(os.listdir(os.path.join(data, "retention", "keys")))
    assert keys == ["2026-10+housing+~none.key", "2026-10+parks+~none.key", "2026-11+parks+~none.key"], keys

    hold = run(promptgate_bin, "2026-12-10T00:00:00Z", "retention", "hold", "2026-10", "--department", "housing",
               "--reason", "records request 2026-114", "--data", data)
    assert hold.returncode == 0, hold.stderr
    status = run(promptgate_bin, DECEMBER, "retention", "status", "--data", data, "--retention-days", "30")
    assert status.returncode == 0, status.stderr
    assert "2026-10/parks/~none  due 2026-12-01 (30 days, --retention-days)  DUE NOW" in status.stdout, status.stdout
    assert "2026-10/housing/~none  due 2026-12-01" in status.stdout and "held since 2026-12-10" in status.stdout
    assert "2026-11/parks/~none  due 2026-12-31" in status.stdout

    applied = run(promptgate_bin, DECEMBER, "retention", "apply", "--data", data, "--retention-days", "30")
    assert applied.returncode == 0, applied.stderr
    assert applied.stdout.split() == ["erased", "2026-10/parks/~none"], applied.stdout
    assert keys_left(data) == ["2026-10+housing+~none.key", "2026-11+parks+~none.key"]
    tombstone = json.load(open(os.path.join(data, "retention", "tombstones", "2026-10+parks+~none.json")))
    assert tombstone["destroyedAt"] == "2026-12-15T00:00:00.000Z"

    # Verified by promptgate (which counts what is erased) and by the independent verifier, unchanged.
    verified = subprocess.run([promptgate_bin, "verify", "--data", data], capture_output=True, text=True)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "4 entries' texts erased by retention" in verified.stdout, verified.stdout
    as_json = json.loads(subprocess.run([promptgate_bin, "verify", "--data", data, "--json"],
                                        capture_output=True, text=True).stdout)
    assert as_json["ok"] and as_json["erased"] == 4, as_json
    assert_tlogverify_accepts(data, tmp_path)

    # People see the erasure; the held month and the next still read.
    shown = subprocess.run([promptgate_bin, "log", "show", "--data", data], capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.count("erased by retention on 2026-12-15") == 4, shown.stdout
    assert "october housing case" in shown.stdout and "november parks permit" in shown.stdout
    entries = opened_entries(data)
    erased = [e for e in entries if e.get("dept") == "parks" and e["ts"].startswith("2026-10")
              and ("prompt" in e or "response" in e)]
    assert len(erased) == 4
    assert all(e.get(f, {"erased": "2026-12-15T00:00:00.000Z"})["erased"] == "2026-12-15T00:00:00.000Z"
               for e in erased for f in ("prompt", "response"))
    after = audit_text(data)
    assert "october parks" not in after and "october housing case" in after
    # Statistics stay: who, when, which department and decision, which rules.
    assert sum(1 for e in erased if e["event"] == "request.screened" and e["decision"] in ("allowed", "redacted")) == 2

    # Released, the held month goes at the next apply; both are entries in the log.
    release = run(promptgate_bin, DECEMBER, "retention", "release", "2026-10", "--department", "housing",
                  "--reason", "request answered", "--data", data)
    assert release.returncode == 0, release.stderr
    again = run(promptgate_bin, DECEMBER, "retention", "apply", "--data", data, "--retention-days", "30")
    assert again.stdout.split() == ["erased", "2026-10/housing/~none"], again.stdout
    assert keys_left(data) == ["2026-11+parks+~none.key"]
    verified = subprocess.run([promptgate_bin, "verify", "--data", data], capture_output=True, text=True)
    assert verified.returncode == 0 and "6 entries' texts erased by retention" in verified.stdout, verified.stdout
    assert_tlogverify_accepts(data, tmp_path)
    events = [(e["event"], e.get("note", "")) for e in opened_entries(data) if e["event"].startswith("retention.")]
    assert [e for e, _ in events] == ["retention.hold", "retention.applied", "retention.release", "retention.applied"]
    assert "records request 2026-114" in events[0][1] and "2026-10/parks/~none" in events[1][1]
    assert "kept by a legal hold: 2026-10/housing/~none" in events[1][1]
    assert "2026-10/housing/~none" in events[3][1]
    assert "november parks permit" in audit_text(data)


def test_hostile_holds_are_refused_and_nothing_is_destroyed_without_retention(promptgate_bin, start_proxy, tmp_path):
    data = str(tmp_path / "data")
    ask(start_proxy, data, OCTOBER, "parks", ["Summarise the october parks budget."])
    for period, extra in [("2026-13", []), ("../../etc", []), ("2026-10", ["--department", ""])]:
        bad = run(promptgate_bin, DECEMBER, "retention", "hold", period, "--reason", "r", "--data", data, *extra)
        assert bad.returncode != 0, (period, bad.stdout)
    blank = run(promptgate_bin, DECEMBER, "retention", "hold", "2026-10", "--reason", "  ", "--data", data)
    assert blank.returncode != 0 and "reason" in blank.stderr
    unheld = run(promptgate_bin, DECEMBER, "retention", "release", "2026-10", "--reason", "r", "--data", data)
    assert unheld.returncode != 0 and "no legal hold" in unheld.stderr
    # No retention configured: apply destroys nothing (and says so in the log).
    kept = run(promptgate_bin, "2030-01-01T00:00:00Z", "retention", "apply", "--data", data)
    assert kept.returncode == 0 and kept.stdout == "", kept.stdout + kept.stderr
    assert keys_left(data) == ["2026-10+parks+~none.key"]
    assert "october parks budget" in audit_text(data)
    notes = [e["note"] for e in opened_entries(data) if e["event"] == "retention.applied"]
    assert notes == ["retention applied: no key was due"]


def keys_left(data):
    return sorted(os.listdir(os.path.join(data, "retention", "keys")))


def assert_tlogverify_accepts(data, tmp_path):
    tlogverify = os.environ.get("TLOGVERIFY", "")
    if not (tlogverify and os.access(tlogverify, os.X_OK)):
        return
    whole = whole_log(data, str(tmp_path / "whole.log"))
    out = tlog(tlogverify, "verify", "-log", whole, "-checkpoint", os.path.join(data, "checkpoint"),
               "-key", "@" + os.path.join(data, "log.vkey"))
    assert out.returncode == 0, out.stdout + out.stderr
