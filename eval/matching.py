"""Matching text: span trimming, name tokens and name equivalence, and the normalised phrase and number
look-ups the summary checks use. Pure functions of strings; nothing here knows the response schema."""
from __future__ import annotations

import re
import unicodedata

from .adapters import GoldAttribution

_TRIM = set(" \t\r\n\u00a0\"'“”‘’«»„‚‹›`.,;:!?—–-()[]…*")


def trim(doc: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without surrounding whitespace, quote marks and punctuation."""
    while start < end and doc[start] in _TRIM:
        start += 1
    while end > start and doc[end - 1] in _TRIM:
        end -= 1
    return start, end


_HONORIFICS = {"the", "a", "an", "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "s"}


def name_tokens(name: str) -> tuple[str, ...]:
    """Case/punctuation-insensitive tokens of a name, without articles and honorifics."""
    norm = unicodedata.normalize("NFKC", name).lower().replace("’", "'")
    return tuple(t for t in re.findall(r"[^\W_]+", norm) if t not in _HONORIFICS)


def _contains(big: tuple[str, ...], small: tuple[str, ...]) -> bool:
    n = len(small)
    return n > 0 and any(big[i : i + n] == small for i in range(len(big) - n + 1))


def names_match(a: str, b: str) -> bool:
    """'Shoigu' ~ 'Sergei K. Shoigu' ~ 'Mr. Shoigu': token subsequence either way."""
    ta, tb = name_tokens(a), name_tokens(b)
    return bool(ta and tb) and (_contains(ta, tb) or _contains(tb, ta))


DESCRIPTION_START = {
    # an alias opening with one of these is a description or a pronoun, not a name
    "a", "an", "one", "some", "this", "that", "these", "those", "its", "his", "her", "their", "our", "my",
    "your", "he", "she", "it", "they", "we", "i", "you", "him", "them", "us", "who", "both", "another",
}


def is_named_alias(alias: str) -> bool:
    """An alias *names* its source when it contains a proper name: a capitalised word other than a
    leading article, pronoun, possessive or determiner ("Mr. Shoigu", "Kremlin", "Veldmark's foreign
    minister", "The Health Ministry", "A Chirp spokesman", "a Russian official"). Pronouns and bare
    descriptions do not: "he", "It", "Its spokeswoman", "The company", "the minister", "One of them"."""
    words = [w for w in re.findall(r"[^\W_][\w'’.&-]*", unicodedata.normalize("NFKC", alias))]
    for i, w in enumerate(words):
        if not w[:1].isupper():
            continue
        if i == 0 and (w.lower() == "the" or re.sub(r"['’]s$", "", w).lower().strip(".") in DESCRIPTION_START):
            continue
        return True
    return False


def _name_alone_tokens(name: str) -> tuple[str, ...]:
    """name_tokens without one-letter initials ("Sergei K. Shoigu") and without bracketed
    parentheticals ("Gov. Mike Pence (R-IN)")."""
    name = re.sub(r"\([^()]*\)", " ", name)
    return tuple(t for t in name_tokens(name) if len(t) > 1 or t.isdigit())


def _capitalised(name: str) -> bool:
    return any(w[:1].isupper() for w in re.findall(r"[^\W_][\w'’-]*", name)
               if w.lower() not in _HONORIFICS and w.lower() not in DESCRIPTION_START)


def name_alone_matches(predicted: str, gold: str) -> bool:
    """The predicted source name names `gold` by itself. After `name_tokens` normalisation (case,
    punctuation, articles, honorifics) and dropping one-letter initials, the token sequences are equal,
    or one ends the other and the shorter is a name (two or more words, or a capitalised word: "Shoigu"
    ~ "Sergei K. Shoigu" ~ "Defence Minister Sergei Shoigu", but not "the ministry" ~ "Health
    Ministry"), or one begins the other with two or more words ("Two diplomats" ~ "Two diplomats who
    spoke on condition of anonymity"). A name merely contained in the other does not count ("Russia" is
    not "Russia's foreign ministry", "A report" is not "A report by the Lindqvist Institute")."""
    tp, tg = _name_alone_tokens(predicted), _name_alone_tokens(gold)
    if not tp or not tg:
        return False
    if tp == tg:
        return True
    (short, short_text), long_ = ((tp, predicted), tg) if len(tp) < len(tg) else ((tg, gold), tp)
    n = len(short)
    if long_[-n:] == short and (n >= 2 or _capitalised(short_text)):
        return True
    return n >= 2 and long_[:n] == short


def gold_names_for_name_accuracy(g: GoldAttribution) -> tuple[str, ...]:
    """The gold source plus its named aliases. PolNeAR has no aliases: its names are the Source text."""
    if g.source is None:
        return ()
    return (g.source, *(a for a in g.names if a != g.source and is_named_alias(a)))


def norm_text(s: str) -> str:
    """For summary checks: NFKC, lower, straight quotes, '5,000' -> '5000', single spaces."""
    s = unicodedata.normalize("NFKC", s).lower()
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    s = re.sub(r"(?<=\d)[,\u202f\u00a0](?=\d{3}\b)", "", s)
    return re.sub(r"\s+", " ", s).strip()


def phrase_in(phrase: str, text: str) -> bool:
    """Case-insensitive, whitespace-fuzzy, word-bounded containment on normalised text."""
    p = norm_text(phrase)
    if not p:
        return False
    pattern = r"\s*".join(re.escape(w) for w in p.split(" "))
    left = r"(?<!\w)" if p[0].isalnum() else ""
    right = r"(?!\w)" if p[-1].isalnum() else ""
    return re.search(left + pattern + right, norm_text(text)) is not None


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers(s: str) -> set[str]:
    return {re.sub(r",(?=\d{3}\b)", "", m.group()).rstrip(".,") for m in _NUMBER.finditer(s)}
