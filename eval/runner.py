"""Run the eval: gold articles -> service (in-process or HTTP) -> scores -> report files -> gate.

    python -m eval [--only ID ...] [--url URL] [--backend real|fake] [--no-summary] [--gate] [--out DIR]
    python -m eval polnear [--dir DIR] [--limit N] [--only NAME ...] [--url URL] [--gate] [--out DIR]

`main(argv)` is the entry point (`claimtrace eval` calls it); it returns the exit status:
0 ok, 1 gate failed, 2 the run itself failed (bad fixture, service unreachable...).
"""
from __future__ import annotations

import argparse
import logging
import platform
import resource
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Protocol

from service.schema import ModelInfo, SummarizeOptions, SummarizeRequest, SummarizeResponse

from . import metrics
from .adapters import GoldArticle, load_fixtures

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
REPORTS_DIR = ROOT / "eval" / "reports"
THRESHOLDS = ROOT / "eval" / "thresholds.toml"
SUMMARY_METRICS = ("must_mention_coverage", "must_attribute_rate", "must_not_state_suspects", "must_not_state_violations",
                   "unsupported_numbers", "unsupported_names")


# ---------------------------------------------------------------- clients


class Client(Protocol):
    """Anything that turns a request into a response: the pipeline in-process, or a server."""

    def summarize(self, request: SummarizeRequest) -> SummarizeResponse: ...

    def model_info(self) -> ModelInfo | None: ...

    def settings(self) -> dict: ...


class InProcessClient:
    """Builds the backend once and calls service.pipeline.run for each article."""

    def __init__(self, backend_name: str):
        from service.config import get_settings

        self._settings = get_settings()
        if backend_name == "fake":
            from service.backends.fake import FakeBackend

            self.backend = FakeBackend()
            self._settings = self._settings.model_copy(update={"backend": "fake"})
        else:
            from service.backends import load_backend

            self.backend = load_backend(self._settings)

    def summarize(self, request: SummarizeRequest) -> SummarizeResponse:
        from service import pipeline

        return pipeline.run(request, self.backend, self._settings)

    def model_info(self) -> ModelInfo | None:
        return self.backend.info

    def settings(self) -> dict:
        return {"mode": "in-process", **self._settings.model_dump(mode="json")}


class HttpClient:
    """POSTs to a running server (`--url`)."""

    def __init__(self, url: str, timeout_s: float = 3600.0, transport=None):
        import httpx

        self.url = url.rstrip("/")
        self._http = httpx.Client(timeout=timeout_s, transport=transport)

    def summarize(self, request: SummarizeRequest) -> SummarizeResponse:
        r = self._http.post(f"{self.url}/v1/summarize", json=request.model_dump(mode="json", exclude_none=True))
        if r.status_code != 200:
            raise RuntimeError(f"HTTP {r.status_code}: {r.text[:300]}")
        return SummarizeResponse.model_validate(r.json())

    def model_info(self) -> ModelInfo | None:
        r = self._http.get(f"{self.url}/v1/model")
        r.raise_for_status()
        body = r.json()
        return ModelInfo.model_validate(body.get("model", body))

    def settings(self) -> dict:
        return {"mode": "http", "url": self.url}


