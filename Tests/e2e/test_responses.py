"""OpenAI Responses (`POST /v1/responses`) with the real openai SDK: `instructions` and every `input` item screened,
placeholders restored in the answer and — when streamed — in the deltas and in every copy the API repeats
(`output_text.done`, `content_part.done`, `output_item.done`, `response.completed`)."""
import json

from test_openai_chat import PLACEHOLDERS, PROMPT, RAW, assert_log_clean, client


def assert_upstream_clean(llmock):
    for request in llmock.requests():
        body = json.dumps(request["body"])
        for value in RAW:
            assert value not in body, f"{value} reached the upstream"


def read_stream(stream):
    """A Responses stream's text from its deltas, each copy the stream repeats (output_text.done,
    content_part.done, output_item.done), and the final response."""
    deltas, copies, completed = [], [], None
    for event in stream:
        if event.type == "response.output_text.delta":
            deltas.append(event.delta)
        elif event.type == "response.output_text.done":
            copies.append(event.text)
        elif event.type == "response.content_part.done":
            copies.append(event.part.text)
        elif event.type == "response.output_item.done":
            copies.append(event.item.content[0].text)
        elif event.type == "response.completed":
            completed = event.response
    return "".join(deltas), copies, completed


def test_non_streaming(start_proxy, llmock):
    proxy = start_proxy()
    llmock.reset()
    response = client(proxy).responses.create(
        model="gpt-4o-mini", instructions="Case worker notes for SSN 212-56-7890.",
        input=[
            {"role": "user", "content": [{"type": "input_text", "text": PROMPT}]},
            {"type": "function_call_output", "call_id": "call_1", "output": "found maria.gonzalez@example.org"},
        ])
    for value in RAW:
        assert value in response.output_text, "the original value was not restored in the answer"
    assert response.instructions == "Case worker notes for SSN 212-56-7890."
    assert_upstream_clean(llmock)
    body = json.dumps(llmock.requests()[0]["body"])
    for placeholder in PLACEHOLDERS:
        assert placeholder in body
    proxy.stop()
    log = assert_log_clean(proxy)
    assert '"event":"response.completed"' in log


def test_streaming_restores_deltas_and_every_repeated_copy(start_proxy, llmock):
    proxy = start_proxy()
    llmock.reset()
    text, copies, completed = read_stream(client(proxy).responses.create(model="gpt-4o-mini", input=PROMPT, stream=True))
    assert completed is not None and len(copies) == 3
    for value in RAW:
        assert value in text
        assert value in completed.output_text
        for copy in copies:
            assert value in copy
    assert copies[0] == text, "the streamed deltas and the repeated text differ"
    assert_upstream_clean(llmock)
    proxy.stop()
    assert '"event":"response.completed"' in assert_log_clean(proxy)
