"""Shared by the batch tests (claimtrace batch, the Ray recipe): reading an output JSONL."""
from __future__ import annotations

import json


def rows(path):
    """The output lines as dicts, without timings (the only field that differs between runs)."""
    out = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for r in out:
        r.get("response", {}).pop("timings_ms", None)
    return out
