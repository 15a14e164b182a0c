"""service/cache.py: the sqlite results cache keeps what it is given, evicts the least recently used,
indexes results by response id (with the article text) and survives a reopen."""
from __future__ import annotations

import json

from service.cache import ResultsCache


def body(result_id: str, n: int = 0) -> str:
    return json.dumps({"id": result_id, "n": n})


def test_get_put_and_miss(tmp_path):
    cache = ResultsCache(tmp_path / "c.sqlite")
    assert cache.get("k1") is None
    cache.put("k1", body("r1"))
    assert json.loads(cache.get("k1")) == {"id": "r1", "n": 0}
    cache.put("k1", body("r1", 2))  # a re-put replaces
    assert json.loads(cache.get("k1"))["n"] == 2
    assert len(cache) == 1


def test_least_recently_used_is_evicted_with_its_id(tmp_path):
    cache = ResultsCache(tmp_path / "c.sqlite", max_entries=2)
    cache.put("a", body("ra"))
    cache.put("b", body("rb"))
    assert cache.get("a") is not None  # a is now more recent than b
    cache.put("c", body("rc"))
    assert len(cache) == 2
    assert cache.get("b") is None and cache.by_id("rb") is None
    assert cache.get("a") is not None and cache.get("c") is not None


def test_by_id_keeps_the_document_text_given_once(tmp_path):
    cache = ResultsCache(tmp_path / "c.sqlite")
    cache.put("k", body("r"), document_text="The article.")
    assert cache.by_id("r") == (body("r"), "The article.")
    cache.put("k", body("r"))  # stored again without the text: the text stays
    assert cache.by_id("r") == (body("r"), "The article.")
    assert cache.by_id("nope") is None
    cache.put("k2", "not json")  # no id to index, still cached by key
    assert cache.get("k2") == "not json"


def test_survives_reopen(tmp_path):
    ResultsCache(tmp_path / "c.sqlite").put("k", body("r"), document_text="t")
    again = ResultsCache(tmp_path / "c.sqlite")
    assert again.get("k") == body("r") and again.by_id("r") == (body("r"), "t")
