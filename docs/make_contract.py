"""Writes docs/contract.md from service/schema.py: every request, response, error and fixture model, its
fields, types, defaults, bounds and descriptions. Run `python docs/make_contract.py` after changing the
schema; tests/test_contract_doc.py fails while the file is stale (`--check` does the same here).

A field's description is its `Field(description=...)`, else the comment on its line or the comment
lines just above it, so the schema module stays the one place the contract is written."""
from __future__ import annotations

import inspect
import re
import sys
import types
import typing
from pathlib import Path

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service import schema  # noqa: E402  (after the path insert: the script runs from anywhere)

OUT = ROOT / "docs" / "contract.md"
SECTIONS = [
    ("Request: `POST /v1/summarize`", [schema.SummarizeRequest, schema.SummarizeOptions]),
    ("Response", [schema.SummarizeResponse, schema.ModelInfo, schema.DocumentInfo, schema.Removed,
                  schema.SummarySentence, schema.Claim, schema.Source, schema.Span]),
    ("Errors (every route, every status)", [schema.ErrorResponse, schema.ErrorDetail]),
    ("Eval fixtures (`eval/fixtures/<id>.json`)", [schema.Fixture, schema.FixtureAttribution,
                                                   schema.FixtureUnsourced, schema.FixtureSummary,
                                                   schema.MustAttribute]),
]
HEAD = """# The ClaimTrace contract

<!-- Generated from service/schema.py by `python docs/make_contract.py`: edit the schema, not this file.
     tests/test_contract_doc.py fails when this file is out of date. -->

{module_doc}

Offsets are character offsets (Python string indexes, not bytes) into the document text: for a `text`
request the text exactly as sent, for an `html` request the extracted text returned as `document.text`.
Claim kinds: {kinds}. Attributed kinds: {attributed}. Source types: {types}.
The HTTP routes, status codes and error codes are listed in the README ("Using it"); the OpenAPI
document is served at `/docs` and `/openapi.json`.
"""


def _type(t: object) -> str:
    """A readable type: `Span | null`, `list[Claim]`, `"prose" | "bullets"`."""
    origin, args = typing.get_origin(t), typing.get_args(t)
    if t is type(None):
        return "null"
    if origin is typing.Literal:
        return " \\| ".join(f'`"{a}"`' for a in args)
    if origin in (typing.Union, types.UnionType):
        return " \\| ".join(_type(a) for a in args)
    if origin in (list, dict):
        return f"{origin.__name__}[{', '.join(_type(a) for a in args)}]"
    if isinstance(t, type) and issubclass(t, BaseModel):
        return f"[{t.__name__}](#{t.__name__.lower()})"
    return getattr(t, "__name__", str(t))


def _comments(model: type[BaseModel]) -> dict[str, str]:
    """Field name -> the comment on its line, or the comment lines right above it."""
    out: dict[str, str] = {}
    above: list[str] = []
    for line in inspect.getsource(model).splitlines()[1:]:
        stripped = line.strip()
        if stripped.startswith("#"):
            above.append(stripped.lstrip("# "))
            continue
        m = re.match(r"\s{4}(\w+):[^#]*(?:#\s*(.*))?$", line)
        if m and m.group(1) in model.model_fields:
            text = " ".join([*above, m.group(2) or ""]).strip()
            if text:
                out[m.group(1)] = text
        above = []
    return out


def _bounds(info: FieldInfo) -> str:
    parts = []
    for meta in info.metadata:
        for attr, sign in (("ge", "≥"), ("le", "≤"), ("gt", ">"), ("lt", "<"), ("min_length", "min length"),
                           ("max_length", "max length"), ("pattern", "pattern"), ("strict", "strict")):
            v = getattr(meta, attr, None)
            if v is not None and v is not False:
                parts.append(sign if v is True else f"{sign} `{v}`" if attr == "pattern" else f"{sign} {v}")
    return ", ".join(parts)


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
        return f"default `{value.model_dump_json() if isinstance(value, BaseModel) else repr(value)}`"
    return "default `null`" if info.default is None else f"default `{info.default!r}`" \
        if info.default is not PydanticUndefined else ""


def _model(model: type[BaseModel]) -> str:
    doc = inspect.cleandoc(model.__doc__ or "") if model.__doc__ != BaseModel.__doc__ else ""
    extra = model.model_config.get("extra")
    lines = [f"### {model.__name__}", ""]
    if doc:
        lines += [" ".join(doc.split()), ""]
    if extra == "forbid":
        lines += ["Unknown fields are refused.", ""]
    lines += ["| field | type | | bounds | meaning |", "|---|---|---|---|---|"]
    comments = _comments(model)
    for name, info in model.model_fields.items():
        meaning = info.description or comments.get(name, "")
        lines.append(f"| `{name}` | {_type(info.annotation)} | {_default(info)} | {_bounds(info)} | {meaning} |")
    return "\n".join(lines) + "\n"


def render() -> str:
    head = HEAD.format(
        module_doc=" ".join(inspect.cleandoc(schema.__doc__ or "").split("\n\n")[0].split()),
        kinds=", ".join(f"`{k}`" for k in typing.get_args(schema.ClaimKind)),
        attributed=", ".join(f"`{k}`" for k in schema.ATTRIBUTED_KINDS),
        types=", ".join(f"`{t}`" for t in schema.SOURCE_TYPES))
    parts = [head]
    for title, models in SECTIONS:
        parts.append(f"## {title}\n")
        parts.extend(_model(m) for m in models)
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date: run python docs/make_contract.py", file=sys.stderr)  # noqa: T201
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
