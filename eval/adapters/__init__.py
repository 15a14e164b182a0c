"""Gold data: one in-memory shape that every gold source (our fixtures, PolNeAR, ...) is converted to.

The scorer (`eval.metrics`) only ever sees `GoldArticle`s, whose labels are character offsets into
`text` (possibly several pieces for a discontinuous span), never strings. Fixtures label by verbatim
string + `occurrence` (DESIGN.md section 2); `from_fixture` locates them once, here. PolNeAR labels
by offsets already (`eval.adapters.polnear`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from service.schema import Fixture, FixtureSummary, locate

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"

Piece = tuple[int, int]  # half-open character range


@dataclass(frozen=True)
class GoldSpan:
    """A gold span: one or more half-open pieces (PolNeAR splits a quote around its cue)."""

    pieces: tuple[Piece, ...]

    def __post_init__(self) -> None:
        if not self.pieces:
            raise ValueError("a gold span needs at least one piece")
        for s, e in self.pieces:
            if not 0 <= s < e:
                raise ValueError(f"bad piece {(s, e)}")

    @classmethod
    def one(cls, start: int, end: int) -> GoldSpan:
        return cls(((start, end),))

    @property
    def start(self) -> int:
        return min(s for s, _ in self.pieces)

    @property
    def end(self) -> int:
        return max(e for _, e in self.pieces)

    def __len__(self) -> int:
        return sum(e - s for s, e in self.pieces)

    def text(self, doc: str) -> str:
        return " ".join(doc[s:e] for s, e in self.pieces)

    def overlap(self, start: int, end: int) -> int:
        """Characters of [start, end) that fall inside this span's pieces."""
        return sum(max(0, min(end, e) - max(start, s)) for s, e in self.pieces)


@dataclass(frozen=True)
class GoldAttribution:
    content: GoldSpan
    source: str | None  # canonical name; None = PolNeAR attribution without a Source
    source_type: str | None = None  # schema SourceType; None when the gold set has no types
    names: tuple[str, ...] = ()  # source + aliases: texts that count as naming this source
    source_spans: tuple[GoldSpan, ...] = ()  # where the source is mentioned near the content
    cue: GoldSpan | None = None
    cue_text: str | None = None
    kind: str | None = None  # direct | indirect | mixed; None when the gold set has no kinds


@dataclass(frozen=True)
class GoldArticle:
    id: str
    text: str  # sent to the service verbatim; every offset indexes it
    attributions: tuple[GoldAttribution, ...]
    unsourced: tuple[GoldSpan, ...] = ()
    summary: FixtureSummary | None = None  # summary checks; None = not labelled
    junk: tuple[GoldSpan, ...] = ()  # labelled junk (PolNeAR Discard): never gold
    title: str | None = None
    origin: str = "fixture"  # fixture | polnear
    license: str = ""
    notes: tuple[str, ...] = ()
    labels_unsourced: bool = True  # False when the gold set does not label unsourced claims
    version: int = 1  # the fixture's `version`: bumped when a label change moves scores
    labelled_blind: bool = False  # the fixture's `labelled_blind`: held out, never used to tune (eval/fixtures/TUNING.md)


# ---------------------------------------------------------------- fixtures (DESIGN.md section 2)


