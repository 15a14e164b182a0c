"""Source mentions: which noun phrase of a parse names the source of a cue, and its features.

The source of a reporting verb is its syntactic subject (or the `by` agent of a passive); verbs
without a subject of their own ("..., adding that", "embracing him and telling him that") borrow
the subject of the clause they hang from. The mention span stops before appositions and relative
clauses ("Sergei K. Shoigu, a close aide to ...") — those become the description and typing text.
"""
from __future__ import annotations

from functools import lru_cache

from ..ingest import title_case
from .cues import agentive
from .lexicon import gendered_titles, pronoun_words, title_words, words
from .model import Mention

# One file per list (lexicons/titles.en.txt, pronouns.en.txt); tests/test_lexicons.py pins members.
_NOT_REFLEXIVE = ("subject", "object", "determiner", "possessive")
TITLES = title_words("honorific", "person", "title", "modifier")
HONORIFICS = frozenset(w for w in title_words("honorific") if w.endswith("."))
MALE = gendered_titles("m") | pronoun_words({"male"})
FEMALE = gendered_titles("f") | pronoun_words({"female"})
PLURAL_PRON = pronoun_words({"they", "we"}, _NOT_REFLEXIVE)
PRONOUNS = MALE | FEMALE | PLURAL_PRON | pronoun_words({"neuter", "i", "you", "who", "which"}, _NOT_REFLEXIVE)
_CUT_DEPS = {"appos", "relcl", "acl", "punct", "cc", "advcl", "parataxis"}
SUBJ_DEPS = ("nsubj", "nsubjpass", "csubj")


def subject_of(v):
    """The token heading the source NP of verb v, or None. Walks up conj/xcomp/advcl chains."""
    seen = 0
    tok = v
    adjunct = False  # reached through an adverbial: its subject is the controller, never an agent
    quoted = _quoted_as(v)
    if quoted is not None:
        return quoted
    while tok is not None and seen < 6:
        seen += 1
        # passive with an agent: "it was announced by the ministry"
        for c in tok.children:
            if c.dep_ == "agent" and not adjunct:
                for g in c.children:
                    if g.dep_ == "pobj":
                        return g
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "csubj")]
        if len(subjects) > 1:
            # "Q: Kestrel's manager, Bram Oduya, said ...": a transcript's label parsed as a second subject
            subjects = [c for c in subjects if not _label(c)] or subjects
            # "Minister, the consumer council says ...": a vocative before the real subject
            subjects = [c for c in subjects if not _vocative(c)] or subjects
        if len(subjects) == 1 and _label(subjects[0]):
            # "HOST: Your own ministry's forecast, published last week, says ...": the label swallowed
            # the subject as its apposition
            ap = next((c for c in subjects[0].children if c.dep_ == "appos" and c.i > subjects[0].i + 1), None)
            if ap is not None:
                return ap
        if subjects:
            return subjects[0]
        if tok is v and v.dep_ != "xcomp" and any(c.dep_ == "nsubjpass" for c in v.children):
            return None  # "staff had been told not to ...": the hearer is the subject, the speaker unknown
        if tok is not v or v.dep_ in ("xcomp",):
            for c in tok.children:
                if c.dep_ == "nsubjpass":
                    return c
        if tok.dep_ == "relcl":  # "officials, who said ..." -> the noun the clause modifies
            return who_antecedent(tok)
        if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN"):
            by = issuer(tok) or _held_event(tok)
            return subject_of(by) if by is not None and not adjunct else None
        if tok is v and tok.dep_ == "conj" and any(c.dep_ == "auxpass" for c in v.children):
            return None  # "Schools are open but have been told to ...": the shared subject is the hearer
        if tok.dep_ in ("conj", "xcomp", "advcl", "oprd", "pcomp") and tok.head is not tok:
            adjunct = adjunct or tok.dep_ in ("advcl", "pcomp")
            tok = tok.head
            if tok.dep_ == "prep" and tok.head is not tok and tok.head.pos_ in ("VERB", "AUX"):
                tok = tok.head  # "responded by saying", "After saying ..., she was whisked away"
            continue
        return None
    return None


