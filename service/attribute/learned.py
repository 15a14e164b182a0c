"""Claims from the learned tagger (tagger.py), and how they join the rule engine's.

Data flow: RuleStage (parsed sentences + rule claims) -> per-sentence features -> CRF tags ->
role spans -> (content, cue, source) triples -> RawClaim. The source span becomes a Mention with
the rule engine's own make_mention, so coreference and source typing treat learned and rule
claims alike. `combine` keeps every rule claim and adds the learned claims the rules missed.
"""
from __future__ import annotations

import os

from .cues import decision_act
from .model import RawClaim
from .source_types import document_heads as _doc_nouns
from .sources import make_mention, subject_of
from .tagger import TagSpan, _cue_lemmas, load_tagger, sentence_features, spans

# A learned claim must be at least this sure (mean marginal of its content tags) and this long;
# both tuned on PolNeAR dev for precision (see the model card).
MIN_PROB = float(os.environ.get("CLAIMTRACE_TAGGER_MIN_PROB", "0.7"))
MIN_WORDS = int(os.environ.get("CLAIMTRACE_TAGGER_MIN_WORDS", "3"))
# Only cues of the lexicons' kinds (see _reporting_cue); "0" keeps every cue the model finds
# (PolNeAR's wider notion: actions and judgements), for A/B runs.
STRICT_CUES = os.environ.get("CLAIMTRACE_TAGGER_STRICT_CUES", "1") != "0"
RECORD_VERBS = {"list", "show", "include", "cite"}
# Verbs that state a stance only with a clause: with a plain object they are perception or action
# ("saw a rise", "knows the area", "addressed the crowd")
OBJECT_NOT_STANCE = {"see", "know", "feel", "understand", "realize", "recognize", "accept", "address", "target",
                     "ignore", "thank", "credit", "cast", "frame", "quote", "chant", "shout", "yell", "vote",
                     "rule", "decide", "reject", "dispute", "oppose", "recall"}  # "recalled 80,000 cars"
# Verbs whose infinitive is an act, not words: "voted 5-2 to close", "decided to appeal"
ACT_WITH_INFINITIVE = {"vote", "decide"}
# A refusal or a silence carries no proposition: "declined to comment on the report", "did not
# respond to a request for comment" are the reporter's facts about the source (DESIGN: unsourced)
REFUSED = {"comment", "say", "discuss", "respond", "answer", "elaborate", "confirm", "speculate", "specify",
           "disclose", "reveal", "identify", "give", "provide", "name", "talk", "speak"}
SILENT = {"respond", "reply", "return", "comment", "answer"}
# ... unless the model is this sure of the content
SURE = float(os.environ.get("CLAIMTRACE_TAGGER_SURE", "0.95"))
# drop a learned claim whose content is only its cue's object phrase (see _object_only); off for A/B
NP_GUARD = os.environ.get("CLAIMTRACE_TAGGER_NP_GUARD", "1") != "0"


def rule_tags(st, i: int, sd) -> list[str]:
    """The rule engine's role for each token of sentence i (CUE > SRC > CON where they meet)."""
    base = st.sents[i].start
    tags = ["O"] * len(sd)
    rank = {"O": 0, "CON": 1, "SRC": 2, "CUE": 3}
    ranges = []
    for c in st.raw:
        ranges.append(("CON", c.content))
        if c.cue:
            ranges.append(("CUE", c.cue))
        if c.mention is not None:
            ranges.append(("SRC", (c.mention.start, c.mention.end)))
    s_lo, s_hi = st.sents[i].start, st.sents[i].end
    ranges = [(r, (a, b)) for r, (a, b) in ranges if a < s_hi and s_lo < b]
    for t in sd:
        a = base + t.idx
        b = a + len(t)
        for role, (lo, hi) in ranges:
            if lo < b and a < hi and rank[role] > rank[tags[t.i]]:
                tags[t.i] = role
    return tags


def stage_features(st) -> list[list[dict]]:
    out = []
    prev_par = None
    for i, (s, sd) in enumerate(zip(st.sents, st.parsed)):
        out.append(sentence_features(sd, s.start, st.regions, rule_tags(st, i, sd), s.paragraph != prev_par))
        prev_par = s.paragraph
    return out


def _chars(st, i: int, sp: TagSpan) -> tuple[int, int]:
    sd, base = st.parsed[i], st.sents[i].start
    return base + sd[sp.start].idx, base + sd[sp.end - 1].idx + len(sd[sp.end - 1])


def tagger_claims(doc, st, min_prob: float = MIN_PROB) -> list[RawClaim]:
    tagger = load_tagger()
    per_sent: list[list[TagSpan]] = []
    for feats in stage_features(st):
        tags, probs = tagger.tag(feats)
        per_sent.append(spans(tags, probs))
    return assemble(doc.text, st, per_sent, min_prob)


