"""Versioned prompt files: prompts/<task>.v<n>.jinja = TOML front matter + a Jinja template.

Released files are never edited; a change is a new version beside the old one, and the id
(`summarize.v1`) goes into every response's prompt_versions and into the response id.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
_FRONT = re.compile(r"\A\+\+\+\n(.*?)\n\+\+\+\n", re.S)
_SECTION = re.compile(r"^### (system|user|assistant)\n", re.M)


@dataclass(frozen=True)
class Prompt:
    version: str
    params: dict
    template: jinja2.Template

    def render(self, **context) -> list[dict[str, str]]:
        """Chat messages: the template's `### role` sections in order."""
        text = self.template.render(**context)
        parts = _SECTION.split(text)
        messages = []
        for role, content in zip(parts[1::2], parts[2::2], strict=True):
            messages.append({"role": role, "content": content.strip()})
        if not messages:
            raise ValueError(f"prompt {self.version} has no '### system|user' section")
        return messages


def available() -> list[str]:
    return sorted(p.name.removesuffix(".jinja") for p in PROMPTS_DIR.glob("*.v*.jinja"))


def require(version: str) -> str:
    """`version` if its file exists, else ValueError naming the ones that do (settings call this at
    start-up, so a typo in CLAIMTRACE_SUMMARY_PROMPT stops the service before the first request)."""
    if not (PROMPTS_DIR / f"{version}.jinja").is_file():
        raise ValueError(f"unknown prompt {version!r}: no prompts/{version}.jinja; available: {', '.join(available())}")
    return version


@cache
def load(version: str) -> Prompt:
    path = PROMPTS_DIR / f"{version}.jinja"
    if not path.is_file():
        raise KeyError(f"unknown prompt {version!r}; available: {', '.join(available())}")
    raw = path.read_text(encoding="utf-8")
    m = _FRONT.match(raw)
    if not m:
        raise ValueError(f"{path.name}: missing +++ front matter +++")
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    return Prompt(version=version, params=tomllib.loads(m.group(1)), template=env.from_string(raw[m.end() :]))
