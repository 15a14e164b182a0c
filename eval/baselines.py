"""Model-free summary baselines, scored with the same summary checks as the model's summaries.

    python -m eval.baselines [--only ID ...] [--exclude-prefix w-] [--json PATH]
    python -m eval.baselines --explain RUN_DIR   # why each must_attribute item of a model run was missed

For every fixture the attribution stage runs once (no model). Then each baseline builds a summary:

- lead-3: the first three sentences of the article body (the headline and page junk skipped); each
  sentence cites the claims it overlaps. This is what a summary without any selection gives.
- extractive-v2: the v2 selection (position prior, `summarize.select_claims`), each claim written as
  "<source> said <claim>" with article words only.
- extractive-v3: the v3 selection (importance, disputes paired, `selection.select_units`), written the
  same way with the reader's source names; this is summarize.v3 with the model taken out.
- extractive-v3-position / extractive-v3-nopairs / extractive-v3-nofill / extractive-v3-novoices /
  extractive-v3-noprominence: v3 with the position prior / without pairing / without ride-alongs /
  without the new-voice ride-along rule / without the main-actor weight (source mentions), the
  alternatives the selection was measured against.

The model's contribution is the difference between a model run's numbers and these.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from service.attribute import attribute
from service.ingest import ingest
from service.schema import ModelInfo, SummarizeOptions, SummarizeRequest, SummarySentence
from service.segment import segment

from . import metrics
from .adapters import load_fixtures

SUMMARY_KEYS = ("must_mention_coverage", "must_attribute_rate", "summary_wrong_source", "must_not_state_violations",
                "unsupported_numbers", "unsupported_names")
_SENT = re.compile(r"(?<=[.!?”\"])\s+(?=[A-Z“\"])")


def lead3(doc, attribution) -> list[SummarySentence]:
    from service.summarize import split_sentences

    out = []
    for s, e in doc.kept():
        pos = s
        for piece in split_sentences(doc.text[s:e]):
            start = doc.text.index(piece, pos)
            end = start + len(piece)
            pos = end
            text = " ".join(piece.split())
            if len(text.split()) < 4:
                continue
            ids = [c.id for c in attribution.claims if c.content.start < end and c.content.end > start]
            out.append(SummarySentence(text=text, claim_ids=ids))
            if len(out) == 3:
                return out
    return out


def extractive_v2(doc, attribution, n) -> list[SummarySentence]:
    from service.summarize import extractive_sentence, select_claims

    sources = {s.id: s for s in attribution.sources}
    chosen = sorted(select_claims(attribution, n), key=lambda c: c.content.start)
    return [SummarySentence(text=extractive_sentence(c, sources[c.source_id]), claim_ids=[c.id]) for c in chosen]


def extractive_v3(doc, attribution, n, **kw) -> list[SummarySentence]:
    from service.selection import reader_name, select_units
    from service.summarize import extractive_unit

    sources = {s.id: s for s in attribution.sources}
    out = []
    for u in select_units(doc, attribution, n, **kw):
        names = {c.id: reader_name(c, sources[c.source_id], doc) for c in u.claims if c.kind != "unsourced"}
        out.append(SummarySentence(text=extractive_unit(u.claims, sources, names), claim_ids=[c.id for c in u.claims]))
    return out


BASELINES = {
    "lead-3": lambda doc, att, n: lead3(doc, att),
    "extractive-v2": extractive_v2,
    "extractive-v3": extractive_v3,
    "extractive-v3-position": lambda doc, att, n: extractive_v3(doc, att, n, strategy="position"),
    "extractive-v3-nopairs": lambda doc, att, n: extractive_v3(doc, att, n, pairs=False),
    "extractive-v3-nofill": lambda doc, att, n: extractive_v3(doc, att, n, fill=False),
    "extractive-v3-novoices": lambda doc, att, n: extractive_v3(doc, att, n, voices=False),
    "extractive-v3-noprominence": lambda doc, att, n: extractive_v3(doc, att, n, prominence=0.0),
}


def run(gold, names=tuple(BASELINES)) -> dict[str, dict]:
    from service.repair import Summary
    from service.respond import respond
    from service.selection import target_length

    totals = {k: metrics.Counts() for k in names}
    problems: dict[str, dict[str, list[str]]] = {k: {} for k in names}
    info = ModelInfo(name="none", backend="baseline")
    for art in gold:
        request = SummarizeRequest(text=art.text, title=art.title, options=SummarizeOptions())
        doc = ingest(text=art.text, title=art.title)
        att = attribute(doc, segment(doc))
        n = target_length(doc, request.options)
        for k in names:
            sentences = BASELINES[k](doc, att, n)
            resp = respond(request, doc, att, Summary(sentences=sentences, warnings=[]), info, {}, {})
            score = metrics.score_article(art, resp)
            totals[k] = totals[k] + score.counts
            if score.summary_problems:
                problems[k][art.id] = score.summary_problems
    return {k: {"metrics": metrics.aggregate(totals[k]), "counts": totals[k].to_dict(), "problems": problems[k]}
            for k in names}


def explain(run_dir: Path, exclude_prefixes: tuple[str, ...] = ()) -> dict[str, dict[str, int]]:
    """Why each must_attribute item of a run (its responses.jsonl) was missed, per fixture group:

    - engine: no claim of the response carries the fact (attribution found nothing to summarize);
    - not selected: a claim carries it, but no summary sentence cites that claim;
    - repair dropped: a sentence carrying it was generated and dropped or replaced (see warnings);
    - source dropped: a summary sentence carries the fact without its source's name;
    - model dropped: a sentence cites the claim but the fact's words are not in it."""
    from .matching import phrase_in

    rows = [json.loads(line) for line in (run_dir / "responses.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    # only the fixtures the run scored (never a fixture folder's other files: a held-out set may be in it)
    ids = sorted({r["article"] for r in rows if not any(r["article"].startswith(x) for x in exclude_prefixes)})
    gold = {g.id: g for g in load_fixtures(only=ids)} if ids else {}
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        art, resp = gold.get(row["article"]), row.get("response")
        if art is None or not resp or art.summary is None:
            continue
        group = out.setdefault("blind" if art.labelled_blind else "tuned", {})
        sentences = resp.get("summary") or []
        for ma in art.summary.must_attribute:
            facts, names = ma.fact.split("|"), ma.source.split("|")
            carriers = [s for s in sentences if any(phrase_in(f, s["text"]) for f in facts)]
            if any(any(phrase_in(n, s["text"]) for n in names) for s in carriers):
                why = "ok"
            elif carriers:
                why = "source dropped"
            else:
                claims = [c["id"] for c in resp["claims"] if any(phrase_in(f, c["content"]["text"]) for f in facts)]
                cited = {i for s in sentences for i in s["claim_ids"]}
                if not claims:
                    why = "engine"
                elif set(claims) & cited:
                    why = "model dropped"
                elif any(any(phrase_in(f, w) for f in facts) for w in resp.get("warnings", [])):
                    why = "repair dropped"
                else:
                    why = "not selected"
            group[why] = group.get(why, 0) + 1
    return out


def _fmt(v) -> str:
    if v is None:
        return "n/a"
    return f"{100 * v:.1f}%" if isinstance(v, float) else str(v)


def table(results: dict[str, dict]) -> str:
    keys = [k for k in SUMMARY_KEYS if any(k in r["metrics"] for r in results.values())]
    lines = ["| baseline | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for name, r in results.items():
        lines.append(f"| {name} | " + " | ".join(_fmt(r["metrics"].get(k)) for k in keys) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.baselines", description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="+")
    ap.add_argument("--exclude-prefix", action="append", default=[], help="skip fixtures whose id starts so (e.g. w-)")
    ap.add_argument("--baseline", nargs="+", choices=list(BASELINES), default=list(BASELINES))
    ap.add_argument("--problems", action="store_true", help="print each fixture's failed summary checks")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--explain", type=Path, metavar="RUN_DIR", help="classify a model run's must_attribute misses")
    args = ap.parse_args(argv)
    if args.explain:
        for group, counts in sorted(explain(args.explain, tuple(args.exclude_prefix)).items()):
            print(f"{group}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])))
        return 0
    only = args.only
    if args.exclude_prefix:  # filter by file name first: a fixture being written elsewhere may not load yet
        from .adapters import FIXTURES_DIR

        only = [p.stem for p in sorted(FIXTURES_DIR.glob("*.json"))
                if (not args.only or p.stem in args.only) and not any(p.stem.startswith(x) for x in args.exclude_prefix)]
    gold = load_fixtures(only=only)
    results = run(gold, args.baseline)
    print(f"{len(gold)} fixtures")
    print(table(results))
    if args.problems:
        for name, r in results.items():
            print(f"\n## {name}")
            for aid, probs in r["problems"].items():
                print(f"{aid}: {probs}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