def _paragraph_region(text: str, start: int, end: int) -> tuple[int, int]:
    """The paragraph(s) (lines) around [start, end): the 'sentence region' where a source mention counts."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    return lo, len(text) if hi < 0 else hi


def word_occurrences(text: str, needle: str, lo: int = 0, hi: int | None = None) -> list[Piece]:
    """Case-insensitive occurrences of needle in text[lo:hi] not glued to a longer word
    ("he" is not in "the", but is in "He said")."""
    hi = len(text) if hi is None else hi
    left = r"(?<!\w)" if needle[:1].isalnum() else ""
    right = r"(?!\w)" if needle[-1:].isalnum() else ""
    pattern = re.compile(left + re.escape(needle) + right, re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text, lo, hi)]


def nearest_occurrence(text: str, needle: str, near: tuple[int, int]) -> Piece | None:
    """The occurrence of needle closest to the span `near`, preferring ones outside it."""
    occ = word_occurrences(text, needle) or [
        (m.start(), m.end()) for m in re.finditer(re.escape(needle), text, re.IGNORECASE)
    ]
    if not occ:
        return None
    s0, e0 = near

    def gap(p: Piece) -> tuple[int, int]:
        inside = p[0] < e0 and s0 < p[1]
        return (1 if inside else 0, max(s0 - p[1], p[0] - e0, 0))

    return min(occ, key=gap)


def from_fixture(fx: Fixture) -> GoldArticle:
    text = fx.text
    attributions = []
    for a in fx.attributions:
        s, e = locate(text, a.content, a.occurrence)
        lo, hi = _paragraph_region(text, s, e)
        names = (a.source, *a.aliases)
        spans = sorted({p for n in names for p in word_occurrences(text, n, lo, hi)})
        cue = nearest_occurrence(text, a.cue, (s, e)) if a.cue else None
        attributions.append(
            GoldAttribution(
                content=GoldSpan.one(s, e),
                source=a.source,
                source_type=a.source_type,
                names=names,
                source_spans=tuple(GoldSpan.one(*p) for p in spans),
                cue=GoldSpan.one(*cue) if cue else None,
                cue_text=a.cue,
                kind=a.kind,
            )
        )
    unsourced = tuple(GoldSpan.one(*locate(text, u.content, u.occurrence)) for u in fx.unsourced_items())
    return GoldArticle(
        id=fx.id,
        text=text,
        attributions=tuple(attributions),
        unsourced=unsourced,
        summary=fx.summary,
        title=fx.title,
        origin="fixture",
        license=fx.license,
        version=fx.version,
        labelled_blind=fx.labelled_blind,
    )


def fixture_problems(fx: Fixture, file_stem: str | None = None) -> list[str]:
    """Everything wrong with a (schema-valid) fixture; [] when it is fine. Used by the test and the runner."""
    problems: list[str] = []
    text = fx.text
    lowered = text.lower()  # names, aliases and cues may differ in case ("According to", "He")
    if file_stem is not None and fx.id != file_stem:
        problems.append(f"id {fx.id!r} differs from file name {file_stem!r}")
    if not fx.license.strip():
        problems.append("license is empty (say who wrote the text and under what terms)")
    located: list[tuple[int, int, str]] = []
    for i, a in enumerate(fx.attributions):
        where = f"attributions[{i}]"
        try:
            s, e = locate(text, a.content, a.occurrence)
            located.append((s, e, f"{where}.content"))
        except ValueError as exc:
            problems.append(f"{where}.content: {exc}")
        if a.content != a.content.strip():
            problems.append(f"{where}.content has surrounding whitespace")
        for label, value in [("source", a.source), *[(f"aliases[{j}]", v) for j, v in enumerate(a.aliases)]]:
            if not value.strip():
                problems.append(f"{where}.{label} is empty")
            elif value.lower() not in lowered:
                problems.append(f"{where}.{label} {value!r} not in text")
        if a.cue is not None and (not a.cue.strip() or a.cue.lower() not in lowered):
            problems.append(f"{where}.cue {a.cue!r} not in text")
    for i, u in enumerate(fx.unsourced_items()):
        try:
            s, e = locate(text, u.content, u.occurrence)
            located.append((s, e, f"unsourced[{i}]"))
        except ValueError as exc:
            problems.append(f"unsourced[{i}]: {exc}")
    located.sort()
    for (s1, e1, n1), (s2, e2, n2) in pairwise(located):
        if s2 < e1:
            problems.append(f"{n1} [{s1},{e1}) overlaps {n2} [{s2},{e2})")
    sm = fx.summary
    for kind, values in [
        ("must_mention", sm.must_mention),
        ("must_not_state", sm.must_not_state),
        ("must_attribute.fact", [m.fact for m in sm.must_attribute]),
        ("must_attribute.source", [m.source for m in sm.must_attribute]),
    ]:
        for v in values:
            if not v.strip() or any(not alt.strip() for alt in v.split("|")):
                problems.append(f"summary.{kind} has an empty alternative: {v!r}")
    return problems


NEAR_CHARS = 1000  # a pronoun or description alias should occur this close to its content


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a fixture file: where (file, field) and why. `warning`s do not stop a run."""

    file: str
    field: str
    why: str
    level: str = "error"  # error | warning

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.why}" + (" (warning)" if self.level == "warning" else "")


class FixtureError(ValueError):
    """Invalid fixtures: every problem found, in every file, before any model runs."""

    def __init__(self, problems: list[Problem], header: str = "invalid fixtures"):
        self.problems = problems
        super().__init__(header + ":\n  " + "\n  ".join(str(p) for p in problems))


def split_problem(problem: str) -> tuple[str, str]:
    """'attributions[2].source 'X' not in text' -> ('attributions[2].source', "'X' not in text")."""
    m = re.match(r"[\w\[\].]+", problem)
    if not m:
        return "-", problem
    why = problem[m.end():].lstrip(": ").strip()
    return m.group(), (why[3:] if why.startswith("is ") else why) or problem


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "-"


