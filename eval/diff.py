"""What changed between two eval runs, from their report folders (report.json + responses.jsonl).

    python -m eval diff RUN_A RUN_B [--json FILE] [--all]

Prints Markdown: the provenance of both runs (and a warning when the scorer or a fixture version
differs, since then the numbers are not comparable), every metric's delta, then per article the
metrics that moved and the claims and sources gained, lost or changed:
- claims are paired by content offsets; a claim whose span moved but still overlaps >= 50% of the
  other (both ways) is "changed (span)"; a pair whose kind, source name or cue differ is "changed";
- sources are paired by normalised name; type or description differences are "changed".
Exit status: 0, or 2 when a folder is not a report folder.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .metrics import name_tokens
from .report import fmt

COUNT_LIKE = {"laundering_unsourced_in_attributed", "attributed_on_gold_unsourced", "refs_broken", "contract_violations",
              "articles_failed", "must_not_state_suspects", "must_not_state_violations", "unsupported_numbers",
              "unsupported_names"}


class RunFolderError(ValueError):
    pass


@dataclass
class Run:
    path: Path
    report: dict
    responses: dict[str, dict]  # article id -> response JSON

    @property
    def articles(self) -> dict[str, dict]:
        return {a["id"]: a for a in self.report.get("articles", [])}


def load_run(path: Path) -> Run:
    path = Path(path)
    rj = path / "report.json"
    if not rj.is_file():
        raise RunFolderError(f"{path}: not a report folder (no report.json)")
    try:
        report = json.loads(rj.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise RunFolderError(f"{rj}: not valid JSON: {exc}") from exc
    responses: dict[str, dict] = {}
    rl = path / "responses.jsonl"
    if rl.is_file():
        for line in rl.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                responses[row["article"]] = row["response"]
    return Run(path, report, responses)


# ---------------------------------------------------------------- claims and sources


def _claims(resp: dict) -> list[dict]:
    names = {s["id"]: s["name"] for s in resp.get("sources", [])}
    out = []
    for c in resp.get("claims", []):
        out.append({
            "start": c["content"]["start"], "end": c["content"]["end"], "text": c["content"]["text"],
            "kind": c["kind"], "source": names.get(c["source_id"], c["source_id"]),
            "cue": (c.get("cue") or {}).get("text"),
        })
    return out


def _overlap(a: dict, b: dict) -> int:
    return max(0, min(a["end"], b["end"]) - max(a["start"], b["start"]))


@dataclass
class ArticleDiff:
    id: str
    metric_deltas: list[tuple[str, object, object]] = field(default_factory=list)
    claims_gained: list[dict] = field(default_factory=list)
    claims_lost: list[dict] = field(default_factory=list)
    claims_changed: list[tuple[dict, dict, list[str]]] = field(default_factory=list)
    sources_gained: list[dict] = field(default_factory=list)
    sources_lost: list[dict] = field(default_factory=list)
    sources_changed: list[tuple[dict, dict, list[str]]] = field(default_factory=list)
    note: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.metric_deltas or self.claims_gained or self.claims_lost or self.claims_changed
                    or self.sources_gained or self.sources_lost or self.sources_changed or self.note)

    def to_json(self) -> dict:
        return {
            "id": self.id, "note": self.note,
            "metric_deltas": [{"metric": k, "a": a, "b": b} for k, a, b in self.metric_deltas],
            "claims_gained": self.claims_gained, "claims_lost": self.claims_lost,
            "claims_changed": [{"a": a, "b": b, "what": w} for a, b, w in self.claims_changed],
            "sources_gained": self.sources_gained, "sources_lost": self.sources_lost,
            "sources_changed": [{"a": a, "b": b, "what": w} for a, b, w in self.sources_changed],
        }


def diff_claims(a: list[dict], b: list[dict]) -> tuple[list[dict], list[dict], list[tuple[dict, dict, list[str]]]]:
    """(gained, lost, changed) from A to B."""
    left = list(a)
    right = list(b)
    pairs: list[tuple[dict, dict, bool]] = []
    for cb in list(right):  # same offsets
        ca = next((x for x in left if (x["start"], x["end"]) == (cb["start"], cb["end"])), None)
        if ca is not None:
            pairs.append((ca, cb, False))
            left.remove(ca)
            right.remove(cb)
    for cb in list(right):  # moved but mostly the same text
        best = max(left, key=lambda x: _overlap(x, cb), default=None)
        if best is None:
            continue
        ov = _overlap(best, cb)
        if 2 * ov >= best["end"] - best["start"] and 2 * ov >= cb["end"] - cb["start"]:
            pairs.append((best, cb, True))
            left.remove(best)
            right.remove(cb)
    changed = []
    for ca, cb, moved in pairs:
        what = []
        if moved:
            what.append(f"span [{ca['start']},{ca['end']}) -> [{cb['start']},{cb['end']})")
        for k in ("kind", "source", "cue"):
            if ca[k] != cb[k]:
                what.append(f"{k} {ca[k]!r} -> {cb[k]!r}")
        if what:
            changed.append((ca, cb, what))
    return sorted(right, key=lambda c: c["start"]), sorted(left, key=lambda c: c["start"]), changed


def _source_key(s: dict) -> tuple[str, ...]:
    return name_tokens(s["name"]) or (s["name"].lower(),)


def diff_sources(a: list[dict], b: list[dict]) -> tuple[list[dict], list[dict], list[tuple[dict, dict, list[str]]]]:
    ka = {_source_key(s): s for s in a}
    kb = {_source_key(s): s for s in b}
    gained = [kb[k] for k in kb if k not in ka]
    lost = [ka[k] for k in ka if k not in kb]
    changed = []
    for k in ka.keys() & kb.keys():
        sa, sb = ka[k], kb[k]
        what = [f"{f} {sa.get(f)!r} -> {sb.get(f)!r}" for f in ("type", "description") if sa.get(f) != sb.get(f)]
        if len(sa.get("mentions", [])) != len(sb.get("mentions", [])):
            what.append(f"mentions {len(sa.get('mentions', []))} -> {len(sb.get('mentions', []))}")
        if what:
            changed.append((sa, sb, what))
    return gained, lost, sorted(changed, key=lambda t: t[0]["name"])


def diff_runs(a: Run, b: Run) -> dict:
    ma, mb = a.report.get("metrics", {}), b.report.get("metrics", {})
    metric_rows = [(k, ma.get(k), mb.get(k)) for k in dict.fromkeys([*ma, *mb])]
    arts_a, arts_b = a.articles, b.articles
    per_article: list[ArticleDiff] = []
    for aid in sorted(arts_a.keys() & arts_b.keys()):
        d = ArticleDiff(aid)
        am, bm = arts_a[aid].get("metrics", {}), arts_b[aid].get("metrics", {})
        d.metric_deltas = [(k, am.get(k), bm.get(k)) for k in dict.fromkeys([*am, *bm]) if am.get(k) != bm.get(k)]
        ra, rb = a.responses.get(aid), b.responses.get(aid)
        if ra is None or rb is None:
            d.note = f"no response in {'A' if ra is None else 'B'} (the service failed on it, or responses.jsonl is missing)"
        else:
            d.claims_gained, d.claims_lost, d.claims_changed = diff_claims(_claims(ra), _claims(rb))
            d.sources_gained, d.sources_lost, d.sources_changed = diff_sources(ra.get("sources", []), rb.get("sources", []))
        per_article.append(d)
    pa, pb = a.report.get("provenance", {}), b.report.get("provenance", {})
    warnings = []
    if pa.get("scorer_version") != pb.get("scorer_version"):
        warnings.append(f"scorer version differs: A v{pa.get('scorer_version')}, B v{pb.get('scorer_version')} "
                        "(metric deltas mix scoring changes with service changes)")
    va, vb = pa.get("fixture_versions") or {}, pb.get("fixture_versions") or {}
    for k in sorted(va.keys() & vb.keys()):
        if va[k] != vb[k]:
            warnings.append(f"fixture {k} version differs: A v{va[k]}, B v{vb[k]}")
    if pa.get("suite") != pb.get("suite"):
        warnings.append(f"different suites: A {pa.get('suite')}, B {pb.get('suite')}")
    return {
        "a": {"path": str(a.path), **_prov(pa)}, "b": {"path": str(b.path), **_prov(pb)},
        "warnings": warnings,
        "metrics": [{"metric": k, "a": x, "b": y, "delta": _delta(x, y)} for k, x, y in metric_rows],
        "only_in_a": sorted(arts_a.keys() - arts_b.keys()),
        "only_in_b": sorted(arts_b.keys() - arts_a.keys()),
        "articles": per_article,
    }


def _prov(p: dict) -> dict:
    model = p.get("model") or {}
    return {"commit": p.get("git_short"), "dirty": p.get("git_dirty"), "date_utc": p.get("date_utc"),
            "model": model.get("name"), "scorer_version": p.get("scorer_version"), "suite": p.get("suite"),
            "articles": p.get("articles"), "prompt_versions": p.get("prompt_versions")}


def _delta(a: object, b: object) -> float | None:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return b - a
    return None


def delta_text(metric: str, a: object, b: object) -> str:
    d = _delta(a, b)
    if d is None:
        return "" if a == b else "changed"
    if d == 0:
        return "0"
    if metric in COUNT_LIKE or (isinstance(a, int) and isinstance(b, int)):
        return f"{d:+g}"
    return f"{100 * d:+.1f} pts"


def _claim_text(c: dict) -> str:
    text = c["text"] if len(c["text"]) <= 90 else c["text"][:87] + "…"
    return f"[{c['kind']}] “{text}” — {c['source']}"


def to_markdown(d: dict, show_all: bool = False) -> str:
    a, b = d["a"], d["b"]
    lines = ["# eval diff", "",
             f"- A: `{a['path']}` — commit `{a['commit']}`{' (dirty)' if a['dirty'] else ''}, {a['date_utc']}, "
             f"model {a['model']}, scorer v{a['scorer_version'] or '?'}, {a['articles']} articles",
             f"- B: `{b['path']}` — commit `{b['commit']}`{' (dirty)' if b['dirty'] else ''}, {b['date_utc']}, "
             f"model {b['model']}, scorer v{b['scorer_version'] or '?'}, {b['articles']} articles", ""]
    lines += [f"**warning:** {w}" for w in d["warnings"]] + ([""] if d["warnings"] else [])
    lines += ["## Metrics", "", "| metric | A | B | delta |", "|---|---|---|---|"]
    for row in d["metrics"]:
        if not show_all and row["a"] == row["b"]:
            continue
        lines.append(f"| {row['metric']} | {fmt(row['a'])} | {fmt(row['b'])} | {delta_text(row['metric'], row['a'], row['b'])} |")
    unchanged = sum(1 for r in d["metrics"] if r["a"] == r["b"])
    if unchanged and not show_all:
        lines.append(f"\n{unchanged} metric(s) unchanged (--all lists them).")
    lines.append("")
    if d["only_in_a"]:
        lines.append("Only in A: " + ", ".join(d["only_in_a"]))
    if d["only_in_b"]:
        lines.append("Only in B: " + ", ".join(d["only_in_b"]))
    if d["only_in_a"] or d["only_in_b"]:
        lines.append("")
    lines += ["## Per article", ""]
    changed = [x for x in d["articles"] if not x.empty]
    if not changed:
        lines.append("No article changed.")
    for x in changed:
        lines += [f"### {x.id}", ""]
        if x.note:
            lines.append(f"- {x.note}")
        if x.metric_deltas:
            lines.append("- metrics: " + "; ".join(
                f"{k} {fmt(va)} → {fmt(vb)} ({delta_text(k, va, vb)})" for k, va, vb in x.metric_deltas))
        lines += [f"- claim gained: {_claim_text(c)}" for c in x.claims_gained]
        lines += [f"- claim lost: {_claim_text(c)}" for c in x.claims_lost]
        lines += [f"- claim changed: {_claim_text(cb)}: {'; '.join(w)}" for _, cb, w in x.claims_changed]
        lines += [f"- source gained: {s['name']} ({s.get('type')})" for s in x.sources_gained]
        lines += [f"- source lost: {s['name']} ({s.get('type')})" for s in x.sources_lost]
        lines += [f"- source changed: {sb['name']}: {'; '.join(w)}" for _, sb, w in x.sources_changed]
        lines.append("")
    unchanged_articles = len(d["articles"]) - len(changed)
    if changed and unchanged_articles:
        lines.append(f"{unchanged_articles} article(s) unchanged.")
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m eval diff",
                                description="Compare two eval report folders (eval/reports/<run>/).")
    p.add_argument("run_a", type=Path, metavar="RUN_A")
    p.add_argument("run_b", type=Path, metavar="RUN_B")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the diff as JSON")
    p.add_argument("--all", action="store_true", help="list unchanged metrics too")
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    try:
        a, b = load_run(args.run_a), load_run(args.run_b)
    except (RunFolderError, OSError, json.JSONDecodeError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    d = diff_runs(a, b)
    sys.stdout.write(to_markdown(d, show_all=args.all))
    if args.json:
        args.json.write_text(json.dumps({**d, "articles": [x.to_json() for x in d["articles"]]}, indent=1,
                                        ensure_ascii=False), encoding="utf-8")
    return 0
