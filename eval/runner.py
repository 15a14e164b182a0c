"""Run the eval: gold articles -> service (in-process or HTTP) -> scores -> report files -> gate.

    python -m eval [--fixtures DIR] [--thresholds FILE] [--only ID ...] [--url URL] [--backend real|fake]
                   [--no-summary] [--gate] [--junit FILE] [--markdown FILE] [--out DIR]
    python -m eval polnear --dir DIR [--limit N] [--only NAME ...] [--url URL] [--gate] [--out DIR]
    python -m eval new ARTICLE.txt [-o FILE]      a blank fixture skeleton to label (eval.labelling)
    python -m eval check DIR|FILE ...             validate fixtures without running anything
    python -m eval diff RUN_A RUN_B               what changed between two report folders (eval.diff)

`main(argv)` is the entry point (`claimtrace eval` calls it); it returns the exit status:
0 pass, 1 gate failed, 2 usage or configuration error (bad option, invalid fixture or thresholds file,
missing PolNeAR dir, model that cannot load), 3 service unreachable (`--url`).
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
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from service.schema import ModelInfo, SummarizeOptions, SummarizeRequest, SummarizeResponse

from . import metrics
from .adapters import FIXTURES_DIR, FixtureError, GoldArticle, load_fixtures
from .result import GATE_SECTIONS, GROUPS, RunResult, group_of

if TYPE_CHECKING:
    from service.backends import Backend

__all__ = ["RunResult", "main", "run", "check_gate", "load_thresholds", "HttpClient", "InProcessClient"]

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
REPORTS_DIR = ROOT / "eval" / "reports"
THRESHOLDS = ROOT / "eval" / "thresholds.toml"
SUMMARY_METRICS = ("must_mention_coverage", "must_attribute_rate", "must_not_state_suspects", "must_not_state_violations",
                   "unsupported_numbers", "unsupported_names", "summary_wrong_source")


# ---------------------------------------------------------------- clients


class Client(Protocol):
    """Anything that turns a request into a response: the pipeline in-process, or a server."""

    def summarize(self, request: SummarizeRequest) -> SummarizeResponse: ...

    def model_info(self) -> ModelInfo | None: ...

    def settings(self) -> dict: ...


class InProcessClient:
    """Builds the backend once (or takes one already loaded) and calls service.pipeline.run for each article."""

    def __init__(self, backend_name: str = "real", backend: Backend | None = None):
        from service.backends import load_backend
        from service.config import get_settings

        self._settings = get_settings()
        if backend_name == "fake":  # "real" is whatever CLAIMTRACE_BACKEND selects
            self._settings = self._settings.model_copy(update={"backend": "fake"})
        self.backend = backend or load_backend(self._settings)

    def summarize(self, request: SummarizeRequest) -> SummarizeResponse:
        from service import pipeline

        return pipeline.run(request, self.backend, self._settings)

    def model_info(self) -> ModelInfo | None:
        return self.backend.info

    def settings(self) -> dict:
        return {"mode": "in-process", **self._settings.model_dump(mode="json")}


class ServiceUnreachable(RuntimeError):
    """The server at --url could not be reached (connection refused, DNS, timeout, never ready)."""


class HttpClient:
    """POSTs to a running server (`--url`)."""

    def __init__(self, url: str, timeout_s: float = 3600.0, transport=None):
        import httpx

        self.url = url.rstrip("/")
        self._http = httpx.Client(timeout=timeout_s, transport=transport)
        self.unreachable: str | None = None  # set when a request could not reach the server

    def wait_ready(self, timeout_s: float = 60.0, poll_s: float = 2.0) -> None:
        """Raise ServiceUnreachable unless GET /healthz answers and /readyz turns 200 within timeout_s
        (a server that is still loading its model answers 503)."""
        import httpx

        deadline = time.monotonic() + timeout_s
        last = ""
        while True:
            try:
                h = self._http.get(f"{self.url}/healthz", timeout=10.0)
                if h.status_code != 200:
                    raise ServiceUnreachable(f"{self.url}/healthz answered HTTP {h.status_code}")
                r = self._http.get(f"{self.url}/readyz", timeout=10.0)
                if r.status_code == 200:
                    return
                last = f"{self.url}/readyz answered HTTP {r.status_code}"
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
                if time.monotonic() >= deadline:
                    raise ServiceUnreachable(f"{self.url}: {last}") from exc
            if time.monotonic() >= deadline:
                raise ServiceUnreachable(f"{self.url} not ready after {timeout_s:.0f}s ({last})")
            time.sleep(poll_s)

    def summarize(self, request: SummarizeRequest) -> SummarizeResponse:
        import httpx

        try:
            r = self._http.post(f"{self.url}/v1/summarize", json=request.model_dump(mode="json", exclude_none=True))
        except httpx.TransportError as exc:
            self.unreachable = f"{type(exc).__name__}: {exc}"
            raise ServiceUnreachable(f"{self.url}: {self.unreachable}") from exc
        if r.status_code != 200:
            raise RuntimeError(f"HTTP {r.status_code}: {r.text[:300]}")
        return SummarizeResponse.model_validate(r.json())

    def model_info(self) -> ModelInfo | None:
        r = self._http.get(f"{self.url}/v1/model")
        r.raise_for_status()
        return ModelInfo.model_validate(r.json())  # the route answers a bare ModelInfo

    def settings(self) -> dict:
        return {"mode": "http", "url": self.url}


# ---------------------------------------------------------------- running


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
    except Exception as exc:  # noqa: BLE001 (any failure:) provenance falls back to the model named in the responses
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
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
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
        "scorer_version": metrics.SCORER_VERSION,
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
        resp: SummarizeResponse | None = None
        try:
            got = client.summarize(request)
        except Exception as exc:  # one failing article is reported, the run goes on
            log.exception("article %s failed", art.id)
            score = metrics.failed_article(art, f"{type(exc).__name__}: {exc}")
        else:
            resp = got
            score = metrics.score_article(art, got)
        score.seconds = time.perf_counter() - t0
        seconds.append(score.seconds)
        scores.append(score)
        responses[art.id] = resp
    totals = sum((s.counts for s in scores), metrics.Counts())
    ok = [r for r in responses.values() if r is not None]
    peak = peak_rss_mb()
    prov = provenance(client, ok, len(gold), suite)
    groups: dict = {}
    if suite == "fixtures":
        prov["fixture_versions"] = {g.id: g.version for g in gold}
        groups = score_groups(gold, scores, peak)
        prov["fixture_groups"] = {name: g["ids"] for name, g in groups.items()}
    return RunResult(
        suite=suite,
        gold=gold,
        scores=scores,
        responses=responses,
        totals=totals,
        metrics=metrics.aggregate(totals),
        cost=metrics.cost(seconds, peak),
        provenance=prov,
        summarize=summarize,
        groups=groups,
    )


def score_groups(gold: list[GoldArticle], scores: list[metrics.ArticleScore], peak: float | None) -> dict:
    """Each group ("tuned": labelled_blind false, "blind": true) scored like the whole set: metrics from
    the group's summed counts, cost from its articles' seconds (peak RSS is the run's). Both groups are
    always present; one with no fixture in the run has ids [] and metrics/cost None."""
    out = {}
    for name in GROUPS:
        members = [s for g, s in zip(gold, scores, strict=True) if group_of(g) == name]
        totals = sum((s.counts for s in members), metrics.Counts())
        out[name] = {
            "ids": [s.id for s in members],
            "articles": len(members),
            "totals": totals,
            "metrics": metrics.aggregate(totals) if members else None,
            "cost": metrics.cost([s.seconds for s in members if s.seconds is not None], peak) if members else None,
        }
    return out


# ---------------------------------------------------------------- gate

COST_METRICS = ("seconds_median", "seconds_max", "seconds_total", "peak_rss_mb")


class ThresholdsError(ValueError):
    pass


def load_thresholds(path: Path = THRESHOLDS) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def thresholds_problems(thresholds: dict, path: Path | str = "thresholds") -> list[str]:
    """Everything wrong with a thresholds table, as 'file: key: why' (checked before any model runs)."""
    known = set(metrics.aggregate(metrics.Counts())) | set(COST_METRICS)
    out = []
    for suite, table in thresholds.items():
        if suite not in ("fixtures", "fixtures_blind", "polnear"):
            out.append(f"{path}: [{suite}]: unknown section (fixtures, fixtures_blind, polnear)")
            continue
        if not isinstance(table, dict):
            out.append(f"{path}: {suite}: must be a table with [{suite}.min] / [{suite}.max]")
            continue
        for bound, limits in table.items():
            if bound not in ("min", "max") or not isinstance(limits, dict):
                out.append(f"{path}: [{suite}.{bound}]: unknown bound (min, max)")
                continue
            for name, limit in limits.items():
                if name not in known:
                    out.append(f"{path}: {suite}.{bound}.{name}: unknown metric")
                elif isinstance(limit, bool) or not isinstance(limit, (int, float)):
                    out.append(f"{path}: {suite}.{bound}.{name}: threshold must be a number, got {limit!r}")
    return out


def read_thresholds(path: Path) -> dict:
    """load_thresholds + validation; ThresholdsError with (file, key, why) messages."""
    try:
        t = load_thresholds(path)
    except FileNotFoundError as exc:
        raise ThresholdsError(f"{path}: no such thresholds file") from exc
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ThresholdsError(f"{path}: not valid TOML: {exc}") from exc
    problems = thresholds_problems(t, path)
    if problems:
        raise ThresholdsError("invalid thresholds:\n  " + "\n  ".join(problems))
    return t


def check_gate(result: RunResult, thresholds: dict) -> dict:
    """{'failures': [...], 'checked': [...], 'skipped': [...], 'results': [...]} (+ 'groups' for fixtures).

    PolNeAR: [polnear.*] bounds the whole set. Fixtures: [fixtures.*] bounds the TUNED group (labelled_blind
    false: the thresholds were measured on it) and [fixtures_blind.*] the BLIND group, each on the group's
    own metrics; a failure message names its group ("blind group: content_f1_lenient: 0.5 < min 0.9"). A
    group with no fixture in the run is not gated: its rows are skipped, never failed; a thresholds file
    without a group's section has no gate for it. n/a on a gated metric is a failure, except summary
    metrics in a run without summaries (skipped, said so). `results` has one {metric, bound, threshold,
    value, status: pass|fail|na|skipped|unknown, reason (when skipped), section, group} per gated metric;
    'groups' is {group: {section, articles, status: pass|fail|skipped|none}} (none: no bounds for it)."""
    parts: list[tuple[str | None, str, dict | None]] = []
    if result.suite == "fixtures" and result.groups:
        for name in GROUPS:
            g = result.groups[name]
            parts.append((name, GATE_SECTIONS[name], {**g["metrics"], **g["cost"]} if g["articles"] else None))
    else:
        parts = [(None, result.suite, {**result.metrics, **result.cost})]
    failures: list[str] = []
    checked, skipped, results = [], [], []
    groups: dict = {}
    for group, section, values in parts:
        table = thresholds.get(section, {})
        prefix = f"{group} group: " if group else ""
        bounded = any(table.get(b) for b in ("min", "max"))
        if group is not None and values is None and bounded:
            skipped.append(f"{group} group: [{section}.*] not gated (no {group} fixture in this run)")
        n_fail = len(failures)
        for bound, ok in (("min", lambda v, t: v >= t), ("max", lambda v, t: v <= t)):
            for name, limit in table.get(bound, {}).items():
                row = {"metric": name, "bound": bound, "threshold": limit, "value": (values or {}).get(name),
                       "section": section, "group": group}
                results.append(row)
                if values is None:
                    row["status"], row["reason"] = "skipped", f"no {group} fixture in this run"
                    continue
                if name in SUMMARY_METRICS and not result.summarize:
                    skipped.append(f"{prefix}{name} (run without summaries)")
                    row["status"], row["reason"] = "skipped", "run without summaries"
                    continue
                if name not in values:
                    failures.append(f"{prefix}{name}: unknown metric in thresholds.toml")
                    row["status"] = "unknown"
                    continue
                v = values[name]
                if v is None:
                    failures.append(f"{prefix}{name}: n/a (could not be measured), {bound} {limit}")
                    row["status"] = "na"
                elif not ok(v, limit):
                    failures.append(f"{prefix}{name}: {v:.4g} {'<' if bound == 'min' else '>'} {bound} {limit}")
                    row["status"] = "fail"
                else:
                    checked.append(f"{prefix}{name}")
                    row["status"] = "pass"
        if group is not None:
            status = ("none" if not bounded else "skipped" if values is None
                      else "fail" if len(failures) > n_fail else "pass")
            groups[group] = {"section": section, "articles": result.groups[group]["articles"], "status": status}
    out = {"failures": failures, "checked": checked, "skipped": skipped, "results": results}
    if groups:
        out["groups"] = groups
    return out


# ---------------------------------------------------------------- CLI

POLNEAR_HELP = ("PolNeAR is not bundled (copyrighted news, no data licence). Clone the public corpus and "
                "point --dir at a split: git clone https://github.com/networkdynamics/PolNeAR && "
                "python -m eval polnear --dir PolNeAR/data/dev")


def _parser(polnear: bool) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m eval polnear" if polnear else "python -m eval",
        description=("Score attribution on PolNeAR (BRAT) with the fixture metrics; never summarizes. " + POLNEAR_HELP
                     if polnear else
                     "Run the ClaimTrace eval suite on a folder of fixtures (default: the bundled eval/fixtures). "
                     "Other commands: new ARTICLE.txt, check DIR, diff RUN_A RUN_B, polnear --dir DIR."),
        epilog="exit status: 0 pass, 1 gate failed, 2 usage or configuration error, 3 service unreachable",
    )
    if polnear:
        p.add_argument("--dir", type=Path, default=None,
                       help="a PolNeAR split in BRAT layout, with text/ and attributions/ (e.g. PolNeAR/data/dev)")
        p.add_argument("--limit", type=int, default=None, help="first N articles in sorted order")
    else:
        p.add_argument("--fixtures", type=Path, default=FIXTURES_DIR, metavar="DIR",
                       help="folder of fixture *.json files (default: the bundled eval/fixtures)")
    p.add_argument("--only", nargs="+", metavar="ID", help="only these fixture ids / article names")
    p.add_argument("--url", help="score a running server (POST URL/v1/summarize) instead of in-process")
    p.add_argument("--ready-timeout", type=float, default=60.0, metavar="S",
                   help="with --url: seconds to wait for /healthz and /readyz before giving up with exit 3 (default 60)")
    p.add_argument("--backend", choices=("real", "fake"), default=None,
                   help="in-process model: real (settings, CLAIMTRACE_*) or fake. Default: real, "
                        "or fake when no summary is asked for (the model is not called then)")
    if not polnear:
        p.add_argument("--no-summary", action="store_true", help="claims only (options.summarize=false)")
    p.add_argument("--gate", action="store_true", help="exit 1 when a metric misses the thresholds")
    p.add_argument("--thresholds", type=Path, default=THRESHOLDS, metavar="FILE",
                   help="TOML with [fixtures.*] (tuned fixtures), [fixtures_blind.*] (blind fixtures) and [polnear.*] "
                        "min/max bounds (default: the bundled eval/thresholds.toml)")
    p.add_argument("--junit", type=Path, metavar="FILE", help="also write JUnit XML (a test case per fixture and per gated metric)")
    p.add_argument("--markdown", type=Path, metavar="FILE", help="also write a Markdown summary for a pull-request comment")
    p.add_argument("--out", type=Path, help="report directory (default eval/reports/<UTC time>-<commit>/)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace | int:
    try:
        return parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2): a status, never an exception
        return exc.code if isinstance(exc.code, int) else 2


def main(argv: list[str] | None = None, *, client_factory: Callable[[argparse.Namespace, bool], Client] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in ("polnear", "new", "check", "diff") else None
    if command in ("new", "check"):
        from . import labelling

        return labelling.main(argv)
    if command == "diff":
        from . import diff

        return diff.main(argv[1:])
    polnear = command == "polnear"
    args = _parse(_parser(polnear), argv[1:] if polnear else argv)
    if isinstance(args, int):
        return args
    return _run_command(args, polnear, client_factory)


def _run_command(args: argparse.Namespace, polnear: bool, client_factory) -> int:
    from .report import print_summary, write_reports

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    summarize = False if polnear else not args.no_summary

    # everything a person can get wrong is checked before any model loads
    try:
        if polnear:
            if args.dir is None:
                print(f"error: polnear needs --dir. {POLNEAR_HELP}", file=sys.stderr)
                return 2
            from .adapters.polnear import load_polnear

            gold = load_polnear(args.dir, limit=args.limit, only=args.only)
        else:
            gold = load_fixtures(args.fixtures, only=args.only)
        thresholds = read_thresholds(args.thresholds)
    except FixtureError as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("(run `claimtrace eval check DIR` to see every problem; see eval/README.md for the format)", file=sys.stderr)
        return 2
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}" + (f"\n{POLNEAR_HELP}" if polnear and isinstance(exc, FileNotFoundError) else ""),
              file=sys.stderr)
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
    except Exception as exc:  # noqa: BLE001 e.g. the model can't be loaded: say so, no traceback
        print(f"error: could not start the service: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    if isinstance(client, HttpClient):
        try:
            client.wait_ready(args.ready_timeout)
        except ServiceUnreachable as exc:
            print(f"error: service unreachable: {exc}", file=sys.stderr)
            return 3

    result = run(gold, client, summarize=summarize, suite="polnear" if polnear else "fixtures",
                 progress=not args.quiet)
    result.provenance["thresholds_file"] = str(args.thresholds)
    if not polnear:
        result.provenance["fixtures_dir"] = str(args.fixtures)
    result.gate = check_gate(result, thresholds)
    out = args.out or REPORTS_DIR / (
        datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + f"-{result.provenance['git_short'] or 'nogit'}"
    )
    write_reports(result, out)
    if args.junit or args.markdown:
        from . import ci

        if args.junit:
            ci.write_junit(result, args.junit)
        if args.markdown:
            ci.write_markdown(result, args.markdown, report_dir=out)
    print_summary(result, out)
    unreachable = getattr(client, "unreachable", None)
    if unreachable:
        print(f"\nerror: service unreachable during the run ({unreachable}); "
              f"{result.totals.articles_failed} of {result.totals.articles} articles failed", file=sys.stderr)
        return 3
    if args.gate and result.gate["failures"]:
        print("\nGATE FAILED:", file=sys.stderr)
        for f in result.gate["failures"]:
            print(f"  {f}", file=sys.stderr)
        return 1
    return 0
