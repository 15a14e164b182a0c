"""Shared test fixtures: the seed article, a fake-backend app for plumbing, the real model once.

Real-model tests carry the `model` marker, which pyproject's addopts deselects (`-m "not model"`) so a
plain `pytest` is a quick unit run; scripts/test.sh selects everything. A test that asks for the real
model without the marker is marked here, so it can never load 1.1 GB in a quick run by accident."""
from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.backends.fake import FakeBackend
from service.config import ROOT, Settings, get_settings

FIXTURES = ROOT / "eval" / "fixtures"
REAL_MODEL_FIXTURES = {"real_backend", "real_client"}


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m deselection, so the added marker counts
def pytest_collection_modifyitems(config, items):
    for item in items:
        if REAL_MODEL_FIXTURES & set(getattr(item, "fixturenames", ())) and item.get_closest_marker("model") is None:
            item.add_marker(pytest.mark.model)


@pytest.fixture(scope="session")
def seed_text() -> str:
    import json

    return json.loads((FIXTURES / "nk-workers-russia.json").read_text(encoding="utf-8"))["text"]


@pytest.fixture()
def fake_settings(tmp_path: Path) -> Settings:
    return Settings(backend="fake", cache_dir=tmp_path, max_input_chars=5000)


@pytest.fixture()
def fake_client(fake_settings: Settings):
    with TestClient(create_app(fake_settings, backend=FakeBackend(), cache=False)) as client:
        yield client


@pytest.fixture(scope="session")
def real_backend():
    """The default model, loaded once per session (converts the GGUF on a fresh machine)."""
    from service.backends import load_backend

    return load_backend(get_settings())


@pytest.fixture(scope="session")
def real_client(real_backend, tmp_path_factory):
    # expose_cache: test_e2e_model checks the repeat is a cache hit (X-Cache is off by default)
    settings = get_settings().model_copy(update={"cache_dir": tmp_path_factory.mktemp("cache"), "expose_cache": True})
    with TestClient(create_app(settings, backend=real_backend)) as client:
        yield client