# ---------------------------------------------------------------- running


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


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports KiB, macOS bytes)."""
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return ru / (1024 * 1024) if sys.platform == "darwin" else ru / 1024


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def provenance(client: Client, responses: list[SummarizeResponse], n_articles: int, suite: str) -> dict:
    import os

    try:
        model = client.model_info()
    except Exception as exc:  # provenance falls back to the model named in the responses
        log.warning("could not read the model info: %s", exc)
        model = None
    seen_models = {r.model.model_dump_json() for r in responses}
    prompt_versions: dict[str, str] = {}
    for r in responses:
        prompt_versions.update(r.prompt_versions)
    status = _git("status", "--porcelain")
    return {
        "suite": suite,
        "git_commit": _git("rev-parse", "HEAD"),
        "git_short": _git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(status) if status is not None else None,
        "date_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(),
        },
        "model": model.model_dump() if model else (responses[0].model.model_dump() if responses else None),
        "models_in_responses": len(seen_models),
        "prompt_versions": prompt_versions,
        "articles": n_articles,
        "settings": client.settings(),
    }


def run(gold: list[GoldArticle], client: Client, *, summarize: bool, suite: str = "fixtures",
        progress: bool = True) -> RunResult:
    from tqdm import tqdm

    scores, responses, seconds = [], {}, []
    bar = tqdm(gold, desc=f"eval {suite}", unit="article", disable=not progress, file=sys.stderr)
    for art in bar:
        bar.set_postfix_str(art.id[:30])
        request = SummarizeRequest(text=art.text, title=art.title, options=SummarizeOptions(summarize=summarize))
        t0 = time.perf_counter()
        try:
            resp = client.summarize(request)
        except Exception as exc:  # one failing article is reported, the run goes on
            log.exception("article %s failed", art.id)
            score = metrics.failed_article(art, f"{type(exc).__name__}: {exc}")
            resp = None
        else:
            score = metrics.score_article(art, resp)
        score.seconds = time.perf_counter() - t0
        seconds.append(score.seconds)
        scores.append(score)
        responses[art.id] = resp
    totals = sum((s.counts for s in scores), metrics.Counts())
    ok = [r for r in responses.values() if r is not None]
    return RunResult(
        suite=suite,
        gold=gold,
        scores=scores,
        responses=responses,
        totals=totals,
        metrics=metrics.aggregate(totals),
        cost=metrics.cost(seconds, peak_rss_mb()),
        provenance=provenance(client, ok, len(gold), suite),
        summarize=summarize,
    )


# ---------------------------------------------------------------- gate


def load_thresholds(path: Path = THRESHOLDS) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def check_gate(result: RunResult, thresholds: dict) -> dict:
    """{'failures': [...], 'checked': [...], 'skipped': [...]}; n/a on a gated metric is a failure,
    except summary metrics in a run without summaries (skipped, said so)."""
    table = thresholds.get(result.suite, {})
    failures, checked, skipped = [], [], []
    values = {**result.metrics, **{k: v for k, v in result.cost.items()}}
    for bound, ok in (("min", lambda v, t: v >= t), ("max", lambda v, t: v <= t)):
        for name, limit in table.get(bound, {}).items():
            if name in SUMMARY_METRICS and not result.summarize:
                skipped.append(f"{name} (run without summaries)")
                continue
            if name not in values:
                failures.append(f"{name}: unknown metric in thresholds.toml")
                continue
            v = values[name]
            if v is None:
                failures.append(f"{name}: n/a (could not be measured), {bound} {limit}")
            elif not ok(v, limit):
                failures.append(f"{name}: {v:.4g} {'<' if bound == 'min' else '>'} {bound} {limit}")
            else:
                checked.append(name)
    return {"failures": failures, "checked": checked, "skipped": skipped}


# ---------------------------------------------------------------- CLI


def _parser(polnear: bool) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m eval polnear" if polnear else "python -m eval",
        description=("Score attribution on PolNeAR (BRAT) with the fixture metrics; never summarizes."
                     if polnear else "Run the ClaimTrace eval suite on eval/fixtures/*.json."),
    )
    if polnear:
        from .adapters.polnear import DEFAULT_DIR

        p.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="BRAT dir with text/ and attributions/ (default: %(default)s)")
        p.add_argument("--limit", type=int, default=None, help="first N articles in sorted order")
    p.add_argument("--only", nargs="+", metavar="ID", help="only these fixture ids / article names")
    p.add_argument("--url", help="score a running server (POST URL/v1/summarize) instead of in-process")
    p.add_argument("--backend", choices=("real", "fake"), default=None,
                   help="in-process model: real (settings, CLAIMTRACE_*) or fake. Default: real, "
                        "or fake when no summary is asked for (the model is not called then)")
    if not polnear:
        p.add_argument("--no-summary", action="store_true", help="claims only (options.summarize=false)")
    p.add_argument("--gate", action="store_true", help="exit 1 when a metric misses eval/thresholds.toml")
    p.add_argument("--thresholds", type=Path, default=THRESHOLDS, help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, help="report directory (default eval/reports/<UTC time>-<commit>/)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def main(argv: list[str] | None = None, *, client_factory: Callable[[argparse.Namespace, bool], Client] | None = None) -> int:
    from .report import print_summary, write_reports

    argv = list(sys.argv[1:] if argv is None else argv)
    polnear = bool(argv) and argv[0] == "polnear"
    args = _parser(polnear).parse_args(argv[1:] if polnear else argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    summarize = False if polnear else not args.no_summary

    try:
        if polnear:
            from .adapters.polnear import load_polnear

            gold = load_polnear(args.dir, limit=args.limit, only=args.only)
        else:
            gold = load_fixtures(only=args.only)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # invalid fixture / unknown id: message already formatted
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not gold:
        print("error: no gold articles to score", file=sys.stderr)
        return 2

    try:
        if client_factory is not None:
            client = client_factory(args, summarize)
        elif args.url:
            client = HttpClient(args.url)
        else:
            client = InProcessClient(args.backend or ("real" if summarize else "fake"))
    except Exception as exc:  # e.g. the model can't be loaded: say so, no traceback
        print(f"error: could not start the service: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2

    result = run(gold, client, summarize=summarize, suite="polnear" if polnear else "fixtures",
                 progress=not args.quiet)
    thresholds = load_thresholds(args.thresholds)
    result.gate = check_gate(result, thresholds)
    out = args.out or REPORTS_DIR / (
        datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + f"-{result.provenance['git_short'] or 'nogit'}"
    )
    write_reports(result, out)
    print_summary(result, out)
    if args.gate and result.gate["failures"]:
        print("\nGATE FAILED:", file=sys.stderr)
        for f in result.gate["failures"]:
            print(f"  {f}", file=sys.stderr)
        return 1
    return 0
