"""Per-user proxy keys: unknown keys get 401 in OpenAI's shape; known ones put user and department in the log."""
import json
import subprocess

import openai
import pytest

from audit_entries import audit_text


def test_users_keys_through_the_proxy(start_proxy, llmock, promptgate_bin, tmp_path):
    users = str(tmp_path / "users.yaml")
    added = subprocess.run([promptgate_bin, "users", "add", "--users", users, "--id", "jdoe", "--department", "parks"],
                           capture_output=True, text=True, check=True)
    key = added.stdout.strip()
    assert key.startswith("pgk_") and key not in open(users).read()

    proxy = start_proxy(extra=["--users", users])
    stranger = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="sk-not-a-proxy-key", max_retries=2)
    with pytest.raises(openai.AuthenticationError) as error:
        stranger.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    assert error.value.body["code"] == "invalid_api_key"
    assert llmock.requests() == []

    employee = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key=key, max_retries=0)
    employee.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hello"}])
    assert len(llmock.requests()) == 1
    proxy.stop()
    log = open(proxy.log_path).read()
    opened = audit_text(proxy.data)
    assert key not in opened and "sk-not-a-proxy-key" not in opened
    screened = [json.loads(l) for l in log.splitlines() if '"request.screened"' in l]
    assert screened[0]["actor"] == "jdoe" and screened[0]["dept"] == "parks"
