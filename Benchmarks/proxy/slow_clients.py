#!/usr/bin/env python3
"""Opens N streaming chat requests through a proxy and reads each answer slowly, while sampling the proxy's
resident memory (VmRSS) once a second. Prints JSON: the RSS samples in MB, their peak, and the bytes read.

    slow_clients.py --url http://127.0.0.1:18102/v1 --pid PID [--clients 64] [--seconds 20] [--prompt-kb 64]
                    [--upstream-stats http://127.0.0.1:18104/stats] [--repeat]

With --upstream-stats (Benchmarks/proxy/long_upstream.py, whose answers are megabytes long) it also prints how many
bytes the upstream managed to send while the clients read theirs.

A slow client must not make the proxy buffer the answer: with back-pressure the proxy stops reading the upstream
when the client stops reading, so memory stays flat however large the answers are.
"""
import argparse
import json
import socket
import threading
import time


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--prompt-kb", type=int, default=64)
    parser.add_argument("--upstream-stats")
    parser.add_argument("--repeat", action="store_true",
                        help="a client whose answer ended asks again (a soak: the streams turn over for --seconds)")
    args = parser.parse_args()
    host, port_path = args.url.split("://", 1)[1].split(":", 1)
    port, base = port_path.split("/", 1)
    prompt = ("The permit office reviewed the case file and scheduled an inspection. " * 2000)[: args.prompt_kb * 1024]
    body = json.dumps({"model": "gpt-4o-mini", "stream": True,
                       "messages": [{"role": "user", "content": prompt}]}).encode()
    request = (f"POST /{base}/chat/completions HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
               f"Authorization: Bearer sk-bench\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    read = [0] * args.clients
    stop = time.time() + args.seconds

    answers = [0] * args.clients

    def client(i):
        while time.time() < stop:
            with socket.create_connection((host, int(port))) as s:
                s.sendall(request)
                s.settimeout(args.seconds + 30)
                while time.time() < stop:
                    chunk = s.recv(256)  # a slow reader: 256 bytes every 50 ms
                    if not chunk:
                        answers[i] += 1
                        break
                    read[i] += len(chunk)
                    time.sleep(0.05)
            if not args.repeat:
                break

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients)]
    before = rss_mb(args.pid)
    for t in threads:
        t.start()
    samples = []
    while time.time() < stop:
        samples.append(round(rss_mb(args.pid), 1))
        time.sleep(1)
    result = {"clients": args.clients, "rss_before_mb": round(before, 1), "rss_samples_mb": samples,
              "rss_peak_mb": max(samples), "bytes_read": sum(read), "answers_read_to_end": sum(answers)}
    if args.upstream_stats:
        import urllib.request
        with urllib.request.urlopen(args.upstream_stats) as r:
            result["upstream_bytes_sent"] = json.loads(r.read())["bytes_sent"]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
