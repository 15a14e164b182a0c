"""Fixture groups: "tuned" (labelled_blind false) and "blind" (labelled_blind true) are scored separately,
shown side by side in every report, and gated by their own thresholds sections ([fixtures.*] bounds the
tuned group, [fixtures_blind.*] the blind one; a group with no fixture in the run is skipped, not failed).

A client that answers with the gold labels (one claim dropped on chosen fixtures) keeps the numbers
fixed whatever the rules do; one test goes through the in-process pipeline on the fake backend."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from eval import runner
from eval.adapters import load_fixtures
from service.schema import ModelInfo, SummarizeResponse

TUNED_TEXT = ("Bridge to reopen on Monday\n\n"
              "Mayor Ann Lee said on Friday that the Elm Street bridge will reopen on Monday after six weeks of repairs.\n\n"
              "“It is safe, and it is stronger than before,” Ms. Lee told reporters.\n\n"
              "The bridge carries about 12,000 cars a day.\n")
BLIND_TEXT = ("Library hours cut\n\n"
              "Councillor Omar Reyes said on Tuesday that the central library will close on Sundays from March.\n\n"
              "“We have no money left for weekend staff,” Mr. Reyes told the council.\n\n"
              "The library opened in 1902.\n")


def tuned_fixture() -> dict:
    return {
        "id": "bridge-reopens", "title": "Bridge to reopen", "license": "CC0, written for ClaimTrace tests",
        "text": TUNED_TEXT,
        "attributions": [
            {"content": "the Elm Street bridge will reopen on Monday after six weeks of repairs", "source": "Ann Lee",
             "source_type": "person", "aliases": ["Mayor Ann Lee"], "cue": "said", "kind": "indirect"},
            {"content": "It is safe, and it is stronger than before,", "source": "Ann Lee", "source_type": "person",
             "aliases": ["Ms. Lee"], "cue": "told reporters", "kind": "direct"},
        ],
        "unsourced": ["The bridge carries about 12,000 cars a day."],
    }


def blind_fixture() -> dict:
    return {
        "id": "w-library-hours", "title": "Library hours cut", "license": "CC0, written for ClaimTrace tests",
        "text": BLIND_TEXT, "labelled_blind": True, "labelled_on": "2026-12-01",
        "attributions": [
            {"content": "the central library will close on Sundays from March", "source": "Omar Reyes",
             "source_type": "person", "aliases": ["Councillor Omar Reyes"], "cue": "said", "kind": "indirect"},
            {"content": "We have no money left for weekend staff,", "source": "Omar Reyes", "source_type": "person",
             "aliases": ["Mr. Reyes"], "cue": "told", "kind": "direct"},
        ],
        "unsourced": ["The library opened in 1902."],
    }


def folder_with_both(tmp_path: Path) -> Path:
    folder = tmp_path / "fixtures"
    folder.mkdir()
    for fx in (tuned_fixture(), blind_fixture()):
        (folder / f"{fx['id']}.json").write_text(json.dumps(fx, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def thresholds(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "thresholds.toml"
    p.write_text(body, encoding="utf-8")
    return p


class Echo:
    """The gold labels as the answer; on the fixtures in `drop`, the last attributed claim is left out
    (content recall 1/2 there, 2/2 elsewhere)."""

    def __init__(self, folder: Path, drop: tuple[str, ...] = ()):
        self.by_text = {g.text: g for g in load_fixtures(folder)}
        self.drop = set(drop)

    def summarize(self, request) -> SummarizeResponse:
        gold = self.by_text[request.text]
        t = gold.text

        def span(p):
            return {"start": p[0], "end": p[1], "text": t[p[0]:p[1]]}

        sources = [{"id": "s0", "name": "The reporter", "type": "reporter", "mentions": []}]
        ids: dict[str, str] = {}
        claims = []
        attributions = gold.attributions[:-1] if gold.id in self.drop else gold.attributions
        for g in attributions:
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


def run(tmp_path: Path, folder: Path, t: Path, *extra: str, drop: tuple[str, ...] = ("w-library-hours",)) -> tuple[int, dict]:
    out = tmp_path / "r"
    code = runner.main(["--fixtures", str(folder), "--thresholds", str(t), "--no-summary", "--gate", "--quiet",
                        "--junit", str(tmp_path / "junit.xml"), "--markdown", str(tmp_path / "summary.md"),
                        "--out", str(out), *extra],
                       client_factory=lambda args, s: Echo(folder, drop))
    return code, json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_groups_are_scored_separately_and_shown_side_by_side(tmp_path, capsys):
    folder = folder_with_both(tmp_path)
    t = thresholds(tmp_path, "[fixtures.min]\ncontent_recall_lenient = 0.9\n[fixtures.max]\nrefs_broken = 0\n")
    code, rep = run(tmp_path, folder, t)
    assert code == 0  # the blind fixture's miss is not gated by [fixtures.*], and there is no [fixtures_blind.*]
    g = rep["groups"]
    assert g["tuned"]["ids"] == ["bridge-reopens"] and g["blind"]["ids"] == ["w-library-hours"]
    assert g["tuned"]["articles"] == 1 and g["blind"]["articles"] == 1
    assert g["tuned"]["metrics"]["content_recall_lenient"] == 1.0
    assert g["blind"]["metrics"]["content_recall_lenient"] == 0.5
    assert g["blind"]["counts"]["gold_attr"] == 2 and g["blind"]["counts"]["gold_found_lenient"] == 1
    assert rep["metrics"]["content_recall_lenient"] == 0.75  # the whole set: 3 of 4
    assert g["blind"]["cost"]["seconds_median"] is not None
    assert rep["provenance"]["fixture_groups"] == {"tuned": ["bridge-reopens"], "blind": ["w-library-hours"]}
    assert {a["id"]: a["group"] for a in rep["articles"]} == {"bridge-reopens": "tuned", "w-library-hours": "blind"}
    assert rep["gate"]["groups"] == {"tuned": {"section": "fixtures", "articles": 1, "status": "pass"},
                                     "blind": {"section": "fixtures_blind", "articles": 1, "status": "none"}}
    assert {r["group"] for r in rep["gate"]["results"]} == {"tuned"}

    screen = capsys.readouterr().out
    assert "(tuned 1, blind 1)" in screen
    assert "tuned (1)" in screen and "blind (1)" in screen
    line = next(ln for ln in screen.splitlines() if ln.startswith("content recall, lenient"))
    assert line.split()[-3:] == ["75.0%", "100.0%", "50.0%"]
    assert "blind group: not gated (no [fixtures_blind.*] in the thresholds file)" in screen

    md = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    assert "| metric | all | tuned (1) | blind (1) |" in md
    assert "| content recall, lenient | 75.0% | 100.0% | 50.0% |" in md
    assert "- blind fixtures (1, labelled_blind true, gated by [fixtures_blind.*]): `w-library-hours`" in md
    assert "- tuned fixtures (1, labelled_blind false, gated by [fixtures.*]): `bridge-reopens`" in md
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "w-library-hours [blind]" in html and "<th>blind (1)</th>" in html

    pr = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "| group | metric | value | threshold | result |" in pr
    assert "| tuned | content_recall_lenient | 100.0% | ≥ 90.0% | pass |" in pr
    assert "| headline | all | tuned (1) | blind (1) |" in pr
    assert "| content_recall_lenient | 75.0% | 100.0% | 50.0% |" in pr
    assert "| w-library-hours | 2 | 1 |" in pr and pr.count(" blind |") >= 1

    root = ET.parse(tmp_path / "junit.xml").getroot()
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    arts = {tc.get("name"): tc.get("classname") for tc in suites["claimtrace.eval.fixtures.articles"].iter("testcase")}
    assert arts == {"bridge-reopens": "claimtrace.eval.fixtures.articles.tuned",
                    "w-library-hours": "claimtrace.eval.fixtures.articles.blind"}
    gate = suites["claimtrace.eval.fixtures.gate"]
    props = {p.get("name"): p.get("value") for p in gate.iter("property")}
    assert props["group.blind.fixtures"] == "w-library-hours" and props["group.tuned.fixtures"] == "bridge-reopens"
    assert props["group.tuned.gate"] == "pass" and props["group.blind.gate"] == "none"
    assert [tc.get("classname") for tc in gate.iter("testcase")] == ["claimtrace.eval.fixtures.gate.tuned"] * 2
    assert "content_recall_lenient" in gate.find("system-out").text


def test_a_failing_blind_threshold_fails_the_gate_and_names_the_group(tmp_path, capsys):
    folder = folder_with_both(tmp_path)
    t = thresholds(tmp_path, "[fixtures.min]\ncontent_recall_lenient = 0.9\n"
                             "[fixtures_blind.min]\ncontent_recall_lenient = 0.9\ngrounding = 1.0\n"
                             "[fixtures_blind.max]\nrefs_broken = 0\n")
    code, rep = run(tmp_path, folder, t)
    assert code == 1
    err = capsys.readouterr().err
    assert "blind group: content_recall_lenient: 0.5 < min 0.9" in err
    assert "tuned group" not in err  # the tuned group meets the same bound
    assert rep["gate"]["failures"] == ["blind group: content_recall_lenient: 0.5 < min 0.9"]
    assert rep["gate"]["groups"]["blind"]["status"] == "fail" and rep["gate"]["groups"]["tuned"]["status"] == "pass"
    row = next(r for r in rep["gate"]["results"] if r["group"] == "blind" and r["metric"] == "content_recall_lenient")
    assert row["section"] == "fixtures_blind" and row["status"] == "fail" and row["value"] == 0.5

    gate = next(s for s in ET.parse(tmp_path / "junit.xml").getroot().iter("testsuite")
                if s.get("name") == "claimtrace.eval.fixtures.gate")
    failing = [tc for tc in gate.iter("testcase") if tc.find("failure") is not None]
    assert [(tc.get("classname"), tc.get("name")) for tc in failing] == [
        ("claimtrace.eval.fixtures.gate.blind", "content_recall_lenient >= 0.9")]
    assert failing[0].find("failure").get("message") == "blind group: content_recall_lenient: 0.5 < min 0.9"
    assert (gate.get("tests"), gate.get("failures")) == ("4", "1")
    pr = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert pr.startswith("### ClaimTrace eval (fixtures): **FAIL**")
    assert "| blind | content_recall_lenient | 50.0% | ≥ 90.0% | **FAIL** |" in pr
    assert "blind group [fixtures_blind.*]: FAIL" in pr

    # the same miss on the tuned fixture instead: [fixtures.*] fails and names the tuned group
    code, rep = run(tmp_path, folder, t, drop=("bridge-reopens",))
    assert code == 1
    assert rep["gate"]["failures"] == ["tuned group: content_recall_lenient: 0.5 < min 0.9"]


def test_only_a_tuned_fixture_skips_the_blind_gate(tmp_path, capsys):
    folder = folder_with_both(tmp_path)
    t = thresholds(tmp_path, "[fixtures.min]\ncontent_recall_lenient = 0.9\n"
                             "[fixtures_blind.min]\ncontent_recall_lenient = 0.9\n[fixtures_blind.max]\nrefs_broken = 0\n")
    code, rep = run(tmp_path, folder, t, "--only", "bridge-reopens")
    assert code == 0
    assert rep["gate"]["failures"] == []
    assert rep["gate"]["groups"]["blind"] == {"section": "fixtures_blind", "articles": 0, "status": "skipped"}
    assert "blind group: [fixtures_blind.*] not gated (no blind fixture in this run)" in rep["gate"]["skipped"]
    blind_rows = [r for r in rep["gate"]["results"] if r["group"] == "blind"]
    assert len(blind_rows) == 2 and all(r["status"] == "skipped" and r["value"] is None for r in blind_rows)
    assert all(r["reason"] == "no blind fixture in this run" for r in blind_rows)
    assert rep["groups"]["blind"] == {"ids": [], "articles": 0, "metrics": None, "counts": None, "cost": None}
    assert rep["groups"]["tuned"]["ids"] == ["bridge-reopens"]
    screen = capsys.readouterr().out
    assert "blind group [fixtures_blind.*]: skipped (no blind fixture in this run)" in screen
    line = next(ln for ln in screen.splitlines() if ln.startswith("content recall, lenient"))
    assert line.split()[-1] == "—"  # no blind fixture: no number

    gate = next(s for s in ET.parse(tmp_path / "junit.xml").getroot().iter("testsuite")
                if s.get("name") == "claimtrace.eval.fixtures.gate")
    assert (gate.get("tests"), gate.get("failures"), gate.get("skipped")) == ("3", "0", "2")
    skipped = [tc.find("skipped").get("message") for tc in gate.iter("testcase") if tc.find("skipped") is not None]
    assert skipped == ["blind group: content_recall_lenient: no blind fixture in this run",
                       "blind group: refs_broken: no blind fixture in this run"]
    pr = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert pr.startswith("### ClaimTrace eval (fixtures): PASS")
    assert "| blind |" not in pr  # a skipped group is one line, not a row per metric
    assert "- blind group [fixtures_blind.*]: skipped (no blind fixture in this run)" in pr

    # and the other way round: only the blind fixture skips the tuned gate
    code, rep = run(tmp_path, folder, t, "--only", "w-library-hours", drop=())
    assert code == 0 and rep["gate"]["groups"]["tuned"]["status"] == "skipped"
    assert rep["gate"]["groups"]["blind"]["status"] == "pass"


def test_fake_backend_in_process_scores_both_groups(tmp_path):
    folder = folder_with_both(tmp_path)
    t = thresholds(tmp_path, "[fixtures.min]\ngrounding = 1.0\n[fixtures_blind.min]\ngrounding = 1.0\n"
                             "[fixtures_blind.max]\narticles_failed = 0\nrefs_broken = 0\ncontract_violations = 0\n")
    out = tmp_path / "r"
    code = runner.main(["--fixtures", str(folder), "--thresholds", str(t), "--no-summary", "--gate", "--quiet",
                        "--out", str(out)])
    assert code == 0
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert rep["provenance"]["model"]["name"] == "fake"
    assert rep["groups"]["tuned"]["ids"] == ["bridge-reopens"] and rep["groups"]["blind"]["ids"] == ["w-library-hours"]
    for group in ("tuned", "blind"):
        assert rep["groups"][group]["metrics"]["grounding"] == 1.0
        assert rep["groups"][group]["counts"]["gold_attr"] == 2
        assert rep["gate"]["groups"][group]["status"] == "pass"


def test_bundled_blind_sections_hold_the_invariants_and_measured_minima():
    t = runner.load_thresholds()
    assert runner.thresholds_problems(t) == []
    fx, blind = t["fixtures"], t["fixtures_blind"]
    invariants = {"min": ["grounding"], "max": ["refs_broken", "contract_violations", "articles_failed",
                                                "unsupported_numbers", "must_not_state_violations"]}
    for bound, names in invariants.items():
        for name in names:
            assert blind[bound][name] == fx[bound][name], (bound, name)
    # the attribution minima were set from a measured claims-only run (2026-12-01); every one is a
    # key the tuned group is gated on too, and none is looser than a rate can be
    assert {"content_recall_lenient", "source_name_accuracy", "unsourced_recall"} <= set(blind["min"])
    assert set(blind["min"]) <= set(fx["min"])
    assert all(0 < v <= 1 for v in blind["min"].values())
    assert set(invariants["max"]) <= set(blind["max"]) <= set(fx["max"])
    # every tuned bound is named in the blind section: set there from a measured run, or a comment
    # saying why not (seconds_median: the tuned group's bound guards the CI budget)
    text = (Path(runner.THRESHOLDS)).read_text(encoding="utf-8")
    section = text[text.index("[fixtures_blind.min]"):text.index("[polnear.min]")]
    for bound in ("min", "max"):
        for name in fx[bound]:
            assert f"{name} =" in section or f"# {name}" in section, name
    assert "measured" in section


def test_blind_section_is_validated_like_the_others(tmp_path, capsys):
    folder = folder_with_both(tmp_path)
    bad = thresholds(tmp_path, "[fixtures_blind.min]\ncontent_f1_lenent = 0.9\n[fixtures_blnd.min]\ngrounding = 1\n")
    code = runner.main(["--fixtures", str(folder), "--thresholds", str(bad), "--quiet"],
                       client_factory=lambda a, s: (_ for _ in ()).throw(AssertionError("must not start")))
    assert code == 2
    err = capsys.readouterr().err
    assert "fixtures_blind.min.content_f1_lenent: unknown metric" in err
    assert "[fixtures_blnd]: unknown section (fixtures, fixtures_blind, polnear)" in err
