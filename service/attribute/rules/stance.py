"""Beliefs, intentions and stances (PolNeAR and PARC attribute them as well as speech):
"X wants to Y", "X endorsed Y", "X called Y a Z", "X called for Y", "Y was endorsed by X", and
records that show or find ("A new poll shows Y"). They are less often read as claims than
speech, so their confidence is lower (by the verb's class in lexicons/stance_verbs.en.txt).
"""
from __future__ import annotations

from ..cues import NEEDS_CLAUSE, agentive, bare_pronoun, cue_prep, cue_span, decision_act, document_nouns, stance_class
from ..lexicon import words
from .context import Sentence, Verb

# confidence by the stance verb's class; "passive": a stance read off "Y was endorsed by X"
STANCE = {"belief": 0.65, "intention": 0.65, "stance": 0.6, "passive": 0.6}

# Dependents of a stance verb that make up what is believed, intended or judged.
_ARG_DEPS = ("dobj", "dative", "oprd", "xcomp", "ccomp", "attr", "acomp", "pcomp")
# Prepositions that continue an object ("accused X of Y", "blamed X for Y", "described X as Y").
_ARG_PREPS = ("as", "of", "for", "to", "with")

_EVIDENCE_VERBS = words("evidence_verbs")  # "a poll shows", "the report found"
_RECORDS = words("record_nouns")  # "the video shows ...", besides document nouns
# Verbs that report only when a record is their subject ("The filing lists 212 million marks in
# loans", "the lawsuit cites three incidents"); "He lists his hobbies" is no claim
RECORD_VERBS = frozenset({"list", "cite", "itemize", "itemise", "enumerate"})


def held_view(verb: Verb, confidence: dict):
    """A belief, intention or stance verb (not a speech cue) states its subject's view."""
    if verb.subj is None or not own_stance(verb.v, verb.subj):
        return None
    found = stance_claim(verb.v, verb.subj, verb.s, confidence)
    return None if found is None else [found]


def called_object(verb: Verb, confidence: dict):
    """A speech verb that is also a stance verb with an object ("called X “a disaster”"): the
    object and its predicate, not only the quoted words."""
    v, subj = verb.v, verb.subj
    if not stance_class(verb.lemma) or subj is None or not own_stance(v, subj) \
            or not any(c.dep_ == "dobj" and c.i > v.i for c in v.children):
        return None
    found = stance_claim(v, subj, verb.s, confidence)
    if found is None:
        return None
    verb.s.take_quotes(found.content)
    return [found]


def record_shows(verb: Verb, confidence: dict):
    """"A new poll shows a close race", "the video shows him with his hands raised"."""
    subj = verb.subj
    if subj is None or verb.lemma not in _EVIDENCE_VERBS | RECORD_VERBS or not is_record(subj):
        return None
    found = stance_claim(verb.v, subj, verb.s, confidence, check_clause=False)
    return None if found is None else [found]


def speech_stance(verb: Verb, confidence: dict):
    """A speech verb no speech rule read that is a stance verb or takes a cue preposition
    ("urged", "called for"): read it as a stance."""
    v, subj = verb.v, verb.subj
    if subj is None or not own_stance(v, subj) or not (stance_class(verb.lemma) or cue_prep(v) is not None):
        return None
    found = stance_claim(v, subj, verb.s, confidence)
    return None if found is None else [found]


def own_stance(v, subj) -> bool:
    """A belief, intention or stance is attributed only to someone who can hold it, and only when
    it is the clause's own statement: not the goal of another verb ("refused to dismiss", "declined
    to comment on"), a background relative clause ("X, who has urged ..., said") or a passive
    participle ("Asked about X, she said ...")."""
    if not agentive(subj):
        return False
    if v.dep_ in ("xcomp", "relcl", "acl", "csubj", "pcomp") or (v.tag_ == "VBN" and v.dep_ == "advcl"):
        return False
    if v.dep_ == "advcl" and v.head.lemma_.lower() in ("decline", "refuse"):
        return False
    if v.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children):
        return False  # a purpose: "spoke on condition of anonymity to discuss X"
    return True


def is_record(subj) -> bool:
    """A poll, report, video or other record that can show or find something."""
    return subj.pos_ == "NOUN" and (subj.lemma_.lower() in document_nouns() or subj.lemma_.lower() in _RECORDS)


