"""CI outputs for one run: JUnit XML (`--junit FILE`) and a Markdown summary for a pull-request comment
(`--markdown FILE`).

JUnit: one test suite per kind of check.
- `claimtrace.eval.<suite>.articles`: one test case per fixture (or PolNeAR article). It fails when the
  service failed on the article or returned something broken (ungrounded spans, broken references,
  contract violations); its metrics are in <system-out>. Scores below a threshold are not per-article
  failures: the thresholds bound the set's micro-averaged metrics.
- `claimtrace.eval.<suite>.gate`: one test case per gated metric in the thresholds file. A failure
  carries the metric, its value, the bound and the threshold (message and attributes); n/a fails; a
  summary metric in a run without summaries is <skipped>.

Fixtures are scored per group too, "tuned" (labelled_blind false, gated by [fixtures.*]) and "blind"
(labelled_blind true, gated by [fixtures_blind.*]): a test case's classname ends in its group
(`claimtrace.eval.fixtures.gate.blind`, `claimtrace.eval.fixtures.articles.tuned`), a gate failure
message starts with "<group> group: ", the gate suite's properties record each group's fixture ids,
article count and gate status, and its <system-out> holds the headline metrics per group side by side.
A group with no fixture in the run has its gated metrics <skipped>.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from .report import fmt, fmt_s, gate_group_text, group_header, group_value
from .result import RunResult, group_of

COST = {"seconds_median", "seconds_max", "seconds_total", "peak_rss_mb"}
COUNTS = {"laundering_unsourced_in_attributed", "attributed_on_gold_unsourced", "refs_broken", "contract_violations",
          "articles_failed", "must_not_state_suspects", "must_not_state_violations", "unsupported_numbers",
          "unsupported_names"}
# headline numbers shown in the PR comment even when they are not gated
HEADLINE = ("content_f1_lenient", "content_f1_exact", "content_recall_lenient", "content_precision_lenient",
            "source_accuracy", "source_name_accuracy", "source_type_accuracy", "cue_accuracy", "unsourced_recall",
            "grounding", "must_mention_coverage", "must_attribute_rate", "must_not_state_violations")


def value_text(metric: str, v: object) -> str:
    if v is None:
        return "n/a"
    if metric in COST:
        return f"{v:.0f} MB" if metric == "peak_rss_mb" else fmt_s(v)  # type: ignore[arg-type]
    return fmt(v)


def threshold_text(metric: str, bound: str, limit: float) -> str:
    sign = "≥" if bound == "min" else "≤"
    if metric in COST:
        return f"{sign} {limit:g}" + (" MB" if metric == "peak_rss_mb" else "s")
    if metric in COUNTS:
        return f"{sign} {limit:g}"
    return f"{sign} {100 * limit:.1f}%"


def _integrity_problems(score) -> list[str]:
    out = []
    if score.error:
        out.append(f"service failed: {score.error}")
    out += [f"ungrounded span: {u}" for u in score.ungrounded]
    out += [f"broken reference: {b}" for b in score.broken_refs]
    out += [f"contract violation: {v}" for v in score.violations]
    return out


def to_junit(result: RunResult) -> ET.ElementTree:
    p = result.provenance
    model = p.get("model") or {}
    root = ET.Element("testsuites", name=f"claimtrace-eval-{result.suite}")

    def properties(suite: ET.Element) -> ET.Element:
        props = ET.SubElement(suite, "properties")
        for k, v in (("git_commit", p.get("git_commit")), ("model", model.get("name")),
                     ("model_sha256", model.get("sha256")), ("scorer_version", p.get("scorer_version")),
                     ("summaries", "on" if result.summarize else "off"), ("date_utc", p.get("date_utc"))):
            if v is not None:
                ET.SubElement(props, "property", name=k, value=str(v))
        return props

    # -- articles
    arts = ET.SubElement(root, "testsuite", name=f"claimtrace.eval.{result.suite}.articles")
    properties(arts)
    versions = p.get("fixture_versions") or {}
    groups = list(result.groups)
    n_fail = 0
    for gold, score in zip(result.gold, result.scores, strict=True):
        tc = ET.SubElement(arts, "testcase", name=score.id, time=f"{score.seconds or 0.0:.3f}",
                           classname=f"claimtrace.eval.{result.suite}.articles"
                           + (f".{group_of(gold)}" if groups else ""))
        problems = _integrity_problems(score)
        if problems:
            n_fail += 1
            f = ET.SubElement(tc, "failure", message=problems[0][:300], type="error" if score.error else "integrity")
            f.text = "\n".join(problems)
        m, c = score.metrics(), score.counts
        out = ET.SubElement(tc, "system-out")
        out.text = (
            (f"fixture version {versions[score.id]}\n" if score.id in versions else "")
            + (f"group {group_of(gold)}\n" if groups else "")
            + f"gold {c.gold_attr}, predicted {c.pred_attr}, found {c.gold_found_lenient}\n"
            + "".join(f"{k} = {value_text(k, m.get(k))}\n" for k in HEADLINE if k in m)
        )
    arts.set("tests", str(len(result.scores)))
    arts.set("failures", str(n_fail))
    arts.set("errors", "0")
    arts.set("skipped", "0")
    arts.set("time", f"{result.cost.get('seconds_total') or 0.0:.3f}")

    # -- gated metrics
    gate = ET.SubElement(root, "testsuite", name=f"claimtrace.eval.{result.suite}.gate")
    props = properties(gate)
    gate_groups = (result.gate or {}).get("groups") or {}
    if groups:
        for gname, g in result.groups.items():
            ET.SubElement(props, "property", name=f"group.{gname}.articles", value=str(g["articles"]))
            ET.SubElement(props, "property", name=f"group.{gname}.fixtures", value=",".join(g["ids"]))
            if gname in gate_groups:
                ET.SubElement(props, "property", name=f"group.{gname}.gate", value=gate_groups[gname]["status"])
    rows = (result.gate or {}).get("results", [])
    g_fail = g_skip = 0
    for row in rows:
        name, bound, limit, v, status = row["metric"], row["bound"], row["threshold"], row["value"], row["status"]
        group = row.get("group")
        prefix = f"{group} group: " if group else ""
        tc = ET.SubElement(gate, "testcase", classname=f"claimtrace.eval.{result.suite}.gate" + (f".{group}" if group else ""),
                           name=f"{name} {'>=' if bound == 'min' else '<='} {limit:g}", time="0")
        if status == "skipped":
            g_skip += 1
            ET.SubElement(tc, "skipped", message=f"{prefix}{name}: {row.get('reason', 'run without summaries')}")
        elif status != "pass":
            g_fail += 1
            why = {"fail": f"{v:.4g} {'<' if bound == 'min' else '>'} {bound} {limit:g}" if v is not None else "",
                   "na": f"n/a (could not be measured), {bound} {limit:g}",
                   "unknown": "unknown metric in the thresholds file"}[status]
            f = ET.SubElement(tc, "failure", message=f"{prefix}{name}: {why}", type="threshold",
                              metric=name, value="n/a" if v is None else f"{v:.6g}", bound=bound, threshold=f"{limit:g}")
            f.text = ((f"group {group} ([{row.get('section')}.*])\n" if group else "") + f"metric {name}\nvalue {value_text(name, v)} ({'n/a' if v is None else f'{v:.6g}'})\n"
                      f"threshold {bound} {limit:g} ({threshold_text(name, bound, limit)})\n")
    if groups:
        out = ET.SubElement(gate, "system-out")
        out.text = (f"{'':30}{'all':>10}" + "".join(f"{group_header(result, g):>14}" for g in groups) + "\n" + "".join(
            f"{k:30}{value_text(k, result.metrics.get(k)):>10}"
            + "".join(f"{group_value(result, g, k, lambda v, k=k: value_text(k, v)):>14}" for g in groups) + "\n"
            for k in HEADLINE) + "".join(f"{gate_group_text(result.gate or {}, g)}\n" for g in groups
                                         if gate_group_text(result.gate or {}, g)))
    gate.set("tests", str(len(rows)))
    gate.set("failures", str(g_fail))
    gate.set("errors", "0")
    gate.set("skipped", str(g_skip))
    gate.set("time", "0")
    root.set("tests", str(len(result.scores) + len(rows)))
    root.set("failures", str(n_fail + g_fail))
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(result: RunResult, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    to_junit(result).write(path, encoding="utf-8", xml_declaration=True)


def to_markdown(result: RunResult, report_dir: Path | None = None) -> str:
    """A pull-request comment: verdict, provenance, the gate table, headline numbers, problem articles."""
    p, m = result.provenance, result.metrics
    model = p.get("model") or {}
    gate = result.gate or {}
    rows = gate.get("results", [])
    failed = [r for r in rows if r["status"] not in ("pass", "skipped")]
    verdict = "no gate" if not rows else ("**FAIL**" if failed else "PASS")
    versions = p.get("fixture_versions") or {}
    groups = list(result.groups)
    gate_groups = gate.get("groups") or {}
    # a group with no fixture in the run is one line under the table, not a row per metric
    absent = {g for g, info in gate_groups.items() if info["status"] == "skipped"}
    shown = [r for r in rows if r.get("group") not in absent]
    lines = [
        f"### ClaimTrace eval ({result.suite}): {verdict}",
        "",
        f"{p.get('articles')} articles · summaries {'on' if result.summarize else 'off'} · "
        f"model `{model.get('name')}` ({model.get('backend')}) · commit `{p.get('git_short')}`"
        f"{' (dirty)' if p.get('git_dirty') else ''} · scorer v{p.get('scorer_version')}"
        + (f" · fixture versions {_versions_text(versions)}" if versions else "")
        + (" · " + ", ".join(f"{g['articles']} {name}" for name, g in result.groups.items()) if groups else ""),
        "",
    ]
    if shown:
        lines += ["| " + ("group | " if groups else "") + "metric | value | threshold | result |",
                  "|---|---|---|---|" + ("---|" if groups else "")]
        for r in shown:
            status = {"pass": "pass", "fail": "**FAIL**", "na": "**FAIL** (n/a)", "unknown": "**FAIL** (unknown metric)",
                      "skipped": "skipped (no summaries)"}[r["status"]]
            lines.append("| " + (f"{r.get('group')} | " if groups else "") + f"{r['metric']} | {value_text(r['metric'], r['value'])} | "
                         f"{threshold_text(r['metric'], r['bound'], r['threshold'])} | {status} |")
        lines.append("")
    if groups:
        lines += [f"- {gate_group_text(gate, g)}" for g in groups if gate_group_text(gate, g)] + [""]
        lines += ["| headline | all | " + " | ".join(group_header(result, g) for g in groups) + " |",
                  "|---|---|" + "---|" * len(groups)]
        for k in HEADLINE:
            if k in m:
                lines.append(f"| {k} | {value_text(k, m[k])} | "
                             + " | ".join(group_value(result, g, k, lambda v, k=k: value_text(k, v)) for g in groups) + " |")
        lines.append("")
    else:
        gated = {r["metric"] for r in rows}
        extra = [k for k in HEADLINE if k not in gated and k in m and m[k] is not None]
        if extra:
            lines += ["Not gated: " + ", ".join(f"{k} {value_text(k, m[k])}" for k in extra), ""]
    c = result.cost
    lines += [f"Cost: {fmt_s(c.get('seconds_median'))} median, {fmt_s(c.get('seconds_max'))} max per article.", ""]
    bad = [(s, _integrity_problems(s)) for s in result.scores]
    bad = [(s, pr) for s, pr in bad if pr]
    if bad:
        lines += ["Articles with problems:", ""] + [f"- `{s.id}`: {pr[0][:200]}" for s, pr in bad] + [""]
    lines += ["<details><summary>Per article</summary>", "",
              "| article | gold | found | F1 lenient | F1 exact | source | source name | s |" + (" group |" if groups else ""),
              "|---|---|---|---|---|---|---|---|" + ("---|" if groups else "")]
    for gold, s in zip(result.gold, result.scores, strict=True):
        am, ac = s.metrics(), s.counts
        lines.append(f"| {s.id} | {ac.gold_attr} | {ac.gold_found_lenient} | {fmt(am['content_f1_lenient'])} | "
                     f"{fmt(am['content_f1_exact'])} | {fmt(am['source_accuracy'])} | {fmt(am['source_name_accuracy'])} | "
                     f"{fmt_s(s.seconds)} |" + (f" {group_of(gold)} |" if groups else ""))
    lines += ["", "</details>", ""]
    if report_dir is not None:
        lines += [f"Full report: `{report_dir}/report.html`", ""]
    return "\n".join(lines)


def _versions_text(versions: dict[str, int]) -> str:
    bumped = {k: v for k, v in versions.items() if v != 1}
    if not bumped:
        return "all v1"
    return ", ".join(f"{k} v{v}" for k, v in sorted(bumped.items())) + ", others v1"


def write_markdown(result: RunResult, path: Path, report_dir: Path | None = None) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_markdown(result, report_dir), encoding="utf-8")
