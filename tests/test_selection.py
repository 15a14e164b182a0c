"""Selection (summarize.v3): length, importance, disputes, reader names; the verifier's source-name,
laundering and faithfulness checks. Synthetic attributions, so the tests do not move with the engine."""
from __future__ import annotations

from service.attribute import Attribution
from service.backends.fake import FakeBackend
from service.ingest import ingest
from service.repair import repair
from service.schema import Claim, Source, Span, SummarizeOptions
from service.selection import name_problem, reader_name, repaired_name, select_units, target_length
from service.summarize import DraftSentence, extractive_unit, summarize
from service.verify import Verifier, verify
from tests.test_summarize import TEXT, make_attribution

ARTICLE = (
    "Vollmer defends cuts as unions plan strike\n\n"
    "BRANDEL — The government will not reverse a planned 6 percent cut to regional grants, "
    "Finance Minister Irena Vollmer said on Monday.\n\n"
    "The Federation of Public Employees said as many as 40,000 workers could strike next month. "
    "Dana Whitcombe, the federation's president, said the cut would close 12 clinics.\n"
)


def sp(needle: str, text: str = ARTICLE, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Span.of(text, start, start + len(needle))


def dateline_attribution(city_as_source: bool = True) -> Attribution:
    """What a buggy engine returns for the lede: the dateline city as the source."""
    minister = Source(id="s1", name="BRANDEL" if city_as_source else "Irena Vollmer", type="government",
                      mentions=[sp("BRANDEL"), sp("Finance Minister Irena Vollmer")])
    federation = Source(id="s2", name="Federation of Public Employees", type="organization",
                        mentions=[sp("The Federation of Public Employees")])
    whitcombe = Source(id="s3", name="Dana Whitcombe", type="person", description="the federation's president",
                       mentions=[sp("Dana Whitcombe")])
    claims = [
        Claim(id="c1", kind="indirect", content=sp("BRANDEL — The government will not reverse a planned 6 percent cut to regional grants"),
              cue=sp("said"), source_mention=sp("BRANDEL"), source_id="s1", confidence=0.9),
        Claim(id="c2", kind="indirect", content=sp("as many as 40,000 workers could strike next month"),
              cue=sp("said", nth=1), source_mention=sp("The Federation of Public Employees"), source_id="s2", confidence=0.9),
        Claim(id="c3", kind="indirect", content=sp("the cut would close 12 clinics"), cue=sp("said", nth=2),
              source_mention=sp("Dana Whitcombe"), source_id="s3", confidence=0.9),
    ]
    return Attribution(claims=claims, sources=[minister, federation, whitcombe], warnings=[])


def test_length_follows_the_article_and_max_sentences_caps_it():
    words = lambda n: ingest(text=" ".join(["word"] * n) + ".")  # noqa: E731
    assert target_length(words(200), SummarizeOptions()) == 3
    assert target_length(words(620), SummarizeOptions()) == 4
    assert target_length(words(2000), SummarizeOptions()) == 6
    assert target_length(words(2000), SummarizeOptions(max_sentences=2)) == 2


def test_place_date_dateline_and_reporter_are_not_source_names():
    doc = ingest(text=ARTICLE)
    att = dateline_attribution()
    city = att.sources[0]
    assert "dateline" in name_problem(city, doc) or "place" in name_problem(city, doc)
    assert name_problem(city.model_copy(update={"name": "Monday"}), doc)
    assert name_problem(Source(id="r", name="the reporter", type="reporter"), doc)
    assert name_problem(att.sources[1], doc) is None
    # repaired from the claim's mentions, and named as a reader would be told it
    assert repaired_name(att.claims[0], city, doc) == "Finance Minister Irena Vollmer"
    assert reader_name(att.claims[0], city, doc) == "Finance Minister Irena Vollmer"


def test_reader_name_adds_the_short_role():
    doc = ingest(text=ARTICLE)
    att = dateline_attribution(city_as_source=False)
    assert reader_name(att.claims[0], att.sources[0], doc) == "Finance Minister Irena Vollmer"
    assert reader_name(att.claims[2], att.sources[2], doc) == "Dana Whitcombe, the federation's president,"


def test_verifier_rejects_a_place_as_source_and_repairs_from_mentions():
    doc = ingest(text=ARTICLE)
    att = dateline_attribution()
    v = Verifier(doc, att)
    bad = v.check(DraftSentence("BRANDEL said the government will not reverse a planned 6 percent cut to regional grants.", ["c1"]))
    assert not bad.ok and any("source" in p for p in bad.problems)
    good = v.check(DraftSentence("Finance Minister Irena Vollmer said the government will not reverse a planned 6 percent cut "
                                 "to regional grants.", ["c1"]))
    assert good.ok, good.problems
    # the whole path: the fake model writes what the forced prefix starts, the prefix has the repaired name
    draft = summarize(doc, att, SummarizeOptions(), FakeBackend(), max_new_tokens=64, prompt_version="summarize.v3")
    summary = repair(verify(draft, doc, att), doc, att, SummarizeOptions())
    lede = next(s for s in summary.sentences if "c1" in s.claim_ids)
    assert lede.text.startswith("Finance Minister Irena Vollmer said the government will not reverse")
    assert "BRANDEL" not in " ".join(s.text for s in summary.sentences)


def test_no_laundering_whichever_claim_is_cited():
    doc = ingest(text=ARTICLE)
    v = Verifier(doc, dateline_attribution(city_as_source=False))
    # cites c3 (Whitcombe) but carries c2's 40,000 workers: the federation must be named too
    r = v.check(DraftSentence("Dana Whitcombe said the cut would close 12 clinics and 40,000 workers could strike.", ["c3"]))
    assert not r.ok and any("c2" in p for p in r.problems)


def test_negations_hedges_qualifiers_and_units_survive():
    doc = ingest(text=ARTICLE)
    v = Verifier(doc, dateline_attribution(city_as_source=False))
    ok = v.check(DraftSentence("The Federation of Public Employees said as many as 40,000 workers could strike next month.", ["c2"]))
    assert ok.ok, ok.problems
    hedge = v.check(DraftSentence("The Federation of Public Employees said 40,000 workers will strike next month.", ["c2"]))
    assert not hedge.ok and any("qualifier" in p for p in hedge.problems) and any("hedge" in p for p in hedge.problems)
    neg = v.check(DraftSentence("Irena Vollmer said the government will reverse a planned 6 percent cut to regional grants.", ["c1"]))
    assert not neg.ok and any("negation" in p for p in neg.problems)
    unit = v.check(DraftSentence("Irena Vollmer said the government will not reverse a planned 6 cut to regional grants.", ["c1"]))
    assert not unit.ok and any("unit" in p for p in unit.problems)


def test_disputed_numbers_share_one_sentence_that_names_both_sources():
    att = make_attribution()
    doc = ingest(text=TEXT)
    units = select_units(doc, att, 2)
    pair = next(u for u in units if {c.id for c in u.claims} == {"c1", "c2"})
    assert pair.kind == "dispute"
    sources = {s.id: s for s in att.sources}
    text = extractive_unit(pair.claims, sources, {})
    assert text.startswith("Police said 40 people") and ", while Organisers said more than 200" in text
    assert Verifier(doc, att).check(DraftSentence(text, ["c1", "c2"])).ok


def test_headline_restatement_is_not_selected_twice():
    att = make_attribution()
    doc = ingest(text=TEXT)
    units = select_units(doc, att, 4)
    ids = [c.id for u in units for c in u.claims]
    assert len(ids) == len(set(ids))


def test_v3_pair_prompt_names_both_sources_and_the_form():
    att = make_attribution()
    doc = ingest(text=TEXT)
    backend = FakeBackend()
    summarize(doc, att, SummarizeOptions(max_sentences=2), backend, max_new_tokens=64, prompt_version="summarize.v3")
    users = [m[-1]["content"] for m in backend.calls]
    pair = next(u for u in users if "Second claim:" in u)
    assert "Source of the second claim: Organisers" in pair
    assert 'in the form "Police said <first claim>, while Organisers said <second claim>."' in pair
    # claim text stays in the user message, never in the system message
    assert all("arrested" not in m[0]["content"] for m in backend.calls)


def test_a_joined_sentence_never_reads_as_a_third_sources_claim():
    from service.selection import reads_as_another

    text = ("The ministry said the four diplomats must leave. The agency reported Estrel would expel an equal number "
            "of Morvanian diplomats, citing the foreign ministry. An analyst said Morvania had expelled only two "
            "foreign diplomats in the previous decade.")
    ministry, agency, analyst = (Source(id=f"s{i}", name=n, type="organization", mentions=[sp(n, text)])
                                 for i, n in enumerate(["The ministry", "The agency", "An analyst"], 1))
    def claim(cid, needle, src):
        return Claim(id=cid, kind="indirect", content=sp(needle, text), cue=None, source_id=src.id, confidence=0.9)
    c1 = claim("c1", "the four diplomats must leave", ministry)
    c2 = claim("c2", "Estrel would expel an equal number of Morvanian diplomats, citing the foreign ministry", agency)
    c3 = claim("c3", "Morvania had expelled only two foreign diplomats in the previous decade", analyst)
    assert reads_as_another([c1, c2], [c1, c2, c3]) is c3  # "expel", "Morvania", "foreign", "diplomats"
    assert reads_as_another([c1], [c1, c2, c3]) is None


def test_a_forecast_year_is_a_number_fact():
    from service.selection import score_claims

    text = "Budget row\n\nThe fund said it can pay full benefits until at least 2058. The fund said it was founded in 1987."
    fund = Source(id="s1", name="The fund", type="organization", mentions=[sp("The fund", text)])
    claims = [Claim(id=f"c{i}", kind="indirect", content=sp(n, text), cue=None, source_id="s1", confidence=0.9)
              for i, n in enumerate(["it can pay full benefits until at least 2058", "it was founded in 1987"], 1)]
    scored = {s.claim.id: s for s in score_claims(ingest(text=text), Attribution(claims=claims, sources=[fund], warnings=[]))}
    assert "numbers" in scored["c1"].why and "numbers" not in scored["c2"].why


def test_explain_classifies_each_missed_must_attribute_item(tmp_path):
    import json

    from eval.baselines import explain

    claims = [{"id": "c1", "content": {"text": "15,000 more workers could follow"}}]
    summary = [{"text": "Shoigu said 5,000 workers will go.", "claim_ids": []}]
    row = {"article": "nk-workers-russia", "response": {"summary": summary, "claims": claims, "warnings": []}}
    (tmp_path / "responses.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert explain(tmp_path) == {"tuned": {"ok": 1, "not selected": 1}}
    summary[0]["text"] = "5,000 workers will go."
    claims[0]["content"]["text"] = "other words"
    (tmp_path / "responses.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    assert explain(tmp_path) == {"tuned": {"source dropped": 1, "engine": 1}}


def test_a_note_about_the_article_is_never_summary_material():
    from service.selection import score_claims

    text = ("Editor's note: This story has been updated to include comment from the union.\n\n"
            "The port will close two terminals next year, cutting 400 jobs.")
    note = text.index("This story")
    news = text.index("The port")
    att = Attribution(claims=[
        Claim(id="c1", kind="unsourced", content=Span.of(text, note, text.index(".", note)), source_id="s1", confidence=0.8),
        Claim(id="c2", kind="unsourced", content=Span.of(text, news, len(text) - 1), source_id="s1", confidence=0.8),
    ], sources=[Source(id="s1", name="the reporter", type="reporter")], warnings=[])
    assert [s.claim.id for s in score_claims(ingest(text=text), att)] == ["c2"]


def test_explain_loads_only_the_fixtures_the_run_scored(tmp_path, monkeypatch):
    import json

    from eval import baselines

    asked = []
    monkeypatch.setattr(baselines, "load_fixtures", lambda only=None: asked.append(only) or [])
    rows = [{"article": "nk-workers-russia", "response": {}}, {"article": "m-held-out", "response": {}}]
    (tmp_path / "responses.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    baselines.explain(tmp_path, ("m-",))
    assert asked == [["nk-workers-russia"]]  # a fixture folder's other files (a held-out set) are never opened
