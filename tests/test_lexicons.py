"""The one lexicon loader (service/lexicons): comments never become words, every list loads, and
the titles / pronouns tables give exactly the word sets the modules still hold as literals."""
from __future__ import annotations

import re

import pytest

from service import verify
from service.attribute import coref, cues, source_types, sources
from service.lexicons import LEXICONS, lines, pairs, rows, words

NAMES = sorted(p.name.split(".")[0] for p in LEXICONS.glob("*.en.txt"))


@pytest.mark.parametrize("name", NAMES)
def test_no_comment_becomes_an_item(name):
    items = lines(name)
    assert items, name
    assert not any(i.startswith("#") for i in items)
    header = [raw.strip() for raw in (LEXICONS / f"{name}.en.txt").read_text(encoding="utf-8").splitlines()
              if raw.strip().startswith("#")]
    assert header, f"{name}: a list says what it is for in a header comment"


def test_stopwords_are_the_list_not_its_header():
    stop = verify._stopwords()
    assert {"the", "said", "yourselves"} <= stop
    # words of the header comment ("ignored when comparing summary wording ...") are no stopwords:
    # the old split-the-whole-file loader made "summary" and "sentence" stopwords
    assert not {"summary", "sentence", "comparing", "english", "#"} & stop
    assert all(re.fullmatch(r"[a-z]+", w) for w in stop)


def test_unsupported_language_names_the_supported_ones():
    with pytest.raises(ValueError, match="'en'"):
        words("cue_verbs", "de")


def test_patterns_keep_their_case():
    # junk_lines holds regexes: lower-casing would turn \S into \s
    assert pairs("junk_lines", lower=False) and all(len(p) == 2 for p in pairs("junk_lines", lower=False))
    raw = [ln.split("\t", 1)[1].strip() for ln in lines("junk_lines")]
    assert [p for _, p in pairs("junk_lines", lower=False)] == raw


def _titles(*kinds):
    return {w for kind, _, w in rows("titles") if kind in kinds}


def _pronouns(kinds, cases=("subject", "object", "determiner", "possessive", "reflexive")):
    return {w for kind, case, w in rows("pronouns") if kind in kinds and case in cases}


def test_titles_table_gives_the_title_lists():
    # the literals in sources.py / source_types.py can become these loads unchanged
    assert _titles("honorific", "person", "title", "modifier") == sources.TITLES
    assert _titles("honorific", "person") == source_types._PERSON_TITLES
    assert {w for w in _titles("honorific") if w.endswith(".")} == sources.HONORIFICS
    gendered = {g: {w for _, gg, w in rows("titles") if gg == g} for g in ("m", "f")}
    assert gendered["m"] | _pronouns({"male"}) == sources.MALE
    assert gendered["f"] | _pronouns({"female"}) == sources.FEMALE


def test_pronoun_table_gives_the_pronoun_sets():
    not_reflexive = ("subject", "object", "determiner", "possessive")
    assert _pronouns({"male", "female"}) == coref.PERSON_PRONOUNS
    assert _pronouns({"neuter"}) == coref.IT_PRONOUNS
    assert _pronouns({"they"}) == coref.THEY_PRONOUNS
    assert _pronouns({"they", "we"}, not_reflexive) == sources.PLURAL_PRON
    assert sources.MALE | sources.FEMALE | sources.PLURAL_PRON \
        | _pronouns({"neuter", "i", "you", "who", "which"}, not_reflexive) == sources.PRONOUNS
    assert cues.AGENT_PRONOUNS == {"he", "she", "they", "we", "i", "you", "who"}
