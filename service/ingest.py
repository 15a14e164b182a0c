"""Ingest: text | html -> Document.

Cleaning never rewrites the text: junk (sponsor banners, paywall notices, captions, page chrome)
is *reported* as removed ranges so every later offset still indexes the text exactly as sent.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .deadline import check
from .lexicons import pairs
from .schema import Removed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Document:
    text: str  # every offset in the response indexes this string
    removed: tuple[Removed, ...] = ()
    title: str | None = None
    from_html: bool = False
    warnings: tuple[str, ...] = field(default=())

    def kept(self) -> list[tuple[int, int]]:
        """Complement of the removed ranges: where the article body lives."""
        out, pos = [], 0
        for r in sorted(self.removed, key=lambda r: r.start):
            if r.start > pos:
                out.append((pos, r.start))
            pos = max(pos, r.end)
        if pos < len(self.text):
            out.append((pos, len(self.text)))
        return out


@lru_cache(maxsize=None)
def _junk_patterns() -> list[tuple[re.Pattern[str], str]]:
    """Line patterns from lexicons/junk_lines.en.txt: `reason<TAB>regex` per line."""
    return [(re.compile(pattern, re.IGNORECASE), reason) for reason, pattern in pairs("junk_lines", lower=False)]


_SENTENCE_END = re.compile(r"[.!?…”\"’')]\s*$")  # '' closes quotes in some wire copy
_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+")


_CREDIT = re.compile(r"©|\bcopyright\b|all rights reserved|\b(reporting|editing|writing|compiled|contributed)\b.{0,40}\bby\b"
                     r"|\bsign up\b|\bnewsletter\b|\bread more\b|\bfollow (us|him|her|them)\b|contributed to this report",
                     re.IGNORECASE)


def _closing_sentence(line: str) -> bool:
    """A short last sentence of the story ("The election will be held on November 16."), not the
    credits, copyright and sign-up lines that follow a body: capitalised, ending like a sentence,
    not a headline."""
    s = line.strip()
    return len(_WORD.findall(s)) >= 4 and s[:1].isupper() and bool(_SENTENCE_END.search(s)) \
        and not s.startswith("(") and not _CREDIT.search(s) and not title_case(s)


def _line_reason(line: str) -> str | None:
    for pattern, reason in _junk_patterns():
        if pattern.search(line):
            return reason
    return None


def title_case(text: str) -> bool:
    """Headline capitalisation: nearly every longer word capitalised (not shouted in capitals, which
    is how transcripts label speakers), as in "Tolvane Bank Abruptly Drops 85 Branches, 1,200 Jobs in
    Shift to…". Prose, even full of names, keeps its verbs and function words lower-case."""
    long_ = [w for w in _WORD.findall(text) if len(w) > 3 and not w.isupper()]
    return len(long_) >= 4 and sum(w[0].isupper() for w in long_) >= 0.8 * len(long_)


