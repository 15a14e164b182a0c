"""What one eval run produced: gold, scores, raw responses, summed counts, metrics, cost, provenance
and the gate verdict. Its own module so that the runner (which makes it) and the report writers (which
read it) do not import each other."""
from __future__ import annotations

from dataclasses import dataclass, field

from service.schema import SummarizeResponse

from .adapters import GoldArticle
from .attribution_scoring import ArticleScore
from .counts import Counts

# Fixture groups, scored separately and gated by their own thresholds sections (eval/fixtures/TUNING.md):
# "tuned" fixtures (labelled_blind false) were used to develop the rules and the thresholds were measured
# on them; "blind" ones (labelled_blind true) never were, so they estimate generalisation.
GROUPS = ("tuned", "blind")
GATE_SECTIONS = {"tuned": "fixtures", "blind": "fixtures_blind"}


def group_of(gold: GoldArticle) -> str:
    return "blind" if gold.labelled_blind else "tuned"


@dataclass
class RunResult:
    suite: str  # fixtures | polnear
    gold: list[GoldArticle]
    scores: list[ArticleScore]
    responses: dict[str, SummarizeResponse | None]
    totals: Counts  # (imported by name: the `metrics` field below would shadow a module)
    metrics: dict
    cost: dict
    provenance: dict
    summarize: bool
    gate: dict = field(default_factory=dict)
    # suite "fixtures" only: per group, {"ids": [...], "articles": n, "totals": Counts, "metrics": {...},
    # "cost": {...}}; the same metrics as the whole set, from the group's summed counts. A group with no
    # fixture in the run has ids [] and metrics/cost None. {} for PolNeAR.
    groups: dict = field(default_factory=dict)
