"""Who a source is, and which reported acts are the reporter's facts: invented texts, one per rule
(session 6, issue 9). Each test fails with its rule removed."""
from __future__ import annotations

from tests.attribute_helpers import attributed, grounded, run, source_of
from tests.attribute_helpers import claim_with as _claim
from tests.attribute_helpers import name_of as _name


def test_kin_and_agent_nouns_take_the_apposed_name():
    doc, att = run("Odile Marsh, a violin maker, died on Sunday at her home. She was 88.\n\n"
                   "Her son, Lucien Ferrant, said the cause was heart failure.\n\n"
                   "The orchestra's former principal cellist, Anton Vey, said she had worked every day.")
    assert _name(att, "heart failure") == "Lucien Ferrant"
    assert _name(att, "worked every day") == "Anton Vey"
    assert grounded(doc, att)


def test_a_description_before_the_name_is_that_person():
    _, att = run("The restorer Geert Halloran, who worked with her in the 1980s, said she had been "
                 "impossible to argue with about varnish.")
    assert _name(att, "impossible to argue with") == "Geert Halloran"


def test_a_participle_after_a_plural_subject_belongs_to_its_name():
    _, att = run("Scientists working on the Lusan Space Agency's Corvid mission said the asteroid holds ice. "
                 "Officials speaking on condition of anonymity said the mission would be extended.")
    assert _name(att, "asteroid holds ice") == "Scientists working on the Lusan Space Agency's Corvid mission"
    # the anonymity formula types the source; it is not its name
    assert _name(att, "would be extended") == "Officials"


def test_a_body_named_as_a_facility_is_what_the_agency_points_to():
    _, att = run("Scientists working on the Lusan Space Agency's Corvid mission believe they have found ice. "
                 "The probe has circled the asteroid since March.\n\n"
                 "The agency plans to lower the probe's orbit in February.")
    assert _name(att, "lower the probe's orbit") == "Lusan Space Agency"


def test_a_research_team_is_the_group_just_named():
    _, att = run("Researchers at the Halvik institute believe the echo comes from buried ice. "
                 "The team says its radar detected a layered signal.")
    team = _claim(att, "layered signal")
    assert source_of(att, team).id == source_of(att, _claim(att, "buried ice")).id


def test_no_antecedent_inside_a_quotation():
    _, att = run("Hollis Kade, the agency's director general, said the result showed \"what a small agency "
                 "can do with a clear question.\" The agency intends to ask the government for money.")
    assert _name(att, "ask the government") != "a small agency"


def test_a_company_the_article_calls_a_company_is_an_organisation():
    _, att = run("Orbital Lens, the satellite imaging company whose pictures accompany this article, said its "
                 "images showed several vehicles. The company said it had not been contacted by either government. "
                 "Vesna missiles have a range of about 120 kilometres.")
    assert _name(att, "not been contacted") == "Orbital Lens"


def test_a_newspaper_named_in_apposition():
    _, att = run("The student newspaper, The Northmere Lantern, first reported in January that two papers had "
                 "been flagged. The newspaper said the university knew.")
    assert "Northmere Lantern" in _name(att, "two papers had been flagged")
    assert "Northmere Lantern" in _name(att, "the university knew")


def test_a_message_put_out_with_a_participle_is_its_issuers():
    _, att = run("The ministry issued a statement saying the talks had failed. "
                 "The referees' association put out a statement during the match saying video review was not "
                 "available.")
    assert _name(att, "talks had failed").lower() == "the ministry"
    assert "association" in _name(att, "video review").lower()


def test_a_statement_read_to_the_court_is_the_speakers():
    _, att = run("In a statement read to the court by the prosecutor, the hospice's chief executive, Ruth "
                 "Amberley, said staff had been told that a new suite could not be afforded.\n\n"
                 "\"We turned families away from a room that his greed had already spent,\" the statement said.")
    assert _name(att, "turned families away") == "Ruth Amberley"


def test_possessive_descriptions_are_not_the_nearest_person():
    _, att = run("Coach Tunde Adeyemi spoke to reporters afterwards. He said the club would decide. "
                 "Our chairman has already said he wants the footage.\n\n"
                 "Marrowfield chairman Piet Varga said in a post that he had asked the league for the footage.")
    assert _name(att, "wants the footage") == "Piet Varga"


def test_transcript_question_lines_report_who_they_quote():
    text = ("Coach Tunde Adeyemi spoke to reporters afterwards.\n\n"
            "Q: Kestrel's manager, Bram Oduya, said after the game that the second goal was \"clean as a whistle.\" "
            "Was it?\n\n"
            "COACH ADEYEMI: I've seen it four times. We lost because we stopped running.\n\n"
            "Q: The referees' association put out a statement during the match saying video review was not "
            "available because of a power fault. Did anyone tell you that?\n\n"
            "COACH ADEYEMI: Nobody told us anything. The screen was working at the break.")
    _, att = run(text)
    assert _name(att, "clean as a whistle") == "Bram Oduya"
    assert _name(att, "video review was not") != "Q"
    assert all(source_of(att, c).name != "Q" for c in attributed(att))


