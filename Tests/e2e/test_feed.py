"""The security team's feed: each decision as it happens, to a JSON Lines file, to syslog (RFC 5424 over UDP, and
over TCP with octet counting) and as OpenTelemetry logs over OTLP/HTTP to a collector stand-in, with the fields the
team needs and none of the prompt's text, its values or any key."""
import gzip
import http.server
import json
import os
import re
import socket
import stat
import threading

import openai
import pytest
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2

from test_openai_chat import PROMPT, RAW, client

ALLOWED = "Summarise the opening hours of the public library"
BLOCKED = "CONFIDENTIAL memo: the budget for the harbour project"
# Words of the prompts that must not reach any channel (their values, and their plain text).
NEVER = RAW + ["maria", "opening hours", "CONFIDENTIAL memo", "harbour", "Please write",
               "employee-personal-key", "city-upstream-key", "city-anthropic-key"]


class UDPReceiver:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.raw = []
        self.stopped = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopped:
            try:
                self.raw.append(self.sock.recv(65535))
            except socket.timeout:
                continue

    def messages(self):
        self.stopped = True
        self.thread.join()
        self.sock.close()
        return [m.decode() for m in self.raw]


class TCPReceiver:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.raw = b""
        self.stopped = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopped:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            conn.settimeout(0.2)
            while not self.stopped:
                try:
                    data = conn.recv(65535)
                except socket.timeout:
                    continue
                if not data:
                    break
                self.raw += data
            conn.close()

    def messages(self):
        """Splits the stream by its octet-counting frames (RFC 6587): `LEN SP MSG`, LEN in bytes."""
        self.stopped = True
        self.thread.join()
        self.sock.close()
        messages, rest = [], self.raw
        while rest:
            length, _, rest = rest.partition(b" ")
            assert length.isdigit(), f"not an octet-counted frame: {rest[:40]!r}"
            messages.append(rest[:int(length)].decode())
            assert len(rest) >= int(length), "a frame was cut"
            rest = rest[int(length):]
        return messages


class Collector:
    """An OTLP/HTTP collector stand-in: keeps each POST /v1/logs body and answers an empty export response."""

    def __init__(self):
        bodies = self.bodies = []
        paths = self.paths = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"] or 0))
                if self.headers.get("content-encoding") == "gzip":
                    body = gzip.decompress(body)
                paths.append((self.path, self.headers.get("content-type")))
                bodies.append(body)
                answer = logs_service_pb2.ExportLogsServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def records(self):
        self.server.shutdown()
        records = []
        for body in self.bodies:
            request = logs_service_pb2.ExportLogsServiceRequest.FromString(body)
            for resource_logs in request.resource_logs:
                resource = {a.key: a.value.string_value for a in resource_logs.resource.attributes}
                for scope_logs in resource_logs.scope_logs:
                    for record in scope_logs.log_records:
                        attributes = {a.key: a.value.string_value for a in record.attributes}
                        records.append((resource, record, attributes))
        return records


SD = re.compile(r'([A-Za-z_]+)="((?:[^"\\\]]|\\.)*)"')


def parse_syslog(message):
    """An RFC 5424 message: PRI, version, timestamp, host, app-name, procid, msgid, the SD element's params, MSG."""
    m = re.match(r"<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) \[promptgate@32473 ((?:[^\]\\]|\\.)*)\] (.*)$", message, re.S)
    assert m, message
    params = {k: re.sub(r"\\(.)", r"\1", v) for k, v in SD.findall(m.group(7))}
    return {"pri": int(m.group(1)), "app": m.group(4), "msgid": m.group(6), "params": params, "msg": m.group(8)}


def send_prompts(proxy):
    """An allowed, a redacted and a blocked prompt; returns each one's request id by its expected decision."""
    c = client(proxy)
    ids = {}
    for decision, prompt in [("allowed", ALLOWED), ("redacted", PROMPT)]:
        raw = c.chat.completions.with_raw_response.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
        assert raw.headers["x-promptgate-decision"] == decision
        ids[decision] = raw.headers["x-promptgate-request-id"]
    with pytest.raises(openai.PermissionDeniedError) as blocked:
        c.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": BLOCKED}])
    ids["blocked"] = blocked.value.response.headers["x-promptgate-request-id"]
    return ids


