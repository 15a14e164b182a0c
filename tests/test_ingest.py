"""Ingest: junk is reported as removed ranges; the text and its offsets never change."""
from __future__ import annotations

import pytest

from service.ingest import find_junk, ingest

BODY = (
    "The council voted 7-2 on Tuesday to close the Kessel Street depot, ending a decade of debate.\n\n"
    "“This is the right decision for the city,” said Ana Ruiz, the council’s chair, after the vote.\n"
)


def removed_texts(text: str) -> list[tuple[str, str]]:
    return [(r.reason, text[r.start : r.end]) for r in find_junk(text)]


@pytest.mark.parametrize(
    "junk, reason",
    [
        ("Advertisement", "advertisement"),
        ("Sponsored content: Try our new app today", "advertisement"),
        ("We use cookies to improve your experience. Accept all cookies", "cookies"),
        ("Sign up for our morning briefing", "newsletter"),
        ("Read more: Depot plan stalls again", "related"),
        ("Share on Facebook", "share"),
        ("This article is for subscribers only.", "paywall"),
        ("Photo: Ana Ruiz at the council meeting. Credit: Jo Bell for the Kessel Courier", "caption"),
    ],
)
def test_junk_line_inside_body_is_removed(junk, reason):
    paragraphs = BODY.split("\n\n")
    text = paragraphs[0] + "\n\n" + junk + "\n\n" + paragraphs[1]
    found = removed_texts(text)
    assert (reason, junk) in found, found
    # the article's own sentences are never removed
    assert all("council voted" not in t and "Ana Ruiz, the council" not in t for _, t in found)


def test_clean_article_has_nothing_removed():
    assert find_junk(BODY) == []


def test_seed_junk_is_removed_and_offsets_untouched(seed_text):
    doc = ingest(text=seed_text)
    assert doc.text == seed_text
    removed = [seed_text[r.start : r.end] for r in doc.removed]
    joined = "\n".join(removed).replace("\xa0", " ")  # the page uses no-break spaces
    for junk in ["THE AMERICA ONE NEWS", "Sponsor:", "QWIKET: Elevate your fantasy game!", "NextImg:",
                 "Thank you for your patience while we verify access.", "Already a subscriber? Log in.",
                 "Want all of The Times? Subscribe."]:
        assert junk in joined, junk
    kept = " ".join(seed_text[s:e] for s, e in doc.kept()).replace("\xa0", " ")
    assert "a Russian official said Tuesday" in kept
    assert "Their labor violates U.N. Security Council sanctions" in kept
    assert "Subscribe" not in kept and "Sponsor" not in kept


def test_html_is_converted_and_junk_reported():
    html = ("<html><head><title>x</title><script>var a=1;</script></head><body><nav>Home | World</nav>"
            "<article><h1>Depot to close</h1>" + "".join(f"<p>{p}</p>" for p in BODY.split("\n\n"))
            + "<p>Advertisement</p></article><footer>© Kessel Courier</footer></body></html>")
    doc = ingest(html=html)
    assert doc.from_html
    assert "council voted 7-2" in doc.text and "<p>" not in doc.text and "var a=1" not in doc.text
    assert any(doc.text[r.start : r.end] == "Advertisement" for r in doc.removed)


def test_wire_dateline_and_double_apostrophe_quotes_are_body():
    text = (
        "WASHINGTON (AP) — The council met on Monday to debate the budget for the coming year.\n\n"
        "''We will not cut the clinics,'' the chair said after the vote on Monday evening.\n\n"
        "''It is a fair budget for every district in the city,'' she added later that night.''\n"
    )
    assert find_junk(text) == []


def test_a_headline_cut_off_with_an_ellipsis_stays_and_the_deck_and_byline_under_it_go():
    text = ("Harrowby Bank Abruptly Drops 40 Branches, 900 Jobs in Shift to…\n\n"
            "Lender blames apps; union threatens strike\n\n"
            "By Ola Dunn, Banking Correspondent\n\n" + BODY)
    gone = " ".join(t for _, t in removed_texts(text))
    assert "Lender blames" in gone and "Ola Dunn" in gone and "Abruptly Drops" not in gone


def test_liveblog_timestamp_lines_are_removed():
    text = BODY + "\n15:20 GMT\nPolice have closed the bridge, the force said on Tuesday evening.\n\n" \
                  "10:42 a.m. ET\nThe river peaked at noon, according to the hydrology service today.\n"
    assert [(r, t) for r, t in removed_texts(text) if r == "timestamp"] == [("timestamp", "15:20 GMT"),
                                                                           ("timestamp", "10:42 a.m. ET")]


def test_a_short_last_sentence_is_body_but_credits_and_copyright_after_it_are_not():
    text = BODY + "\nRelated: Who are the candidates?\n\nThe election will be held on November 16.\n\n" \
                  "Editing by Lotte Brandt\n\n© 2026 The Fennick Courier. All rights reserved.\n"
    gone = " ".join(t for _, t in removed_texts(text))
    assert "November 16" not in gone
    assert "Lotte Brandt" in gone and "All rights reserved" in gone and "Related:" in gone
