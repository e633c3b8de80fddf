"""Fixtures for end-to-end tests: the promptgate binary, llmock as the upstream, and tlogverify."""
import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

from audit_entries import opened_lines

ROOT = pathlib.Path(__file__).resolve().parents[2]

# The binaries under test cache compiled packs in a folder of the tests', never in the user's ~/.cache/promptgate.
os.environ.setdefault("PROMPTGATE_CACHE", os.path.join(tempfile.gettempdir(), f"promptgate-test-cache-{os.getuid()}"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def promptgate_bin() -> str:
    path = os.environ.get("PROMPTGATE_BIN", str(ROOT / ".build" / "debug" / "promptgate"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing: build it with `swift build` (scripts/test.sh does)")
    return path


@pytest.fixture(scope="session")
def tlogverify_bin():
    """The auditors' independent verifier, built by scripts/test.sh from ../shared when it is there."""
    path = os.environ.get("TLOGVERIFY", "")
    if not path or not os.access(path, os.X_OK):
        pytest.skip("tlogverify is not built: ../shared/tools/tlogverify is not next to this clone (CI has it)")
    return path


class Llmock:
    def __init__(self, port: int, proc: subprocess.Popen):
        self.port, self.proc = port, proc
        self.url = f"http://127.0.0.1:{port}"

    def requests(self) -> list:
        with urllib.request.urlopen(self.url + "/_llmock/requests") as r:
            return json.load(r)["requests"]

    def sent_text(self) -> str:
        """Everything the upstream received, as one string to search for values that must not have left: each
        request's method, path and body. llmock's own bookkeeping (times, durations, a hash of the body) is left
        out: its digits would match a value's ('7890' in a start time of 49470.1665789) and fail a test that leaked
        nothing."""
        return json.dumps([{k: r.get(k) for k in ("method", "path", "model", "stream", "body")} for r in self.requests()])

    def reset(self) -> None:
        urllib.request.urlopen(urllib.request.Request(self.url + "/_llmock/reset", method="POST")).read()


def start_llmock(chunk_delay_ms: int):
    port = free_port()
    exe = pathlib.Path(sys.executable).parent / "llmock"
    proc = subprocess.Popen(
        [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port), "--response-style", "echo",
         "--stream-chunk-delay-ms", str(chunk_delay_ms), "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    mock = Llmock(port, proc)
    deadline = time.time() + 30
    while True:
        try:
            mock.requests()
            break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("llmock did not start")
            time.sleep(0.1)
    return mock


def running_llmock(chunk_delay_ms: int):
    mock = start_llmock(chunk_delay_ms)
    yield mock
    mock.proc.terminate()
    mock.proc.wait(timeout=10)


@pytest.fixture(scope="session")
def llmock():
    yield from running_llmock(5)


@pytest.fixture(scope="session")
def slow_llmock():
    """An upstream that sends a stream chunk every 50 ms."""
    yield from running_llmock(50)


class Proxy:
    """A running `promptgate serve` with its own data folder."""

    def __init__(self, binary: str, upstream: str, data: str, extra: list, prefix: list):
        env = dict(os.environ, PROMPTGATE_UPSTREAM_KEY="city-upstream-key", PROMPTGATE_ANTHROPIC_KEY="city-anthropic-key")
        self.data = data
        self.logged = None
        self.proc = subprocess.Popen(
            prefix + [binary, "serve", "--listen", "127.0.0.1:0", "--data", data, "--upstream", upstream,
                      "--checkpoint-every", "5"] + extra,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        deadline = time.time() + 30
        self.base_url = None
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            m = re.search(r"listening on (http://[0-9.]+:\d+)", line)
            if m:
                self.base_url = m.group(1)
                break
        if not self.base_url:
            self.proc.kill()
            raise RuntimeError("promptgate did not start: " + self.proc.stderr.read())

    def stop(self) -> str:
        """Stops the proxy (SIGTERM) and returns what it logged on stderr (kept in `self.logged`)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise
        if self.logged is None:
            self.logged = self.proc.stderr.read()
        return self.logged

    @property
    def log_path(self) -> str:
        return os.path.join(self.data, "audit.log")


@pytest.fixture
def start_proxy(promptgate_bin, llmock):
    started = []

    def start(extra=None, prefix=None, data=None, upstream=None):
        folder = data or tempfile.mkdtemp(prefix="promptgate-e2e-")
        proxy = Proxy(promptgate_bin, (upstream or llmock).url + "/v1", folder, extra or [], prefix or [])
        started.append(proxy)
        return proxy

    llmock.reset()
    yield start
    for proxy in started:
        proxy.stop()
        assert_keeps_no_secret(proxy)


# The city's upstream keys every test proxy is given: no file in a data folder and no line on stderr may hold them.
UPSTREAM_SECRETS = ("city-upstream-key", "city-anthropic-key")


def assert_keeps_no_secret(proxy, secrets=UPSTREAM_SECRETS):
    """Greps everything a stopped proxy left (each file of its data folder, its stderr) for each secret."""
    places = {"stderr": proxy.logged or ""}
    for folder, _, files in os.walk(proxy.data):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                places[path] = f.read().decode("utf-8", "replace")
    if os.path.exists(os.path.join(proxy.data, "audit.log")):
        # The log's sealed texts, opened: sealing must not hide from this check what was written.
        places["the audit log's texts, opened"] = "\n".join(opened_lines(proxy.data))
    for where, text in places.items():
        for secret in secrets:
            assert secret not in text, f"{where} holds a secret the test sent ({secret[:8]}…)"
        # No PromptGate key, whoever's, is ever written down by the proxy (the users file is not in a data folder).
        key = re.search(r"pgk_[A-Za-z0-9_-]{43}", text)
        assert key is None, f"{where} holds a PromptGate key ({key.group(0)[:10]}…)"


class Postgres:
    """A PostgreSQL server for the tests: $PROMPTGATE_TEST_POSTGRES (scripts/test.sh starts one), else one started
    for the session by scripts/postgres-test.sh. `folder` is its cluster folder when known (restart needs it)."""

    def __init__(self, url: str, folder):
        self.url, self.folder = url, folder

    def url_of(self, database: str) -> str:
        return self.url.rsplit("/", 1)[0] + "/" + database

    def psql(self, url: str, sql: str, *, check=True) -> str:
        """Runs SQL through psql (no result alignment, stops at the first error); returns what it printed."""
        r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                           capture_output=True, text=True, timeout=60)
        if check and r.returncode != 0:
            raise RuntimeError(f"psql failed: {r.stderr}")
        return r.stdout

    def restart(self) -> None:
        """Stops the server at once (as a crash would) and starts it again on the same port."""
        if not self.folder:
            pytest.skip("restarting PostgreSQL needs PROMPTGATE_TEST_POSTGRES_DIR")
        subprocess.run([str(ROOT / "scripts" / "postgres-test.sh"), "restart", self.folder], check=True,
                       capture_output=True, timeout=120)


@pytest.fixture(scope="session")
def postgres_server():
    url = os.environ.get("PROMPTGATE_TEST_POSTGRES", "")
    if url:
        yield Postgres(url, os.environ.get("PROMPTGATE_TEST_POSTGRES_DIR") or None)
        return
    script = str(ROOT / "scripts" / "postgres-test.sh")
    folder = tempfile.mkdtemp(prefix="promptgate-e2e-pg-")
    r = subprocess.run([script, "start", folder], capture_output=True, text=True, timeout=180)
    if r.returncode != 0:
        pytest.fail("PostgreSQL did not start (scripts/setup.sh --test installs it): " + r.stderr[-2000:])
    server = Postgres(r.stdout.strip().splitlines()[-1], folder)
    yield server
    subprocess.run([script, "stop", folder], capture_output=True, timeout=120)
    subprocess.run(["rm", "-rf", folder])


@pytest.fixture
def postgres(postgres_server):
    """A fresh, empty database for one test; its URL is `postgres.url`. Dropped afterwards."""
    name = "promptgate_e2e_" + os.urandom(6).hex()
    admin = postgres_server.url_of("postgres")
    postgres_server.psql(admin, f"CREATE DATABASE {name}")
    database = Postgres(postgres_server.url_of(name), postgres_server.folder)
    yield database
    postgres_server.psql(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", check=False)
