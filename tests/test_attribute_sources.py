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
    from service.attribute import attribute
    from service.ingest import ingest
    from service.segment import segment
    text = ("Sponsor: QWIKET says buy now\n\nThe mayor said the bridge would reopen in May, "
            "officials confirmed on Monday after a long review.\n")
    doc = ingest(text=text)
    att = attribute(doc, segment(doc))
    for c in att.claims:
        assert not any(r.start < c.content.end and c.content.start < r.end for r in doc.removed)


@pytest.mark.parametrize("text,type_", [
    ("A Tundra spokesman said the app would be fixed.", "organization"),  # a spokesperson speaks for the body
    ("A spokeswoman for Marlow Foods said the recall was voluntary.", "organization"),
    ("A spokesman for the ministry said the drills were routine.", "government"),
    ("A factory employee said the line had stopped.", "anonymous"),  # an unnamed individual
    ("Economists at Westfold Bank said inflation would ease.", "organization"),
    ("Harlow Watch, a group that opposes the plan, said the vote was rigged.", "organization"),
    ("The Council of Coastal Nations said the talks would resume.", "organization"),
    ("The City Council said the vote was valid.", "government"),
    ("The Global Water Agency said the river was polluted.", "organization"),
    ("The Youth and Sport Ministry said the vote was valid.", "government"),
])
def test_source_types_by_role_and_description(text, type_):
    pairs, _ = sources_by_claim(text)
    assert pairs and pairs[0][1].type == type_


def test_place_name_does_not_absorb_bodies_named_after_it():
    text = ("Dunmore is a river town. The Dunmore Water Board said the river was clean. "
            "The Dunmore Anglers Association said the fish were dying.")
    pairs, _ = sources_by_claim(text)
    assert [s.name for _, s in pairs] == ["Dunmore Water Board", "Dunmore Anglers Association"]


def test_modified_description_is_not_an_anaphor():
    # "the city's mayor" names someone new, not the last person mentioned
    text = ("Jun Hale, an analyst at Brightline, said costs would rise. "
            "The city's mayor said the plan was affordable.")
    pairs, _ = sources_by_claim(text)
    assert pairs[0][1].name == "Jun Hale" and pairs[1][1].name != "Jun Hale"


def test_report_is_not_the_body_that_wrote_it():
    text = ("The Harbor Company said profits rose. "
            "The report said the harbor needed dredging.")
    pairs, _ = sources_by_claim(text)
    assert pairs[1][1].type == "document"


def test_directorate_resolves_to_its_named_body_and_description_types_it():
    text = ("The National Signals Directorate, the country’s intelligence agency, said the attack came from abroad. "
            "The directorate said it had warned the hospital.")
    pairs, _ = sources_by_claim(text)
    assert {s.name for _, s in pairs} == {"National Signals Directorate"}
    assert pairs[0][1].type == "intelligence"


@pytest.mark.parametrize("text,mention", [
    # parse errors around appositions: the verb loses its subject
    ("The lead prosecutor, Aurel Venn, acknowledged in court that one of the two builders is cooperating.",
     "The lead prosecutor"),
    ("Aino Sarkis, a hydrologist at the institute who co-wrote the report, argued that higher levees would push the water downstream.",
     "Aino Sarkis"),
    ("“We have been driving long shifts,” the union's president, Dana Whitcombe, told reporters outside the depot.",
     "the union's president"),
])
def test_subject_cut_off_by_apposition(text, mention):
    doc, att = run(text)
    c = attributed(att)[0]
    assert c.source_mention is not None and c.source_mention.text == mention
    assert source_of(att, c).type == "person"


def test_role_noun_with_apposed_name_is_that_person():
    text = "The City Council's clerk, Ronan Bexley, confirmed that the vote would go ahead."
    pairs, _ = sources_by_claim(text)
    assert pairs[0][1].name == "Ronan Bexley" and pairs[0][1].type == "person"


def test_one_of_them_is_a_member_of_the_group():
    text = ("Two intelligence officials said the attack came from abroad. "
            "One of them said the hackers had been inside the network for months.")
    pairs, _ = sources_by_claim(text)
    assert len({s.id for _, s in pairs}) == 1 and pairs[1][1].type == "intelligence"
