"""Input formats: one module per source, each with a `READER`, registered in `REGISTRY` below.

A file's format is recognised by its content (the first reader whose `sniff` accepts it, in
registry order: the most specific first), else by its file name; `import --format NAME` forces
one. A new format is a new module with a `READER` and one line in `REGISTRY`. Reader modules
are imported only when a file is read, so that naming the formats costs the CLI nothing.
"""

from __future__ import annotations

import dataclasses
import importlib
from functools import cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from readlist.errors import InvalidInput, UnreadableFile

if TYPE_CHECKING:
    from readlist.models import DigestItem, Problem, ReadResult
    from readlist.readers.base import Reader

#: Format name -> the module that reads it, in the order formats are tried on a file's content.
REGISTRY = {
    "arxiv-listing": "readlist.readers.arxiv_listing",
    "paper-jsonl": "readlist.readers.paper_jsonl",
    "paper-table": "readlist.readers.paper_table",
    "arxiv-feed": "readlist.readers.arxiv_feed",
    "saved-page": "readlist.readers.saved_page",
    "blog-markdown": "readlist.readers.blog_markdown",
    "bibtex": "readlist.readers.bibtex_file",
    "blog-text": "readlist.readers.blog_text",
}
FORMAT_NAMES = tuple(REGISTRY)
#: Formats that a file's name alone may choose when its content is not recognised: an empty
#: .bib file is still BibTeX, and the text reader says best what a .txt digest lacks.
_BY_NAME_ALONE = ("bibtex", "blog-text")


@cache
def all_readers() -> tuple[Reader, ...]:
    return tuple(importlib.import_module(module).READER for module in REGISTRY.values())


@cache
def suffixes() -> frozenset[str]:
    """File name endings a directory import picks up."""
    return frozenset(suffix for reader in all_readers() for suffix in reader.suffixes)


def reader_named(name: str) -> Reader:
    """The reader `import --format NAME` asks for."""
    wanted = name.strip().lower()
    for reader in all_readers():
        if reader.name == wanted:
            return reader
    raise InvalidInput(f"unknown format {name!r}; readlist reads {', '.join(FORMAT_NAMES)}")


def read(text: str, file: str, forced: Reader | None = None) -> ReadResult:
    """What `file` holds, read by the forced reader or the one its content (or name) calls for.

    Control characters and escape sequences are dropped first, and again from what a format
    decodes itself (JSON `\u001b`, HTML `&#x202e;`): whatever the format, no text that reaches
    the store can drive a terminal or reorder what one shows.
    """
    from readlist.readers.base import strip_controls

    text = strip_controls(text)
    reader = forced or _recognise(text, file)
    result = reader.read(text, file)
    result.items = [_inert(item) for item in result.items]
    result.problems = [_one_line(problem) for problem in result.problems]
    return result


def _one_line(problem: Problem) -> Problem:
    """A problem whose message quotes text with line breaks, on one line as problems are listed."""
    if "\n" not in problem.message and "\r" not in problem.message:
        return problem
    return dataclasses.replace(problem, message=" ".join(problem.message.split()))


_ITEM_TEXT = ("title", "abstract", "comment", "topic", "url", "doi", "journal_ref")


def _inert(item: DigestItem) -> DigestItem:
    """`item` with what its format decoded passed through the store's one text rule (and the
    spaces around what it dropped collapsed, as readers collapse them)."""
    from readlist.readers.base import collapse_spaces, strip_controls

    changes: dict[str, Any] = {}
    for name in _ITEM_TEXT:
        value = getattr(item, name)
        if value is not None and (clean := strip_controls(value)) != value:
            changes[name] = collapse_spaces(clean)
    authors = [collapse_spaces(strip_controls(author)) for author in item.authors]
    if authors != item.authors:
        changes["authors"] = [author for author in authors if author]
    categories = tuple(strip_controls(category) for category in item.categories)
    if categories != item.categories:
        changes["categories"] = categories
    return dataclasses.replace(item, **changes) if changes else item


def _recognise(text: str, file: str) -> Reader:
    for reader in all_readers():
        if reader.sniff(text):
            return reader
    suffix = PurePath(file).suffix.lower()
    for reader in all_readers():
        if reader.name in _BY_NAME_ALONE and suffix in reader.suffixes:
            return reader
    known = "; ".join(f"{r.name}: {r.looks_for}" for r in all_readers())
    raise UnreadableFile(file, None, f"not a format readlist reads (looked for {known}); --format chooses one")
