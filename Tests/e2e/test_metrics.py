"""Prometheus `/metrics`: requests by decision, findings by rule, upstream latency, audit appends — and nothing a
resident or an employee could be identified by."""
import re
import urllib.request

import openai

from test_openai_chat import PROMPT, RAW, client


def metrics(proxy) -> str:
    with urllib.request.urlopen(proxy.base_url + "/metrics") as r:
        assert r.headers["content-type"].startswith("text/plain")
        return r.read().decode()


def value(text, name, **labels):
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_decisions_findings_latency_and_appends(start_proxy, llmock):
    proxy = start_proxy()
    c = client(proxy)
    c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": PROMPT}])
    try:
        c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "CONFIDENTIAL memo"}])
    except openai.PermissionDeniedError:
        pass
    text = metrics(proxy)
    assert value(text, "promptgate_requests_total", endpoint="chat/completions", decision="redacted") == 1
    assert value(text, "promptgate_requests_total", endpoint="chat/completions", decision="blocked") == 1
    assert value(text, "promptgate_findings_total", rule="email-address", action="redact") == 1
    assert value(text, "promptgate_findings_total", rule="confidential-marking", action="block") == 1
    assert value(text, "promptgate_upstream_response_seconds_count", endpoint="chat/completions") == 1
    assert value(text, "promptgate_upstream_responses_total", endpoint="chat/completions", status="200") == 1
    # request + response entries for the first, the blocked entry for the second
    assert value(text, "promptgate_audit_appends_total", result="ok") >= 3
    for raw in RAW + ["employee-personal-key", "city-upstream-key", "CONFIDENTIAL memo"]:
        assert raw not in text
    assert re.search(r"^# TYPE promptgate_requests_total counter$", text, re.M)
