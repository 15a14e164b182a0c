"""The one seam between ClaimTrace and a language model: chat prompts in, texts out."""
from __future__ import annotations

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


class Backend(Protocol):
    info: ModelInfo

    def generate(self, prompts: list[list[Message]], params: GenParams) -> list[Generation]:
        """One Generation per prompt, same order. Greedy: the same prompt gives the same text."""
        ...
