"""Bad input at the proxy's door: each a clear 4xx in the provider's shape, nothing forwarded, the proxy still up."""
import json
import urllib.error
import urllib.request


def post(proxy, path, body: bytes, content_type="application/json"):
    request = urllib.request.Request(proxy.base_url + path, data=body, method="POST",
                                     headers={"Content-Type": content_type, "Authorization": "Bearer k"})
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_bad_bodies_are_refused_in_shape_and_nothing_leaves(start_proxy, llmock):
    proxy = start_proxy()
    llmock.reset()
    cases = [
        ("/v1/chat/completions", b"{not json", "application/json", 400),
        ("/v1/chat/completions", b'{"model":"m","messages":[{"role":"user","content":"\xff\xfe"}]}', "application/json", 400),
        ("/v1/chat/completions", b'{"model":"m","messages":"hello"}', "application/json", 400),
        ("/v1/chat/completions", b'{"model":"m","messages":[]}', "text/plain", 415),
        ("/v1/chat/completions", b"x" * (50 << 20), "application/json", 413),
        ("/v1/embeddings", b'{"model":"m"}', "application/json", 400),
        ("/v1/responses", b'{"model":"m","input":5}', "application/json", 400),
    ]
    for path, body, content_type, status in cases:
        got, answer = post(proxy, path, body, content_type)
        assert got == status, (path, body[:40], got, answer)
        assert "error" in answer and answer["error"]["message"], answer
    assert llmock.requests() == []
    # Still serving.
    got, _ = post(proxy, "/v1/chat/completions", b'{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}')
    assert got == 200
