"""The whole path with the real openai SDK: screen, redact, forward through libcurl to llmock, restore, log, verify."""
import json
import re
import subprocess
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import openai
import pytest

from audit_entries import audit_text

PROMPT = "Please write to maria.gonzalez@example.org or call (617) 555-0134 about SSN 212-56-7890."
RAW = ["maria.gonzalez@example.org", "(617) 555-0134", "212-56-7890"]
PLACEHOLDERS = ["[EMAIL_ADDRESS_1]", "[PHONE_NUMBER_1]", "[US_SSN_1]"]


def client(proxy) -> openai.OpenAI:
    # The employee's key: the proxy must never forward or log it.
    return openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="employee-personal-key", max_retries=0)


def assert_upstream_saw_only_placeholders(llmock, expected_requests):
    requests = llmock.requests()
    assert len(requests) == expected_requests
    for request in requests:
        body = json.dumps(request["body"])
        for value in RAW:
            assert value not in body, f"{value} reached the upstream"
        for placeholder in PLACEHOLDERS:
            assert placeholder in body


def assert_log_clean(proxy):
    """Neither the audit log nor the proxy's own log (stderr, swift-log) holds a prompt's values or a key."""
    operational = proxy.stop()  # the answer's entry is written after the answer: read the log once it is closed
    log = audit_text(proxy.data)  # the stored lines and their sealed texts opened
    for secret in RAW + ["employee-personal-key", "city-upstream-key", "city-anthropic-key"]:
        assert secret not in log, f"{secret} is in the audit log"
        assert secret not in operational, f"{secret} is in the proxy's log"
    return log


def test_non_streaming(start_proxy, llmock):
    proxy = start_proxy()
    answer = client(proxy).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": PROMPT}])
    text = answer.choices[0].message.content
    for value in RAW:
        assert value in text, "the original value was not restored in the answer"
    assert_upstream_saw_only_placeholders(llmock, 1)
    proxy.stop()
    log = assert_log_clean(proxy)
    assert '"event":"request.screened"' in log and '"decision":"redacted"' in log


def test_streaming_with_array_content(start_proxy, llmock):
    proxy = start_proxy()
    stream = client(proxy).chat.completions.create(
        model="gpt-4o-mini", stream=True,
        messages=[{"role": "user", "content": [{"type": "text", "text": PROMPT}]}])
    pieces = [chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices]
    text = "".join(pieces)
    for value in RAW:
        assert value in text
    assert len(pieces) > 3, "the answer should arrive in several chunks, not one buffered block"
    assert_upstream_saw_only_placeholders(llmock, 1)
    proxy.stop()
    log = assert_log_clean(proxy)
    assert '"event":"response.completed"' in log


def first_failing_line(output: str):
    m = re.search(r"first failing line (\d+)", output)
    return int(m.group(1)) if m else None


def test_log_verifies_with_both_tools_and_tampering_is_caught_at_the_same_line(
        start_proxy, llmock, promptgate_bin, tlogverify_bin, tmp_path):
    proxy = start_proxy()
    c = client(proxy)
    for i in range(3):
        c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": f"{i}: {PROMPT}"}])
    stream = c.chat.completions.create(model="gpt-4o-mini", stream=True, messages=[{"role": "user", "content": PROMPT}])
    for _ in stream:
        pass
    proxy.stop()
    assert_log_clean(proxy)
    data = proxy.data
    theirs = subprocess.run([tlogverify_bin, "verify", "-log", f"{data}/audit.log", "-checkpoint",
                             f"{data}/checkpoint", "-key", f"@{data}/log.vkey"], capture_output=True, text=True)
    ours = subprocess.run([promptgate_bin, "verify", "--data", data], capture_output=True, text=True)
    assert theirs.returncode == 0, theirs.stdout + theirs.stderr
    assert ours.returncode == 0, ours.stdout + ours.stderr
    assert "chain ok" in ours.stdout

    lines = open(f"{data}/audit.log", "rb").read().split(b"\n")
    target = 4  # 1-based line to change: a request entry
    line = bytearray(lines[target - 1])
    line[line.index(b'"seq":') + 6] ^= 0x01  # one byte, still valid JSON
    lines[target - 1] = bytes(line)
    tampered = tmp_path / "tampered.log"
    tampered.write_bytes(b"\n".join(lines))
    theirs = subprocess.run([tlogverify_bin, "verify", "-log", str(tampered), "-checkpoint", f"{data}/checkpoint",
                             "-key", f"@{data}/log.vkey"], capture_output=True, text=True)
    ours = subprocess.run([promptgate_bin, "verify", "--data", data, "--log", str(tampered)],
                          capture_output=True, text=True)
    assert theirs.returncode == 1 and ours.returncode == 1
    assert first_failing_line(theirs.stdout) == first_failing_line(ours.stdout) == target + 1, (theirs.stdout, ours.stdout)


