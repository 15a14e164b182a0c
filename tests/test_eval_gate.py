"""The CI gate: the eval suite on the real default model must meet eval/thresholds.toml.

Runs every fixture through the real pipeline and model (summaries included), and the PolNeAR
dev split (attribution only) when ../shared/polnear-dev is present (CI keeps a copy of shared/ beside
the clone; the eval itself has no default PolNeAR location, so the path is passed explicitly). A
regression fails CI. The fixtures are gated per group: [fixtures.*] bounds the tuned fixtures
(labelled_blind false, what the thresholds were measured on), [fixtures_blind.*] the blind w-* ones.
"""
from __future__ import annotations

import pytest

from eval.runner import InProcessClient, main
from service.config import ROOT

POLNEAR_DEV = ROOT.parent / "shared" / "polnear-dev"

pytestmark = pytest.mark.model


def test_fixture_gate_real_model(real_backend, tmp_path):
    status = main(["--gate", "--quiet", "--out", str(tmp_path / "fixtures")],
                  client_factory=lambda args, summarize: InProcessClient(backend=real_backend))  # loaded once per session
    assert status == 0, "eval gate failed: see the table above and eval/thresholds.toml"


def test_polnear_gate(tmp_path):
    if not POLNEAR_DEV.is_dir():
        pytest.skip("../shared/polnear-dev not present")
    status = main(["polnear", "--dir", str(POLNEAR_DEV), "--gate", "--quiet", "--out", str(tmp_path / "polnear")])
    assert status == 0, "PolNeAR gate failed: see the table above and eval/thresholds.toml"
