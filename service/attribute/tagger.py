"""Learned attribution tagger: a linear-chain CRF over spaCy features, trained on PolNeAR.

PolNeAR's annotation is univocal (each token has at most one role in one attribution), so an
attribution can be read as a tag sequence: B/I-SRC (source), B/I-CUE (cue), B/I-CON (content),
O. The tagger labels every sentence; `spans()` turns the tags back into (content, cue, source)
triples. It runs *with* the rule engine: the rule engine's own tags are input features (stacking),
so the CRF learns where the rules are right and adds the long tail they miss (beliefs, polls,
documents, refusals, colons). Rules keep grounding, coreference and source typing; see
`attribute/__init__.py` for how the two are combined.

The weights are `service/models/attribution-tagger/tagger.crfsuite` (MODEL_CARD.md beside it; the
training command is `python -m service.attribute.tagger_train`). They are verified by SHA-256
before loading, like the LLM.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .lexicon import pairs, words

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "attribution-tagger"
MODEL_PATH = MODEL_DIR / "tagger.crfsuite"
SHA_PATH = MODEL_DIR / "tagger.crfsuite.sha256"
ROLES = ("SRC", "CUE", "CON")
QUOTES = set("\"“”«»„‟")


class TaggerLoadError(RuntimeError):
    """The tagger weights are missing or do not match their recorded SHA-256."""


@lru_cache(maxsize=1)
def _cue_lemmas() -> frozenset[str]:
    return words("cue_verbs") | frozenset(w for _, w in pairs("stance_verbs"))


@lru_cache(maxsize=1)
def _source_nouns() -> frozenset[str]:
    return frozenset(w for _, w in pairs("source_nouns"))


def _under_cue(t) -> str:
    """The relation by which token t hangs below the nearest cue-like verb above it
    ("ccomp" for the content clause of "said", "nsubj" for its speaker), or "-"."""
    cues = _cue_lemmas()
    child, node, hops = t, t.head, 0
    while node is not child and hops < 8:
        if node.lemma_.lower() in cues and node.pos_ in ("VERB", "AUX", "NOUN"):
            return child.dep_
        child, node, hops = node, node.head, hops + 1
    return "-"


def _verb_above(t) -> tuple[str, str]:
    """The nearest verb above token t and the relation of the branch t hangs on: lets the model
    learn cues the lexicon lacks ("urges", "sent") from the shape of the clause."""
    child, node, hops = t, t.head, 0
    while node is not child and hops < 8:
        if node.pos_ in ("VERB", "AUX"):
            return node.lemma_.lower(), child.dep_
        child, node, hops = node, node.head, hops + 1
    return "-", "-"


def sentence_features(sd, base: int, regions: list[tuple[int, int]], rule_tags: list[str],
                      first_in_par: bool) -> list[dict[str, float | str]]:
    """One feature dict per token of the parsed sentence `sd` (char offset `base`).

    `regions`: quote regions (char offsets) of the document; `rule_tags`: the rule engine's role
    per token ("SRC" / "CUE" / "CON" / "O")."""
    cues, nouns = _cue_lemmas(), _source_nouns()
    n = len(sd)
    root = next((t for t in sd if t.dep_ == "ROOT"), sd[0]) if n else None
    s_cue = "1" if any(t.lemma_.lower() in cues for t in sd) else "0"
    s_quote = "1" if any(t.text in QUOTES for t in sd) else "0"
    s_rule = "1" if any(r != "O" for r in rule_tags) else "0"
    base_f = []
    for t in sd:
        c = base + t.idx
        inq = any(s < c < e for s, e in regions)
        lem = t.lemma_.lower()
        f = {
            "b": 1.0,
            "w": t.lower_,
            "l": lem,
            "p": t.pos_,
            "t": t.tag_,
            "d": t.dep_,
            "sh": t.shape_[:4],
            "e": f"{t.ent_iob_}{t.ent_type_}",
            "hl": t.head.lemma_.lower(),
            "hp": t.head.pos_,
            "dhl": f"{t.dep_}>{t.head.lemma_.lower()}",
            "q": "1" if inq else "0",
            "qc": "1" if t.text in QUOTES else "0",
            "cue": "1" if lem in cues else "0",
            "hcue": "1" if t.head.lemma_.lower() in cues else "0",
            "src": "1" if lem in nouns else "0",
            "uc": _under_cue(t),
            "r": rule_tags[t.i],
            "rp": rule_tags[t.i - 1] if t.i else "^",
            "rn": rule_tags[t.i + 1] if t.i + 1 < n else "$",
            "par1": "1" if first_in_par else "0",
            "rl": root.lemma_.lower(),
            "side": "<" if t.i < root.i else (">" if t.i > root.i else "="),
            "scue": s_cue,
            "squo": s_quote,
            "srule": s_rule,
            "h2l": t.head.head.lemma_.lower(),
        }
        av, avd = _verb_above(t)
        f["av"] = av
        f["avd"] = avd
        f["av_avd"] = f"{av}>{avd}"
        if t.i == 0:
            f["BOS"] = 1.0
        if t.i == n - 1:
            f["EOS"] = 1.0
        kids = {k.dep_ for k in t.children}
        if "ccomp" in kids:
            f["k:ccomp"] = 1.0
        if "nsubj" in kids:
            f["k:nsubj"] = 1.0
        if any(k.dep_ == "mark" and k.lower_ == "that" for k in t.children):
            f["k:that"] = 1.0
        base_f.append(f)
    out = []
    for i, f in enumerate(base_f):
        g = dict(f)
        for off in (-2, -1, 1, 2):
            j = i + off
            if 0 <= j < n:
                h = base_f[j]
                g[f"{off}:l"] = h["l"]
                g[f"{off}:p"] = h["p"]
                g[f"{off}:r"] = h["r"]
                if abs(off) == 1:
                    g[f"{off}:d"] = h["d"]
                    g[f"{off}:q"] = h["q"]
        out.append(g)
    return out


@dataclass(frozen=True)
class TagSpan:
    role: str  # SRC | CUE | CON
    start: int  # token indices into the sentence, half-open
    end: int
    cont: bool  # starts with I- at the sentence's first token: continues the previous sentence
    prob: float  # mean marginal probability of its tags


def spans(tags: list[str], probs: list[float]) -> list[TagSpan]:
    """Tag sequence -> role spans (a B- or a change of role opens a new span)."""
    out: list[TagSpan] = []
    cur = None
    for i, tag in enumerate(tags + ["O"]):
        role = tag[2:] if tag != "O" else None
        if cur is not None and (role != cur[0] or tag.startswith("B-")):
            r, s, cont = cur
            p = sum(probs[s:i]) / (i - s)
            out.append(TagSpan(r, s, i, cont, p))
            cur = None
        if role is not None and cur is None:
            cur = (role, i, i == 0 and tag.startswith("I-"))
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Tagger:
    def __init__(self, path: Path = MODEL_PATH, sha_path: Path | None = SHA_PATH):
        import pycrfsuite

        if not path.exists():
            raise TaggerLoadError(f"attribution tagger weights missing: {path}")
        if sha_path is not None:
            want = sha_path.read_text().split()[0] if sha_path.exists() else None
            got = _sha256(path)
            if want != got:
                raise TaggerLoadError(f"attribution tagger {path.name}: sha256 {got} != recorded {want}; refusing to load")
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(path))
        self.path = path
        # one crfsuite tagger holds the last sequence for marginal(): concurrent requests must not interleave
        self._lock = threading.Lock()

    def tag(self, feats: list[dict]) -> tuple[list[str], list[float]]:
        if not feats:
            return [], []
        with self._lock:
            tags = self._tagger.tag(feats)
            probs = [self._tagger.marginal(t, i) for i, t in enumerate(tags)]
        return list(tags), probs


@lru_cache(maxsize=1)
def load_tagger() -> Tagger:
    path = Path(os.environ.get("CLAIMTRACE_TAGGER_PATH", MODEL_PATH))
    sha = None if "CLAIMTRACE_TAGGER_PATH" in os.environ else SHA_PATH
    t = Tagger(path, sha)
    log.info("loaded attribution tagger %s", path)
    return t
