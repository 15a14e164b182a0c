"""Report files for one run: report.json (everything, with provenance), report.md (tables),
report.html (per article: gold and predicted spans side by side, misses and false positives), and the
one-screen summary printed at the end of a run. The HTML is self-contained: inline CSS, no network.
"""
from __future__ import annotations

import html
import json
from itertools import pairwise
from pathlib import Path

from service.schema import SummarizeResponse

from .adapters import GoldArticle
from .metrics import ArticleScore, document_text, names_match
from .result import GATE_SECTIONS, RunResult, group_of

HEADLINE = [
    # (label, lenient key, exact key, strict key)
    ("content precision", "content_precision_lenient", "content_precision_exact", "content_precision_strict"),
    ("content recall", "content_recall_lenient", "content_recall_exact", "content_recall_strict"),
    ("content F1", "content_f1_lenient", "content_f1_exact", "content_f1_strict"),
]
SINGLE = [
    ("source accuracy (found)", "source_accuracy"),
    ("source name accuracy (resolved name alone)", "source_name_accuracy"),
    ("source-type accuracy (found)", "source_type_accuracy"),
    ("cue accuracy (found)", "cue_accuracy"),
    ("kind accuracy (found)", "kind_accuracy"),
    ("unsourced recall", "unsourced_recall"),
    ("unsourced inside gold attributed (laundering)", "laundering_unsourced_in_attributed"),
    ("attributed over gold unsourced", "attributed_on_gold_unsourced"),
    ("grounding (must be 100%)", "grounding"),
    ("broken references (must be 0)", "refs_broken"),
    ("contract violations (must be 0)", "contract_violations"),
    ("articles failed", "articles_failed"),
    ("summary must_mention coverage", "must_mention_coverage"),
    ("summary must_attribute satisfied", "must_attribute_rate"),
    ("summary must_not_state suspects (phrase present)", "must_not_state_suspects"),
    ("summary must_not_state violations (unattributed)", "must_not_state_violations"),
    ("summary numbers not in article", "unsupported_numbers"),
    ("summary names not in article", "unsupported_names"),
    ("summary sentences with a wrong or missing source", "summary_wrong_source"),
    ("accuracy, confidence >= 0.8", "accuracy_conf_hi"),
    ("accuracy, confidence < 0.8", "accuracy_conf_lo"),
]
LOUD = {"grounding": lambda v: v is not None and v < 1.0, "refs_broken": lambda v: bool(v),
        "contract_violations": lambda v: bool(v), "articles_failed": lambda v: bool(v)}


def fmt(v: object) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{100 * v:.1f}%"
    return str(v)


def _versions(p: dict) -> str:
    v = p.get("fixture_versions") or {}
    bumped = {k: n for k, n in sorted(v.items()) if n != 1}
    return (", ".join(f"{k} v{n}" for k, n in bumped.items()) + ", others v1") if bumped else f"all {len(v)} v1"


def fmt_s(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.2f}s"


# ---------------------------------------------------------------- groups (tuned / blind fixtures)

# the headline rates repeated per group (lenient and exact) in the group tables
GROUP_HEADLINE = [(f"{label}, {mode}", keys[i]) for label, *keys in HEADLINE for i, mode in ((0, "lenient"), (1, "exact"))]


def group_value(result: RunResult, group: str, key: str, fmt_fn=None) -> str:
    """A metric of one group as text; "—" when the run has no fixture of that group."""
    m = result.groups[group]["metrics"]
    if m is None:
        return "—"
    return (fmt_fn or fmt)(m.get(key))


def group_header(result: RunResult, group: str) -> str:
    return f"{group} ({result.groups[group]['articles']})"


def groups_line(result: RunResult) -> str:
    """"tuned 25, blind 19" for the run's header lines."""
    return ", ".join(f"{name} {g['articles']}" for name, g in result.groups.items())


