#!/usr/bin/env python3
"""An OpenAI-style upstream whose streamed answers are long (`--mb` per answer, 1 KB of text per chunk) and sent as
fast as the connection takes them, for measuring back-pressure: it counts the bytes it managed to send. Through a
proxy with back-pressure, a slow client makes the proxy stop reading, the upstream's socket fills and its sends
wait — so it sends little more than the client read. Without back-pressure the proxy would read (and hold) it all.

    long_upstream.py --port 18104 [--mb 32]        GET /stats -> {"answers": N, "bytes_sent": B}
"""
import argparse
import asyncio
import json

sent = {"answers": 0, "bytes_sent": 0}


async def handle(reader, writer, megabytes):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            length = next((int(l.split(":", 1)[1]) for l in lines[1:] if l.lower().startswith("content-length:")), 0)
            body = await reader.readexactly(length) if length else b""
            if method == "GET" and path == "/stats":
                data = json.dumps(sent).encode()
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(data) + data)
                await writer.drain()
                continue
            request = json.loads(body or b"{}")
            sent["answers"] += 1
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
            word = "The inspection is scheduled for the morning and the permit office will call ahead. "
            text = (word * (1024 // len(word) + 1))[:1024]
            event = ("data: " + json.dumps({"id": "c1", "object": "chat.completion.chunk", "created": 1,
                                            "model": request.get("model", "m"),
                                            "choices": [{"index": 0, "delta": {"content": text}}]}) + "\n\n").encode()
            frame = b"%x\r\n" % len(event) + event + b"\r\n"
            for _ in range(megabytes * 1024):
                writer.write(frame)
                sent["bytes_sent"] += len(frame)
                await writer.drain()
            done = b"data: [DONE]\n\n"
            writer.write(b"%x\r\n" % len(done) + done + b"\r\n0\r\n\r\n")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mb", type=int, default=32)
    args = parser.parse_args()
    server = await asyncio.start_server(lambda r, w: handle(r, w, args.mb), "127.0.0.1", args.port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
