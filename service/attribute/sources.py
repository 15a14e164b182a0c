"""Source mentions: which noun phrase of a parse names the source of a cue, and its features.

The source of a reporting verb is its syntactic subject (or the `by` agent of a passive); verbs
without a subject of their own ("..., adding that", "embracing him and telling him that") borrow
the subject of the clause they hang from. The mention span stops before appositions and relative
clauses ("Sergei K. Shoigu, a close aide to ...") — those become the description and typing text.
"""
from __future__ import annotations

from .model import Mention

TITLES = {
    "mr.", "mrs.", "ms.", "dr.", "mr", "mrs", "ms", "dr", "president", "gen.", "sen.", "rep.", "gov.",
    "prime", "minister", "secretary", "senator", "governor", "representative", "judge", "justice",
    "lt.", "col.", "capt.", "adm.", "sgt.", "gen", "general", "vice", "chancellor", "king", "queen",
    "prince", "pope", "rev.", "prof.", "professor", "mayor", "chairman", "speaker", "leader",
    "foreign", "defense", "interior", "deputy", "former", "retired", "chief", "ambassador", "sir",
}
MALE = {"he", "him", "his", "himself", "mr.", "mr", "king", "prince", "sir"}
FEMALE = {"she", "her", "hers", "herself", "ms.", "mrs.", "ms", "mrs", "queen", "princess", "madam"}
PLURAL_PRON = {"they", "them", "their", "we", "us", "our"}
PRONOUNS = MALE | FEMALE | PLURAL_PRON | {"it", "its", "i", "me", "my", "you", "who", "which", "that"}
_CUT_DEPS = {"appos", "relcl", "acl", "punct", "cc", "advcl", "parataxis"}
SUBJ_DEPS = ("nsubj", "nsubjpass", "csubj")


def subject_of(v):
    """The token heading the source NP of verb v, or None. Walks up conj/xcomp/advcl chains."""
    seen = 0
    tok = v
    while tok is not None and seen < 6:
        seen += 1
        # passive with an agent: "it was announced by the ministry"
        for c in tok.children:
            if c.dep_ == "agent":
                for g in c.children:
                    if g.dep_ == "pobj":
                        return g
        for c in tok.children:
            if c.dep_ in ("nsubj", "csubj"):
                return c
        if tok is not v or v.dep_ in ("xcomp",):
            for c in tok.children:
                if c.dep_ == "nsubjpass":
                    return c
        if tok.dep_ == "relcl":  # "officials, who said ..." -> the noun the clause modifies
            return tok.head
        if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN"):
            return None
        if tok.dep_ in ("conj", "xcomp", "advcl", "oprd", "pcomp") and tok.head is not tok:
            tok = tok.head
            continue
        return None
    return None


def _np_bounds(h):
    """[start, end) token indices of the mention headed by h, cut before appositions/clauses."""
    left = h.left_edge.i
    right = h.i
    for c in h.children:
        if c.i > h.i:
            if c.dep_ in _CUT_DEPS:
                break
            right = max(right, c.right_edge.i)
    doc = h.doc
    while right > left and (doc[right].is_punct or doc[right].lower_ in ("'s", "’s", "'")):
        right -= 1
    while left < right and doc[left].is_punct:
        left += 1
    return left, right + 1


def _entity_at(h):
    for ent in h.doc.ents:
        if ent.start <= h.i < ent.end:
            return ent
    return None


