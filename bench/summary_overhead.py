"""Issue 5's cost target: a cited, verified summary vs an unconstrained summary of the same length.

For each article: run ingest -> attribute, then time summarize + verify (forced-prefix, batched,
verified; retries included) and count the tokens it generated; then time the same model writing a
plain, unconstrained summary of the article with exactly that many new tokens. Prints per-article
seconds and the median ratio (target <= 1.5).

    .venv/bin/python bench/summary_overhead.py [--n 5]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.attribute import attribute  # noqa: E402
from service.backends import GenParams, load_backend  # noqa: E402
from service.config import get_settings  # noqa: E402
from service.ingest import ingest  # noqa: E402
from service.repair import repair  # noqa: E402
from service.schema import SummarizeOptions  # noqa: E402
from service.segment import segment  # noqa: E402
from service.summarize import summarize  # noqa: E402
from service.verify import verify  # noqa: E402


def unconstrained_seconds(backend, text: str, n_tokens: int) -> tuple[float, int]:
    """The same model and runtime loop writing a free summary of the article, capped at n_tokens.

    Returns (seconds, new tokens); a free 3-sentence summary normally runs past the cap, so both
    sides generate the same number of tokens."""
    messages = [{"role": "user", "content": f"Summarize this news article in 3 sentences.\n\n{text}"}]
    t0 = time.perf_counter()
    gen = backend.generate([messages], GenParams(max_new_tokens=n_tokens))[0]
    return time.perf_counter() - t0, gen.new_tokens


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5, help="number of fixtures (seed first)")
    args = ap.parse_args()
    settings = get_settings()
    backend = load_backend(settings)
    files = sorted((ROOT / "eval" / "fixtures").glob("*.json"), key=lambda p: (p.stem != "nk-workers-russia", p.stem))
    rows = []
    for path in files[: args.n]:
        text = json.loads(path.read_text(encoding="utf-8"))["text"]
        doc = ingest(text=text)
        att = attribute(doc, segment(doc))
        opts = SummarizeOptions()
        t0 = time.perf_counter()
        draft = summarize(doc, att, opts, backend, max_new_tokens=settings.max_new_tokens)
        summary = repair(verify(draft, doc, att), doc, att, opts, lambda fb: summarize(
            doc, att, opts, backend, max_new_tokens=settings.max_new_tokens, feedback=fb))
        cited = time.perf_counter() - t0
        kept = " ".join(doc.text[s:e] for s, e in doc.kept())
        plain, plain_tokens = unconstrained_seconds(backend, kept, max(1, draft.new_tokens))
        rows.append((path.stem, cited, plain, cited / plain, summary.stats.get("attempts", 1)))
        print(f"{path.stem:34s} cited {cited:5.1f}s ({draft.new_tokens} tok)  unconstrained {plain:5.1f}s "
              f"({plain_tokens} tok)  ratio {cited / plain:4.2f}  attempts {rows[-1][4]}", flush=True)
    print(f"median ratio (cited / unconstrained, same new tokens): {statistics.median(r[3] for r in rows):.2f}  (target <= 1.5)")


if __name__ == "__main__":
    main()
