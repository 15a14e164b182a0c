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


# The sets the modules held as literals before they loaded them from titles.en.txt / pronouns.en.txt:
# the files must keep giving exactly these (a changed word changes attribution).
_OLD_TITLES = {
    "mr.", "mrs.", "ms.", "dr.", "mr", "mrs", "ms", "dr", "president", "gen.", "sen.", "rep.", "gov.",
    "prime", "minister", "secretary", "senator", "governor", "representative", "judge", "justice",
    "lt.", "col.", "capt.", "adm.", "sgt.", "gen", "general", "vice", "chancellor", "king", "queen",
    "prince", "pope", "rev.", "prof.", "professor", "mayor", "chairman", "speaker", "leader",
    "foreign", "defense", "interior", "deputy", "former", "retired", "chief", "ambassador", "sir",
    "mx.", "mx", "councilor", "councillor", "councilman", "councilwoman", "inspector", "detective",
    "superintendent", "commissioner", "sheriff", "officer", "archbishop", "bishop", "rabbi",
}
_OLD_HONORIFICS = {"mr.", "ms.", "mrs.", "dr.", "mx.", "prof."}
_OLD_MALE = {"he", "him", "his", "himself", "mr.", "mr", "king", "prince", "sir"}
_OLD_FEMALE = {"she", "her", "hers", "herself", "ms.", "mrs.", "ms", "mrs", "queen", "princess", "madam"}
_OLD_PLURAL_PRON = {"they", "them", "their", "we", "us", "our"}
_OLD_PRONOUNS = _OLD_MALE | _OLD_FEMALE | _OLD_PLURAL_PRON | {"it", "its", "i", "me", "my", "you", "who", "which", "that"}
_OLD_PERSON_TITLES = {"mr.", "mrs.", "ms.", "dr.", "mx.", "mr", "mrs", "ms", "dr", "mx", "councilor", "councillor", "councilman",
                      "councilwoman", "inspector", "detective", "sen.", "rep.", "gov.", "senator", "governor", "mayor",
                      "judge", "professor", "prof.", "president", "minister", "secretary", "sheriff", "officer"}


def test_titles_table_gives_the_title_lists():
    assert sources.TITLES == _OLD_TITLES == _titles("honorific", "person", "title", "modifier")
    assert source_types._PERSON_TITLES == _OLD_PERSON_TITLES
    assert sources.HONORIFICS == _OLD_HONORIFICS
    assert sources.MALE == _OLD_MALE and sources.FEMALE == _OLD_FEMALE


def test_pronoun_table_gives_the_pronoun_sets():
    assert coref.PERSON_PRONOUNS == {"he", "him", "his", "himself", "she", "her", "hers", "herself"}
    assert coref.IT_PRONOUNS == {"it", "its", "itself"}
    assert coref.THEY_PRONOUNS == {"they", "them", "their", "themselves"}
    assert sources.PLURAL_PRON == _OLD_PLURAL_PRON and sources.PRONOUNS == _OLD_PRONOUNS
    assert cues.AGENT_PRONOUNS == {"he", "she", "they", "we", "i", "you", "who"}
