"""service/cli.py, the `claimtrace` command: configuration errors exit 2 before anything starts,
`summarize` prints the JSON response (fake backend, claims only), input errors are JSON on stderr
with exit 1, `keys add` stores only the key's hash, and `eval` hands over to the eval runner."""
from __future__ import annotations

import hashlib
import json

import pytest

from service import cli
from service.config import ROOT, get_settings

ARTICLE = "The mayor, Ann Lee, said the bridge will close in March. “We have no choice,” she told reporters.\n"


@pytest.fixture()
def env(monkeypatch, tmp_path):
    """Fresh settings from the environment for each call (get_settings is cached)."""
    monkeypatch.setenv("CLAIMTRACE_BACKEND", "fake")
    monkeypatch.setenv("CLAIMTRACE_CACHE_DIR", str(tmp_path / "cache"))
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_invalid_configuration_exits_2_naming_the_setting(env, capsys):
    env.setenv("CLAIMTRACE_BACKEND", "no-such-backend")
    get_settings.cache_clear()
    assert cli.main(["summarize", "-"]) == 2
    assert "invalid configuration" in capsys.readouterr().err


def test_summarize_prints_a_grounded_response(env, tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    assert cli.main(["summarize", str(path), "--no-summary"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary"] == []
    assert out["claims"], "the article has two attributed claims"
    for c in out["claims"]:
        assert ARTICLE[c["content"]["start"]:c["content"]["end"]] == c["content"]["text"]
    names = {s["name"] for s in out["sources"]}
    assert any("Lee" in n for n in names), names


def test_summarize_blank_input_is_a_json_error(env, tmp_path, capsys):
    path = tmp_path / "blank.txt"
    path.write_text("   \n", encoding="utf-8")
    assert cli.main(["summarize", str(path), "--no-summary"]) == 1
    err = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert err["error"]["code"] == "invalid_input"


def test_keys_add_prints_the_key_once_and_stores_its_hash(env, tmp_path, capsys):
    keys = tmp_path / "keys.txt"
    assert cli.main(["keys", "add", "newsroom", "--file", str(keys)]) == 0
    key = capsys.readouterr().out.strip()
    stored = keys.read_text(encoding="utf-8")
    assert key.startswith("ct_") and key not in stored
    assert hashlib.sha256(key.encode()).hexdigest() in stored and "newsroom" in stored
    assert cli.main(["keys", "add", "newsroom", "--file", str(keys)]) == 1  # one key per label


def test_eval_subcommand_runs_the_eval_runner(env, capsys):
    assert cli.main(["eval", "check", str(ROOT / "eval" / "fixtures")]) == 0
    assert cli.main(["eval", "check", str(ROOT / "nowhere")]) != 0
