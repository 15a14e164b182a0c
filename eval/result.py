"""What one eval run produced: gold, scores, raw responses, summed counts, metrics, cost, provenance
and the gate verdict. Its own module so that the runner (which makes it) and the report writers (which
read it) do not import each other."""
from __future__ import annotations

from dataclasses import dataclass, field

from service.schema import SummarizeResponse

from . import metrics
from .adapters import GoldArticle


@dataclass
class RunResult:
    suite: str  # fixtures | polnear
    gold: list[GoldArticle]
    scores: list[metrics.ArticleScore]
    responses: dict[str, SummarizeResponse | None]
    totals: metrics.Counts
    metrics: dict
    cost: dict
    provenance: dict
    summarize: bool
    gate: dict = field(default_factory=dict)
