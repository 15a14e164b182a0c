"""The eval as a newsroom runs it in CI (issue 14): its own fixtures folder and thresholds, blank
skeletons and `check`, JUnit and Markdown outputs, exit codes, and `diff` between two report folders.

Scores are asserted on a client that answers with the gold labels (so they do not move when the rules
do); one test runs the in-process pipeline on the fake backend; one (marked `model`) the real model."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from eval import runner
from eval.adapters import load_fixtures
from eval.metrics import SCORER_VERSION
from service.schema import ModelInfo, SummarizeResponse

TEXT = ("Bridge to reopen on Monday\n\n"
        "Mayor Ann Lee said on Friday that the Elm Street bridge will reopen on Monday after six weeks of repairs.\n\n"
        "“It is safe, and it is stronger than before,” Ms. Lee told reporters.\n\n"
        "The bridge carries about 12,000 cars a day.\n")


def good_fixture(fixture_id: str = "bridge-reopens") -> dict:
    return {
        "id": fixture_id, "version": 2, "title": "Bridge to reopen", "license": "CC0, written for ClaimTrace tests",
        "text": TEXT,
        "attributions": [
            {"content": "the Elm Street bridge will reopen on Monday after six weeks of repairs", "source": "Ann Lee",
             "source_type": "person", "aliases": ["Mayor Ann Lee"], "cue": "said", "kind": "indirect"},
            {"content": "It is safe, and it is stronger than before,", "source": "Ann Lee", "source_type": "person",
             "aliases": ["Ms. Lee"], "cue": "told reporters", "kind": "direct"},
        ],
        "unsourced": ["The bridge carries about 12,000 cars a day."],
    }


def write(folder: Path, fx: dict, name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"{name or fx['id']}.json"
    p.write_text(json.dumps(fx, ensure_ascii=False, indent=2), encoding="utf-8")
    return p


def thresholds(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "thresholds.toml"
    p.write_text(body, encoding="utf-8")
    return p


class GoldEcho:
    """Answers every article with its gold labels: a perfect service, deterministic."""

    def __init__(self, folder: Path):
        self.by_text = {g.text: g for g in load_fixtures(folder)}

    def summarize(self, request) -> SummarizeResponse:
        gold = self.by_text[request.text]
        t = gold.text

        def span(p):
            return {"start": p[0], "end": p[1], "text": t[p[0]:p[1]]}

        sources = [{"id": "s0", "name": "The reporter", "type": "reporter", "mentions": []}]
        ids: dict[str, str] = {}
        claims = []
        for g in gold.attributions:
            if g.source not in ids:
                ids[g.source] = f"s{len(ids) + 1}"
                sources.append({"id": ids[g.source], "name": g.source, "type": g.source_type, "mentions": []})
            claims.append({"id": f"c{len(claims) + 1}", "kind": g.kind, "content": span(g.content.pieces[0]),
                           "cue": span(g.cue.pieces[0]) if g.cue else None, "source_id": ids[g.source],
                           "confidence": 0.9})
        for u in gold.unsourced:
            claims.append({"id": f"c{len(claims) + 1}", "kind": "unsourced", "content": span(u.pieces[0]),
                           "source_id": "s0", "confidence": 0.6})
        return SummarizeResponse.model_validate({
            "id": "echo", "model": {"name": "echo", "backend": "test"}, "prompt_versions": {},
            "document": {"length": len(t)}, "summary": [], "claims": claims, "sources": sources})

    def model_info(self):
        return ModelInfo(name="echo", backend="test")

    def settings(self):
        return {"mode": "test"}


def never_called(args, summarize):
    raise AssertionError("the service must not start when the fixtures are invalid")


# ---------------------------------------------------------------- validation before any model runs


def test_broken_fixture_stops_the_run_with_file_field_and_why(tmp_path, capsys):
    folder = tmp_path / "fixtures"
    write(folder, good_fixture())
    broken = good_fixture("bridge-typo")
    broken["attributions"][0]["content"] = "the Elm Street bridge will reopen on Mondy"  # a typo
    broken["attributions"][1]["speaker"] = "Ann Lee"  # an unknown field
    write(folder, broken)
    code = runner.main(["--fixtures", str(folder), "--no-summary", "--quiet", "--out", str(tmp_path / "r")],
                       client_factory=never_called)
    assert code == 2
    err = capsys.readouterr().err
    assert "bridge-typo.json: attributions[1].speaker: unknown field" in err
    assert "bridge-reopens.json" not in err  # the good one is fine
    assert not (tmp_path / "r").exists()
    # with the schema error fixed, the verbatim check names the field and why
    del broken["attributions"][1]["speaker"]
    write(folder, broken)
    assert runner.main(["--fixtures", str(folder), "--quiet"], client_factory=never_called) == 2
    err = capsys.readouterr().err
    assert "bridge-typo.json: attributions[0].content: 'the Elm Street bridge will reopen on Mondy' occurrence 1 not found" in err


def test_check_and_new(tmp_path, capsys):
    article = tmp_path / "Bridge Story.txt"
    article.write_text(TEXT, encoding="utf-8")
    # new: a blank skeleton on stdout, never pre-filled
    assert runner.main(["new", str(article)]) == 0
    sk = json.loads(capsys.readouterr().out)
    assert sk["id"] == "bridge-story" and sk["text"] == TEXT and sk["version"] == 1
    assert sk["attributions"] == [] and sk["unsourced"] == [] and sk["license"] == ""
    assert sk["title"] == "Bridge to reopen on Monday"
    # -o writes a file named after the id; it does not overwrite
    out = tmp_path / "labels" / "bridge-story.json"
    assert runner.main(["new", str(article), "-o", str(out)]) == 0
    assert runner.main(["new", str(article), "-o", str(out)]) == 2
    assert runner.main(["new", str(article), "-o", str(tmp_path / "labels" / "other-name.json"), "--id", "x"]) == 2
    capsys.readouterr()
    # check: the unlabelled skeleton is not valid yet (no licence)
    assert runner.main(["check", str(out.parent)]) == 2
    assert "bridge-story.json: license: empty (say who wrote the text" in capsys.readouterr().out
    # labelled: valid
    fx = good_fixture("bridge-story")
    write(out.parent, fx)
    assert runner.main(["check", str(out.parent)]) == 0
    # an alias that is not in the text, and a pronoun far from its content
    fx["attributions"][1]["aliases"] = ["Ms. Leigh"]
    write(out.parent, fx)
    assert runner.main(["check", str(out)]) == 2
    assert "attributions[1].aliases[0]: 'Ms. Leigh' not in text" in capsys.readouterr().out
    far = good_fixture("far-pronoun")
    far["text"] = TEXT.replace("Ms. Lee told", "she told") + "\n" + "Filler sentence here. " * 60 + "\nThey said it was fine.\n"
    far["attributions"][1]["aliases"] = ["she"]
    far["attributions"].append({"content": "it was fine", "source": "Ann Lee", "source_type": "person",
                                "aliases": ["she"], "cue": "said", "kind": "indirect"})
    write(tmp_path / "far", far)
    assert runner.main(["check", str(tmp_path / "far")]) == 0  # a warning only
    assert "attributions[2].aliases[0]: 'she' (a pronoun or description) is not within 1000 characters" in capsys.readouterr().out
    assert runner.main(["check", "--strict", str(tmp_path / "far")]) == 2


def test_usage_and_config_errors_exit_2(tmp_path, capsys):
    folder = tmp_path / "fixtures"
    write(folder, good_fixture())
    assert runner.main(["--no-such-option"]) == 2
    assert runner.main(["polnear", "--quiet"]) == 2
    assert "networkdynamics/PolNeAR" in capsys.readouterr().err
    assert runner.main(["polnear", "--dir", str(tmp_path / "nowhere")]) == 2
    assert runner.main(["--fixtures", str(tmp_path / "empty-or-missing")], client_factory=never_called) == 2
    bad = thresholds(tmp_path, "[fixtures.min]\ncontent_f1_lenent = 0.9\n")
    assert runner.main(["--fixtures", str(folder), "--thresholds", str(bad)], client_factory=never_called) == 2
    assert "fixtures.min.content_f1_lenent: unknown metric" in capsys.readouterr().err
    assert runner.main(["--fixtures", str(folder), "--thresholds", str(tmp_path / "missing.toml")],
                       client_factory=never_called) == 2


def test_unreachable_service_exits_3(tmp_path, capsys):
    folder = tmp_path / "fixtures"
    write(folder, good_fixture())
    code = runner.main(["--fixtures", str(folder), "--url", "http://127.0.0.1:9", "--ready-timeout", "0", "--quiet",
                        "--out", str(tmp_path / "r")])
    assert code == 3
    assert "service unreachable" in capsys.readouterr().err


# ---------------------------------------------------------------- gate, JUnit, Markdown


def test_gate_failure_junit_and_markdown(tmp_path, capsys):
    folder = tmp_path / "fixtures"
    write(folder, good_fixture())
    t = thresholds(tmp_path, "[fixtures.min]\ncontent_recall_lenient = 0.5\nsource_name_accuracy = 1.01\n"
                             "must_mention_coverage = 0.9\n[fixtures.max]\nrefs_broken = 0\n")
    junit, md = tmp_path / "out" / "junit.xml", tmp_path / "out" / "summary.md"
    code = runner.main(["--fixtures", str(folder), "--thresholds", str(t), "--no-summary", "--gate", "--quiet",
                        "--junit", str(junit), "--markdown", str(md), "--out", str(tmp_path / "r")],
                       client_factory=lambda args, s: GoldEcho(folder))
    assert code == 1
    assert "source_name_accuracy: 1 < min 1.01" in capsys.readouterr().err

    root = ET.parse(junit).getroot()
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    arts = suites["claimtrace.eval.fixtures.articles"]
    assert [tc.get("name") for tc in arts.iter("testcase")] == ["bridge-reopens"]
    assert arts.find("testcase/failure") is None and "fixture version 2" in arts.find("testcase/system-out").text
    gate = suites["claimtrace.eval.fixtures.gate"]
    cases = {tc.get("name"): tc for tc in gate.iter("testcase")}
    assert set(cases) == {"content_recall_lenient >= 0.5", "source_name_accuracy >= 1.01", "must_mention_coverage >= 0.9",
                          "refs_broken <= 0"}
    fail = cases["source_name_accuracy >= 1.01"].find("failure")
    assert fail is not None and fail.get("metric") == "source_name_accuracy"
    assert fail.get("threshold") == "1.01" and fail.get("bound") == "min" and fail.get("value") == "1"
    assert "1 < min 1.01" in fail.get("message")
    assert cases["content_recall_lenient >= 0.5"].find("failure") is None
    assert cases["must_mention_coverage >= 0.9"].find("skipped") is not None  # no summaries in this run
    assert (gate.get("tests"), gate.get("failures"), gate.get("skipped")) == ("4", "1", "1")
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["scorer_version"] == str(SCORER_VERSION)

    text = md.read_text(encoding="utf-8")
    assert text.startswith("### ClaimTrace eval (fixtures): **FAIL**")
    assert "| metric | value | threshold | result |" in text
    assert "| source_name_accuracy | 100.0% | ≥ 101.0% | **FAIL** |" in text
    assert "| content_recall_lenient | 100.0% | ≥ 50.0% | pass |" in text
    assert "| refs_broken | 0 | ≤ 0 | pass |" in text
    assert "| must_mention_coverage | n/a | ≥ 90.0% | skipped (no summaries) |" in text
    assert "| bridge-reopens | 2 | 2 |" in text and f"scorer v{SCORER_VERSION}" in text
    assert "bridge-reopens v2" in text

    rep = json.loads((tmp_path / "r" / "report.json").read_text())
    assert rep["provenance"]["scorer_version"] == SCORER_VERSION
    assert rep["provenance"]["fixture_versions"] == {"bridge-reopens": 2}
    assert rep["provenance"]["fixtures_dir"] == str(folder)


# ---------------------------------------------------------------- diff


class Worse:
    """The gold answer with one attributed claim dropped and the source renamed: a regression."""

    def __init__(self, folder: Path):
        self.inner = GoldEcho(folder)

    def summarize(self, request):
        r = self.inner.summarize(request)
        attributed = [c for c in r.claims if c.kind != "unsourced"]
        dropped = attributed[-1].id
        sources = [s.model_copy(update={"name": "Lee"}) if s.name == "Ann Lee" else s for s in r.sources]
        return r.model_copy(update={"claims": [c for c in r.claims if c.id != dropped], "sources": sources,
                                    "summary": [s for s in r.summary if dropped not in s.claim_ids]})

    def model_info(self):
        return self.inner.model_info()

    def settings(self):
        return self.inner.settings()


def test_diff_between_two_report_folders(tmp_path, capsys):
    folder = tmp_path / "fixtures"
    write(folder, good_fixture())
    a, b = tmp_path / "run-a", tmp_path / "run-b"
    assert runner.main(["--fixtures", str(folder), "--no-summary", "--quiet", "--out", str(a)],
                       client_factory=lambda args, s: GoldEcho(folder)) == 0
    assert runner.main(["--fixtures", str(folder), "--no-summary", "--quiet", "--out", str(b)],
                       client_factory=lambda args, s: Worse(folder)) == 0
    capsys.readouterr()
    assert runner.main(["diff", str(a), str(b), "--json", str(tmp_path / "diff.json")]) == 0
    out = capsys.readouterr().out
    assert "| content_recall_lenient | 100.0% | 50.0% | -50.0 pts |" in out
    assert "### bridge-reopens" in out
    assert "- claim lost: [direct] “It is safe, and it is stronger than before" in out
    assert "- source gained: Lee (person)" in out and "- source lost: Ann Lee (person)" in out
    d = json.loads((tmp_path / "diff.json").read_text())
    art = d["articles"][0]
    assert art["id"] == "bridge-reopens" and len(art["claims_lost"]) == 1 and not art["claims_gained"]
    assert any(c["what"] == ["source 'Ann Lee' -> 'Lee'"] for c in art["claims_changed"])
    # the same run against itself: nothing changed
    assert runner.main(["diff", str(a), str(a)]) == 0
    assert "No article changed." in capsys.readouterr().out
    assert runner.main(["diff", str(a), str(tmp_path / "not-a-run")]) == 2


def test_fake_backend_through_the_pipeline_writes_ci_files(tmp_path):
    folder = tmp_path / "fixtures"
    write(folder, good_fixture())
    junit, md = tmp_path / "junit.xml", tmp_path / "summary.md"
    t = thresholds(tmp_path, "[fixtures.min]\ngrounding = 1.0\n[fixtures.max]\narticles_failed = 0\nrefs_broken = 0\n")
    code = runner.main(["--fixtures", str(folder), "--thresholds", str(t), "--no-summary", "--gate", "--quiet",
                        "--junit", str(junit), "--markdown", str(md), "--out", str(tmp_path / "r")])
    assert code == 0
    rep = json.loads((tmp_path / "r" / "report.json").read_text())
    assert rep["provenance"]["model"]["name"] == "fake" and rep["gate"]["failures"] == []
    assert ET.parse(junit).getroot().get("failures") == "0"
    assert md.read_text(encoding="utf-8").startswith("### ClaimTrace eval (fixtures): PASS")


# ---------------------------------------------------------------- the real model


@pytest.mark.model
def test_real_model_two_bundled_fixtures(real_backend, tmp_path):
    from service import pipeline
    from service.config import get_settings

    class Loaded:
        def summarize(self, request):
            return pipeline.run(request, real_backend, get_settings())

        def model_info(self):
            return real_backend.info

        def settings(self):
            return {"mode": "in-process (pytest)"}

    junit, md, out = tmp_path / "junit.xml", tmp_path / "summary.md", tmp_path / "report"
    code = runner.main(["--only", "nk-workers-russia", "a-police-protest", "--quiet", "--junit", str(junit),
                        "--markdown", str(md), "--out", str(out)], client_factory=lambda args, s: Loaded())
    assert code == 0
    rep = json.loads((out / "report.json").read_text())
    assert rep["summarize"] is True and rep["metrics"]["articles_failed"] == 0 and rep["metrics"]["grounding"] == 1.0
    assert rep["provenance"]["fixture_versions"] == {"a-police-protest": 1, "nk-workers-russia": 1}
    assert rep["metrics"]["must_mention_coverage"] is not None  # summaries were written and checked
    root = ET.parse(junit).getroot()
    arts = [s for s in root.iter("testsuite") if s.get("name").endswith(".articles")][0]
    assert sorted(tc.get("name") for tc in arts.iter("testcase")) == ["a-police-protest", "nk-workers-russia"]
    assert arts.find("testcase/failure") is None  # no service failure, no integrity bug
    assert "| metric | value | threshold | result |" in md.read_text(encoding="utf-8")
