"""The seed article end to end through ingest -> segment -> attribute (DESIGN.md issue 4). The article
is the bundled fixture eval/fixtures/nk-workers-russia.json (conftest's `seed_text`), so this never skips."""
import pytest

from service.attribute import attribute
from service.ingest import ingest
from service.segment import segment


@pytest.fixture(scope="module")
def seed(seed_text):
    doc = ingest(text=seed_text)
    att = attribute(doc, segment(doc))
    return doc, att


def _claim(att, fragment):
    hits = sorted((c for c in att.claims if fragment in c.content.text), key=lambda c: len(c.content.text))
    if not hits:
        raise AssertionError(f"no claim containing {fragment!r}")
    c = hits[0]  # the tightest claim: Kim's quote also sits inside the state-media video claim
    return c, next(s for s in att.sources if s.id == c.source_id)


@pytest.mark.parametrize("fragment,source,type_", [
    ("thousands of construction workers to help rebuild", "Sergei K. Shoigu", "person"),
    ("Mr. Kim had agreed to send 5,000", "Sergei K. Shoigu", "person"),
    ("will work on demining the region", "Sergei K. Shoigu", "person"),
    ("sending laborers to Russia", "Korean Central News Agency", "media"),
    ("decided to cooperate with Russia", "Korean Central News Agency", "media"),
    ("exchanging letters for several weeks", "Korean Central News Agency", "media"),
    ("“our cooperation is deepening.”", "Kim Jong-un", "person"),
    ("15,000 North Korean workers", "South Korean intelligence officials", "intelligence"),
    ("violates U.N. Security Council sanctions", "the reporter", "reporter"),
    ("foreign currency by claiming much of the workers", "the reporter", "reporter"),
])
def test_seed_sources(seed, fragment, source, type_):
    _, att = seed
    c, s = _claim(att, fragment)
    assert (s.name, s.type) == (source, type_)


def test_seed_details(seed):
    doc, att = seed
    c, s = _claim(att, "Mr. Kim had agreed to send 5,000")
    assert c.cue.text == "told reporters" and c.source_mention.text == "he" and c.kind == "indirect"
    assert s.description == "close aide to President Vladimir V. Putin"
    c, _ = _claim(att, "“our cooperation is deepening.”")
    assert c.kind == "direct" and c.content.text == "“our cooperation is deepening.”"
    media = [s for s in att.sources if s.name == "Russian state media"]
    assert media and media[0].type == "media"
    assert not any("Thank you for your patience" in c.content.text for c in att.claims)
    assert not any("NextImg" in c.content.text for c in att.claims)
    for c in att.claims:
        for sp in (c.content, c.cue, c.source_mention):
            assert sp is None or doc.text[sp.start : sp.end] == sp.text
