"""service/prompts.py: versioned prompt files load, render in role order, fail loudly on a typo, and are
installed with the package (a non-editable install has them)."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest

from service import prompts
from service.config import ROOT


def test_every_prompt_file_loads_and_has_a_system_and_user_message():
    versions = prompts.available()
    assert {"summarize.v1", "summarize.v2", "summarize.v3"} <= set(versions)
    for v in versions:
        p = prompts.load(v)
        assert p.version == v
        assert isinstance(p.params, dict)


def test_render_splits_role_sections_in_order(tmp_path, monkeypatch):
    (tmp_path / "t.v1.jinja").write_text(
        "+++\nmode = \"free\"\n+++\n### system\nYou are {{ who }}.\n### user\nSay {{ what }}.\n", encoding="utf-8")
    monkeypatch.setattr(prompts, "PROMPTS_DIR", tmp_path)
    prompts.load.cache_clear()
    try:
        p = prompts.load("t.v1")
        assert p.params == {"mode": "free"}
        assert p.render(who="a checker", what="hi") == [
            {"role": "system", "content": "You are a checker."}, {"role": "user", "content": "Say hi."}]
        with pytest.raises(Exception, match="what"):  # StrictUndefined: a missing variable is an error
            p.render(who="x")
    finally:
        prompts.load.cache_clear()


def test_unknown_version_is_refused_with_the_available_ones():
    with pytest.raises(ValueError, match="summarize.v2"):
        prompts.require("summarize.v99")
    assert prompts.require("summarize.v2") == "summarize.v2"
    with pytest.raises(KeyError):
        prompts.load("summarize.v99")


def _copy_of_tracked_inputs(tmp_path):
    """What pip builds from, copied: no build/ appears in the working tree and parallel runs share none."""
    src = tmp_path / "src"
    junk = shutil.ignore_patterns("__pycache__", "*.pyc", "reports")
    for name in ("service", "eval", "prompts"):
        shutil.copytree(ROOT / name, src / name, ignore=junk)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    return src


def test_wheel_carries_prompts_lexicons_and_tagger(tmp_path):
    # a non-editable install only has what the wheel has; service/prompts.py reads <site-packages>/prompts.
    # Built from a copy of the tracked inputs, so no build/ appears in the working tree and parallel runs
    # do not share one.
    src = _copy_of_tracked_inputs(tmp_path)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path / "dist"), str(src)], check=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("claimtrace-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for v in prompts.available():
        assert f"prompts/{v}.jinja" in names, f"{v} missing from the wheel"
    assert "service/lexicons/" + next((ROOT / "service" / "lexicons").glob("*.txt")).name in names
    assert "service/models/attribution-tagger/tagger.crfsuite" in names
    assert "eval/thresholds.toml" in names and "eval/fixtures/nk-workers-russia.json" in names
    for f in (ROOT / "service" / "static").iterdir():  # the newsroom page and <claimtrace-view>: no CDN, no build
        assert f"service/static/{f.name}" in names, f"{f.name} missing from the wheel"
    for init in ROOT.glob("service/**/__init__.py"):  # every subpackage, including ones added later
        assert init.relative_to(ROOT).as_posix() in names


def test_a_non_editable_install_finds_its_prompts(tmp_path):
    """Install the wheel into a plain folder and import from there (not from this checkout)."""
    src = _copy_of_tracked_inputs(tmp_path)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(src)], check=True, timeout=300)
    shutil.rmtree(src)  # nothing may be read from the source copy either
    code = ("import service, eval.runner as r; from service import prompts; "
            f"assert service.__file__.startswith({str(target)!r}), service.__file__; "
            "assert prompts.load('summarize.v3').version == 'summarize.v3'; "
            "assert r.THRESHOLDS.is_file() and r.FIXTURES_DIR.is_dir(); "
            "from service.api.page import STATIC; assert (STATIC / 'index.html').is_file(), STATIC; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={"PYTHONPATH": str(target), "PATH": ""},
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
