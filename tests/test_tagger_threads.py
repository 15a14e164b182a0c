"""The attribution tagger is shared by every request's thread: concurrent calls give each caller its
own sequence's tags and marginals (a soak at concurrency 3 hit 'The position, 21 is out of range of 21')."""
from __future__ import annotations

import threading

from service.attribute.tagger import load_tagger


def _feats(n: int, word: str) -> list[dict]:
    return [{"w": f"{word}{i % 3}", "bias": 1.0} for i in range(n)]


def test_concurrent_tagging_never_mixes_sequences():
    tagger = load_tagger()
    inputs = {n: _feats(n, "said" if n % 2 else "the") for n in (3, 21, 40, 77)}
    expected = {n: tagger.tag(f) for n, f in inputs.items()}
    errors: list[BaseException] = []

    def hammer(n: int) -> None:
        try:
            for _ in range(300):
                assert tagger.tag(inputs[n]) == expected[n]
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in inputs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
