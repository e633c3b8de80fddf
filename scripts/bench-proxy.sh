#!/usr/bin/env bash
# What the proxy costs: latency p50/p99 and requests/s at concurrency 1, 16 and 64, and time to first streamed
# byte — directly to the upstream (llmock), through PromptGate (release build, default packs, audit log on,
# fsynced), and through the LiteLLM proxy (PyPI litellm[proxy]) on the same upstream, in the same run. Then
# PromptGate's memory with 64 slow streaming clients, on short answers (llmock) and on 32 MB answers sent as fast
# as the proxy reads (Benchmarks/proxy/long_upstream.py, which counts what it managed to send). Prints JSON lines;
# BENCHMARKS.md has them as tables. With nginx installed, a bare nginx reverse proxy joins the PromptGate rotation
# as the cost of the extra hop alone. SOAK_SECONDS=600 adds a memory soak: 64 slow streaming clients that ask again
# whenever an answer ends, RSS sampled each second. Needs PyPI the first time. Ports 18101-18106 on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
[ -x .venv-bench/bin/python ] || python3 -m venv .venv-bench
.venv-bench/bin/pip install -q -r Benchmarks/proxy/requirements.txt
swift build -c release --static-swift-stdlib --product promptgate
swift build -c release --static-swift-stdlib --product promptgate-bench
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
wait_port() { for _ in $(seq 1 1200); do (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 did not open; logs in $work" >&2; cat "$work"/*.log >&2; exit 1; }

.venv-bench/bin/llmock serve --host 127.0.0.1 --port 18101 --response-style echo --stream-chunk-delay-ms 0 \
  --log-level warning > "$work/llmock.log" 2>&1 &
pids+=($!)
.build/release/promptgate serve --listen 127.0.0.1:18102 --data "$work/data" --upstream http://127.0.0.1:18101/v1 \
  > "$work/promptgate.log" 2>&1 &
promptgate_pid=$!
pids+=($promptgate_pid)
cat > "$work/litellm.yaml" <<YAML
model_list:
  - model_name: gpt-4o-mini
    litellm_params: {model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:18101/v1", api_key: sk-upstream}
YAML
key="sk-bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
LITELLM_MASTER_KEY="$key" LITELLM_LOCAL_MODEL_COST_MAP=True .venv-bench/bin/litellm --config "$work/litellm.yaml" --host 127.0.0.1 --port 18103 \
  > "$work/litellm.log" 2>&1 &
pids+=($!)
# A C reverse proxy with nothing to do (no screening, no log), if nginx is installed: what the extra hop alone costs.
reference=()
if command -v nginx > /dev/null; then
  mkdir -p "$work/nginx"
  cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  upstream llm { server 127.0.0.1:18101; keepalive 32; }
  server {
    listen 127.0.0.1:18106;
    location / { proxy_pass http://llm; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
}
NGINX
  nginx -c "$work/nginx/nginx.conf" > "$work/nginx.log" 2>&1 &
  pids+=($!)
  reference=(--target nginx=http://127.0.0.1:18106/v1)
fi
python3 Benchmarks/proxy/long_upstream.py --port 18104 --mb 32 > "$work/long.log" 2>&1 &
pids+=($!)
.build/release/promptgate serve --listen 127.0.0.1:18105 --data "$work/data-long" --upstream http://127.0.0.1:18104/v1 \
  > "$work/promptgate-long.log" 2>&1 &
long_pid=$!
pids+=($long_pid)
wait_port 18101; wait_port 18102; wait_port 18103; wait_port 18104; wait_port 18105
[ ${#reference[@]} -eq 0 ] || wait_port 18106

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== latency and throughput (non-streaming), time to first byte (streaming)"
# Each proxy is interleaved with the upstream directly, one pair at a time: LiteLLM burns ~20 ms of CPU per
# request, and in the same rotation it would slow the other targets' requests too.
.build/release/promptgate-bench proxy --seconds "${SECONDS_PER_LEVEL:-5}" --key "$key" \
  --reset http://127.0.0.1:18101/_llmock/reset --target direct=http://127.0.0.1:18101/v1 "${reference[@]}" \
  --target promptgate=http://127.0.0.1:18102/v1
.build/release/promptgate-bench proxy --seconds "${SECONDS_PER_LEVEL:-5}" --key "$key" \
  --reset http://127.0.0.1:18101/_llmock/reset --target direct=http://127.0.0.1:18101/v1 \
  --target litellm=http://127.0.0.1:18103/v1
echo "== latency at an employee's pace: 5 ms of quiet after each request"
.build/release/promptgate-bench proxy --gap-ms 5 --rounds 1000 --concurrency none --key "$key" \
  --reset http://127.0.0.1:18101/_llmock/reset --target direct=http://127.0.0.1:18101/v1 "${reference[@]}" \
  --target promptgate=http://127.0.0.1:18102/v1
echo "== what one durable append costs this disk (the data folder's), back to back and after quiet"
.build/release/promptgate-bench fsync --dir "$work"
echo "== parsing and serialising the chat bodies each proxied request passes through"
.build/release/promptgate-bench json
echo "== PromptGate memory with 64 slow streaming clients"
.venv-bench/bin/python Benchmarks/proxy/slow_clients.py --url http://127.0.0.1:18102/v1 --pid "$promptgate_pid" \
  --clients 64 --seconds 20 --prompt-kb 8
echo "== PromptGate memory with 64 slow clients on 32 MB answers (back-pressure: the upstream's sends wait)"
.venv-bench/bin/python Benchmarks/proxy/slow_clients.py --url http://127.0.0.1:18105/v1 --pid "$long_pid" \
  --clients 64 --seconds 40 --prompt-kb 8 --upstream-stats http://127.0.0.1:18104/stats
if [ "${SOAK_SECONDS:-0}" -gt 0 ]; then
  echo "== PromptGate memory over a ${SOAK_SECONDS}-s soak: 64 slow streaming clients, each asking again when its answer ends"
  # llmock keeps every request it sees: cleared each minute so the upstream does not slow down over the soak.
  ( while sleep 60; do curl -s -X POST http://127.0.0.1:18101/_llmock/reset > /dev/null || true; done ) &
  pids+=($!)
  .venv-bench/bin/python Benchmarks/proxy/slow_clients.py --url http://127.0.0.1:18102/v1 --pid "$promptgate_pid" \
    --clients 64 --seconds "$SOAK_SECONDS" --prompt-kb 8 --repeat
fi
echo "== audit entries written: $(cat "$work"/data/audit*.log | wc -l)"