def gate_group_text(gate: dict, group: str) -> str:
    info = (gate.get("groups") or {}).get(group)
    if not info:
        return ""
    section = f"[{info['section']}.*]"
    return {"pass": f"{group} group {section}: PASS",
            "fail": f"{group} group {section}: FAIL",
            "skipped": f"{group} group {section}: skipped (no {group} fixture in this run)",
            "none": f"{group} group: not gated (no {section} in the thresholds file)"}[info["status"]]


# ---------------------------------------------------------------- json


def _article_json(gold: GoldArticle, score: ArticleScore, resp: SummarizeResponse | None,
                  grouped: bool = False) -> dict:
    doc = document_text(gold, resp) if resp else gold.text
    claims = {c.id: c for c in resp.claims} if resp else {}
    sources = {s.id: s for s in resp.sources} if resp else {}
    matches = []
    for m in score.matches:
        g = gold.attributions[m.gold_index]
        cl = claims.get(m.claim_id) if m.claim_id else None
        matches.append({
            "gold_content": g.content.text(doc)[:300],
            "gold_pieces": g.content.pieces,
            "gold_source": g.source,
            "gold_cue": g.cue_text,
            "found_lenient": m.found_lenient, "found_exact": m.found_exact, "found_strict": m.found_strict,
            "claim_id": m.claim_id,
            "predicted_source": sources[cl.source_id].name if cl and cl.source_id in sources else None,
            "predicted_cue": cl.cue.text if cl and cl.cue else None,
            "source_ok": m.source_ok, "source_name_ok": m.source_name_ok, "source_type_ok": m.source_type_ok, "cue_ok": m.cue_ok, "kind_ok": m.kind_ok,
        })
    return {
        "id": gold.id,
        "origin": gold.origin,
        **({"group": group_of(gold), "labelled_blind": gold.labelled_blind} if grouped else {}),
        "seconds": score.seconds,
        "error": score.error,
        "metrics": score.metrics(),
        "counts": score.counts.to_dict(),
        "matches": matches,
        "false_positives": [
            {"claim_id": cid, "kind": claims[cid].kind, "content": claims[cid].content.text[:300],
             "source": sources[claims[cid].source_id].name if claims[cid].source_id in sources else None}
            for cid in score.false_positives if cid in claims
        ],
        "unsourced_missed": [gold.unsourced[i].text(doc)[:300] for i in score.unsourced_missed],
        "laundered": score.laundered,
        "ungrounded": score.ungrounded,
        "broken_refs": score.broken_refs,
        "violations": score.violations,
        "summary": [s.model_dump() for s in resp.summary] if resp else [],
        "summary_problems": score.summary_problems,
        "warnings": resp.warnings if resp else [],
        "timings_ms": resp.timings_ms if resp else {},
    }


def to_json(result: RunResult) -> dict:
    return {
        "provenance": result.provenance,
        "summarize": result.summarize,
        "metrics": result.metrics,
        "cost": result.cost,
        "counts": result.totals.to_dict(),
        "gate": result.gate,
        # fixtures: the same metrics per group (tuned = labelled_blind false, blind = true) and its fixture ids
        **({"groups": {name: {"ids": g["ids"], "articles": g["articles"], "metrics": g["metrics"],
                              "counts": g["totals"].to_dict() if g["articles"] else None, "cost": g["cost"]}
                       for name, g in result.groups.items()}} if result.groups else {}),
        "articles": [_article_json(g, s, result.responses.get(g.id), bool(result.groups))
                     for g, s in zip(result.gold, result.scores, strict=True)],
    }


# ---------------------------------------------------------------- markdown


