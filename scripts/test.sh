#!/usr/bin/env bash
# Install what is missing, then run the whole test suite: unit tests, the end-to-end test on
# the real default model, and the eval gate (eval/thresholds.toml) on the real model.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
cd "$root"
.venv/bin/python -m pytest "$@"