def make_mention(h, sent_index: int, base: int) -> Mention:
    """Mention features for the NP headed by token h of a sentence parsed at char offset base."""
    doc = h.doc
    ls, le = _np_bounds(h)
    # a possessive "X's statement"/"X's spokesman said": the statement is X speaking
    if h.lemma_.lower() in ("statement", "report", "announcement", "remarks", "comments", "post", "tweet"):
        for c in h.children:
            if c.dep_ == "poss" and c.lower_ not in PRONOUNS:
                return make_mention(c, sent_index, base)
    span = doc[ls:le]
    full = doc[h.left_edge.i : h.right_edge.i + 1]
    low = h.lower_
    kind = "generic"
    name = None
    ent = _entity_at(h)
    titles: list[str] = []
    for t in span:
        if t.i < h.i and t.lower_ in TITLES:
            titles.append(t.lower_)
    if low in PRONOUNS and h.pos_ == "PRON":
        kind = "pronoun"
    elif ent is not None and ent.label_ == "PERSON":
        kind = "person"
        name = _strip_titles(ent)
    elif ent is not None and ent.label_ in ("ORG", "NORP_ORG", "FAC", "WORK_OF_ART"):
        kind = "org"
        name = _strip_det(ent.text)
    elif ent is not None and ent.label_ == "GPE" and ent.root.i == h.i:
        kind = "gpe"
        name = _strip_det(ent.text)
    elif h.pos_ == "PROPN" and any(t.lower_ in ("mr.", "ms.", "mrs.", "dr.") for t in span):
        kind = "person"
        name = " ".join(t.text for t in span if t.lower_ not in TITLES and t.pos_ == "PROPN") or h.text
    elif h.pos_ == "PROPN" and ent is None:
        # no NER label: a name with an organisation word is an org; a short plain name a person
        orgish = any(t.lower_ in _ORG_WORDS for t in span)
        propn = [t for t in span if t.pos_ == "PROPN"]
        kind = "person" if not orgish and 2 <= len(propn) <= 3 else "org"
        name = " ".join(t.text for t in span if t.pos_ == "PROPN" and t.lower_ not in TITLES) or h.text
    gender = None
    for t in span:
        if t.lower_ in MALE:
            gender = "m"
        elif t.lower_ in FEMALE:
            gender = "f"
    if kind == "pronoun" and low in MALE:
        gender = "m"
    elif kind == "pronoun" and low in FEMALE:
        gender = "f"
    plural = h.tag_ in ("NNS", "NNPS") or low in PLURAL_PRON or any(c.dep_ == "conj" for c in h.children)
    description = None
    for c in h.children:
        if c.dep_ == "appos":
            d = doc[c.left_edge.i : c.right_edge.i + 1].text.strip(" ,")
            description = d
            break
    dets = [c.lower_ for c in h.children if c.dep_ in ("det", "poss")]
    s0 = base + doc[ls].idx
    e0 = base + doc[le - 1].idx + len(doc[le - 1].text)
    return Mention(
        start=s0, end=e0, text=span.text, sent=sent_index, kind=kind, head=low if kind == "pronoun" else h.lemma_.lower(), plural=plural,
        gender=gender, subject=h.dep_ in SUBJ_DEPS, name=name, full=full.text, description=description,
        titles=tuple(titles), definite=bool(dets) and dets[0] not in ("a", "an"),
        indefinite=bool(dets) and dets[0] in ("a", "an"),
    )


def _strip_titles(ent) -> str:
    toks = list(ent)
    while toks and toks[0].lower_ in TITLES:
        toks = toks[1:]
    while toks and toks[-1].is_punct or toks and toks[-1].lower_ in ("'s", "’s"):
        toks = toks[:-1]
    if not toks:
        return ent.text
    return ent.doc[toks[0].i : toks[-1].i + 1].text


def _strip_det(text: str) -> str:
    for det in ("the ", "The "):
        if text.startswith(det):
            text = text[len(det):]
    for pos in ("'s", "’s"):
        if text.endswith(pos):
            text = text[: -len(pos)]
    return text.strip()


_ORG_WORDS = {"agency", "ministry", "company", "inc.", "corp.", "association", "chamber", "watch", "union",
              "council", "board", "office", "service", "university", "institute", "party", "group", "herald",
              "times", "post", "journal", "news", "bank", "federation", "committee", "court", "foundation",
              "department", "bureau", "commission", "authority", "network", "press", "fund", "league"}
