"""The log published as C2SP tlog-tiles: `promptgate publish`, the proxy's read-only /log/ route, `verify --url` and
`--tiles`, offline proof files, fork detection; checked by tlogverify and by Go's x/mod tile reader."""
import base64
import os
import pathlib
import shutil
import subprocess
import urllib.error
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def run(*args):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True)


@pytest.fixture(scope="session")
def tilesroot_bin(tmp_path_factory):
    """Go's golang.org/x/mod/sumdb/tlog tile reader (Tests/interop/tiles), built offline where go is installed."""
    if not shutil.which("go"):
        pytest.skip("go is not installed (scripts/setup.sh --test installs golang-go and golang-golang-x-mod-dev)")
    out = tmp_path_factory.mktemp("tilesroot") / "tilesroot"
    r = run(ROOT / "Tests" / "interop" / "tiles" / "build.sh", out)
    if r.returncode == 3:
        pytest.skip(r.stderr.strip())
    assert r.returncode == 0, r.stderr
    return str(out)


def checkpoint_root(path):
    lines = open(path).read().split("\n")
    return int(lines[1]), lines[2]


def whole_log(data, out):
    names = sorted(n for n in os.listdir(data) if n.startswith("audit-") and n.endswith(".log"))
    with open(out, "wb") as f:
        for name in names + ["audit.log"]:
            with open(os.path.join(data, name), "rb") as part:
                shutil.copyfileobj(part, f)
    return out


def flip(path, offset):
    data = bytearray(open(path, "rb").read())
    data[offset] ^= 0x01
    open(path, "wb").write(bytes(data))


def get(url):
    try:
        with urllib.request.urlopen(url) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture
def published(start_proxy, promptgate_bin, tmp_path):
    """A running proxy that logged a few prompts, and a folder to publish to (trees over 256 entries, with full
    tiles, are covered by the Swift tests and by the crash-writer log below)."""
    import openai
    proxy = start_proxy()
    c = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="k", max_retries=0)
    for i in range(4):
        c.chat.completions.create(model="m", messages=[{"role": "user", "content": f"prompt {i} mail a{i}@example.org"}])
    out = tmp_path / "pub"
    return proxy, out


def test_publish_serve_and_verify_from_tiles(published, promptgate_bin, tlogverify_bin, tilesroot_bin, tmp_path):
    proxy, out = published
    data = proxy.data
    # The route serves the tree while the proxy runs, without a key.
    status, headers, served_cp = get(proxy.base_url + "/log/checkpoint")
    assert status == 200 and headers["Content-Type"].startswith("text/plain"), headers
    before, _ = checkpoint_root(f"{data}/checkpoint")
    r = run(promptgate_bin, "publish", out, "--data", data)
    assert r.returncode == 0, r.stderr
    # The running proxy may sign a newer checkpoint (by time, or for the answers' entries) between the two reads:
    # what was published is the checkpoint in the published folder, at least as new as the one read before.
    size, root = checkpoint_root(f"{out}/checkpoint")
    assert size >= before
    assert f"published size {size}" in r.stdout
    # The same bytes over HTTP as on disk, for every file published (the checkpoint may have moved on: compare
    # tiles, which never change).
    files = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert "checkpoint" in files and any(f.startswith("tile/entries/") for f in files)
    for f in files:
        if f == "checkpoint":
            continue
        status, headers, body = get(proxy.base_url + "/log/" + f)
        assert status == 200, f
        assert body == (out / f).read_bytes(), f
        assert headers["Content-Type"] == "application/octet-stream"
        assert "immutable" in headers["Cache-Control"]
        assert oct((out / f).stat().st_mode & 0o777) == "0o644"
    assert oct((out / "tile").stat().st_mode & 0o777) == "0o755"
    # Nothing else on disk is reachable.
    for hostile in ["../log.key", "tile/../../log.key", "tile/0/..%2F..%2Flog.key", "log.key", "tile/0/999",
                    "tile/entries/000.p/0", "tile/0/000.p/256"]:
        status, _, body = get(proxy.base_url + "/log/" + hostile)
        assert status == 404, hostile
        assert b"PRIVATE" not in body

    # The independent verifier and Go's tile reader agree with the checkpoint.
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    r = run(tlogverify_bin, "tiles", "-dir", copy, "-key", f"@{data}/log.vkey")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "verified tiles" in r.stdout
    r = run(tilesroot_bin, copy, size)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == root
    # promptgate verifies the folder and the proxy's URL from tiles alone.
    r = run(promptgate_bin, "verify", "--tiles", copy, "--key", f"@{data}/log.vkey")
    assert r.returncode == 0, r.stdout + r.stderr
    r = run(promptgate_bin, "verify", "--url", proxy.base_url + "/log", "--key", f"@{data}/log.vkey")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "verified tiles" in r.stdout

    # A changed byte in a tile or in a bundle fails both verifiers.
    for victim in ["tile/0/000.p", "tile/entries/000.p"]:
        bad = tmp_path / ("bad-" + victim.replace("/", "-"))
        shutil.copytree(out, bad)
        target = next((bad / victim).iterdir())
        flip(target, 3)
        r = run(tlogverify_bin, "tiles", "-dir", bad, "-key", f"@{data}/log.vkey")
        assert r.returncode == 1, r.stdout
        r = run(promptgate_bin, "verify", "--tiles", bad, "--key", f"@{data}/log.vkey")
        assert r.returncode == 1, r.stdout
        assert "FAIL:" in r.stdout


