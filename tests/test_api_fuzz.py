"""Fuzz the API from its own OpenAPI (schemathesis, in process, fake backend), bounded in time.

Every operation gets valid and invalid generated requests (bodies, query, headers). The
properties: never a 5xx, and every 4xx is the error envelope {"error": {"code", "message"}}.
The budget: 40 examples per operation, no shrinking, derandomized (the same cases every run),
no example database; about 20-40 s on the 2-core CI machine.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from service.api.app import create_app
from service.backends.fake import FakeBackend
from service.config import Settings

pytest.importorskip("schemathesis")

MAX_EXAMPLES = 40

_settings = Settings(backend="fake", cache_dir=Path(tempfile.mkdtemp(prefix="claimtrace-fuzz-")),
                     max_input_chars=5000, cpu_budget_s=20)
app = create_app(_settings, backend=FakeBackend(), cache=False)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
                                max_examples=MAX_EXAMPLES, no_shrink=True, deterministic=True, database="none")


def check_response(case, response) -> None:
    status = response.status_code
    assert status < 500, f"{case.method} {case.path}: {status} {response.text[:500]}"
    if 400 <= status < 500:
        body = response.json()
        assert set(body) == {"error"}, body
        err = body["error"]
        assert {"code", "message"} <= set(err) and isinstance(err["code"], str) and isinstance(err["message"], str), body
        assert "Traceback" not in response.text


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_fuzz_no_5xx_and_the_envelope_on_4xx(case):
    check_response(case, case.call())
