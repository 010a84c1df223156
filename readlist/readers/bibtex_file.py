"""BibTeX files a user already has (`.bib`): complete entries, merged into the list like digests."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePath

from readlist.models import Entry, Problem, ReadResult
from readlist.readers.base import Reader

_ENTRY_START = re.compile(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)


def sniff(text: str) -> bool:
    """An `@type{` at the start of a line before anything that looks like prose of a digest."""
    return _ENTRY_START.search(text[:65536]) is not None


def read(text: str, file: str) -> ReadResult:
    """The usable entries of a .bib file; each broken block or bad field is a problem at its line."""
    from readlist.bib.read import parse_bibtex

    entries, problems = parse_bibtex(text, file)
    usable = _usable(entries, file, problems)
    for entry in usable:  # a sighting names the file, not the path it was given as
        entry.sightings = [replace(s, file=PurePath(file).name) for s in entry.sightings]
    return ReadResult(records=usable, problems=problems)


def _usable(entries: list[Entry], file: str, problems: list[Problem]) -> list[Entry]:
    """Entries a reading list can hold: a title is required; a year must be a year."""
    from readlist.bib.keys import CITABLE_KEY

    usable = []
    for entry in entries:
        line = entry.sightings[0].line if entry.sightings else None
        if not CITABLE_KEY.fullmatch(entry.key):
            problems.append(Problem(file, line, f"citation key {entry.key!r} cannot be written in BibTeX; skipped"))
            continue
        if not entry.title.strip():
            problems.append(Problem(file, line, f"entry '{entry.key}' has no title; skipped"))
            continue
        bad_year = entry.extra.pop("year", None)
        if bad_year is not None:
            problems.append(Problem(file, line, f"entry '{entry.key}': year {bad_year!r} is not a year; left out"))
        usable.append(entry)
    return usable


READER = Reader(
    name="bibtex",
    description="BibTeX (.bib): entries exported from Zotero, Google Scholar, JabRef or readlist itself",
    looks_for="an '@article{' style entry at the start of a line",
    suffixes=(".bib", ".bibtex"),
    sniff=sniff,
    read=read,
)
