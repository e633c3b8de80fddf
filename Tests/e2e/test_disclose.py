"""Records requests: `promptgate disclose` writes one person's entries with proofs; `verify --disclosure` checks the
folder offline, and a changed byte is caught and named."""
import base64
import json
import os
import shutil
import stat
import subprocess

import openai

ALICE_VALUES = ["alice.resident@example.org", "(617) 555-0134"]
BOB_VALUES = ["bob.neighbor@example.net", "(617) 555-0199"]


def add_user(promptgate_bin, users, user, department):
    added = subprocess.run([promptgate_bin, "users", "add", "--users", users, "--id", user, "--department", department],
                           capture_output=True, text=True, check=True)
    return added.stdout.strip()


def run(*args):
    return subprocess.run(list(args), capture_output=True, text=True)


def test_disclosure_bundle_verified_offline_then_one_entry_altered_and_caught(
        start_proxy, promptgate_bin, tmp_path):
    users = str(tmp_path / "users.yaml")
    keys = {"alice": add_user(promptgate_bin, users, "alice", "parks"),
            "bob": add_user(promptgate_bin, users, "bob", "housing")}
    proxy = start_proxy(extra=["--users", users])
    for user, values in (("alice", ALICE_VALUES), ("bob", BOB_VALUES), ("alice", ALICE_VALUES)):
        employee = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key=keys[user], max_retries=0)
        employee.chat.completions.create(model="gpt-4o-mini", messages=[
            {"role": "user", "content": f"Please write to {values[0]} or call {values[1]} about the permit."}])
    proxy.stop()  # the final checkpoint covers every entry
    data = proxy.data
    log = [json.loads(line) for line in open(proxy.log_path)]
    alices = [e["seq"] for e in log if e.get("actor") == "alice"]
    assert len(alices) >= 2 and any(e.get("actor") == "bob" for e in log)

    out = str(tmp_path / "bundle")
    made = run(promptgate_bin, "disclose", "--data", data, "--user", "alice", "--since", "2000-01-01", "--out", out)
    assert made.returncode == 0, made.stderr
    assert f"{len(alices)} entries" in made.stderr

    # What the resident receives: only alice's entries, no value anywhere, files readable by anyone.
    assert sorted(os.listdir(out)) == ["README.txt", "checkpoint", "entries", "entries.jsonl", "log.vkey",
                                       "request.json", "texts.jsonl"]
    assert sorted(os.listdir(f"{out}/entries")) == sorted(
        [f"{s}.proof" for s in alices] + [f"{s}.json" for s in alices])
    assert "bob" not in open(f"{out}/entries.jsonl").read()
    entries = [json.loads(line) for line in open(f"{out}/entries.jsonl")]
    assert [e["seq"] for e in entries] == alices
    assert all(e["actor"] == "alice" for e in entries)
    texts = [json.loads(line) for line in open(f"{out}/texts.jsonl")]  # the sealed texts, opened by the city
    assert {t["seq"] for t in texts} <= set(alices)
    assert any("[EMAIL_ADDRESS_1]" in t.get("prompt", "") for t in texts)
    for folder, dirs, files in os.walk(out):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o755
        for name in files:
            path = os.path.join(folder, name)
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o644, path
            text = open(path, "rb").read().decode("utf-8", "replace")
            for value in ALICE_VALUES + BOB_VALUES + [keys["alice"], keys["bob"]]:
                assert value not in text, f"{path} holds {value}"
            if name.endswith(".proof"):  # the entry inside a proof is base64: look inside too
                extra = next(l for l in text.splitlines() if l.startswith("extra "))
                inside = base64.b64decode(extra[6:]).decode()
                assert '"actor":"alice"' in inside and all(v not in inside for v in ALICE_VALUES + BOB_VALUES)
    readme = open(f"{out}/README.txt").read()
    assert "promptgate verify --disclosure" in readme and "placeholder" in readme and "other people" in readme

    # A non-empty folder is never overwritten.
    again = run(promptgate_bin, "disclose", "--data", data, "--user", "alice", "--out", out)
    assert again.returncode != 0 and "not empty" in again.stderr

    # Checked offline, with the key given separately (as the city publishes it), and with the bundle's own.
    published = tmp_path / "city.vkey"
    shutil.copy(f"{data}/log.vkey", published)
    shutil.rmtree(data)  # offline: the log is gone
    ok = run(promptgate_bin, "verify", "--disclosure", out, "--key", f"@{published}")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert f"verified disclosure: {len(alices)} entries of \"alice\"" in ok.stdout
    assert "fingerprint" in ok.stdout
    own = run(promptgate_bin, "verify", "--disclosure", out)
    assert own.returncode == 0 and "WARN: the key came from the bundle itself" in own.stdout

    # The independent verifier from the public specs, on one entry: a log of N empty lines, then the entry.
    tlogverify = os.environ.get("TLOGVERIFY", "")
    if tlogverify and os.access(tlogverify, os.X_OK):
        seq = alices[-1]
        record = tmp_path / "record.log"
        record.write_bytes(b"\n" * seq + open(f"{out}/entries.jsonl", "rb").read().splitlines()[-1] + b"\n")
        r = run(tlogverify, "inclusion", "-log", str(record), "-checkpoint", f"{out}/checkpoint",
                "-key", f"@{published}", "-proof", f"{out}/entries/{seq}.json")
        assert r.returncode == 0, r.stdout + r.stderr
        assert f"inclusion verified: line {seq + 1}" in r.stdout

    # One entry altered: one byte of the entry inside its proof (re-encoded, so the file still parses).
    seq = alices[0]
    path = f"{out}/entries/{seq}.proof"
    lines = open(path).read().split("\n")
    entry = bytearray(base64.b64decode(lines[1][6:]))
    at = entry.index(b'"actor":"alice"') + len('"actor":"al')
    entry[at] ^= 0x01
    lines[1] = "extra " + base64.b64encode(bytes(entry)).decode()
    open(path, "w").write("\n".join(lines))
    bad = run(promptgate_bin, "verify", "--disclosure", out, "--key", f"@{published}")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert f"first failing file entries/{seq}.proof" in bad.stdout
    assert "does NOT verify" in bad.stdout

    # The same byte changed only in the readable copy: entries.jsonl is named.
    fixed = lines[:]
    entry[at] ^= 0x01
    fixed[1] = "extra " + base64.b64encode(bytes(entry)).decode()
    open(path, "w").write("\n".join(fixed))
    assert run(promptgate_bin, "verify", "--disclosure", out, "--key", f"@{published}").returncode == 0
    jsonl = open(f"{out}/entries.jsonl", "rb").read()
    open(f"{out}/entries.jsonl", "wb").write(jsonl.replace(b'"actor":"alice"', b'"actor":"alicf"', 1))
    bad = run(promptgate_bin, "verify", "--disclosure", out, "--key", f"@{published}")
    assert bad.returncode == 1 and "first failing file entries.jsonl" in bad.stdout
