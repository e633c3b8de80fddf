"""Ollama chat (`POST /api/chat`, NDJSON streams) with the real `ollama` Python client against the project's own
fixture upstream, and header checks: every upstream sees the city's key, never the employee's."""
import json

import anthropic
import ollama
import openai
import pytest

from fixture_upstream import FixtureUpstream
from test_openai_chat import PLACEHOLDERS, PROMPT, RAW, assert_log_clean


@pytest.fixture(scope="module")
def fixture():
    upstream = FixtureUpstream()
    yield upstream
    upstream.stop()


@pytest.fixture
def proxy(start_proxy, fixture):
    fixture.reset()
    return start_proxy(
        ["--ollama-upstream", fixture.url, "--anthropic-upstream", fixture.url + "/anthropic/v1"],
        upstream=fixture)


def assert_upstream_clean(fixture):
    assert fixture.requests
    for request in fixture.requests:
        body = json.dumps(request["body"])
        for value in RAW:
            assert value not in body, f"{value} reached the upstream"
        for placeholder in PLACEHOLDERS:
            assert placeholder in body


def test_streaming_chat_restores_placeholders_split_across_lines(proxy, fixture):
    client = ollama.Client(host=proxy.base_url)
    parts = [chunk.message.content for chunk in client.chat(
        model="llama3.2", messages=[{"role": "user", "content": PROMPT}], stream=True)]
    text = "".join(parts)
    for value in RAW:
        assert value in text
    assert_upstream_clean(fixture)
    proxy.stop()
    log = assert_log_clean(proxy)
    assert '"provider":"ollama"' in log and '"event":"response.completed"' in log


def test_non_streaming_chat(proxy, fixture):
    answer = ollama.Client(host=proxy.base_url).chat(
        model="llama3.2", messages=[{"role": "user", "content": PROMPT}], stream=False)
    for value in RAW:
        assert value in answer.message.content
    assert_upstream_clean(fixture)


def test_a_block_is_an_error_in_ollama_shape(proxy, fixture):
    with pytest.raises(ollama.ResponseError) as raised:
        ollama.Client(host=proxy.base_url).chat(
            model="llama3.2", messages=[{"role": "user", "content": "CONFIDENTIAL memo"}], stream=False)
    assert raised.value.status_code == 403 and "San José" in raised.value.error
    assert fixture.requests == []


def test_every_upstream_sees_the_city_key_never_the_employees(proxy, fixture):
    openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="employee-personal-key", max_retries=0).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": PROMPT}])
    anthropic.Anthropic(base_url=proxy.base_url, api_key="employee-personal-key", max_retries=0).messages.create(
        model="claude-3-5-sonnet-latest", max_tokens=50, messages=[{"role": "user", "content": PROMPT}])
    by_path = {r["path"]: r["headers"] for r in fixture.requests}
    openai_headers = by_path["/v1/chat/completions"]
    assert openai_headers["authorization"] == "Bearer city-upstream-key"
    anthropic_headers = by_path["/anthropic/v1/messages"]
    assert anthropic_headers["x-api-key"] == "city-anthropic-key"
    assert "anthropic-version" in anthropic_headers
    for headers in by_path.values():
        assert "employee-personal-key" not in json.dumps(headers)
