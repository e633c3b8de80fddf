"""Witnesses: the proxy gets each checkpoint cosigned by the policy's witnesses (C2SP tlog-witness) and publishes it
once the quorum holds; a witness refuses a rewritten history re-signed by the operator, and a rollback; verify (ours
and tlogverify) checks the cosignatures."""
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest

ORIGIN = "test.example/promptgate"


class Witness:
    """A running `promptgate witness serve`."""

    def __init__(self, binary, data, name, log_vkey):
        self.binary, self.data, self.name, self.log_vkey = binary, data, name, log_vkey
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            [self.binary, "witness", "serve", "--data", self.data, "--listen", "127.0.0.1:0", "--log",
             "@" + self.log_vkey, "--name", self.name],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on (http://[0-9.]+:\d+)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError("the witness did not start: " + line + self.proc.stderr.read())
        self.url = m.group(1)
        self.vkey_path = os.path.join(self.data, "witness.vkey")
        self.vkey = open(self.vkey_path).read().strip()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def add_checkpoint(self, body: bytes):
        request = urllib.request.Request(self.url + "/add-checkpoint", data=body, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                return r.status, r.headers.get("content-type"), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("content-type"), e.read().decode()


@pytest.fixture
def witnesses(promptgate_bin, tmp_path):
    started = []

    def start(name, log_vkey):
        w = Witness(promptgate_bin, str(tmp_path / name.split(".")[0]), name, log_vkey)
        started.append(w)
        return w

    yield start
    for w in started:
        w.stop()


def new_log_key(promptgate_bin, data):
    """Creates the log's signing key before the proxy first runs, so the witnesses can be told its verifier key."""
    r = subprocess.run([promptgate_bin, "keys", "show", "--data", data, "--origin", ORIGIN],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return os.path.join(data, "log.vkey")


def write_policy(path, log_vkey, ws, quorum):
    lines = [f"log {open(log_vkey).read().strip()}"]
    lines += [f"witness {w.name.split('.')[0]} {w.vkey} {w.url}" for w in ws]
    lines += [f"group chosen {quorum} " + " ".join(w.name.split(".")[0] for w in ws), "quorum chosen"]
    path.write_text("# who must cosign\n" + "\n".join(lines) + "\n")
    return str(path)


def chat(proxy, n, tag):
    import openai
    c = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="k", max_retries=0, timeout=10)
    for i in range(n):
        started = time.monotonic()
        c.chat.completions.create(model="m", messages=[{"role": "user", "content": f"{tag} {i}"}])
        # Witnesses are asked off the request path: a missing one never slows a prompt down.
        assert time.monotonic() - started < 10  # generous: a prompt waiting on a witness would take 5-15 s


def size_of(note: str) -> int:
    return int(note.split("\n")[1])


def wait_published(data, size_at_least, timeout=20):
    path = os.path.join(data, "checkpoint.cosigned")
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(path):
            note = open(path).read()
            current = size_of(open(os.path.join(data, "checkpoint")).read())
            if size_of(note) >= size_at_least and size_of(note) == current:
                return note
        time.sleep(0.2)
    pytest.fail("no cosigned checkpoint of the current size was published: "
                + (open(path).read() if os.path.exists(path) else "none"))


def cosigners(note: str):
    """The names on the signature lines other than the log's own."""
    return [line.split(" ")[1] for line in note.split("\n\n", 1)[1].splitlines()
            if line.startswith("\u2014 ") and line.split(" ")[1] != ORIGIN]


def verify(promptgate_bin, data, *extra):
    return subprocess.run([promptgate_bin, "verify", "--data", data, *extra], capture_output=True, text=True)


def tlogverify_path():
    path = os.environ.get("TLOGVERIFY", "")
    return path if path and os.access(path, os.X_OK) else None


def test_quorum_publishes_only_what_enough_witnesses_cosigned(start_proxy, promptgate_bin, witnesses, tmp_path):
    data = str(tmp_path / "data")
    log_vkey = new_log_key(promptgate_bin, data)
    w1 = witnesses("w1.example/witness", log_vkey)
    w2 = witnesses("w2.example/witness", log_vkey)
    both = write_policy(tmp_path / "both.policy", log_vkey, [w1, w2], 2)

    # 2 of 2, both up: the published checkpoint carries both cosignatures.
    proxy = start_proxy(extra=["--witness-policy", both, "--checkpoint-seconds", "1", "--origin", ORIGIN], data=data)
    chat(proxy, 6, "first")
    note = wait_published(data, 6)
    assert cosigners(note) == ["w1.example/witness", "w2.example/witness"]
    assert note.startswith(open(os.path.join(data, "checkpoint")).read())
    r = verify(promptgate_bin, data, "--witness-policy", both)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "witness w1 (w1.example/witness+" in r.stdout and "witness w2 (w2.example/witness+" in r.stdout
    assert "quorum 2 of (w1, w2) is met" in r.stdout
    tlogverify = tlogverify_path()
    if tlogverify:
        cosigned = os.path.join(data, "checkpoint.cosigned")
        r = subprocess.run([tlogverify, "verify", "-log", os.path.join(data, "audit.log"), "-checkpoint", cosigned,
                            "-key", "@" + log_vkey, "-witness", "@" + w1.vkey_path, "-witness", "@" + w2.vkey_path,
                            "-witness-quorum", "2"], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "2/2 witness cosignatures" in r.stdout
        # Published as tiles, the tree carries the cosigned checkpoint: it verifies with and without the witnesses.
        tiles = str(tmp_path / "tiles")
        r = subprocess.run([promptgate_bin, "publish", tiles, "--data", data], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
        assert open(os.path.join(tiles, "checkpoint")).read() == open(cosigned).read()
        for witness_args in ([], ["-witness", "@" + w1.vkey_path, "-witness", "@" + w2.vkey_path,
                                  "-witness-quorum", "2"]):
            r = subprocess.run([tlogverify, "tiles", "-dir", tiles, "-key", "@" + log_vkey, *witness_args],
                               capture_output=True, text=True)
            assert r.returncode == 0, r.stdout + r.stderr

    # 2 of 2 with w2 down: new checkpoints are signed but not published; the previous cosigned one stays.
    published = open(os.path.join(data, "checkpoint.cosigned")).read()
    w2.stop()
    chat(proxy, 6, "second")
    deadline = time.time() + 10
    while size_of(open(os.path.join(data, "checkpoint")).read()) <= size_of(published) and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(3)
    assert size_of(open(os.path.join(data, "checkpoint")).read()) > size_of(published)
    assert open(os.path.join(data, "checkpoint.cosigned")).read() == published
    logged = proxy.stop()
    assert "w2 did not cosign: unreachable" in logged, logged
    assert "cosigned by w1, w2 (quorum 2 of (w1, w2))" in logged, logged

    # 1 of 2 with w2 still down: the proxy (restarted, so it first learns each witness's size from a 409) publishes
    # with w1 alone.
    one = write_policy(tmp_path / "one.policy", log_vkey, [w1, w2], 1)
    proxy = start_proxy(extra=["--witness-policy", one, "--checkpoint-seconds", "1", "--origin", ORIGIN], data=data)
    chat(proxy, 6, "third")
    note = wait_published(data, size_of(published) + 6)
    assert cosigners(note) == ["w1.example/witness"]
    r = verify(promptgate_bin, data, "--witness-policy", one)
    assert r.returncode == 0, r.stdout + r.stderr
    # The same checkpoint falls short of the stricter policy, and verify says who vouched.
    r = verify(promptgate_bin, data, "--witness-policy", both)
    assert r.returncode == 1, r.stdout
    assert "cosigned by w1; the quorum 2 of (w1, w2) is not met" in r.stdout
    if tlogverify:
        r = subprocess.run([tlogverify, "verify", "-log", os.path.join(data, "audit.log"), "-checkpoint",
                            os.path.join(data, "checkpoint.cosigned"), "-key", "@" + log_vkey,
                            "-witness", "@" + w1.vkey_path, "-witness", "@" + w2.vkey_path, "-witness-quorum", "1"],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
    # The same rule applied to the tree the proxy serves: verify --url reads the cosigned checkpoint and its tiles.
    r = verify(promptgate_bin, data, "--url", proxy.base_url + "/log", "--witness-policy", one)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "cosigned by w1.example/witness" in r.stdout or "cosigned by w1" in r.stdout, r.stdout
    r = verify(promptgate_bin, data, "--url", proxy.base_url + "/log", "--witness-policy", both)
    assert r.returncode == 1, r.stdout
    assert "the quorum 2 of (w1, w2) is not met" in r.stdout, r.stdout
    proxy.stop()


def forge(data, fork):
    """The operator's rewrite: entry 2 changed, the hash chain recomputed, the checkpoints taken away, so that the
    proxy (with the same key) signs the rewritten history."""
    shutil.copytree(data, fork)
    for name in ("checkpoint", "checkpoint.cosigned"):
        os.remove(os.path.join(fork, name))
    shutil.rmtree(os.path.join(fork, "checkpoints"))
    lines = open(os.path.join(fork, "audit.log"), "rb").read().split(b"\n")[:-1]
    lines[1] = lines[1].replace(b'"event":"', b'"event":"X', 1)
    for i in range(1, len(lines)):
        prev = hashlib.sha256(lines[i - 1]).hexdigest().encode()
        lines[i] = re.sub(rb'"prev":"[0-9a-f]{64}"', b'"prev":"' + prev + b'"', lines[i], count=1)
    open(os.path.join(fork, "audit.log"), "wb").write(b"\n".join(lines) + b"\n")


def test_witness_refuses_a_rewritten_history_and_a_rollback(start_proxy, promptgate_bin, witnesses, tmp_path):
    data = str(tmp_path / "data")
    log_vkey = new_log_key(promptgate_bin, data)
    w1 = witnesses("w1.example/witness", log_vkey)
    policy = write_policy(tmp_path / "w1.policy", log_vkey, [w1], 1)
    proxy = start_proxy(extra=["--witness-policy", policy, "--checkpoint-seconds", "1", "--origin", ORIGIN], data=data)
    chat(proxy, 3, "genuine")
    proxy.stop()
    genuine = open(os.path.join(data, "checkpoint.cosigned")).read()
    assert genuine.startswith(open(os.path.join(data, "checkpoint")).read()), "the final checkpoint was cosigned"
    size = size_of(genuine)

    # The operator rewrites entry 2 and lets the proxy, with the same key, sign the new history: the witness refuses.
    fork = str(tmp_path / "fork")
    forge(data, fork)
    forked_proxy = start_proxy(extra=["--witness-policy", policy, "--checkpoint-seconds", "1", "--origin", ORIGIN], data=fork)
    chat(forked_proxy, 2, "forked")
    time.sleep(2)
    logged = forked_proxy.stop()
    assert not os.path.exists(os.path.join(fork, "checkpoint.cosigned")), "a forked checkpoint was published"
    assert re.search(r"w1 did not cosign: refused \((409|422)\)", logged), logged
    forked = open(os.path.join(fork, "checkpoint")).read()
    assert size_of(forked) > size
    assert os.listdir(os.path.join(w1.data, "evidence")), "the witness keeps the refused, log-signed request"

    # The same fork presented directly, with the proof the forked log gives: 422 (the proof does not verify).
    proof = json.loads(subprocess.run(
        [promptgate_bin, "prove", "consistency", "--data", fork, "--old", str(size), "--new", str(size_of(forked))],
        capture_output=True, text=True, check=True).stdout)
    body = f"old {size}\n" + "".join(h + "\n" for h in proof["hashes"]) + "\n" + forked
    status, _, text = w1.add_checkpoint(body.encode())
    assert status == 422, text
    # A forked checkpoint of the very size the witness cosigned, signed with the log's key: 409 (same size, other
    # root).
    tlogverify = tlogverify_path()
    if tlogverify:
        head = tmp_path / "fork-head.log"
        head.write_bytes(b"".join(open(os.path.join(fork, "audit.log"), "rb").readlines()[:size]))
        r = subprocess.run([tlogverify, "sign", "-skey", "@" + os.path.join(fork, "log.key"), "-log", str(head),
                            "-out", str(tmp_path / "same-size.cp")], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        status, _, text = w1.add_checkpoint(f"old {size}\n\n{(tmp_path / 'same-size.cp').read_text()}".encode())
        assert status == 409 and "forked" in text, text
    # A rollback to an older genuine checkpoint: 409 with the size the witness holds, or 400 with that old size.
    older = sorted(int(n) for n in os.listdir(os.path.join(data, "checkpoints")) if int(n) < size)[0]
    older_note = open(os.path.join(data, "checkpoints", str(older))).read()
    status, content_type, text = w1.add_checkpoint(f"old 0\n\n{older_note}".encode())
    assert (status, content_type, text) == (409, "text/x.tlog.size", f"{size}\n")
    status, _, _ = w1.add_checkpoint(f"old {size}\n\n{older_note}".encode())
    assert status == 400
    # A checkpoint signed by another key: 403; by an unknown log: 404.
    tampered = forked.replace("\n\n\u2014 test.example/promptgate ", "\n\n\u2014 test.example/promptgate AAAA", 1)
    assert w1.add_checkpoint(f"old {size}\n\n{tampered}".encode())[0] == 403
    stranger = forked.replace("test.example/promptgate", "other.example/log")
    assert w1.add_checkpoint(f"old 0\n\n{stranger}".encode())[0] == 404

    # What the witness cosigned survives its restart: the fork is still refused, the genuine tree still accepted.
    w1.stop()
    w1.start()
    assert w1.add_checkpoint(body.encode())[0] == 422
    genuine_note = genuine.split("\n\n")[0] + "\n\n" + genuine.split("\n\n")[1].split("\n")[0] + "\n"
    status, _, text = w1.add_checkpoint(f"old {size}\n\n{genuine_note}".encode())
    assert status == 200 and text.startswith("\u2014 w1.example/witness "), text

    # An auditor handed the forked checkpoint next to the cosigned one: verify fails, naming both.
    (tmp_path / "forked.cp").write_text(forked)
    r = verify(promptgate_bin, data, "--witness-policy", policy, "--checkpoint", str(tmp_path / "forked.cp"),
               "--checkpoint", os.path.join(data, "checkpoint.cosigned"))
    assert r.returncode == 1, r.stdout
    assert "forked.cp: cosigned by no witness" in r.stdout, r.stdout
    assert "checkpoint.cosigned: witness w1 (w1.example/witness+" in r.stdout, r.stdout
