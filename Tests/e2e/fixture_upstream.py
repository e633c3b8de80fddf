"""The project's own fake upstream for what llmock does not cover: Ollama's NDJSON chat, and the request headers
each upstream received (llmock records bodies only) — so tests can check that the employee's proxy key was swapped
for the city's key. It echoes the last user message, word by word when streaming."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FixtureUpstream:
    def __init__(self, tls_context=None):
        self.requests = []
        self.lock = threading.Lock()
        fixture = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                # Over TLS with client certificates required: who the client said it was.
                peer = self.connection.getpeercert() if hasattr(self.connection, "getpeercert") else None
                client_cn = next((v for rdn in (peer or {}).get("subject", ()) for k, v in rdn if k == "commonName"), None)
                with fixture.lock:
                    fixture.requests.append(
                        {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body,
                         "client_cn": client_cn})
                last = next((m.get("content", "") for m in reversed(body.get("messages", []))
                             if m.get("role") == "user"), "")
                answer = "You said: " + (last if isinstance(last, str) else json.dumps(last))
                if self.path == "/api/chat":
                    self.ollama(body, answer)
                elif self.path.endswith("/chat/completions"):
                    self.json({"id": "c1", "object": "chat.completion", "created": 1, "model": body.get("model"),
                               "choices": [{"index": 0, "message": {"role": "assistant", "content": answer},
                                            "finish_reason": "stop"}]})
                elif self.path.endswith("/messages"):
                    self.json({"id": "m1", "type": "message", "role": "assistant", "model": body.get("model"),
                               "content": [{"type": "text", "text": answer}], "stop_reason": "end_turn",
                               "usage": {"input_tokens": 1, "output_tokens": 1}})
                else:
                    self.send_response(404)
                    self.send_header("content-length", "0")
                    self.end_headers()

            def json(self, obj):
                data = json.dumps(obj).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def ollama(self, body, answer):
                base = {"model": body.get("model"), "created_at": "2026-11-29T00:00:00Z"}
                if not body.get("stream", True):
                    self.json({**base, "message": {"role": "assistant", "content": answer}, "done": True,
                               "done_reason": "stop", "prompt_eval_count": 3, "eval_count": 5})
                    return
                self.send_response(200)
                self.send_header("content-type", "application/x-ndjson")
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                # Split mid-placeholder on purpose: pieces of 5 characters.
                pieces = [answer[i:i + 5] for i in range(0, len(answer), 5)]
                lines = [{**base, "message": {"role": "assistant", "content": p}, "done": False} for p in pieces]
                lines.append({**base, "message": {"role": "assistant", "content": ""}, "done": True,
                              "done_reason": "stop", "prompt_eval_count": 3, "eval_count": len(pieces)})
                for line in lines:
                    data = (json.dumps(line) + "\n").encode()
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                    self.wfile.flush()
                    time.sleep(0.002)
                self.wfile.write(b"0\r\n\r\n")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{port}"
        if tls_context is not None:  # HTTPS with a certificate from a private CA, like a city's internal gateway
            self.server.socket = tls_context.wrap_socket(self.server.socket, server_side=True)
            self.url = f"https://localhost:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reset(self):
        with self.lock:
            self.requests.clear()

    def stop(self):
        self.server.shutdown()