# Occasions a speaker holds: "she said at a news conference announcing that ...".
_EVENTS = frozenset({"conference", "briefing", "speech", "interview", "appearance", "rally", "hearing", "address",
                     "session", "event", "meeting", "call", "podcast", "broadcast"})


def _held_event(acl):
    """The speech verb whose speaker held the occasion a reporting participle hangs on: "she said
    at a recent news conference announcing that her department was suing ..." -> "said"."""
    n = acl.head
    if acl.tag_ != "VBG" or n.lemma_.lower() not in _EVENTS or n.dep_ != "pobj":
        return None
    v = n.head.head if n.head.dep_ == "prep" else None
    return v if v is not None and v.pos_ == "VERB" else None


def _quoted_as(v):
    """"The agency quoted Deputy Minister Aleksei Dorn as saying that ...": the one quoted is the
    source of "saying" (the agency only carried it)."""
    if v.dep_ != "pcomp" or v.head.lower_ != "as" or v.head.head.lemma_.lower() != "quote":
        return None
    return next((c for c in v.head.head.children if c.dep_ == "dobj" and c.i < v.i), None)


# Messages a body puts out: "The ministry issued a statement saying ...", "posted a message saying".
_ISSUED = frozenset({"statement", "post", "tweet", "release", "email", "message", "letter", "note", "notice",
                     "memo", "announcement", "video", "communique", "communiqué", "bulletin"})


def issuer(acl):
    """The verb whose subject put out the message a reporting participle hangs on, or None:
    "X issued a statement saying ...", and the parser's "put out a statement during the match
    saying ..." where the participle lands on the noun after the message."""
    n = acl.head
    if n.lemma_.lower() in _ISSUED and n.dep_ == "dobj":
        return n.head
    if n.dep_ == "pobj" and n.head.dep_ == "prep" and n.head.head.pos_ == "VERB":
        v = n.head.head
        if any(c.dep_ == "dobj" and c.lemma_.lower() in _ISSUED and c.i < n.i for c in v.children):
            return v
    return None


def _vocative(t) -> bool:
    """A form of address opening the clause: "Minister," / "Mr. Hale," followed by a comma."""
    doc = t.doc
    return t.right_edge.i + 1 < len(doc) and doc[t.right_edge.i + 1].text == "," and t.left_edge.i <= t.sent.start + 2 \
        and t.pos_ in ("PROPN", "NOUN") and t.right_edge.i - t.left_edge.i <= 2


def _label(t) -> bool:
    """A speaker label opening its sentence ("Q:", "SMITH:")."""
    doc = t.doc
    return t.i + 1 < len(doc) and doc[t.i + 1].text == ":" and t.left_edge.i == t.sent.start


def aged(t) -> bool:
    """Token t is the "old" of "the 39-year-old", which heads a person."""
    return t.lower_ == "old" and t.i >= 2 and t.doc[t.i - 1].text == "-" and t.doc[t.i - 2].lower_ == "year"


def who_antecedent(rel):
    """The noun a relative clause modifies. The parser often hangs "who ..." on the nearest noun,
    a place or body inside the person's phrase ("three carers at Larchfield, who asked ..."):
    "who" is a person, so climb to the noun that phrase belongs to."""
    h = rel.head
    who = any(c.lower_ == "who" and c.dep_ in ("nsubj", "nsubjpass") for c in rel.children)
    if who and h.pos_ == "PROPN" and h.dep_ == "pobj" and h.head.dep_ == "prep" and h.head.head.pos_ == "NOUN" \
            and (h.ent_type_ != "PERSON" or h.head.head.tag_ == "NNS"):
        return h.head.head
    return h


