"""A user's .bib file -> entries as readlist stores them, with bibtexparser 2.x (BIBTEX.md §7).

bibtexparser does not raise on bad input: each broken block becomes a `Problem` with its line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import partial
from typing import Any

from readlist.bib.latex import decode_latex, unprotect_title
from readlist.bib.latex_unicode import UndecodableLatex, word_set
from readlist.bib.venues import ARTICLE
from readlist.models import Entry, Problem, Sighting
from readlist.names import digest_form

__all__ = ["ARXIV_VERSION", "block_line", "parse_bibtex"]

#: Identifiers and numbers: stored exactly as written, never LaTeX-decoded.
VERBATIM_FIELDS = word_set(
    "url doi eprint isbn issn pages volume number month year urldate archiveprefix primaryclass file"
)
ARXIV_VERSION = re.compile(r"v\d+$")
_YEAR = re.compile(r"\d{4}")


def parse_bibtex(text: str, file: str) -> tuple[list[Entry], list[Problem]]:
    """Entries of a user's .bib file as readlist stores them; each broken block is a Problem.

    `@string` macros are resolved, LaTeX is decoded to Unicode (protective braces that
    `protect_title` would add again are dropped), names come back in digest form.
    """
    from bibtexparser import parse_string

    # bibtexparser logs each broken block itself; readlist reports them as problems instead.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    library = parse_string(text)
    problems = [_problem(block, file) for block in library.failed_blocks]
    entries: list[Entry] = []
    for block in library.entries:
        fields: dict[str, str] = {}
        lines: dict[str, int | None] = {}
        for field in block.fields:
            name = field.key.lower()
            if name in fields:
                problems.append(Problem(file, block_line(field), f"{block.key}: field {name!r} repeated, first kept"))
            else:
                fields[name] = str(field.value)
                lines[name] = block_line(field)

        def undecodable(
            name: str, exc: UndecodableLatex, key: str = block.key, at: dict[str, int | None] = lines
        ) -> None:
            problems.append(Problem(file, at.get(name), f"{key}: field {name!r} has {exc}; kept as written"))

        entry = _stored_entry(block.key, block.entry_type.lower(), fields, undecodable)
        entry.sightings = [Sighting(file, "", "", block_line(block) or 0)]
        entries.append(entry)
    return entries, problems


def _stored_entry(
    key: str, entry_type: str, fields: dict[str, str], undecodable: Callable[[str, UndecodableLatex], None]
) -> Entry:
    """One parsed .bib entry as readlist stores it; unknown fields go to `extra`. A field whose
    LaTeX cannot be decoded is kept as written and passed to `undecodable`."""

    def decoded(name: str, value: str, decode: Callable[[str], Any]) -> Any:
        try:
            return decode(value)
        except UndecodableLatex as exc:
            undecodable(name, exc)
            return _as_written(name, value)

    def take(name: str) -> str:
        value = fields.pop(name, "")
        if name in ("url", "doi"):  # readlist's own export writes `\%` there for BibTeX styles
            value = value.replace("\\%", "%")
        return " ".join(value.split()) if name in VERBATIM_FIELDS else decoded(name, value, decode_latex)

    venue_field = "booktitle" if entry_type != ARTICLE and "booktitle" in fields else "journal"
    year = take("year")
    arxiv = ""
    if fields.get("eprint") and fields.get("archiveprefix", "arxiv").lower() == "arxiv":
        arxiv = ARXIV_VERSION.sub("", take("eprint"))
        take("archiveprefix")
    entry = Entry(
        key=key,
        title=unprotect_title(decoded("title", fields.pop("title", ""), partial(decode_latex, keep_groups=True))),
        authors=decoded("author", fields.pop("author", ""), _digest_names),
        abstract=take("abstract"),
        comment=take("annote") or None,
        year=int(year) if _YEAR.fullmatch(year) else None,
        venue=take(venue_field) or None,
        url=take("url") or None,
        arxiv=arxiv or None,
        primary_class=(take("primaryclass") or None) if arxiv else None,
    )
    entry.extra = {name: take(name) for name in list(fields)}
    entry.extra["ENTRYTYPE"] = entry_type
    if year and entry.year is None:
        entry.extra["year"] = year
    return entry


def _as_written(name: str, value: str) -> Any:
    """A field kept as written: its text with runs of spaces collapsed; authors split at `and`."""
    if name != "author":
        return " ".join(value.split())
    from bibtexparser.middlewares.names import split_multiple_persons_names

    return [" ".join(raw.split()) for raw in split_multiple_persons_names(value)]


def _digest_names(value: str) -> list[str]:
    """BibTeX names -> "Given von Last, Jr." strings, as a digest lists authors."""
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    names = []
    for raw in split_multiple_persons_names(value):
        if raw.strip().lower() == "others":
            names.append("et al.")
            continue
        parts = parse_single_name_into_parts(raw, strict=False)
        first, von, last, jr = (
            _unbraced(decode_latex(" ".join(part))) for part in (parts.first, parts.von, parts.last, parts.jr)
        )
        names.append(digest_form(first, von, last, jr))
    return names


def _unbraced(text: str) -> str:
    return text[1:-1] if text.startswith("{") and text.endswith("}") and text.count("{") == 1 else text


def _problem(block: Any, file: str) -> Problem:
    from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock

    if isinstance(block, DuplicateBlockKeyBlock):
        message = f"citation key {block.key!r} used twice; the second entry was skipped"
    elif isinstance(block, DuplicateFieldKeyBlock):
        repeated = ", ".join(sorted(block.duplicate_keys))
        message = f"field(s) {repeated} repeated in one entry; the entry was skipped"
    else:
        reason = getattr(getattr(block, "error", None), "abort_reason", "") or "syntax error"
        message = f"this block could not be read ({reason.strip()}); it was skipped"
    return Problem(file, block_line(block), message)


def block_line(block: Any) -> int | None:
    """1-based line of a bibtexparser block or field (theirs are 0-based)."""
    start = getattr(block, "start_line", None)
    return start + 1 if isinstance(start, int) else None
