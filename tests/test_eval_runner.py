"""The runner end to end on tiny invented data: report files, gate, failures, HTTP and in-process modes."""
from __future__ import annotations

import json
from pathlib import Path

import httpx

from eval import runner
from eval.adapters import GoldArticle
from eval.adapters.polnear import load_polnear
from service.schema import ModelInfo, SummarizeRequest, SummarizeResponse

MINI = Path(__file__).parent / "data" / "brat-mini"


def echo_response(gold: GoldArticle) -> SummarizeResponse:
    """What a perfect service would answer: the gold labels as claims (one per piece)."""
    t = gold.text

    def span(s, e):
        return {"start": s, "end": e, "text": t[s:e]}

    sources = [{"id": "s0", "name": "The reporter", "type": "reporter", "mentions": []}]
    claims = []
    for i, g in enumerate(gold.attributions):
        sid = f"s{i + 1}"
        sources.append({"id": sid, "name": g.source or "someone", "type": g.source_type or "person",
                        "mentions": [span(*sp.pieces[0]) for sp in g.source_spans]})
        for s, e in g.content.pieces:
            claims.append({"id": f"c{len(claims) + 1}", "kind": g.kind or "direct", "content": span(s, e),
                           "cue": span(*g.cue.pieces[0]) if g.cue else None,
                           "source_mention": span(*g.source_spans[0].pieces[0]) if g.source_spans else None,
                           "source_id": sid, "confidence": 0.9})
    for u in gold.unsourced:
        claims.append({"id": f"c{len(claims) + 1}", "kind": "unsourced", "content": span(*u.pieces[0]),
                       "source_id": "s0", "confidence": 0.6})
    return SummarizeResponse.model_validate({
        "id": "echo", "model": {"name": "echo", "backend": "test"}, "prompt_versions": {"attribute": "echo.v1"},
        "document": {"length": len(t)}, "summary": [], "claims": claims, "sources": sources})


class EchoClient:
    def __init__(self, fail: bool = False):
        self.by_text = {g.text: g for g in load_polnear(MINI)}
        self.fail = fail

    def summarize(self, request: SummarizeRequest) -> SummarizeResponse:
        if self.fail:
            raise RuntimeError("service down")
        assert request.options.summarize is False  # PolNeAR never summarizes
        return echo_response(self.by_text[request.text])

    def model_info(self) -> ModelInfo:
        return ModelInfo(name="echo", backend="test")

    def settings(self) -> dict:
        return {"mode": "test"}


def run_main(tmp_path: Path, *extra: str, client=None, thresholds: str | None = None) -> tuple[int, dict, Path]:
    out = tmp_path / "report"
    args = ["polnear", "--dir", str(MINI), "--out", str(out), "--quiet", *extra]
    if thresholds is not None:
        (tmp_path / "t.toml").write_text(thresholds)
        args += ["--thresholds", str(tmp_path / "t.toml")]
    code = runner.main(args, client_factory=(lambda a, s: client) if client else None)
    return code, json.loads((out / "report.json").read_text()), out


def test_perfect_service_scores_full_marks_and_writes_three_files(tmp_path, capsys):
    code, rep, out = run_main(tmp_path, client=EchoClient())
    assert code == 0
    assert {p.name for p in out.iterdir()} == {"report.json", "report.md", "report.html", "responses.jsonl"}
    m = rep["metrics"]
    for k in ("content_f1_lenient", "content_f1_exact", "content_f1_strict", "source_accuracy", "cue_accuracy", "grounding"):
        assert m[k] == 1.0, k
    assert m["unsourced_recall"] is None and m["must_mention_coverage"] is None
    prov = rep["provenance"]
    assert prov["articles"] == 2 and prov["model"]["name"] == "echo" and prov["prompt_versions"] == {"attribute": "echo.v1"}
    assert prov["machine"]["cpu_count"] and prov["date_utc"] and "git_commit" in prov
    assert rep["cost"]["peak_rss_mb"] > 0 and rep["cost"]["seconds_median"] is not None
    html = (out / "report.html").read_text()
    assert "tern_2024-01-01_bridge" in html and "<style>" in html
    assert "http://" not in html and "https://" not in html and "<script" not in html and "<link" not in html
    md = (out / "report.md").read_text()
    assert "| content F1 | 100.0% | 100.0% | 100.0% |" in md
    screen = capsys.readouterr().out
    assert "content F1" in screen and "report:" in screen


