"""Segment: Document -> Segments (paragraphs, sentences, quote regions), all as char offsets.

Rule-based on purpose: it is fast, never moves an offset, and handles the news-specific traps
("Mr.", "U.N.", "Sergei K. Shoigu", sentences ending inside quote marks) predictably. Quote regions
are found first so that a multi-sentence quote ("“A. B,” she said.") stays one sentence with its
cue, and so a quote running over paragraphs (no closing mark, the next paragraph reopens) is one
region. Odd quote marks never raise: they become warnings and the best-effort region.
No spaCy objects leave this module; attribution parses the sentences itself.
"""
from __future__ import annotations

import logging
import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import pairwise

from .ingest import Document

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int  # index into Segments.paragraphs


@dataclass(frozen=True)
class QuoteRegion:
    """A quotation, marks included: text[start:end] starts with an opening mark."""

    start: int
    end: int
    closed: bool  # False when the closing mark was missing and the region was cut at a paragraph end


@dataclass(frozen=True)
class Segments:
    paragraphs: tuple[Paragraph, ...]
    sentences: tuple[Sentence, ...]
    quotes: tuple[QuoteRegion, ...]
    warnings: tuple[str, ...] = ()


# ---- paragraphs ----

def _paragraphs(doc: Document) -> list[Paragraph]:
    """Non-blank lines of the kept text, trimmed. News text puts one paragraph per line (or
    separates them by blank lines), so a newline always ends a paragraph."""
    out = []
    for ks, ke in doc.kept():
        for m in re.finditer(r"[^\n]+", doc.text[ks:ke]):
            raw = m.group()
            s = ks + m.start() + (len(raw) - len(raw.lstrip()))
            e = ks + m.end() - (len(raw) - len(raw.rstrip()))
            if e > s:
                out.append(Paragraph(s, e))
    return out


# ---- quote regions ----

OPENING = "“«„"
CLOSING = "”»"
STRAIGHT = '"'


def _quotes(text: str, paras: list[Paragraph]) -> tuple[list[QuoteRegion], list[str]]:
    regions: list[QuoteRegion] = []
    warnings: list[str] = []
    open_at: int | None = None  # char offset of the pending opening mark
    for pi, p in enumerate(paras):
        continued = open_at is not None
        i = p.start - 1
        while i + 1 < p.end:
            i += 1
            ch = text[i]
            if ch == "'" and text[i + 1 : i + 2] == "'":
                ch = STRAIGHT  # '' is a double quote mark in wire/archive text (NYT via LexisNexis)
                i += 1
            if ch not in OPENING and ch not in CLOSING and ch != STRAIGHT:
                continue
            if continued and i <= p.start + 1 and (ch in OPENING or ch == STRAIGHT):
                continue  # the reopening mark of a quote running over paragraphs
            continued = False
            is_open = ch in OPENING or (ch == STRAIGHT and open_at is None)
            if ch in CLOSING and open_at is None and (i == p.start or text[i - 1].isspace()) \
                    and i + 1 < p.end and text[i + 1].isalnum():
                is_open = True  # a closing mark typed as an opening one ("”We deserve better.”")
            if is_open:
                if open_at is not None:
                    warnings.append(f"quote mark at {open_at} never closed before the next one at {i}")
                    regions.append(QuoteRegion(open_at, _trim_end(text, i), False))
                open_at = i - 1 if text[i] == "'" else i
            elif open_at is not None:
                regions.append(QuoteRegion(open_at, i + 1, True))
                open_at = None
            else:
                warnings.append(f"closing quote mark at {i} without an opening one; ignored")
        if open_at is not None:
            nxt = paras[pi + 1] if pi + 1 < len(paras) else None
            if nxt is not None and text[nxt.start] in OPENING + STRAIGHT:
                continue  # multi-paragraph quote: carry the region on
            warnings.append(f"quote opened at {open_at} is not closed by the end of its paragraph")
            regions.append(QuoteRegion(open_at, p.end, False))
            open_at = None
    return regions, warnings


