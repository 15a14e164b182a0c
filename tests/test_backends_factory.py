"""One factory chooses every backend; callers read what they need through the protocol and load_report."""
from __future__ import annotations

import pytest

from service.backends import BACKENDS, LoadReport, load_backend, load_report
from service.backends.fake import FakeBackend
from service.config import Settings


def test_factory_builds_the_selected_backend(tmp_path):
    settings = Settings(backend="fake", cache_dir=tmp_path)
    backend = load_backend(settings)
    assert isinstance(backend, FakeBackend)
    assert backend.info.backend == "fake"
    # an explicit kind wins over the settings (the bench loads each runtime by name)
    assert isinstance(load_backend(Settings(cache_dir=tmp_path), "fake"), FakeBackend)


def test_factory_knows_every_settings_choice():
    choices = set(Settings.model_fields["backend"].annotation.__args__)
    assert choices == set(BACKENDS)


def test_unknown_backend_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown backend 'nope'"):
        load_backend(Settings(cache_dir=tmp_path), "nope")


def test_load_report_answers_for_any_backend():
    class Remote:  # a backend without weights of its own: only the protocol's info and generate
        info = FakeBackend().info

        def generate(self, prompts, params):
            return []

    assert load_report(Remote()) == LoadReport(source="fake")
    assert load_report(FakeBackend()).source == "none"
