"""A corporate CA: the upstream's certificate is signed by the city's own root, which the system does not trust.
With `--ca-bundle` the proxy trusts it (libcurl ignores CURL_CA_BUNDLE, so it must be configured); without it the
request fails closed with a 502 in shape — and the prompt is recorded, never sent in clear."""
import os
import ssl
import subprocess
import tempfile

import openai
import pytest

from fixture_upstream import FixtureUpstream
from test_openai_chat import PROMPT, RAW


def make_ca(folder):
    """A root CA and a server certificate for localhost signed by it, with openssl."""
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=folder)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=City of Example internal root")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
    with open(os.path.join(folder, "san.ext"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "2", "-extfile", "san.ext")
    return os.path.join(folder, "ca.pem"), os.path.join(folder, "server.pem"), os.path.join(folder, "server.key")


def make_client_certificate(folder, name="promptgate-city-proxy"):
    """A client certificate for `name` signed by the CA `make_ca` made in `folder`."""
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=folder)
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", f"/CN={name}")
    with open(os.path.join(folder, "client.ext"), "w") as f:
        f.write("extendedKeyUsage=clientAuth\n")
    run("x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "client.pem", "-days", "2", "-extfile", "client.ext")
    return os.path.join(folder, "client.pem"), os.path.join(folder, "client.key")


@pytest.fixture(scope="module")
def tls_upstream():
    folder = tempfile.mkdtemp(prefix="promptgate-ca-")
    ca, cert, key = make_ca(folder)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    upstream = FixtureUpstream(tls_context=context)
    upstream.ca = ca
    yield upstream
    upstream.stop()


def ask(proxy):
    client = openai.OpenAI(base_url=proxy.base_url + "/v1", api_key="employee-personal-key", max_retries=0)
    return client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": PROMPT}])


def test_the_configured_corporate_ca_is_trusted(start_proxy, tls_upstream):
    tls_upstream.reset()
    proxy = start_proxy(["--ca-bundle", tls_upstream.ca], upstream=tls_upstream)
    answer = ask(proxy)
    for value in RAW:
        assert value in answer.choices[0].message.content
    assert len(tls_upstream.requests) == 1


def test_without_it_the_upstream_is_refused_and_nothing_leaves(start_proxy, tls_upstream):
    tls_upstream.reset()
    proxy = start_proxy(upstream=tls_upstream)
    with pytest.raises(openai.APIStatusError) as raised:
        ask(proxy)
    assert raised.value.status_code == 502
    assert raised.value.response.headers["x-should-retry"] == "false"
    assert tls_upstream.requests == []
