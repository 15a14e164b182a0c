"""Seconds for the attribution stage (segment + attribute, no LLM) on a ~1,000-word article.

    .venv/bin/python bench/attribute_speed.py [article.txt]

The default article is the seed text repeated to ~1,000 words (paragraphs kept, junk removed by
ingest). Model loading is excluded from the runs (it happens once per process) and reported on
its own: the spaCy pipeline's and the attribution tagger's load time and resident memory. The
median of 5 runs is printed for each engine (CLAIMTRACE_ATTRIBUTION: rules, combined).
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import resource  # noqa: E402

from service.attribute import attribute  # noqa: E402
from service.attribute.tagger import load_tagger  # noqa: E402
from service.ingest import ingest  # noqa: E402
from service.nlp import load_pipeline  # noqa: E402
from service.segment import segment  # noqa: E402

# the seed article as kept in the eval fixtures (the repository stands on its own)
SEED = Path(__file__).resolve().parent.parent / "eval" / "fixtures" / "nk-workers-russia.json"


def article() -> str:
    if len(sys.argv) > 1:
        return Path(sys.argv[1]).read_text(encoding="utf-8")
    doc = ingest(text=json.loads(SEED.read_text(encoding="utf-8"))["text"])
    body = "\n\n".join(doc.text[s:e].strip() for s, e in doc.kept() if doc.text[s:e].strip())
    out = body
    while len(out.split()) < 1000:
        out += "\n\n" + body
    return out


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    text = article()
    r0, t0 = _rss_mb(), time.perf_counter()
    load_pipeline()
    r1, t1 = _rss_mb(), time.perf_counter()
    load_tagger()
    r2, t2 = _rss_mb(), time.perf_counter()
    print(f"load: spacy {t1 - t0:.2f}s +{r1 - r0:.0f}MB; tagger {t2 - t1:.2f}s +{r2 - r1:.0f}MB")
    for mode in ("rules", "combined"):
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            doc = ingest(text=text)
            att = attribute(doc, segment(doc), mode=mode)
            runs.append(time.perf_counter() - t)
        print(f"{mode}: words={len(text.split())} claims={len(att.claims)} sources={len(att.sources)} "
              f"seconds_median={statistics.median(runs):.3f} seconds_max={max(runs):.3f} "
              f"seconds_per_1000_words={statistics.median(runs) * 1000 / len(text.split()):.3f}")
    print(f"rss after runs: {_rss_mb():.0f}MB")


if __name__ == "__main__":
    main()
