"""Retention and legal holds: the texts of months past their retention are erased by destroying their keys, a hold
keeps a month, and the log's lines, checkpoints and proofs stay as they were for both verifiers. Each test runs on
both stores: the file log in a data folder, and a log in PostgreSQL (`--log postgres://…`, keys in its database).

The proxy's clock is fixed per run with PROMPTGATE_TEST_NOW (honoured by debug builds only), so one test writes
entries in October and November and applies retention in December."""
import json
import os
import subprocess
import time

import openai
import pytest

from audit_entries import opened_entries, opened_lines
from test_audit_log import tlog, whole_log

OCTOBER, NOVEMBER, DECEMBER = "2026-10-15T09:00:00Z", "2026-11-20T09:00:00Z", "2026-12-15T00:00:00Z"


class Store:
    """Where a test's log is: the data folder's files, or a database (`--log URL`) with the data folder for keys."""

    def __init__(self, data, postgres=None):
        self.data, self.postgres = data, postgres
        self.url = postgres.url if postgres else None

    def log(self):
        """The options every command and proxy is given to name the log."""
        return ["--log", self.url] if self.url else []

    def args(self):
        return ["--data", self.data, *self.log()]

    def stored(self):
        """Every stored line, as text: the segment files, or the rows of audit_entries."""
        if self.url:
            out = self.postgres.psql(self.url, "SELECT encode(line, 'hex') FROM audit_entries ORDER BY seq")
            return "\n".join(bytes.fromhex(h).decode("utf-8") for h in out.split())
        return "".join(open(os.path.join(self.data, name), encoding="utf-8").read()
                       for name in sorted(os.listdir(self.data)) if name.startswith("audit") and name.endswith(".log"))

    def text(self):
        """The stored lines, then the same lines with their texts opened: a raw value must be in neither."""
        return self.stored() + "\n".join(opened_lines(self.data, *self.log()))

    def entries(self):
        return opened_entries(self.data, *self.log())

    def keys_left(self):
        """The keys not destroyed, named as the file store names its files."""
        if self.url:
            out = self.postgres.psql(self.url, "SELECT key_id FROM audit_retention_keys WHERE key IS NOT NULL")
            return sorted(line.replace("/", "+") + ".key" for line in out.split())
        return sorted(os.listdir(os.path.join(self.data, "retention", "keys")))

    def destroyed_at(self, key_id):
        if self.url:
            return self.postgres.psql(
                self.url, f"SELECT destroyed_at FROM audit_retention_keys WHERE key_id = '{key_id}'").strip()
        name = key_id.replace("/", "+") + ".json"
        return json.load(open(os.path.join(self.data, "retention", "tombstones", name)))["destroyedAt"]

    def file_form(self, promptgate_bin, folder):
        """The log as a folder the verifiers read: the data folder itself, or `log export` of the database."""
        if not self.url:
            return self.data
        if os.path.exists(folder):
            subprocess.run(["rm", "-rf", folder], check=True)
        out = subprocess.run([promptgate_bin, "log", "export", "--log", self.url, "--out", folder],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return folder


@pytest.fixture(params=["file", "postgres"])
def store(request, tmp_path):
    """Each test on the file log, then on PostgreSQL (the server of `PROMPTGATE_TEST_POSTGRES`, else one started)."""
    data = str(tmp_path / "data")
    if request.param == "file":
        return Store(data)
    return Store(data, request.getfixturevalue("postgres"))


def at(time):
    return ["env", f"PROMPTGATE_TEST_NOW={time}"]


def run(promptgate_bin, time, *args):
    env = dict(os.environ, PROMPTGATE_TEST_NOW=time)
    return subprocess.run([promptgate_bin, *args], capture_output=True, text=True, env=env, timeout=120)


def ask(start_proxy, store, time, department, texts, keep=False):
    proxy = start_proxy(["--department", department, *store.log()], prefix=at(time), data=store.data)
    client = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="k", max_retries=0)
    for text in texts:
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": text}])
    if keep:
        return proxy, client
    proxy.stop()


