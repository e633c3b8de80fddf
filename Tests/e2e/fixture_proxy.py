"""A forward proxy of the project's own for the outbound-proxy tests: plain HTTP requests in absolute form are
relayed, HTTPS goes through CONNECT tunnels; it records what it relayed, so tests can tell whether PromptGate used
it (and, with NO_PROXY, that it did not)."""
import http.client
import select
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ForwardProxy:
    def __init__(self):
        self.seen = []
        fixture = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_CONNECT(self):
                fixture.seen.append(("CONNECT", self.path))
                host, port = self.path.rsplit(":", 1)
                upstream = socket.create_connection((host, int(port)), timeout=30)
                self.send_response(200, "Connection established")
                self.end_headers()
                sockets = [self.connection, upstream]
                open_ = True
                while open_:
                    readable, _, _ = select.select(sockets, [], [], 30)
                    if not readable:
                        break
                    for s in readable:
                        data = s.recv(65536)
                        if not data:
                            open_ = False
                            break
                        (upstream if s is self.connection else self.connection).sendall(data)
                upstream.close()
                self.close_connection = True

            def relay(self):
                fixture.seen.append((self.command, self.path))
                url = urllib.parse.urlsplit(self.path)
                length = int(self.headers.get("content-length", 0))
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("proxy-connection", "connection", "host", "content-length")}
                connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
                connection.request(self.command, url.path + ("?" + url.query if url.query else ""), body=body,
                                   headers=headers)
                response = connection.getresponse()
                data = response.read()
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                connection.close()

            do_GET = relay
            do_POST = relay

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
