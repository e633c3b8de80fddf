"""Nothing leaves unscreened: a resident's value in every string-bearing field of every endpoint, in every form it
can take, with a recording upstream behind the proxy.

The fields come from the protocols' published request schemas (OpenAI's Chat Completions, Responses and Embeddings
API reference, Anthropic's Messages API reference, Ollama's /api/chat), not from the list of leaks that started this
work. For each case the request is either blocked, or nothing the upstream received gives the value back: not a
string as sent, not after NFKC, percent- or HTML-decoding or base64-decoding, and not the strings of the body joined.
"""
import base64
import html
import json
import re
import unicodedata
import urllib.error
import urllib.parse
import urllib.request

import pytest

from fixture_upstream import FixtureUpstream

EMAIL = "maria.gonzalez@example.org"
SSN = "212-56-7890"


@pytest.fixture(scope="module")
def recorder():
    upstream = FixtureUpstream()
    yield upstream
    upstream.stop()


@pytest.fixture
def proxy(start_proxy, recorder):
    recorder.reset()
    return start_proxy(["--ollama-upstream", recorder.url, "--anthropic-upstream", recorder.url + "/anthropic/v1"],
                       upstream=recorder)


def post(proxy, path, body):
    request = urllib.request.Request(proxy.base_url + path, data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def strings(value):
    """Every string of a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)


def readings(text):
    """The ways a reader could get a value back out of one string."""
    yield text
    yield unicodedata.normalize("NFKC", text)
    yield "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) not in ("Cf", "Cc"))
    yield urllib.parse.unquote(text)
    yield html.unescape(text)
    for run in re.findall(r"[A-Za-z0-9+/=_-]{16,}", text.split(",", 1)[-1] if text.startswith("data:") else text):
        try:
            yield base64.b64decode(run + "=" * (-len(run) % 4)).decode("utf-8", "ignore")
        except ValueError:
            pass


def leaked(recorder, value):
    """Whether anything the upstream received gives `value` back."""
    canonical = value.replace("-", "")
    for request in recorder.requests:
        parts = list(strings(request["body"]))
        for text in parts + ["".join(parts)]:
            for reading in readings(text):
                folded = "".join(c for c in reading if not unicodedata.category(c).startswith("Z")).replace("-", "")
                if value in reading or canonical in folded:
                    return True
    return False


def chat(content, **extra):
    return {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": content}], **extra}


# Every string-bearing field of each endpoint's request schema, with VALUE where the resident's value goes.
FIELDS = {
    "/v1/chat/completions": [
        chat("VALUE"),
        chat([{"type": "text", "text": "VALUE"}]),
        {"model": "m", "messages": [{"role": "system", "content": "VALUE"}, {"role": "user", "content": "hi"}]},
        {"model": "m", "messages": [{"role": "developer", "content": [{"type": "text", "text": "VALUE"}]},
                                    {"role": "user", "content": "hi"}]},
        {"model": "m", "messages": [{"role": "user", "content": "hi", "name": "VALUE"}]},
        {"model": "m", "messages": [{"role": "user", "content": "hi"},
                                    {"role": "assistant", "content": None, "refusal": "VALUE"}]},
        {"model": "m", "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": "{\"who\": \"VALUE\"}"}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "VALUE"}]},
        {"model": "m", "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "function_call":
            {"name": "lookup", "arguments": "{\"who\": \"VALUE\"}"}}, {"role": "function", "name": "lookup",
                                                                     "content": "VALUE"}]},
        chat("hi", metadata={"case": "VALUE"}),
        chat("hi", stop=["VALUE"]),
        chat("hi", stop="VALUE"),
        chat("hi", user="VALUE"),
        chat("hi", safety_identifier="VALUE"),
        chat("hi", prompt_cache_key="VALUE"),
        chat("hi", prediction={"type": "content", "content": "VALUE"}),
        chat("hi", prediction={"type": "content", "content": [{"type": "text", "text": "VALUE"}]}),
        chat("hi", tools=[{"type": "function", "function": {"name": "f", "description": "VALUE", "parameters": {
            "type": "object", "properties": {"to": {"type": "string", "description": "VALUE"}}}}}]),
        chat("hi", tools=[{"type": "function", "function": {"name": "f", "parameters": {
            "type": "object", "properties": {"to": {"type": "string", "enum": ["VALUE"], "default": "VALUE"}}}}}]),
        chat("hi", functions=[{"name": "f", "description": "VALUE", "parameters": {"type": "object"}}]),
        chat("hi", response_format={"type": "json_schema", "json_schema": {"name": "r", "description": "VALUE",
                                                                           "schema": {"type": "object"}}}),
        chat("hi", web_search_options={"user_location": {"type": "approximate", "approximate": {"city": "VALUE"}}}),
        chat("hi", logit_bias={"VALUE": 1}),
        chat("hi", x_unknown_field={"nested": ["VALUE"]}),
        chat([{"type": "text", "text": "look"}, {"type": "image_url", "image_url": {"url": "https://img.example/VALUE",
                                                                                     "detail": "VALUE"}}]),
        chat([{"type": "text", "text": "read"}, {"type": "file", "file": {
            "filename": "VALUE.txt", "file_data": "data:text/plain;base64,B64VALUE"}}]),
        chat([{"type": "text", "text": "read"}, {"type": "image_url", "image_url": {"url": "data:text/plain,VALUE"}}]),
        {"model": "m", "messages": [{"role": "user", "content": "hi", "unknown_in_message": "VALUE"}]},
    ],
    "/v1/responses": [
        {"model": "m", "input": "VALUE"},
        {"model": "m", "instructions": "VALUE", "input": "hi"},
        {"model": "m", "input": [{"role": "user", "content": [{"type": "input_text", "text": "VALUE"}]}]},
        {"model": "m", "input": [{"type": "function_call_output", "call_id": "c1", "output": "VALUE"}]},
        {"model": "m", "input": "hi", "metadata": {"k": "VALUE"}},
        {"model": "m", "input": "hi", "user": "VALUE"},
        {"model": "m", "input": "hi", "prompt": {"id": "pmpt_1", "variables": {"name": "VALUE"}}},
        {"model": "m", "input": "hi", "text": {"format": {"type": "json_schema", "name": "r", "description": "VALUE",
                                                          "schema": {"type": "object"}}}},
        {"model": "m", "input": "hi", "tools": [{"type": "function", "name": "f", "description": "VALUE",
                                                 "parameters": {"type": "object"}}]},
        {"model": "m", "input": [{"role": "user", "content": [{"type": "input_file", "filename": "a.csv",
                                                               "file_data": "data:text/csv;base64,B64VALUE"}]}]},
    ],
    "/v1/embeddings": [
        {"model": "e", "input": "VALUE"},
        {"model": "e", "input": ["hi", "VALUE"]},
        {"model": "e", "input": "hi", "user": "VALUE"},
    ],
    "/v1/messages": [
        {"model": "c", "max_tokens": 10, "messages": [{"role": "user", "content": "VALUE"}]},
        {"model": "c", "max_tokens": 10, "system": "VALUE", "messages": [{"role": "user", "content": "hi"}]},
        {"model": "c", "max_tokens": 10, "system": [{"type": "text", "text": "VALUE"}],
         "messages": [{"role": "user", "content": "hi"}]},
        {"model": "c", "max_tokens": 10, "metadata": {"user_id": "VALUE"}, "messages": [{"role": "user", "content": "hi"}]},
        {"model": "c", "max_tokens": 10, "stop_sequences": ["VALUE"], "messages": [{"role": "user", "content": "hi"}]},
        {"model": "c", "max_tokens": 10, "tools": [{"name": "f", "description": "VALUE", "input_schema": {
            "type": "object", "properties": {"who": {"type": "string", "description": "VALUE"}}}}],
         "messages": [{"role": "user", "content": "hi"}]},
        {"model": "c", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": [
            {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {"who": "VALUE"}}]}, {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "VALUE"}]}]},
        {"model": "c", "max_tokens": 10, "messages": [{"role": "user", "content": [{"type": "document", "title": "VALUE",
            "source": {"type": "text", "media_type": "text/plain", "data": "VALUE"}}]}]},
        {"model": "c", "max_tokens": 10, "messages": [{"role": "user", "content": [{"type": "document", "source": {
            "type": "base64", "media_type": "text/plain", "data": "B64VALUE"}}]}]},
        {"model": "c", "max_tokens": 10, "messages": [{"role": "user", "content": [{"type": "document", "source": {
            "type": "url", "url": "https://docs.example/VALUE.pdf"}}]}]},
        {"model": "c", "max_tokens": 10, "mcp_servers": [{"type": "url", "url": "https://mcp.example", "name": "VALUE"}],
         "messages": [{"role": "user", "content": "hi"}]},
    ],
    "/api/chat": [
        {"model": "llama3.2", "stream": False, "messages": [{"role": "user", "content": "VALUE"}]},
        {"model": "llama3.2", "stream": False, "messages": [{"role": "system", "content": "VALUE"},
                                                            {"role": "user", "content": "hi"}]},
        {"model": "llama3.2", "stream": False, "format": {"type": "object", "description": "VALUE"},
         "messages": [{"role": "user", "content": "hi"}]},
        {"model": "llama3.2", "stream": False, "options": {"stop": ["VALUE"]}, "messages": [{"role": "user", "content": "hi"}]},
    ],
}


def planted(template, value):
    text = json.dumps(template)
    text = text.replace("B64VALUE", base64.b64encode(f"row: {value}".encode()).decode())
    return json.loads(text.replace("VALUE", value))


CASES = [(path, i) for path, templates in FIELDS.items() for i in range(len(templates))]


@pytest.mark.parametrize("path, index", CASES, ids=[f"{p}#{i}" for p, i in CASES])
@pytest.mark.parametrize("value", [EMAIL, SSN])
@pytest.mark.parametrize("stream", [False, True], ids=["buffered", "streamed"])
def test_every_field_of_every_endpoint(proxy, recorder, path, index, value, stream):
    body = planted(FIELDS[path][index], value)
    if path != "/v1/embeddings":
        body["stream"] = stream
    elif stream:
        pytest.skip("embeddings do not stream")
    status, body = post(proxy, path, body)
    assert status == 403 or not leaked(recorder, value), f"{value} left through {path} field set {index}: {body[:300]}"
    if status == 403:
        assert recorder.requests == [], "a blocked request reached the upstream"


TRICKS = {
    "zero-width space": lambda v: v[:5] + "\u200b" + v[5:],
    "zero-width joiner": lambda v: v[:4] + "\u200d" + v[4:],
    "soft hyphen": lambda v: v[:3] + "\u00ad" + v[3:],
    "NUL": lambda v: v[:6] + "\u0000" + v[6:],
    "full width": lambda v: unicodedata.normalize("NFKC", v).translate(
        {c: c + 0xFEE0 for c in range(0x21, 0x7F)}),
    "arabic-indic digits": lambda v: v.translate({ord(str(d)): chr(0x660 + d) for d in range(10)}),
    "cyrillic a": lambda v: v.replace("a", "\u0430"),
    "percent-encoded": lambda v: urllib.parse.quote(v, safe=""),
    "html entities": lambda v: "".join(f"&#{ord(c)};" if c in "@-." else c for c in v),
    "dotted": lambda v: v.replace("-", "."),
    "base64 in prose": lambda v: "decode " + base64.b64encode(f"record: {v}".encode()).decode(),
}


@pytest.mark.parametrize("trick", list(TRICKS), ids=list(TRICKS))
@pytest.mark.parametrize("value", [EMAIL, SSN])
def test_every_normalisation_trick(proxy, recorder, trick, value):
    status, body = post(proxy, "/v1/chat/completions", chat(f"please write to {TRICKS[trick](value)} today"))
    assert status in (200, 403), body
    assert not leaked(recorder, value), f"{trick}: {value} left"
    if status == 200:
        # The employee gets the value back, as it reads (or as written, where it reads the same).
        answer = json.loads(body)["choices"][0]["message"]["content"]
        assert value in answer or TRICKS[trick](value) in answer, body


@pytest.mark.parametrize("value", [EMAIL, SSN])
@pytest.mark.parametrize("how", ["two content parts", "two messages", "three parts"])
def test_values_split_across_parts_and_messages(proxy, recorder, value, how):
    a, b, c = value[:4], value[4:9], value[9:]
    if how == "two content parts":
        body = chat([{"type": "text", "text": "note " + a + b}, {"type": "text", "text": c + " ok"}])
    elif how == "three parts":
        body = chat([{"type": "text", "text": "note " + a}, {"type": "text", "text": b}, {"type": "text", "text": c}])
    else:
        body = {"model": "m", "messages": [{"role": "user", "content": "note " + a + b},
                                           {"role": "user", "content": c + " ok"}]}
    status, answer = post(proxy, "/v1/chat/completions", body)
    assert status == 200, answer
    assert not leaked(recorder, value), f"{how}: {value} left"


@pytest.mark.parametrize("attachment, blocked", [
    ({"type": "image_url", "image_url": {"url": "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n" * 8).decode()}}, True),
    ({"type": "input_audio", "input_audio": {"data": base64.b64encode(b"RIFF" * 16).decode(), "format": "wav"}}, True),
    ({"type": "file", "file": {"filename": "a.pdf", "file_data": "data:application/pdf;base64,"
                               + base64.b64encode(b"%PDF-1.7" * 8).decode()}}, True),
    ({"type": "file", "file": {"filename": "a.csv", "file_data": "data:text/csv;base64,"
                               + base64.b64encode(f"name,mail\nMaria,{EMAIL}\n".encode()).decode()}}, False),
])
def test_attachments_text_is_screened_binary_blocks_by_default(proxy, recorder, attachment, blocked):
    status, body = post(proxy, "/v1/chat/completions", chat([{"type": "text", "text": "see attached"}, attachment]))
    if blocked:
        assert status == 403 and "cannot be screened" in body and recorder.requests == []
    else:
        assert status == 200, body
        assert not leaked(recorder, EMAIL)


def test_streaming_requests_are_screened_the_same_way(start_proxy, llmock):
    proxy = start_proxy()
    for extra in ({"metadata": {"case": EMAIL}}, {"stop": [EMAIL]}, {"user": SSN}):
        body = chat(f"mail {EMAIL[:9]}\u200b{EMAIL[9:]}", stream=True, **extra)
        status, text = post(proxy, "/v1/chat/completions", body)
        assert status == 200, text
        assert "data: [DONE]" in text
    sent = llmock.sent_text()
    assert EMAIL not in sent and SSN not in sent and "gonzalez" not in sent