def test_apply_erases_past_months_keeps_held_ones_and_every_proof(start_proxy, promptgate_bin, store, tmp_path):
    data = store.data
    ask(start_proxy, store, OCTOBER, "parks", ["Mail maria@example.org about the october parks permit.",
                                               "Summarise the october parks budget."])
    ask(start_proxy, store, OCTOBER, "housing", ["Mail jon@example.org about the october housing case."])
    ask(start_proxy, store, NOVEMBER, "parks", ["Mail ana@example.org about the november parks permit."])
    for value in ["maria@example.org", "jon@example.org", "ana@example.org"]:
        assert value not in store.text()
    assert "october parks" not in store.stored(), "a prompt's text is stored in the clear"
    opened = store.text()
    for text in ["[EMAIL_ADDRESS_1] about the october parks permit", "october parks budget", "october housing case",
                 "november parks permit"]:
        assert text in opened, text
    keys = store.keys_left()
    assert keys == ["2026-10+housing+~none.key", "2026-10+parks+~none.key", "2026-11+parks+~none.key"], keys

    hold = run(promptgate_bin, "2026-12-10T00:00:00Z", "retention", "hold", "2026-10", "--department", "housing",
               "--reason", "records request 2026-114", *store.args())
    assert hold.returncode == 0, hold.stderr
    status = run(promptgate_bin, DECEMBER, "retention", "status", *store.args(), "--retention-days", "30")
    assert status.returncode == 0, status.stderr
    assert "2026-10/parks/~none  due 2026-12-01 (30 days, --retention-days)  DUE NOW" in status.stdout, status.stdout
    assert "2026-10/housing/~none  due 2026-12-01" in status.stdout and "held since 2026-12-10" in status.stdout
    assert "2026-11/parks/~none  due 2026-12-31" in status.stdout

    applied = run(promptgate_bin, DECEMBER, "retention", "apply", *store.args(), "--retention-days", "30")
    assert applied.returncode == 0, applied.stderr
    assert applied.stdout.split() == ["erased", "2026-10/parks/~none"], applied.stdout
    assert store.keys_left() == ["2026-10+housing+~none.key", "2026-11+parks+~none.key"]
    assert store.destroyed_at("2026-10/parks/~none") == "2026-12-15T00:00:00.000Z"

    # Verified by promptgate (which counts what is erased) and by the independent verifier, unchanged.
    verified = subprocess.run([promptgate_bin, "verify", *store.args()], capture_output=True, text=True)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "4 entries' texts erased by retention" in verified.stdout, verified.stdout
    as_json = json.loads(subprocess.run([promptgate_bin, "verify", *store.args(), "--json"],
                                        capture_output=True, text=True).stdout)
    assert as_json["ok"] and as_json["erased"] == 4, as_json
    assert_exported_log_verifies(store, promptgate_bin, tmp_path)

    # The erased entry's inclusion proof still verifies, from the store itself.
    first_erased = next(e["seq"] for e in store.entries() if e.get("dept") == "parks" and "prompt" in e)
    proof = tmp_path / "inclusion.json"
    proved = subprocess.run([promptgate_bin, "prove", "inclusion", *store.args(), "--index", str(first_erased)],
                            capture_output=True, text=True)
    assert proved.returncode == 0, proved.stderr
    proof.write_text(proved.stdout)
    checked = subprocess.run([promptgate_bin, "verify", *store.args(), "--inclusion-proof", str(proof)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # People see the erasure; the held month and the next still read.
    shown = subprocess.run([promptgate_bin, "log", "show", *store.args()], capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.count("erased by retention on 2026-12-15") == 4, shown.stdout
    assert "october housing case" in shown.stdout and "november parks permit" in shown.stdout
    entries = store.entries()
    erased = [e for e in entries if e.get("dept") == "parks" and e["ts"].startswith("2026-10")
              and ("prompt" in e or "response" in e)]
    assert len(erased) == 4
    assert all(e.get(f, {"erased": "2026-12-15T00:00:00.000Z"})["erased"] == "2026-12-15T00:00:00.000Z"
               for e in erased for f in ("prompt", "response"))
    after = store.text()
    assert "october parks" not in after and "october housing case" in after
    # Statistics stay: who, when, which department and decision, which rules.
    assert sum(1 for e in erased if e["event"] == "request.screened" and e["decision"] in ("allowed", "redacted")) == 2

    # Released, the held month goes at the next apply; both are entries in the log.
    release = run(promptgate_bin, DECEMBER, "retention", "release", "2026-10", "--department", "housing",
                  "--reason", "request answered", *store.args())
    assert release.returncode == 0, release.stderr
    again = run(promptgate_bin, DECEMBER, "retention", "apply", *store.args(), "--retention-days", "30")
    assert again.stdout.split() == ["erased", "2026-10/housing/~none"], again.stdout
    assert store.keys_left() == ["2026-11+parks+~none.key"]
    verified = subprocess.run([promptgate_bin, "verify", *store.args()], capture_output=True, text=True)
    assert verified.returncode == 0 and "6 entries' texts erased by retention" in verified.stdout, verified.stdout
    assert_exported_log_verifies(store, promptgate_bin, tmp_path)
    events = [(e["event"], e.get("note", "")) for e in store.entries() if e["event"].startswith("retention.")]
    assert [e for e, _ in events] == ["retention.hold", "retention.applied", "retention.release", "retention.applied"]
    assert "records request 2026-114" in events[0][1] and "2026-10/parks/~none" in events[1][1]
    assert "kept by a legal hold: 2026-10/housing/~none" in events[1][1]
    assert "2026-10/housing/~none" in events[3][1]
    assert "november parks permit" in store.text()


def test_hostile_holds_are_refused_and_nothing_is_destroyed_without_retention(promptgate_bin, start_proxy, store):
    ask(start_proxy, store, OCTOBER, "parks", ["Summarise the october parks budget."])
    for period, extra in [("2026-13", []), ("../../etc", []), ("2026-10", ["--department", ""]),
                          ("2026-10'; DROP TABLE audit_entries; --", []), ("２０２６-10", [])]:
        bad = run(promptgate_bin, DECEMBER, "retention", "hold", period, "--reason", "r", *store.args(), *extra)
        assert bad.returncode != 0, (period, bad.stdout)
    blank = run(promptgate_bin, DECEMBER, "retention", "hold", "2026-10", "--reason", "  ", *store.args())
    assert blank.returncode != 0 and "reason" in blank.stderr
    unheld = run(promptgate_bin, DECEMBER, "retention", "release", "2026-10", "--reason", "r", *store.args())
    assert unheld.returncode != 0 and "no legal hold" in unheld.stderr
    # A hold naming a department in hostile text is stored as text and released by the same text.
    odd = "parks'); DELETE FROM audit_retention_keys; --\u202e"
    held = run(promptgate_bin, DECEMBER, "retention", "hold", "2026-10", "--department", odd, "--reason", "r\nx",
               *store.args())
    assert held.returncode == 0, held.stderr
    freed = run(promptgate_bin, DECEMBER, "retention", "release", "2026-10", "--department", odd, "--reason", "done",
                *store.args())
    assert freed.returncode == 0, freed.stderr
    # No retention configured: apply destroys nothing (and says so in the log).
    kept = run(promptgate_bin, "2030-01-01T00:00:00Z", "retention", "apply", *store.args())
    assert kept.returncode == 0 and kept.stdout == "", kept.stdout + kept.stderr
    assert store.keys_left() == ["2026-10+parks+~none.key"]
    assert "october parks budget" in store.text()
    notes = [e["note"] for e in store.entries() if e["event"] == "retention.applied"]
    assert notes == ["retention applied: no key was due"]


def test_a_running_proxy_stops_sealing_with_a_key_destroyed_elsewhere(start_proxy, promptgate_bin, postgres, tmp_path):
    """Proxies on PostgreSQL keep running while `retention apply` destroys keys: a proxy whose clock is still in the
    erased month writes no text under the destroyed key (its cached copy is read again within a second)."""
    store = Store(str(tmp_path / "data"), postgres)
    proxy, client = ask(start_proxy, store, OCTOBER, "parks", ["Summarise the october parks budget."], keep=True)
    applied = run(promptgate_bin, DECEMBER, "retention", "apply", *store.args(), "--retention-days", "30")
    assert applied.returncode == 0 and applied.stdout.split() == ["erased", "2026-10/parks/~none"], applied.stderr
    time.sleep(1.5)
    client.chat.completions.create(model="gpt-4o-mini",
                                   messages=[{"role": "user", "content": "Summarise the october parks plan."}])
    proxy.stop()
    screened = [e for e in store.entries() if e["event"] == "request.screened"]
    assert len(screened) == 2
    assert screened[0]["prompt"]["erased"].startswith("2026-12-15"), screened[0]
    assert "prompt" not in screened[1], screened[1]
    assert "texts not kept: the key of 2026-10/parks/~none was destroyed by retention" in screened[1]["note"]
    assert "october parks plan" not in store.text()
    assert store.keys_left() == []


def assert_exported_log_verifies(store, promptgate_bin, tmp_path):
    """The log in the file form (a PostgreSQL log exported) passes `promptgate verify` and the independent verifier."""
    data = store.file_form(promptgate_bin, str(tmp_path / "export"))
    verified = subprocess.run([promptgate_bin, "verify", "--data", data], capture_output=True, text=True)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    tlogverify = os.environ.get("TLOGVERIFY", "")
    if not (tlogverify and os.access(tlogverify, os.X_OK)):
        return
    whole = whole_log(data, str(tmp_path / "whole.log"))
    out = tlog(tlogverify, "verify", "-log", whole, "-checkpoint", os.path.join(data, "checkpoint"),
               "-key", "@" + os.path.join(data, "log.vkey"))
    assert out.returncode == 0, out.stdout + out.stderr
