"""A deterministic stand-in model for plumbing tests: instant, no weights.

It answers the summarize prompts the way a careful model would, from the claims in the prompt
itself, so the parser and verifier run on realistic text.
"""
from __future__ import annotations

import re

from ..config import Settings
from ..schema import ModelInfo
from .base import Generation, GenParams, LoadReport, Message

_TRIM = " .,“”\"'"
_CLAIM_LINE = re.compile(r"^\[(c\d+)\] (.+?) \((?:direct|indirect|mixed) claim\): (.+)$", re.M)  # summarize.v1
_ONE_CLAIM = re.compile(r"^Claim: (.+)$", re.M)  # summarize.v2


class FakeBackend:
    def __init__(self, settings: Settings | None = None, *, reply: str | None = None):
        self.info = ModelInfo(name="fake", backend="fake", dtype=None, sha256=None)
        self.load = LoadReport(source="none")
        self._reply = reply
        self.calls: list[list[Message]] = []

    def generate(self, prompts: list[list[Message]], params: GenParams) -> list[Generation]:
        out = []
        for i, messages in enumerate(prompts):
            self.calls.append(messages)
            prompt = messages[-1]["content"]
            # like a real backend, the returned text starts with the forced prefix
            text = params.prefix(i) + self._reply if self._reply is not None else self._answer(prompt, params.prefix(i))
            out.append(Generation(text=text, prompt_tokens=len(prompt) // 4, new_tokens=len(text) // 4))
        return out

    @staticmethod
    def _answer(prompt: str, prefix: str) -> str:
        one = _ONE_CLAIM.search(prompt)
        if one:
            content = one.group(1).strip(_TRIM)
            return f"{prefix} {content}." if prefix else content[:1].upper() + content[1:] + "."
        lines = []
        for cid, source, content in _CLAIM_LINE.findall(prompt)[:2]:
            lines.append(f"{source} said {content.strip(_TRIM)}. [{cid}]")
        return "\n".join(lines) or "No attributed claims were found."
