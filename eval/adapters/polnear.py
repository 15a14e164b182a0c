"""PolNeAR (BRAT standoff) -> GoldArticle, scored with the same metrics as our fixtures.

Reads `<dir>/text/<article>.txt` and `<dir>/attributions/<article>_<annotator>.ann` (layout of the
PolNeAR release, https://github.com/networkdynamics/PolNeAR: `data/dev`, `data/test`, `data/train`).
The directory is always given by the caller (`python -m eval polnear --dir PATH`). The texts are
copyrighted news with no data licence: they are read from that directory at eval time and never
copied into the repository.

Conversion rules (documented in eval/README.md):
- `T<n>\tSource|Cue|Content <s> <e>[;<s> <e>...]` -> a span; `;` joins the pieces of a discontinuous
  span, kept as pieces (offsets, not strings).
- `E<n>\tAttribution:T.. Source:T.. Cue:T.. Content:T.. [Content2:T..]` -> one gold attribution; a
  second content role (`Content2`) is another piece of the same content. The `Attribution` anchor is
  ignored. `Attribution-no-source` relations (or any relation without a Source) are scored for content
  and cue, and skipped for source accuracy. A relation without a Content is dropped.
- `Discard` spans are junk: never gold; predictions inside them are counted (`pred_in_junk`).
  `Discuss` spans (49 in dev, not in the README, never part of a relation) are ignored.
- Several annotators for one article: the first .ann file in sorted order is used.
- PolNeAR has no source types, no direct/indirect kinds, no unsourced labels and no summary
  checks: those metrics are n/a for it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import GoldArticle, GoldAttribution, GoldSpan

_ANN_NAME = re.compile(r"^(?P<article>.+)_(?P<annotator>[^_]+)\.ann$")


class BratError(ValueError):
    pass


@dataclass(frozen=True)
class BratSpan:
    id: str
    label: str
    span: GoldSpan
    text: str


def parse_spans(field: str) -> GoldSpan:
    """'12 20;25 30' -> GoldSpan(((12, 20), (25, 30)))."""
    pieces = []
    for part in field.split(";"):
        start, end = part.split()
        pieces.append((int(start), int(end)))
    return GoldSpan(tuple(pieces))


def parse_ann(ann: str, text: str, name: str = "<ann>") -> tuple[dict[str, BratSpan], list[dict[str, str]]]:
    """Text-bound annotations by id, and relations as {role: T-id} (role 'Attribution*' dropped)."""
    spans: dict[str, BratSpan] = {}
    relations: list[dict[str, str]] = []
    for lineno, line in enumerate(ann.splitlines(), 1):
        if not line.strip() or not re.match(r"[A-Z#*]\d*\t", line):
            continue  # blank, or the rest of a span text that held a newline
        cols = line.split("\t")
        try:
            if cols[0].startswith("T"):
                label, offsets = cols[1].split(" ", 1)
                sp = parse_spans(offsets)
                got = " ".join(text[s:e] for s, e in sp.pieces)
                # a few files truncate a long span's text column: a prefix of the offsets' text is fine
                if len(cols) > 2 and not "".join(got.split()).startswith("".join(cols[2].split())):
                    raise BratError(f"offsets give {got[:40]!r}, annotation says {cols[2][:40]!r}")
                spans[cols[0]] = BratSpan(cols[0], label, sp, got)
            elif cols[0].startswith("E"):
                roles: dict[str, str] = {}
                for arg in cols[1].split():
                    role, ref = arg.split(":", 1)
                    if not role.startswith("Attribution"):
                        roles[role] = ref
                relations.append(roles)
            # other kinds (R, A, #notes) carry nothing we score
        except (IndexError, ValueError) as exc:
            raise BratError(f"{name}:{lineno}: {exc}: {line[:80]!r}") from exc
    return spans, relations


def _role(roles: dict[str, str], spans: dict[str, BratSpan], prefix: str) -> list[BratSpan]:
    """Spans of every role named prefix, prefix2, prefix3... in role order."""
    keys = sorted((k for k in roles if re.fullmatch(prefix + r"\d*", k)), key=lambda k: (len(k), k))
    return [spans[roles[k]] for k in keys if roles[k] in spans]


def article_from_brat(article_id: str, text: str, ann: str, name: str = "<ann>") -> GoldArticle:
    spans, relations = parse_ann(ann, text, name)
    attributions = []
    for roles in relations:
        contents = _role(roles, spans, "Content")
        if not contents:
            continue
        pieces = tuple(sorted({p for c in contents for p in c.span.pieces}))
        sources = _role(roles, spans, "Source")
        cues = _role(roles, spans, "Cue")
        src = sources[0] if sources else None
        cue = cues[0] if cues else None
        attributions.append(
            GoldAttribution(
                content=GoldSpan(pieces),
                source=src.text if src else None,
                names=(src.text,) if src else (),
                source_spans=(src.span,) if src else (),
                cue=cue.span if cue else None,
                cue_text=cue.text if cue else None,
            )
        )
    attributions.sort(key=lambda a: a.content.start)
    junk = tuple(s.span for s in spans.values() if s.label == "Discard")
    return GoldArticle(
        id=article_id,
        text=text,
        attributions=tuple(attributions),
        junk=junk,
        summary=None,
        origin="polnear",
        license="PolNeAR v1.0.0 (Newell et al., LREC 2018); copyrighted news, evaluation only",
        labels_unsourced=False,
        notes=(f"annotations: {name}",),
    )


def load_polnear(directory: Path, limit: int | None = None, only: list[str] | None = None) -> list[GoldArticle]:
    """Articles in sorted order (first `limit`), one annotator each (the first .ann in sorted order)."""
    directory = Path(directory)
    text_dir, ann_dir = directory / "text", directory / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise FileNotFoundError(f"{directory} does not hold text/ and attributions/ (BRAT PolNeAR layout)")
    first_ann: dict[str, Path] = {}
    for p in sorted(ann_dir.glob("*.ann")):
        m = _ANN_NAME.match(p.name)
        if m:
            first_ann.setdefault(m["article"], p)
    names = sorted(first_ann)
    if only:
        names = [n for n in names if n in set(only)]
    if limit is not None:
        names = names[:limit]
    out = []
    for article in names:
        txt = text_dir / f"{article}.txt"
        if not txt.exists():
            raise FileNotFoundError(f"{first_ann[article].name} has no text file {txt.name}")
        with open(txt, encoding="utf-8", newline="") as fh:  # newline="": offsets count \r too
            text = fh.read()
        ann = first_ann[article].read_text(encoding="utf-8")
        out.append(article_from_brat(article, text, ann, first_ann[article].name))
    return out
