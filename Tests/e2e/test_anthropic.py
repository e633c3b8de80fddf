"""Anthropic Messages (`POST /v1/messages`) with the real anthropic SDK against llmock's Anthropic emulator: every
text location screened (system, string and block content, tool inputs and results), placeholders restored in
answers and streams, blocks and errors in Anthropic's shape, and the audit log clean and verifiable."""
import json

import anthropic
import pytest

from test_openai_chat import PLACEHOLDERS, PROMPT, RAW, assert_log_clean

MODEL = "claude-3-5-sonnet-latest"


@pytest.fixture
def proxy(start_proxy, llmock):
    return start_proxy(["--anthropic-upstream", llmock.url + "/anthropic/v1"])


def client(proxy) -> anthropic.Anthropic:
    # The employee's key: the proxy must never forward or log it.
    return anthropic.Anthropic(base_url=proxy.base_url, api_key="employee-personal-key", max_retries=0)


def upstream_bodies(llmock):
    return [json.dumps(request["body"]) for request in llmock.requests()]


def test_non_streaming_screens_every_location_and_restores(proxy, llmock):
    llmock.reset()
    answer = client(proxy).messages.create(
        model=MODEL, max_tokens=200, system="Case worker notes. Resident SSN 212-56-7890.",
        messages=[
            {"role": "user", "content": [{"type": "text", "text": PROMPT}]},
            {"role": "assistant", "content": [
                {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {"email": "maria.gonzalez@example.org"}}]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "phone (617) 555-0134 on file"},
                {"type": "text", "text": "Now reply to " + PROMPT}]},
        ])
    text = "".join(block.text for block in answer.content if block.type == "text")
    for value in RAW:
        assert value in text, "the original value was not restored in the answer"
    (body,) = upstream_bodies(llmock)
    for value in RAW:
        assert value not in body, f"{value} reached the upstream"
    for placeholder in PLACEHOLDERS:
        assert placeholder in body
    # The tool input kept its shape: the value inside the object was replaced, not the object.
    sent = llmock.requests()[0]["body"]
    assert sent["messages"][1]["content"][0]["input"] == {"email": "[EMAIL_ADDRESS_1]"}
    proxy.stop()
    log = assert_log_clean(proxy)
    assert '"provider":"anthropic"' in log and '"event":"response.completed"' in log


def test_streaming_restores_placeholders(proxy, llmock):
    llmock.reset()
    with client(proxy).messages.stream(
            model=MODEL, max_tokens=200, messages=[{"role": "user", "content": PROMPT}]) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    for value in RAW:
        assert value in text
    assert final.stop_reason == "end_turn"
    for body in upstream_bodies(llmock):
        for value in RAW:
            assert value not in body
    proxy.stop()
    log = assert_log_clean(proxy)
    assert '"provider":"anthropic"' in log and '"event":"response.completed"' in log


def test_a_block_is_a_403_in_anthropic_shape_and_nothing_is_sent(proxy, llmock):
    llmock.reset()
    with pytest.raises(anthropic.PermissionDeniedError) as raised:
        client(proxy).messages.create(
            model=MODEL, max_tokens=50, messages=[{"role": "user", "content": "CONFIDENTIAL budget draft"}])
    error = raised.value
    assert error.status_code == 403
    assert error.body["type"] == "error" and error.body["error"]["type"] == "permission_error"
    assert "San José" in error.body["error"]["message"]
    assert error.response.headers["x-should-retry"] == "false"
    assert llmock.requests() == []


def test_bad_json_is_a_400_in_anthropic_shape(proxy, llmock):
    llmock.reset()
    with pytest.raises(anthropic.BadRequestError) as raised:
        client(proxy).messages.create(model=MODEL, max_tokens=50, messages="not a list")
    assert raised.value.body["error"]["type"] == "invalid_request_error"
    assert llmock.requests() == []


def test_without_an_anthropic_upstream_messages_is_a_404(start_proxy, llmock):
    proxy = start_proxy()
    with pytest.raises(anthropic.NotFoundError) as raised:
        client(proxy).messages.create(model=MODEL, max_tokens=50, messages=[{"role": "user", "content": "hi"}])
    assert raised.value.body["error"]["type"] == "not_found_error"