def test_republish_writes_only_new_tiles_and_witnesses(published, promptgate_bin, tlogverify_bin, tmp_path):
    import openai
    proxy, out = published
    data = proxy.data
    assert run(promptgate_bin, "publish", out, "--data", data).returncode == 0
    again = run(promptgate_bin, "publish", out, "--data", data)
    assert again.returncode == 0 and "0 file(s) written" in again.stdout, again.stdout
    c = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="k", max_retries=0)
    c.chat.completions.create(model="m", messages=[{"role": "user", "content": "one more"}])
    proxy.stop()
    grown = run(promptgate_bin, "publish", out, "--data", data)
    assert grown.returncode == 0 and "0 file(s) written" not in grown.stdout, grown.stdout
    r = run(tlogverify_bin, "tiles", "-dir", out, "-key", f"@{data}/log.vkey")
    assert r.returncode == 0, r.stdout

    # With a witness: a cosigned checkpoint published as it is stored.
    wkey, wvkey = tmp_path / "w.key", tmp_path / "w.vkey"
    assert run(tlogverify_bin, "keygen", "-name", "witness.example/w", "-skey", wkey, "-vkey", wvkey,
               "-cosigner").returncode == 0
    cosigned = tmp_path / "cosigned.cp"
    r = run(tlogverify_bin, "sign", "-skey", f"@{wkey}", "-add-to", f"{data}/checkpoint", "-out", cosigned)
    assert r.returncode == 0, r.stderr
    witnessed = tmp_path / "witnessed"
    assert run(promptgate_bin, "publish", witnessed, "--data", data, "--checkpoint", cosigned).returncode == 0
    assert (witnessed / "checkpoint").read_bytes() == cosigned.read_bytes()
    r = run(tlogverify_bin, "tiles", "-dir", witnessed, "-key", f"@{data}/log.vkey", "-witness", f"@{wvkey}")
    assert r.returncode == 0, r.stdout
    r = run(promptgate_bin, "verify", "--tiles", witnessed, "--key", f"@{data}/log.vkey", "--witness", f"@{wvkey}")
    assert r.returncode == 0, r.stdout
    # The uncosigned tree fails a witness requirement in both.
    r = run(tlogverify_bin, "tiles", "-dir", out, "-key", f"@{data}/log.vkey", "-witness", f"@{wvkey}")
    assert r.returncode == 1, r.stdout
    r = run(promptgate_bin, "verify", "--tiles", out, "--key", f"@{data}/log.vkey", "--witness", f"@{wvkey}")
    assert r.returncode == 1, r.stdout


