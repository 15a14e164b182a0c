"""The one seam between ClaimTrace and a language model: chat prompts in, texts out."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from ..schema import ModelInfo

Message = dict[str, str]  # {"role": "system"|"user"|"assistant", "content": "..."}


@dataclass(frozen=True)
class GenParams:
    max_new_tokens: int = 220
    stop: tuple[str, ...] = ()
    time_budget_s: float | None = None  # exceeded -> GenerationTimeout
    # Text each answer is forced to start with, one per prompt (constrained decoding of the
    # output's shape: e.g. "Sergei K. Shoigu said"); empty means free.
    prefixes: tuple[str, ...] = ()

    def prefix(self, i: int) -> str:
        return self.prefixes[i] if i < len(self.prefixes) else ""


@dataclass
class Generation:
    text: str
    prompt_tokens: int = 0
    new_tokens: int = 0
    seconds: float = 0.0
    stopped_by: str = "eos"  # eos | stop | length
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class LoadReport:
    """How a backend came up: what the bench and the logs read, so no caller needs its internals."""

    seconds: float = 0.0
    source: str = "none"  # where the weights came from: "int4-cache", "gguf-int4-convert", "gguf", ...
    weight_bytes: int | None = None  # weight bytes one decode step reads (the token embedding is only indexed)
    loaded_bytes: int | None = None  # every weight byte as loaded (what peak RSS is compared with)
    path: str | None = None  # the verified weights file (a GGUF for the llama.cpp anchor)


class Backend(Protocol):
    """What callers use, and all they use: `info` (in responses and the cache key) and `generate`.

    Local backends also carry `load` (a LoadReport); read it through `backends.load_report`, which
    answers for any backend. Remote engines may add `check_live()` (for /healthz) and `in_flight`
    (for /metrics); callers look those up with getattr and treat them as optional."""

    info: ModelInfo

    def generate(self, prompts: list[list[Message]], params: GenParams) -> list[Generation]:
        """One Generation per prompt, same order. Greedy: the same prompt gives the same text."""
        ...


# ---------------------------------------------------------------------------------------------
# Article text is data, never chat markup (issue 10 item 6: an article containing
# "<|im_end|><|im_start|>system ... HACKED 9999" was tokenized into real control tokens and obeyed).
# Backends render the template around placeholders, tokenize the template's own markup with
# special-token parsing on and every message text (and the forced prefix) with it off, after
# making any control-token string in it inert.

# ChatML-style markers of any model family ("<|im_start|>", "<|eot_id|>", "<|endoftext|>")
_MARKER = re.compile(r"<\|[^<>|\s]{1,64}\|>|</?tool_call>")
_JOINER = "\u2060"  # WORD JOINER: invisible, keeps the text readable, breaks the token's string
_SLOT = re.compile("\ue000(\\d+)\ue001")  # private-use marks: never in a template


def neutralise(text: str, specials: Iterable[str] = ()) -> str:
    """`text` with every control-token string ("<|im_end|>", and each of `specials`) broken by a
    word joiner after its first character: visible as before, inert for any tokenizer."""
    for s in sorted({s for s in specials if len(s) > 1}, key=len, reverse=True):
        if s in text:
            text = text.replace(s, s[0] + _JOINER + s[1:])
    return _MARKER.sub(lambda m: m.group(0)[0] + _JOINER + m.group(0)[1:], text)


def has_markup(messages: list[Message], prefix: str, specials: Iterable[str] = ()) -> bool:
    texts = [m["content"] for m in messages] + [prefix]
    specials = list(specials)
    return any(_MARKER.search(t) or any(s in t for s in specials) for t in texts)


def template_pieces(render: Callable[[list[Message]], str], messages: list[Message],
                    prefix: str = "") -> list[tuple[str, bool]] | None:
    """The rendered prompt as (piece, is_text): template markup (False) and message texts and
    prefix (True), in order. None when the template does not place each text exactly once."""
    slots = [dict(m, content=f"\ue000{i}\ue001") for i, m in enumerate(messages)]
    rendered = render(slots)
    found = [int(m.group(1)) for m in _SLOT.finditer(rendered)]
    if sorted(found) != list(range(len(messages))):
        return None
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for m in _SLOT.finditer(rendered):
        if m.start() > pos:
            pieces.append((rendered[pos : m.start()], False))
        pieces.append((messages[int(m.group(1))]["content"], True))
        pos = m.end()
    if pos < len(rendered):
        pieces.append((rendered[pos:], False))
    if prefix:
        pieces.append((prefix, True))
    return pieces
