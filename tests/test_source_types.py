"""Source types (service/attribute/source_types.py): a name alone, and a source as the article
describes it, get the contract's types."""
from __future__ import annotations

import pytest

from service.attribute.source_types import name_type
from tests.attribute_helpers import attributed, run, source_of


@pytest.mark.parametrize("name,expected", [
    ("Estrel News Agency", "media"),
    ("the Ministry of Youth and Sport", "government"),
    ("World Health Organization", "organization"),
    ("Kolt Breweries", "organization"),
    ("National Intelligence Service", "intelligence"),
])
def test_name_type(name, expected):
    assert name_type(name) == expected


@pytest.mark.parametrize("sentence,fragment,expected", [
    ("Dana Whitfield, the transport commissioner, said the bridge would reopen in March.", "bridge would reopen",
     "person"),
    ("A senior official, who spoke on condition of anonymity, said the talks had stalled.", "talks had stalled",
     "anonymous"),
    ("The Health Ministry said 40 people had been treated.", "40 people", "government"),
])
def test_types_in_context(sentence, fragment, expected):
    _, att = run(sentence)
    claim = next(c for c in attributed(att) if fragment in c.content.text)
    assert source_of(att, claim).type == expected


def test_the_reporter_is_the_one_reporter_source():
    _, att = run("The bridge carries 40,000 vehicles a day. It opened in 1962.")
    assert {s.type for s in att.sources} == {"reporter"}
    assert all(c.kind == "unsourced" for c in att.claims)


def test_a_security_service_is_intelligence():
    from service.attribute.source_types import name_type

    assert name_type("Kestrian Security Service") == "intelligence"
    assert name_type("the Secret Service") == "intelligence"
    assert name_type("Estrel News Service") == "media"


def test_a_named_club_is_not_anonymous_because_an_anonymous_source_speaks_of_it():
    from tests.attribute_helpers import attributed, run, source_of

    doc, att = run("Ostrava FC said in a statement that it was shocked by the ruling. A source close to the club, "
                   "who asked not to be named, said the club had been negotiating a sale. The club said it would "
                   "support the player's appeal.")
    c = next(c for c in attributed(att) if "shocked" in c.content.text)
    assert source_of(att, c).name == "Ostrava FC"
    assert source_of(att, c).type == "organization"
