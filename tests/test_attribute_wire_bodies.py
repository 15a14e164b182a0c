"""Bodies, acts and reports in wire copy: invented texts, one per rule (session 7, issue 9). Each
test fails with its rule removed."""
from __future__ import annotations

from service.attribute import attribute
from service.ingest import ingest
from service.segment import segment
from tests.attribute_helpers import claim_with as _claim
from tests.attribute_helpers import claims_with as _claims
from tests.attribute_helpers import grounded, run, source_of
from tests.attribute_helpers import name_of as _name


def test_a_company_noun_before_a_name_makes_it_a_company():
    doc, att = run("Airline operator Kestral Sky cut its forecast on Tuesday. The company said fuel costs had "
                   "risen by a fifth. Kestral said it would hire 200 pilots.")
    src = source_of(att, _claim(att, "fuel costs"))
    assert src.name == "Kestral Sky" and src.type == "organization"
    assert _name(att, "hire 200 pilots") == "Kestral Sky"
    assert grounded(doc, att)


def test_published_results_and_announced_measures_are_acts():
    _, att = run("Tarnwell Foods reported a 12% rise in quarterly profit on Thursday. The group also "
                 "reported revenue of 3 billion crowns. The government announced a one-off payment of "
                 "90 crowns for pensioners. Tarnwell said that demand had held up.")
    for words in ("12% rise", "revenue of 3 billion", "one-off payment"):
        assert all(c.kind == "unsourced" for c in _claims(att, words)), words
    assert _name(att, "demand had held up") == "Tarnwell Foods"


def test_a_forecast_with_a_figure_is_a_claim_though_its_object_is_a_noun_phrase():
    _, att = run("Ostmere Shipping said in a filing that volumes fell. Ostmere now expects full-year "
                 "operating profit of between 200 million and 250 million kronar.")
    c = _claim(att, "operating profit of between")
    assert c.kind != "unsourced" and c.cue.text == "expects"
    assert source_of(att, c).name == "Ostmere Shipping"


def test_an_order_after_a_finding_is_not_part_of_the_finding():
    _, att = run("The Velsk Data Authority fined the app maker 4 million euros. It found that the consent "
                 "screen was misleading and ordered the firm to delete the data within 60 days.")
    found = _claim(att, "consent screen was misleading")
    assert "ordered" not in found.content.text


def test_a_purpose_is_the_goal_of_an_act_not_a_claim():
    _, att = run("Belvar's Foreign Ministry summoned Ostland's ambassador on Monday to demand the release "
                 "of nine fishermen.")
    assert all(c.kind == "unsourced" for c in _claims(att, "release of nine fishermen"))


def test_quoted_as_saying_is_the_quoted_persons_claim():
    _, att = run("Ostland's state news agency, ONA, said the trawler had no licence. ONA quoted Deputy "
                 "Minister Pavel Orn as saying that Ostland \u201cwill not be lectured on its own coast.\u201d")
    c = _claim(att, "lectured")
    assert source_of(att, c).name == "Pavel Orn"
    assert len(_claims(att, "lectured")) == 1  # no second claim of the agency for the quotation


def test_an_acronym_the_article_calls_an_agency_is_the_agency():
    _, att = run("Ostland's state news agency, ONA, said the trawler had no licence. The agency said the "
                 "crew were in good health.")
    src = source_of(att, _claim(att, "good health"))
    assert src.name == "ONA" and src.type == "media"


def test_a_team_with_strikers_is_a_body_and_the_club():
    _, att = run("The league's disciplinary panel on Monday banned Harlow Rangers striker Tomas Vik for "
                 "three matches. Harlow Rangers said in a statement that it would appeal. The club said Vik "
                 "had never been sent off.")
    src = source_of(att, _claim(att, "would appeal"))
    assert src.type == "organization"
    assert _name(att, "never been sent off") == "Harlow Rangers"


def test_a_time_hung_on_the_subject_is_not_part_of_its_name():
    _, att = run("The Premier League's disciplinary panel on Monday banned a striker for three matches. "
                 "The panel said it had reviewed video of the incident from three angles.")
    assert _name(att, "reviewed video") == "The Premier League's disciplinary panel"


def test_a_league_spokesman_is_not_the_club_named_just_before():
    _, att = run("The derby against Milford Town is sold out. A league spokesman said an appeal hearing "
                 "would normally take place within a week.")
    assert _name(att, "appeal hearing") != "Milford Town"


def test_an_embedded_post_header_and_its_counts_are_chrome():
    doc = ingest(text="Harlow Rangers striker Tomas Vik was banned for three matches on Monday.\n\n"
                 "Late on Monday, Vik wrote on Instagram:\n\nTomas Vik (@tvik9) \u00b7 Instagram\n"
                 "\"I have never tried to hurt another player. I messaged him to say sorry.\"\n"
                 "\u2665 12.1K \u00b7 904 comments\n\nThe club said it would appeal.")
    att = attribute(doc, segment(doc))  # through ingest, which removes the page's chrome
    c = _claim(att, "never tried to hurt")
    assert source_of(att, c).name == "Tomas Vik"
    assert not any("@tvik9" in x.content.text or "comments" in x.content.text for x in att.claims)
    assert {r.reason for r in doc.removed} >= {"post_header", "engagement"}


