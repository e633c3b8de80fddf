"""`promptgate report`, `--public` and the proxy's `/admin` page, rendered by headless Chromium: every chart is
there, no console error, and each number equals what the `log show --json` lines say, counted here by a different
path (and the command each number names prints exactly that many entries)."""
import collections
import html.parser
import json
import os
import shlex
import shutil
import subprocess
import urllib.error
import urllib.request

import openai
import pytest

from test_governance import entry

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed (scripts/setup.sh --test)")

FULL_CHARTS = ["prompts-by-department", "decisions-over-time", "top-rules", "systems", "unregistered", "high-impact"]
HOSTILE_MODEL = "<script>alert(1)</script>"


class Rows(html.parser.HTMLParser):
    """The `<svg id>`s and, per `table.numbers`, each row's data-key, data-count and the shown count."""

    def __init__(self):
        super().__init__()
        self.svgs, self.tables, self.scripts = set(), collections.defaultdict(dict), 0
        self.chart, self.row, self.cell, self.cells = None, None, None, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg" and a.get("id"):
            self.svgs.add(a["id"])
        elif tag == "script":
            self.scripts += 1
        elif tag == "table" and "numbers" in (a.get("class") or ""):
            self.chart = a["data-chart"]
        elif tag == "tr" and self.chart and "data-key" in a:
            self.row, self.cells = a, []
        elif tag == "td" and self.row is not None:
            self.cell = ""

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.cells.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.chart][self.row["data-key"]] = {
                "count": self.row["data-count"], "shown": self.cells[1], "filter": self.cells[-1]}
            self.row = None
        elif tag == "table":
            self.chart = None


def chromium(page: str, out_dir, name: str) -> Rows:
    """Screenshots and dumps the page's DOM; fails on any console message (errors, CSP violations)."""
    url = "file://" + os.path.abspath(page)
    base = [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--enable-logging=stderr", "--v=0",
            f"--user-data-dir={out_dir}/chromium-profile"]
    shot = subprocess.run(base + [f"--screenshot={out_dir}/{name}.png", "--window-size=1200,3000", url],
                          capture_output=True, text=True, timeout=120)
    assert os.path.getsize(f"{out_dir}/{name}.png") > 10_000, shot.stderr[-2000:]
    dom = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True, timeout=120)
    for stderr in (shot.stderr, dom.stderr):
        console = [l for l in stderr.splitlines() if "CONSOLE" in l or "Uncaught" in l]
        assert console == [], console
    if os.environ.get("REPORT_SCREENSHOTS"):
        # For docs/report.png: the page and its screenshot.
        shutil.copy(f"{out_dir}/{name}.png", os.environ["REPORT_SCREENSHOTS"])
        shutil.copy(page, os.environ["REPORT_SCREENSHOTS"])
    rows = Rows()
    rows.feed(dom.stdout)
    assert rows.scripts == 0
    return rows


def log_lines(promptgate_bin, data):
    out = subprocess.run([promptgate_bin, "log", "show", "--data", data, "--json"], capture_output=True, text=True,
                         check=True).stdout
    return [json.loads(l) for l in out.splitlines()]


def expected(lines, bucket_length):
    """The counts a report shows, from the stored lines: prompts are request entries."""
    prompts = [e for e in lines if e["event"] in ("request.screened", "request.blocked")]
    by_dept, by_decision = collections.Counter(), collections.Counter()
    rules, systems, unregistered, depts = collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter()
    for e in prompts:
        bucket = e["ts"][:bucket_length]
        by_dept[f"{bucket}|{e.get('dept', '(none)')}"] += 1
        by_decision[f"{bucket}|{e['decision']}"] += 1
        depts[e.get("dept", "(none)")] += 1
        for rule in {f["rule"] for f in e.get("findings", [])}:
            rules[rule] += 1
        if "system" in e:
            systems[e["system"]] += 1
        elif e["event"] == "request.blocked":
            unregistered[e.get("model", "(none)")] += 1
    return {"prompts-by-department": by_dept, "decisions-over-time": by_decision, "top-rules": rules,
            "systems": systems, "unregistered": unregistered, "departments": depts, "total": len(prompts)}


def shown_counts(rows: Rows, chart: str) -> dict:
    return {key: int(r["count"]) for key, r in rows.tables[chart].items() if r["count"] != "" and int(r["count"]) > 0}


@pytest.fixture
def city(tmp_path, promptgate_bin):
    """A registry with one system and a users file: an admin, and employees of three departments."""
    registry = tmp_path / "registry"
    registry.mkdir()
    (registry / "active.yaml").write_text(entry("active", "gpt-4o-mini"))
    users = str(tmp_path / "users.yaml")
    keys = {}
    for user, dept, extra in [("boss", "it", ["--admin"]), ("alice", "housing", []), ("bob", "finance", []),
                              ("carol", "parks", [])]:
        keys[user] = subprocess.run([promptgate_bin, "users", "add", "--users", users, "--id", user, "--department",
                                     dept] + extra, capture_output=True, text=True, check=True).stdout.strip()
    return str(registry), users, keys


