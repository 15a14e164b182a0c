"""Cues: the reporting verb or phrase of an attribution, found on the dependency parse.

A cue is a verb whose lemma is in lexicons/cue_verbs.en.txt, widened to the minimal reporting
phrase it heads: negation/auxiliary do ("did not mention"), an audience object ("told reporters"),
a medium right after it ("said in a statement") or an anonymity phrase ("said on condition of
anonymity"). Prepositional cues ("according to X") are found separately because their source
is the object, not a subject.
"""
from __future__ import annotations

from functools import cache

from .lexicon import pairs, rows, table, words

# Cue verbs whose content may be a plain object rather than a clause ("denied the report").
OBJECT_CUES = words("object_cues")
# Verbs in the lexicon that are only cues with a clause complement (too common otherwise).
CLAUSE_ONLY = words("clause_only_cues")


def cue_verbs() -> frozenset[str]:
    return words("cue_verbs")


@cache
def _objects(kind: str) -> frozenset[str]:
    return frozenset(w for k, w in pairs("cue_objects") if k == kind)


def is_cue_verb(t) -> bool:
    if t.pos_ not in ("VERB", "AUX") or t.lemma_.lower() not in cue_verbs():
        return False
    if t.dep_ in ("amod", "compound"):
        return False
    return True


def cue_span(v, base: int) -> tuple[int, int]:
    """Char span of the minimal reporting phrase headed by cue verb v: the verb widened over the
    words right after it that belong to the phrase (`_phrase_end`), one at a time."""
    doc = v.doc
    lo, hi = _negated_start(v), v.i
    if v.lemma_ in ("decline", "refuse"):
        x = next((c for c in v.children if c.dep_ == "xcomp" and c.lemma_ in ("comment", "respond", "say", "discuss")), None)
        if x is not None:
            hi = x.i  # "declined to comment"
    for c in sorted(v.children, key=lambda c: c.i):
        if c.i <= hi:
            continue
        if c.i != hi + 1 and not (c.i == hi + 2 and doc[hi + 1].dep_ in ("npadvmod",)):
            break
        end = _phrase_end(v, c)
        if end is None:
            break
        hi = end
    while hi > lo and doc[hi].is_punct:
        hi -= 1
    return base + doc[lo].idx, base + doc[hi].idx + len(doc[hi].text)


def _negated_start(v) -> int:
    """"did not mention": the cue keeps its do-support negation, so it keeps its polarity."""
    neg = [c for c in v.children if c.dep_ == "neg" and c.i < v.i]
    if not neg:
        return v.i
    aux = [c for c in v.children if c.dep_ == "aux" and c.lemma_ == "do" and c.i < neg[0].i]
    return aux[0].i if aux else min(v.i, neg[0].i)


def _phrase_end(v, c) -> int | None:
    """The last token of the cue phrase when child c (right after it) belongs to it, else None."""
    if c.dep_ in ("dobj", "dative") and c.lemma_.lower() in _objects("audience") and c.i == c.right_edge.i:
        return c.i  # "told reporters"
    if c.dep_ == "prt":
        return c.i  # "pointed out"
    if c.dep_ == "prep" and c.lower_ in ("in", "on"):
        objs = [g for g in c.children if g.dep_ == "pobj"]
        if not (objs and (objs[0].lemma_.lower() in _objects("medium") or objs[0].lower_ in ("anonymity", "condition"))):
            return None
        # "said in a statement", "said on condition of anonymity"; a that-clause hung on the
        # noun ("in a statement that ...") is the content, not the cue
        clause = [g for g in objs[0].children if g.dep_ in ("acl", "ccomp") and g.i > objs[0].i]
        return clause[0].left_edge.i - 1 if clause else c.right_edge.i
    if c.dep_ == "xcomp" and v.lemma_ in ("decline", "refuse") and c.lemma_ in ("comment", "respond", "say"):
        return c.i  # "declined to comment"
    if c.dep_ == "prep" and c.lower_ == "to" and v.lemma_ in ("say", "tell", "write", "explain"):
        return c.right_edge.i  # "said to reporters"
    return None


# ---- belief, intention and stance verbs (lexicons/stance_verbs.en.txt) ----

# Pronouns that can hold a belief or a stance: subject forms but "it", "which", "that" (things
# and demonstratives rarely do in news).
AGENT_PRONOUNS = frozenset(w for kind, case, w in rows("pronouns") if case == "subject" and kind not in ("neuter", "which"))
# Stance lemmas that only count with a clause (or "X as Y", "X a Y"): too common otherwise.
NEEDS_CLAUSE = words("clause_stances")
_DECISIONS = words("decision_verbs")


def decision_act(v) -> bool:
    """An official act with an object or infinitive ("approved a budget", "ordered four diplomats to
    leave", "voted 5-2 to close"): the reporter's fact, not the actor's claim. A clause ("ordered
    that ...") is still content."""
    if verdict(v) or results(v):
        return True
    return v.lemma_.lower() in _DECISIONS and not any(c.dep_ == "ccomp" for c in v.children)


