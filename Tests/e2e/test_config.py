"""`promptgate serve --config`: a YAML file configures the proxy, PROMPTGATE_* variables override it, command-line
options override both, and a bad file stops the proxy with its file and line."""
import os
import re
import subprocess
import tempfile
import time

import openai


def serve(binary, args, env):
    proc = subprocess.Popen([binary, "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        m = re.search(r"listening on (http://[0-9.]+:(\d+))", line)
        if m:
            return proc, m.group(1)
    proc.kill()
    raise AssertionError("promptgate did not start: " + proc.stderr.read())


def stop(proc):
    proc.terminate()
    proc.wait(timeout=20)


def test_the_file_configures_the_proxy_and_the_environment_overrides_it(promptgate_bin, llmock):
    data = tempfile.mkdtemp(prefix="promptgate-e2e-")
    config = os.path.join(data, "promptgate.yaml")
    with open(config, "w") as f:
        f.write(f"listen: 127.0.0.1:0\nupstream:\n  url: {llmock.url}/v1\ndata: {data}\n"
                "audit:\n  origin: config.example/promptgate\n  checkpoint_every: 2\n"
                "limits:\n  max_request_bytes: 2000\n")
    env = dict(os.environ, PROMPTGATE_UPSTREAM_KEY="city-upstream-key")
    env.pop("PROMPTGATE_DATA", None)
    proc, base = serve(promptgate_bin, ["--config", config], env)
    try:
        client = openai.OpenAI(base_url=base + "/v1", api_key="unused", max_retries=0)
        answer = client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "mail jane@example.org"}])
        assert answer.choices[0].message.content
        # The file's size limit applies: a larger body gets 413 and is not forwarded.
        llmock.reset()
        try:
            client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "x" * 5000}])
            raise AssertionError("a body over the configured limit was accepted")
        except openai.APIStatusError as error:
            assert error.status_code == 413
        assert llmock.requests() == []
    finally:
        stop(proc)
    with open(os.path.join(data, "checkpoint")) as f:
        assert f.readline().strip() == "config.example/promptgate"
    # The environment overrides the file: with PROMPTGATE_MAX_REQUEST_BYTES raised, the same body goes through.
    env["PROMPTGATE_MAX_REQUEST_BYTES"] = "100000"
    proc, base = serve(promptgate_bin, ["--config", config], env)
    try:
        client = openai.OpenAI(base_url=base + "/v1", api_key="unused", max_retries=0)
        assert client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "y" * 5000}]).choices
    finally:
        stop(proc)


def test_a_bad_configuration_stops_the_proxy_with_its_line(promptgate_bin):
    folder = tempfile.mkdtemp(prefix="promptgate-e2e-")
    config = os.path.join(folder, "bad.yaml")
    with open(config, "w") as f:
        f.write("listen: 127.0.0.1:0\ntimeouts:\n  idel: 5\n")
    result = subprocess.run([promptgate_bin, "serve", "--config", config, "--data", folder],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"{config}:3" in result.stderr and "unknown key 'idel'" in result.stderr, result.stderr
