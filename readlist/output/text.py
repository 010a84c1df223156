"""Small wording rules shared by everything readlist writes for a person (no rich, no I/O)."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` without control characters (ESC and friends): nothing reaches the terminal raw."""
    return _CONTROL.sub("", text)


def plural(count: int, one: str, many: str) -> str:
    """`1 entry`, `2 entries`."""
    return f"{count} {one if count == 1 else many}"