def test_offline_proof_and_fork(published, promptgate_bin, tlogverify_bin, tmp_path):
    proxy, out = published
    proxy.stop()
    data = proxy.data
    proof = tmp_path / "entry.tlog-proof"
    r = run(promptgate_bin, "prove", "entry", "--data", data, "--line", "2", "--out", proof)
    assert r.returncode == 0, r.stderr
    text = proof.read_text()
    assert text.startswith("c2sp.org/tlog-proof@v1\nextra ")
    # Checked on its own, with only the verifier key: nothing of the log is needed.
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(f"{data}/log.vkey", alone / "log.vkey")
    r = run(promptgate_bin, "verify", "--proof", proof, "--key", f"@{alone}/log.vkey", "--data", alone)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "verified proof: line 2" in r.stdout
    line2 = open(f"{data}/audit.log", "rb").read().split(b"\n")[1]
    entry = tmp_path / "entry.json"
    entry.write_bytes(line2 + b"\n")
    r = run(promptgate_bin, "verify", "--proof", proof, "--key", f"@{alone}/log.vkey", "--entry", entry)
    assert r.returncode == 0, r.stdout
    # A changed byte in the entry, the index, a hash or the checkpoint fails, naming what.
    lines = text.split("\n")
    entry_text = base64.b64decode(lines[1][6:])
    head, note = text.split("\n\n", 1)
    note_lines = note.split("\n")
    note_lines[1] = str(int(note_lines[1]) + 1)
    tampered = {
        "entry": "\n".join([lines[0], "extra " + base64.b64encode(entry_text + b" ").decode()] + lines[2:]),
        "index": text.replace("\nindex 1\n", "\nindex 0\n"),
        "hash": "\n".join(lines[:3] + [("B" if lines[3][0] == "A" else "A") + lines[3][1:]] + lines[4:]),
        "checkpoint": head + "\n\n" + "\n".join(note_lines),
    }
    for what, body in tampered.items():
        bad = tmp_path / f"bad-{what}.tlog-proof"
        bad.write_text(body)
        r = run(promptgate_bin, "verify", "--proof", bad, "--key", f"@{alone}/log.vkey")
        assert r.returncode == 1, (what, r.stdout)
        assert "FAIL:" in r.stdout, (what, r.stdout)
    other = tmp_path / "other.json"
    other.write_bytes(open(f"{data}/audit.log", "rb").read().split(b"\n")[2])
    r = run(promptgate_bin, "verify", "--proof", proof, "--key", f"@{alone}/log.vkey", "--entry", other)
    assert r.returncode == 1 and "another entry" in r.stdout, r.stdout

    # A fork: the operator signs a second history of the same size with the log's key.
    size, _ = checkpoint_root(f"{data}/checkpoint")
    log = whole_log(data, str(tmp_path / "whole.log"))
    forked_lines = open(log, "rb").read().split(b"\n")
    forked_lines[0] += b" "
    forked = tmp_path / "forked.log"
    forked.write_bytes(b"\n".join(forked_lines))
    fork_cp = tmp_path / "fork.cp"
    r = run(tlogverify_bin, "sign", "-skey", f"@{data}/log.key", "-log", forked, "-size", size, "-out", fork_cp)
    assert r.returncode == 0, r.stderr
    # Against the log, with both checkpoints: fails naming both.
    r = run(promptgate_bin, "verify", "--data", data, "--checkpoint", f"{data}/checkpoint", "--checkpoint", fork_cp)
    assert r.returncode == 1, r.stdout
    assert "FORK" in r.stdout and str(fork_cp) in r.stdout and f"{data}/checkpoint" in r.stdout, r.stdout
    # Against the published tiles, an auditor holding the forked checkpoint: fails naming both.
    assert run(promptgate_bin, "publish", out, "--data", data).returncode == 0
    r = run(promptgate_bin, "verify", "--tiles", out, "--key", f"@{data}/log.vkey", "--checkpoint", fork_cp)
    assert r.returncode == 1, r.stdout
    assert "FORK" in r.stdout and str(fork_cp) in r.stdout and "published checkpoint" in r.stdout, r.stdout


def test_the_log_route_can_be_switched_off(start_proxy, tmp_path):
    """publish_log: false (or --no-publish-log) takes /log/ away; the API routes stay."""
    proxy = start_proxy(extra=["--no-publish-log"])
    status, _, _ = get(proxy.base_url + "/log/checkpoint")
    assert status == 404
    status, _, _ = get(proxy.base_url + "/healthz")
    assert status == 200
    proxy.stop()
    config = tmp_path / "promptgate.yaml"
    config.write_text("audit:\n  publish_log: false\n")
    proxy = start_proxy(extra=["--config", str(config)])
    assert get(proxy.base_url + "/log/checkpoint")[0] == 404
    proxy.stop()
    proxy = start_proxy()
    assert get(proxy.base_url + "/log/checkpoint")[0] == 200
    proxy.stop()
