"""The wire contract: the one place the request, response, error and eval-fixture shapes are declared.

The service builds responses from these types and the eval suite validates fixtures and
responses with them, so a contract change fails loudly in both places. docs/contract.md is generated
from this module (`python docs/make_contract.py`; tests/test_contract_doc.py fails when it is stale), so
the class docstrings and field descriptions here are the documentation: field names may grow, what is
here should not change meaning.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ClaimKind = Literal["direct", "indirect", "mixed", "unsourced"]
SourceType = Literal[
    "person", "organization", "government", "media", "intelligence", "document", "anonymous", "reporter"
]
ATTRIBUTED_KINDS = ("direct", "indirect", "mixed")
SOURCE_TYPES = ("person", "organization", "government", "media", "intelligence", "document", "anonymous", "reporter")


class Span(BaseModel):
    """Half-open character range into the document text, with the text it covers."""

    model_config = ConfigDict(frozen=True)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} before start {self.start}")
        if len(self.text) != self.end - self.start:
            raise ValueError("span text length does not match its offsets")
        return self

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(start=start, end=end, text=text[start:end])

    def grounded_in(self, text: str) -> bool:
        return text[self.start : self.end] == self.text


class Removed(BaseModel):
    """A range of the document that is junk (boilerplate, advertisement, caption...): reported, never cut
    out of the text, so offsets are untouched."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    reason: str


class Claim(BaseModel):
    """One claim in the article. `content` is what is claimed (inside the quote marks for a quote), `cue`
    the attributing words ("told reporters"), `source_mention` the words naming the source here ("he").
    `source_id` always names a source in `sources`; kind `unsourced` (the reporter's own assertion) goes
    with the one source of type `reporter`, and only with it."""

    id: str  # "c1", "c2"...: what summary sentences cite
    kind: ClaimKind  # direct (a quote), indirect (reported speech), mixed, unsourced (the reporter's own)
    content: Span
    cue: Span | None = None
    source_mention: Span | None = None
    source_id: str
    # how sure the engine is, 0-1 (the learned tagger's additions stay below 0.8)
    confidence: float = Field(ge=0.0, le=1.0)


class Source(BaseModel):
    """A source, resolved across the article: "a Russian official", "Mr. Shoigu" and "he" are one source,
    with a canonical `name`, a `type`, an optional `description` and every mention."""

    id: str  # "s1", "s2"...
    name: str
    type: SourceType
    description: str | None = None  # from an apposition or title in the article ("close aide to ...")
    mentions: list[Span] = Field(default_factory=list)


class SummarySentence(BaseModel):
    """One summary sentence and the claims it rests on. Every `claim_ids` entry names a claim; its numbers
    and proper names occur in the article; a sentence that rests on an attributed claim names its source.
    `verified` is false when a check failed and the sentence could not be repaired."""

    text: str
    claim_ids: list[str] = Field(default_factory=list)
    verified: bool = True


class ModelInfo(BaseModel):
    """The model that wrote the summary (also `GET /v1/model`); `sha256` of the weights file it loaded."""

    name: str
    backend: str
    dtype: str | None = None
    sha256: str | None = None


class DocumentInfo(BaseModel):
    """What the offsets index. For a `text` request: the text exactly as sent (`text` is then omitted);
    for an `html` request: the plain text extracted from the page, returned in full as `text`."""

    text: str | None = None  # returned in full for html requests only
    length: int
    title: str | None = None  # echoed from the request
    url: str | None = None
    removed: list[Removed] = Field(default_factory=list)


class SummarizeOptions(BaseModel):
    """Strictly typed: `"3"` is not 3, `"no"` is not false."""

    model_config = ConfigDict(extra="forbid")
    max_sentences: int | None = Field(
        default=None, ge=1, le=6, strict=True,
        description="a cap; the summary length follows the article (about 1 sentence per 150 words, 3-6)")
    style: Literal["prose", "bullets"] = "prose"
    summarize: bool = Field(default=True, strict=True, description="false skips the model and returns claims only")


# What str.strip() removes (str.isspace), as a JSON-schema character class: "non-blank" in the
# OpenAPI means exactly what the validator below checks.
_BLANK = r"\t-\r\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NON_BLANK = f"[^{_BLANK}]"


def _one_body(name: str, other: str) -> dict:
    return {"required": [name], "properties": {name: {"type": "string", "pattern": NON_BLANK}, other: {"type": "null"}}}


class SummarizeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "description": "Exactly one of `text` or `html`, and it must not be blank (empty or only whitespace).",
        "oneOf": [_one_body("text", "html"), _one_body("html", "text")],
    })
    text: str | None = Field(default=None, description="the article as plain text; exactly one of text/html, non-blank",
                             json_schema_extra={"pattern": NON_BLANK})
    html: str | None = Field(default=None, description="the article as an HTML page; exactly one of text/html, non-blank",
                             json_schema_extra={"pattern": NON_BLANK})
    title: str | None = Field(default=None, max_length=1000)
    url: str | None = Field(default=None, max_length=4000)
    options: SummarizeOptions = Field(default_factory=SummarizeOptions)

    @model_validator(mode="after")
    def _exactly_one_body(self) -> SummarizeRequest:
        if (self.text is None) == (self.html is None):
            raise ValueError("send exactly one of 'text' or 'html'")
        body = self.text if self.text is not None else self.html
        if not body or not body.strip():
            raise ValueError("'text'/'html' is empty or only whitespace")
        return self


class ErrorDetail(BaseModel):
    code: str = Field(description="a stable machine-readable code, e.g. invalid_input, input_too_large, overloaded")
    message: str = Field(description="what went wrong and where, for a person; never a stack trace")


class ErrorResponse(BaseModel):
    """Every error the API answers, whatever its status."""

    error: ErrorDetail


class SummarizeResponse(BaseModel):
    """The answer of `POST /v1/summarize`. Every span satisfies `document_text[start:end] == text`.
    `id` is the SHA-256 of (text, model, prompt versions, options): the same request gets the same id
    (and `GET /v1/results/{id}` returns it). `prompt_versions` names every prompt file used."""

    id: str
    model: ModelInfo
    prompt_versions: dict[str, str]  # stage -> prompt file id, e.g. {"summarize": "summarize.v3"}
    document: DocumentInfo
    summary: list[SummarySentence]  # empty when options.summarize is false
    claims: list[Claim]
    sources: list[Source]
    warnings: list[str] = Field(default_factory=list)  # for a person: what was degraded and why
    timings_ms: dict[str, float] = Field(default_factory=dict)  # per stage, and "total"


# ---- eval fixtures ----


class FixtureAttribution(BaseModel):
    model_config = ConfigDict(extra="forbid")
    content: str = Field(min_length=1)
    occurrence: int = Field(default=1, ge=1)
    source: str = Field(min_length=1)
    source_type: SourceType
    aliases: list[str] = Field(default_factory=list)
    cue: str | None = None
    kind: Literal["direct", "indirect", "mixed"]

    @field_validator("source_type")
    @classmethod
    def _not_reporter(cls, v: str) -> str:
        if v == "reporter":
            raise ValueError("reporter claims go in 'unsourced', not 'attributions'")
        return v


class FixtureUnsourced(BaseModel):
    model_config = ConfigDict(extra="forbid")
    content: str = Field(min_length=1)
    occurrence: int = Field(default=1, ge=1)


class MustAttribute(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fact: str
    source: str


class FixtureSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")
    must_mention: list[str] = Field(default_factory=list)
    must_attribute: list[MustAttribute] = Field(default_factory=list)
    must_not_state: list[str] = Field(default_factory=list)


class Fixture(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    license: str
    text: str
    attributions: list[FixtureAttribution]
    unsourced: list[FixtureUnsourced | str] = Field(default_factory=list)
    summary: FixtureSummary = Field(default_factory=FixtureSummary)
    notes: str | None = None
    # bumped when a label change moves scores; eval reports record the version of every fixture used
    version: int = Field(default=1, ge=1)
    # True when labelled by reading only, without ever running the engine on it (eval/fixtures/TUNING.md)
    labelled_blind: bool = False
    labelled_on: str | None = None  # ISO date the labels were written

    def unsourced_items(self) -> list[FixtureUnsourced]:
        return [u if isinstance(u, FixtureUnsourced) else FixtureUnsourced(content=u) for u in self.unsourced]


def locate(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """Offsets of the occurrence-th (1-based) verbatim occurrence of needle; ValueError if absent."""
    start = -1
    for _ in range(occurrence):
        start = text.find(needle, start + 1)
        if start < 0:
            raise ValueError(f"{needle[:60]!r} occurrence {occurrence} not found")
    return start, start + len(needle)
