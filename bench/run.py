"""ClaimTrace performance bench: llama.cpp anchor, transformers, end to end over HTTP, bandwidth limit.

    .venv/bin/python -m bench.run            # full run (needs the `bench` extra for the llama.cpp anchor)
    .venv/bin/python -m bench.run --quick    # seconds: fake backend, one tiny article (the test suite runs this)

One run measures, on the same machine, weights and prompts (the seed + 5 fixtures):
  (a) raw llama.cpp (llama-cpp-python) generating the summary prompts - the anchor;
  (b) raw transformers on the default runtime settings (TransformersBackend.generate);
  (c) ClaimTrace end to end over HTTP (`claimtrace serve` on a free loopback port);
  (d) the memory-bandwidth limit: measured copy bandwidth / weight bytes read per token.
Each runtime runs in its own subprocess (its own peak RSS). Medians of --runs runs; ratios come from
this one run only, since other work on the machine moves absolute numbers. Writes
bench/results/<time>.json and prints a table.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIXTURES = ["nk-workers-russia", "a-central-bank", "a-court-ruling", "b-kestria-blackout",
            "b-ostberg-bus-strike", "a-flood-levee"]
TINY = ("The ministry said on Monday that 40 schools would reopen next week. “We are ready,” said Mara Lind, "
        "the education minister. Critics said the plan was rushed.")


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def articles(quick: bool) -> dict[str, str]:
    if quick:
        return {"tiny": TINY}
    return {name: json.loads((ROOT / "eval" / "fixtures" / f"{name}.json").read_text(encoding="utf-8"))["text"]
            for name in FIXTURES}


def summary_prompts(texts: dict[str, str]) -> dict[str, dict]:
    """The exact prompts ClaimTrace sends for each article (ingest -> attribute -> summarize, model captured)."""
    from service.attribute import attribute
    from service.backends.base import Generation
    from service.ingest import ingest
    from service.schema import SummarizeOptions
    from service.segment import segment
    from service.summarize import summarize

    class Capture:
        info = None

        def __init__(self):
            self.calls = []

        def generate(self, prompts, params):
            self.calls.append((prompts, params))
            return [Generation(text=params.prefix(i) + " x.") for i in range(len(prompts))]

    out = {}
    for name, text in texts.items():
        doc = ingest(text=text)
        cap = Capture()
        summarize(doc, attribute(doc, segment(doc)), SummarizeOptions(), cap, max_new_tokens=220)
        if cap.calls:
            prompts, params = cap.calls[0]
            out[name] = {"prompts": prompts, "prefixes": list(params.prefixes), "stop": list(params.stop),
                         "max_new_tokens": params.max_new_tokens}
    return out


# ---------------------------------------------------------------------------------------------- workers


def worker(kind: str, prompts_file: str, runs: int, quick: bool) -> dict:
    """Load one runtime in this process, generate every article's prompts `runs` times, report."""
    from service.backends import GenParams, load_backend, load_report
    from service.config import get_settings

    t0 = time.perf_counter()
    backend = load_backend(get_settings(), kind)
    load = time.perf_counter() - t0
    report = load_report(backend)
    data = json.loads(Path(prompts_file).read_text())
    per_article = {}
    for name, p in data.items():
        params = GenParams(max_new_tokens=p["max_new_tokens"], stop=tuple(p["stop"]), prefixes=tuple(p["prefixes"]))
        rows = []
        for _ in range(runs):
            t = time.perf_counter()
            gens = backend.generate(p["prompts"], params)
            wall = time.perf_counter() - t
            rows.append(_gen_stats(gens, wall))
        per_article[name] = {k: median([r[k] for r in rows]) for k in rows[0]}
        per_article[name]["texts"] = [g.text for g in gens]
    return {
        "kind": kind, "load_s": load, "load_source": report.source,
        "info": backend.info.model_dump(), "weight_bytes": report.weight_bytes, "loaded_bytes": report.loaded_bytes,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "articles": per_article,
    }