def parse_fixture_file(path: Path) -> tuple[Fixture | None, list[Problem]]:
    """Read and schema-validate one file; every problem is reported as (file, field, why)."""
    from pydantic import ValidationError

    name = str(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(name, "-", f"cannot read the file: {exc}")]
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return None, [Problem(name, f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}")]
    try:
        return Fixture.model_validate(data), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            why = err["msg"]
            if err["type"] == "extra_forbidden":
                why = "unknown field (a typo? see eval/README.md for the fixture format)"
            elif err["type"] == "missing":
                why = "required field is missing"
            elif "input" in err and not isinstance(err["input"], (dict, list)):
                why += f" (got {str(err['input'])[:60]!r})"
            problems.append(Problem(name, _loc(err["loc"]), why))
        return None, problems


def fixture_warnings(fx: Fixture) -> list[tuple[str, str]]:
    """Likely labelling mistakes that do not make a fixture invalid: an alias that occurs only inside
    longer words ("he" in "the"), and a pronoun or description alias ("she", "the company") with no
    occurrence within NEAR_CHARS characters of its content (a named alias may be far: a full name is
    often given once, at the top)."""
    from ..metrics import is_named_alias  # metrics imports this module

    out: list[tuple[str, str]] = []
    text = fx.text
    for i, a in enumerate(fx.attributions):
        try:
            s, e = locate(text, a.content, a.occurrence)
        except ValueError:
            continue  # reported as an error already
        for label, value in [("source", a.source), *[(f"aliases[{j}]", v) for j, v in enumerate(a.aliases)]]:
            if not value.strip() or value.lower() not in text.lower():
                continue  # an error already
            occ = word_occurrences(text, value)
            if not occ:
                out.append((f"attributions[{i}].{label}", f"{value!r} occurs only inside longer words"))
                continue
            if label == "source" or is_named_alias(value):
                continue
            gap = min(max(s - oe, os_ - e, 0) for os_, oe in occ)
            if gap > NEAR_CHARS:
                out.append((f"attributions[{i}].{label}",
                            f"{value!r} (a pronoun or description) is not within {NEAR_CHARS} characters of "
                            f"its content; the nearest is {gap} characters away"))
    return out


def check_fixture_files(paths: list[Path], warnings: bool = False) -> tuple[list[tuple[Path, Fixture]], list[Problem]]:
    """Validate every file (schema, then `fixture_problems`, and `fixture_warnings` when asked);
    returns the valid fixtures and all problems found."""
    good: list[tuple[Path, Fixture]] = []
    problems: list[Problem] = []
    for p in paths:
        fx, found = parse_fixture_file(p)
        if fx is not None:
            found = [Problem(str(p), *split_problem(msg)) for msg in fixture_problems(fx, p.stem)]
            if warnings:
                found += [Problem(str(p), f, w, "warning") for f, w in fixture_warnings(fx)]
        problems += found
        if fx is not None and not any(x.level == "error" for x in found):
            good.append((p, fx))
    return good, problems


def load_fixture(path: Path) -> Fixture:
    return Fixture.model_validate(json.loads(path.read_text(encoding="utf-8")))


def fixture_paths(directory: Path) -> list[Path]:
    directory = Path(directory)
    if not directory.is_dir():
        raise FixtureError([Problem(str(directory), "-", "not a directory")], "no fixtures")
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise FixtureError([Problem(str(directory), "-", "holds no *.json fixture files")], "no fixtures")
    return paths


def load_fixtures(directory: Path = FIXTURES_DIR, only: list[str] | None = None) -> list[GoldArticle]:
    """Load, validate and locate every fixture; invalid fixtures stop the run (they would skew scores).
    Every problem in every file is reported at once (`FixtureError.problems`), before any model runs."""
    paths = fixture_paths(directory)
    if only:
        wanted = set(only)
        paths = [p for p in paths if p.stem in wanted]
        missing = wanted - {p.stem for p in paths}
        if missing:
            raise FixtureError([Problem(str(directory), "--only", f"unknown fixture id {m!r}") for m in sorted(missing)],
                               "unknown fixture ids")
    good, problems = check_fixture_files(paths)
    errors = [p for p in problems if p.level == "error"]
    if errors:
        raise FixtureError(errors, f"{len({p.file for p in errors})} invalid fixture file(s)")
    return [from_fixture(fx) for _, fx in good]
