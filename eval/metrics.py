"""Scoring: per-article COUNTS, then one micro-averaged aggregation over the set.

`score_article(gold, response)` compares one `SummarizeResponse` with one `GoldArticle` and returns an
`ArticleScore`: integer `Counts` plus the details the HTML report shows (misses, false positives...).
`aggregate(counts)` turns summed counts into rates. A rate whose denominator is 0 is `None` ("n/a"),
never 0: an empty prediction set has no precision, a run without summaries has no summary scores.

Matching rules, mirroring BBC Citron / the Gender Gap Tracker so the numbers compare:
- lenient: a predicted attributed claim (direct/indirect/mixed) finds a gold attribution when its
  content overlaps >= 50% of the gold content span. For a discontinuous gold span (a quote split by
  its cue) the union of the predicted claims that share one source counts as one prediction.
  A predicted claim is precise when it overlaps >= 50% of some gold span or >= 50% of itself lies
  inside one.
- exact: start/end equal once whitespace, quote marks and punctuation are trimmed from both sides
  (a split gold span is matched exactly when every piece is). strict: raw offsets equal.
- source / source-type / cue / kind accuracy are measured among lenient-found attributions, on the
  predicted claim that overlaps the gold content most.
- source name accuracy: among the same found attributions, the resolved source's `name` alone (no
  mention text, no span overlap) names the gold source or one of its *named* aliases
  (`is_named_alias`); see `name_alone_matches`.

The scorer is split by job: counts.py (Counts, rates), matching.py (spans, names, phrases),
attribution_scoring.py (score_article), summary_checks.py. This module is its public face: import
from here. SCORER_VERSION is bumped by any change in those modules that moves a score; reports record it.
"""
from __future__ import annotations

from .attribution_scoring import CONFIDENCE_SPLIT, ArticleScore, Match, document_text, failed_article, score_article
from .counts import Counts, aggregate, cost, f1, ratio
from .matching import (
    gold_names_for_name_accuracy,
    is_named_alias,
    name_alone_matches,
    name_tokens,
    names_match,
    norm_text,
    trim,
)
from .summary_checks import carried_attributions

SCORER_VERSION = 6  # 1: up to source accuracy; 2: + source_name_accuracy; 3: + summary_wrong_source;
# 4: source name accuracy ignores parentheticals ("Gov. Mike Pence (R-IN)"); 5: a number a summary
# sentence shares with several gold claims is carried only by the claim it shares the most words with;
# 6: a summary item's sentences split after a closing quote too ('... wedding." According to'), so
# the capital that opens the next one is no unsupported name

__all__ = [
    "CONFIDENCE_SPLIT", "SCORER_VERSION", "ArticleScore", "Counts", "Match", "aggregate", "carried_attributions",
    "cost", "document_text", "f1", "failed_article", "gold_names_for_name_accuracy", "is_named_alias",
    "name_alone_matches", "name_tokens", "names_match", "norm_text", "ratio", "score_article", "trim",
]
