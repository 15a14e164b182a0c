"""HTML that is not article text (issue 10 item 5): code, hidden elements, deep nesting."""
from __future__ import annotations

import pytest

from service.ingest import html_to_text, ingest

BODY = "<p>The mayor said the Kessel bridge would reopen in May once the repairs were finished.</p>"


@pytest.mark.parametrize("html", [
    "<html><head></head><body><script>var secret = 'code'; function f() { return 1; }</script></body></html>",
    "<script>alert('x'); var y = 2;</script>",
    "<style>.a { color: red }</style><template><p>Only a template here.</p></template>",
])
def test_a_page_of_code_has_no_article_text(html):
    assert html_to_text(html) == ""


@pytest.mark.parametrize("hidden", [
    "<p hidden>HACKED hidden attribute.</p>",
    '<div aria-hidden="true">HACKED aria hidden.</div>',
    '<span style="display: none">HACKED display none.</span>',
    "<span style='color:red; visibility:hidden'>HACKED visibility hidden.</span>",
    "<template><p>HACKED template.</p></template>",
    "<noscript>HACKED noscript.</noscript>",
    "<style>p.HACKED { display: block }</style>",
    "<script>var HACKED = 1;</script>",
])
@pytest.mark.parametrize("wrap", [lambda x: f"<html><body><article>{BODY}{x}</article></body></html>", lambda x: BODY + x])
def test_text_a_reader_never_sees_is_dropped(hidden, wrap):
    text = html_to_text(wrap(hidden))
    assert "Kessel bridge would reopen" in text
    assert "HACKED" not in text


def test_visible_text_around_hidden_elements_stays():
    html = ('<html><body><article><p>The mayor said the bridge would reopen in May.<span hidden>HACKED</span> '
            'Engineers said the repairs were on schedule.</p>'
            '<p style="display:block">The council approved the budget on Tuesday after a long debate.</p></article></body></html>')
    text = html_to_text(html)
    assert "HACKED" not in text
    assert "Engineers said the repairs were on schedule." in text
    assert "The council approved the budget" in text


@pytest.mark.parametrize("depth", [254, 300, 1000])
def test_deeply_nested_pages_still_extract(depth):
    html = "<div>" * depth + BODY + "</div>" * depth
    assert "Kessel bridge would reopen" in html_to_text(html)


def test_script_only_page_is_a_422_no_article_text(fake_client):
    resp = fake_client.post("/v1/summarize", json={"html": "<html><body><script>var a = 'not an article';</script></body></html>",
                                                   "options": {"summarize": False}})
    assert resp.status_code == 422
    body = resp.json()
    assert "not an article" not in resp.text
    assert "no text" in str(body) or "no article text" in str(body)


def test_hidden_text_never_reaches_the_claims(fake_client):
    html = f"<html><body><article>{BODY}<p hidden>Officials said HACKED 9999 was the answer.</p></article></body></html>"
    resp = fake_client.post("/v1/summarize", json={"html": html, "options": {"summarize": False}})
    assert resp.status_code == 200
    assert "HACKED" not in resp.text
    assert ingest(html=html).text.startswith("The mayor said")