def bare_pronoun(t) -> bool:
    """"rejected that", "denied it": a pronoun alone as what was said, nothing a reader can check."""
    return t.pos_ == "PRON" and t.left_edge.i == t.i == t.right_edge.i and t.lower_ not in ("what", "whatever")


def results(v) -> bool:
    """"reported a 38% fall in net profit", "reported revenue of 210 million euros": a company's
    published results are the reporter's fact; "reported that profit fell" stays a claim."""
    if v.lemma_.lower() != "report" or any(c.dep_ == "ccomp" for c in v.children):
        return False
    obj = next((c for c in v.children if c.dep_ == "dobj" and c.i > v.i), None)
    return obj is not None and any(t.lemma_.lower() in _RESULT_NOUNS for t in obj.subtree)


_RESULT_NOUNS = words("result_nouns")
_VERDICTS = {"guilty", "liable", "innocent"}


def verdict(v) -> bool:
    """"A jury found Halvard Brune guilty of murder": a verdict (the court's act), not a finding
    that someone reports; "The inquiry found that the managers were guilty" stays a claim."""
    return v.lemma_.lower() == "find" and not any(c.dep_ == "mark" or c.lower_ == "that" for c in v.subtree) \
        and any(c.lower_ in _VERDICTS and c.head.i == v.i for c in v.children)


@cache
def _stance_table() -> dict[str, str]:
    return table("stance_verbs")  # word -> its class (first listed wins)


def stance_class(lemma: str) -> str | None:
    return _stance_table().get(lemma)


@cache
def source_nouns() -> frozenset[str]:
    return frozenset(w for _, w in pairs("source_nouns")) | frozenset(w for w, _ in pairs("anaphors"))


@cache
def _prep_table() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for lemma, prep in pairs("cue_preps"):
        out.setdefault(lemma, set()).add(prep)
    return out


def is_stance_verb(t) -> bool:
    if t.pos_ != "VERB" or t.dep_ in ("amod", "compound"):
        return False
    lemma = t.lemma_.lower()
    return stance_class(lemma) is not None or lemma in _prep_table()


def cue_prep(v):
    """The preposition of a verb+preposition cue ("called for", "pointed to"), or None."""
    preps = _prep_table().get(v.lemma_.lower())
    if not preps:
        return None
    for c in v.children:
        if c.i <= v.i or c.i > v.i + 2:
            continue
        if c.dep_ in ("prep", "prt") and c.lower_ in preps:
            return c
    return None


_QUANTITIES = words("quantity_words")  # "dozens of papers": the group after "of" holds the view


def agentive(subj) -> bool:
    """Can this subject hold a belief or take a stance (a person, organisation, role noun)?"""
    if subj.lemma_.lower() in _QUANTITIES:
        # "dozens of papers", "most of the experts", "a majority of voters": the group holds it
        of = next((c for c in subj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((g for g in of.children if g.dep_ == "pobj"), None) if of is not None else None
        return obj is not None and agentive(obj)
    if subj.pos_ == "PRON":
        return subj.lower_ in AGENT_PRONOUNS
    if subj.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return True
    if subj.pos_ == "PROPN":
        return True
    lemma = subj.lemma_.lower()
    if lemma in source_nouns():
        return True
    return subj.pos_ == "NOUN" and lemma.endswith(("er", "or", "ist", "ian", "ant", "ent", "man", "woman")) \
        and lemma not in words("agent_suffix_exceptions")


@cache
def _prep_phrases() -> dict[str, tuple[tuple[str, ...], ...]]:
    """First word -> prepositional cue phrases starting with it ("according" -> ("according", "to"))."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for k, p in pairs("cue_phrases"):
        if k == "prep" and p != "per":  # "per" is too ambiguous ("per cent", "per year")
            w = tuple(p.split())
            out.setdefault(w[0], []).append(w)
    return {k: tuple(v) for k, v in out.items()}


def prep_cues(doc) -> list:
    """Tokens starting a prepositional cue whose object is the source ("according to X")."""
    phrases = _prep_phrases()
    out = []
    for t in doc:
        for words_ in phrases.get(t.lower_, ()):
            n = len(words_)
            if t.i + n <= len(doc) and tuple(x.lower_ for x in doc[t.i : t.i + n]) == words_:
                out.append((t, n))
    return out


@cache
def stance_nouns() -> frozenset[str]:
    return frozenset(w for k, w in pairs("stance_nouns") if k == "noun")


@cache
def stance_adjectives() -> frozenset[str]:
    return frozenset(w for k, w in pairs("stance_nouns") if k == "adj")


@cache
def document_nouns() -> frozenset[str]:
    return frozenset(w for k, w in pairs("source_nouns") if k == "document")
