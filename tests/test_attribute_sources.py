"""Source resolution and typing on small invented texts (real spaCy parses)."""
import pytest

from tests.attribute_helpers import attributed, run, source_of


def sources_by_claim(text):
    doc, att = run(text)
    return [(c.content.text, source_of(att, c)) for c in attributed(att)], att


def test_mr_lastname_and_pronoun_resolve_to_fullest_name():
    text = ("Maria L. Ortiz, the mayor of Dunmore, visited the site on Monday.\n"
            "Ms. Ortiz said the bridge would reopen in May. She added that repairs would cost $2 million.")
    pairs, att = sources_by_claim(text)
    assert {s.name for _, s in pairs} == {"Maria L. Ortiz"}
    s = pairs[0][1]
    assert s.type == "person" and s.description == "mayor of Dunmore"
    assert {"Ms. Ortiz", "She"} <= {m.text for m in s.mentions}


def test_pronoun_gender_picks_compatible_antecedent():
    text = "Mr. Brown met Ms. Ortiz on Monday. Later, she said the deal was off."
    pairs, _ = sources_by_claim(text)
    assert pairs[0][1].name == "Ortiz"


def test_it_and_the_agency_resolve_to_the_organisation():
    text = ("The Korean Central News Agency published a report on Wednesday. "
            "It said the leader had approved the plan. The agency also said that talks would resume.")
    pairs, _ = sources_by_claim(text)
    assert [s.name for _, s in pairs] == ["Korean Central News Agency"] * 2
    assert pairs[0][1].type == "media"


@pytest.mark.parametrize("text,type_", [
    ("South Korean intelligence officials said the workers had arrived.", "intelligence"),
    ("Russian state media said the visit was a success.", "media"),
    ("Two officials who spoke on condition of anonymity said the deal was close.", "anonymous"),
    ("A report by the watchdog found that emissions had doubled.", "document"),
    ("A court filing said the company had hidden losses.", "document"),
    ("The police said the suspect had fled.", "government"),
    ("The Kremlin said the talks were productive.", "government"),
    ("The Defense Ministry said the drills were routine.", "government"),
    ("A think tank in Washington said the sanctions were working.", "organization"),
    ("The company said its profits had doubled.", "organization"),
    ("Jane Doe said the sanctions were working.", "person"),
    ("The Port Calder Authority said the terminal would reopen.", "government"),
    ("The Ministry of Youth and Sport said the vote was valid.", "government"),
    ("Two pediatricians at the city hospital said the outbreak was growing.", "anonymous"),
])
def test_source_types(text, type_):
    pairs, _ = sources_by_claim(text)
    assert pairs and pairs[0][1].type == type_


def test_one_reporter_source_owns_unsourced_claims():
    text = ("Prices rose sharply in March. The central bank said inflation would ease. "
            "Wages have not kept up. Is that fair?")
    doc, att = run(text)
    unsourced = [c for c in att.claims if c.kind == "unsourced"]
    assert [c.content.text for c in unsourced] == ["Prices rose sharply in March", "Wages have not kept up"]
    reporters = [s for s in att.sources if s.type == "reporter"]
    assert len(reporters) == 1 and all(c.source_id == reporters[0].id for c in unsourced)
    assert [c.id for c in att.claims] == [f"c{i}" for i in range(1, len(att.claims) + 1)]


def test_no_claims_inside_removed_ranges():
    from service.ingest import ingest
    from service.segment import segment
    from service.attribute import attribute
    text = ("Sponsor: QWIKET says buy now\n\nThe mayor said the bridge would reopen in May, "
            "officials confirmed on Monday after a long review.\n")
    doc = ingest(text=text)
    att = attribute(doc, segment(doc))
    for c in att.claims:
        assert not any(r.start < c.content.end and c.content.start < r.end for r in doc.removed)