def to_markdown(result: RunResult) -> str:
    m, p = result.metrics, result.provenance
    model = p.get("model") or {}
    lines = [
        f"# ClaimTrace eval: {result.suite}",
        "",
        f"- commit `{p.get('git_commit')}`{' (dirty tree)' if p.get('git_dirty') else ''}, {p.get('date_utc')}",
        f"- model `{model.get('name')}` ({model.get('backend')}, sha256 `{model.get('sha256')}`)",
        f"- prompts: {', '.join(f'{k}={v}' for k, v in sorted(p.get('prompt_versions', {}).items())) or 'n/a'}",
        f"- scorer v{p.get('scorer_version')}" + (f", fixture versions: {_versions(p)}" if p.get("fixture_versions") else ""),
        f"- {p.get('articles')} articles, summaries {'on' if result.summarize else 'off'}, "
        f"{p['machine']['cpu_count']} CPUs, {p['machine']['platform']}",
    ]
    for name, g in result.groups.items():
        lines.append(f"- {name} fixtures ({g['articles']}, labelled_blind {'true' if name == 'blind' else 'false'}, "
                     f"gated by [{GATE_SECTIONS[name]}.*]): " + (", ".join(f"`{i}`" for i in g["ids"]) or "none in this run"))
    lines += [
        "",
        "| metric | lenient (>=50% overlap) | exact (trimmed) | strict (raw offsets) |",
        "|---|---|---|---|",
    ]
    for label, *keys in HEADLINE:
        lines.append(f"| {label} | " + " | ".join(fmt(m[k]) for k in keys) + " |")
    groups = list(result.groups)
    if groups:
        lines += ["", "| metric | all | " + " | ".join(group_header(result, g) for g in groups) + " |",
                  "|---|---|" + "---|" * len(groups)]
        for label, key in GROUP_HEADLINE + SINGLE:
            flag = " **BUG**" if key in LOUD and LOUD[key](m[key]) else ""
            lines.append(f"| {label} | {fmt(m[key])}{flag} | " + " | ".join(group_value(result, g, key) for g in groups) + " |")
    else:
        lines += ["", "| metric | value |", "|---|---|"]
        for label, key in SINGLE:
            flag = " **BUG**" if key in LOUD and LOUD[key](m[key]) else ""
            lines.append(f"| {label} | {fmt(m[key])}{flag} |")
    c = result.cost
    lines += [
        "",
        f"Cost: {fmt_s(c['seconds_median'])} median, {fmt_s(c['seconds_max'])} max per article, "
        f"{fmt_s(c['seconds_total'])} total; peak RSS {c['peak_rss_mb']:.0f} MB"
        + (" (of this client process; the server's is not measured)" if p['settings'].get('mode') == 'http' else ""),
        "",
    ]
    g = result.gate
    if g:
        lines.append("Gate: " + ("PASS" if not g["failures"] else "FAIL") + f" ({len(g['checked'])} checked)")
        lines += [f"- {gate_group_text(g, name)}" for name in groups if gate_group_text(g, name)]
        lines += [f"- FAIL {f}" for f in g["failures"]] + [f"- skipped {s}" for s in g["skipped"]] + [""]
    lines += ["| article | gold | pred | found | F1 lenient | F1 exact | source acc | cue acc | unsourced | s | error |"
              + (" group |" if groups else ""),
              "|---|---|---|---|---|---|---|---|---|---|---|" + ("---|" if groups else "")]
    for gold, s in zip(result.gold, result.scores, strict=True):
        am, ac = s.metrics(), s.counts
        lines.append(
            f"| {s.id} | {ac.gold_attr} | {ac.pred_attr} | {ac.gold_found_lenient} | {fmt(am['content_f1_lenient'])} | "
            f"{fmt(am['content_f1_exact'])} | {fmt(am['source_accuracy'])} | {fmt(am['cue_accuracy'])} | "
            f"{fmt(am['unsourced_recall'])} | {fmt_s(s.seconds)} | {(s.error or '')[:60]} |"
            + (f" {group_of(gold)} |" if groups else "")
        )
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- html

