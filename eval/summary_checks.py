"""Summary checks: must_mention / must_attribute / must_not_state from the fixture's summary spec,
numbers and names that are not in the article, and sentences that carry a gold attribution without
naming its source."""
from __future__ import annotations

import re
import unicodedata

from service.schema import ATTRIBUTED_KINDS, SummarizeResponse, SummarySentence

from .adapters import GoldArticle, GoldAttribution
from .counts import Counts
from .matching import DESCRIPTION_START, name_tokens, norm_text, numbers, phrase_in

_NAME = re.compile(r"\b[A-Z][\w'’-]*")
_SENT_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+")  # also after a closing quote: '... wedding." According to


def score_summary(gold: GoldArticle, doc: str, response: SummarizeResponse, c: Counts, problems: list[str]) -> None:
    """Adds the summary counts of one article to `c` and what went wrong to `problems`."""
    c.summaries = 1
    sentences = [s.text for s in response.summary]
    c.summary_sentences = len(sentences)
    whole = " ".join(sentences)
    spec = gold.summary
    if spec is not None:
        for item in spec.must_mention:
            c.must_mention_total += 1
            if any(phrase_in(alt, whole) for alt in item.split("|")):
                c.must_mention_hit += 1
            else:
                problems.append(f"must_mention missing: {item}")
        for ma in spec.must_attribute:
            c.must_attribute_total += 1
            facts = ma.fact.split("|")
            carriers = [s for s in sentences if any(phrase_in(f, s) for f in facts)]
            if any(any(phrase_in(src, s) for src in ma.source.split("|")) for s in carriers):
                c.must_attribute_ok += 1
            elif not carriers:
                problems.append(f"must_attribute fact absent: {ma.fact}")
            else:
                problems.append(f"must_attribute unattributed: {ma.fact} (wants {ma.source})")
        for phrase in spec.must_not_state:
            c.must_not_state_total += 1
            stating = [s for s in response.summary if phrase_in(phrase, s.text)]
            if not stating:
                continue
            c.must_not_state_suspects += 1
            if all(_names_cited_source(s, response) for s in stating):
                problems.append(f"must_not_state suspect (attributed): {phrase}")
            else:
                c.must_not_state_violations += 1
                problems.append(f"must_not_state VIOLATION (stated as fact): {phrase}")
    _score_sources(gold, doc, sentences, c, problems)
    doc_numbers = numbers(doc)
    doc_norm = unicodedata.normalize("NFKC", doc).replace("’", "'")
    for sent in sentences:
        for n in sorted(numbers(sent)):
            c.summary_numbers += 1
            if n not in doc_numbers:
                c.unsupported_numbers += 1
                problems.append(f"number not in article: {n}")
        for part in _SENT_SPLIT.split(sent):
            for k, m in enumerate(_NAME.finditer(part)):
                word = re.sub(r"['’]s$", "", m.group()).rstrip("'’-")
                if k == 0 and m.start() == 0 and word.lower() in doc_norm.lower():
                    continue  # sentence-initial capital: a name only if the article never has the word
                c.summary_names += 1
                if not re.search(r"(?<!\w)" + re.escape(word.replace("’", "'")) + r"(?!\w)", doc_norm):
                    c.unsupported_names += 1
                    problems.append(f"name not in article: {word}")


_STOP = frozenset("that this with from have been were will would could said says their there they them than then "
                  "also about after into over more most some such which while what when where other only".split())


def _fact_words(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z]{4,}", norm_text(text)) if w not in _STOP}


def carried_attributions(sentence: str, gold: GoldArticle, doc: str) -> list[GoldAttribution]:
    """Gold attributions whose content a summary sentence carries: one of its numbers and a word of
    it, or (for a claim without numbers) most of its words. A claim with numbers none of which the
    sentence has is another fact (the other side of a dispute), not carried. A number the sentence
    shares with several claims is carried by the one it shares the most words with ("from March 1"
    comes from the minister's "cut ... by 6 cents a litre from March 1", not from a retailer's "pass
    on the full cut from the first minute of March 1"; "12 percent of its workforce" is not "12
    years at Quillon")."""
    s_words, s_nums = _fact_words(sentence), numbers(sentence)
    rows = []
    for g in gold.attributions:
        content = g.content.text(doc)
        g_words, g_nums = _fact_words(content), numbers(content)
        rows.append((g, g_words, g_nums, len(s_words & g_words)))
    best: dict[str, int] = {}  # number -> the most words any claim holding it shares with the sentence
    for _, _, g_nums, shared in rows:
        for n in g_nums & s_nums:
            best[n] = max(best.get(n, 0), shared)
    out = []
    for g, g_words, g_nums, shared in rows:
        if g_nums:
            if shared >= 1 and any(shared == best[n] for n in g_nums & s_nums):
                out.append(g)
        elif shared >= max(4, 0.6 * len(g_words)):
            # words explained away: most of them come from claims the sentence shares more with
            # ("drones have crossed it at least four times" is the tally's, not "at least six
            # military drones had crossed ...")
            mine = s_words & g_words
            more = set().union(*(s_words & w for h, w, _, n in rows if n > shared and h is not g))
            if len(mine - more) * 2 >= len(mine):
                out.append(g)
    return out


def _names_gold_source(sentence: str, g: GoldAttribution) -> bool:
    """The sentence names the gold source: a name or alias, or the head word of one ("commission")."""
    words = set(name_tokens(sentence))
    for name in g.names or ((g.source,) if g.source else ()):
        toks = name_tokens(name)
        if not toks or toks[0] in DESCRIPTION_START and len(toks) == 1:
            continue  # "he", "it": a pronoun alias names no one in a summary
        if phrase_in(name, sentence) or (toks and toks[-1] in words and len(toks[-1]) > 2):
            return True
    return False


def _score_sources(gold: GoldArticle, doc: str, sentences: list[str], c: Counts, problems: list[str]) -> None:
    """Wrong or missing source: a sentence carries a gold attribution without naming its source
    ("CITY said the government would cut…" when the finance minister said it)."""
    for sent in sentences:
        carried = [g for g in carried_attributions(sent, gold, doc) if g.source is not None]
        if not carried:
            continue
        c.summary_attributed_sentences += 1
        missing = [g for g in carried if not _names_gold_source(sent, g)]
        if missing:
            c.summary_wrong_source += 1
            problems.append(f"wrong or missing source (wants {missing[0].source}): {sent}")


def _names_cited_source(sentence: SummarySentence, response: SummarizeResponse) -> bool:
    """The sentence cites an attributed claim and names its source (the head word of the name,
    e.g. 'commission' for "Meridia's Central Election Commission", or the whole name)."""
    claims = {cl.id: cl for cl in response.claims}
    sources = {s.id: s for s in response.sources}
    words = set(name_tokens(sentence.text))
    for cid in sentence.claim_ids:
        cl = claims.get(cid)
        src = sources.get(cl.source_id) if cl else None
        if cl is None or cl.kind not in ATTRIBUTED_KINDS or src is None:
            continue
        toks = name_tokens(src.name)
        if toks and toks[-1] in words:
            return True
    return False
