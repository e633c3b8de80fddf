"""Live streams and listings through the proxy: first tokens arrive early, a client that leaves cancels the upstream
transfer (and the log says so), and /v1/models shows only registered models."""
import http.client
import json
import textwrap
import time
from urllib.parse import urlparse

import openai

LONG_PROMPT = " ".join(f"word{i}" for i in range(300))  # llmock echoes it in many chunks


def test_first_chunk_arrives_long_before_the_last(start_proxy, slow_llmock):
    proxy = start_proxy(upstream=slow_llmock)
    client = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="k", max_retries=0)
    started = time.monotonic()
    first = last = None
    for chunk in client.chat.completions.create(model="gpt-4o-mini", stream=True,
                                                messages=[{"role": "user", "content": LONG_PROMPT}]):
        if chunk.choices and chunk.choices[0].delta.content:
            first = first or time.monotonic() - started
            last = time.monotonic() - started
    # The upstream sends a chunk every 50 ms; a buffering proxy would deliver everything at the end.
    assert first is not None and last is not None
    print(f"first chunk after {first:.3f}s, last after {last:.3f}s")
    assert first < last / 3, f"first chunk after {first:.3f}s, last after {last:.3f}s"


def test_client_disconnect_cancels_the_upstream_and_is_logged(start_proxy, llmock):
    proxy = start_proxy()
    url = urlparse(proxy.base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    body = json.dumps({"model": "gpt-4o-mini", "stream": True, "messages": [{"role": "user", "content": LONG_PROMPT}]})
    conn.request("POST", "/v1/chat/completions", body=body, headers={"content-type": "application/json"})
    response = conn.getresponse()
    assert response.status == 200
    response.read1(200)  # a first piece of the stream, then hang up
    conn.sock.close()
    conn.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        requests = llmock.requests()
        if requests and requests[-1].get("ended_at"):
            break
        time.sleep(0.1)
    upstream = llmock.requests()[-1]
    assert not upstream.get("completed", False), "the upstream transfer ran to the end although the client left"
    proxy.stop()
    entries = [json.loads(l) for l in open(proxy.log_path)]
    failed = [e for e in entries if e["event"] == "response.failed"]
    assert failed and failed[-1]["status"] == 499 and "client disconnected" in failed[-1]["note"]


def test_models_list_shows_only_registered_models(start_proxy, llmock, tmp_path):
    folder = tmp_path / "registry"
    folder.mkdir()
    (folder / "a.yaml").write_text(textwrap.dedent("""\
        id: a
        name: A
        vendor: {name: V}
        models: [gpt-4o-mini, gpt-4o]
        endpoints: [127.0.0.1]
        owner: {department: IT, contact: it@city.example}
        purpose: drafting
        risk_level: limited
        status: operational
        """))
    proxy = start_proxy(extra=["--registry", str(folder)])
    client = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="k", max_retries=0)
    assert sorted(m.id for m in client.models.list()) == ["gpt-4o", "gpt-4o-mini"]
    open_proxy = start_proxy()
    client = openai.OpenAI(base_url=open_proxy.base_url + "/v1", api_key="k", max_retries=0)
    assert len(list(client.models.list())) > 2


def test_sigterm_drains_an_open_stream_then_signs_a_final_checkpoint(start_proxy, slow_llmock):
    import signal
    proxy = start_proxy(upstream=slow_llmock)
    client = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="k", max_retries=0)

    def answer(on_third_piece=None):
        pieces = []
        for chunk in client.chat.completions.create(model="gpt-4o-mini", stream=True,
                                                    messages=[{"role": "user", "content": LONG_PROMPT}]):
            if chunk.choices and chunk.choices[0].delta.content:
                pieces.append(chunk.choices[0].delta.content)
                if len(pieces) == 3 and on_third_piece:
                    on_third_piece()
        return "".join(pieces)

    whole = answer()
    # SIGTERM mid-stream (the upstream sends a chunk every 50 ms): the answer must still arrive whole.
    assert answer(lambda: proxy.proc.send_signal(signal.SIGTERM)) == whole
    assert proxy.proc.wait(timeout=30) == 0
    log = open(proxy.log_path, encoding="utf-8").read()
    assert log.count('"event":"response.completed"') == 2
    with open(proxy.data + "/checkpoint") as f:
        size = int(f.read().splitlines()[1])
    assert size == len(log.splitlines()), "the final checkpoint does not cover every entry"
