"""Two proxies on one audit log in PostgreSQL: one log, verified straight from the database and, after `log export`,
by both verifiers; a tamper in the database is caught at the same entry as the same tamper in the file form; and
nothing acknowledged is lost while proxies are SIGKILLed and PostgreSQL restarts under load."""
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

from conftest import UPSTREAM_SECRETS, assert_keeps_no_secret


def run(*args, **kwargs):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=kwargs.pop("timeout", 120), **kwargs)


def share_log_key(source_data, data):
    """A second proxy of the same log gets the same log key (the operator copies it, as docs/operator.md says)."""
    os.makedirs(data, mode=0o700, exist_ok=True)
    for name in ("log.key", "log.vkey"):
        shutil.copy2(os.path.join(source_data, name), os.path.join(data, name))
    if os.path.isdir(os.path.join(source_data, "keys")):
        shutil.copytree(os.path.join(source_data, "keys"), os.path.join(data, "keys"), dirs_exist_ok=True)


def start_pair(start_proxy, tmp_path, url, extra=()):
    first = start_proxy(data=str(tmp_path / "proxy-a"), extra=["--log", url, *extra])
    share_log_key(first.data, str(tmp_path / "proxy-b"))
    second = start_proxy(data=str(tmp_path / "proxy-b"), extra=["--log", url, *extra])
    return first, second