def stranded_subject(v):
    """The subject of a cue verb the parser cut off from it (a workaround for two common parse
    errors around appositions), or None:
      * "The lead prosecutor, Aurel Venn, acknowledged that ...": the finite verb hung as a
        clause (`acl`) on the root noun — the noun is the subject;
      * "Aino Sarkis, a hydrologist ... who co-wrote the report, argued that ...", "“...,” the
        union's president, Dana Whitcombe, told reporters": a subjectless root verb right after a
        comma, and its clause opens with a noun phrase closed by a comma — that phrase is the subject.
    """
    doc = v.doc
    if v.dep_ == "acl" and v.head.dep_ == "ROOT" and v.head.pos_ in ("NOUN", "PROPN") and v.head.i < v.i \
            and any(t.text == "," for t in doc[v.head.i + 1 : v.i]) \
            and (v.tag_ in ("VBD", "VBZ") or any(c.dep_ == "ccomp" for c in v.children)):
        return v.head
    if v.dep_ != "ROOT" or any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for c in v.children):
        return None
    j = v.i - 1
    while j >= 0 and doc[j].pos_ == "ADV":
        j -= 1  # "..., first reported"
    if j < 1 or doc[j].text != ",":
        return None
    lo = 0
    for k in range(j - 1, -1, -1):
        if doc[k].is_quote or doc[k].text in ("”", "’", "''"):
            lo = k + 1
            break
    while lo < j and doc[lo].is_punct:
        lo += 1
    chunk = next((c for c in doc.noun_chunks if c.start == lo), None)
    if chunk is None and doc[lo].dep_ == "advcl" and doc[lo].tag_ in ("VBN", "VBG") and doc[lo].head.i == v.i:
        # "Asked about the gap, a directorate spokeswoman, Sanne Hollis, said ...": the parser hung
        # the speaker on the opening clause; the name just before the verb's comma is the speaker
        near = next((c for c in doc.noun_chunks if c.end == j and c.root.ent_type_ == "PERSON"), None)
        if near is not None and near.root.i in {t.i for t in doc[lo].subtree}:
            return near.root
    if chunk is None or chunk.end >= j or doc[chunk.end].text != "," or chunk.root.pos_ not in ("NOUN", "PROPN"):
        return None
    return chunk.root


def _np_bounds(h):
    """[start, end) token indices of the mention headed by h, cut before appositions/clauses."""
    left = h.left_edge.i
    right = h.i
    kept = None
    for c in h.children:
        if c.i > h.i:
            if c.dep_ == "acl" and _says_who(h, c, right):
                kept = c
                right = c.right_edge.i
                continue
            if c.dep_ in _CUT_DEPS or _time_phrase(c):
                break
            right = max(right, c.right_edge.i)
    # a clause on a noun inside the phrase ends it too: "carers at Larchfield, who asked ..."
    nested = [t.i for t in h.doc[h.i + 1 : right + 1] if t.dep_ in ("relcl", "appos", "acl") and t.i > h.i
              and t is not kept and not (kept is not None and kept.i <= t.i <= kept.right_edge.i and t.dep_ != "relcl")]
    if nested:
        right = min(right, min(h.doc[i].left_edge.i for i in nested) - 1)
    doc = h.doc
    while right > left and (doc[right].is_punct or doc[right].lower_ in ("'s", "’s", "'")):
        right -= 1
    while left < right and doc[left].is_punct:
        left += 1
    return left, right + 1


def _time_phrase(c) -> bool:
    """"The panel on Monday banned ...": a time the parser hung on the subject is not part of its name."""
    return c.dep_ == "prep" and any(g.dep_ == "pobj" and g.ent_type_ in ("DATE", "TIME") for g in c.children)


_ANON_VERBS = {"speak", "decline", "ask", "request", "insist", "refuse"}


