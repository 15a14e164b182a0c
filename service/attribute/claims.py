"""Attributions inside one parsed sentence: cue -> content -> source mention.

Each cue verb of the sentence (speech: lexicons/cue_verbs.en.txt; belief, intention, stance:
lexicons/stance_verbs.en.txt and cue_preps.en.txt) is read by the rules of its table, in order:
the first rule that answers (a list of claims, possibly empty) ends the search; a speech verb no
rule answers for is a dangling cue ("..., he added."), which the layout and continuation steps
may still give content. Then the sentence-level rules run, each over the whole sentence. Every
table row is (rule, confidence): the confidence the rule's claims get (a mapping when a rule
grades its claims by the verb's class). Speech is surer (0.9) than a held view (0.6-0.75),
since news readers less often take a belief or stance for a claim. The rules are in rules/.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from ..deadline import check
from .cues import is_cue_verb, is_stance_verb, verdict
from .model import Mention, RawClaim
from .rules import according, comment, estimates, quotations, speech, stance, stance_words
from .rules.context import Sentence, Verb
from .sources import aged, stranded_subject, subject_of

SPEECH_RULES = (
    (speech.clause_complement, 0.9),  # "he told reporters that X"
    (speech.parenthetical, 0.85),  # "The sappers, he said, will work ..."
    (stance.called_object, stance.STANCE),  # "called X “a disaster”"
    (quotations.quote_in_complement, 0.85),  # "tweeted that X was “disgusting”" (mixed)
    (quotations.quotes_outside_cue, quotations.QUOTE),  # “A,” she said, “B.”
    (speech.refusal, None),  # "declined to comment": no claim
    (speech.reported_object, 0.7),  # "denied the allegations"
    (speech.clause_before_source, 0.75),  # "X has cut the flow ..., the minister said"
    (speech.clause_after_verb, 0.7),  # "X said many of the examples ... failed to note"
    (stance.record_shows, stance.STANCE),  # "A new poll shows a close race"
    (stance.speech_stance, stance.STANCE),  # "urged X to Y", "called for Y"
)
STANCE_RULES = (
    (stance.held_view, stance.STANCE),  # "X wants to Y", "X endorsed Y", "Y was endorsed by X"
)
SENTENCE_RULES = (
    (speech.mistagged_claims, 0.7),  # "Clinton maintains that ..." parsed as a noun phrase
    (according.according_claims, 0.9),  # "According to X, Y"
    (according.frame_claims, 0.75),  # "In a video distributed by X, Y"
    (comment.as_claims, comment.AS_CLAUSE),  # "as X put it"
    (stance_words.adjective_claims, 0.6),  # "X is confident that Y"
    (stance_words.noun_claims, 0.6),  # "X's claim that Y"
    (estimates.put_at_claims, 0.75),  # "the authority puts the figure at under 200"
)
# Parts of speech a source (subject) can have.
_SOURCE_POS = ("NOUN", "PROPN", "PRON", "NUM", "X")


def sentence_claims(sd, si: int, base: int, sent_end: int, text: str, regions: list[tuple[int, int]]):
    """Claims of one sentence, plus cues that found no content here ("..., he added.")."""
    claims: list[RawClaim] = []
    dangling: list[tuple[tuple[int, int], Mention | None]] = []
    check()  # the request's CPU budget / client still there (service.deadline)
    s = Sentence(sd, si, base, text, _local_regions(regions, base, sent_end))
    for v in sd:
        verb = _cue_verb(s, v)
        if verb is None:
            continue
        for rule, confidence in SPEECH_RULES if verb.speech else STANCE_RULES:
            found = rule(verb, confidence)
            if found is not None:
                claims.extend(found)
                break
        else:
            if verb.speech:
                dangling.append((verb.cue, verb.mention))
    for rule, confidence in SENTENCE_RULES:
        claims.extend(rule(s, claims, confidence))
    return claims, dangling


def _mistagged_subject(subj) -> bool:
    """A subject the tagger gave a wrong part of speech: "Many of his supporters believe" (ADJ),
    "Ham went on to explain" (INTJ): a quantity with its group, or a capitalised name."""
    if subj.dep_ != "nsubj":
        return False
    if any(c.dep_ == "prep" and c.lower_ == "of" and any(g.dep_ == "pobj" for g in c.children) for c in subj.children):
        return subj.lower_ in _GROUP_QUANTITIES
    return subj.pos_ in ("INTJ", "ADJ") and subj.is_title and subj.lower_ not in _GROUP_QUANTITIES


_GROUP_QUANTITIES = {"many", "most", "some", "several", "few", "both", "all", "half", "each"}


def _cue_verb(s: Sentence, v) -> Verb | None:
    """Token v as a cue verb of its sentence, or None: not a cue verb, inside a quotation, with a
    speaker inside someone else's quotation, a comment clause ("as X put it": comment.as_claims),
    or the goal of a refusal ("declined to say whether ...")."""
    speech_cue = is_cue_verb(v)
    record_cue = not speech_cue and v.pos_ == "VERB" and v.lemma_.lower() in stance.RECORD_VERBS
    if not (speech_cue or record_cue or is_stance_verb(v)) or s.quoted(v):
        return None
    subj = subject_of(v)
    if subj is None:
        subj = stranded_subject(v)
    if record_cue:
        if subj is None or not stance.is_record(subj):
            return None  # "lists", "cites" report only when a record does it: "The filing lists ..."
        speech_cue = True  # read by the speech table, whose record rule (stance.record_shows) takes it
    if subj is not None and s.quoted(subj):
        return None  # a speaker inside someone else's quotation
    if subj is not None and subj.pos_ not in _SOURCE_POS and not aged(subj) and not _mistagged_subject(subj):
        subj = None  # ("said the 39-year-old": the adjective heads a person)
    if comment.as_clause(v):
        return None
    if v.lemma_.lower() == "quote" and any(c.dep_ == "prep" and c.lower_ == "as" for c in v.children):
        return None  # "OSNA quoted Aleksei Dorn as saying ...": Dorn's claim, read from "saying"
    if verdict(v):
        return None  # "A jury found Halvard Brune guilty of murder": the court's act, the reporter's fact
    if speech_cue and v.dep_ == "xcomp" and v.head.lemma_.lower() in ("decline", "refuse"):
        return None  # "declined to say whether ...": a refusal states no claim (as "declined to comment")
    return Verb(s, v, subj, speech_cue)


_REGION_INDEX: tuple = (None, None, None)  # (regions list, starts, ends) of the article being read


def _local_regions(regions: list[tuple[int, int]], base: int, sent_end: int) -> list[tuple[int, int]]:
    """The quotations overlapping [base, sent_end), in order; by bisection when they are disjoint and
    in text order (segment makes them so), so a sentence does not scan the article's quotations."""
    global _REGION_INDEX
    held, starts, ends = _REGION_INDEX
    if held is not regions:
        ordered = all(a[1] <= b[0] for a, b in zip(regions, regions[1:], strict=False))
        starts, ends = ([q[0] for q in regions], [q[1] for q in regions]) if ordered else (None, None)
        _REGION_INDEX = (regions, starts, ends)
    if starts is None:
        return [(qs, qe) for qs, qe in regions if qs < sent_end and qe > base]
    return list(regions[bisect_right(ends, base) : bisect_left(starts, sent_end)])


def _mistagged_claims(sd, si, base, text, local, found):
    """speech.mistagged_claims with the sentence given piecewise (tests/test_attribute_stance.py calls it so)."""
    return speech.mistagged_claims(Sentence(sd, si, base, text, local), found, dict(SENTENCE_RULES)[speech.mistagged_claims])
