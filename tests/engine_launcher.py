"""`python -m tests.engine_launcher ARGS…` = `python -m llama_cpp.server ARGS…` without ggml's extra
buffer types (weight repacking and the AMX kernels).

This machine's CPU advertises AMX (amx_tile/amx_int8 in /proc/cpuinfo), so a native build of
llama.cpp compiles the AMX kernels in, but the sandbox does not enable the AMX register state: the
first `tilezero` of a real prompt traps (SIGILL, "invalid opcode in libggml-cpu.so"). The build keeps
its default native flags; only the use of those kernels is switched off, through the model parameter
llama.cpp offers for it (`use_extra_bufts`, which llama-cpp-python does not expose).
"""
from __future__ import annotations

import runpy

import llama_cpp.llama_cpp as C

_default = C.llama_model_default_params


def _params():
    p = _default()
    p.use_extra_bufts = False
    return p


C.llama_model_default_params = _params

if __name__ == "__main__":
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
