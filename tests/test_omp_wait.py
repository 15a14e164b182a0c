"""The transformers backend's OpenMP threads sleep rather than spin while they wait (hf/threads.py):
set before torch loads libgomp, the user's own choice kept, llama.cpp processes left at libgomp's
default, and the bench's children choosing for themselves. Real subprocesses, no model."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import ctypes, json, os, sys
{pre}
import service.backends
from service.backends.hf import threads
getenv = ctypes.CDLL(None).getenv
getenv.restype = ctypes.c_char_p
c = getenv(b"OMP_WAIT_POLICY")  # what libgomp reads when torch loads it, not only os.environ
print(json.dumps({{"c_env": c.decode() if c else None, "torch_loaded": "torch" in sys.modules,
                  "again": threads.prefer_passive_wait()}}))
"""


def _probe(pre: str = "", **env: str) -> dict:
    base = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "CLAIMTRACE_BACKEND")}
    out = subprocess.run([sys.executable, "-c", PROBE.format(pre=pre)], cwd=ROOT, env={**base, **env},
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_default_backend_sets_passive_before_torch_loads():
    got = _probe()
    assert got == {"c_env": "PASSIVE", "torch_loaded": False, "again": "passive"}


def test_users_choice_wins():
    assert _probe(OMP_WAIT_POLICY="ACTIVE")["c_env"] == "ACTIVE"
    got = _probe(GOMP_SPINCOUNT="20000")
    assert got["c_env"] is None and got["again"] == "env:GOMP_SPINCOUNT=20000"


def test_llamacpp_process_keeps_libgomp_default():
    assert _probe(CLAIMTRACE_BACKEND="llamacpp")["c_env"] is None


def test_too_late_once_torch_is_loaded():
    got = _probe(pre="import torch")
    assert got["c_env"] is None and got["again"] == "active (torch was imported first)"


def test_child_env_drops_only_our_setting(monkeypatch):
    from service.backends.hf import threads

    monkeypatch.setattr(threads, "_ours", True)
    assert threads.child_env({"OMP_WAIT_POLICY": "PASSIVE", "X": "1"}) == {"X": "1"}
    monkeypatch.setattr(threads, "_ours", False)  # the user's PASSIVE: children keep it
    assert threads.child_env({"OMP_WAIT_POLICY": "PASSIVE"}) == {"OMP_WAIT_POLICY": "PASSIVE"}


def test_bench_reuses_saved_prompts(tmp_path):
    from bench.run import main

    saved = tmp_path / "prompts.json"
    assert main(["--quick", "--skip-http", "--out", str(tmp_path / "a"), "--save-prompts", str(saved)]) == 0
    prompts = json.loads(saved.read_text())
    assert set(prompts) == {"tiny"} and prompts["tiny"]["prompts"]
    assert main(["--quick", "--skip-http", "--out", str(tmp_path / "b"), "--prompts-json", str(saved)]) == 0
    [path] = (tmp_path / "b").glob("*-quick.json")
    assert json.loads(path.read_text())["articles"] == ["tiny"]
