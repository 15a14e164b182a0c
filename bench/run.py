"""ClaimTrace performance bench: llama.cpp anchor, transformers, end to end over HTTP, bandwidth limit.

    .venv/bin/python -m bench.run            # full run (needs the `bench` extra for the llama.cpp anchor)
    .venv/bin/python -m bench.run --quick    # seconds: fake backend, one tiny article (the test suite runs this)

One run measures, on the same machine, weights and prompts (the seed + 5 fixtures; --articles N
takes the first N):
  (a) raw llama.cpp (llama-cpp-python, as pip builds it here) on the summary prompts - the anchor;
  (b) raw transformers on the default runtime settings;
  (c) ClaimTrace end to end over HTTP (`claimtrace serve` on a free loopback port), and with
      --e2e-llamacpp the same with CLAIMTRACE_BACKEND=llamacpp;
  (d) the memory-bandwidth limit: a read-dominated kernel's GB/s / weight bytes read per step.
(a) and (b) run like for like (workers.py): the service's own call (wall time), and each prompt
alone without KV prefix reuse (prefill t/s on the same tokens, decode steps/s of one stream).
Modules: capture.py (articles, prompts), workers.py (runtimes), http_bench.py (the server),
report.py (derived figures, targets, table). Ratios come from this one run only; writes
bench/results/<time>.json and prints a table.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.capture import articles, summary_prompts  # noqa: E402
from bench.http_bench import Server, http_bench  # noqa: E402
from bench.report import derive, table  # noqa: E402
from bench.workers import read_bandwidth, run_worker, worker  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench.run", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fake backend, one tiny article, one run: seconds")
    ap.add_argument("--runs", type=int, default=None, help="runs per measurement (default 3; 1 with --quick)")
    ap.add_argument("--articles", type=int, default=None, help="only the first N bench articles (default all 6)")
    ap.add_argument("--skip-llamacpp", action="store_true")
    ap.add_argument("--skip-transformers", action="store_true", help="no raw transformers worker (its ratios are left out)")
    ap.add_argument("--skip-http", action="store_true", help="no server: only the raw runtimes and the bandwidth limit")
    ap.add_argument("--e2e-llamacpp", action="store_true", help="also serve with CLAIMTRACE_BACKEND=llamacpp over HTTP")
    ap.add_argument("--concurrency-only", action="store_true",
                    help="over HTTP only the 4-client figure (after one warm-up request); with --skip-transformers --skip-llamacpp")
    ap.add_argument("--cold", action="store_true", help="also time a cold start (re-encodes the GGUF, ~1-2 min)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--prompts-json", type=Path, default=None,
                    help="take the summary prompts from this file (written by --save-prompts) instead of capturing them")
    ap.add_argument("--save-prompts", type=Path, default=None, help="also write the captured prompts to this file")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--prompts", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    runs = args.runs or (1 if args.quick else 3)
    if args.worker:
        print(json.dumps(worker(args.worker, args.prompts, runs)))
        return 0

    from service.config import get_settings

    settings = get_settings()
    texts = articles(args.quick, args.articles)
    workdir = Path(tempfile.mkdtemp(prefix="claimtrace-bench-"))
    prompts_file = workdir / "prompts.json"
    if args.prompts_json:  # fixed prompts: before/after runs on the same work, whatever the pipeline's tree
        captured = json.loads(args.prompts_json.read_text())
        texts = {name: texts[name] for name in captured if name in texts} or texts
        captured = {name: captured[name] for name in texts if name in captured}
    else:
        captured = summary_prompts(texts)
    prompts_file.write_text(json.dumps(captured))
    if args.save_prompts:
        args.save_prompts.write_text(json.dumps(captured))
    from service.backends.hf.threads import child_env

    env = child_env(dict(os.environ))  # the llama.cpp workers and server keep libgomp's default wait policy
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
    report["read_bandwidth_gb_s"] = read_bandwidth(64 if args.quick else 1024, settings.threads)
    kinds = ["fake"] if args.quick else ([] if args.skip_transformers else ["transformers"]) + ([] if args.skip_llamacpp else ["llamacpp"])
    report["runtimes"] = {kind: run_worker(kind, str(prompts_file), runs, env) for kind in kinds}
    if "transformers" not in kinds and not args.quick:  # the served weights' size, for the server's RSS ratio
        report["served_loaded_bytes"] = _served_bytes(settings)
    if args.cold and not args.quick:
        cold = workdir / "cold"
        cold.mkdir()
        (cold / "gguf").symlink_to(settings.cache_dir / "gguf")
        server = Server({**env, "CLAIMTRACE_CACHE_DIR": str(cold)}, workdir / "cold.log")
        try:
            report["cold_start_s"] = server.wait_ready(900)
        finally:
            server.stop()
    if not args.skip_http:
        report["http"] = http_bench(texts, env, runs, workdir, args.quick, only_concurrency=args.concurrency_only)
    if args.e2e_llamacpp and not args.quick:
        report["http_llamacpp"] = http_bench(texts, {**env, "CLAIMTRACE_BACKEND": "llamacpp"}, runs, workdir, False,
                                             concurrency=False, name="serve-llamacpp")
    report["load_avg_end"] = os.getloadavg()
    derive(report)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{time.strftime('%Y%m%d-%H%M%S')}{'-quick' if args.quick else ''}.json"
    path.write_text(json.dumps(report, indent=1))
    print(table(report))
    print(f"\nwrote {path}")
    shutil.rmtree(workdir, ignore_errors=True)  # prompts, logs and the cold-start model copy
    return 0


def _served_bytes(settings) -> int | None:
    """Bytes of the default runtime's re-encoded weights file (what the server maps), without loading it."""
    from service.backends.hf.reencode import quantized_dir
    from service.backends.weights import resolve

    try:
        path = quantized_dir(settings.cache_dir, resolve(settings.model, settings.cache_dir, settings.model_sha256),
                             settings.quant) / "model.pt"
        return path.stat().st_size
    except Exception:  # noqa: BLE001 - no cache yet, another quant: the ratio is left out
        return None


def _git(*cmd: str) -> str:
    try:
        return subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


if __name__ == "__main__":
    raise SystemExit(main())
