"""Small wording rules shared by everything readlist writes for a person (no rich, no I/O)."""

from __future__ import annotations

import re

from readlist.textnorm import strip_controls

#: What JSON must carry escaped (`\u009b`) rather than raw: C1 controls, bidi marks, line and
#: paragraph separators (orjson escapes C0 controls itself).
_JSON_RAW = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def printable(text: str) -> str:
    """`text` without control characters (ESC and friends) and bidi marks: nothing reaches a
    terminal, a CSV or Markdown file raw."""
    return strip_controls(text)


def escape_json_controls(json_text: str) -> str:
    """JSON text with C1 controls and bidi marks written as `\\uXXXX` escapes (the same
    strings to a JSON reader; nothing a terminal acts on when printed)."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m[0]):04x}", json_text)


def plural(count: int, one: str, many: str) -> str:
    """`1 entry`, `2 entries`."""
    return f"{count} {one if count == 1 else many}"
