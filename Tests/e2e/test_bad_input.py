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


def test_slow_loris_clients_are_cut_off_and_others_still_served(start_proxy, llmock):
    """Clients that dribble their headers or body (slow loris) are disconnected or get 408 once the client
    timeout passes; meanwhile, with 60 of them holding connections, an ordinary request is answered at once."""
    import socket
    import threading
    import time

    proxy = start_proxy(extra=["--client-timeout", "2"])
    llmock.reset()
    host, port = proxy.base_url.removeprefix("http://").split(":")
    body = b'{"model":"gpt-4o-mini","messages":[{"role":"user","content":"' + b"a" * 200 + b'"}]}'
    head = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body))
    outcomes = {}

    def loris(name, prefix, drip):
        """Sends `prefix` at once, then `drip` a byte every 0.25 s; records what the proxy did and when."""
        s = socket.create_connection((host, int(port)))
        s.settimeout(0.25)
        started = time.time()
        s.sendall(prefix)
        received = b""
        for byte in drip:
            try:
                s.sendall(bytes([byte]))
            except OSError:
                break  # the proxy closed the connection
            try:
                chunk = s.recv(65536)
                if not chunk:
                    break
                received += chunk
                if b"\r\n\r\n" in received:
                    break
            except socket.timeout:
                pass
            except ConnectionResetError:
                received += b"<reset>"
                break
            if time.time() - started > 15:
                break
        outcomes[name] = (time.time() - started, received)
        s.close()

    threads = []
    for i in range(30):
        # Headers dribbled: the head never completes.
        threads.append(threading.Thread(target=loris, args=(f"head{i}", b"POST /v1/chat/completions HTTP/1.1\r\n", b"X-Slow: " + b"a" * 200)))
        # Body dribbled: a complete head, then the body a byte at a time.
        threads.append(threading.Thread(target=loris, args=(f"body{i}", head, body)))
    for t in threads:
        t.start()
    time.sleep(0.5)
    t0 = time.time()
    got, answer = post(proxy, "/v1/chat/completions", b'{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}')
    assert got == 200 and time.time() - t0 < 5, "an ordinary request waited behind the slow clients"
    for t in threads:
        t.join()

    assert len(outcomes) == len(threads)
    for name, (elapsed, received) in outcomes.items():
        assert elapsed < 10, f"{name} held its connection for {elapsed:.1f} s"
        if name.startswith("body"):
            assert received.startswith(b"HTTP/1.1 408"), (name, received[:80])
            assert b"request_timeout" in received or b"408" in received
    # Only the ordinary request reached the upstream; the proxy is still up.
    assert len(llmock.requests()) == 1
    got, _ = post(proxy, "/v1/chat/completions", b'{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}')
    assert got == 200