def assemble(text: str, st, per_sent: list[list[TagSpan]], min_prob: float = MIN_PROB) -> list[RawClaim]:
    # 1. content groups: a content span that opens a sentence with I- continues the previous
    #    sentence's content when that one ran to its end (multi-sentence quotes)
    groups: list[dict] = []
    for i, sps in enumerate(per_sent):
        for sp in sps:
            if sp.role != "CON":
                continue
            lo, hi = _chars(st, i, sp)
            last = groups[-1] if groups else None
            if (sp.cont and last is not None and last["last_sent"] == i - 1 and last["ends_sent"]
                    and st.sents[i].paragraph - st.sents[i - 1].paragraph <= 1):
                last["end"] = hi
                last["last_sent"] = i
                last["probs"].append((sp.prob, sp.end - sp.start))
                last["ends_sent"] = sp.end == len(st.parsed[i])
                continue
            groups.append({"start": lo, "end": hi, "sent": i, "last_sent": i, "probs": [(sp.prob, sp.end - sp.start)],
                           "ends_sent": sp.end == len(st.parsed[i]), "first": sp.start == 0})
    groups += _cue_only_groups(st, per_sent, groups)
    out = []
    for g in groups:
        n = sum(w for _, w in g["probs"])
        prob = sum(p * w for p, w in g["probs"]) / n
        if prob < min_prob:
            continue
        cue = _cue_for(st, per_sent, g)
        if cue is None:
            continue
        ci, csp = cue
        if not _plausible(st.parsed[ci], csp, prob):
            continue
        content = _trim(text, g["start"], g["end"])
        if content is None:
            continue
        if NP_GUARD and _object_only(st, ci, csp, content):
            if not _forecast(st, ci, csp, content):
                continue
            csp, content = _root_only(st, ci, csp, content)  # "now expects full-year": the cue is the verb
        mention = _source_for(st, per_sent, ci, csp)
        if mention is not None and (not _plausible_source(st, ci, mention, content) or _cue_object(st, ci, csp, mention)):
            continue
        kind = _kind(content, st.regions)
        # below every rule claim with a resolved source (>= 0.65): calibrated on dev, and what the
        # summary's claim selection reads as "learned, less sure"
        conf = round(min(0.6, 0.2 + 0.4 * prob), 2)
        out.append(RawClaim(kind, content, _chars(st, ci, csp), mention, g["sent"], "tagger", conf))
    return out


def _object_only(st, ci: int, csp: TagSpan, content: tuple[int, int]) -> bool:
    """The learned content is only the cue verb's noun-phrase object or adjunct, with no verb and
    no quotation in it ("found Halvard Brune guilty", "recommended the offer", "posted a photograph"):
    an act the reporter states, which PolNeAR's wider notion labels and a newsroom does not."""
    sd, base = st.parsed[ci], st.sents[ci].start
    toks = [t for t in sd if content[0] <= base + t.idx < content[1]]
    if not toks or any(t.pos_ in ("VERB", "AUX") or t.is_quote or t.text in "“”\"" for t in toks):
        return False
    root = sd[csp.start:csp.end].root
    return all(t.head.i == root.i or any(a.i == root.i for a in t.ancestors) for t in toks) \
        and any(t.head.i == root.i and t.dep_ in ("dobj", "prep", "attr", "oprd", "npadvmod", "advmod", "acomp") for t in toks)


# Verbs whose noun-phrase object with a figure is a forecast someone makes ("expects full-year
# profit of 700 million", "forecast growth of 2%"): a claim, where "reported a 38% fall" is an act.
_FORECAST_VERBS = {"expect", "forecast", "predict", "project", "anticipate", "estimate", "see", "target"}


def _forecast(st, ci: int, csp: TagSpan, content: tuple[int, int]) -> bool:
    sd, base = st.parsed[ci], st.sents[ci].start
    root = sd[csp.start:csp.end].root
    if root.lemma_.lower() not in _FORECAST_VERBS or root.pos_ != "VERB":
        return False
    return any(t.like_num or t.ent_type_ in ("MONEY", "PERCENT", "QUANTITY", "CARDINAL")
               for t in sd if content[0] <= base + t.idx < content[1])