def _says_who(h, acl, right: int) -> bool:
    """"Scientists working on the agency's Corvid mission said ...": a participle right after a
    common-noun subject tells which scientists, so it belongs to the source's name. Not a clause
    after a comma, not past the verb, and not the anonymity formula ("officials speaking on
    condition of anonymity"), which types the source rather than names it."""
    doc = h.doc
    definite = any(c.dep_ in ("det", "poss") and c.lower_ not in ("a", "an") for c in h.children)
    if definite and h.tag_ != "NNS":
        return False  # "The union representing the crew": a description of a body named elsewhere
    return h.pos_ == "NOUN" and h.dep_ in SUBJ_DEPS and acl.tag_ in ("VBG", "VBN") and acl.i == right + 1 \
        and acl.right_edge.i < h.head.i and acl.right_edge.i - acl.i < 9 and acl.lemma_.lower() not in _ANON_VERBS \
        and not any(t.lower_ in ("anonymity", "condition", ",") for t in doc[acl.i : acl.right_edge.i + 1])


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
    if h.lemma_.lower() in ("statement", "announcement", "remarks", "comments", "post", "tweet"):
        for c in h.children:
            if c.dep_ == "poss" and c.lower_ not in PRONOUNS:
                return make_mention(c, sent_index, base)
    named = _name_after(h)
    if named is not None:
        return make_mention(named, sent_index, base)
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
    elif ent is not None and street(ent):
        kind = "generic"  # "Quay Lane": an address is never a source's name
    elif ent is not None and ent.label_ == "PERSON" and not org_suffixed(ent):
        kind = "person"
        name = _strip_titles(ent)
    elif ent is not None and ent.label_ == "PERSON":
        kind = "org"  # "Veridane Biologics" labelled PERSON: its last word names a company
        name = _strip_det(ent.text)
    elif h.pos_ == "PROPN" and titles and ent is not None and ent.label_ in ("FAC", "WORK_OF_ART", "PRODUCT", "LOC") \
            and not org_suffixed(ent):
        # "the 12-year tenure of Mayor Gustav Rehn", labelled a facility: a titled name is a person
        kind = "person"
        name = " ".join(t.text for t in span if t.lower_ not in TITLES and t.pos_ == "PROPN") or h.text
    elif ent is not None and ent.label_ in ("ORG", "FAC", "WORK_OF_ART", "GPE") and h.pos_ == "PROPN" \
            and _given_age(h) and not org_suffixed(ent):
        kind = "person"  # "Mairead Colum, 58, said": only a person is given an age
        name = _strip_titles(ent)
    elif ent is not None and ent.label_ in ("ORG", "NORP_ORG", "FAC", "WORK_OF_ART"):
        kind = "org"
        name = _strip_det(ent.text)
    elif ent is not None and ent.label_ == "GPE" and ent.root.i == h.i:
        kind = "gpe"
        name = _strip_det(ent.text)
    elif h.pos_ == "PROPN" and any(t.lower_ in HONORIFICS for t in span):
        kind = "person"
        name = " ".join(t.text for t in span if t.lower_ not in TITLES and t.pos_ == "PROPN") or h.text
    elif h.pos_ == "PROPN" and ent is None:
        # no NER label: a name with an organisation word is an org; a short plain name a person
        orgish = any(t.lower_ in _ORG_WORDS for t in span) or span[-1].lower_ in org_suffixes()
        propn = [t for t in span if t.pos_ == "PROPN"]
        kind = "person" if not orgish and 2 <= len(propn) <= 3 else "org"
        if kind == "org":
            # the name runs from its first to its last proper noun, "of"/"and" included
            # ("Ostberg Chamber of Commerce")
            named = [t for t in propn if t.lower_ not in TITLES]
            name = doc[named[0].i : named[-1].i + 1].text if named else h.text
        else:
            name = " ".join(t.text for t in span if t.pos_ == "PROPN" and t.lower_ not in TITLES) or h.text
    gender = None
    # a possessor's title is not the head's: "Mr. Brask's lawyer, Sofia Renner" is not male
    owned = {t.i for c in h.children if c.dep_ == "poss" for t in c.subtree}
    for t in span:
        if t.i in owned:
            continue
        if t.lower_ in MALE:
            gender = "m"
        elif t.lower_ in FEMALE:
            gender = "f"
    if gender is None and h.lemma_.lower() in _KIN_GENDER:
        gender = _KIN_GENDER[h.lemma_.lower()]  # "Their daughter, Liv ...": a kin noun says which
    if kind == "pronoun" and low in MALE:
        gender = "m"
    elif kind == "pronoun" and low in FEMALE:
        gender = "f"
    plural = h.tag_ in ("NNS", "NNPS") or low in PLURAL_PRON or any(c.dep_ == "conj" for c in h.children)
    description = None
    description_head = None
    for c in h.children:
        if c.dep_ == "appos":
            d = doc[c.left_edge.i : c.right_edge.i + 1].text.strip(" ,")
            description = d
            description_head = c.lemma_.lower() if c.pos_ == "NOUN" else None
            break
    if kind == "person" and h.pos_ == "PROPN" and description_head in _BODY_NOUNS | _FIRM_NOUNS \
            and not any(t.lower_ in HONORIFICS for t in span):
        kind = "org"  # "Orbital Lens, the satellite imaging company whose ...": NER said person; the article says what it is
    if kind == "generic" and h.lemma_.lower() in SPOKES:
        # "A spokesman for the minister, Leo Brandt, said": the parser hangs the spokesman's name on
        # the body he speaks for
        o = next((g for c in h.children if c.dep_ == "prep" and c.lower_ in ("for", "of")
                  for g in c.children if g.dep_ == "pobj"), None)
        nm = next((a for a in o.children if a.dep_ == "appos" and a.pos_ == "PROPN"), None) if o is not None else None
        nm_ent = _entity_at(nm) if nm is not None else None
        if nm_ent is not None and nm_ent.label_ == "PERSON" and nm_ent.root.i == nm.i and o.pos_ in ("NOUN", "PROPN") \
                and o.lower_ not in PRONOUNS and not any(t.pos_ == "PROPN" for t in doc[o.left_edge.i : o.i]):
            kind = "person"
            name = nm_ent.text
            description, description_head = doc[h.left_edge.i : o.i + 1].text, h.lemma_.lower()
    if kind == "generic" and h.pos_ == "NOUN":
        # "the union's president, Dana Whitcombe": a role noun with its holder's name in apposition
        # is that person; the role becomes the description
        ap = next((c for c in h.children if c.dep_ == "appos"), None)
        ap_ent = _entity_at(ap) if ap is not None else None
        if ap is not None and ap.pos_ == "PROPN" and (ap_ent is None and ap.left_edge.i == ap.i
                                                       and h.lemma_.lower() in _BODY_NOUNS | COMPANY_ROLES | _FIRM_NOUNS):
            # "The grid operator, Velnet, warned": a one-word name NER left unlabelled, after a body noun
            kind = "org"
            name = ap.text
            description, description_head = span.text, h.lemma_.lower()
        elif ap is not None and ap.pos_ == "PROPN" and ap_ent is not None and ap_ent.root.i == ap.i \
                and (ap_ent.label_ in ("ORG", "PERSON") and (ap_ent.label_ == "ORG" or org_suffixed(ap_ent))
                     and h.lemma_.lower() in _BODY_NOUNS | COMPANY_ROLES
                     or h.lemma_.lower() in _OUTLET_NOUNS and ap_ent.label_ not in ("DATE", "TIME", "GPE", "LOC")):
            # "Morvania's counterintelligence agency, the State Protection Bureau": the body's name
            kind = "org"
            name = _strip_det(ap_ent.text)
            description, description_head = span.text, h.lemma_.lower()
        elif ap is not None and ap.pos_ == "PROPN" and (lo := _name_start(ap)) >= 0 \
                and _person_name_entity(ap_ent, doc[lo : ap.i + 1]) \
                and (ap.left_edge.i == lo or ap_ent is not None and ap_ent.label_ == "PERSON") \
                and 2 <= ap.i - lo + 1 <= 6 \
                and (h.lemma_.lower() in _ROLE_NOUNS or _person_noun(h, ap_ent)):
            # (a described name too: "The prosecution's first witness, forklift driver Marek Lisowski,")
            kind = "person"
            name = doc[lo : ap.i + 1].text
            description, description_head = span.text, h.lemma_.lower()
    # common nouns before a name ("the sports daily Ruvan Sport", "the research firm Brightline")
    first_name = next((t.i for t in span if t.pos_ == "PROPN"), h.i)
    role_heads = tuple(t.lemma_.lower() for t in span if t.i < first_name and t.pos_ == "NOUN") if h.pos_ == "PROPN" else ()
    if kind == "person" and any(w in _PRENAME_FIRMS for w in role_heads) and not any(t.lower_ in HONORIFICS for t in span):
        # "Container shipper Brisa Line", "chipmaker Tessaly": a name NER calls a person, after a
        # noun that only a company is, is that company
        kind = "org"
        name = " ".join(t.text for t in span if t.i >= first_name)
    org_of = _org_of(h) if h.pos_ == "NOUN" else None
    dets = [c.lower_ for c in h.children if c.dep_ in ("det", "poss")]
    s0 = base + doc[ls].idx
    e0 = base + doc[le - 1].idx + len(doc[le - 1].text)
    return Mention(
        start=s0, end=e0, text=span.text, sent=sent_index, kind=kind, head=low if kind == "pronoun" else h.lemma_.lower(), plural=plural,
        gender=gender, subject=h.dep_ in SUBJ_DEPS, name=name, full=full.text, description=description,
        description_head=description_head, role_heads=role_heads, org_of=org_of,
        titles=tuple(titles), headline=title_case(doc.text), definite=bool(dets) and dets[0] not in ("a", "an"),
        indefinite=bool(dets) and dets[0] in ("a", "an"),
    )


