"""Counting: the integer `Counts` one article yields, summed over a set (micro-averaging), and the
rates `aggregate` derives from them. A rate whose denominator is 0 is None ("n/a"), never 0."""
from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, fields


@dataclass
class Counts:
    """Integer counts for one article; `+` sums them over a set (micro-averaging)."""

    articles: int = 0
    articles_failed: int = 0
    # attributed content
    gold_attr: int = 0
    gold_found_lenient: int = 0
    gold_found_exact: int = 0
    gold_found_strict: int = 0
    pred_attr: int = 0
    pred_matched_lenient: int = 0
    pred_matched_exact: int = 0
    pred_matched_strict: int = 0
    # among lenient-found attributions
    source_checked: int = 0
    source_correct: int = 0
    source_name_checked: int = 0  # the resolved name alone, against gold source + named aliases
    source_name_correct: int = 0
    source_type_checked: int = 0
    source_type_correct: int = 0
    cue_checked: int = 0
    cue_correct: int = 0
    kind_checked: int = 0
    kind_correct: int = 0
    # unsourced (reporter) statements
    gold_unsourced: int = 0
    gold_unsourced_found: int = 0
    pred_unsourced: int = 0
    pred_unsourced_in_gold_attr: int = 0  # laundering risk: a source's claim stated as fact
    pred_attr_on_gold_unsourced: int = 0  # the reporter's background pinned on a source
    # integrity (anything but 100% / 0 is a bug)
    spans_total: int = 0
    spans_grounded: int = 0
    refs_total: int = 0
    refs_broken: int = 0
    contract_violations: int = 0
    pred_in_junk: int = 0
    # summary
    summaries: int = 0
    summary_sentences: int = 0
    must_mention_total: int = 0
    must_mention_hit: int = 0
    must_attribute_total: int = 0
    must_attribute_ok: int = 0
    must_not_state_total: int = 0
    must_not_state_suspects: int = 0  # a sentence contains the phrase
    must_not_state_violations: int = 0  # ... and does not name the source of a claim it cites
    summary_numbers: int = 0
    unsupported_numbers: int = 0
    summary_names: int = 0
    unsupported_names: int = 0
    summary_attributed_sentences: int = 0  # sentences carrying a gold attribution's content
    summary_wrong_source: int = 0  # ... without naming that attribution's source (wrong or missing source)
    # calibration: predicted attributed claims, correct = found a gold attribution and named its source
    conf_hi_total: int = 0
    conf_hi_correct: int = 0
    conf_lo_total: int = 0
    conf_lo_correct: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def ratio(num: int, den: int) -> float | None:
    """num/den, or None (n/a) when there is nothing to divide by. Never a silent 0."""
    return None if den == 0 else num / den


def f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def aggregate(counts: Counts) -> dict[str, float | int | None]:
    """Rates from (summed) counts. None = n/a (nothing to measure), to be shown as 'n/a'."""
    c = counts
    m: dict[str, float | int | None] = {}
    for mode in ("lenient", "exact", "strict"):
        p = ratio(getattr(c, f"pred_matched_{mode}"), c.pred_attr)
        r = ratio(getattr(c, f"gold_found_{mode}"), c.gold_attr)
        m[f"content_precision_{mode}"] = p
        m[f"content_recall_{mode}"] = r
        m[f"content_f1_{mode}"] = f1(p, r)
    m["source_accuracy"] = ratio(c.source_correct, c.source_checked)
    m["source_name_accuracy"] = ratio(c.source_name_correct, c.source_name_checked)
    m["source_type_accuracy"] = ratio(c.source_type_correct, c.source_type_checked)
    m["cue_accuracy"] = ratio(c.cue_correct, c.cue_checked)
    m["kind_accuracy"] = ratio(c.kind_correct, c.kind_checked)
    m["unsourced_recall"] = ratio(c.gold_unsourced_found, c.gold_unsourced)
    m["laundering_unsourced_in_attributed"] = c.pred_unsourced_in_gold_attr
    m["attributed_on_gold_unsourced"] = c.pred_attr_on_gold_unsourced
    m["grounding"] = ratio(c.spans_grounded, c.spans_total)
    m["refs_broken"] = c.refs_broken
    m["contract_violations"] = c.contract_violations
    m["articles_failed"] = c.articles_failed
    m["must_mention_coverage"] = ratio(c.must_mention_hit, c.must_mention_total)
    m["must_attribute_rate"] = ratio(c.must_attribute_ok, c.must_attribute_total)
    has_summary = c.summaries > 0
    m["must_not_state_suspects"] = c.must_not_state_suspects if has_summary else None
    m["must_not_state_violations"] = c.must_not_state_violations if has_summary else None
    m["unsupported_numbers"] = c.unsupported_numbers if has_summary else None
    m["unsupported_names"] = c.unsupported_names if has_summary else None
    m["summary_wrong_source"] = c.summary_wrong_source if has_summary else None
    m["accuracy_conf_hi"] = ratio(c.conf_hi_correct, c.conf_hi_total)
    m["accuracy_conf_lo"] = ratio(c.conf_lo_correct, c.conf_lo_total)
    return m


def cost(seconds: list[float], peak_rss_mb: float | None) -> dict[str, float | None]:
    return {
        "seconds_median": statistics.median(seconds) if seconds else None,
        "seconds_max": max(seconds) if seconds else None,
        "seconds_total": sum(seconds) if seconds else None,
        "peak_rss_mb": peak_rss_mb,
    }
