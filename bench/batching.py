"""Continuous batching on the real default runtime: 4 articles' summary calls one after another,
then at once from 4 threads, in one process (the raw model figure behind `four_clients_throughput`).

    .venv/bin/python -m bench.batching                  # CLAIMTRACE_CONTINUOUS_BATCHING forced on
    .venv/bin/python -m bench.batching --off            # the same with one generate() at a time (the lock)

Prints and writes bench/results/batching-<time>.json: wall s of each pass and their ratio, each
request's latency, whether each row's greedy ids decoded alongside the others equal its ids decoded
alone (and where the first one differs), and the load averages.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench.batching", description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=4)
    ap.add_argument("--off", action="store_true", help="continuous batching off (the lock): the baseline")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = ap.parse_args(argv)
    from bench.capture import articles, summary_prompts
    from service.backends import GenParams, load_backend
    from service.config import Settings

    settings = Settings.from_env().model_copy(update={"continuous_batching": not args.off})
    backend = load_backend(settings, "transformers")
    calls = []
    for name, p in summary_prompts(articles(False, args.articles)).items():
        params = GenParams(max_new_tokens=p["max_new_tokens"], stop=tuple(p["stop"]), prefixes=tuple(p["prefixes"]))
        calls.append((name, p["prompts"], params))
    backend.generate_ids([calls[0][1][0]], GenParams(max_new_tokens=4))  # first-forward allocations
    report: dict = {"date": time.strftime("%Y-%m-%dT%H:%M:%S"), "continuous_batching": not args.off,
                    "articles": [c[0] for c in calls], "rows": [len(c[1]) for c in calls],
                    "load_avg_start": os.getloadavg()}

    def one(name, prompts, params, into):
        # generate() as the service calls it, but keeping the token ids and the loop's stats
        ids = [backend.encode(m, params.prefix(i)) for i, m in enumerate(prompts)]
        t = time.perf_counter()
        new_ids, _, stats, _ = backend._greedy(ids, params)
        into[name] = {"ids": new_ids, "s": time.perf_counter() - t, "stats": stats}

    seq: dict = {}
    t = time.perf_counter()
    for c in calls:
        one(*c, seq)
    report["sequential_s"] = time.perf_counter() - t
    report["load_avg_mid"] = os.getloadavg()
    conc: dict = {}
    steps0 = backend._scheduler.steps if backend._scheduler is not None else 0
    threads = [threading.Thread(target=one, args=(*c, conc)) for c in calls]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    report["concurrent_s"] = time.perf_counter() - t
    report["load_avg_end"] = os.getloadavg()
    report["throughput_ratio"] = report["sequential_s"] / report["concurrent_s"]
    report["latency_s"] = {n: {"sequential": seq[n]["s"], "concurrent": conc.get(n, {}).get("s")} for n in seq}
    report["new_tokens"] = {n: [len(x) for x in seq[n]["ids"]] for n in seq}
    keys = ("prefill_tokens", "prefill_s", "decode_s", "decode_steps", "batched_rows_max")
    report["stats"] = {n: {p: {k: x[n]["stats"].get(k) for k in keys} for p, x in (("sequential", seq), ("concurrent", conc))}
                       for n in seq}
    if backend._scheduler is not None:
        report["decode_forwards"] = {"sequential": sum(seq[n]["stats"]["decode_steps"] for n in seq),
                                     "concurrent": backend._scheduler.steps - steps0}
    same = {}
    for n in seq:
        rows = []
        for a, b in zip(seq[n]["ids"], conc[n]["ids"], strict=True):
            first = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), None)  # noqa: B905
            rows.append("same" if a == b else f"differs at token {first if first is not None else min(len(a), len(b))}")
        same[n] = rows
    report["batched_vs_alone"] = same
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"batching-{time.strftime('%Y%m%d-%H%M%S')}{'-off' if args.off else ''}.json"
    path.write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))
    print("wrote", path)
    close = getattr(backend, "close", None)
    if close is not None:
        close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