def test_a_raised_passive_names_no_one():
    _, att = run("Mr. Horvath, who sat in the dock in a grey suit, did not react. He is expected to give "
                 "evidence next week.")
    assert all(c.kind == "unsourced" for c in _claims(att, "give evidence"))


def test_a_described_name_in_apposition_is_that_person():
    _, att = run("The prosecution's first witness, forklift driver Marek Lisak, said the stock had been "
                 "moved a week before the fire.")
    assert _name(att, "stock had been moved") == "Marek Lisak"


def test_an_address_is_never_an_antecedent():
    _, att = run("The fire at his warehouse on Quay Lane burned for eleven hours.\n\n"
                 "Opening the case, Harriet Quance told the jury that Mr. Stallard's business owed money "
                 "and that he had raised the insurance. \u201cThis was not bad luck,\u201d she said.")
    assert _name(att, "not bad luck") == "Harriet Quance"


def test_a_second_that_clause_on_the_cue_is_a_second_report():
    _, att = run("The rivers authority said in an update that the barriers had been overtopped, and that "
                 "engineers expected the river to peak overnight.")
    c = _claim(att, "river to peak")
    assert c.content.text.startswith("engineers expected")
    assert source_of(att, c).name != "engineers"


def test_a_speaker_the_parser_hung_on_an_opening_participle():
    _, att = run("Asked about the gap, a directorate spokeswoman, Sanne Holm, said its figure included "
                 "people who left before the order.")
    assert _name(att, "its figure included") == "Sanne Holm"


def test_a_quotation_after_a_colon_is_the_speakers_though_the_cue_found_a_clause():
    _, att = run("Dr. Anika Ros, who led the study, said the results were a warning. She explained how the "
                 "team had reached its figure:\n\n\"We used the same booth for everyone.\n\n\"But the "
                 "pattern was very clear.\"\n\nA separate poll of 1,200 adults found that 41 percent used "
                 "earbuds daily.")
    c = _claim(att, "same booth")
    assert source_of(att, c).name == "Anika Ros" and "pattern was very clear" in c.content.text


def test_transcript_vocative_and_label_swallowing_a_subject():
    _, att = run("Energy Minister Ruth Aldern joined host Teo Brask.\n\n"
                 "HOST: Minister, the consumer council says the average household will pay 640 crowns more. "
                 "Is that enough?\n\nMINISTER ALDERN: It is meant to reach those most at risk.\n\n"
                 "HOST: Your own ministry's forecast, published last week, says prices could rise again.\n\n"
                 "HOST: The grid operator, Velnet, warned on Friday that it may cut supply.")
    assert _name(att, "640 crowns") == "the consumer council"
    f = source_of(att, _claim(att, "prices could rise"))
    assert f.name == "Your own ministry's forecast" and f.type == "document"
    assert _name(att, "may cut supply") == "Velnet"


def test_misparsed_subjects_still_speak():
    _, att = run("Many of his supporters believe the tax is unfair. Ham went on to explain how he believes "
                 "cuts left the agency weaker. \"We will get there,\" she said at a news conference "
                 "announcing that her department was suing the state.")
    assert _name(att, "tax is unfair") == "Many of his supporters"
    assert _name(att, "cuts left the agency") == "Ham"
    assert source_of(att, _claim(att, "suing the state")).name != "unknown source"


def test_gender_known_from_a_title_wins_only_within_its_sentence():
    _, att = run("Mayor Tom Garvey said the rise was the smallest the city could manage.\n\n"
                 "Councillor Rafe Moreno, who led the opposition, said the mayor had padded the budget. He "
                 "argued that the council could have cut 9 million dollars.")
    assert _name(att, "could have cut 9 million") == "Rafe Moreno"


def test_a_name_given_an_age_is_a_person():
    _, att = run("Residents of the seafront said water had come over the wall. Mairead Colum, 58, said she "
                 "had spent the night moving furniture. \"I say we've been here 30 years,\" she said.")
    src = source_of(att, _claim(att, "30 years"))
    assert src.name == "Mairead Colum" and src.type == "person"


def test_a_pronoun_in_the_speakers_own_words_gives_no_gender_and_a_craft_maker_is_a_person():
    _, att = run("Odile Ferrant, a violin maker, died on Sunday. She was 88.\n\n"
                 "Her son, Lucien Ferrant, said the cause was heart failure.\n\n"
                 "Ms. Ferrant offered to build replacements at cost.\n\n"
                 "The restorer Geert Halloran said she had been impossible to argue with, and he believes some "
                 "of her instruments were rushed. \"But they were rushed for a reason,\" he said.\n\n"
                 "Lucien Ferrant said his mother had kept working. \"She said it was her last one,\" he said.")
    assert _name(att, "replacements at cost") == "Odile Ferrant"
    assert _name(att, "instruments were rushed") == "Geert Halloran"
    assert _name(att, "rushed for a reason") == "Geert Halloran"
    assert _name(att, "her last one") == "Lucien Ferrant"