def _trim_end(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


# ---- sentences ----

# Never end a sentence: titles, initials-like abbreviations that precede a name or a number.
_NEVER_END = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "capt", "sgt", "adm",
    "cmdr", "maj", "rev", "hon", "pres", "st", "mt", "ft", "no", "nos", "vs", "v", "jan", "feb",
    "apr", "aug", "sept", "sep", "oct", "nov", "dec", "fig", "gens", "reps", "sens", "supt", "det",
}
# May end a sentence, but usually don't: split only before a typical sentence opener.
_MAYBE_END = {"inc", "corp", "co", "ltd", "jr", "sr", "bros", "etc", "a.m", "p.m"}
_OPENERS = {
    "the", "he", "she", "it", "they", "we", "i", "but", "in", "a", "an", "this", "that", "there",
    "his", "her", "their", "its", "and", "on", "at", "for", "as", "after", "if", "when", "mr.",
    "ms.", "mrs.", "some", "many", "officials", "still", "yet", "so", "now", "last", "one",
}
_BOUNDARY = re.compile(r"[.!?…]+[”\"’')\]]*(?=\s+[\"“‘'(\[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


def _is_boundary(text: str, dot: int, after: int, limit: int) -> bool:
    """dot: offset of the first terminal char; after: offset just past the closing marks."""
    if text[dot] != ".":
        return True
    m = _WORD_BEFORE.search(text[max(0, dot - 20) : dot])
    if not m:
        return True
    word = m.group(1)
    low = word.lower().rstrip(".")
    nxt = re.match(r"\s+[\"“‘'(\[]?([A-Za-z0-9.]+)", text[after:limit])
    next_word = nxt.group(1).lower() if nxt else ""
    if low in _NEVER_END:
        return False
    if len(word) == 1 and word.isupper():  # an initial: "Sergei K. Shoigu"
        return False
    if "." in word or low in _MAYBE_END:  # "U.N.", "U.S.", "Inc."
        return next_word in _OPENERS
    return True


# ---- datelines ----

# A wire dateline opens a paragraph: "MOSCOW —", "HALVERSTADT, Norland —", "LONDON (Agency) -",
# "NEW YORK, Dec. 1 (Agency) --", "Washington (Agency) —". A mixed-case place needs a country,
# date or agency after it, so "Obama — who ..." is never one.
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}"
_DATELINE = re.compile(
    r"(?:(?P<caps>[A-Z][A-Z.'’-]*[A-Z.](?:\s+[A-Z][A-Z.'’-]*[A-Z.]){0,3})|(?P<mixed>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}))"
    r"(?P<country>,\s+[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*){0,2})?"
    r"(?P<date>,\s+" + _MONTH + r")?"
    r"(?:\s*(?P<agency>\([A-Z][\w .&'’-]{0,30}\)))?"
    r"(?:\s*[—–]|\s+--?|--)\s*(?=[\"“‘'A-Z0-9])"
)


# An archive's section label opening a paragraph ("ABSTRACT. The mayor said ..."): not prose.
_SECTION_LABEL = re.compile(r"(?:ABSTRACT|FULL TEXT|SUMMARY|HIGHLIGHTS|LEAD|BODY)\s*[.:]\s+(?=\S)")


def dateline_end(text: str, start: int, end: int) -> int:
    """Offset just past a section label and/or a dateline opening the paragraph [start, end), or
    start if there is neither."""
    lab = _SECTION_LABEL.match(text, start, end)
    if lab is not None:
        start = lab.end()
    m = _DATELINE.match(text, start, min(end, start + 80))
    if m is None or m.end() >= end:
        return start
    if m["mixed"] and not (m["country"] or m["date"] or m["agency"]):
        return start
    return m.end()


def _sentences(text: str, paras: list[Paragraph], quotes: list[QuoteRegion]) -> list[Sentence]:
    out = []
    spans = [(q.start, q.end) for q in quotes]
    ordered = all(a[1] <= b[0] for a, b in pairwise(spans))  # disjoint, in text order (as _quotes makes them)
    starts = [qs for qs, _ in spans]

    def in_quote(pos: int, end: int, inside) -> bool:
        if ordered:  # only the last quotation opened before pos can hold it: no scan of all quotes
            k = bisect_left(starts, pos) - 1
            return k >= 0 and end < spans[k][1]
        return any(qs < pos and end < qe for qs, qe in inside)

    for pi, p in enumerate(paras):
        inside = () if ordered else [(q.start, q.end) for q in quotes if q.start < p.end and q.end > p.start]
        # the dateline is not part of the first sentence: parsed with it, its place becomes the
        # subject ("HALVERSTADT said")
        start = dateline_end(text, p.start, p.end)
        for m in _BOUNDARY.finditer(text, p.start, p.end):
            end = m.end()
            if in_quote(m.start(), end, inside):
                continue  # never split inside a quotation
            if not _is_boundary(text, m.start(), end, p.end):
                continue
            out.append(Sentence(start, end, pi))
            start = end
            while start < p.end and text[start].isspace():
                start += 1
        if start < p.end:
            out.append(Sentence(start, p.end, pi))
    return out


# A "sentence" longer than this is not prose (the longest in the eval and PolNeAR texts has 889
# characters): it is cut, so the cost of parsing and attributing one sentence stays bounded.
MAX_SENTENCE_CHARS = 2000
_CUTS = (". ", "; ", ", ", " ")


def _split_long(text: str, sentences: list[Sentence]) -> tuple[list[Sentence], int]:
    """Cut sentences over MAX_SENTENCE_CHARS at the last '. ', '; ', ', ' or space of each window."""
    out, n = [], 0
    for s in sentences:
        if s.end - s.start <= MAX_SENTENCE_CHARS:
            out.append(s)
            continue
        n += 1
        start = s.start
        while s.end - start > MAX_SENTENCE_CHARS:
            limit = start + MAX_SENTENCE_CHARS
            cut = limit
            for sep in _CUTS:
                k = text.rfind(sep, start + MAX_SENTENCE_CHARS // 2, limit)
                if k >= 0:
                    cut = k + len(sep.rstrip())
                    break
            out.append(Sentence(start, cut, s.paragraph))
            start = cut
            while start < s.end and text[start].isspace():
                start += 1
        if start < s.end:
            out.append(Sentence(start, s.end, s.paragraph))
    return out, n


def segment(doc: Document) -> Segments:
    paras = _paragraphs(doc)
    quotes, warnings = _quotes(doc.text, paras)
    sentences, cut = _split_long(doc.text, _sentences(doc.text, paras, quotes))
    if cut:
        warnings.append(f"{cut} sentence(s) longer than {MAX_SENTENCE_CHARS} characters were cut into pieces for attribution")
    for w in warnings:
        log.debug("segment: %s", w)
    return Segments(tuple(paras), tuple(sentences), tuple(quotes), tuple(warnings))
