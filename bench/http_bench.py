"""ClaimTrace end to end over HTTP: `claimtrace serve` on a free loopback port, real requests.

Per article: a fresh POST /v1/summarize (a trailing newline per run defeats the results cache) ->
HTTP time and the pipeline's own model time. Then 20 repeats (cache hits), then 4 clients on
distinct articles sent one after another and then at once (throughput ratio, errors), and the
server's peak RSS (VmHWM).
"""
from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from .capture import ROOT, median


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "w")
        self.t0 = time.perf_counter()
        cmd = [str(Path(sys.executable).parent / "claimtrace")]
        if env.get("CLAIMTRACE_BACKEND") == "llamacpp" and env.get("BENCH_LLAMACPP_EXTRA_BUFTS") == "0":
            cmd = [sys.executable, "-m", "bench.serve_no_extra_bufts"]  # as the raw llama.cpp worker runs
        self.proc = subprocess.Popen([*cmd, "serve", "--port", str(self.port)],
                                     cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float) -> float:
        import httpx

        while time.perf_counter() - self.t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log.name}")
            try:
                if httpx.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return time.perf_counter() - self.t0
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"server not ready after {timeout} s")

    def peak_rss_mb(self) -> float | None:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            return None
        return None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


_clients = threading.local()


def post(url: str, text: str, timeout: float = 900) -> tuple[float, int, dict]:
    """One POST /v1/summarize on this thread's keep-alive connection (as a real client would reuse)."""
    import httpx

    if getattr(_clients, "client", None) is None:
        _clients.client = httpx.Client(timeout=timeout)
    t = time.perf_counter()
    r = _clients.client.post(url + "/v1/summarize", json={"text": text})
    ms = (time.perf_counter() - t) * 1000
    return ms, r.status_code, (r.json() if r.headers.get("content-type", "").startswith("application/json") else {})


def http_bench(texts: dict[str, str], env: dict, runs: int, workdir: Path, quick: bool, concurrency: bool = True,
               name: str = "serve", only_concurrency: bool = False) -> dict:
    out: dict = {}
    server = Server(env, workdir / f"{name}.log")
    try:
        out["warm_start_s"] = server.wait_ready(120 if quick else 300)
        if only_concurrency:  # one warm-up request (first-use loading), then only the 4-client figure
            post(server.url, next(iter(texts.values())) + "\n" * 11)
            out["concurrency"] = _four_clients(server, texts)
            out["peak_rss_mb"] = server.peak_rss_mb()
            return out
        per = {}
        for name, text in texts.items():
            rows = []
            for r in range(runs):
                ms, status, body = post(server.url, text + "\n" * (r + 1))  # a new request each run: no cache hit
                timings = body.get("timings_ms", {})
                rows.append({"ms": ms, "status": status, "model_ms": timings.get("model"), "total_ms": timings.get("total")})
            per[name] = {"http_ms": median([x["ms"] for x in rows]), "model_ms": median([x["model_ms"] for x in rows]),
                         "pipeline_ms": median([x["total_ms"] for x in rows]),
                         "errors": sum(x["status"] != 200 for x in rows)}
        out["articles"] = per
        first = next(iter(texts.values())) + "\n"
        hits = []
        for _ in range(20):
            ms, status, _ = post(server.url, first)
            hits.append(ms if status == 200 else None)
        out["cache_hit_ms"] = median(hits)
        if concurrency:
            out["concurrency"] = _four_clients(server, texts)
        out["peak_rss_mb"] = server.peak_rss_mb()
    finally:
        server.stop()
    return out


def _four_clients(server: Server, texts: dict[str, str]) -> dict:
    """4 clients on distinct articles, sequential then concurrent (fresh requests each time)."""
    four = list(texts.values())[:4]
    while len(four) < 4:
        four.append(four[-1] + " Extra sentence.")
    t = time.perf_counter()
    seq = [post(server.url, x + "\n" * 9)[1] for x in four]
    seq_s = time.perf_counter() - t
    results: list = [None] * 4

    def client(i):
        results[i] = post(server.url, four[i] + "\n" * 10)[1]

    threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    conc_s = time.perf_counter() - t
    return {"sequential_s": seq_s, "concurrent_s": conc_s, "throughput_ratio": seq_s / conc_s,
            "errors": sum(s != 200 for s in seq + results)}
