#!/usr/bin/env python3
"""Soak: mixed summary and claims-only traffic for N minutes, with the server's RSS sampled.

    .venv/bin/python scripts/soak.py [--minutes 30] [--concurrency 3] [--summary-share 0.3]
                                     [--url http://127.0.0.1:8000 --pid PID] [--port 8765]

Without --url it starts `python -m service serve` on a loopback port (the environment's
CLAIMTRACE_* settings apply; CLAIMTRACE_BACKEND=fake gives a model-free run) and stops it at the
end. Articles are the eval fixtures, each request made unique by a trailing line so the results
cache does not answer it. Every 10 s it prints the elapsed time, the server's RSS, and the
requests done so far; at the end the series' start, max and end RSS, the requests by kind and
status, and latency medians (p90) by kind; --json PATH also writes all of it, with the series.
Not part of the test run.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def post(url: str, body: dict, timeout: float) -> int:
    req = urllib.request.Request(url + "/v1/summarize", data=json.dumps(body).encode(), method="POST",
                                 headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            resp.read()
            return resp.status
    except urllib.error.HTTPError as e:
        e.read()
        return e.code
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return 0


def wait_ready(url: str, proc: subprocess.Popen | None, timeout_s: float) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=5) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(2)
    raise SystemExit(f"server at {url} not ready after {timeout_s:.0f} s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--concurrency", type=int, default=3)
    ap.add_argument("--summary-share", type=float, default=0.3, help="share of requests that ask for a summary")
    ap.add_argument("--url", help="a running server (then --pid gives its process for RSS)")
    ap.add_argument("--pid", type=int)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--interval", type=float, default=10.0)
    ap.add_argument("--timeout", type=float, default=600.0, help="per request")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, help="write the summary and the RSS series here")
    ap.add_argument("--server-log", type=Path, help="the started server's output goes here (default: discarded)")
    args = ap.parse_args(argv)

    texts = [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted((ROOT / "eval" / "fixtures").glob("*.json"))]
    proc = None
    url, pid = args.url, args.pid
    if url is None:
        url = f"http://127.0.0.1:{args.port}"
        env = dict(os.environ, CLAIMTRACE_HOST="127.0.0.1", CLAIMTRACE_PORT=str(args.port))
        proc = subprocess.Popen([sys.executable, "-m", "service", "serve", "--host", "127.0.0.1", "--port", str(args.port)],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=open(args.server_log, "wb") if args.server_log else subprocess.DEVNULL)
        pid = proc.pid
    try:
        wait_ready(url, proc, 900)
        # warm-up outside the series: the first request loads spaCy (and the first summary the model's caches)
        for summarize in (False, True):
            post(url, {"text": texts[0] + "\n\nWarm-up copy.", "options": {"summarize": summarize, "max_sentences": 1}},
                 args.timeout)
        return soak(args, url, pid, texts)
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


def soak(args, url: str, pid: int | None, texts: list[str]) -> int:
    rng = random.Random(args.seed)
    lock = threading.Lock()
    counts: dict[str, int] = {}
    latencies: dict[str, list[float]] = {}  # seconds of the 200s, by kind
    serial = iter(range(10**9))
    run = f"{time.time_ns() % 10**9}"  # unique per run: the results cache must not answer
    stop_at = time.monotonic() + args.minutes * 60

    def worker() -> None:
        while time.monotonic() < stop_at:
            with lock:
                i = next(serial)
                summary = rng.random() < args.summary_share
                text = rng.choice(texts)
            body = {"text": f"{text}\n\nThis copy was filed as number {run}-{i}.",
                    "options": {"summarize": summary, "max_sentences": 2}}
            t_req = time.monotonic()
            status = post(url, body, args.timeout)
            seconds = time.monotonic() - t_req
            kind = "summary" if summary else "claims"
            key = f"{kind} {status}"
            with lock:
                counts[key] = counts.get(key, 0) + 1
                if status == 200:
                    latencies.setdefault(kind, []).append(seconds)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.concurrency)]
    series: list[tuple[float, float | None]] = []
    t0 = time.monotonic()
    print(f"soak: {args.minutes:g} min, concurrency {args.concurrency}, summary share {args.summary_share:g}, {url}"
          f"{f', pid {pid}' if pid else ''}", flush=True)
    print(f"{'t_s':>6} {'rss_mib':>8}  requests", flush=True)

    def sample() -> None:
        r = rss_mib(pid) if pid else None
        series.append((time.monotonic() - t0, r))
        with lock:
            done = dict(sorted(counts.items()))
        print(f"{series[-1][0]:6.0f} {r if r is not None else float('nan'):8.1f}  {done}", flush=True)

    sample()
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        time.sleep(min(args.interval, max(0.1, stop_at - time.monotonic() + 0.1)))
        if time.monotonic() - t0 - series[-1][0] >= args.interval or not any(t.is_alive() for t in threads):
            sample()
    for t in threads:
        t.join()
    sample()
    rss = [r for _, r in series if r is not None]
    if rss:
        print(f"rss_mib: start {rss[0]:.1f}, max {max(rss):.1f}, end {rss[-1]:.1f}, "
              f"end-start {rss[-1] - rss[0]:+.1f}, last half growth {rss[-1] - rss[len(rss) // 2]:+.1f}")
    bad = sum(n for k, n in counts.items() if not k.endswith(" 200"))
    print(f"requests: {sum(counts.values())}, not 200: {bad} {dict(sorted(counts.items()))}")
    lat = {k: {"n": len(v), "median_s": round(statistics.median(v), 2),
               "p90_s": round(statistics.quantiles(v, n=10)[-1], 2) if len(v) >= 2 else round(v[0], 2)}
           for k, v in sorted(latencies.items())}
    for k, v in lat.items():
        print(f"latency {k}: median {v['median_s']:.2f} s, p90 {v['p90_s']:.2f} s over {v['n']} requests")
    if args.json:
        summary = {"minutes": args.minutes, "concurrency": args.concurrency, "summary_share": args.summary_share,
                   "requests": dict(sorted(counts.items())), "not_200": bad, "latency": lat,
                   "rss_mib": {"start": rss[0], "max": max(rss), "end": rss[-1]} if rss else None,
                   "series": [[round(t, 1), r] for t, r in series]}
        args.json.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