def _root_only(st, ci: int, csp: TagSpan, content: tuple[int, int]) -> tuple[TagSpan, tuple[int, int]]:
    """The cue cut to its verb; the object's words it had taken go back to the content."""
    sd, base = st.parsed[ci], st.sents[ci].start
    root = sd[csp.start:csp.end].root
    obj = next((c for c in root.children if c.dep_ == "dobj" and base + c.idx >= content[0]), None)
    lo = content[0]
    if obj is not None and root.i < obj.left_edge.i:
        lo = min(lo, base + obj.left_edge.idx)
    return TagSpan(csp.role, root.i, root.i + 1, csp.cont, csp.prob), (lo, content[1])


def _plausible(sd, csp: TagSpan, prob: float) -> bool:
    """Guards on a learned claim's cue and source that the corpus's wider notion lets through."""
    toks = sd[csp.start:csp.end]
    root = toks.root
    if root.dep_ in ("amod", "compound"):
        return False  # "charging documents": a modifier, not a verb of saying
    subj = [k for k in root.children if k.dep_ in ("nsubj", "nsubjpass")]
    if subj and any(d.lower_ in ("no", "nobody", "none") for d in subj[0].subtree if d.i <= subj[0].i):
        return False  # "No group has claimed ...": nobody to attribute to
    if root.lemma_.lower() == "ask" and any(k.dep_ == "xcomp" and any(g.dep_ == "neg" for g in k.children) for k in root.children):
        return False  # "who asked not to be named": the anonymity formula
    if root.lemma_.lower() in RECORD_VERBS and not (subj and (subj[0].lemma_.lower() in _doc_nouns() or subj[0].lower_ in _doc_nouns())):
        return False  # "lists", "shows": a cue only when a record does it ("the filing lists"), not "the account lists no owner"
    if root.lemma_.lower() in OBJECT_NOT_STANCE and not any(k.dep_ in ("ccomp", "xcomp", "oprd") for k in root.children):
        return False  # "saw a rise", "knows the area": these verbs report only with a clause
    if root.lemma_.lower() in ACT_WITH_INFINITIVE and not any(k.dep_ == "ccomp" for k in root.children):
        return False
    if _refusal(root) or decision_act(root) or _raised_passive(root):
        return False
    if STRICT_CUES and prob < SURE and not _reporting_cue(sd, csp):
        return False
    return True


def _plausible_source(st, ci: int, mention, content: tuple[int, int]) -> bool:
    """A source is not a date ("last year") and not part of its own content ("The toll, of 4
    euros for cars ..." tagged as the toll saying it)."""
    if mention.start < content[1] and content[0] < mention.end:
        return False
    sd, base = st.parsed[ci], st.sents[ci].start
    ents = [t.ent_type_ for t in sd if mention.start <= base + t.idx < mention.end]
    return not (ents and all(e in ("DATE", "TIME") for e in ents))


def _raised_passive(root) -> bool:
    """"He is expected to give evidence", "is understood to have signed", "is said to be": a
    passive with no agent before an infinitive names no one who expects or says it."""
    return any(k.dep_ == "auxpass" for k in root.children) and not any(k.dep_ == "agent" for k in root.children) \
        and any(k.dep_ == "xcomp" and any(g.dep_ == "aux" and g.lower_ == "to" for g in k.children) for k in root.children)


def _cue_object(st, ci: int, csp: TagSpan, mention) -> bool:
    """"a budget that ... adds 60 police officers": the cue verb's object is what it acts on, never
    who speaks."""
    sd, base = st.parsed[ci], st.sents[ci].start
    root = sd[csp.start:csp.end].root
    return any(t.dep_ == "dobj" and t.head.i == root.i and mention.start <= base + t.idx < mention.end for t in sd)


def _refusal(root) -> bool:
    lem = root.lemma_.lower()
    if lem in ("decline", "refuse"):
        return any(k.dep_ == "xcomp" and k.lemma_.lower() in REFUSED for k in root.children)
    return lem in SILENT and any(k.dep_ == "neg" for k in root.children)


def _reporting_cue(sd, csp: TagSpan) -> bool:
    """A cue a newsroom reads as attribution: a speech, belief or stance verb of the lexicons, a
    preposition cue ("according to"), a colon or a document noun — not an action the corpus also
    labels ("ordered", "hired"), a refusal ("declined to comment") or a passive ("been charged")."""
    toks = sd[csp.start:csp.end]
    if any(t.text == ":" for t in toks) or "according" in toks.text.lower():
        return True
    root = toks.root
    lem = root.lemma_.lower()
    if lem in ("decline", "refuse") or any(k.dep_ in ("auxpass", "nsubjpass") for k in root.children):
        return False
    return lem in _cue_lemmas() or lem in _doc_nouns()


