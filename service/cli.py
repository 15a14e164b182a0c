"""Command line: `claimtrace serve`, `claimtrace summarize FILE|-`, `claimtrace eval …`."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .config import get_settings


def _serve(args: argparse.Namespace) -> int:
    from . import memory

    memory.limit_arenas()  # before spaCy, torch and the worker threads allocate (issue 10 item 9)
    import uvicorn

    from .api.app import create_app
    from .api.server import uvicorn_options
    from .backends.weights import resolve
    from .errors import ClaimTraceError

    settings = get_settings()
    if args.host:
        settings = settings.model_copy(update={"host": args.host})
    if args.port:
        settings = settings.model_copy(update={"port": args.port})
    from .api import observability

    observability.log_on_start = (settings.log_level, settings.log_format)  # after uvicorn's own logging set-up
    if settings.backend not in ("fake", "openai"):  # an engine-backed replica holds no model
        try:  # a missing model or a checksum mismatch stops start-up here, with a clear message
            resolve(settings.model, settings.cache_dir, settings.model_sha256)
        except ClaimTraceError as e:
            logging.getLogger("claimtrace").critical("%s", e.message)
            return 2
    # keep-alive, header size, connection limit and header timeout: api/server.py (README, configuration)
    uvicorn.run(create_app(settings), **uvicorn_options(settings))
    return 0


def _summarize(args: argparse.Namespace) -> int:
    from . import pipeline
    from .backends import load_backend
    from .errors import ClaimTraceError
    from .schema import SummarizeOptions, SummarizeRequest

    raw = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    settings = get_settings()
    options = SummarizeOptions(max_sentences=args.max_sentences, style=args.style, summarize=not args.no_summary)
    try:
        body = {"html": raw} if args.html else {"text": raw}
        request = SummarizeRequest(**body, title=args.title, options=options)
        response = pipeline.run(request, load_backend(settings), settings)
    except ClaimTraceError as e:
        print(json.dumps({"error": {"code": e.code, "message": e.message}}), file=sys.stderr)
        return 1
    except ValueError as e:
        print(json.dumps({"error": {"code": "invalid_input", "message": str(e)}}), file=sys.stderr)
        return 1
    print(response.model_dump_json(indent=2, exclude_none=True))
    return 0


def _keys(args: argparse.Namespace) -> int:
    from .api.auth import add_key

    path = Path(args.file) if args.file else get_settings().api_keys_file
    if path is None:
        print("set CLAIMTRACE_API_KEYS_FILE or pass --file", file=sys.stderr)
        return 2
    try:
        key = add_key(Path(path), args.label)
    except ValueError as e:
        print(str(e), file=sys.stderr)
        return 1
    print(key)  # shown once: the file keeps only its SHA-256
    print(f"added key for {args.label!r} to {path}", file=sys.stderr)
    return 0


def _batch(args: argparse.Namespace) -> int:
    from .batch import run

    stats = run(Path(args.input), Path(args.output), workers=args.workers, summary=args.summary,
                progress=not args.no_progress)
    return 1 if stats["errors"] and stats["errors"] == stats["processed"] else 0


def _eval(rest: list[str]) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from eval.runner import main

    return main(rest) or 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        settings = get_settings()  # every CLAIMTRACE_* setting is checked here, before anything starts
    except ValueError as e:  # pydantic's ValidationError: one line per bad setting
        print(f"claimtrace: invalid configuration: {e}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    if argv[:1] == ["eval"]:
        return _eval(argv[1:])
    parser = argparse.ArgumentParser(prog="claimtrace", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="start the HTTP API (model from CLAIMTRACE_MODEL)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    summ = sub.add_parser("summarize", help="print the JSON response for an article file (or - for stdin)")
    summ.add_argument("file")
    summ.add_argument("--html", action="store_true", help="the input is HTML")
    summ.add_argument("--title")
    summ.add_argument("--max-sentences", type=int, default=None)
    summ.add_argument("--style", choices=["prose", "bullets"], default="prose")
    summ.add_argument("--no-summary", action="store_true", help="claims and sources only, no model call")
    sub.add_parser("eval", help="run the eval suite (python -m eval --help)")
    keys = sub.add_parser("keys", help="API keys (CLAIMTRACE_API_KEYS_FILE)")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    add = keys_sub.add_parser("add", help="make a key for LABEL, print it once and append its hash to the keys file")
    add.add_argument("label")
    add.add_argument("--file", help="the keys file (default: CLAIMTRACE_API_KEYS_FILE)")
    batch = sub.add_parser("batch", help="run IN.jsonl (one request a line, keyed by 'id') into OUT.jsonl; resumable")
    batch.add_argument("input")
    batch.add_argument("output")
    batch.add_argument("--workers", type=int, default=None, help="worker processes (default: CPU count)")
    batch.add_argument("--summary", action="store_true", help="also summarize (loads the model in every worker)")
    batch.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    return {"serve": _serve, "summarize": _summarize, "keys": _keys, "batch": _batch}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
