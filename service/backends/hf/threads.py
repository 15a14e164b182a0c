"""OpenMP threads that sleep when they wait, instead of spinning: the default runtime on a shared CPU.

torch's CPU kernels run in libgomp parallel regions; a decode step is ~400 of them (7 matmuls,
attention and the elementwise ops of 28 layers), each a fraction of a millisecond. libgomp's default
lets a thread that reaches the end of a region spin for its peers (300,000 iterations) before it
sleeps. On a 2-core machine that other processes also use, a spinning thread holds the core the
preempted peer needs, so every region waits for the scheduler: on this machine (load 2.3-3.3) one
decode step took 770-1280 ms with 2 spinning threads, 190-350 ms with 1 thread, 155-385 ms with 2
passive threads (bench/README "Thread wait policy"). `OMP_WAIT_POLICY=PASSIVE` makes the waiting
thread yield at once. It changes no arithmetic (the same threads split the same work), so greedy
ids are identical.

libgomp reads the variable once, when torch first loads it: `prefer_passive_wait()` must run before
the process imports torch. service/backends/__init__.py calls it on import when CLAIMTRACE_BACKEND
is unset or "transformers" (the service imports it before it loads spaCy, whose thinc imports torch;
a llama.cpp process keeps libgomp's default, so the bench's anchor is what a plain install runs),
and service/backends/transformers.py on import. An OMP_WAIT_POLICY or GOMP_SPINCOUNT
already in the environment wins (`OMP_WAIT_POLICY=ACTIVE` restores the spinning default)."""
from __future__ import annotations

import os
import sys

POLICY_VARS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")
_ours = False  # True once this module set OMP_WAIT_POLICY itself


def prefer_passive_wait() -> str:
    """Set OMP_WAIT_POLICY=PASSIVE unless the environment already chose; returns what is in force:
    "passive", "env:<VAR>=<value>" (the user's choice), or "active (torch was imported first)"."""
    global _ours
    if _ours:
        return "passive"
    for var in POLICY_VARS:
        if os.environ.get(var):
            return f"env:{var}={os.environ[var]}"
    if "torch" in sys.modules:  # libgomp has read its environment already: setting it now does nothing
        return "active (torch was imported first)"
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    _ours = True
    return "passive"


def child_env(env: dict[str, str]) -> dict[str, str]:
    """`env` for a child process without the OMP_WAIT_POLICY this module set (the user's stays): each
    child chooses for itself, so a llama.cpp child keeps libgomp's default (bench/run.py)."""
    if _ours and env.get("OMP_WAIT_POLICY") == "PASSIVE":
        env = {k: v for k, v in env.items() if k != "OMP_WAIT_POLICY"}
    return env
