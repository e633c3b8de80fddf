"""Attacks on the proxy and its log, as a hostile employee, a careless one and a dishonest operator would try them.

Each test failed on the main branch before the hardening: secrets in entries and upstream in monitor mode, a rolled
back log accepted and signed over, redactions cut short, values hidden by NUL, readers that grow without bound."""
import json
import os
import pathlib
import resource
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from audit_entries import opened_lines
from conftest import Proxy

ROOT = pathlib.Path(__file__).resolve().parents[2]

PEM_BODY = [
    "MIIEowIBAAKCAQEAq7BFUpkGp3XQ0cnzb2hGfJ5ySKwmR0kQ1pkNoPemBodyLineOne",
    "Zm9vYmFyYmF6cXV4UGVtQm9keUxpbmVUd29JbXBvcnRhbnRTZWNyZXQ",
]
PEM = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(PEM_BODY) + "\n-----END RSA PRIVATE KEY-----"
AWS_ID, AWS_SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def chat(proxy, text, key=None):
    """One chat completion; returns (status, body)."""
    body = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}]}).encode()
    headers = {"content-type": "application/json"}
    if key:
        headers["authorization"] = "Bearer " + key
    request = urllib.request.Request(proxy.base_url + "/v1/chat/completions", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def everything_kept(proxy):
    """Every byte the proxy left behind: all files of its data folder, and its stderr."""
    proxy.stop()
    parts = [proxy.logged or ""]
    for folder, _, files in os.walk(proxy.data):
        for name in files:
            with open(os.path.join(folder, name), "rb") as f:
                parts.append(f.read().decode("utf-8", "replace"))
    parts += opened_lines(proxy.data)  # the log's sealed texts, opened: sealing must not hide a value
    return "\n".join(parts)


def entries(proxy):
    with open(proxy.log_path) as f:
        return [json.loads(line) for line in f]


def upstream_text(llmock):
    return llmock.sent_text()


def promptgate(binary, *args, timeout=60):
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def monitor_policy(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text('policy: p\nversion: "1"\nmode: monitor\ndepartments:\n  - id: parks\n')
    return str(path)


@pytest.mark.parametrize("secret, pieces", [
    ("Why does ssh refuse this key?\n" + PEM, PEM_BODY),
    (f"aws_access_key_id = {AWS_ID}\naws_secret_access_key = {AWS_SECRET}", [AWS_ID, AWS_SECRET]),
    (f"the service account is {AWS_ID},{AWS_SECRET}", [AWS_ID, AWS_SECRET]),
])
def test_secrets_never_leave_nor_land_in_any_file_even_in_monitor_mode(
        start_proxy, llmock, monitor_policy, secret, pieces):
    proxy = start_proxy(["--policy", monitor_policy, "--department", "parks"])
    status, body = chat(proxy, secret)
    assert status == 403, body
    assert "secret" in body
    assert llmock.requests() == [], "a secret left in monitor mode"
    kept = everything_kept(proxy)
    for piece in pieces:
        assert piece not in kept, f"{piece[:12]}… is in the data folder or stderr"
    blocked = [e for e in entries(proxy) if e["event"] == "request.blocked"]
    assert len(blocked) == 1 and "prompt" not in blocked[0]
    assert "the prompt's text is not kept" in blocked[0]["note"]


def test_a_pasted_proxy_key_blocks_and_names_its_owner_not_the_key(start_proxy, promptgate_bin, llmock, tmp_path):
    users = str(tmp_path / "users.yaml")
    keys = {}
    for user in ("alice", "bob"):
        added = promptgate(promptgate_bin, "users", "add", "--users", users, "--id", user)
        assert added.returncode == 0, added.stderr
        keys[user] = added.stdout.strip()
    proxy = start_proxy(["--users", users])
    status, body = chat(proxy, f"here is bob's key, use it: {keys['bob']}", key=keys["alice"])
    assert status == 403, body
    assert llmock.requests() == []
    kept = everything_kept(proxy)
    for key in keys.values():
        assert key not in kept and key[4:24] not in kept
    blocked = [e for e in entries(proxy) if e["event"] == "request.blocked"][0]
    assert blocked["actor"] == "alice"
    assert "a valid PromptGate key of user 'bob' was pasted" in blocked["note"]
    assert "replace its owner's key" in proxy.logged and "bob" in proxy.logged


def test_a_long_email_address_is_replaced_whole(start_proxy, llmock):
    proxy = start_proxy()
    local = "".join(chr(ord("a") + i % 26) for i in range(1000))
    status, body = chat(proxy, f"write to {local}@example.org today")
    assert status == 200, body
    sent = upstream_text(llmock)
    assert "[EMAIL_ADDRESS_1]" in sent
    for start in range(0, 1000, 100):
        assert local[start:start + 40] not in sent, f"bytes {start}… of the address left"
    assert local in json.loads(body)["choices"][0]["message"]["content"], "the client did not get it back"


@pytest.mark.parametrize("hider", ["\u0000", "\u200b", "\u00ad", "\u2060", "\u001b"])
def test_a_hidden_character_does_not_hide_an_ssn_or_an_email(start_proxy, llmock, hider):
    proxy = start_proxy()
    status, body = chat(proxy, f"SSN 212-56{hider}-7890, mail maria.gon{hider}zalez@example.org")
    assert status == 200, body
    sent = upstream_text(llmock)
    for piece in ("7890", "212-56", "zalez@", "maria.gon"):
        assert piece not in sent, f"{piece} left"
    assert "[US_SSN_1]" in sent and "[EMAIL_ADDRESS_1]" in sent
    # The answer gets the value back as it displays (the hidden character is not restored).
    assert "212-56-7890" in json.loads(body)["choices"][0]["message"]["content"]


def write_log(start_proxy, data, prompts=6):
    proxy = start_proxy(data=data)
    for i in range(prompts):
        assert chat(proxy, f"question {i}")[0] == 200
    proxy.stop()
    with open(os.path.join(data, "audit.log")) as f:
        return f.readlines()


def refused(promptgate_bin, llmock, data, *extra):
    run = subprocess.run(
        [promptgate_bin, "serve", "--listen", "127.0.0.1:0", "--data", data, "--upstream", llmock.url + "/v1", *extra],
        capture_output=True, text=True, timeout=60)
    return run


def test_a_cut_log_is_refused_naming_the_gap(start_proxy, promptgate_bin, llmock, tmp_path):
    data = str(tmp_path / "data")
    lines = write_log(start_proxy, data)
    with open(os.path.join(data, "audit.log"), "w") as f:
        f.writelines(lines[:-3])
    run = refused(promptgate_bin, llmock, data)
    assert run.returncode != 0
    assert "3 signed entries are gone" in run.stderr, run.stderr
    assert "--start-new-log" in run.stderr


def test_a_deleted_log_is_refused(start_proxy, promptgate_bin, llmock, tmp_path):
    data = str(tmp_path / "data")
    lines = write_log(start_proxy, data)
    os.remove(os.path.join(data, "audit.log"))
    run = refused(promptgate_bin, llmock, data)
    assert run.returncode != 0 and f"{len(lines)} signed entries are gone" in run.stderr, run.stderr


def test_a_rewritten_entry_is_refused_even_with_the_newest_checkpoint_removed(start_proxy, promptgate_bin, llmock, tmp_path):
    data = str(tmp_path / "data")
    lines = write_log(start_proxy, data)
    lines[2] = lines[2].replace('"decision":"allowed"', '"decision":"blocked"')
    with open(os.path.join(data, "audit.log"), "w") as f:
        f.writelines(lines)
    os.remove(os.path.join(data, "checkpoint"))
    run = refused(promptgate_bin, llmock, data)
    assert run.returncode != 0 and "the root differs" in run.stderr, run.stderr


def test_a_forged_last_line_is_counted_recorded_and_signed_over_visibly(start_proxy, promptgate_bin, llmock, tmp_path):
    data = str(tmp_path / "data")
    lines = write_log(start_proxy, data)
    import hashlib
    forged = json.dumps({"v": 1, "seq": len(lines), "ts": "2026-12-06T00:00:00.000Z", "event": "request.screened",
                         "actor": "alice", "decision": "allowed",
                         "prev": hashlib.sha256(lines[-1].rstrip("\n").encode()).hexdigest()}, separators=(",", ":"))
    with open(os.path.join(data, "audit.log"), "a") as f:
        f.write(forged + "\n")
    proxy = start_proxy(data=data)
    proxy.stop()
    assert "1 audit entries after the last signed checkpoint were found" in proxy.logged
    resumed = [e for e in entries(proxy) if e["event"] == "log.resumed"]
    assert len(resumed) == 1 and resumed[0]["note"].startswith("1 entries after the newest signed checkpoint")


def test_an_operator_can_declare_a_new_log_and_that_is_recorded(start_proxy, promptgate_bin, llmock, tmp_path, request):
    data = str(tmp_path / "data")
    lines = write_log(start_proxy, data)
    os.remove(os.path.join(data, "audit.log"))
    assert refused(promptgate_bin, llmock, data, "--start-new-log", " ").returncode != 0, "an empty reason was taken"
    proxy = start_proxy(["--start-new-log", "disk replaced, ticket 4711"], data=data)
    assert chat(proxy, "hello")[0] == 200
    proxy.stop()
    restarted = [e for e in entries(proxy) if e["event"] == "log.restarted"]
    assert len(restarted) == 1
    assert "disk replaced, ticket 4711" in restarted[0]["note"] and f"signed {len(lines)} entries" in restarted[0]["note"]
    assert any(n.startswith("superseded-") for n in os.listdir(data))
    ok = promptgate(promptgate_bin, "verify", "--data", data, "--all-checkpoints")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    tlogverify = os.environ.get("TLOGVERIFY")
    if tlogverify:
        from test_audit_log import tlog
        with open(os.path.join(data, "log.vkey")) as f:
            vkey = f.read().strip()
        out = tlog(tlogverify, "verify", "-log", os.path.join(data, "audit.log"),
                   "-checkpoint", os.path.join(data, "checkpoint"), "-key", vkey)
        assert out.returncode == 0, out.stdout + out.stderr


def test_checkpoints_follow_entries_within_seconds_and_verify_counts_the_rest(start_proxy, promptgate_bin, llmock, tmp_path):
    data = str(tmp_path / "data")
    proxy = start_proxy(["--checkpoint-every", "100000", "--checkpoint-seconds", "1"], data=data)
    assert chat(proxy, "hello")[0] == 200
    deadline = time.time() + 15
    size = 0
    while time.time() < deadline:
        with open(os.path.join(data, "checkpoint")) as f:
            size = int(f.read().split("\n")[1])
        with open(proxy.log_path) as f:
            if size == len(f.readlines()):
                break
        time.sleep(0.2)
    with open(proxy.log_path) as f:
        assert size == len(f.readlines()), "no checkpoint covered the new entries while the proxy ran"
    proxy.stop()
    # An entry no checkpoint covers is reported, not hidden.
    with open(proxy.log_path) as f:
        last = f.readlines()[-1]
    import hashlib
    extra = json.dumps({"v": 1, "seq": 99, "ts": "2026-12-06T00:00:00.000Z", "event": "policy.loaded",
                        "prev": hashlib.sha256(last.rstrip("\n").encode()).hexdigest()}, separators=(",", ":"))
    with open(proxy.log_path, "a") as f:
        f.write(extra + "\n")
    out = promptgate(promptgate_bin, "verify", "--data", data)
    assert "1 later entry is signed by no checkpoint" in out.stdout, out.stdout
    as_json = json.loads(promptgate(promptgate_bin, "verify", "--data", data, "--json").stdout)
    assert as_json["unsigned_trailing"] == 1


def test_a_fresh_folder_verifies_as_empty(promptgate_bin, tmp_path):
    out = promptgate(promptgate_bin, "verify", "--data", str(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "verified 0 entries: no checkpoint yet" in out.stdout
    missing = promptgate(promptgate_bin, "verify", "--data", str(tmp_path / "nope"))
    assert missing.returncode != 0


def test_a_data_folder_others_can_read_is_made_private_with_a_warning(start_proxy, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    os.chmod(data, 0o777)
    proxy = start_proxy(data=str(data))
    proxy.stop()
    assert "could be read by others (mode 777); it was made private" in proxy.logged
    assert os.stat(data).st_mode & 0o077 == 0
    for name in ("log.key", "fingerprint.key"):
        assert os.stat(data / name).st_mode & 0o077 == 0


@pytest.mark.parametrize("command", [
    ["verify", "--log", "/dev/zero", "--checkpoint", "/dev/zero", "--key", "@/dev/zero"],
    ["verify", "--log", "/dev/zero", "--checkpoint", "CHECKPOINT", "--key", "@VKEY"],
    ["log", "show", "--log", "/dev/zero"],
    ["prove", "inclusion", "--log", "/dev/zero", "--index", "0", "--size", "1"],
])
def test_endless_inputs_are_errors_with_bounded_memory(start_proxy, promptgate_bin, tmp_path, command):
    proxy = start_proxy()
    proxy.stop()
    command = [c.replace("CHECKPOINT", os.path.join(proxy.data, "checkpoint"))
               .replace("VKEY", os.path.join(proxy.data, "log.vkey")) for c in command]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = promptgate(promptgate_bin, *command, timeout=120)
    assert out.returncode != 0
    assert "MiB" in out.stderr or "KiB" in out.stderr, out.stderr
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert peak_kb < 400_000 or peak_kb == before, f"the reader grew to {peak_kb // 1024} MB"
