#!/usr/bin/env bash
# Rebuilds the committed seed corpora, Fuzz/Corpus/<target>/seed-*, from real inputs in the repo, a few request
# bodies in each provider's wire format (the shapes Tests/e2e sends, with its obviously fake data), and the audit log
# lines and checkpoint a real `promptgate serve` writes. Inputs libFuzzer found are kept beside them (other names).
#   Fuzz/make-seeds.sh [PATH_TO_PROMPTGATE]    (default .build/debug/promptgate)
set -euo pipefail
cd "$(dirname "$0")/.."
PG=${1:-.build/debug/promptgate}
C=Fuzz/Corpus
for t in json providers packs screen users registry policy auditlog checkpoint; do
  mkdir -p "$C/$t"
  rm -f "$C/$t"/seed-*
done

# --- request bodies (json, providers)
body() { printf '%s' "$2" > "$C/providers/seed-$1.json"; printf '%s' "$2" > "$C/json/seed-$1.json"; }
body openai-chat '{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You help city staff."},{"role":"user","content":"Mail maria@example.org or call (617) 555-0134 about the permit."}],"temperature":0.2,"stream":false}'
body openai-chat-parts '{"model":"gpt-4o","messages":[{"role":"user","name":"clerk","content":[{"type":"text","text":"Summarise this note for Jane Doe"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\"email\":\"maria.gonzalez@example.org\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"phone (617) 555-0134 on file"},{"role":"assistant","content":[{"type":"refusal","refusal":"I cannot."}]}],"tools":[{"type":"function","function":{"name":"lookup","description":"Find a resident by e-mail","parameters":{"type":"object","properties":{"email":{"type":"string"}}}}}],"user":"u-1","stream":true,"stream_options":{"include_usage":true}}'
body openai-chat-legacy '{"model":"gpt-3.5-turbo","messages":[{"role":"assistant","content":"","function_call":{"name":"f","arguments":"{\"q\":\"x\\u00e9\"}"}}],"max_tokens":1.50e2,"n":12345678901234567890}'
body openai-responses '{"model":"gpt-4o-mini","instructions":"Answer in plain language.","input":"Draft a reply to David about the missed recycling pickup, order 535-618-9045."}'
body openai-responses-items '{"model":"gpt-4o","input":[{"role":"user","content":[{"type":"input_text","text":"Email xowens@example.com"},{"type":"input_image","image_url":"https://example.org/a.png"}]},{"type":"message","role":"assistant","content":"ok"},{"type":"function_call","call_id":"c1","name":"f","arguments":"{\"a\":1}"},{"type":"function_call_output","call_id":"c1","output":"done"},{"type":"reasoning","id":"r1","summary":[]},{"type":"item_reference","id":"i1"},{"type":"file_search_call","id":"f1"}],"tools":[{"type":"function","name":"f","description":"Look up a case","parameters":{}}],"stream":true}'
body openai-embeddings '{"model":"text-embedding-3-small","input":["Call Jane Doe at 555-0199","street cleaning schedule"]}'
body openai-embeddings-tokens '{"model":"text-embedding-3-small","input":[[1,2,3],"text",[4]],"encoding_format":"float"}'
body openai-embeddings-string '{"input":"SIN 046 454 286","model":"m","dimensions":256}'
body anthropic-messages '{"model":"claude-sonnet-4-5","max_tokens":256,"system":[{"type":"text","text":"You help city staff."}],"messages":[{"role":"user","content":"U1 maria@example.org"},{"role":"assistant","content":[{"type":"thinking","thinking":"T1","signature":"s"},{"type":"redacted_thinking","data":"xyz"},{"type":"tool_use","id":"toolu_1","name":"lookup","input":{"email":"maria.gonzalez@example.org","tags":[1,"I2",null]}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"phone (617) 555-0134 on file"}]},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]}],"tools":[{"name":"lookup","description":"Find a resident","input_schema":{"type":"object"}}],"stream":false}'
body anthropic-system-string '{"model":"claude-haiku","max_tokens":16,"system":"Be brief.","messages":[{"role":"user","content":"hello"}],"stream":true}'
body ollama-chat '{"model":"llama3.2","messages":[{"role":"user","content":"My phone is (617) 555-0134","images":["iVBORw0KGgo="]},{"role":"assistant","content":"","tool_calls":[{"function":{"name":"lookup","arguments":{"email":"maria@example.org","n":[1,"x"]}}}]}],"tools":[{"type":"function","function":{"name":"lookup","description":"Find a resident","parameters":{}}}],"options":{"temperature":0}}'
printf '%s' '{"a":[1,-0.5e+10,true,false,null,"\ud83d\ude00 \u00e9\t\"\\\/"],"b":{},"c":[]}' > "$C/json/seed-literals.json"
printf '%s' '[[[[[[[[[[[[[[[[{"deep":[[[[[[[[1]]]]]]]]}]]]]]]]]]]]]]]]]' > "$C/json/seed-nested.json"
printf '%s' '  "just a string with é and 日本"  ' > "$C/json/seed-string.json"
head -n 1 fixtures/tlog-example/ex.jsonl > "$C/json/seed-log-line.json"

