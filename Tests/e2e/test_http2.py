"""HTTP/2 to the upstream: where the upstream offers it over TLS (ALPN), libcurl speaks HTTP/2, answers and live
streams come through restored, and requests share one connection. The upstream is hypercorn (PyPI), a real
HTTP/2 server, behind a certificate from a private CA."""
import asyncio
import json
import socket
import tempfile
import threading
import time

import openai
import pytest
from hypercorn.asyncio import serve
from hypercorn.config import Config

from conftest import free_port
from test_corporate_ca import make_ca
from test_openai_chat import PROMPT, RAW


def wait_port(port, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"hypercorn did not open port {port}")


class Http2Upstream:
    """An OpenAI-style chat endpoint on hypercorn that records each request's HTTP version and connection."""

    def __init__(self):
        self.requests = []
        folder = tempfile.mkdtemp(prefix="promptgate-h2-")
        self.ca, cert, key = make_ca(folder)
        self.port = free_port()
        config = Config()
        config.bind = [f"127.0.0.1:{self.port}"]
        config.certfile, config.keyfile = cert, key
        config.alpn_protocols = ["h2", "http/1.1"]
        config.accesslog = config.errorlog = None
        self.loop = asyncio.new_event_loop()
        self.stopping = asyncio.Event()

        async def app(scope, receive, send):
            if scope["type"] == "lifespan":
                while (await receive())["type"] != "lifespan.shutdown":
                    await send({"type": "lifespan.startup.complete"})
                await send({"type": "lifespan.shutdown.complete"})
                return
            body = b""
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            request = json.loads(body)
            headers = {k.decode(): v.decode() for k, v in scope["headers"]}
            self.requests.append({"http_version": scope["http_version"], "client": tuple(scope["client"]),
                                  "body": request, "authorization": headers.get("authorization"), "sent": []})
            answer = "You said: " + request["messages"][-1]["content"]
            if not request.get("stream"):
                data = json.dumps({"id": "c1", "object": "chat.completion", "created": 1, "model": request["model"],
                                   "choices": [{"index": 0, "message": {"role": "assistant", "content": answer},
                                                "finish_reason": "stop"}]}).encode()
                await send({"type": "http.response.start", "status": 200,
                            "headers": [(b"content-type", b"application/json")]})
                await send({"type": "http.response.body", "body": data})
                return
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/event-stream")]})
            words = answer.split(" ")
            for i, word in enumerate(words):
                chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": request["model"],
                         "choices": [{"index": 0, "delta": {"content": word + (" " if i < len(words) - 1 else "")},
                                      "finish_reason": None}]}
                self.requests[-1]["sent"].append(time.time())
                await send({"type": "http.response.body", "body": b"data: " + json.dumps(chunk).encode() + b"\n\n",
                            "more_body": True})
                await asyncio.sleep(0.05)
            await send({"type": "http.response.body", "body": b"data: [DONE]\n\n"})

        async def main():
            self.stopping = asyncio.Event()
            await serve(app, config, shutdown_trigger=self.stopping.wait)

        def run():
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(main())

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        wait_port(self.port)
        self.url = f"https://127.0.0.1:{self.port}"

    def stop(self):
        self.loop.call_soon_threadsafe(self.stopping.set)
        self.thread.join(10)


@pytest.fixture(scope="module")
def h2_upstream():
    upstream = Http2Upstream()
    yield upstream
    upstream.stop()


def test_answers_and_live_streams_over_http2_on_one_connection(start_proxy, h2_upstream):
    proxy = start_proxy(["--ca-bundle", h2_upstream.ca], upstream=h2_upstream)
    client = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="employee-personal-key", max_retries=0)

    answer = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": PROMPT}])
    for value in RAW:
        assert value in answer.choices[0].message.content

    first_at = None
    pieces = []
    for chunk in client.chat.completions.create(model="gpt-4o-mini", stream=True,
                                                messages=[{"role": "user", "content": PROMPT}]):
        if chunk.choices and chunk.choices[0].delta.content:
            first_at = first_at or time.time()
            pieces.append(chunk.choices[0].delta.content)
    text = "".join(pieces)
    for value in RAW:
        assert value in text

    assert [r["http_version"] for r in h2_upstream.requests] == ["2", "2"]
    # The upstream got placeholders and the city's key, never the employee's values or key.
    for request in h2_upstream.requests:
        sent = json.dumps(request["body"])
        assert not any(value in sent for value in RAW)
        assert request["authorization"] == "Bearer city-upstream-key"
    # One connection, reused (HTTP/2 multiplexing keeps it open between requests).
    assert h2_upstream.requests[0]["client"] == h2_upstream.requests[1]["client"]
    # Live: the first words reached the client well before the upstream sent its last.
    sent = h2_upstream.requests[1]["sent"]
    assert len(sent) > 5 and first_at < sent[-1] - 0.1