def _is_prose(line: str) -> bool:
    """A body line: several words and ending like a sentence."""
    return len(_WORD.findall(line)) >= 8 and bool(_SENTENCE_END.search(line))


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, end excluding the newline."""
    spans, pos = [], 0
    for m in re.finditer(r"\n", text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return spans


def find_junk(text: str) -> list[Removed]:
    """Junk lines of a scraped page, as removed ranges (line text only, newlines kept).

    Two signals: lines matching the junk lexicon anywhere, and the run of short non-prose lines
    before the first prose paragraph (mastheads, dates, bylines, menu items) or after the last.
    A headline right before the body is kept unless the lexicon marks it.
    """
    lines = [(s, e) for s, e in _lines(text) if text[s:e].strip()]
    marks: dict[int, str] = {}
    for i, (s, e) in enumerate(lines):
        reason = _line_reason(text[s:e])
        if reason:
            marks[i] = reason
    prose = [i for i, (s, e) in enumerate(lines) if i not in marks and _is_prose(text[s:e])]
    if prose:
        # the body starts at the first prose line that is not a headline: a headline ending like a
        # sentence ("... in Shift to…", "... Clinton Camp’") stays, the deck and byline under it go
        first = next((i for i in prose if not title_case(text[lines[i][0] : lines[i][1]])), prose[0])
        last = prose[-1]
        # Page chrome before the body: short non-prose lines. The line just before the body is
        # a headline when it looks like a title (several words, no terminal period).
        for i in range(first):
            if i in marks or i in prose:
                continue
            line = text[lines[i][0] : lines[i][1]].strip()
            if i == first - 1 and len(_WORD.findall(line)) >= 4 and not line.endswith("."):
                marks[i] = "headline"
            else:
                marks[i] = "boilerplate"
        for i in range(last + 1, len(lines)):
            line = text[lines[i][0] : lines[i][1]]
            if i not in marks and not _is_prose(line) and not _closing_sentence(line):
                marks[i] = "boilerplate"
    removed = []
    for i in sorted(marks):
        s, e = lines[i]
        # trim surrounding whitespace so the range is exactly the junk
        raw = text[s:e]
        s2 = s + (len(raw) - len(raw.lstrip()))
        e2 = e - (len(raw) - len(raw.rstrip()))
        if e2 > s2:
            removed.append(Removed(start=s2, end=e2, reason=marks[i]))
    return _merge(removed, text)


def _merge(removed: list[Removed], text: str) -> list[Removed]:
    """Join neighbouring ranges of one reason separated only by whitespace."""
    out: list[Removed] = []
    for r in removed:
        if out and out[-1].reason == r.reason and not text[out[-1].end : r.start].strip():
            out[-1] = Removed(start=out[-1].start, end=r.end, reason=r.reason)
        else:
            out.append(r)
    return out


# Elements whose text a reader never sees: code, styles, inert templates, fallbacks for disabled
# scripts, embedded documents. Their text is not article text (and is a channel for instructions
# hidden from readers but read by a model), so it is dropped before extraction.
_INVISIBLE_TAGS = ("script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "canvas")
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse))\s*(?:!important\s*)?(?:;|$)", re.I)


def _is_hidden(el) -> bool:
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").strip().lower() == "true":
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def visible_tree(html: str):
    """The page parsed without the text a browser would not show (see _INVISIBLE_TAGS, `hidden`,
    aria-hidden="true", inline display:none / visibility:hidden) and without comments, or None.
    `huge_tree` lifts libxml2's nesting limit of 256 levels, so deeply nested pages still parse."""
    from lxml import etree
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
    try:
        try:
            tree = lxml_html.document_fromstring(html, parser=parser)
        except ValueError:  # a str that declares its own encoding
            tree = lxml_html.document_fromstring(html.encode("utf-8"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    doomed = [el for el in tree.iter() if isinstance(el.tag, str) and (el.tag.lower() in _INVISIBLE_TAGS or _is_hidden(el))]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()  # the element and its text; the text after it (its tail) stays
    _flatten_deep(tree)
    return tree


MAX_HTML_DEPTH = 128  # deeper elements are unwrapped (their text kept): no reader sees the difference


def _flatten_deep(tree) -> None:
    """Unwrap every element nested deeper than MAX_HTML_DEPTH, keeping its text and children in
    place. Text extraction (trafilatura, lxml's text_content) costs depth x size in C code that no
    deadline check can reach: a page nested 2,000 deep took 9 s on 180 KB."""
    from lxml import etree

    depth, deep = 0, []
    for event, el in etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            depth += 1
            if depth > MAX_HTML_DEPTH:
                deep.append(el)
        else:
            depth -= 1
    for i, el in enumerate(deep):
        if i % 512 == 0:
            check()
        el.drop_tag()


def _all_text(tree) -> str:
    """The tree's text in document order, as `text_content()` gives it, but node by node with the
    request's deadline checked (libxml2's string() takes seconds on a page nested thousands deep)."""
    parts = []
    for i, piece in enumerate(tree.itertext()):
        if i % 512 == 0:
            check()
        parts.append(piece)
    return "".join(parts)


def html_to_text(html: str) -> str:
    import trafilatura

    tree = visible_tree(html)
    if tree is None:
        return ""
    text = trafilatura.extract(tree, include_comments=False, include_tables=False, favor_recall=True)
    if not text:
        # trafilatura finds no main content in tiny fragments; fall back to all visible text
        text = _all_text(tree)
    # trafilatura separates paragraphs by single newlines; a blank line makes paragraphs explicit
    return re.sub(r"\n(?=\S)", "\n\n", text.strip())


def ingest(text: str | None = None, html: str | None = None, title: str | None = None) -> Document:
    if html is not None:
        body = html_to_text(html)
        return Document(text=body, removed=tuple(find_junk(body)), title=title, from_html=True)
    assert text is not None
    return Document(text=text, removed=tuple(find_junk(text)), title=title)