def _cue_only_groups(st, per_sent, groups) -> list[dict]:
    """A sentence with a sure source and cue but no content tags ("X urges supporters to ..."):
    the content is what the cue verb governs after it (object, clause, infinitive)."""
    have = {i for g in groups for i in range(g["sent"], g["last_sent"] + 1)}
    out = []
    for i, sps in enumerate(per_sent):
        if i in have or not any(sp.role == "SRC" and sp.prob >= 0.8 for sp in sps):
            continue
        for sp in sps:
            if sp.role != "CUE" or sp.prob < 0.8:
                continue
            sd, base = st.parsed[i], st.sents[i].start
            verb = sd[sp.start:sp.end].root
            kids = [k for k in verb.children if k.i >= sp.end and k.dep_ in ("dobj", "ccomp", "xcomp", "prep", "attr", "oprd")]
            if not kids:
                continue
            lo = min(k.left_edge.i for k in kids)
            hi = max(k.right_edge.i for k in kids)
            while hi > lo and sd[hi].is_punct:
                hi -= 1
            out.append({"start": base + sd[lo].idx, "end": base + sd[hi].idx + len(sd[hi]), "sent": i, "last_sent": i,
                        "probs": [(sp.prob * 0.9, 1)], "ends_sent": False, "first": False})
            break
    return out


def _cue_for(st, per_sent, g):
    """The cue nearest the content: in its own sentences first, else the sentence before (a
    content that opens its sentence) or after ("..., she said." split off)."""
    def cues(i):
        return [(i, sp) for sp in per_sent[i] if sp.role == "CUE"] if 0 <= i < len(per_sent) else []

    cands = [c for i in range(g["sent"], g["last_sent"] + 1) for c in cues(i)]
    # a cue in a neighbouring sentence only for a quotation ("“...,” she said." split off) or
    # after a colon; a plain sentence next to someone's claim is not theirs
    quoted = _kind((g["start"], g["end"]), st.regions) != "indirect"
    prev_colon = g["sent"] > 0 and st.parsed[g["sent"] - 1].text.rstrip().endswith(":")
    if not cands and g["first"] and (quoted or prev_colon):
        cands = cues(g["sent"] - 1)
    if not cands and g["ends_sent"] and quoted:
        cands = cues(g["last_sent"] + 1)
    if not cands:
        return None

    def dist(c):
        lo, hi = _chars(st, *c)
        return 0 if g["start"] <= lo < g["end"] else min(abs(lo - g["end"]), abs(hi - g["start"]))

    return min(cands, key=dist)


def _source_for(st, per_sent, ci: int, csp: TagSpan):
    sd, base = st.parsed[ci], st.sents[ci].start
    srcs = [sp for sp in per_sent[ci] if sp.role == "SRC"]
    srcs = [sp for sp in srcs if sp.end - sp.start <= 12]  # a whole clause tagged source is a misread
    if srcs:
        sp = min(srcs, key=lambda s: min(abs(s.start - csp.end), abs(csp.start - s.end)))
        head = sd[sp.start:sp.end].root
        return make_mention(head, ci, base)
    # no tagged source: the grammatical subject of the cue's verb
    verb = sd[csp.start:csp.end].root
    for t in (verb, verb.head):
        for k in t.children:
            if k.dep_ in ("nsubj", "nsubjpass") and k.pos_ in ("PROPN", "NOUN", "PRON"):
                return make_mention(k, ci, base)
    subj = subject_of(verb)  # the implicit subject up the clause: "responded by saying ..."
    return make_mention(subj, ci, base) if subj is not None else None


def _trim(text: str, lo: int, hi: int) -> tuple[int, int] | None:
    """Content as DESIGN.md labels it: no leading complementizer "that", no outer spaces."""
    seg = text[lo:hi]
    low = seg.lower()
    if low.startswith("that ") :
        lo += 5
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    if sum(1 for w in text[lo:hi].split() if any(ch.isalpha() for ch in w)) < MIN_WORDS:
        return None
    return lo, hi


def _kind(content: tuple[int, int], regions) -> str:
    lo, hi = content
    inside = sum(max(0, min(hi, e) - max(lo, s)) for s, e in regions)
    if inside >= 0.9 * (hi - lo):
        return "direct"
    return "mixed" if inside > 0 else "indirect"


def combine(rules: list[RawClaim], learned: list[RawClaim]) -> list[RawClaim]:
    """Every rule claim, plus each learned claim that overlaps no rule claim's content and whose
    cue is not inside one (a cue inside reported content is part of what was reported)."""
    taken = [c.content for c in rules]
    out = list(rules)
    for c in learned:
        lo, hi = c.content
        if any(a < hi and lo < b for a, b in taken):
            continue
        if c.cue and any(a <= c.cue[0] and c.cue[1] <= b for a, b in taken):
            continue
        out.append(c)
        taken.append(c.content)
    return out