def test_gate_fails_below_threshold_and_on_na(tmp_path, capsys):
    code, rep, _ = run_main(tmp_path, "--gate", client=EchoClient(),
                            thresholds="[polnear.min]\ncontent_f1_lenient = 0.5\nunsourced_recall = 0.1\n")
    assert code == 1
    err = capsys.readouterr().err
    assert "unsourced_recall: n/a" in err and "content_f1_lenient" not in err
    code, _, _ = run_main(tmp_path, "--gate", client=EchoClient(), thresholds="[polnear.min]\ncontent_f1_lenient = 0.5\n")
    assert code == 0
    # without --gate the run reports but does not fail
    code, rep, _ = run_main(tmp_path, client=EchoClient(), thresholds="[polnear.min]\ncontent_f1_lenient = 1.5\n")
    assert code == 0 and rep["gate"]["failures"]


def test_failing_service_is_counted_not_hidden(tmp_path):
    code, rep, _ = run_main(tmp_path, "--gate", client=EchoClient(fail=True),
                            thresholds="[polnear.max]\narticles_failed = 0\n")
    assert code == 1
    m = rep["metrics"]
    assert m["articles_failed"] == 2 and m["content_recall_lenient"] == 0.0
    assert m["content_precision_lenient"] is None  # nothing predicted: n/a, not 0
    assert rep["articles"][0]["error"] == "RuntimeError: service down"


def test_default_thresholds_file_parses_and_names_known_metrics():
    from eval.metrics import Counts, aggregate

    known = set(aggregate(Counts())) | {"seconds_median", "seconds_max", "seconds_total", "peak_rss_mb"}
    t = runner.load_thresholds()
    for suite in ("fixtures", "polnear"):
        for bound in ("min", "max"):
            assert set(t[suite].get(bound, {})) <= known, (suite, bound)


def test_http_client_posts_the_request(tmp_path):
    gold = {g.text: g for g in load_polnear(MINI)}
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/model":
            # what the real route sends: a bare ModelInfo (service/api/routes.py)
            return httpx.Response(200, json={"name": "echo-served", "backend": "test", "sha256": "ab12"})
        if request.url.path in ("/healthz", "/readyz"):
            return httpx.Response(200, json={"status": "ok"})
        body = json.loads(request.content)
        seen.append(body)
        return httpx.Response(200, json=echo_response(gold[body["text"]]).model_dump(mode="json"))

    client = runner.HttpClient("http://test", transport=httpx.MockTransport(handler))
    code, rep, _ = run_main(tmp_path, client=client)
    assert code == 0 and rep["metrics"]["content_f1_lenient"] == 1.0
    assert seen[0]["options"]["summarize"] is False and "html" not in seen[0]
    assert rep["provenance"]["model"]["name"] == "echo-served"  # from /v1/model, not from the responses
    assert rep["provenance"]["model"]["sha256"] == "ab12"


def test_in_process_fake_backend_through_the_pipeline(tmp_path):
    code, rep, out = run_main(tmp_path, "--backend", "fake")
    assert code == 0
    m = rep["metrics"]
    assert rep["counts"]["spans_total"] > 0  # the fixtures have claims: grounding is measured, not n/a
    assert m["grounding"] == 1.0 and m["refs_broken"] == 0 and m["articles_failed"] == 0
    assert rep["provenance"]["model"]["name"] == "fake"
