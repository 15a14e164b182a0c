"""The CI gate: the eval suite on the real default model must meet eval/thresholds.toml.

Runs every fixture through the real pipeline and model (summaries included), and the PolNeAR
dev split (attribution only) from CLAIMTRACE_POLNEAR_DEV, else ../shared/polnear-dev (CI keeps a copy of
shared/ beside the clone; elsewhere clone the public corpus, see eval.runner.POLNEAR_HELP, and set
CLAIMTRACE_POLNEAR_DEV=PolNeAR/data/dev). The eval itself has no default PolNeAR location. A
regression fails CI. The fixtures are gated per group: [fixtures.*] bounds the tuned fixtures
(labelled_blind false, what the thresholds were measured on), [fixtures_blind.*] the blind k-* ones.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from eval.runner import POLNEAR_HELP, InProcessClient, main
from service.config import ROOT

POLNEAR_DEV = Path(os.environ.get("CLAIMTRACE_POLNEAR_DEV") or ROOT.parent / "shared" / "polnear-dev")

pytestmark = pytest.mark.model


def test_fixture_gate_real_model(real_backend, tmp_path):
    status = main(["--gate", "--quiet", "--out", str(tmp_path / "fixtures")],
                  client_factory=lambda args, summarize: InProcessClient(backend=real_backend))  # loaded once per session
    assert status == 0, "eval gate failed: see the table above and eval/thresholds.toml"


def test_polnear_gate(tmp_path):
    if not POLNEAR_DEV.is_dir():
        pytest.skip(f"no PolNeAR dev split at {POLNEAR_DEV} (set CLAIMTRACE_POLNEAR_DEV). {POLNEAR_HELP}")
    status = main(["polnear", "--dir", str(POLNEAR_DEV), "--gate", "--quiet", "--out", str(tmp_path / "polnear")])
    assert status == 0, "PolNeAR gate failed: see the table above and eval/thresholds.toml"