def _given_age(h) -> bool:
    """"Mairead Colum, 58," : an age in apposition to the name."""
    return any(c.dep_ in ("appos", "npadvmod", "amod") and c.like_num and c.i == h.i + 2 and h.doc[h.i + 1].text == ","
               and c.text.isdigit() and 1 <= int(c.text) <= 110 for c in h.children)


def _name_start(ap) -> int:
    """Where the proper name of an apposition ends its run of names: "forklift driver Marek
    Lisowski" -> "Marek"; the role nouns before it describe the person."""
    i = ap.i
    while i > ap.left_edge.i and (ap.doc[i - 1].pos_ == "PROPN" or ap.doc[i - 1].text == "-"):
        i -= 1
    if any(t.pos_ not in ("NOUN", "ADJ", "DET") for t in ap.doc[ap.left_edge.i : i]):
        return -1  # not a name, nor a described one
    return i


def _name_after(h):
    """"The opposition Civic Alliance warned ...", parsed as two subjects: the description's head is
    followed at once by a name that holds the same place in the clause, so the name is the mention."""
    doc = h.doc
    if h.pos_ != "NOUN" or h.i + 1 >= len(doc) or h.right_edge.i != h.i:
        return None
    nxt = doc[h.i + 1]
    ent = _entity_at(nxt)
    if ent is None or ent.start != nxt.i or ent.label_ not in ("ORG", "PERSON"):
        return None
    root = ent.root
    return root if root.dep_ == h.dep_ and root.head.i == h.head.i and root.i != h.i else None


