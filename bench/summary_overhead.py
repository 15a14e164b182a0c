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
from service.backends import load_backend  # noqa: E402
from service.config import get_settings  # noqa: E402
from service.ingest import ingest  # noqa: E402
from service.schema import SummarizeOptions  # noqa: E402
from service.segment import segment  # noqa: E402
from service.summarize import summarize  # noqa: E402
from service.verify import verify  # noqa: E402


def unconstrained_seconds(backend, text: str, n_tokens: int) -> float:
    """The same model writing a free summary of exactly n_tokens new tokens (EOS suppressed)."""
    import torch

    messages = [{"role": "user", "content": f"Summarize this news article in 3 sentences.\n\n{text}"}]
    prompt = backend.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    enc = backend.tokenizer(prompt, return_tensors="pt", add_special_tokens=False)
    with torch.inference_mode():
        t0 = time.perf_counter()
        backend.model.generate(**enc, max_new_tokens=n_tokens, min_new_tokens=n_tokens, do_sample=False,
                               pad_token_id=backend.tokenizer.pad_token_id)
        return time.perf_counter() - t0


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
        summary = verify(draft, doc, att, opts, backend, max_new_tokens=settings.max_new_tokens)
        cited = time.perf_counter() - t0
        # tokens: the longest sequence of the batch sets the number of decode steps
        steps = max(1, draft.new_tokens // max(1, len(draft.sentences)))
        kept = " ".join(doc.text[s:e] for s, e in doc.kept())
        plain = unconstrained_seconds(backend, kept, steps * max(1, len(draft.sentences)))
        rows.append((path.stem, cited, plain, cited / plain, summary.stats.get("attempts", 1)))
        print(f"{path.stem:40s} cited {cited:6.1f}s  unconstrained {plain:6.1f}s  ratio {cited / plain:4.2f}  attempts {rows[-1][4]}", flush=True)
    print(f"median ratio (cited / unconstrained, same new tokens): {statistics.median(r[3] for r in rows):.2f}  (target <= 1.5)")


if __name__ == "__main__":
    main()
