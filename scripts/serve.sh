#!/usr/bin/env bash
# Install what is missing, then serve the API on the default model (port 8000 unless
# CLAIMTRACE_PORT says otherwise). The first start converts the model once (~75 s).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
cd "$root"
exec .venv/bin/claimtrace serve "$@"
