"""Smoke test of the built image, run by the Dockerfile's `smoke` stage inside a RUN step.

Starts `claimtrace serve` the way the image's CMD does (on a free loopback port, since a build
step may share the host's network), waits for /readyz, posts the seed article once claims-only and
once with a summary, and exits non-zero unless both responses name Sergei Shoigu, KCNA and South
Korean intelligence among their sources and the summary has verified sentences.

Every line it prints is also kept in RESULT_FILE inside the smoke image, so that a build whose
smoke step was cached (same inputs as a build where it passed) can still show what it checked
(scripts/docker-test.sh prints it from the image).

    python scripts/docker-smoke.py eval/fixtures/nk-workers-russia.json
"""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

READY_TIMEOUT_S = float(os.environ.get("SMOKE_READY_TIMEOUT_S", "600"))
REQUEST_TIMEOUT_S = float(os.environ.get("SMOKE_REQUEST_TIMEOUT_S", "1200"))
RESULT_FILE = os.environ.get("SMOKE_RESULT_FILE", "/tmp/claimtrace-smoke.txt")
EXPECTED_SOURCES = {
    "Shoigu": r"\bShoigu\b",
    "KCNA": r"\bKCNA\b|Korean Central News Agency",
    "South Korean intelligence": r"South Korean intelligence",
}


def say(line: str) -> None:
    print(line, flush=True)
    with open(RESULT_FILE, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def post(url: str, body: dict) -> tuple[int, dict, float]:
    req = urllib.request.Request(url, json.dumps(body).encode(), {"content-type": "application/json"})
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT_S) as r:
            return r.status, json.loads(r.read()), time.perf_counter() - t0
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}"), time.perf_counter() - t0


def check_sources(label: str, response: dict) -> list[str]:
    names = [s.get("name", "") for s in response.get("sources", [])]
    say(f"smoke: {label}: {len(response.get('claims', []))} claims; sources: {'; '.join(names)}")
    return [f"{label}: no source matches {want}" for want, pattern in EXPECTED_SOURCES.items()
            if not any(re.search(pattern, n) for n in names)]


def main(argv: list[str]) -> int:
    text = json.load(open(argv[1], encoding="utf-8"))["text"]
    open(RESULT_FILE, "w").close()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, CLAIMTRACE_HOST="127.0.0.1", CLAIMTRACE_PORT=str(port))
    server = subprocess.Popen(["claimtrace", "serve"], env=env)
    failures: list[str] = []
    try:
        t0 = time.perf_counter()
        while True:
            if server.poll() is not None:
                say(f"smoke: the server exited with {server.returncode} before it was ready")
                return 1
            try:
                status, _ = get(f"{base}/readyz")
            except OSError:
                status = 0
            if status == 200:
                break
            if time.perf_counter() - t0 > READY_TIMEOUT_S:
                say(f"smoke: /readyz not 200 after {READY_TIMEOUT_S:.0f} s")
                return 1
            time.sleep(1)
        say(f"smoke: /readyz 200 after {time.perf_counter() - t0:.1f} s")
        status, body = get(f"{base}/v1/model")
        say(f"smoke: /v1/model {status} {body.decode()}")
        if status != 200:
            failures.append(f"/v1/model answered {status}")

        status, claims_only, seconds = post(f"{base}/v1/summarize", {"text": text, "options": {"summarize": False}})
        say(f"smoke: claims-only: HTTP {status} in {seconds:.1f} s")
        if status != 200:
            failures.append(f"claims-only request answered {status}: {claims_only}")
        else:
            failures += check_sources("claims-only", claims_only)
            if claims_only.get("summary"):
                failures.append("claims-only response has a summary")

        status, full, seconds = post(f"{base}/v1/summarize", {"text": text})
        say(f"smoke: with summary: HTTP {status} in {seconds:.1f} s; timings_ms {full.get('timings_ms')}")
        if status != 200:
            failures.append(f"summary request answered {status}: {full}")
        else:
            failures += check_sources("with summary", full)
            sentences = full.get("summary") or []
            for s in sentences:
                say(f"smoke:   [{'verified' if s.get('verified') else 'NOT verified'}] {s.get('text')} "
                    f"{s.get('claim_ids')}")
            if not any(s.get("verified") for s in sentences):
                failures.append("the summary has no verified sentence")
            if full.get("model", {}).get("backend") != "transformers":
                failures.append(f"summary not served by the local model: {full.get('model')}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    for f in failures:
        say(f"smoke: FAIL {f}")
    say("smoke: " + ("FAILED" if failures else "passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
