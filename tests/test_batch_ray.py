"""The Ray Data recipe (service.ray_batch) gives `claimtrace batch`'s single-process output line by line.

Every bundled fixture, plus lines that must come out as errors, on a local single-node Ray with two
actors (claims-only, the archive default); then a run cut short is resumed. Ray is installed by
scripts/setup.sh from requirements/ray.txt.
"""
from __future__ import annotations

import json

import pytest

from service import ray_batch
from service.cli import main
from service.config import ROOT
from tests.batch_helpers import rows

FIXTURES = sorted((ROOT / "eval" / "fixtures").glob("*.json"))


@pytest.fixture(scope="module")
def src(tmp_path_factory):
    lines = []
    for path in FIXTURES:
        fx = json.loads(path.read_text(encoding="utf-8"))
        lines.append(json.dumps({"id": path.stem, "text": fx["text"], "title": fx.get("title")}))
    lines.insert(5, json.dumps({"id": "blank", "text": "   "}))  # an error line, keyed like the others
    lines.insert(9, json.dumps({"text": "The mayor said the bridge would reopen on Monday."}))  # keyed line-10
    lines.append("not json")
    path = tmp_path_factory.mktemp("ray") / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path




@pytest.fixture(scope="module")
def single(src):
    out = src.parent / "single.jsonl"
    assert main(["batch", str(src), str(out), "--workers", "1", "--no-progress"]) == 0
    return rows(out)


def test_single_process_run_is_a_real_baseline(single):
    assert len(single) == len(FIXTURES) + 3
    assert [r["id"] for r in single if "error" in r] == ["blank", f"line-{len(FIXTURES) + 3}"]
    good = [r for r in single if "response" in r]
    assert sum(bool(r["response"]["claims"]) for r in good) >= len(FIXTURES)
    assert next(r for r in single if r["id"] == "line-10")["response"]["claims"]


def test_ray_matches_single_process_line_by_line_and_resumes(src, single, tmp_path, capsys):
    out = tmp_path / "ray.jsonl"
    # a run that died after four lines, mid-write of the fifth
    head = [json.dumps(r) + "\n" for r in single[:4]]
    out.write_text("".join(head) + '{"id": "a-', encoding="utf-8")
    capsys.readouterr()
    stats = ray_batch.run(src, out, workers=2, progress=False)
    assert stats["skipped"] == 4 and stats["processed"] == len(single) - 4 and stats["engine"] == "ray"
    assert stats["errors"] == 2
    got = rows(out)
    assert [r["id"] for r in got] == [r["id"] for r in single]
    for ray_row, local_row in zip(got, single, strict=True):
        assert ray_row == local_row, ray_row["id"]
    stats = ray_batch.run(src, out, workers=2, progress=False)  # nothing left: Ray is not even needed
    assert stats["processed"] == 0 and rows(out) == single