def _gen_stats(gens, wall: float) -> dict:
    """Prefill and decode rates of one generate() call (tokens over the whole batch)."""
    prompt_tokens = sum(g.prompt_tokens for g in gens)
    new_tokens = sum(g.new_tokens for g in gens)
    extras = [g.extra for g in gens if g.extra]
    if extras and "own_seconds" in extras[0]:  # llama.cpp: one sequence after another
        prefill_s = sum(e["prefill_s"] for e in extras)
        decode_s = sum(e["decode_s"] for e in extras)
        decode_tokens = sum(e["decode_steps"] for e in extras)
        steps = decode_tokens
    elif extras:  # transformers: one batched call
        prefill_s, decode_s = extras[0]["prefill_s"], extras[0]["decode_s"]
        steps = extras[0]["decode_steps"]
        decode_tokens = max(new_tokens - len(gens), 0)  # tokens produced by decode steps (first comes from prefill)
    else:
        prefill_s = decode_s = None
        steps = decode_tokens = 0
    return {
        "wall_s": wall, "prompt_tokens": prompt_tokens, "new_tokens": new_tokens,
        "prefill_s": prefill_s, "decode_s": decode_s, "decode_steps": steps,
        "prefill_tok_s": prompt_tokens / prefill_s if prefill_s else None,
        "decode_tok_s": decode_tokens / decode_s if decode_s else None,
        "decode_steps_s": steps / decode_s if decode_s else None,
    }


