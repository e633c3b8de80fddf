"""OpenAI embeddings through the proxy with the real openai SDK: input strings are screened and redacted before
they leave (the embedding is of the placeholder text), token arrays cannot be screened and are recorded as such."""
import json

import openai
import pytest

from test_openai_chat import PLACEHOLDERS, PROMPT, RAW, assert_log_clean, client


def test_strings_are_redacted_before_they_are_embedded(start_proxy, llmock):
    proxy = start_proxy()
    llmock.reset()
    result = client(proxy).embeddings.create(model="text-embedding-3-small", input=[PROMPT, "no personal data"])
    assert len(result.data) == 2 and len(result.data[0].embedding) > 0
    (request,) = llmock.requests()
    body = json.dumps(request["body"])
    for value in RAW:
        assert value not in body
    for placeholder in PLACEHOLDERS:
        assert placeholder in body
    proxy.stop()
    log = assert_log_clean(proxy)
    assert '"decision":"redacted"' in log and '"event":"response.completed"' in log


def test_token_arrays_are_blocked_by_default(start_proxy, llmock):
    proxy = start_proxy()
    llmock.reset()
    with pytest.raises(openai.PermissionDeniedError) as blocked:
        client(proxy).embeddings.create(model="text-embedding-3-small", input=[[9906, 1917]])
    assert "cannot be screened as text" in str(blocked.value)
    assert llmock.requests() == []


def test_token_arrays_are_recorded_as_unscreened_where_allowed(start_proxy, llmock):
    proxy = start_proxy(["--unscreened-parts", "allow"])
    llmock.reset()
    # A city that allows unscreenable parts lets them through and records them. (llmock itself only embeds strings:
    # its 422 comes back in its own shape, which also shows upstream errors pass through.)
    try:
        client(proxy).embeddings.create(model="text-embedding-3-small", input=[[9906, 1917]])
    except openai.UnprocessableEntityError as error:
        assert error.status_code == 422
    assert len(llmock.requests()) == 1
    proxy.stop()
    log = assert_log_clean(proxy)
    assert '"screened_all":false' in log and "input[0] (token array)" in log


def test_a_block_never_leaves(start_proxy, llmock):
    proxy = start_proxy()
    llmock.reset()
    try:
        client(proxy).embeddings.create(model="text-embedding-3-small", input="CONFIDENTIAL: budget draft")
        raise AssertionError("a confidential marking was embedded")
    except openai.PermissionDeniedError as error:
        assert error.status_code == 403
    assert llmock.requests() == []
