"""The bench runs end to end on a tiny input with the fake backend (numbers are not checked: not a timed test)."""
from __future__ import annotations

import json

from bench.run import main


def test_bench_quick_runs_and_writes_json(tmp_path, capsys):
    assert main(["--quick", "--out", str(tmp_path)]) == 0
    [path] = tmp_path.glob("*-quick.json")
    report = json.loads(path.read_text())
    assert report["quick"] is True
    assert report["copy_bandwidth_gb_s"] > 0
    assert isinstance(report["runtimes"]["fake"], dict), report["runtimes"]["fake"]
    http = report["http"]
    assert http["warm_start_s"] > 0
    assert all(a["errors"] == 0 for a in http["articles"].values())
    assert http["cache_hit_ms"] is not None
    assert http["concurrency"]["errors"] == 0
    assert "targets" in report["derived"]
    assert "HTTP end to end" in capsys.readouterr().out
