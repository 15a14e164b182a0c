"""Greedy token ids of the default runtime on the seed article's summary prompts.

A runtime change to the transformers backend (KV cache, fused matmuls, compiled steps) must keep
these ids: `--write` records them from the current tree, `--check` compares against the recorded
file (tests/test_greedy_tokens.py runs the check under the `model` marker).

    .venv/bin/python -m bench.greedy_check --write tests/golden/greedy_tokens.json
    .venv/bin/python -m bench.greedy_check --check tests/golden/greedy_tokens.json

The golden file keeps the prompts with the ids, and `--check` replays them: a change to the
attribution or the claim selection (which builds the prompts) does not move this check, a runtime
change does. Two passes per article, as the bench makes them: the service's call (its rows batched, the system
turn shared) and each prompt alone (batch 1, reusing the kept system-turn KV as the service does).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARTICLES = ["nk-workers-russia"]


def token_ids(backend, articles: list[str] = ARTICLES, recorded: dict | None = None) -> dict:
    """`recorded`: a golden file's rows; where a row carries its prompts, those are replayed, so the
    check measures the runtime alone and not the attribution or selection that built the prompts."""
    from bench.capture import FIXTURES, summary_prompts
    from service.backends import GenParams

    assert set(articles) <= set(FIXTURES)
    replay = {name: row["prompt"] for name, row in (recorded or {}).items() if name in articles and "prompt" in row}
    texts = {name: json.loads((ROOT / "eval" / "fixtures" / f"{name}.json").read_text(encoding="utf-8"))["text"]
             for name in articles if name not in replay}
    out: dict = {}
    for name, p in {**summary_prompts(texts), **replay}.items():
        params = GenParams(max_new_tokens=p["max_new_tokens"], stop=tuple(p["stop"]), prefixes=tuple(p["prefixes"]))
        t = time.perf_counter()
        service = backend.generate_ids(p["prompts"], params)
        singles = []
        for i, messages in enumerate(p["prompts"]):
            one = GenParams(max_new_tokens=params.max_new_tokens, stop=params.stop, prefixes=(params.prefix(i),))
            singles += backend.generate_ids([messages], one)
        out[name] = {"service": service, "batch1": singles, "seconds": round(time.perf_counter() - t, 1), "prompt": p}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench.greedy_check", description=__doc__.splitlines()[0])
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path)
    group.add_argument("--check", type=Path)
    args = ap.parse_args(argv)
    from service.backends import load_backend
    from service.config import get_settings

    backend = load_backend(get_settings(), "transformers")
    got = token_ids(backend, recorded=json.loads(args.check.read_text()) if args.check else None)
    for name, row in got.items():
        print(name, row["seconds"], "s", [len(x) for x in row["service"]], [len(x) for x in row["batch1"]])
    if args.write:
        args.write.write_text(json.dumps({k: {"service": v["service"], "batch1": v["batch1"], "prompt": v["prompt"]}
                                          for k, v in got.items()}) + "\n")
        print("wrote", args.write)
        return 0
    want = json.loads(args.check.read_text())
    bad = [f"{name} {kind}" for name in want for kind in ("service", "batch1") if got[name][kind] != want[name][kind]]
    print("identical" if not bad else f"DIFFERENT: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
