"""Small wording rules shared by everything readlist writes for a person (no rich, no I/O)."""

from __future__ import annotations

import re
from functools import lru_cache

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


def byline(authors: list[str]) -> str:
    """`Aubert et al.`: the first author's family name, as papers cite each other."""
    if not authors:
        return ""
    return family(authors[0]) + (" et al." if len(authors) > 1 else "")


@lru_cache(maxsize=4096)
def family(author: str) -> str:
    """The family name with its particles, as the list shows it (`de Vries`)."""
    from readlist.names import parse_name

    name = parse_name(author)
    return " ".join(part for part in (name.von, name.last.rstrip(",")) if part)


_TEXT_COMMAND = re.compile(r"\\(?:emph|textbf|textit|texttt|textsc|textrm|textsf|underline|mbox|url)\{([^{}]*)\}")
_HREF = re.compile(r"\\href\{([^{}]*)\}\{([^{}]*)\}")
_ESCAPED = re.compile(r"\\([%&_#$])")
_MATH = re.compile(r"(?<!\\)\$([^$]+)\$")


def readable_latex(text: str) -> str:
    """Abstract LaTeX as a person reads it: `\\emph{x}` -> x, `$\\mathcal{O}(n)$` -> O(n), `\\%` -> %.

    For display only (`show`): the stored text, and `--json`, keep the LaTeX as written. Math
    goes through pylatexenc; what it cannot read stays as written.
    """
    if "\\" not in text and "$" not in text:
        return text
    text = _HREF.sub(lambda m: f"{m[2]} ({m[1]})", text)
    text = _TEXT_COMMAND.sub(r"\1", text)
    text = _MATH.sub(lambda m: _math_text(m[1]), text)
    return _ESCAPED.sub(r"\1", text)


_SUPERSCRIPT = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SCRIPT = re.compile(r"([\^_])(?:\{([0-9+\-=()ni]+)\}|([0-9ni]))")


def _scripts(math: str) -> str:
    """`x^2`, `x^{-1}`, `x_{10}` with Unicode super- and subscripts where all characters have one."""

    def script(match: re.Match[str]) -> str:
        body = match[2] or match[3]
        table = _SUPERSCRIPT if match[1] == "^" else _SUBSCRIPT
        return body.translate(table) if all(ord(char) in table for char in body) else match[0]

    return _SCRIPT.sub(script, math)


def _math_text(math: str) -> str:
    from pylatexenc.latex2text import LatexNodes2Text

    try:
        return str(LatexNodes2Text(math_mode="text").latex_to_text(_scripts(math))).strip() or math
    except (IndexError, KeyError, ValueError, RecursionError, AttributeError):
        return f"${math}$"