def test_the_hearer_of_a_passive_instruction_is_not_its_source():
    _, att = run("Schools are open but have been told to use bottled water.")
    c = _claim(att, "bottled water")
    assert c.kind == "unsourced"


def test_refusal_before_saying_is_the_reporters():
    _, att = run("The mine was closed in May. Valcor declined to comment on the report, saying it had not received "
                 "a copy.")
    assert _claim(att, "declined to comment").kind == "unsourced"
    said = _claim(att, "not received a copy")
    assert said.kind != "unsourced" and source_of(att, said).name == "Valcor"


def test_short_and_verbless_sentences_of_prose_are_claims():
    _, att = run("Odile Marsh, a violin maker, died on Sunday. She was 88.\n\n"
                 "Pump prices reached a record last week. The country imports almost all of its refined fuel. "
                 "The minister said prices would fall.")
    assert _claim(att, "She was 88").kind == "unsourced"
    assert _claim(att, "imports almost all").kind == "unsourced"


def test_pleas_and_product_recalls_are_acts():
    _, att = run("Hollenby Motors said on Monday it would fix the brakes. "
                 "The company recalled 80,000 cars last year over a seat-belt fault. "
                 "Graham Tulliver, 61, pleaded guilty in September to fraud by abuse of position.")
    for words in ("80,000 cars", "fraud by abuse"):
        c = next(c for c in att.claims if words in c.content.text)
        assert c.kind == "unsourced", (words, c.kind)


def test_your_opponent_in_a_debate_is_the_debater_not_answering():
    text = ("The following is a transcript of Tuesday's debate between Mayor Ines Garrow and her challenger, "
            "Councillor Piet Lomond.\n\n"
            "MODERATOR: Councillor Lomond, the bus fleet is twenty years old. Your opponent says you voted to cut "
            "its budget. Is that true?\n\n"
            "LOMOND: No. I voted against a bad budget, and I would do it again tomorrow.\n\n"
            "GARROW: He voted against every bus we bought, and the records show it.\n\n"
            "MODERATOR: Mayor Garrow, your housing plan has stalled. Why should voters trust it now?\n\n"
            "GARROW: Because we have the money in the bank this time, and the sites are ready.\n\n"
            "LOMOND: The money was in the bank last year too, and nothing was built.")
    _, att = run(text)
    said = _claim(att, "voted to cut its budget")
    assert "garrow" in source_of(att, said).name.lower()


_DEBATE = ("The following is a transcript of Tuesday's debate between Mayor Ines Garrow and Councillor Piet "
           "Lomond. It was moderated by Yusuf Arkwright of Halden Radio.\n\n"
           "MODERATOR: Councillor Lomond, the bus fleet is twenty years old and half of it is off the road. "
           "Is that acceptable?\n\n"
           "LOMOND: No. The fleet has been starved of money for a decade, and the mayor knows it.\n\n"
           "MODERATOR: Let's let the councillor finish.\n\n"
           "LOMOND: We will buy forty new buses in my first year.\n\n"
           "MODERATOR: We're out of time. Thank you both.")


def test_a_moderators_housekeeping_is_no_claim_and_the_label_is_the_named_moderator():
    _, att = run(_DEBATE)
    texts = [c.content.text for c in att.claims]
    assert not any("out of time" in t or "let the councillor finish" in t for t in texts), texts
    fleet = _claim(att, "twenty years old")
    assert source_of(att, fleet).name == "Yusuf Arkwright"


def test_wire_credits_and_post_headers_are_page_chrome():
    from service.attribute import attribute
    from service.ingest import ingest
    from service.segment import segment

    doc = ingest(text="Officials said the port would stay closed until Friday.\n\n"
                 "The operator posted an update on its account.\n\n"
                 "Nordbane @NordbaneRail\n\n"
                 "Trains between the two cities are cancelled until noon, the operator said.\n\n"
                 "(Reporting by Tove Lindqvist; editing by Mats Oberg)")
    att = attribute(doc, segment(doc))
    texts = " ".join(c.content.text for c in att.claims)
    assert "Tove Lindqvist" not in texts and "@NordbaneRail" not in texts


def test_a_titled_name_and_its_surname_are_antecedents_and_the_outgoing_mayor_is_him():
    _, att = run("Challenger Corinne Pellerin won the Lennvik mayoral election on Sunday, ending the 12-year tenure "
                 "of Mayor Gustav Rehn, the electoral commission said.\n\n"
                 "Turnout was 58 percent, the commission said.\n\n"
                 "Rehn conceded shortly before 1 a.m. In a short speech, the outgoing mayor said he had called "
                 "Ms. Pellerin to congratulate her.")
    assert _name(att, "called Ms. Pellerin") == "Gustav Rehn"


def test_a_hyphenated_name_after_a_kin_noun():
    _, att = run("Marn opened the shop with his late wife, Greta. Their daughter, Liv Marn-Achebe, who now runs "
                 "the front of the shop, says her mother did the accounts by hand.")
    assert _name(att, "did the accounts") == "Liv Marn-Achebe"