PALETTE = ["#ffd6a5", "#caffbf", "#9bf6ff", "#bdb2ff", "#ffc6ff", "#fdffb6", "#a0c4ff", "#ffadad",
           "#d0f4de", "#e4c1f9", "#f1c0e8", "#b9fbc0"]
CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}
.bug{color:#b00;font-weight:bold}.ok{color:#070}
details{border:1px solid #ddd;border-radius:4px;margin:.6em 0;padding:.3em .6em}
summary{cursor:pointer;font-weight:600}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.doc{white-space:pre-wrap;font:13px/1.5 Georgia,serif;border:1px solid #eee;padding:.5em;max-height:40em;overflow:auto}
.content{border-radius:2px}.cue{font-weight:bold;text-decoration:underline}
.source{outline:2px solid #555;outline-offset:-1px}.unsourced{background:#e0e0e0;font-style:italic}
.junk{color:#999;text-decoration:line-through}.miss{background:repeating-linear-gradient(45deg,#fff0,#fff0 4px,#f88 4px,#f88 5px)}
.legend span{margin-right:1em}.small{font-size:12px;color:#555}
li{margin:.15em 0}
"""


def _render(text: str, marks: list[tuple[int, int, str, str | None, str]]) -> str:
    """Text with marks (start, end, css class, background colour, tooltip); overlapping marks combine."""
    edges = {0, len(text)}
    for s, e, *_ in marks:
        edges.update((max(0, min(s, len(text))), max(0, min(e, len(text)))))
    cuts = sorted(edges)
    out = []
    for a, b in pairwise(cuts):
        seg = html.escape(text[a:b])
        active = [m for m in marks if m[0] <= a and b <= m[1]]
        if not active:
            out.append(seg)
            continue
        classes = " ".join(sorted({m[2] for m in active}))
        colour = next((m[3] for m in active if m[3]), None)
        style = f' style="background:{colour}"' if colour else ""
        tip = html.escape(" | ".join(dict.fromkeys(m[4] for m in active if m[4])), quote=True)
        out.append(f'<span class="{classes}"{style} title="{tip}">{seg}</span>')
    return "".join(out)


def _article_html(gold: GoldArticle, score: ArticleScore, resp: SummarizeResponse | None, grouped: bool = False) -> str:
    doc = document_text(gold, resp) if resp else gold.text
    colours: dict[str, str] = {}

    def colour(key: str) -> str:
        return colours.setdefault(key, PALETTE[len(colours) % len(PALETTE)])

    gmarks: list = []
    gold_keys: list[tuple[tuple[str, ...], str]] = []
    for i, g in enumerate(gold.attributions):
        key = g.source or f"(no source {i})"
        col = colour("g:" + key)
        gold_keys.append((g.names, col))
        m = score.matches[i] if i < len(score.matches) else None
        found = m is not None and m.found_lenient
        tip = f"gold #{i}: source {g.source or '(none)'}" + (f" [{g.source_type}]" if g.source_type else "") + \
              (f", cue {g.cue_text!r}" if g.cue_text else "") + (f", {g.kind}" if g.kind else "") + \
              ("" if found else " — MISSED")
        for s, e in g.content.pieces:
            gmarks.append((s, e, "content" if found else "content miss", col, tip))
        if g.cue:
            gmarks += [(s, e, "cue", None, f"cue of gold #{i}") for s, e in g.cue.pieces]
        for sp in g.source_spans:
            gmarks += [(s, e, "source", None, f"source of gold #{i}: {g.source}") for s, e in sp.pieces]
    for u in gold.unsourced:
        gmarks += [(s, e, "unsourced", None, "gold unsourced (reporter)") for s, e in u.pieces]
    for j in gold.junk:
        gmarks += [(s, e, "junk", None, "gold junk (Discard)") for s, e in j.pieces]

    pmarks: list = []
    if resp:
        sources = {s.id: s for s in resp.sources}
        fps = set(score.false_positives)
        for r in resp.document.removed:
            pmarks.append((r.start, r.end, "junk", None, f"removed: {r.reason}"))
        for cl in resp.claims:
            src = sources.get(cl.source_id)
            name = src.name if src else f"?{cl.source_id}"
            if cl.kind == "unsourced":
                pmarks.append((cl.content.start, cl.content.end, "unsourced", None, f"{cl.id} unsourced ({cl.confidence:.2f})"))
                continue
            col = next((c for names, c in gold_keys if any(names_match(name, n) for n in names)), None) \
                or colour("p:" + cl.source_id)
            tip = f"{cl.id}: {name}" + (f" [{src.type}]" if src else "") + f", {cl.kind}, conf {cl.confidence:.2f}" + \
                  (f", cue {cl.cue.text!r}" if cl.cue else "") + (" — FALSE POSITIVE" if cl.id in fps else "")
            pmarks.append((cl.content.start, cl.content.end, "content" + (" miss" if cl.id in fps else ""), col, tip))
            if cl.cue:
                pmarks.append((cl.cue.start, cl.cue.end, "cue", None, f"cue of {cl.id}"))
            if cl.source_mention:
                pmarks.append((cl.source_mention.start, cl.source_mention.end, "source", None, f"mention of {name} ({cl.id})"))

    am, ac = score.metrics(), score.counts
    problems = score.ungrounded or score.broken_refs or score.violations or score.error
    head = (f"{html.escape(gold.id)}{f' [{group_of(gold)}]' if grouped else ''} — gold {ac.gold_attr}, predicted {ac.pred_attr}, found {ac.gold_found_lenient}, "
            f"F1 {fmt(am['content_f1_lenient'])} / exact {fmt(am['content_f1_exact'])}, source {fmt(am['source_accuracy'])}, "
            f"{fmt_s(score.seconds)}" + (' <span class="bug">PROBLEM</span>' if problems else ""))
    parts = [f'<details id="{html.escape(gold.id)}"><summary>{head}</summary>']
    if score.error:
        parts.append(f'<p class="bug">failed: {html.escape(score.error)}</p>')
    parts.append('<div class="cols"><div><h4>Gold</h4><div class="doc">' + _render(doc, gmarks) +
                 '</div></div><div><h4>Predicted</h4><div class="doc">' + _render(doc, pmarks) + "</div></div></div>")

    def ul(title: str, items: list[str], cls: str = "") -> None:
        if items:
            parts.append(f'<h4 class="{cls}">{html.escape(title)} ({len(items)})</h4><ul>' +
                         "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")

    claims = {c.id: c for c in resp.claims} if resp else {}
    srcs = {s.id: s for s in resp.sources} if resp else {}
    misses, wrong_src, wrong_name, wrong_cue = [], [], [], []
    for m in score.matches:
        g = gold.attributions[m.gold_index]
        snippet = g.content.text(doc)[:160]
        if not m.found_lenient:
            misses.append(f"#{m.gold_index} [{g.source or 'no source'}] {snippet}")
            continue
        hit = claims.get(m.claim_id or "")
        if m.source_ok is False and hit:
            got = srcs[hit.source_id].name if hit.source_id in srcs else hit.source_id
            mention = hit.source_mention.text if hit.source_mention else None
            wrong_src.append(f"#{m.gold_index} gold {g.source!r} vs predicted {got!r} (mention {mention!r}): {snippet[:80]}")
        if m.source_name_ok is False and m.source_ok and hit:
            got = srcs[hit.source_id].name if hit.source_id in srcs else hit.source_id
            wrong_name.append(f"#{m.gold_index} gold {g.source!r} vs resolved name {got!r}: {snippet[:80]}")
        if m.cue_ok is False and hit:
            wrong_cue.append(f"#{m.gold_index} gold {g.cue_text!r} vs predicted {hit.cue.text if hit.cue else None!r}")
    ul("Missed gold attributions", misses)
    ul("Wrong source (found content)", wrong_src)
    ul("Source right by mention, resolved name wrong (found content)", wrong_name)
    ul("Wrong cue (found content)", wrong_cue)
    ul("False positives (predicted, no gold)", [
        f"{cid} {claims[cid].kind} [{srcs[claims[cid].source_id].name if claims[cid].source_id in srcs else '?'}] "
        f"{claims[cid].content.text[:160]}" for cid in score.false_positives if cid in claims])
    ul("Unsourced (reporter) statements missed", [gold.unsourced[i].text(doc)[:160] for i in score.unsourced_missed])
    ul("Predicted unsourced inside gold attributed content (laundering)", [
        f"{cid}: {claims[cid].content.text[:160]}" for cid in score.laundered if cid in claims])
    ul("Ungrounded spans (BUG)", score.ungrounded, "bug")
    ul("Broken references (BUG)", score.broken_refs, "bug")
    ul("Contract violations (BUG)", score.violations, "bug")
    if resp and resp.summary:
        parts.append("<h4>Summary</h4><ol>" + "".join(
            f"<li>{html.escape(s.text)} <span class=small>{html.escape(', '.join(s.claim_ids))}"
            f"{'' if s.verified else ' (unverified)'}</span></li>" for s in resp.summary) + "</ol>")
    ul("Summary checks failed", score.summary_problems)
    if resp and resp.warnings:
        ul("Service warnings", resp.warnings)
    parts.append("</details>")
    return "\n".join(parts)


def to_html(result: RunResult) -> str:
    m, p = result.metrics, result.provenance
    model = p.get("model") or {}
    rows = "".join(f"<tr><td>{html.escape(label)}</td>" + "".join(f"<td>{fmt(m[k])}</td>" for k in keys) + "</tr>"
                   for label, *keys in HEADLINE)
    groups = list(result.groups)
    singles = ("<tr><th>metric</th><th>all</th>" + "".join(f"<th>{html.escape(group_header(result, g))}</th>" for g in groups)
               + "</tr>" if groups else "") + "".join(
        f"<tr><td>{html.escape(label)}</td><td class=\"{'bug' if key in LOUD and LOUD[key](m[key]) else ''}\">{fmt(m[key])}</td>"
        + "".join(f"<td>{group_value(result, g, key)}</td>" for g in groups) + "</tr>"
        for label, key in (GROUP_HEADLINE if groups else []) + SINGLE)
    group_ids = "".join(
        f"<p class=small>{html.escape(name)} fixtures ({g['articles']}, gated by [{GATE_SECTIONS[name]}.*]): "
        f"{html.escape(', '.join(g['ids']) or 'none in this run')}</p>" for name, g in result.groups.items())
    c = result.cost
    gate = result.gate or {}
    gate_html = ""
    if gate:
        gate_html = ("<p class=ok>Gate: PASS</p>" if not gate["failures"] else
                     "<p class=bug>Gate: FAIL</p><ul>" + "".join(f"<li>{html.escape(f)}</li>" for f in gate["failures"]) + "</ul>")
        gate_html += "".join(f"<p class=small>{html.escape(gate_group_text(gate, g))}</p>" for g in groups
                             if gate_group_text(gate, g))
    legend = ('<p class="legend small"><span class="content" style="background:#ffd6a5">content (colour = source)</span>'
              '<span class="cue">cue</span><span class="source">source mention</span>'
              '<span class="unsourced">unsourced</span><span class="content miss">missed / false positive</span>'
              '<span class="junk">junk</span> — hover a span for its source and cue.</p>')
    articles = "\n".join(_article_html(g, s, result.responses.get(g.id), bool(groups)) for g, s in zip(result.gold, result.scores, strict=True))
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>ClaimTrace eval: {result.suite}</title>
<style>{CSS}</style></head><body>
<h1>ClaimTrace eval: {html.escape(result.suite)}</h1>
<p class=small>commit {html.escape(str(p.get('git_commit')))}{' (dirty)' if p.get('git_dirty') else ''} · {html.escape(str(p.get('date_utc')))} ·
model {html.escape(str(model.get('name')))} ({html.escape(str(model.get('backend')))}, sha256 {html.escape(str(model.get('sha256')))}) ·
prompts {html.escape(json.dumps(p.get('prompt_versions')))} · scorer v{p.get('scorer_version')}{(' · fixtures ' + html.escape(_versions(p))) if p.get('fixture_versions') else ''} · {p.get('articles')} articles · summaries {'on' if result.summarize else 'off'} ·
{p['machine']['cpu_count']} CPUs</p>
<table><tr><th>metric</th><th>lenient (≥50% overlap)</th><th>exact (trimmed)</th><th>strict</th></tr>{rows}</table>
{group_ids}<table>{singles}</table>
<p>Cost: {fmt_s(c['seconds_median'])} median, {fmt_s(c['seconds_max'])} max per article; peak RSS {c['peak_rss_mb']:.0f} MB</p>
{gate_html}{legend}
{articles}
</body></html>
"""


# ---------------------------------------------------------------- files and screen


def write_reports(result: RunResult, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(to_json(result), indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    (out / "report.md").write_text(to_markdown(result), encoding="utf-8")
    (out / "report.html").write_text(to_html(result), encoding="utf-8")
    # raw responses, so a scoring change can be checked without another model run
    with open(out / "responses.jsonl", "w", encoding="utf-8") as f:
        for article_id, resp in result.responses.items():
            if resp is not None:
                f.write(json.dumps({"article": article_id, "response": resp.model_dump(mode="json")}, ensure_ascii=False) + "\n")


def print_summary(result: RunResult, out: Path) -> None:
    m, c, p = result.metrics, result.cost, result.provenance
    model = p.get("model") or {}
    print(f"\nClaimTrace eval [{result.suite}] — {p['articles']} articles"
          + (f" ({groups_line(result)})" if result.groups else "") + f", model {model.get('name')}, "
          f"summaries {'on' if result.summarize else 'off'}, scorer v{p.get('scorer_version')}")
    print(f"{'':28}{'lenient':>10}{'exact':>10}{'strict':>10}")
    for label, *keys in HEADLINE:
        print(f"{label:28}" + "".join(f"{fmt(m[k]):>10}" for k in keys))
    groups = list(result.groups)
    if groups:  # the same numbers per group, side by side (the headline rates lenient and exact)
        print(f"{'':48}{'all':>10}" + "".join(f"{group_header(result, g):>12}" for g in groups))
    for label, key in (GROUP_HEADLINE if groups else []) + SINGLE:
        flag = "   <-- BUG" if key in LOUD and LOUD[key](m[key]) else ""
        print(f"{label:48}{fmt(m[key]):>10}" + "".join(f"{group_value(result, g, key):>12}" for g in groups) + flag)
    print(f"{'seconds/article median, max':48}{fmt_s(c['seconds_median']):>10}{fmt_s(c['seconds_max']):>10}")
    print(f"{'peak RSS':48}{c['peak_rss_mb']:>8.0f}MB")
    worst = sorted(result.scores, key=lambda s: (s.counts.gold_found_lenient - s.counts.gold_attr, -len(s.false_positives)))[:5]
    print("worst articles: " + ", ".join(
        f"{s.id} ({s.counts.gold_found_lenient}/{s.counts.gold_attr} found, {len(s.false_positives)} FP)" for s in worst))
    g = result.gate
    if g:
        print(f"gate: {'PASS' if not g['failures'] else 'FAIL'} ({len(g['checked'])} checked"
              + (f", {len(g['skipped'])} skipped)" if g["skipped"] else ")")
              + "".join(f"; {gate_group_text(g, name)}" for name in groups if gate_group_text(g, name)))
    print(f"report: {out}/report.html")