def assert_fields(fields, ids, decision):
    """One channel's view of one event (flat string fields, as syslog and OTLP carry them)."""
    assert fields["request_id"] == ids[decision]
    assert fields["decision"] == decision
    assert fields["endpoint"] == "/v1/chat/completions" and fields["model"] == "gpt-4o-mini"
    assert fields["actor"] == "anonymous" and re.fullmatch(r"\d+", fields["seq"])
    if decision == "redacted":
        rules = dict(rule.split(":") for rule in fields["rule_ids"].split(","))
        assert rules == {"email-address": "1", "phone-nanp": "1", "us-ssn": "1"}, fields
        assert set(fields["entity_types"].split(",")) == {"EMAIL_ADDRESS", "PHONE_NUMBER", "US_SSN"}
    elif decision == "blocked":
        assert "confidential-marking:1" in fields["rule_ids"].split(",") and fields["status"] == "403"
    else:
        assert "rule_ids" not in fields and "status" not in fields


def assert_nothing_said(where, text):
    for secret in NEVER:
        assert secret not in text, f"the feed's {where} holds {secret!r}"


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_each_decision_reaches_every_channel_without_text(start_proxy, tmp_path, transport):
    receiver = UDPReceiver() if transport == "udp" else TCPReceiver()
    collector = Collector()
    jsonl = tmp_path / "feed" / "decisions.jsonl"
    jsonl.parent.mkdir()
    proxy = start_proxy(extra=[
        "--feed-jsonl", str(jsonl), "--feed-syslog", f"{transport}://127.0.0.1:{receiver.port}",
        "--feed-syslog-facility", "local4", "--feed-otlp", collector.url])
    ids = send_prompts(proxy)
    logged = proxy.stop()  # the feed delivers what it holds before the proxy exits
    assert "decision feed: JSON Lines to" in logged and f"syslog to {transport}://127.0.0.1" in logged
    assert_nothing_said("stderr", logged)

    # JSON Lines: one object a line, one line a request, the file private.
    assert stat.S_IMODE(os.stat(jsonl).st_mode) == 0o600
    text = jsonl.read_text()
    assert_nothing_said("JSON Lines file", text)
    events = [json.loads(line) for line in text.splitlines()]
    assert sorted(e["request_id"] for e in events) == sorted(ids.values())
    for event in events:
        decision = next(d for d, i in ids.items() if i == event["request_id"])
        assert event["decision"] == decision and event["endpoint"] == "/v1/chat/completions"
        assert isinstance(event["seq"], int) and isinstance(event["latency_ms"], int)
        if decision == "redacted":
            assert sorted((r["rule"], r["type"], r["count"]) for r in event["rules"]) == [
                ("email-address", "EMAIL_ADDRESS", 1), ("phone-nanp", "PHONE_NUMBER", 1), ("us-ssn", "US_SSN", 1)]
        elif decision == "blocked":
            assert event["status"] == 403 and any(r["rule"] == "confidential-marking" for r in event["rules"])
        else:
            assert event["rules"] == [] and "status" not in event

    # Syslog: one RFC 5424 message a request, msgid the decision, severity by decision, facility local4 (20).
    messages = receiver.messages()
    assert_nothing_said("syslog messages", "\n".join(messages))
    assert len(messages) == 3, messages
    severities = {"allowed": 6, "redacted": 5, "blocked": 4}
    for message in messages:
        parsed = parse_syslog(message)
        decision = parsed["msgid"]
        assert parsed["app"] == "promptgate" and parsed["pri"] == 20 * 8 + severities[decision]
        assert_fields(parsed["params"], ids, decision)

    # OTLP: one log record a request, attributes the event's fields, service.name promptgate.
    records = collector.records()
    assert collector.paths and all(p == ("/v1/logs", "application/x-protobuf") for p in collector.paths)
    assert_nothing_said("OTLP bodies", b"".join(collector.bodies).decode("latin-1"))
    assert len(records) == 3, records
    for resource, record, attributes in records:
        assert resource["service.name"] == "promptgate"
        decision = attributes["decision"]
        assert record.body.string_value == f"promptgate decision {decision}"
        assert record.severity_text.upper().startswith("WARN" if decision == "blocked" else "INFO")
        assert_fields(attributes, ids, decision)


def test_the_feed_to_stdout_and_a_receiver_that_is_gone(start_proxy):
    # A syslog receiver nobody listens on: the prompts are not held up, the failures are counted.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    proxy = start_proxy(extra=["--feed-jsonl", "-", "--feed-syslog", f"tcp://127.0.0.1:{port}"])
    ids = send_prompts(proxy)
    import urllib.request
    with urllib.request.urlopen(proxy.base_url + "/metrics") as r:
        metrics = r.read().decode()
    proxy.stop()
    assert re.search(r'^promptgate_feed_failed_total\{sink="syslog"\} 3(\.0)?$', metrics, re.M), metrics
    lines = [json.loads(line) for line in proxy.proc.stdout.read().splitlines() if line.startswith("{")]
    assert sorted(e["request_id"] for e in lines) == sorted(ids.values())
    assert_nothing_said("stdout", json.dumps(lines))
