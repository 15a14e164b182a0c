"""The `claimtrace batch` pipeline on Ray Data: `python -m service.ray_batch IN.jsonl OUT.jsonl`.

Same input, output, ids, order and resumption as `service.batch` (whose `process` is the per-article
function), but the articles are spread over a Ray cluster: `map_batches` with a pool of actors, each
calling `init_worker` once (the spaCy pipeline, the attribution tagger and, with `--summary`, the
model are loaded once per worker, not per article). Results stream back to the driver in input order
and are appended to OUT as they arrive, so a run that dies can be resumed like a local one.

`--address auto` joins a running cluster (`ray start --head` / RAY_ADDRESS); without it a local
single-node Ray is started for the run. The driver reads IN; every node needs the package installed
(the Docker image or `pip install -e .`); CLAIMTRACE_* variables of the driver are passed to the
workers. Ray is optional: requirements/ray.txt.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from . import batch


class _Worker:
    """One Ray actor: loads what an article needs once, then maps `batch.process` over its batches."""

    def __init__(self, summary: bool):
        batch.init_worker(summary)

    def __call__(self, rows: dict) -> dict:
        import numpy as np

        out = [batch.process((int(n), str(line))) for n, line in zip(rows["n"], rows["line"])]
        return {"n": rows["n"], "out": np.array(out, dtype=object)}


def _todo(in_path: Path, out_path: Path) -> tuple[int, list[dict]]:
    lines = [(n, line) for n, line in enumerate(in_path.read_text(encoding="utf-8").splitlines(), 1) if line.strip()]
    done = batch.done_ids(out_path)
    todo = []
    for n, line in lines:
        try:
            rid = batch.line_id(json.loads(line), n)
        except ValueError:
            rid = f"line-{n}"
        if rid not in done:
            todo.append({"n": n, "line": line})
    return len(lines), todo


def run(in_path: Path, out_path: Path, *, workers: int | None = None, summary: bool = False,
        batch_size: int = 1, address: str | None = None, progress: bool = True) -> dict:
    import ray

    n_lines, todo = _todo(in_path, out_path)
    workers = max(1, workers or os.cpu_count() or 1)
    env = {k: v for k, v in os.environ.items() if k.startswith("CLAIMTRACE_")}
    started = bool(todo) and not ray.is_initialized()  # nothing to do: no cluster needed
    if started:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False,
                 runtime_env={"env_vars": env} if env else None,
                 **({} if address else {"num_cpus": workers, "object_store_memory": 256 * 2**20}))
    t0 = time.perf_counter()
    errors = 0
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True  # OUT in input order, as `claimtrace batch` writes it
        ctx.enable_progress_bars = progress
        if todo:
            ds = ray.data.from_items(todo, override_num_blocks=max(1, min(len(todo), workers * 8)))
            ds = ds.map_batches(_Worker, fn_constructor_kwargs={"summary": summary}, batch_size=batch_size,
                                batch_format="numpy", num_cpus=1,
                                compute=ray.data.ActorPoolStrategy(size=workers))
            out_path.parent.mkdir(parents=True, exist_ok=True)
            with open(out_path, "a", encoding="utf-8") as out:
                for row in ds.iter_rows():
                    text = str(row["out"])
                    out.write(text + "\n")
                    out.flush()
                    errors += "error" in json.loads(text)
    finally:
        if started:
            ray.shutdown()
    seconds = time.perf_counter() - t0
    stats = {"input": n_lines, "skipped": n_lines - len(todo), "processed": len(todo), "errors": int(errors),
             "workers": workers, "engine": "ray", "seconds": round(seconds, 2),
             "articles_per_s": round(len(todo) / seconds, 3) if seconds > 0 and todo else None}
    print(json.dumps(stats), file=sys.stderr)
    return stats


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m service.ray_batch", description=__doc__.splitlines()[0])
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--workers", type=int, default=None, help="Ray actors, one CPU each (default: CPU count)")
    p.add_argument("--summary", action="store_true", help="also summarize (loads the model in every actor)")
    p.add_argument("--batch-size", type=int, default=1, help="articles per map_batches call (default 1)")
    p.add_argument("--address", default=None, help="a running Ray cluster ('auto'); default: a local Ray")
    p.add_argument("--no-progress", action="store_true")
    args = p.parse_args(argv)
    stats = run(Path(args.input), Path(args.output), workers=args.workers, summary=args.summary,
                batch_size=args.batch_size, address=args.address, progress=not args.no_progress)
    return 1 if stats["errors"] and stats["errors"] == stats["processed"] else 0


if __name__ == "__main__":
    sys.exit(main())