def post(url, body: bytes, content_type="application/json"):
    request = urllib.request.Request(url, data=body, method="POST", headers={"content-type": content_type})
    try:
        with urllib.request.urlopen(request) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


@pytest.mark.parametrize("body", [b"{not json", b'{"model":"m"}', b'{"messages":"x"}', b"\xff\xfe{}",
                                  b'{"model":"m","messages":[{"role":"user","content":"\xc3\x28"}]}'])
def test_bad_input_is_4xx_and_never_forwarded(start_proxy, llmock, body):
    proxy = start_proxy()
    status, headers, payload = post(proxy.base_url + "/v1/chat/completions", body)
    assert status == 400
    assert headers.get("x-should-retry") == "false"
    assert "error" in json.loads(payload)
    assert llmock.requests() == []


def test_oversized_body_is_413(start_proxy, llmock):
    proxy = start_proxy(extra=["--max-request-bytes", "1000"])
    status, _, payload = post(proxy.base_url + "/v1/chat/completions",
                              json.dumps({"model": "m", "messages": [{"role": "user", "content": "x" * 5000}]}).encode())
    assert status == 413
    assert json.loads(payload)["error"]["code"] == "request_too_large"
    assert llmock.requests() == []


def test_full_disk_fails_closed(start_proxy, llmock, promptgate_bin):
    """With the log's file size capped (EFBIG, like a full disk), a prompt whose entry cannot be written never
    leaves, the employee gets a clear error (503, Retry-After: the store is unavailable), and the log stays
    verifiable."""
    proxy = start_proxy(prefix=["prlimit", "--fsize=6000", "--"])
    c = client(proxy)
    sent, refused = 0, None
    for i in range(20):
        try:
            c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": f"{i} {PROMPT}"}])
            sent += 1
        except openai.InternalServerError as error:
            refused = error
            break
    assert refused is not None, "the size limit was never reached"
    assert refused.body["code"] == "promptgate_audit_unavailable"
    # The store is unavailable, not the request wrong: 503, try again later (nothing was sent).
    assert refused.status_code == 503 and refused.response.headers["retry-after"] == "2"
    assert len(llmock.requests()) == sent, "a prompt left without its audit entry"
    proxy.stop()
    check = subprocess.run([promptgate_bin, "verify", "--data", proxy.data], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


def test_full_disk_with_concurrent_requests(start_proxy, llmock, promptgate_bin):
    """Eight employees at once when the disk fills: appends share fsyncs (group commit) and a failed batch fails every
    entry chained onto it. Whatever the interleaving, exactly the prompts that were answered reached the upstream,
    each with its entry in the log, none of the refused ones left, and the log verifies."""
    proxy = start_proxy(prefix=["prlimit", "--fsize=30000", "--"])
    c = client(proxy)

    def employee(worker):
        answered, refused = [], []
        for i in range(40):
            tag = f"w{worker}r{i}"
            try:
                c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": f"{tag} {PROMPT}"}])
                answered.append(tag)
            except openai.InternalServerError as error:
                assert error.body["code"] == "promptgate_audit_unavailable"
                refused.append(tag)
                break
        return answered, refused

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(employee, range(8)))
    answered = [tag for done, _ in results for tag in done]
    refused = [tag for _, failed in results for tag in failed]
    assert refused, "the size limit was never reached"
    assert len(answered) >= 8, f"too few appends before the limit to exercise group commit: {answered}"
    upstream = [json.dumps(r["body"]) for r in llmock.requests()]
    assert len(upstream) == len(answered), "a prompt left without its audit entry, or an answered one never left"
    for tag in answered:
        assert sum(f"{tag} " in body for body in upstream) == 1, f"{tag} was answered but did not reach the upstream once"
    for tag in refused:
        assert not any(f"{tag} " in body for body in upstream), f"{tag} was refused but reached the upstream"
    proxy.stop()
    log = audit_text(proxy.data)
    for tag in answered:
        assert f"{tag} " in log, f"{tag} was answered without a request entry"
    check = subprocess.run([promptgate_bin, "verify", "--data", proxy.data], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
