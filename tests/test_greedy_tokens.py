"""The default runtime's greedy token ids on the seed's summary prompts are the recorded ones.

tests/golden/greedy_tokens.json was written by `python -m bench.greedy_check --write` before the
runtime changes of issue 16 (static KV buffer, fused matmuls); a change to the transformers backend
that moves any token fails here. The ids belong to this GGUF and torch's int4/int8 CPU kernels:
re-record them (and say so in the commit) when either changes on purpose."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.model

GOLDEN = Path(__file__).parent / "golden" / "greedy_tokens.json"


def test_seed_greedy_tokens_unchanged(real_backend):
    from bench.greedy_check import token_ids

    if real_backend.info.backend != "transformers":
        pytest.skip("the recorded ids are the default transformers runtime's")
    want = json.loads(GOLDEN.read_text())
    got = token_ids(real_backend, list(want), recorded=want)  # the recorded prompts, replayed
    for name, row in want.items():
        assert got[name]["service"] == row["service"], f"{name}: the service call's tokens changed"
        assert got[name]["batch1"] == row["batch1"], f"{name}: the batch-1 tokens changed"
