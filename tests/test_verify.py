"""Verify: each summary sentence is checked against the article and its claims (repair: tests/test_repair.py)."""
from __future__ import annotations

from service.ingest import ingest
from service.summarize import Draft, DraftSentence
from service.verify import Verifier, verify
from tests.test_summarize import TEXT, make_attribution


def check(text: str, ids: list[str]):
    return Verifier(ingest(text=TEXT), make_attribution()).check(DraftSentence(text=text, claim_ids=ids))


def test_faithful_attributed_sentence_passes():
    assert check("Police said 40 people were arrested at the rally.", ["c1"]).ok


def test_number_not_in_article_fails():
    result = check("Police said 45 people were arrested at the rally.", ["c1"])
    assert not result.ok and "45" in result.problems[0]


def test_name_not_in_article_fails():
    result = check("Police Chief Varga said 40 people were arrested at the rally.", ["c1"])
    assert not result.ok and any("Chief" in p and "Varga" in p for p in result.problems)


def test_laundered_claim_fails():
    # a sourced claim stated as fact: the source is not named
    result = check("40 people were arrested at the rally on Saturday.", ["c1"])
    assert not result.ok and any("does not name the source" in p for p in result.problems)


def test_unsupported_sentence_fails():
    result = check("Police said the mayor resigned and the budget collapsed after talks.", ["c1"])
    assert not result.ok and any("not supported" in p for p in result.problems)


def test_uncited_sentence_fails():
    assert not check("Police said 40 people were arrested.", []).ok


def test_curly_and_straight_apostrophes_are_the_same_name():
    text = "Russia’s Kursk region will get 5,000 workers, Ivan Petrov said."
    doc = ingest(text=text)
    v = Verifier(doc, make_attribution())
    assert v.unsupported_tokens("Russia's Kursk region will get 5,000 workers.") == []
    assert v.unsupported_tokens("Russia's Kursk region will get 5000 workers.") == []


def test_verify_only_checks():
    draft = Draft(sentences=[DraftSentence("40 people were arrested at the rally.", ["c1"]),
                             DraftSentence("Police said 40 people were arrested at the rally.", ["c1"])],
                  raw="", prompt_version="summarize.v2")
    verdict = verify(draft, ingest(text=TEXT), make_attribution())
    assert [c.ok for _, c in verdict.checks] == [False, True] and verdict.passed == 1
    assert [s.text for s in draft.sentences][0] == "40 people were arrested at the rally."  # the draft is untouched
    assert verify(None, ingest(text=TEXT), make_attribution()) is None


def test_possessive_and_hyphenated_names_are_found():
    doc = ingest(text="The Train Drivers’ Association and the Kessel-Varna line said 12 trains ran.")
    v = Verifier(doc, make_attribution())
    assert v.unsupported_tokens("Drivers said the Kessel line ran 12 trains.") == []
    assert v.unsupported_tokens("Drivers said the Kessel-Ostby line ran.") == ["Kessel-Ostby"]