def copy_bandwidth(mb: int) -> float:
    """GB/s of a numpy copy (bytes read + bytes written), median of 5."""
    import numpy as np

    a = np.ones(mb * (1 << 20) // 8)
    b = np.empty_like(a)
    rates = []
    for _ in range(5):
        t = time.perf_counter()
        np.copyto(b, a)
        rates.append(2 * a.nbytes / (time.perf_counter() - t) / 1e9)
    return statistics.median(rates)


def run_worker(kind: str, prompts_file: str, runs: int, quick: bool, env: dict) -> dict | str:
    cmd = [sys.executable, "-m", "bench.run", "--worker", kind, "--prompts", prompts_file, "--runs", str(runs)]
    proc = subprocess.run(cmd + (["--quick"] if quick else []), cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        return f"{kind} failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode}"
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------- HTTP


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
        self.proc = subprocess.Popen([str(Path(sys.executable).parent / "claimtrace"), "serve", "--port", str(self.port)],
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


def http_bench(texts: dict[str, str], env: dict, runs: int, workdir: Path, quick: bool) -> dict:
    out: dict = {}
    server = Server(env, workdir / "serve.log")
    try:
        out["warm_start_s"] = server.wait_ready(120 if quick else 300)
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
        # 4 clients on distinct articles, sequential then concurrent (fresh requests each time)
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
        [th.start() for th in threads]
        [th.join() for th in threads]
        conc_s = time.perf_counter() - t
        out["concurrency"] = {"sequential_s": seq_s, "concurrent_s": conc_s, "throughput_ratio": seq_s / conc_s,
                              "errors": sum(s != 200 for s in seq + results)}
        out["peak_rss_mb"] = server.peak_rss_mb()
    finally:
        server.stop()
    return out


# ---------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench.run", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fake backend, one tiny article, one run: seconds")
    ap.add_argument("--runs", type=int, default=None, help="runs per measurement (default 3; 1 with --quick)")
    ap.add_argument("--skip-llamacpp", action="store_true")
    ap.add_argument("--cold", action="store_true", help="also time a cold start (re-encodes the GGUF, ~1-2 min)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--prompts", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    runs = args.runs or (1 if args.quick else 3)
    if args.worker:
        print(json.dumps(worker(args.worker, args.prompts, runs, args.quick)))
        return 0

    from service.config import get_settings

    settings = get_settings()
    texts = articles(args.quick)
    workdir = Path(tempfile.mkdtemp(prefix="claimtrace-bench-"))
    prompts_file = workdir / "prompts.json"
    prompts_file.write_text(json.dumps(summary_prompts(texts)))
    env = dict(os.environ)
    if args.quick:
        env["CLAIMTRACE_BACKEND"] = "fake"
    # results go to a fresh cache dir whose model folders point at the real ones (no model copy)
    cache = workdir / "cache"
    cache.mkdir()
    for sub in ("gguf", "hf"):
        if (settings.cache_dir / sub).exists():
            (cache / sub).symlink_to(settings.cache_dir / sub)
    env["CLAIMTRACE_CACHE_DIR"] = str(cache)

    report: dict = {"date": time.strftime("%Y-%m-%dT%H:%M:%S"), "quick": args.quick, "runs": runs,
                    "threads": settings.threads, "cpu_count": os.cpu_count(), "load_avg_start": os.getloadavg(),
                    "commit": _git("rev-parse", "HEAD"), "dirty": bool(_git("status", "--porcelain")),
                    "articles": list(texts)}
    report["copy_bandwidth_gb_s"] = copy_bandwidth(64 if args.quick else 1024)  # bytes read + written per s
    kinds = ["fake"] if args.quick else (["transformers"] + ([] if args.skip_llamacpp else ["llamacpp"]))
    runtimes = {}
    for kind in kinds:
        runtimes[kind] = run_worker(kind, str(prompts_file), runs, args.quick, env)
    report["runtimes"] = runtimes
    if args.cold and not args.quick:
        cold = workdir / "cold"
        cold.mkdir()
        (cold / "gguf").symlink_to(settings.cache_dir / "gguf")
        server = Server({**env, "CLAIMTRACE_CACHE_DIR": str(cold)}, workdir / "cold.log")
        try:
            report["cold_start_s"] = server.wait_ready(900)
        finally:
            server.stop()
    report["http"] = http_bench(texts, env, runs, workdir, args.quick)
    report["load_avg_end"] = os.getloadavg()
    derive(report)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{time.strftime('%Y%m%d-%H%M%S')}{'-quick' if args.quick else ''}.json"
    path.write_text(json.dumps(report, indent=1))
    print(table(report))
    print(f"\nwrote {path}")
    shutil.rmtree(workdir, ignore_errors=True)  # prompts, logs and the cold-start model copy
    return 0


def _git(*cmd: str) -> str:
    try:
        return subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def _agg(rt: dict, key: str):
    return median([a.get(key) for a in rt["articles"].values()]) if isinstance(rt, dict) else None


def derive(r: dict) -> None:
    """Medians over articles, ratios and target checks."""
    d: dict = {}
    rts = {k: v for k, v in r["runtimes"].items() if isinstance(v, dict)}
    for k, rt in rts.items():
        d[k] = {key: _agg(rt, key) for key in ("wall_s", "prefill_tok_s", "decode_tok_s", "decode_steps_s")}
        d[k]["load_s"], d[k]["peak_rss_mb"], d[k]["weight_bytes"] = rt["load_s"], rt["peak_rss_mb"], rt["weight_bytes"]
        if rt["weight_bytes"]:
            # a copy moves every byte twice (read + write): reading the weights once is at least that fast
            d[k]["bandwidth_limit_tok_s"] = r["copy_bandwidth_gb_s"] * 1e9 / rt["weight_bytes"]
    a, b = d.get("llamacpp"), d.get("transformers") or d.get("fake")
    http = r["http"]["articles"]
    c_ms = median([x["http_ms"] for x in http.values()])
    overhead = median([x["http_ms"] / x["model_ms"] for x in http.values() if x.get("model_ms")])
    d["http"] = {"e2e_s": c_ms / 1000 if c_ms else None, "e2e_over_model": overhead}
    if a and b:
        d["ratios"] = {
            "b/a decode tok/s (batch of 3 vs one stream)": b["decode_tok_s"] / a["decode_tok_s"] if a["decode_tok_s"] and b["decode_tok_s"] else None,
            "b/a wall": b["wall_s"] / a["wall_s"],
            "c/a wall": (c_ms / 1000) / a["wall_s"] if c_ms else None,
        }
    if b and b.get("bandwidth_limit_tok_s") and b.get("decode_steps_s"):
        # one decode step reads the weights once, whatever the batch: steps/s against the limit
        d.setdefault("ratios", {})["b/d decode steps"] = b["decode_steps_s"] / b["bandwidth_limit_tok_s"]
    if a and c_ms:
        # with the llama.cpp backend selected this is the "end to end <= 1.15x raw llama.cpp" figure
        d.setdefault("ratios", {})["c/a per article"] = median(
            [http[n]["http_ms"] / 1000 / r["runtimes"]["llamacpp"]["articles"][n]["wall_s"]
             for n in http if n in r["runtimes"]["llamacpp"]["articles"]])
    default = [k for k in rts if k != "llamacpp"]
    w = rts[default[0]].get("loaded_bytes") if default else None  # weights as loaded by the served runtime
    http_rss = r["http"].get("peak_rss_mb")
    d["targets"] = {
        "decode >= 0.5x llama.cpp": d.get("ratios", {}).get("b/a decode tok/s (batch of 3 vs one stream)"),
        "e2e <= 1.15x model time": overhead,
        "warm start <= 5 s": r["http"].get("warm_start_s"),
        "cache hit <= 20 ms": r["http"].get("cache_hit_ms"),
        "4 clients >= 1.5x sequential": r["http"]["concurrency"]["throughput_ratio"],
        "4 clients errors == 0": r["http"]["concurrency"]["errors"],
        "peak RSS <= 1.5x weights (server)": (http_rss * 2**20 / w) if (http_rss and w) else None,
    }
    r["derived"] = d


def table(r: dict) -> str:
    d = r["derived"]

    def f(x, fmt="{:.2f}"):
        return "-" if x is None else fmt.format(x) if isinstance(x, (int, float)) else str(x)

    lines = [f"ClaimTrace bench {r['date']}  runs={r['runs']}  threads={r['threads']}  "
             f"load avg {f(r['load_avg_start'][0])} -> {f(r['load_avg_end'][0])}  copy bandwidth {f(r['copy_bandwidth_gb_s'])} GB/s",
             "", f"{'runtime':<14}{'load s':>8}{'wall s':>9}{'prefill t/s':>13}{'decode t/s':>12}{'steps/s':>9}"
             f"{'weights MB':>12}{'BW limit t/s':>14}{'peak RSS MB':>13}"]
    for k in ("llamacpp", "transformers", "fake"):
        if k in d:
            x = d[k]
            lines.append(f"{k:<14}{f(x['load_s']):>8}{f(x['wall_s']):>9}{f(x['prefill_tok_s'], '{:.1f}'):>13}"
                         f"{f(x['decode_tok_s'], '{:.1f}'):>12}{f(x['decode_steps_s'], '{:.1f}'):>9}"
                         f"{f(x['weight_bytes'] and x['weight_bytes'] / 2**20, '{:.0f}'):>12}"
                         f"{f(x.get('bandwidth_limit_tok_s'), '{:.1f}'):>14}{f(x['peak_rss_mb'], '{:.0f}'):>13}")
    for k, v in r["runtimes"].items():
        if isinstance(v, str):
            lines.append(f"{k:<14}{v}")
    h = r["http"]
    lines += ["", f"HTTP end to end: median {f(d['http']['e2e_s'])} s per article, {f(d['http']['e2e_over_model'])}x its model time; "
              f"warm start {f(h.get('warm_start_s'))} s; cold start {f(r.get('cold_start_s'))} s; "
              f"cache hit {f(h.get('cache_hit_ms'))} ms; server peak RSS {f(h.get('peak_rss_mb'), '{:.0f}')} MB",
              f"4 clients: sequential {f(h['concurrency']['sequential_s'])} s, concurrent {f(h['concurrency']['concurrent_s'])} s, "
              f"throughput x{f(h['concurrency']['throughput_ratio'])}, errors {h['concurrency']['errors']}"]
    if d.get("ratios"):
        lines += ["", "ratios: " + "  ".join(f"{k} {f(v)}" for k, v in d["ratios"].items())]
    lines += ["", "targets:"] + [f"  {k:<40}{f(v)}" for k, v in d["targets"].items()]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
