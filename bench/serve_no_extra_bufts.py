"""`python -m bench.serve_no_extra_bufts serve --port N` = `claimtrace serve --port N` with llama.cpp's extra
buffer types off (workers._no_extra_bufts): the server half of BENCH_LLAMACPP_EXTRA_BUFTS=0, without which
the llama.cpp backend's AMX kernels trap (SIGILL) on this sandbox and the server dies on its first request."""
from __future__ import annotations

import sys

from bench.workers import _no_extra_bufts

if __name__ == "__main__":
    _no_extra_bufts()
    from service.cli import main

    sys.exit(main(sys.argv[1:]))
