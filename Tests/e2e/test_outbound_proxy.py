"""Outbound proxies and client certificates, as a city network has them: PromptGate reaches the upstream through
the configured forward proxy (plain HTTP in absolute form, HTTPS through a CONNECT tunnel with the corporate CA),
skips it for NO_PROXY hosts, and presents a client certificate when the upstream requires one. The forward proxy is
our own fixture that records what it relayed."""
import os
import ssl
import tempfile

import openai
import pytest

from fixture_proxy import ForwardProxy
from fixture_upstream import FixtureUpstream
from test_corporate_ca import make_ca, make_client_certificate
from test_openai_chat import PROMPT, RAW


@pytest.fixture
def forward_proxy():
    proxy = ForwardProxy()
    yield proxy
    proxy.stop()


def ask(proxy):
    client = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="employee-personal-key", max_retries=0)
    return client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": PROMPT}])


def assert_restored(answer):
    for value in RAW:
        assert value in answer.choices[0].message.content


def test_plain_http_goes_through_the_configured_proxy(start_proxy, llmock, forward_proxy):
    llmock.reset()
    proxy = start_proxy(["--proxy", forward_proxy.url])
    assert_restored(ask(proxy))
    assert forward_proxy.seen == [("POST", llmock.url + "/v1/chat/completions")]
    assert len(llmock.requests()) == 1


def test_no_proxy_hosts_are_reached_directly(start_proxy, llmock, forward_proxy, monkeypatch):
    monkeypatch.setenv("PROMPTGATE_PROXY", forward_proxy.url)
    monkeypatch.setenv("PROMPTGATE_NO_PROXY", "127.0.0.1,localhost")
    llmock.reset()
    proxy = start_proxy()
    assert_restored(ask(proxy))
    assert forward_proxy.seen == []
    assert len(llmock.requests()) == 1


def test_https_through_a_connect_tunnel_trusting_the_corporate_ca(start_proxy, forward_proxy):
    folder = tempfile.mkdtemp(prefix="promptgate-ca-")
    ca, cert, key = make_ca(folder)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    upstream = FixtureUpstream(tls_context=context)
    try:
        proxy = start_proxy(["--proxy", forward_proxy.url, "--ca-bundle", ca], upstream=upstream)
        assert_restored(ask(proxy))
        port = upstream.url.rsplit(":", 1)[1]
        assert forward_proxy.seen == [("CONNECT", f"localhost:{port}")]
        assert len(upstream.requests) == 1
    finally:
        upstream.stop()


def test_a_client_certificate_from_the_configuration_is_presented(start_proxy, monkeypatch):
    folder = tempfile.mkdtemp(prefix="promptgate-mtls-")
    ca, cert, key = make_ca(folder)
    client_cert, client_key = make_client_certificate(folder)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(ca)
    upstream = FixtureUpstream(tls_context=context)
    try:
        # Without the certificate the upstream refuses the handshake: a 502 in shape, nothing delivered.
        proxy = start_proxy(["--ca-bundle", ca], upstream=upstream)
        with pytest.raises(openai.APIStatusError) as refused:
            ask(proxy)
        assert refused.value.status_code == 502
        assert upstream.requests == []
        proxy.stop()
        # With it (from the environment, as the configuration file would give it), the upstream knows the proxy.
        monkeypatch.setenv("PROMPTGATE_CLIENT_CERTIFICATE", client_cert)
        monkeypatch.setenv("PROMPTGATE_CLIENT_KEY", client_key)
        proxy = start_proxy(["--ca-bundle", ca], upstream=upstream)
        assert_restored(ask(proxy))
        assert [r["client_cn"] for r in upstream.requests] == ["promptgate-city-proxy"]
    finally:
        upstream.stop()