# --- YAML: guideline packs, registry, department policy, users file
for f in guidelines/packs/*.yaml; do cp "$f" "$C/packs/seed-$(basename "$f")"; done
for f in guidelines/registry/*.yaml; do cp "$f" "$C/registry/seed-$(basename "$f")"; done
cp guidelines/policy.yaml "$C/policy/seed-policy.yaml"
cat > "$C/users/seed-users.yaml" <<'YAML'
# Per-user proxy keys, stored as SHA-256 hashes (of the example keys pgk_example_1 and pgk_example_2; the second in upper case).
users:
  - id: jdoe
    department: social-services
    key_sha256: 61d62146602fc2c72e9a3f65696bc1435eb8895e4e8706d382e1fa3274c781f7
  - id: build-bot
    key_sha256: EBA4111DBB26ED97C493CC93452BE0C6AB828C60495048F3A61238925E8F03B4
YAML
printf 'users: []\n' > "$C/users/seed-empty.yaml"

# --- prompt text for the screener
screen() { printf '%s' "$2" > "$C/screen/seed-$1.txt"; }
screen contact 'Mail maria@example.org or call (617) 555-0134'
screen ids 'SSN 123-45-6789, SIN 046 454 286, NINO QQ 12 34 56 C, IBAN GB82 WEST 1234 5698 7654 32, card 4111 1111 1111 1111'
screen name-address 'Please draft a polite reply to David about the missed recycling pickup. Albert Hernandez (born 1939-09-01) lives at 42 Elm Street, Springfield.'
screen credentials 'api_key = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"; -----BEGIN RSA PRIVATE KEY-----'
screen confidential 'CONFIDENTIAL - attorney-client privileged. Do not distribute.'
screen placeholders 'Reply to [EMAIL_ADDRESS_1] and [PERSON_2] by Friday'
printf 'Josée Müller \xe2\x80\x8b(617)\xc2\xa0555-0134 \xff\xfe' > "$C/screen/seed-unicode.txt"

# --- audit log lines and checkpoints
cp fixtures/tlog-example/ex.jsonl "$C/auditlog/seed-tlog-example.jsonl"
cp fixtures/tlog-example/ex.cp "$C/checkpoint/seed-tlog-example.cp"
if [ -x "$PG" ]; then
  data=$(mktemp -d)
  port=$((20000 + RANDOM % 20000))
  "$PG" serve --data "$data/d" --listen "127.0.0.1:$port" --upstream http://127.0.0.1:9/v1 \
    --origin fuzz.example/promptgate >"$data/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/metrics" && break; sleep 0.2; done
  post() { curl -s -o /dev/null -m 10 "http://127.0.0.1:$port$1" -H 'content-type: application/json' -d "$2"; }
  post /v1/chat/completions "$(cat "$C/providers/seed-openai-chat.json")"
  post /v1/embeddings "$(cat "$C/providers/seed-openai-embeddings.json")"
  post /v1/chat/completions '{"model":"m","messages":"not a list"}'
  kill -TERM "$pid"; wait "$pid" || true
  cp "$data/d/audit.log" "$C/auditlog/seed-promptgate.jsonl"
  head -n 3 "$data/d/audit.log" | tail -n 1 > "$C/json/seed-promptgate-log-line.json"
  cp "$data/d/checkpoint" "$C/checkpoint/seed-promptgate.cp"
  sed -n '1,3p' "$data/d/checkpoint" > "$C/checkpoint/seed-body.txt"
  rm -rf "$data"
else
  echo "make-seeds: $PG not built: no promptgate log or checkpoint seeds (run swift build first)" >&2
fi
du -sh "$C"
