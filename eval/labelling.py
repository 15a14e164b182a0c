"""Labelling your own articles: `eval new` writes a blank fixture to fill in, `eval check` validates.

    python -m eval new ARTICLE.txt [-o FILE] [--id ID] [--title TITLE] [--force]
    python -m eval check DIR|FILE ... [--strict]

`new` never runs the engine: the skeleton has the article text and empty labels, so whoever labels it
reads the article, not the service's answer (labels stay blind). `check` reports every problem as
`file: field: why`: schema (unknown or missing fields, bad values), strings not found verbatim, an
`occurrence` that does not exist, sources/aliases/cues absent from the text, overlapping labels, empty
`|` alternatives; and, as warnings, aliases found only inside longer words and pronoun/description
aliases not near their content (more than `eval.adapters.NEAR_CHARS` characters away) and fixtures with
no labels yet. Exit status: 0 valid (warnings allowed), 2 invalid (or any warning with --strict).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from service.schema import Fixture

from .adapters import Problem, check_fixture_files


def slug(name: str) -> str:
    """A fixture id from a file name: lowercase letters, digits and single hyphens."""
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return s or "article"


def skeleton(text: str, fixture_id: str, title: str | None = None) -> dict:
    """A blank fixture: the article verbatim and empty labels (never pre-filled from the engine)."""
    if title is None:
        first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
        title = first if len(first) <= 200 else ""
    out: dict = {
        "id": fixture_id,
        "version": 1,
        "title": title,
        "license": "",
        "text": text,
        "attributions": [],
        "unsourced": [],
        "summary": {"must_mention": [], "must_attribute": [], "must_not_state": []},
        "notes": None,
    }
    if "labelled_blind" in Fixture.model_fields:
        out["labelled_blind"] = False  # set to true if you label without ever running the engine on it
    Fixture.model_validate(out)  # the skeleton itself is schema-valid; `check` still asks for a licence and labels
    return out


def _new(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m eval new",
                                description="Print a blank fixture skeleton (JSON) for ARTICLE to label by hand.")
    p.add_argument("article", help="the article as plain text (UTF-8), or - for stdin")
    p.add_argument("-o", "--output", type=Path, help="write the skeleton to FILE instead of printing it")
    p.add_argument("--id", help="fixture id (default: from the output or article file name)")
    p.add_argument("--title", help="title (default: the article's first line)")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    try:
        if args.article == "-":
            text = sys.stdin.read()
        else:
            with open(args.article, encoding="utf-8", newline="") as fh:  # offsets: keep \r\n as sent
                text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: {args.article}: cannot read: {exc}", file=sys.stderr)
        return 2
    if not text.strip():
        print(f"error: {args.article}: the article is empty", file=sys.stderr)
        return 2
    stem = args.output.stem if args.output else (Path(args.article).stem if args.article != "-" else "article")
    fixture_id = args.id or slug(stem)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", fixture_id):
        print(f"error: id {fixture_id!r}: use lowercase letters, digits and hyphens", file=sys.stderr)
        return 2
    if args.output and args.output.stem != fixture_id:
        print(f"error: {args.output}: the file name must be the id ({fixture_id}.json)", file=sys.stderr)
        return 2
    body = json.dumps(skeleton(text, fixture_id, args.title), indent=2, ensure_ascii=False) + "\n"
    if args.output is None:
        sys.stdout.write(body)
        return 0
    if args.output.exists() and not args.force:
        print(f"error: {args.output} exists (--force to overwrite)", file=sys.stderr)
        return 2
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(body, encoding="utf-8")
    print(f"wrote {args.output}: fill in license, attributions, unsourced and summary, then "
          f"`claimtrace eval check {args.output.parent}`", file=sys.stderr)
    return 0


def check_paths(targets: list[Path]) -> tuple[int, list[Problem]]:
    """(number of fixture files, problems) for folders and/or files."""
    paths: list[Path] = []
    problems: list[Problem] = []
    for t in targets:
        if t.is_dir():
            found = sorted(t.glob("*.json"))
            if not found:
                problems.append(Problem(str(t), "-", "holds no *.json fixture files"))
            paths += found
        elif t.is_file():
            paths.append(t)
        else:
            problems.append(Problem(str(t), "-", "no such file or directory"))
    good, found_problems = check_fixture_files(paths, warnings=True)
    problems += found_problems
    for p, fx in good:
        if not fx.attributions and not fx.unsourced:
            problems.append(Problem(str(p), "attributions", "no labels yet (no attributions, no unsourced)", "warning"))
    return len(paths), problems


def _check(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m eval check",
                                description="Validate fixture files without running the service.")
    p.add_argument("targets", nargs="+", type=Path, metavar="DIR|FILE")
    p.add_argument("--strict", action="store_true", help="warnings fail too (exit 2)")
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    n, problems = check_paths(args.targets)
    errors = [x for x in problems if x.level == "error"]
    warnings = [x for x in problems if x.level == "warning"]
    for x in errors + warnings:
        print(("error: " if x.level == "error" else "warning: ") + f"{x.file}: {x.field}: {x.why}")
    bad_files = len({x.file for x in errors})
    print(f"{n} fixture file(s): {n - bad_files if n else 0} valid, {bad_files} invalid, {len(warnings)} warning(s)",
          file=sys.stderr)
    if errors or (args.strict and warnings):
        return 2
    return 0


def main(argv: list[str]) -> int:
    """argv[0] is 'new' or 'check'."""
    return _new(argv[1:]) if argv[0] == "new" else _check(argv[1:])
