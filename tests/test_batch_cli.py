"""`claimtrace batch`: worker processes give the single-process output line by line; runs resume."""
from __future__ import annotations

import json

import pytest

from service.cli import main
from service.config import ROOT
from tests.batch_helpers import rows

FIXTURES = sorted((ROOT / "eval" / "fixtures").glob("*.json"))[:3]


@pytest.fixture(scope="module")
def src(tmp_path_factory):
    lines = []
    for path in FIXTURES:
        fx = json.loads(path.read_text(encoding="utf-8"))
        lines.append({"id": path.stem, "text": fx["text"], "title": fx.get("title")})
    lines.insert(2, {"id": "bad", "text": "   "})  # an error line, keyed like the others
    lines.append({"text": "The mayor said the bridge would reopen on Monday."})  # no id: keyed by line number
    path = tmp_path_factory.mktemp("batch") / "in.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines) + "not json\n", encoding="utf-8")
    return path




def _stats(capsys) -> dict:
    return json.loads(capsys.readouterr().err.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def single(src):
    out = src.parent / "single.jsonl"
    assert main(["batch", str(src), str(out), "--workers", "1", "--no-progress"]) == 0
    return out


def test_single_process_output(single):
    one = rows(single)
    assert [r["id"] for r in one] == [FIXTURES[0].stem, FIXTURES[1].stem, "bad", FIXTURES[2].stem, "line-5", "line-6"]
    assert one[2]["error"]["code"] == "invalid_input" and one[5]["error"]["code"] == "invalid_input"
    good = [r for r in one if "response" in r]
    assert len(good) == 4 and all(r["response"]["claims"] for r in good[:3]), one
    assert all(r["response"]["summary"] == [] and r["response"]["model"]["backend"] == "none" for r in good)


def test_workers_match_single_process_and_resume(src, single, tmp_path, capsys):
    multi = tmp_path / "multi.jsonl"
    # a run that died after two lines, mid-write of the third
    head = single.read_text(encoding="utf-8").splitlines(keepends=True)[:2]
    multi.write_text("".join(head) + '{"id": "bad", "err', encoding="utf-8")
    capsys.readouterr()
    assert main(["batch", str(src), str(multi), "--workers", "2", "--no-progress"]) == 0
    stats = _stats(capsys)
    assert stats["skipped"] == 2 and stats["processed"] == 4 and stats["workers"] == 2
    assert rows(multi) == rows(single)  # line by line
    assert main(["batch", str(src), str(multi), "--workers", "2", "--no-progress"]) == 0  # nothing left to do
    assert _stats(capsys)["processed"] == 0
    assert rows(multi) == rows(single)

