"""Small wording rules shared by everything readlist writes for a person (no rich, no I/O)."""

from __future__ import annotations

import re

from readlist.names import parse_name

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` without control characters (ESC and friends): nothing reaches the terminal raw."""
    return _CONTROL.sub("", text)


def plural(count: int, one: str, many: str) -> str:
    """`1 entry`, `2 entries`."""
    return f"{count} {one if count == 1 else many}"


def byline(authors: list[str]) -> str:
    """`Aubert et al.`: the first author's family name, as papers cite each other."""
    if not authors:
        return ""
    return family(authors[0]) + (" et al." if len(authors) > 1 else "")


def family(author: str) -> str:
    """The family name with its particles, as the list shows it (`de Vries`)."""
    name = parse_name(author)
    return " ".join(part for part in (name.von, name.last.rstrip(",")) if part)