@lru_cache(maxsize=1)
def org_suffixes() -> frozenset[str]:
    return words("org_suffixes")


_STREETS = {"street", "st.", "road", "rd.", "lane", "avenue", "ave.", "boulevard", "square", "terrace", "crescent",
            "drive", "quay", "embankment", "row", "parade", "highway", "way", "place", "gardens", "mews"}


def street(ent) -> bool:
    """An address NER labelled a person ("Quay Lane", "Harrow Road"): a place, never a source."""
    toks = [t for t in ent if not t.is_punct]
    return len(toks) >= 2 and toks[-1].lower_ in _STREETS and toks[-1].is_title and ent.label_ == "PERSON"


def org_suffixed(ent) -> bool:
    toks = [t for t in ent if not t.is_punct and t.lower_ not in ("'s", "’s")]
    return len(toks) >= 2 and toks[-1].lower_ in org_suffixes()


def _person_name_entity(ent, span) -> bool:
    """Could the apposed proper name after a role noun be a person's? The small NER model often
    labels an unfamiliar name as ORG, GPE or PRODUCT ("a company spokesman, Lars Eide"); after a
    role noun ("spokesman", "chairman") a short name without an organisation word is the person."""
    if ent is None or ent.label_ == "PERSON":
        return True
    return ent.label_ in ("ORG", "GPE", "PRODUCT", "NORP", "LOC", "FAC", "WORK_OF_ART") \
        and not any(t.lower_ in _ORG_WORDS for t in span) and span[-1].lower_ not in org_suffixes()


