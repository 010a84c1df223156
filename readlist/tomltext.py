"""TOML that readlist writes for a person to edit, and where a key sits in TOML a person wrote.

The standard library reads TOML (`tomllib`) but does not write it. Every string is written so
that `tomllib` reads back exactly the same text, whatever it holds: quotes, backslashes, LaTeX,
`'''`, line breaks, any Unicode. Literal strings are preferred, so LaTeX keeps its backslashes
as typed; a string a literal cannot hold is written as a basic string with escapes.
"""

from __future__ import annotations

import re

#: What a one-line literal string ('...') cannot hold: a quote, controls other than tab.
_NOT_LITERAL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f']")
#: What a multi-line literal string ('''...''') cannot hold: controls other than tab and LF.
_NOT_MULTILINE_LITERAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_TO_ESCAPE = re.compile(r'["\\\x00-\x08\x0a-\x1f\x7f]')
_TO_ESCAPE_MULTILINE = re.compile(r'["\\\x00-\x08\x0b-\x1f\x7f]')


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def string(value: str) -> str:
    """`value` as a TOML string: one line unless it holds line breaks."""
    if "\n" in value:
        if "'''" not in value and not value.endswith("'") and not _NOT_MULTILINE_LITERAL.search(value):
            return f"'''\n{value}'''"  # the line break after the opening quotes is not part of it
        return '"""\n' + _TO_ESCAPE_MULTILINE.sub(_escape, value) + '"""'
    if not _NOT_LITERAL.search(value):
        return f"'{value}'"
    return '"' + _TO_ESCAPE.sub(_escape, value) + '"'


def string_array(values: list[str]) -> str:
    """A list of strings, one a line (easy to reorder, add and remove in an editor)."""
    if not values:
        return "[]"
    return "[\n" + "".join(f"  {string(value)},\n" for value in values) + "]"


def assignment(key: str, value: str | int | list[str]) -> str:
    """One `key = value` line (or lines, for an array or a multi-line string)."""
    if isinstance(value, list):
        return f"{key} = {string_array(value)}"
    if isinstance(value, int):
        return f"{key} = {value}"
    return f"{key} = {string(value)}"


_TABLE_HEADER = re.compile(r"\s*\[\s*([A-Za-z0-9_-]+)\s*\]\s*(#.*)?$")


def line_of(text: str, key: str, table: str | None = None) -> int | None:
    """The line (from 1) where `key` is set, at the top or in `[table]`; None if not found.

    For messages about a value that parsed but cannot be used: tomllib says where the syntax
    is wrong, this says where the setting is."""
    assignment_line = re.compile(rf"""\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*=""")
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE_HEADER.match(line)
        if header:
            current = header.group(1)
        elif current == table and assignment_line.match(line):
            return number
    return None


_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def decode_error(error: ValueError) -> tuple[int | None, str]:
    """The line of tomllib's error and its reason: `reason (at line L, column N)` becomes
    (L, `reason (column N)`), for messages that put the line where every message does."""
    message = str(error)
    found = _AT_LINE.search(message)
    if found is None:
        return None, message
    return int(found[1]), f"{message[: found.start()]} (column {found[2]})"