_FAMILY = ("Oskar Marn, who is 81, mixes the first rye dough by hand.\n\n"
           "Marn opened the shop with his late wife, Greta. Their daughter, Liv Marn-Achebe, who now runs the "
           "front of the shop, says her mother did the accounts by hand.\n\n"
           "Her brother, Johan Marn, left for the capital at 19. He says his father did not speak to him for a year.\n\n"
           "The 81-year-old dismisses the story. \"We argued. Every family argues,\" he says. According to his "
           "daughter, the silence lasted eleven months.\n\n"
           "Mira Kovac, who has lived opposite for 40 years, says Marn gave bread away free. \"He never said a "
           "word about it. We all knew,\" she says.\n\n"
           "Asked about retirement, Marn has one answer. \"Bread doesn't retire,\" he says.")


def test_a_family_stays_apart():
    _, att = run(_FAMILY)
    assert _name(att, "did not speak to him") == "Johan Marn"  # not the father who shares the surname
    assert _name(att, "Every family argues") == "Oskar Marn"  # "The 81-year-old"
    assert _name(att, "silence lasted") == "Liv Marn-Achebe"  # "his daughter" is the daughter named before
    assert _name(att, "We all knew") == "Mira Kovac"  # the quote's "He" gives her no gender
    assert _name(att, "doesn't retire") == "Oskar Marn"  # "Marn" alone is the one whose name ends so


def test_asides_with_an_auxiliary_and_before_the_source_are_the_reporters():
    _, att = run("Mira Kovac, who has lived opposite for 40 years, says the baker gave bread away free. "
                 "At the district hospital in Orvel, where a tent ward has been set up in the car park, "
                 "Dr. Lina Barros said staff were treating about 30 new patients a day.")
    assert _claim(att, "who has lived opposite").kind == "unsourced"
    assert _claim(att, "tent ward has been set up").kind == "unsourced"
    assert _name(att, "30 new patients") == "Lina Barros"


def test_a_learned_claim_that_is_only_the_verbs_object_is_dropped():
    # the tagger (PolNeAR's wider notion) reads "mixes" and "gave" as cues; their content is a bare object
    _, att = run("Oskar Marn, who is 81, mixes the first rye dough by hand. "
                 "The agency gave a different account of the spill.")
    for words in ("rye dough", "a different account"):
        c = next(c for c in att.claims if words in c.content.text)
        assert c.kind == "unsourced", (words, c.kind)


def test_a_verdict_is_the_courts_act_and_a_finding_that_is_a_claim():
    _, att = run("A jury at Kesteven Crown Court on Friday found Halvard Brune guilty of murdering his business "
                 "partner. The inquiry found that the managers were guilty of gross negligence.")
    assert _claim(att, "guilty of murdering").kind == "unsourced"
    assert _claim(att, "gross negligence").kind != "unsourced"


def test_lede_speaker_with_a_pronoun_is_the_person_named_next():
    _, att = run("A security researcher says she found an unprotected database belonging to the running app "
                 "StrideMap.\n\n"
                 "The researcher, Yara Sandoval, who runs a small security firm, said the database had been open "
                 "for five weeks. \"There was no password,\" Ms. Sandoval said.")
    assert _name(att, "unprotected database") == "Yara Sandoval"


def test_an_unattached_spokesman_speaks_for_the_body_just_quoted():
    _, att = run("The Coast and Mountain Rescue Service said its crews had been called out 63 times. A spokesman "
                 "said two fishermen had been lifted from a trawler by helicopter.")
    assert _name(att, "two fishermen") == "Coast and Mountain Rescue Service"


def test_the_union_is_never_the_employer_it_strikes_against():
    _, att = run("Sorrel Air cancelled 140 flights on Monday. The airline said it had offered a 6 percent rise.\n\n"
                 "The union representing the crew said the offer was worth less than inflation. Marek Holloway, "
                 "who leads the cabin crew section of the Transport and Aviation Workers' Federation, said members "
                 "had not had a rise since 2021.")
    assert _name(att, "less than inflation") != "Sorrel Air"


def test_one_of_a_group_is_the_group():
    _, att = run("Teo Ravello has asked to leave the club, according to three people close to the player. "
                 "One of the people close to the player said Ravello felt the club had broken a promise.")
    assert _name(att, "broken a promise") == "three people close to the player"


def test_the_n_year_old_as_speaker():
    _, att = run("Corvane's chief technology officer, Felix Amadi, said the first email had gone to a support inbox. "
                 "\"We got this wrong, and we're not going to pretend otherwise,\" said the 39-year-old, who "
                 "co-founded the company in 2018.\n\n"
                 "Norrvik's chairman, Bertil Hake, said the offer gave shareholders certainty. The 66-year-old told "
                 "reporters that two other bidders had approached the company.")
    assert _name(att, "pretend otherwise") == "Felix Amadi"
    assert _name(att, "two other bidders") == "Bertil Hake"


def test_bare_police_is_the_named_force():
    _, att = run("Carvossa Police said about 9,000 people had attended the march. The organisers put the crowd "
                 "at 25,000. The march was peaceful, police said.")
    assert _name(att, "march was peaceful") == "Carvossa Police"
