"""Answers are screened too: llmock is scripted (its scenario API) to answer with an e-mail address and an AWS key the
prompt never held. The employee's SDK gets the address with a warning header and the key redacted, streamed or not;
the audit log counts both and keeps neither."""
import json
import urllib.request

import anthropic
import openai

from audit_entries import opened_entries
from conftest import assert_keeps_no_secret

EMAIL = "jane.roe@example.net"
KEY = "AKIAQWERTYUIOPASDFGH"
KEY_MARKER = "[AWS_ACCESS_KEY redacted by PromptGate]"
ANSWER = f"Sure. Write to {EMAIL} and upload with the key {KEY} today."
EXPECTED = f"Sure. Write to {EMAIL} and upload with the key {KEY_MARKER} today."


def script_reply(llmock, text):
    """Queues one scripted reply: the next request llmock answers gets `text`."""
    body = json.dumps({"behaviors": [{"type": "reply", "text": text, "times": 1}]}).encode()
    request = urllib.request.Request(llmock.url + "/_llmock/scenario", data=body, method="POST",
                                     headers={"content-type": "application/json"})
    urllib.request.urlopen(request).read()


def response_entries(proxy):
    entries = opened_entries(proxy.data)  # the answers' texts opened
    return [e for e in entries if e.get("event", "").startswith("response.")]


def findings(entry):
    return sorted(f"{f['rule']}/{f['action']}/{f['count']}" for f in entry.get("findings", []))


def test_answer_findings_warned_redacted_and_recorded(start_proxy, llmock):
    proxy = start_proxy(["--anthropic-upstream", llmock.url + "/anthropic/v1"])
    client = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="k", max_retries=0)

    script_reply(llmock, ANSWER)
    raw = client.chat.completions.with_raw_response.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Draft a short reply."}])
    warnings = raw.headers.get_list("x-promptgate-warning")
    assert any("EMAIL_ADDRESS" in w for w in warnings), warnings
    assert raw.parse().choices[0].message.content == EXPECTED

    script_reply(llmock, ANSWER)
    streamed = "".join(
        chunk.choices[0].delta.content or ""
        for chunk in client.chat.completions.create(
            model="gpt-4o-mini", stream=True, messages=[{"role": "user", "content": "Draft a short reply."}])
        if chunk.choices)
    assert streamed == EXPECTED

    messages = anthropic.Anthropic(base_url=proxy.base_url, api_key="k", max_retries=0)
    script_reply(llmock, ANSWER)
    with messages.messages.stream(model="claude-sonnet-4-5", max_tokens=100,
                                  messages=[{"role": "user", "content": "Draft a short reply."}]) as stream:
        assert "".join(stream.text_stream) == EXPECTED

    proxy.stop()
    entries = response_entries(proxy)
    assert len(entries) == 3
    for entry in entries:
        assert entry["event"] == "response.completed"
        assert findings(entry) == ["aws-access-key/redact/1", "email-address/warn/1"]
        assert "[EMAIL_ADDRESS_1]" in entry["response"]
    assert_keeps_no_secret(proxy, (EMAIL, KEY))


def test_values_from_the_prompt_are_restored_not_flagged(start_proxy, llmock):
    proxy = start_proxy()
    client = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="k", max_retries=0)
    prompt = "Write to maria.gonzalez@example.org about the permit."
    raw = client.chat.completions.with_raw_response.create(  # llmock echoes the prompt as it received it
        model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
    assert "maria.gonzalez@example.org" in raw.parse().choices[0].message.content
    assert not raw.headers.get_list("x-promptgate-warning")
    proxy.stop()
    assert [findings(e) for e in response_entries(proxy)] == [[]]