def test_a_company_with_a_chief_executive_is_a_body_and_the_network():
    _, att = run("Kellmoor Health, which runs nine hospitals, has been working on paper since Saturday.\n\n"
                 "The network confirmed on Tuesday that patient data had been accessed.\n\n"
                 "Kellmoor Health's chief executive, Dr. Anselm Ruiz, said the network would not pay.")
    src = source_of(att, _claim(att, "patient data had been accessed"))
    assert src.name == "Kellmoor Health" and src.type == "organization"


def test_a_poll_is_named_by_who_conducted_it_when_the_article_says():
    _, att = run("The mayor and her challenger are tied, according to a new poll.\n\n"
                 "The poll, conducted by Meridian Research for the Tribune, found that 44 percent backed the mayor.")
    assert "Meridian Research" in _name(att, "44 percent backed")


def test_the_head_of_a_title_before_a_name_types_it_and_a_bare_pronoun_is_no_content():
    _, att = run("Council leader Martin Oyelaran said the change would save money. Mr. Oyelaran rejected "
                 "that, telling councillors that fly-tipping had not risen. The draft budget says fees "
                 "will rise by 4 percent.")
    assert source_of(att, _claim(att, "save money")).type == "person"
    assert not any(c.content.text == "that" for c in att.claims)
    assert source_of(att, _claim(att, "fees will rise")).type == "document"


def test_a_role_word_before_a_name_is_what_a_later_description_points_back_to():
    _, att = run("Okonjo took 14,208 votes, with independent candidate Sam Pellow third on 6,115.\n\n"
                 "The independent, a 29-year-old paramedic, said the campaign had been worth it.")
    assert _name(att, "worth it") == "Sam Pellow"


def test_a_company_is_not_the_union_whose_name_begins_with_it():
    _, att = run("Quillwave said it would cut 400 jobs. The Quillwave Workers Alliance said the cuts were "
                 "unlawful. Quillwave said the plan had been agreed by its board.")
    assert _name(att, "cuts were unlawful") == "Quillwave Workers Alliance"
    assert _name(att, "agreed by its board") == "Quillwave"


def test_a_lone_surname_is_the_person_before_a_place_that_starts_with_it():
    _, att = run("Adaeze Okonjo won the Marsh End by-election. Verity Marsh, the National Party candidate, said "
                 "she had expected to win.\n\n"
                 "Marsh, whose surname voters joked about, did not concede. She said her party would look "
                 "at the rejected ballots.\n\nOkonjo thanked volunteers and said the result was a verdict on "
                 "the government.")
    assert _name(att, "rejected ballots") == "Verity Marsh"
    assert _name(att, "verdict on the government") == "Adaeze Okonjo"


def test_spokespeople_named_on_the_body_and_speaking_for_a_minister():
    _, att = run("The pipeline was approved by Energy Minister Clara Wendt.\n\n"
                 "A spokesman for the minister, Leo Brandt, said Ms. Wendt had never discussed it.\n\n"
                 "Housing Minister Piet Aas announced a review. A spokeswoman for the minister said the review "
                 "would take a year.")
    assert _name(att, "never discussed it") == "Leo Brandt"
    assert _name(att, "take a year") == "Piet Aas"


def test_one_and_another_of_a_counted_group():
    _, att = run("Two officials at the ministry said the adviser had been warned. One said the warning came "
                 "in May.\n\nPeople familiar with the matter said the bid was 2 billion crowns. One of the people "
                 "said talks could end this week.")
    assert _name(att, "warning came in May") == "Two officials at the ministry"
    assert _name(att, "talks could end") == "People familiar with the matter"


def test_a_family_shares_a_surname_and_a_profile_uses_first_names():
    _, att = run("Mairi Brannock has climbed the 94 steps of the Kessock Point lighthouse every evening for 51 "
                 "years. Her son, Callum Brannock, said she would never stop.\n\n"
                 "His daughter, Shona Brannock, said the tower was her second home. Shona says she will come back "
                 "every summer.")
    src = source_of(att, _claim(att, "come back every summer"))
    assert src.name == "Shona Brannock" and src.type == "person"
    assert source_of(att, _claim(att, "never stop")).name == "Callum Brannock"


def test_a_cue_verbs_object_is_never_its_speaker():
    _, att = run("BRELLIN — After a meeting that ran past 3 a.m., the Brellin City Council voted 7-4 on Wednesday "
                 "to approve a 612 million dollar budget that raises property taxes by 4 percent and adds 60 "
                 "police officers.\n\nMayor Tom Garvey said the tax rise was the smallest the city could manage.")
    assert not any(c.source_mention is not None and "police officers" in c.source_mention.text for c in att.claims)