def ask(proxy, content, timeout=10):
    """One chat request without the SDK: returns (status, request id)."""
    body = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": content}]}).encode()
    request = urllib.request.Request(proxy.base_url + "/v1/chat/completions", data=body,
                                     headers={"content-type": "application/json", "authorization": "Bearer k"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            r.read()
            return r.status, r.headers.get("x-promptgate-request-id")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("x-promptgate-request-id")


def rows(postgres):
    """The stored lines in seq order, exact bytes."""
    out = postgres.psql(postgres.url, "SELECT seq, encode(line, 'hex') FROM audit_entries ORDER BY seq")
    return [(int(seq), bytes.fromhex(hexline)) for seq, hexline in (l.split("|") for l in out.split())]


def verify_json(promptgate_bin, *args):
    r = run(promptgate_bin, "verify", "--json", *args)
    assert r.stdout.strip(), r.stderr
    return r.returncode, json.loads(r.stdout)


def export(promptgate_bin, url, out):
    r = run(promptgate_bin, "log", "export", "--log", url, "--out", str(out))
    assert r.returncode == 0, r.stderr
    return str(out)


def tlog(tlogverify_bin, *args):
    return run(tlogverify_bin, *args)


def assert_no_secret_in_folder(folder):
    class Left:
        data, logged = folder, ""
    assert_keeps_no_secret(Left())


def test_two_proxies_one_log_both_verifiers(start_proxy, postgres, promptgate_bin, tlogverify_bin, tmp_path):
    import openai
    a, b = start_pair(start_proxy, tmp_path, postgres.url)
    request_ids = {"a": set(), "b": set()}
    for i in range(6):
        for name, proxy in (("a", a), ("b", b)):
            marker = f"marker-{name}-{i}-{os.urandom(4).hex()}"
            c = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="k", max_retries=0)
            raw = c.chat.completions.with_raw_response.create(
                model="gpt-4o-mini", messages=[{"role": "user", "content": f"{marker}: write to a{i}@example.org"}])
            assert marker in raw.parse().choices[0].message.content
            request_ids[name].add(raw.headers["x-promptgate-request-id"])
    a.stop()
    b.stop()

    stored = rows(postgres)
    assert [seq for seq, _ in stored] == list(range(len(stored))), "seq must run 0, 1, 2, … without a gap"
    assert b"a0@example.org" not in b"".join(line for _, line in stored), "the log holds a raw e-mail address"
    logged = {json.loads(line).get("request_id") for _, line in stored}
    for name in "ab":
        assert len(request_ids[name]) == 6 and request_ids[name] <= logged, f"proxy {name}'s entries are missing"

    code, from_db = verify_json(promptgate_bin, "--log", postgres.url)
    assert code == 0 and from_db["ok"], json.dumps(from_db)
    assert from_db["lines"] == len(stored) and from_db["problems"] == []
    human = run(promptgate_bin, "verify", "--log", postgres.url)
    assert human.returncode == 0 and f"verified {from_db['verified'][-1]['size']} entries" in human.stdout, human.stdout

    out = export(promptgate_bin, postgres.url, tmp_path / "export")
    with open(os.path.join(out, "audit.log"), "rb") as f:
        assert f.read() == b"".join(line + b"\n" for _, line in stored), "the export is not byte-identical to the rows"
    for path, mode in [(out, 0o700), (out + "/audit.log", 0o600), (out + "/checkpoint", 0o600),
                       (out + "/log.vkey", 0o600), (out + "/checkpoints", 0o700)]:
        assert os.stat(path).st_mode & 0o777 == mode, path
    code, from_files = verify_json(promptgate_bin, "--data", out)
    assert code == 0, from_files
    for key in ("ok", "lines", "unsigned_trailing", "verified", "problems", "warnings"):
        assert from_files[key] == from_db[key], key
    r = tlog(tlogverify_bin, "verify", "-log", out + "/audit.log", "-checkpoint", out + "/checkpoint",
             "-key", f"@{out}/log.vkey")
    assert r.returncode == 0, r.stdout + r.stderr
    # Every checkpoint ever signed, by whichever proxy held the lease, verifies against the same lines.
    code, every = verify_json(promptgate_bin, "--log", postgres.url, "--all-checkpoints")
    assert code == 0 and len(every["verified"]) >= 2, every
    # An export never replaces a folder.
    again = run(promptgate_bin, "log", "export", "--log", postgres.url, "--out", out)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert_no_secret_in_folder(out)


def test_verify_and_export_refuse_bad_urls_without_showing_the_password(postgres, promptgate_bin, tmp_path):
    bad = postgres.url.replace("postgres@", "postgres:s3cret-pw@").rsplit("/", 1)[0] + "/no_such_db"
    for args in (["verify", "--log", bad], ["log", "export", "--log", bad, "--out", str(tmp_path / "x")],
                 ["verify", "--log", "postgres://u:s3cret-pw@127.0.0.1:1/db?sslmode=bogus"]):
        r = run(promptgate_bin, *args)
        assert r.returncode == 2, r.stdout + r.stderr
        assert "s3cret-pw" not in r.stdout + r.stderr
        assert "Fatal error" not in r.stderr
    assert not os.path.exists(tmp_path / "x")
    # A database without a log is said so.
    r = run(promptgate_bin, "verify", "--log", postgres.url)
    assert r.returncode == 2 and "no PromptGate audit log" in r.stderr, r.stderr


def test_log_show_prove_and_disclose_read_the_database_as_they_read_the_export(
        start_proxy, postgres, promptgate_bin, tmp_path):
    """log show, prove (inclusion, consistency, entry) and disclose given --log postgres://… print what they print
    for the exported folder, and what they write verifies."""
    a, b = start_pair(start_proxy, tmp_path, postgres.url)
    for i in range(5):
        assert ask(a if i % 2 else b, f"Please summarise ticket {i} for jane{i}@example.org")[0] == 200
    a.stop()
    b.stop()
    url, vkey = postgres.url, "@" + os.path.join(a.data, "log.vkey")
    out = export(promptgate_bin, url, tmp_path / "export")
    size = int(open(os.path.join(out, "checkpoint")).read().split("\n")[1])
    assert size >= 10

    def both(*args):
        from_db, from_files = run(promptgate_bin, *args, "--log", url), run(promptgate_bin, *args, "--data", out)
        assert from_db.returncode == 0, from_db.stderr
        assert from_files.returncode == 0, from_files.stderr
        assert from_db.stdout == from_files.stdout, args
        return from_db.stdout

    stored = both("log", "show", "--json")
    assert stored.encode() == open(os.path.join(out, "audit.log"), "rb").read()
    shown = run(promptgate_bin, "log", "show", "--log", url, "--data", a.data, "--event", "request.screened")
    assert shown.returncode == 0 and shown.stdout.count("request.screened") == 5, shown.stderr
    assert "ticket 3 for [EMAIL_ADDRESS_1]" in shown.stdout, "the texts are opened with the database's keys"
    assert "jane3@example.org" not in shown.stdout
    inclusion = tmp_path / "inclusion.json"
    inclusion.write_text(both("prove", "inclusion", "--line", "4"))
    consistency = tmp_path / "consistency.json"
    old = min(int(n) for n in os.listdir(out + "/checkpoints") if 0 < int(n) < size)
    consistency.write_text(both("prove", "consistency", "--old", str(old)))
    checked = run(promptgate_bin, "verify", "--log", url, "--inclusion-proof", str(inclusion),
                  "--consistency-proof", str(consistency), "--all-checkpoints")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    proof = tmp_path / "entry.proof"
    made = run(promptgate_bin, "prove", "entry", "--log", url, "--line", "2", "--out", str(proof))
    assert made.returncode == 0, made.stderr
    alone = run(promptgate_bin, "verify", "--proof", str(proof), "--key", vkey)
    assert alone.returncode == 0, alone.stdout + alone.stderr
    bundle = tmp_path / "request"
    disclosed = run(promptgate_bin, "disclose", "--log", url, "--data", a.data, "--user", "anonymous",
                    "--out", str(bundle))
    assert disclosed.returncode == 0, disclosed.stderr
    texts = open(bundle / "texts.jsonl").read()
    assert "ticket 1 for [EMAIL_ADDRESS_1]" in texts and "jane1@example.org" not in texts
    bundled = run(promptgate_bin, "verify", "--disclosure", str(bundle), "--key", vkey)
    assert bundled.returncode == 0, bundled.stdout + bundled.stderr
    entries = [json.loads(line) for line in open(bundle / "entries.jsonl")]
    assert len(entries) >= 10 and all(e.get("actor") in (None, "anonymous") for e in entries)
    # The report counts and verifies the database as it does the export.
    summaries = []
    for n, where in enumerate((("--log", url), ("--data", out))):
        page = tmp_path / f"report{n}.html"
        made = run(promptgate_bin, "report", *where, "--out", str(page))
        assert made.returncode == 0, made.stderr
        assert "; log verified;" in made.stderr, made.stderr
        assert "jane" not in page.read_text()
        summaries.append(made.stderr.split("; wrote")[0])
    assert summaries[0] == summaries[1] and "report: 5 prompts" in summaries[0], summaries
    # A line the log does not have is refused, as for the file form.
    beyond = run(promptgate_bin, "prove", "inclusion", "--log", url, "--line", str(size + 100))
    assert beyond.returncode != 0 and "s3cret" not in beyond.stderr


def test_keys_rotate_on_a_postgres_log_is_accepted_by_verify_and_the_proxies(
        start_proxy, postgres, promptgate_bin, tmp_path):
    """keys rotate --log postgres://… records the new verifier key in the database: verify --log with only the new
    key passes, and the proxy restarted with the rotated keys opens the log."""
    first = start_proxy(data=str(tmp_path / "a"), extra=["--log", postgres.url])
    assert ask(first, "Please summarise ticket 1")[0] == 200
    first.stop()
    old_key = open(os.path.join(first.data, "log.vkey")).read().strip()
    rotated = run(promptgate_bin, "keys", "rotate", "--data", first.data, "--log", postgres.url)
    assert rotated.returncode == 0, rotated.stderr
    new_key = rotated.stdout.strip().splitlines()[-1]
    assert new_key != old_key and new_key == open(os.path.join(first.data, "log.vkey")).read().strip()
    stored = postgres.psql(postgres.url, "SELECT array_to_string(verifier_keys, ' ') FROM audit_meta").split()
    assert stored == [new_key, old_key]
    code, report = verify_json(promptgate_bin, "--log", postgres.url, "--key", new_key)
    assert code == 0 and report["ok"], report
    again = start_proxy(data=first.data, extra=["--log", postgres.url])
    assert ask(again, "Please summarise ticket 2")[0] == 200
    again.stop()
    retired = run(promptgate_bin, "keys", "retire", "--data", first.data, "--log", postgres.url)
    assert retired.returncode == 0, retired.stderr
    code, report = verify_json(promptgate_bin, "--log", postgres.url, "--key", new_key)
    assert code == 0 and report["ok"], report
    events = [json.loads(line).get("event") for _, line in rows(postgres)]
    assert "key.rotated" in events and "key.retired" in events


# --- the tamper matrix: the same tamper in the database and in the exported file form -------------------------------

TAMPERS = ["changed row", "deleted row", "swapped rows", "rewritten tail, re-signed"]


def tampered(line):
    """The line with one field changed (the version: plain text in every entry, sealed or not)."""
    changed = line.replace(b'{"v":1,', b'{"v":2,', 1)
    assert changed != line
    return changed


def rechain(lines, start):
    for i in range(start, len(lines)):
        prev = hashlib.sha256(lines[i - 1]).hexdigest().encode()
        lines[i], n = re.subn(rb'"prev":"[0-9a-f]{64}"', b'"prev":"' + prev + b'"', lines[i])
        assert n == 1


def sign(tlogverify_bin, key, lines, origin, tmp_path, name):
    log = tmp_path / f"{name}.log"
    log.write_bytes(b"".join(l + b"\n" for l in lines))
    r = tlog(tlogverify_bin, "sign", "-skey", f"@{key}", "-log", str(log), "-origin", origin,
             "-out", str(tmp_path / f"{name}.cp"))
    assert r.returncode == 0, r.stderr
    return (tmp_path / f"{name}.cp").read_text()


def normalized(report):
    """A report with the checkpoints' names (files or table rows) taken out, to compare one store with the other."""
    def strip(text):
        text = re.sub(r"audit_checkpoints size \d+( \(the newest\))?", "CP", text)
        return re.sub(r"\S*/checkpoints?(/\d+)?|\S*/auditor-\d+\.cp", "CP", text)
    return {k: ([strip(p) for p in report[k]] if k in ("problems", "warnings") else report.get(k))
            for k in ("ok", "lines", "verified", "problems", "warnings", "first_failing_line", "first_failing_reason")}


@pytest.fixture(scope="module")
def pg_log_module(tmp_path_factory, postgres_server, promptgate_bin, llmock):
    """A 30-entry log written by two proxies (signing every 5 entries), and an auditor's copy of an early checkpoint.
    Built once; each tamper test gets its own copy of the database (CREATE DATABASE … TEMPLATE)."""
    from conftest import Proxy
    tmp = tmp_path_factory.mktemp("pg-tamper")
    name = "promptgate_e2e_tamper_" + os.urandom(4).hex()
    admin = postgres_server.url_of("postgres")
    postgres_server.psql(admin, f"CREATE DATABASE {name}")
    url = postgres_server.url_of(name)
    upstream = llmock.url + "/v1"
    a = Proxy(promptgate_bin, upstream, str(tmp / "a"), ["--log", url], [])
    share_log_key(a.data, str(tmp / "b"))
    b = Proxy(promptgate_bin, upstream, str(tmp / "b"), ["--log", url], [])
    for i in range(8):
        assert ask(a if i % 2 else b, f"Please summarise ticket {i}")[0] == 200
    # The auditor saves a checkpoint that covers the entry the tamper tests rewrite (seq 9). The lease holder signs
    # in the background, so wait for one rather than take whatever the newest is (on a slow machine it may be older).
    deadline = time.time() + 30
    saved = ""
    while not saved.strip() and time.time() < deadline:
        saved = postgres_server.psql(
            url, "SELECT text FROM audit_checkpoints WHERE size > 9 ORDER BY size DESC LIMIT 1")
        if not saved.strip():
            time.sleep(0.2)
    assert saved.strip(), "no checkpoint covering seq 9 was signed within 30 s"
    for i in range(8, 15):
        assert ask(a if i % 2 else b, f"Please summarise ticket {i}")[0] == 200
    a.stop()
    b.stop()
    for proxy in (a, b):
        assert_keeps_no_secret(proxy)
    auditor = tmp / "auditor-1.cp"
    auditor.write_text(saved.rstrip("\n") + "\n")
    yield url, name, str(tmp / "a"), str(auditor)
    postgres_server.psql(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", check=False)


@pytest.mark.parametrize("tamper", TAMPERS)
def test_tamper_in_the_database_is_caught_where_the_file_form_catches_it(
        pg_log_module, postgres_server, promptgate_bin, tlogverify_bin, tmp_path, tamper):
    template_url, template, key_folder, auditor = pg_log_module
    name = "promptgate_e2e_t_" + os.urandom(4).hex()
    admin = postgres_server.url_of("postgres")
    postgres_server.psql(admin, f"CREATE DATABASE {name} TEMPLATE {template}")
    url = postgres_server.url_of(name)
    try:
        class DB:
            pass
        db = DB()
        db.url, db.psql = url, postgres_server.psql
        out = export(promptgate_bin, url, tmp_path / "export")
        stored = rows(db)
        assert len(stored) >= 25
        lines = [line for _, line in stored]
        origin = open(out + "/checkpoint").read().split("\n")[0]
        target = 9  # seq 9: line 10 of audit.log
        sql = []
        extra = []
        resigned = {}
        if tamper == "changed row":
            lines[target] = tampered(lines[target])
            sql.append(f"UPDATE audit_entries SET line = decode('{lines[target].hex()}', 'hex') WHERE seq = {target}")
        elif tamper == "deleted row":
            del lines[target]
            sql.append(f"DELETE FROM audit_entries WHERE seq = {target}")
        elif tamper == "swapped rows":
            lines[target], lines[target + 1] = lines[target + 1], lines[target]
            sql.append(f"UPDATE audit_entries SET line = CASE seq WHEN {target} THEN decode('{lines[target].hex()}', 'hex') "
                       f"ELSE decode('{lines[target + 1].hex()}', 'hex') END WHERE seq IN ({target}, {target + 1})")
        else:
            # The attacker holds the log key: rewrites entry 9, rechains the rest, re-signs every checkpoint at or
            # after it (newest and history). Only the auditor's copy of an earlier checkpoint can tell.
            lines[target] = tampered(lines[target])
            rechain(lines, target + 1)
            for i in range(target, len(lines)):
                leaf = hashlib.sha256(b"\x00" + lines[i]).hexdigest()
                sql.append(f"UPDATE audit_entries SET line = decode('{lines[i].hex()}', 'hex'), "
                           f"leaf_hash = decode('{leaf}', 'hex') WHERE seq = {i}")
            sizes = [int(s) for s in db.psql(url, "SELECT size FROM audit_checkpoints ORDER BY size").split()]
            for size in sizes:
                if size > target:
                    text = sign(tlogverify_bin, key_folder + "/log.key", lines[:size], origin, tmp_path, f"cp{size}")
                    resigned[size] = text
                    root = text.split("\n")[2]
                    sql.append(f"UPDATE audit_checkpoints SET text = convert_from(decode('{text.encode().hex()}', 'hex'), "
                               f"'UTF8'), root = decode('{root}', 'base64') WHERE size = {size}")
            extra = ["--checkpoint", auditor, "--all-checkpoints"]
        db.psql(url, "BEGIN; " + "; ".join(sql) + "; COMMIT")

        # The same tamper on the file form.
        with open(out + "/audit.log", "wb") as f:
            f.write(b"".join(l + b"\n" for l in lines))
        for size, text in resigned.items():
            open(f"{out}/checkpoints/{size}", "w").write(text)
            if size == max(resigned):
                open(f"{out}/checkpoint", "w").write(text)

        db_code, from_db = verify_json(promptgate_bin, "--log", url, *extra)
        file_code, from_files = verify_json(promptgate_bin, "--data", out, *extra)
        assert db_code == 1 and file_code == 1, (from_db, from_files)
        assert normalized(from_db) == normalized(from_files), (from_db, from_files)
        if tamper == "rewritten tail, re-signed":
            assert any("FORK" in p for p in from_db["problems"]) or any("Merkle root" in p for p in from_db["problems"])
        else:
            # A changed line breaks the chain at the line after it; a deleted or moved one at its own place.
            expected = target + 2 if tamper == "changed row" else target + 1
            assert from_db["first_failing_line"] == expected, from_db
        # And the independent verifier, on the tampered file form, fails at the same line.
        theirs = tlog(tlogverify_bin, "verify", "-log", out + "/audit.log", "-checkpoint", out + "/checkpoint",
                      *(["-checkpoint", auditor] if extra else []), "-key", f"@{out}/log.vkey")
        assert theirs.returncode == 1, theirs.stdout
        m = re.search(r"first failing line (\d+)", theirs.stdout)
        assert (int(m.group(1)) if m else None) == from_db.get("first_failing_line"), (theirs.stdout, from_db)
    finally:
        postgres_server.psql(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", check=False)


# --- nothing acknowledged is lost ------------------------------------------------------------------------------------

def test_sigkill_and_a_database_restart_lose_no_acknowledged_entry(
        start_proxy, postgres, postgres_server, promptgate_bin, tlogverify_bin, tmp_path):
    """Two proxies under load from 8 clients; each proxy is SIGKILLed at random moments and restarted (30 kills and
    more in all), and PostgreSQL is restarted once mid-load. Every prompt that was answered 200 has its entry, the
    chain is whole, and both verifiers accept the export."""
    if not postgres_server.folder:
        pytest.skip("restarting PostgreSQL needs PROMPTGATE_TEST_POSTGRES_DIR")
    a, b = start_pair(start_proxy, tmp_path, postgres.url, extra=["--checkpoint-every", "50"])
    live = {"a": a, "b": b}
    lock = threading.Lock()
    acked, failures = set(), [0]
    stop = threading.Event()
    stderr_texts = []

    def client(n):
        rng = random.Random(n)
        i = 0
        while not stop.is_set():
            with lock:
                proxy = live[rng.choice("ab")]
            i += 1
            try:
                status, request_id = ask(proxy, f"Please summarise load item {n}-{i}", timeout=15)
            except (OSError, urllib.error.URLError):
                failures[0] += 1
                time.sleep(0.02)
                continue
            if status == 200:
                assert request_id, "a 200 answer without its request id"
                with lock:
                    acked.add(request_id)
            else:
                failures[0] += 1
                time.sleep(0.02)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(8)]
    for t in threads:
        t.start()
    rng = random.Random(20261207)
    kills = 0
    restarted_db = False
    started = time.time()
    while kills < 32 and time.time() - started < 75:
        time.sleep(rng.uniform(0.2, 1.2))
        name = rng.choice("ab")
        with lock:
            victim = live[name]
        victim.proc.send_signal(signal.SIGKILL)
        victim.proc.wait(timeout=10)
        stderr_texts.append(victim.proc.stderr.read())
        victim.logged = stderr_texts[-1]
        kills += 1
        if kills == 16 and not restarted_db:
            postgres_server.restart()
            restarted_db = True
        replacement = start_proxy(data=victim.data, extra=["--log", postgres.url, "--checkpoint-every", "50"])
        with lock:
            live[name] = replacement
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert kills >= 30 and restarted_db, f"only {kills} kills in {time.time() - started:.0f} s"
    assert len(acked) > 200, f"only {len(acked)} answered prompts ({failures[0]} failed): too little load to mean much"
    for proxy in live.values():
        proxy.stop()

    stored = rows(postgres)
    assert [seq for seq, _ in stored] == list(range(len(stored))), "seq must have no gap"
    logged = {json.loads(line).get("request_id") for _, line in stored}
    missing = acked - logged
    assert not missing, f"{len(missing)} answered prompts have no entry, e.g. {sorted(missing)[:3]}"
    print(f"{len(acked)} answered prompts over {kills} kills and a PostgreSQL restart: all logged "
          f"({len(stored)} entries, {failures[0]} refused or cut requests)")

    code, from_db = verify_json(promptgate_bin, "--log", postgres.url)
    assert code == 0 and from_db["ok"] and from_db["problems"] == [], from_db
    out = export(promptgate_bin, postgres.url, tmp_path / "export")
    assert run(promptgate_bin, "verify", "--data", out).returncode == 0
    r = tlog(tlogverify_bin, "verify", "-log", out + "/audit.log", "-checkpoint", out + "/checkpoint",
             "-key", f"@{out}/log.vkey")
    assert r.returncode == 0, r.stdout
    for text in stderr_texts:
        for secret in UPSTREAM_SECRETS:
            assert secret not in text
        assert not re.search(r"pgk_[A-Za-z0-9_-]{43}", text)
    assert_no_secret_in_folder(out)
