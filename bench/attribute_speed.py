"""Seconds for the attribution stage (segment + attribute, no LLM) on a ~1,000-word article.

    .venv/bin/python bench/attribute_speed.py [article.txt]

The default article is the seed text repeated to ~1,000 words (paragraphs kept, junk removed by
ingest). Model loading is excluded (it happens once per process); the median of 5 runs is printed.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.attribute import attribute  # noqa: E402
from service.ingest import ingest  # noqa: E402
from service.nlp import load_pipeline  # noqa: E402
from service.segment import segment  # noqa: E402

SEED = Path("/work/shared/seed/nk-workers-russia.txt")


def article() -> str:
    if len(sys.argv) > 1:
        return Path(sys.argv[1]).read_text(encoding="utf-8")
    doc = ingest(text=SEED.read_text(encoding="utf-8"))
    body = "\n\n".join(doc.text[s:e].strip() for s, e in doc.kept() if doc.text[s:e].strip())
    out = body
    while len(out.split()) < 1000:
        out += "\n\n" + body
    return out


def main() -> None:
    text = article()
    load_pipeline()
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        doc = ingest(text=text)
        att = attribute(doc, segment(doc))
        runs.append(time.perf_counter() - t)
    print(f"words={len(text.split())} claims={len(att.claims)} sources={len(att.sources)} "
          f"seconds_median={statistics.median(runs):.3f} seconds_max={max(runs):.3f}")


if __name__ == "__main__":
    main()