def _person_noun(h, ent) -> bool:
    """"Her son, Lucien Ferrant," / "The restorer Geert Halloran": beyond the role nouns, a kinship
    noun or an agent noun ("cellist", "restorer") with a name NER calls a person names that person."""
    lemma = h.lemma_.lower()
    if lemma in KIN_NOUNS:
        return True
    return ent is not None and ent.label_ == "PERSON" and agentive(h)


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


# Role nouns that an apposed name identifies ("the union's president, Dana Whitcombe").
_ROLE_NOUNS = {"president", "clerk", "prosecutor", "spokesman", "spokeswoman", "spokesperson", "governor", "mayor",
               "minister", "secretary", "director", "chairman", "chairwoman", "chair", "head", "chief", "executive",
               "lawyer", "attorney", "leader", "official", "officer", "founder", "editor", "analyst", "researcher",
               "manager", "adviser", "advisor", "aide", "commissioner", "judge", "economist", "expert", "author",
               "professor", "scientist", "doctor", "coach", "captain", "treasurer", "organizer", "coordinator",
               "representative", "ambassador", "envoy", "negotiator", "superintendent", "inspector", "sheriff",
               "investigator", "auditor", "examiner", "regulator", "commander", "surgeon", "engineer", "owner",
               "councillor", "councilor", "senator", "chancellor", "premier", "principal", "dean", "rector",
               "organiser", "campaigner", "activist", "convener", "convenor", "steward", "secretary-general",
               "president-elect", "ceo", "cfo", "chairperson", "vice-president", "pastor", "priest", "imam",
               "general", "witness"}  # "director general", "secretary general", "attorney general": the head is "general"
_BODY_NOUNS = {"agency", "ministry", "bureau", "service", "company", "firm", "group", "organization", "office",
               "department", "authority", "regulator", "union", "party", "newspaper", "broadcaster", "channel",
               "network", "institute", "council", "committee", "commission", "court", "bank", "association"}
# Kin and close relations an apposed name identifies ("Her son, Lucien Ferrant,"): obituaries and
# human-interest stories quote them, and they end in no agent suffix.
KIN_NOUNS = {"son", "daughter", "wife", "husband", "mother", "father", "brother", "sister", "widow", "widower",
              "partner", "friend", "niece", "nephew", "cousin", "grandson", "granddaughter", "grandmother",
              "grandfather", "uncle", "aunt", "relative", "fiancé", "fiancée", "fiance", "fiancee", "girlfriend",
              "boyfriend", "stepson", "stepdaughter", "child", "neighbour", "neighbor", "colleague"}
