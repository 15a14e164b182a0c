"""Every eval fixture (eval/fixtures/*.json, DESIGN.md section 2) is valid: schema, allowed values,
verbatim strings at valid occurrences, no overlapping labels, id == file name. And the check bites."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from eval.adapters import FIXTURES_DIR, fixture_problems, from_fixture, load_fixture
from service.schema import SOURCE_TYPES, Fixture, locate

PATHS = sorted(FIXTURES_DIR.glob("*.json"))


def test_there_are_fixtures():
    assert PATHS, f"no fixtures in {FIXTURES_DIR}"


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_fixture_is_valid(path: Path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    fx = Fixture.model_validate(raw)  # schema + allowed kind / source_type values, no unknown keys
    assert fixture_problems(fx, path.stem) == []
    for a in fx.attributions:
        assert a.source_type in SOURCE_TYPES and a.source_type != "reporter"
        assert a.kind in ("direct", "indirect", "mixed")
    gold = from_fixture(fx)  # every label locates to offsets
    for a, g in zip(fx.attributions, gold.attributions):
        assert fx.text[g.content.start:g.content.end] == a.content
        if a.cue:
            assert g.cue is not None and fx.text[g.cue.start:g.cue.end].lower() == a.cue.lower()


# ---- the validator must fail on mistakes: mutate a good fixture in memory


GOOD = {
    "id": "tiny",
    "title": "Tiny",
    "license": "CC0, written for ClaimTrace tests",
    "text": "The mayor said the bridge will reopen. “It is safe,” she said. The bridge is old. The bridge is old.",
    "attributions": [
        {"content": "the bridge will reopen", "source": "The mayor", "source_type": "person",
         "aliases": ["she"], "cue": "said", "kind": "indirect"},
        {"content": "It is safe,", "source": "The mayor", "source_type": "person", "aliases": ["she"],
         "cue": "said", "kind": "direct"},
    ],
    "unsourced": [{"content": "The bridge is old.", "occurrence": 2}],
}


def good() -> Fixture:
    return Fixture.model_validate(json.loads(json.dumps(GOOD)))


def first_real_fixture() -> tuple[Fixture, str]:
    path = PATHS[0] if PATHS else None
    if path is None:
        return good(), "tiny"
    return load_fixture(path), path.stem


def test_good_tiny_fixture_passes():
    assert fixture_problems(good(), "tiny") == []


def test_typo_in_content_fails():
    fx, stem = first_real_fixture()
    a = fx.attributions[0]
    a.content = a.content[:-1] + ("X" if a.content[-1] != "X" else "Y")  # one-letter typo
    assert any("attributions[0].content" in p for p in fixture_problems(fx, stem))


def test_typo_in_source_alias_cue_fails():
    fx = good()
    fx.attributions[0].source = "The mayr"
    fx.attributions[0].aliases = ["shee"]
    fx.attributions[1].cue = "sayd"
    problems = fixture_problems(fx, "tiny")
    assert any(".source 'The mayr'" in p for p in problems)
    assert any("aliases[0] 'shee'" in p for p in problems)
    assert any("attributions[1].cue" in p for p in problems)


def test_bad_occurrence_fails():
    fx = good()
    fx.unsourced[0].occurrence = 3  # the sentence occurs twice
    assert any("occurrence 3 not found" in p for p in fixture_problems(fx, "tiny"))


def test_overlapping_labels_fail():
    fx = good()
    fx.unsourced.append("bridge will reopen. “It")
    assert any("overlaps" in p for p in fixture_problems(fx, "tiny"))


def test_id_must_match_file_name():
    assert any("differs from file name" in p for p in fixture_problems(good(), "tinny"))


@pytest.mark.parametrize("patch", [
    {"kind": "quote"},
    {"source_type": "reporter"},  # reporter claims belong in `unsourced`
    {"source_type": "celebrity"},
    {"occurrence": 0},
    {"content": ""},
    {"speaker": "x"},  # unknown key
])
def test_schema_rejects_bad_values(patch):
    raw = json.loads(json.dumps(GOOD))
    raw["attributions"][0].update(patch)
    with pytest.raises(ValidationError):
        Fixture.model_validate(raw)


def test_locate_occurrence_is_one_based():
    assert locate("ab ab", "ab", 2) == (3, 5)
    with pytest.raises(ValueError):
        locate("ab ab", "ab", 3)
