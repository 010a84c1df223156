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


def byline(authors: list[str]) -> str:
    """`Aubert et al.`: the first author's family name, as papers cite each other."""
    if not authors:
        return ""
    return family(authors[0]) + (" et al." if len(authors) > 1 else "")


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


def _math_text(math: str) -> str:
    from pylatexenc.latex2text import LatexNodes2Text

    try:
        return str(LatexNodes2Text(math_mode="text").latex_to_text(math)).strip() or math
    except (IndexError, KeyError, ValueError, RecursionError, AttributeError):
        return f"${math}$"
