"""The learned attribution tagger: shipped weights verified by hash, tag decoding, and what the
combined engine adds over the rules on invented sentences (real spaCy parses, real CRF weights)."""
import hashlib
import shutil

import pytest

from service.attribute import attribute
from service.attribute.learned import combine
from service.attribute.model import RawClaim
from service.attribute.tagger import MODEL_PATH, SHA_PATH, Tagger, TaggerLoadError, spans
from service.ingest import ingest
from service.segment import segment
from tests.attribute_helpers import attributed, source_of


def test_shipped_weights_match_their_recorded_sha256():
    want = SHA_PATH.read_text().split()[0]
    assert hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest() == want
    assert MODEL_PATH.stat().st_size < 50 * 1024 * 1024


def test_tampered_weights_are_refused(tmp_path):
    bad = tmp_path / "tagger.crfsuite"
    shutil.copy(MODEL_PATH, bad)
    with open(bad, "ab") as fh:
        fh.write(b"\0")
    sha = tmp_path / "tagger.crfsuite.sha256"
    sha.write_text(SHA_PATH.read_text())
    with pytest.raises(TaggerLoadError, match="refusing to load"):
        Tagger(bad, sha)
    with pytest.raises(TaggerLoadError, match="missing"):
        Tagger(tmp_path / "nope.crfsuite", sha)


def test_spans_decode_bio():
    tags = ["B-SRC", "I-SRC", "B-CUE", "B-CON", "I-CON", "O", "I-CON", "B-CON"]
    got = [(s.role, s.start, s.end, s.cont) for s in spans(tags, [1.0] * len(tags))]
    assert got == [("SRC", 0, 2, False), ("CUE", 2, 3, False), ("CON", 3, 5, False),
                   ("CON", 6, 7, False), ("CON", 7, 8, False)]
    # a sentence opening inside content continues the previous sentence's content
    assert spans(["I-CON", "I-CON", "O"], [0.9, 0.7, 1.0])[0].cont is True
    assert spans(["I-CON", "I-CON", "O"], [0.9, 0.7, 1.0])[0].prob == pytest.approx(0.8)


def test_combine_keeps_rules_and_adds_only_what_they_missed():
    rule = RawClaim("indirect", (10, 40), (5, 9), None, 0, "ccomp")
    overlapping = RawClaim("indirect", (30, 60), (0, 4), None, 0, "tagger")
    cue_inside = RawClaim("indirect", (70, 90), (12, 16), None, 0, "tagger")
    new = RawClaim("indirect", (100, 140), (95, 99), None, 1, "tagger")
    assert combine([rule], [overlapping, cue_inside, new]) == [rule, new]


def _claims(text, mode):
    doc = ingest(text=text)
    att = attribute(doc, segment(doc), mode=mode)
    return att, [(source_of(att, c).name, c.content.text, c.cue.text if c.cue else None) for c in attributed(att)]


def test_combined_engine_is_grounded_and_keeps_rule_claims():
    text = ("The mayor said that the bridge would reopen in May. Opposition leaders want the council to "
            "publish the inspection report before any vote. A survey by the Civic Institute shows most "
            "residents oppose the toll.")
    doc = ingest(text=text)
    rules = attribute(doc, segment(doc), mode="rules")
    comb = attribute(doc, segment(doc), mode="combined")
    rule_contents = {c.content.text for c in attributed(rules)}
    comb_contents = {c.content.text for c in attributed(comb)}
    assert rule_contents <= comb_contents
    for c in comb.claims:
        for sp in (c.content, c.cue, c.source_mention):
            if sp is not None:
                assert text[sp.start:sp.end] == sp.text
    # learned claims sit below every rule claim with a resolved source (the summary reads them so)
    assert all(c.confidence <= 0.6 for c in attributed(comb) if c.content.text not in rule_contents)


def test_a_learned_source_is_never_a_date_nor_inside_its_own_content():
    from service.attribute import rule_stage
    from service.attribute.learned import _plausible_source
    from service.attribute.model import Mention
    from service.ingest import Document
    from service.segment import segment

    text = "A report by the institute last year found rising costs. The toll, of 4 euros for cars, was meant to raise money."
    doc = Document(text=text)
    st = rule_stage(doc, segment(doc))
    last_year = text.index("last year")
    date = Mention(last_year, last_year + 9, "last year", 0, "generic", "year")
    assert not _plausible_source(st, 0, date, (0, 10))
    toll = text.index("The toll")
    own = Mention(toll, toll + 8, "The toll", 1, "generic", "toll")
    assert not _plausible_source(st, 1, own, (toll, toll + 30))
    report = Mention(0, 8, "A report", 0, "generic", "report")
    assert _plausible_source(st, 0, report, (40, 55))
