"""Attacks through the command line tools: forged log lines and terminal escapes in `log show`, YAML injection in
`users add`, an empty registry that lints as fine, and server paths in block messages to employees."""
import hashlib
import json
import re
import subprocess

import openai
import pytest

from test_governance import entry

FORGED = "#999 2026-11-29T10:00:00.000Z request.screened user=alice decision=allowed"


def run(promptgate_bin, *args):
    return subprocess.run([promptgate_bin, *args], capture_output=True, text=True)


def test_log_show_cannot_be_forged_or_send_escape_codes(start_proxy, promptgate_bin):
    proxy = start_proxy()
    client = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="k", max_retries=0)
    prompt = f"hello\n{FORGED}\r\n{FORGED}\x1b[2J\x1b]0;owned\x07\u2028{FORGED}\u202e"
    client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
    client.chat.completions.create(model=f"m\n{FORGED}\x1b[31m", messages=[{"role": "user", "content": "hi"}])
    proxy.stop()

    shown = run(promptgate_bin, "log", "show", "--data", proxy.data)
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    for bad in ["\x1b", "\r", "\x07", "\u2028", "\u202e"]:
        assert bad not in out, repr(bad)
    entries = [json.loads(l) for l in open(proxy.log_path)]
    lines = out.split("\n")[:-1]
    headers = [l for l in lines if not l.startswith("    ")]
    # One header line per entry, numbered as in the log, and nothing else: no line starts like a forged entry.
    assert [h.split(" ")[0] for h in headers] == [f"#{i}" for i in range(len(entries))], out
    assert not any(l.lstrip().startswith("#999") for l in lines), out
    prompts = [l for l in lines if l.startswith("    prompt: ")]
    assert any("\\n#999" in p and "\\u{1B}[2J" in p and "\\u{2028}" in p for p in prompts), out
    assert 'model="m\\n#999' in out, out

    as_json = run(promptgate_bin, "log", "show", "--data", proxy.data, "--json")
    assert as_json.returncode == 0
    assert "\x1b" not in as_json.stdout and "\r" not in as_json.stdout
    opened = run(promptgate_bin, "log", "show", "--data", proxy.data, "--json", "--decrypt")
    assert opened.returncode == 0 and "#999" in opened.stdout
    assert "\x1b" not in opened.stdout and "\r" not in opened.stdout
    # Line breaks end JSON lines only: U+2028 is valid raw JSON (str.splitlines would split on it).
    assert [json.loads(l) for l in as_json.stdout.split("\n")[:-1]] == entries


def write_users(path, users):
    """Writes a hand-made users file (with a comment) and returns the keys by id."""
    keys = {id: f"pgk_e2e-{id}" for id, _ in users}
    text = "# hand-written\nusers:\n"
    for id, dept in users:
        text += f"  - id: {id}\n" + (f"    department: {dept}\n" if dept else "")
        text += f"    key_sha256: {hashlib.sha256(keys[id].encode()).hexdigest()}\n"
    path.write_text(text)
    return keys


@pytest.mark.parametrize("bad_id", [
    "x\n  - id: mallory\n    key_sha256: " + "a" * 64,
    "x: [broken",
])
def test_users_add_refuses_injected_ids_and_leaves_the_file(promptgate_bin, tmp_path, bad_id):
    users = tmp_path / "users.yaml"
    write_users(users, [("jdoe", "parks")])
    before = users.read_bytes()
    result = run(promptgate_bin, "users", "add", "--users", str(users), "--id", bad_id)
    assert result.returncode != 0
    assert "may hold only letters, digits" in result.stderr and "unchanged" in result.stderr, result.stderr
    assert result.stdout == ""  # no key was handed out
    assert users.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["users.yaml"]
    # The file still loads: the next valid add reads it and succeeds.
    assert run(promptgate_bin, "users", "add", "--users", str(users), "--id", "next").returncode == 0
    refused_dept = run(promptgate_bin, "users", "add", "--users", str(users), "--id", "ok", "--department", bad_id)
    assert refused_dept.returncode != 0 and "department" in refused_dept.stderr


def test_users_add_round_trips_existing_users(start_proxy, llmock, promptgate_bin, tmp_path):
    users = tmp_path / "users.yaml"
    keys = write_users(users, [("jdoe", "parks"), ("svc.bot", None)])
    added = run(promptgate_bin, "users", "add", "--users", str(users), "--id", "alice@city.example",
                "--department", "social-services")
    assert added.returncode == 0, added.stderr
    keys["alice@city.example"] = added.stdout.strip()
    assert "Comments" in run(promptgate_bin, "users", "add", "--help").stdout
    assert oct(users.stat().st_mode & 0o777) == "0o600"

    proxy = start_proxy(extra=["--users", str(users)])
    for key in keys.values():
        openai.OpenAI(base_url=proxy.base_url + "/v1", api_key=key, max_retries=0).chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hello"}])
    proxy.stop()
    screened = [json.loads(l) for l in open(proxy.log_path) if '"request.screened"' in l]
    assert [(e["actor"], e.get("dept")) for e in screened] == [
        ("jdoe", "parks"), ("svc.bot", None), ("alice@city.example", "social-services")]


def test_empty_registry_fails_lint(promptgate_bin, tmp_path):
    folder = tmp_path / "registry"
    folder.mkdir()
    (folder / "README.txt").write_text("not a system")
    result = run(promptgate_bin, "registry", "lint", "--registry", str(folder))
    assert result.returncode == 1
    assert "holds no systems" in result.stderr and "OK" not in result.stdout, (result.stdout, result.stderr)
    # The proxy refuses it too, rather than start and block every request.
    serve = subprocess.run([promptgate_bin, "serve", "--listen", "127.0.0.1:0", "--data", str(tmp_path / "data"),
                            "--registry", str(folder)], capture_output=True, text=True, timeout=60)
    assert serve.returncode != 0 and "holds no systems" in serve.stderr, serve.stderr


def test_registry_block_messages_name_no_server_path(start_proxy, llmock, tmp_path):
    folder = tmp_path / "registry"
    folder.mkdir()
    (folder / "active.yaml").write_text(entry("active", "gpt-4o-mini"))
    (folder / "suspended.yaml").write_text(entry("suspended", "suspended-model", status="suspended"))
    (folder / "expired.yaml").write_text(entry("expired", "old-model", review="2020-01-01"))
    proxy = start_proxy(extra=["--registry", str(folder)])
    client = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="k", max_retries=0)
    messages = []
    for model, purpose in [("gpt-unregistered", None), ("suspended-model", None), ("gpt-4o-mini", "social-scoring")]:
        headers = {"X-PromptGate-Purpose": purpose} if purpose else {}
        with pytest.raises(openai.PermissionDeniedError) as error:
            client.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}], extra_headers=headers)
        messages.append(error.value.message)
    warned = client.chat.completions.with_raw_response.create(model="old-model", messages=[{"role": "user", "content": "hi"}])
    messages.append(warned.headers["x-promptgate-warning"])
    assert "not in the city's AI registry" in messages[0]
    for message in messages:
        assert str(tmp_path) not in message and ".yaml" not in message, message
        assert not re.search(r"(^|[\s(])/[\w.-]+/", message), message
    assert len(llmock.requests()) == 1  # only the warned request went out
