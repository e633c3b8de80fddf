"""The audit log under crashes, rotation and tampering, checked by promptgate and by the independent verifier."""
import json
import os
import re
import pathlib
import random
import shutil
import signal
import subprocess
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def bench_bin():
    path = os.environ.get("PROMPTGATE_BENCH", str(ROOT / ".build" / "debug" / "promptgate-bench"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing: build it with `swift build --build-tests`")
    return path


def verify(promptgate_bin, data, *extra):
    return subprocess.run([promptgate_bin, "verify", "--data", data, *extra], capture_output=True, text=True)


def tlog(tlogverify_bin, *args):
    return subprocess.run([tlogverify_bin, *args], capture_output=True, text=True)


def whole_log(data, out):
    """The segments concatenated: the whole log as one file, as an auditor's tool reads it."""
    names = sorted(n for n in os.listdir(data) if n.startswith("audit-") and n.endswith(".log"))
    with open(out, "wb") as f:
        for name in names + ["audit.log"]:
            with open(os.path.join(data, name), "rb") as part:
                shutil.copyfileobj(part, f)
    return out


def test_sigkill_under_load_loses_no_acknowledged_entry(bench_bin, promptgate_bin, tmp_path):
    """Appends from 16 writers, SIGKILL at random moments 50 times; every entry acknowledged before a kill must
    be in the log, torn lines are set aside, and the log verifies at the end."""
    data = str(tmp_path / "data")
    acked = set()
    rng = random.Random(20261129)
    for round_ in range(50):
        proc = subprocess.Popen([bench_bin, "crash-writer", "--dir", data, "--writers", "16"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.05, 0.4))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        # The last line may be cut by the kill: keep only lines that ended with a newline.
        lines = out.decode().split("\n")[:-1]
        acked.update(l[4:] for l in lines if re.fullmatch(r"ack r\d+-\d+-\d+", l))
        assert proc.returncode == -signal.SIGKILL, err.decode()
    assert len(acked) > 1000, "the writer acknowledged too few entries to mean anything"
    # Open once more and stop cleanly (SIGTERM) so a final checkpoint covers everything.
    proc = subprocess.Popen([bench_bin, "crash-writer", "--dir", data, "--writers", "1"], stdout=subprocess.PIPE)
    assert proc.stdout.readline().startswith(b"ack "), "the writer did not start"
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    assert proc.returncode == 0
    logged = set()
    for name in sorted(os.listdir(data)):
        if name == "audit.log" or (name.startswith("audit-") and name.endswith(".log")):
            for line in open(os.path.join(data, name), encoding="utf-8"):
                entry = json.loads(line)
                if "request_id" in entry:
                    logged.add(entry["request_id"])
    missing = acked - logged
    assert not missing, f"{len(missing)} acknowledged entries are missing, e.g. {sorted(missing)[:3]}"
    recovered = sum(1 for n in os.listdir(data) if n.startswith("audit.log.torn-"))
    print(f"{len(acked)} acknowledged entries over 50 kills, all present; {recovered} torn tails set aside")
    result = verify(promptgate_bin, data)
    assert result.returncode == 0, result.stdout
    tlogverify = os.environ.get("TLOGVERIFY", "")
    if tlogverify and os.access(tlogverify, os.X_OK):
        log = whole_log(data, str(tmp_path / "whole.log"))
        r = tlog(tlogverify, "verify", "-log", log, "-checkpoint", f"{data}/checkpoint", "-key", f"@{data}/log.vkey")
        assert r.returncode == 0, r.stdout


def test_segments_key_rotation_and_proofs_pass_the_independent_verifier(
        start_proxy, promptgate_bin, tlogverify_bin, tmp_path):
    import openai
    proxy = start_proxy(extra=["--max-segment-bytes", "3000"])
    c = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="k", max_retries=0)
    for i in range(6):
        c.chat.completions.create(model="m", messages=[{"role": "user", "content": f"{i} mail a{i}@example.org"}])
    proxy.stop()
    data = proxy.data
    segments = [n for n in os.listdir(data) if n.startswith("audit-")]
    assert len(segments) >= 2, "the log should have rolled into several segments"
    old_checkpoint = tmp_path / "old.cp"
    shutil.copy(f"{data}/checkpoint", old_checkpoint)
    old_vkey = (tmp_path / "old.vkey")
    shutil.copy(f"{data}/log.vkey", old_vkey)

    # Rotate: the overlap checkpoint is signed by both keys.
    rotated = subprocess.run([promptgate_bin, "keys", "rotate", "--data", data], capture_output=True, text=True)
    assert rotated.returncode == 0, rotated.stderr
    proxy2 = start_proxy(data=data, extra=["--max-segment-bytes", "3000"])
    c = openai.OpenAI(base_url=proxy2.base_url + "/v1", api_key="k", max_retries=0)
    c.chat.completions.create(model="m", messages=[{"role": "user", "content": "after rotation b@example.org"}])
    proxy2.stop()

    log = whole_log(data, str(tmp_path / "whole.log"))
    for key in (f"@{old_vkey}", f"@{data}/log.vkey"):
        r = tlog(tlogverify_bin, "verify", "-log", log, "-checkpoint", f"{data}/checkpoint", "-key", key)
        assert r.returncode == 0, r.stdout
    ours = verify(promptgate_bin, data, "--checkpoint", str(old_checkpoint), "--checkpoint", f"{data}/checkpoint")
    assert ours.returncode == 0, ours.stdout

    # Proofs made by PromptGate, checked by tlogverify and by promptgate.
    size_new = int(open(f"{data}/checkpoint").read().split("\n")[1])
    size_old = int(open(old_checkpoint).read().split("\n")[1])
    inclusion = tmp_path / "inclusion.json"
    inclusion.write_text(subprocess.run([promptgate_bin, "prove", "inclusion", "--data", data, "--line", "3"],
                                        capture_output=True, text=True, check=True).stdout)
    consistency = tmp_path / "consistency.json"
    consistency.write_text(subprocess.run([promptgate_bin, "prove", "consistency", "--data", data, "--old", str(size_old)],
                                          capture_output=True, text=True, check=True).stdout)
    assert json.loads(inclusion.read_text())["size"] == size_new
    r = tlog(tlogverify_bin, "inclusion", "-log", log, "-checkpoint", f"{data}/checkpoint", "-key", f"@{data}/log.vkey",
             "-proof", str(inclusion))
    assert r.returncode == 0, r.stdout
    r = tlog(tlogverify_bin, "consistency", "-old", str(old_checkpoint), "-new", f"{data}/checkpoint", "-key",
             f"@{old_vkey}", "-key", f"@{data}/log.vkey", "-proof", str(consistency))
    assert r.returncode == 0, r.stdout
    ours = verify(promptgate_bin, data, "--checkpoint", str(old_checkpoint), "--checkpoint", f"{data}/checkpoint",
                  "--inclusion-proof", str(inclusion), "--consistency-proof", str(consistency))
    assert ours.returncode == 0 and "inclusion proof: line 3" in ours.stdout, ours.stdout


def first_line(output):
    import re
    m = re.search(r"first failing line (\d+)", output)
    return int(m.group(1)) if m else None


@pytest.fixture
def signed_log(bench_bin, promptgate_bin, tmp_path):
    """A 40-entry log with checkpoints at 20 (kept by the auditor) and 40."""
    data = str(tmp_path / "data")
    subprocess.run([bench_bin, "generate", "--entries", "20", "--dir", data], check=True, capture_output=True)
    early = tmp_path / "cp20"
    shutil.copy(f"{data}/checkpoint", early)
    # Grow it to 40 with a second run appending to the same log.
    subprocess.run([bench_bin, "generate", "--entries", "20", "--dir", data, "--append"], check=True, capture_output=True)
    return data, str(early)


TAMPERS = ["change a byte", "delete a line", "swap two lines", "cut the tail below the checkpoint",
           "re-sign the checkpoint with another key", "rewrite the chain", "fork against the earlier checkpoint"]


@pytest.mark.parametrize("tamper", TAMPERS)
def test_tamper_matrix_both_tools_agree(signed_log, promptgate_bin, tlogverify_bin, tmp_path, tamper):
    import hashlib
    data, early = signed_log
    lines = open(f"{data}/audit.log", "rb").read().split(b"\n")[:-1]
    assert len(lines) == 40
    checkpoint = f"{data}/checkpoint"
    extra_cp = []

    def rechain(from_index):
        for i in range(from_index, len(lines)):
            prev = hashlib.sha256(lines[i - 1]).hexdigest().encode()
            head, _, _ = lines[i].rpartition(b'"prev":"')
            lines[i] = head + b'"prev":"' + prev + b'"}'

    if tamper == "change a byte":
        lines[9] = lines[9].replace(b'"seq":9', b'"seq":8', 1)
    elif tamper == "delete a line":
        del lines[9]
    elif tamper == "swap two lines":
        lines[9], lines[10] = lines[10], lines[9]
    elif tamper == "cut the tail below the checkpoint":
        lines = lines[:35]
    elif tamper == "re-sign the checkpoint with another key":
        other = tmp_path / "other"
        subprocess.run([promptgate_bin, "keys", "--data", str(other), "--origin", "bench.example/audit"], check=True, capture_output=True)
        body = open(checkpoint).read().split("\n\n")[0] + "\n"
        (tmp_path / "body").write_text(body)
        r = tlog(tlogverify_bin, "sign", "-skey", f"@{other}/log.key", "-body", str(tmp_path / "body"), "-out", str(tmp_path / "resigned"))
        assert r.returncode == 0, r.stderr
        checkpoint = str(tmp_path / "resigned")
    elif tamper in ("rewrite the chain", "fork against the earlier checkpoint"):
        lines[9] = lines[9].replace(b"Please", b"Pleese", 1)
        rechain(10)
        if tamper == "fork against the earlier checkpoint":
            # The operator signs the rewritten history: it verifies alone, but not against the auditor's earlier copy.
            (tmp_path / "forked.log").write_bytes(b"".join(l + b"\n" for l in lines))
            r = tlog(tlogverify_bin, "sign", "-skey", f"@{data}/log.key", "-log", str(tmp_path / "forked.log"),
                     "-origin", "bench.example/audit", "-out", str(tmp_path / "forked.cp"))
            assert r.returncode == 0, r.stderr
            checkpoint = str(tmp_path / "forked.cp")
            extra_cp = [early]
    tampered = tmp_path / "tampered.log"
    tampered.write_bytes(b"".join(l + b"\n" for l in lines))

    their_args = ["verify", "-log", str(tampered), "-checkpoint", checkpoint, "-key", f"@{data}/log.vkey"]
    our_args = ["--log", str(tampered), "--checkpoint", checkpoint, "--key", f"@{data}/log.vkey"]
    for cp in extra_cp:
        their_args += ["-checkpoint", cp]
        our_args += ["--checkpoint", cp]
    theirs = tlog(tlogverify_bin, *their_args)
    ours = verify(promptgate_bin, data, *our_args)
    assert theirs.returncode == 1, theirs.stdout
    assert ours.returncode == 1, ours.stdout
    assert first_line(theirs.stdout) == first_line(ours.stdout), (theirs.stdout, ours.stdout)


@pytest.mark.parametrize("case", ["corrupt line", "missing checkpoint", "malformed checkpoint", "wrong key",
                                  "empty file", "another origin"])
def test_bad_input_is_a_clear_error(signed_log, promptgate_bin, tmp_path, case):
    data, _ = signed_log
    args = []
    if case == "corrupt line":
        lines = open(f"{data}/audit.log", "rb").read().split(b"\n")
        lines[5] = b"\x00\xffnot json"
        (tmp_path / "bad.log").write_bytes(b"\n".join(lines))
        args = ["--log", str(tmp_path / "bad.log")]
    elif case == "missing checkpoint":
        args = ["--checkpoint", str(tmp_path / "nope")]
    elif case == "malformed checkpoint":
        (tmp_path / "cp").write_text("bench.example/audit\n0040\nnot base64\n\n— x y\n")
        args = ["--checkpoint", str(tmp_path / "cp")]
    elif case == "wrong key":
        other = tmp_path / "other"
        subprocess.run([promptgate_bin, "keys", "--data", str(other), "--origin", "bench.example/audit"], check=True, capture_output=True)
        args = ["--key", f"@{other}/log.vkey"]
    elif case == "empty file":
        (tmp_path / "empty.log").write_bytes(b"")
        args = ["--log", str(tmp_path / "empty.log")]
    elif case == "another origin":
        other = tmp_path / "other"
        subprocess.run([promptgate_bin, "keys", "--data", str(other), "--origin", "elsewhere.example/audit"], check=True, capture_output=True)
        args = ["--key", f"@{other}/log.vkey"]
    result = verify(promptgate_bin, data, *args)
    assert result.returncode in (1, 2)
    message = result.stdout + result.stderr
    assert "Fatal error" not in message and "Traceback" not in message
    assert ("FAIL" in message or "verify:" in message), message


def test_sixty_four_concurrent_writers_pass_the_independent_verifier(bench_bin, promptgate_bin, tlogverify_bin, tmp_path):
    data = str(tmp_path / "data")
    subprocess.run([bench_bin, "generate", "--entries", "3000", "--dir", data], check=True, capture_output=True)
    log = whole_log(data, str(tmp_path / "whole.log"))
    r = tlog(tlogverify_bin, "verify", "-log", log, "-checkpoint", f"{data}/checkpoint", "-key", f"@{data}/log.vkey")
    assert r.returncode == 0 and "verified 3000 entries" in r.stdout, r.stdout
    assert verify(promptgate_bin, data).returncode == 0


def test_log_show_filters_entries_for_people(start_proxy, promptgate_bin):
    import openai
    proxy = start_proxy()
    c = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="k", max_retries=0)
    c.chat.completions.create(model="m", messages=[{"role": "user", "content": "SSN 212-56-7890"}])
    c.chat.completions.create(model="m", messages=[{"role": "user", "content": "nothing personal here"}])
    proxy.stop()
    shown = subprocess.run([promptgate_bin, "log", "show", "--data", proxy.data, "--rule", "us-ssn"],
                           capture_output=True, text=True, check=True)
    assert shown.stdout.count("request.screened") == 1 and "us-ssn US_SSN ×1 → redact" in shown.stdout
    assert "212-56-7890" not in shown.stdout
    allowed = subprocess.run([promptgate_bin, "log", "show", "--data", proxy.data, "--decision", "allowed", "--json"],
                             capture_output=True, text=True, check=True)
    entries = [json.loads(l) for l in allowed.stdout.splitlines()]
    assert len(entries) == 1 and entries[0]["decision"] == "allowed"
    none = subprocess.run([promptgate_bin, "log", "show", "--data", proxy.data, "--since", "2999-01-01"],
                          capture_output=True, text=True, check=True)
    assert none.stdout == "" and "0 entries" in none.stderr


def test_verify_all_checkpoints_checks_the_whole_history(bench_bin, promptgate_bin, tmp_path):
    data = str(tmp_path / "data")
    for _ in range(3):
        subprocess.run([bench_bin, "generate", "--entries", "10", "--dir", data, "--append"], check=True, capture_output=True)
    history = sorted(os.listdir(f"{data}/checkpoints"), key=int)
    assert history == ["10", "20", "30"]
    ok = verify(promptgate_bin, data, "--all-checkpoints")
    assert ok.returncode == 0 and ok.stdout.count("matches") == 4, ok.stdout  # newest + 3 in history
    # An old checkpoint that no longer matches the log (history rewritten) fails the whole check.
    lines = open(f"{data}/audit.log", "rb").read().split(b"\n")
    lines[3] = lines[3].replace(b"Please", b"Pleese", 1)
    open(f"{data}/audit.log", "wb").write(b"\n".join(lines))
    bad = verify(promptgate_bin, data, "--all-checkpoints")
    assert bad.returncode == 1 and "first failing line 5" in bad.stdout, bad.stdout
