"""`claimtrace batch IN.jsonl OUT.jsonl`: the pipeline over an archive, in worker processes.

IN holds one request object a line: the /v1/summarize body (`text` or `html`, optional `title`, `url`,
`options`) plus an `id` (a line without one is keyed `line-<n>`). OUT gets one line per input line,
in input order: `{"id": …, "response": {…}}` or `{"id": …, "error": {"code", "message"}}`.

- Claims only by default (attribution, no model: the archive use); `--summary` keeps each line's own
  options and loads the model once per worker.
- Resumable: ids already in OUT are skipped, and a last line cut short by a crash is dropped first.
- `--workers N` processes (default: the CPU count), a progress bar with articles/s on stderr.

`process(obj)` is the per-article function; any other engine can map it over the same lines (each
worker calls `init_worker(summary)` once first).
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

from .schema import ModelInfo

_backend = None
_summary = False


class NoModel:
    """The backend of a claims-only run: no weights; it is never asked to generate."""

    info = ModelInfo(name="none", backend="none", dtype=None, sha256=None)

    def generate(self, prompts, params):  # pragma: no cover - summarize=false never calls it
        raise RuntimeError("claims-only batch: no model loaded")


def init_worker(summary: bool = False) -> None:
    global _backend, _summary
    from .config import get_settings

    _summary = summary
    if summary:
        from .backends import load_backend

        _backend = load_backend(get_settings())
    else:
        _backend = NoModel()


def line_id(obj: dict, n: int) -> str:
    rid = obj.get("id") if isinstance(obj, dict) else None
    return str(rid) if rid not in (None, "") else f"line-{n}"


def process(item: tuple[int, str]) -> str:
    """(line number, JSON line) -> one output line (no newline)."""
    from pydantic import ValidationError

    from . import pipeline
    from .config import get_settings
    from .deadline import Deadline
    from .errors import ClaimTraceError
    from .schema import SummarizeRequest

    if _backend is None:
        init_worker(False)
    n, line = item
    try:
        obj = json.loads(line)
    except ValueError as e:
        return json.dumps({"id": f"line-{n}", "error": {"code": "invalid_input", "message": f"not JSON: {e}"}})
    rid = line_id(obj, n)
    if not isinstance(obj, dict):
        return json.dumps({"id": rid, "error": {"code": "invalid_input", "message": "a line must be a JSON object"}})
    body = {k: v for k, v in obj.items() if k != "id"}
    if not _summary:
        body["options"] = {**(body.get("options") or {}), "summarize": False}
    try:
        request = SummarizeRequest(**body)
        response = pipeline.run(request, _backend, get_settings(), deadline=Deadline(None))  # no CPU budget offline
    except ValidationError as e:
        msg = "; ".join(": ".join(p for p in (".".join(map(str, err["loc"])), err["msg"].removeprefix("Value error, ")) if p)
                        for err in e.errors())
        return json.dumps({"id": rid, "error": {"code": "invalid_input", "message": msg}}, ensure_ascii=False)
    except ClaimTraceError as e:
        return json.dumps({"id": rid, "error": {"code": e.code, "message": e.message}}, ensure_ascii=False)
    except ValueError as e:
        return json.dumps({"id": rid, "error": {"code": "invalid_input", "message": str(e)}}, ensure_ascii=False)
    data = json.loads(response.model_dump_json(exclude_none=True))
    return json.dumps({"id": rid, "response": data}, ensure_ascii=False)


def done_ids(out: Path) -> set[str]:
    """Ids already written to OUT; a cut-short last line is removed from the file."""
    if not out.exists():
        return set()
    raw = out.read_bytes()
    keep = raw if raw.endswith(b"\n") or not raw else raw[: raw.rfind(b"\n") + 1]
    ids = set()
    good = 0
    for line in keep.splitlines(keepends=True):
        try:
            ids.add(str(json.loads(line)["id"]))
            good += len(line)
        except (ValueError, KeyError, TypeError):
            break  # a damaged line: it and everything after it is redone
    if good != len(raw):
        with open(out, "r+b") as f:
            f.truncate(good)
    return ids


def run(in_path: Path, out_path: Path, *, workers: int | None = None, summary: bool = False,
        progress: bool = True) -> dict:
    from tqdm import tqdm

    lines = [(n, line) for n, line in enumerate(in_path.read_text(encoding="utf-8").splitlines(), 1) if line.strip()]
    done = done_ids(out_path)
    todo = []
    for n, line in lines:
        try:
            rid = line_id(json.loads(line), n)
        except ValueError:
            rid = f"line-{n}"
        if rid not in done:
            todo.append((n, line))
    workers = max(1, workers or os.cpu_count() or 1)
    t0 = time.perf_counter()
    errors = 0
    bar = tqdm(total=len(todo), unit="article", disable=not progress, file=sys.stderr, dynamic_ncols=True,
               desc=f"{len(done)} done before" if done else None)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "a", encoding="utf-8") as out:
        if workers == 1:
            init_worker(summary)
            results = map(process, todo)
            pool = None
        else:
            pool = mp.get_context("spawn").Pool(workers, initializer=init_worker, initargs=(summary,))
            results = pool.imap(process, todo, chunksize=1)  # input order, one article at a time
        try:
            for text in results:
                out.write(text + "\n")
                out.flush()
                errors += "error" in json.loads(text)
                bar.update(1)
        finally:
            if pool is not None:
                pool.close()
                pool.join()
            bar.close()
    seconds = time.perf_counter() - t0
    stats = {"input": len(lines), "skipped": len(lines) - len(todo), "processed": len(todo), "errors": int(errors),
             "workers": workers, "seconds": round(seconds, 2),
             "articles_per_s": round(len(todo) / seconds, 3) if seconds > 0 and todo else None}
    print(json.dumps(stats), file=sys.stderr)
    return stats