def ask(proxy, key, text, model="gpt-4o-mini", purpose=None):
    client = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key=key, max_retries=0)
    headers = {"X-PromptGate-Purpose": purpose} if purpose else {}
    try:
        client.chat.completions.create(model=model, messages=[{"role": "user", "content": text}],
                                       extra_headers=headers)
    except openai.PermissionDeniedError:
        pass


def admin(proxy, key=None):
    request = urllib.request.Request(proxy.base_url + "/admin", headers={"Authorization": f"Bearer {key}"} if key else {})
    try:
        with urllib.request.urlopen(request) as r:
            return r.status, r.read().decode(), r.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


def test_report_public_page_and_admin_in_chromium(start_proxy, llmock, promptgate_bin, city, tmp_path):
    registry, users, keys = city
    proxy = start_proxy(extra=["--users", users, "--registry", registry])
    for i in range(9):
        ask(proxy, keys["alice"], f"draft a notice about the garden {i}")
    for i in range(3):
        ask(proxy, keys["alice"], f"write to jane.doe{i}@example.com about her permit")
    ask(proxy, keys["bob"], "CONFIDENTIAL memo on the budget")
    ask(proxy, keys["bob"], "summarise the budget", model=HOSTILE_MODEL)
    ask(proxy, keys["bob"], "assess this permit application", purpose="permits-licensing")
    ask(proxy, keys["bob"], "draft the budget letter")
    for i in range(3):
        ask(proxy, keys["carol"], f"draft a sign for the park {i}")

    # /admin: 401 without a key, 403 for an employee, the live page for the admin.
    assert admin(proxy)[0] == 401
    assert admin(proxy, "pgk_not-a-key")[0] == 401
    assert admin(proxy, keys["alice"])[0] == 403
    status, page, headers = admin(proxy, keys["boss"])
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in headers["content-security-policy"]
    assert '<meta http-equiv="refresh"' in page
    (tmp_path / "admin.html").write_text(page)
    live = chromium(str(tmp_path / "admin.html"), tmp_path, "admin")
    lines = log_lines(promptgate_bin, proxy.data)
    hourly = expected(lines, 13)
    for chart in FULL_CHARTS:
        assert "chart-" + chart in live.svgs, chart
    for chart in ["prompts-by-department", "decisions-over-time", "top-rules", "systems", "unregistered"]:
        assert shown_counts(live, chart) == dict(hourly[chart]), chart
    proxy.stop()

    # The report of the whole log.
    data = proxy.data
    report = tmp_path / "report.html"
    made = subprocess.run([promptgate_bin, "report", "--data", data, "--registry", registry, "--out", str(report)],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    rows = chromium(str(report), tmp_path, "report")
    lines = log_lines(promptgate_bin, data)
    daily = expected(lines, 10)
    assert daily["total"] == 19
    for chart in FULL_CHARTS:
        assert "chart-" + chart in rows.svgs, chart
    for chart in ["prompts-by-department", "decisions-over-time", "top-rules", "systems", "unregistered"]:
        assert shown_counts(rows, chart) == dict(daily[chart]), chart
    assert shown_counts(rows, "high-impact") == {"permits-licensing": 1}
    assert sum(n for key, n in daily["decisions-over-time"].items() if key.endswith("|redacted")) == 3
    assert sum(n for key, n in daily["decisions-over-time"].items() if key.endswith("|blocked")) == 2
    assert HOSTILE_MODEL in rows.tables["unregistered"]      # shown as text, never run (no <script> in the DOM)
    text = report.read_text()
    assert "Log verification: verified" in text and "<script" not in text

    # Every number names the command that prints exactly its entries.
    for chart, table in rows.tables.items():
        for key, row in table.items():
            if not row["filter"] or row["count"] in ("", "0"):
                continue
            argv = shlex.split(row["filter"])
            assert argv[:3] == ["promptgate", "log", "show"]
            out = subprocess.run([promptgate_bin] + argv[1:] + ["--data", data, "--json"], capture_output=True,
                                 text=True, check=True).stdout
            assert len(out.splitlines()) == int(row["count"]), (chart, key, row["filter"])

    # The public page: counts by department, system and rule, small cells suppressed, no users, no text.
    public = tmp_path / "public.html"
    subprocess.run([promptgate_bin, "report", "--data", data, "--registry", registry, "--public", "--out",
                    str(public)], capture_output=True, text=True, check=True)
    published = chromium(str(public), tmp_path, "public")
    for chart in ["departments", "top-rules", "systems"]:
        assert "chart-" + chart in published.svgs, chart
    departments = published.tables["departments"]
    assert departments["parks"]["shown"] == "< 10" and departments["parks"]["count"] == ""
    assert departments["finance"]["shown"] == "< 10"
    assert departments["housing"]["shown"] == "12" == str(daily["departments"]["housing"])
    assert "chart-prompts-by-department" not in published.svgs and "unregistered" not in published.tables
    body = public.read_text()
    for secret in ["alice", "bob", "carol", "boss", "jane.doe", "garden", "budget", "alert(1)", "pgk_"]:
        assert secret not in body, secret
    assert "active system" in body   # the registry's transparency record beside the counts