def stance_claim(v, subj, s: Sentence, confidence: dict, check_clause=True):
    """'X believes Y', 'X wants to Y', 'X endorsed Y', 'X called Y a Z', 'X called for Y'.

    The content is the verb's complement: its clause, its to-infinitive, or its object with any
    predicate ("called the plan a disaster") or object preposition ("accused X of Y"); trailing
    adjuncts of the verb (time, place, reason clauses) are not part of it. A verb+preposition cue
    ("called for", "pointed to") takes the preposition into the cue and its object as content."""
    sd, base = s.sd, s.base
    lemma = v.lemma_.lower()
    if decision_act(v):
        return None
    cue, prep, args = _stance_cue_and_args(v, base)
    if not args:
        return _passive_claim(v, s, confidence["passive"])
    if all(a.ent_type_ in ("DATE", "TIME") for a in args):
        return None  # "voted on Monday": a time, not what was voted on
    if len(args) == 1 and bare_pronoun(args[0]):
        return None  # "rejected that": nothing a reader can check
    if check_clause and prep is None and lemma in NEEDS_CLAUSE and not _arg_kinds(args, s) & {"ccomp", "xcomp", "oprd", "as"}:
        return None
    lo = min(a.left_edge.i for a in args)
    hi = max(a.right_edge.i for a in args)
    content = s.span_of(t for t in sd[lo : hi + 1] if base + t.idx >= cue[1])
    if content is None:
        return None
    return s.claim(content, cue, s.mention(subj), "stance", confidence.get(stance_class(lemma) or "stance", confidence["stance"]))


def _stance_cue_and_args(v, base: int):
    """The cue span (with a cue preposition: "called for"), the preposition, and the dependents
    that make up what is held, in order, up to the first adjunct."""
    cue = cue_span(v, base)
    prep = cue_prep(v)
    args = []
    if prep is not None:
        cue = (cue[0], max(cue[1], base + prep.idx + len(prep.text)))
        args = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
    kids = sorted((c for c in v.children if c.i > v.i and (prep is None or c.i > prep.i)), key=lambda c: c.i)
    for c in kids:
        if c.dep_ in _ARG_DEPS:
            args.append(c)
        elif c.dep_ == "prep" and c.lower_ in _ARG_PREPS and (args or c.lower_ == "as"):
            args.append(c)
        elif c.dep_ in ("prt", "neg") or (c.dep_ in ("advmod", "npadvmod") and not args):
            continue
        elif c.dep_ == "conj" and c.tag_ == "VB" and any(a.dep_ == "xcomp" for a in args) \
                and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children):
            # "wants to triple the program, grow the corps and create a reserve": the parser hangs the
            # bare verbs on "wants", but they continue the infinitive
            args.append(c)
        else:
            break
    return cue, prep, args


def _arg_kinds(args, s: Sentence) -> set[str]:
    """The dependency kinds of the arguments, with "as" for "X as Y" and "oprd" for an object with
    a predicate ("called climate change a hoax": the parser hangs the predicate on the object)."""
    deps = {a.dep_ for a in args} | {"as" for a in args if a.dep_ == "prep" and a.lower_ == "as"}
    if any(g.dep_ in ("oprd", "dobj", "appos", "npadvmod") for a in args if a.dep_ == "dobj" for g in a.children) \
            or any(a.dep_ == "dobj" and s.quoted(s.sd[a.right_edge.i]) for a in args):
        deps.add("oprd")
    return deps


def _passive_claim(v, s: Sentence, confidence: float):
    """'The nominee has been endorsed by dozens of papers': the agent holds a stance on the subject."""
    sd, base = s.sd, s.base
    agent = next((c for c in v.children if c.dep_ == "agent" and c.i > v.i), None)
    patient = next((c for c in v.children if c.dep_ == "nsubjpass" and c.i < v.i), None)
    src = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None
    if src is None or patient is None or not agentive(src) or s.quoted(src):
        return None
    lo = min([v.i] + [c.i for c in v.children if c.dep_ in ("aux", "auxpass", "neg") and patient.i < c.i < v.i])
    cue = (base + sd[lo].idx, base + agent.idx + len(agent.text))
    content = s.span_of(sd[patient.left_edge.i : patient.right_edge.i + 1])
    if content is None:
        return None
    return s.claim(content, cue, s.mention(src), "passive", confidence)