_KIN_GENDER = {w: "m" for w in ("son", "husband", "father", "brother", "widower", "nephew", "grandson", "grandfather",
                                  "uncle", "boyfriend", "stepson", "fiance")} | \
    {w: "f" for w in ("daughter", "wife", "mother", "sister", "widow", "niece", "granddaughter", "grandmother", "aunt",
                      "girlfriend", "stepdaughter", "fiancee")}
# What a company is to a thing it runs: "The mine's operator, Valcor Metals", "the plant's owner".
COMPANY_ROLES = {"operator", "maker", "manufacturer", "developer", "provider", "supplier", "carrier", "lender",
                  "insurer", "publisher", "employer", "contractor", "subsidiary", "parent", "owner", "builder"}
# News outlets, whose names NER reads as works or people: "The student newspaper, The Northmere
# Lantern,", "Karvonian state television, KTV-1,".
_OUTLET_NOUNS = {"newspaper", "paper", "daily", "weekly", "television", "broadcaster", "channel", "station",
                 "network", "website", "outlet", "magazine", "tabloid", "radio", "agency", "service"}
# What only a body is (a person can be an "owner", "developer" or "publisher"): "Orbital Lens, the
# satellite imaging company", "Kelso, the carmaker".
_FIRM_NOUNS = {"manufacturer", "supplier", "lender", "insurer", "subsidiary",
               "carmaker", "airline", "retailer", "startup", "conglomerate", "utility", "charity", "watchdog"}
# Nouns before a name that only a company is ("Container shipper Brisa Line"): _FIRM_NOUNS and these.
# A person can be a "developer", "owner" or "publisher", a "lawmaker" or "filmmaker": those stay out.
_PRENAME_FIRMS = _FIRM_NOUNS | {"company", "firm", "group", "shipper", "exporter", "importer", "refiner", "producer",
                                "brewer", "bank", "chain", "automaker", "drugmaker", "chipmaker", "miner", "broadcaster",
                                "newspaper", "carrier", "distributor", "grocer", "wholesaler", "start-up", "planemaker",
                                "steelmaker", "toymaker"}


# Spokespeople speak for their body: "A Chirp spokesman", "a spokeswoman for Kolt Breweries",
# "the ministry's spokesman".
SPOKES = {"spokesman", "spokeswoman", "spokesperson", "spokespeople", "representative", "mouthpiece"}


def _org_of(h) -> str | None:
    """The body a spokesperson speaks for, as text: compound ("Chirp spokesman"), possessor
    ("the ministry's spokesman") or "for"/"of" object ("a spokeswoman for Kolt Breweries")."""
    if h.lemma_.lower() not in SPOKES:
        # "economists at Nordhavn Bank", "analysts for the ministry": a group speaking from its body
        if h.tag_ != "NNS":
            return None
        for c in h.children:
            if c.i > h.i and c.dep_ == "prep" and c.lower_ in ("at", "for"):
                o = next((g for g in c.children if g.dep_ == "pobj"), None)
                if o is not None and o.pos_ in ("PROPN", "NOUN"):
                    return h.doc[o.left_edge.i : o.i + 1].text
        return None
    for c in h.children:
        if c.i < h.i and c.dep_ in ("compound", "poss", "nmod") and c.pos_ in ("PROPN", "NOUN") and c.lower_ not in PRONOUNS:
            return h.doc[c.left_edge.i : c.i + 1].text
        if c.i > h.i and c.dep_ == "prep" and c.lower_ in ("for", "of", "at"):
            o = next((g for g in c.children if g.dep_ == "pobj"), None)
            if o is not None and o.pos_ in ("PROPN", "NOUN"):
                return h.doc[o.left_edge.i : o.i + 1].text
    return None
