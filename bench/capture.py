"""The bench's work: fixture articles and the exact summary prompts ClaimTrace sends for them."""
from __future__ import annotations

import json
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FIXTURES = ["nk-workers-russia", "a-central-bank", "a-court-ruling", "b-kestria-blackout",
            "b-ostberg-bus-strike", "a-flood-levee"]
TINY = ("The ministry said on Monday that 40 schools would reopen next week. “We are ready,” said Mara Lind, "
        "the education minister. Critics said the plan was rushed.")


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def articles(quick: bool, limit: int | None = None) -> dict[str, str]:
    if quick:
        return {"tiny": TINY}
    names = FIXTURES[:limit] if limit else FIXTURES
    return {name: json.loads((ROOT / "eval" / "fixtures" / f"{name}.json").read_text(encoding="utf-8"))["text"]
            for name in names}


def summary_prompts(texts: dict[str, str]) -> dict[str, dict]:
    """The exact prompts ClaimTrace sends for each article (ingest -> attribute -> summarize, model captured)."""
    from service.attribute import attribute
    from service.backends.base import Generation
    from service.ingest import ingest
    from service.schema import SummarizeOptions
    from service.segment import segment
    from service.summarize import summarize

    class Capture:
        info = None

        def __init__(self):
            self.calls = []

        def generate(self, prompts, params):
            self.calls.append((prompts, params))
            return [Generation(text=params.prefix(i) + " x.") for i in range(len(prompts))]

    out = {}
    for name, text in texts.items():
        doc = ingest(text=text)
        cap = Capture()
        summarize(doc, attribute(doc, segment(doc)), SummarizeOptions(), cap, max_new_tokens=220)
        if cap.calls:
            prompts, params = cap.calls[0]
            out[name] = {"prompts": prompts, "prefixes": list(params.prefixes), "stop": list(params.stop),
                         "max_new_tokens": params.max_new_tokens}
    return out
