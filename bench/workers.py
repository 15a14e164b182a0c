"""One runtime per subprocess (its own peak RSS): load it, run the captured prompts, report figures.

Two passes per article, `runs` times each (medians):
  service: the prompts in one generate() call, as ClaimTrace sends them (transformers batches the
           three rows and shares their system turn; llama.cpp runs them one by one, reusing its KV
           prefix) -> wall time for the same summary work, aggregate decode tokens/s;
  stream:  each prompt alone (batch 1), its system turn opened with a per-prompt tag so no runtime
           reuses a KV prefix from the previous prompt -> prefill tokens/s over the same prompt
           tokens on both sides, decode steps/s of one stream.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .capture import ROOT, median


def worker(kind: str, prompts_file: str, runs: int) -> dict:
    from service.backends import GenParams, load_backend, load_report
    from service.config import get_settings

    if kind == "llamacpp" and os.environ.get("BENCH_LLAMACPP_EXTRA_BUFTS") == "0":
        _no_extra_bufts()
    t0 = time.perf_counter()
    backend = load_backend(get_settings(), kind)
    load = time.perf_counter() - t0
    report = load_report(backend)
    data = json.loads(Path(prompts_file).read_text())
    per_article = {}
    for name, p in data.items():
        params = GenParams(max_new_tokens=p["max_new_tokens"], stop=tuple(p["stop"]), prefixes=tuple(p["prefixes"]))
        service, stream = [], []
        for r in range(runs):
            t = time.perf_counter()
            gens = backend.generate(p["prompts"], params)
            service.append(_service_stats(gens, time.perf_counter() - t))
            singles = []
            for i, messages in enumerate(p["prompts"]):
                tagged = _tagged(messages, f"({name} p{i} r{r})")
                one = GenParams(max_new_tokens=params.max_new_tokens, stop=params.stop, prefixes=(params.prefix(i),))
                singles += backend.generate([tagged], one)
            stream.append(_stream_stats(singles))
        row = {k: median([s[k] for s in service]) for k in service[0]}
        row.update({k: median([s[k] for s in stream]) for k in stream[0]})
        row["texts"] = [g.text for g in gens]
        per_article[name] = row
    return {
        "kind": kind, "load_s": load, "load_source": report.source, "info": backend.info.model_dump(),
        "weight_bytes": report.weight_bytes, "loaded_bytes": report.loaded_bytes,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "articles": per_article,
        "build": _build_info(kind),
    }


def _no_extra_bufts() -> None:
    """llama.cpp without its extra buffer types (weight repacking, AMX), as tests/engine_launcher.py does:
    on a host that advertises AMX without enabling it (this sandbox) the AMX kernels trap with SIGILL.
    It also turns off REPACK, so the anchor is slower than on a normal host: recorded in `build`."""
    import llama_cpp.llama_cpp as C

    default = C.llama_model_default_params

    def params():
        p = default()
        p.use_extra_bufts = False
        return p

    C.llama_model_default_params = params


def _tagged(messages: list[dict], tag: str) -> list[dict]:
    out = [dict(m) for m in messages]
    out[0]["content"] = f"{tag} {out[0]['content']}"
    return out


def _service_stats(gens, wall: float) -> dict:
    """One generate() call as the service makes it: wall time and aggregate decode tokens/s."""
    new_tokens = sum(g.new_tokens for g in gens)
    extras = [g.extra for g in gens if g.extra]
    if extras and "own_seconds" in extras[0]:  # llama.cpp: one sequence after another
        decode_s = sum(e["decode_s"] for e in extras)
    elif extras:  # transformers: one batched call
        decode_s = extras[0]["decode_s"]
    else:
        decode_s = None
    decode_tokens = max(new_tokens - len(gens), 0)  # the first token of each row comes from its prefill
    return {"wall_s": wall, "rows": len(gens), "new_tokens": new_tokens,
            "batch_decode_tok_s": decode_tokens / decode_s if decode_s else None}


def _stream_stats(gens) -> dict:
    """Prompts generated one at a time: prefill tokens/s over their full prompts, decode steps/s."""
    extras = [g.extra for g in gens if g.extra and "prefill_s" in g.extra]
    if not extras:
        return {"prompt_tokens": sum(g.prompt_tokens for g in gens), "prefill_tok_s": None, "decode_steps_s": None}
    prefill_s = sum(e["prefill_s"] for e in extras)
    decode_s = sum(e["decode_s"] for e in extras)
    steps = sum(e["decode_steps"] for e in extras)
    tokens = sum(g.prompt_tokens for g in gens)
    return {"prompt_tokens": tokens, "prefill_tok_s": tokens / prefill_s if prefill_s else None,
            "decode_steps_s": steps / decode_s if decode_s else None}


def _build_info(kind: str) -> dict | None:
    """How the runtime was built: the anchor must be what a plain pip install gives on this machine."""
    if kind == "llamacpp":
        import llama_cpp

        return {"llama_cpp_python": llama_cpp.__version__, "system_info": llama_cpp.llama_print_system_info().decode().strip(),
                "extra_bufts": os.environ.get("BENCH_LLAMACPP_EXTRA_BUFTS") != "0",
                "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY") or "libgomp default (spin, then sleep)"}
    if kind == "transformers":
        import torch

        from service.backends.transformers import OMP_WAIT

        return {"torch": torch.__version__, "threads": torch.get_num_threads(), "omp_wait": OMP_WAIT,
                "config": torch.__config__.parallel_info().splitlines()[:3]}
    return None


def read_bandwidth(mb: int, threads: int) -> float:
    """GB/s of a read-dominated kernel (a sum over `mb` MiB, on the runtimes' thread count), median of 5.

    Decode reads every weight once per step and writes almost nothing: this, not a copy, is its limit."""
    import torch

    torch.set_num_threads(threads)
    a = torch.ones(mb * (1 << 20) // 4, dtype=torch.float32)
    a.sum()  # fault the pages in
    rates = []
    for _ in range(5):
        t = time.perf_counter()
        a.sum()
        rates.append(a.nbytes / (time.perf_counter() - t) / 1e9)
    return statistics.median(rates)


def run_worker(kind: str, prompts_file: str, runs: int, env: dict) -> dict | str:
    cmd = [sys.executable, "-m", "bench.run", "--worker", kind, "--prompts", prompts_file, "--runs", str(runs)]
    env = {**env, "CLAIMTRACE_BACKEND": kind}  # what service/backends/__init__.py reads before torch loads
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        return f"{kind} failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode}"
    return json.loads(proc.stdout.strip().splitlines()[-1])
