"""Free text -> LaTeX that BibTeX, biber and LaTeX read safely (BIBTEX.md §2 and §5).

Digest text may hold LaTeX (`$k$`, `\\emph{...}`) and anything else. What is known to only
typeset (math built from symbol commands, `\\emph`, accents, escaped specials) is kept; every
other backslash becomes `\\textbackslash{}`, so nothing from an imported file can run code
(`\\input`, `\\write18`, `\\def`, `\\catcode`, `^^5c` all come out as printed text).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import count
from typing import NamedTuple

from readlist.bib.latex_unicode import (
    COMMAND,
    ESCAPED_SPECIALS,
    LETTER_ACCENTS,
    MATH_COMMANDS,
    PLAIN_SPECIAL,
    SYMBOL_ACCENTS,
    SYMBOL_COMMANDS,
    decode_latex,
    encode_unicode,
    escape_specials,
    word_set,
)
from readlist.models import BIBTEX, Profile
from readlist.textnorm import strip_controls

__all__ = [
    "decode_latex",
    "encode_unicode",
    "escape_text",
    "protect_title",
    "sanitize_url",
    "unprotect_title",
]

_TEXT_COMMANDS = word_set(
    "emph textbf textit textsc textsf texttt textrm textup textsl textmd textnormal textsuperscript textsubscript"
)
_MATH_SYMBOL_ESCAPES = frozenset(",;:! |{}_$")
_LEFT = re.compile(r"\\left(?![A-Za-z])")
_RIGHT = re.compile(r"\\right(?![A-Za-z])")
#: Math ending in an operator that still wants an argument stops LaTeX ("Missing { inserted").
_MATH_DANGLING = re.compile(
    r"(?:[\^_]|\\(?:frac|sqrt|hat|tilde|bar|vec|dot|ddot|breve|check|acute|grave|widehat|widetilde"
    r"|overline|underline|math[a-z]+|left|right))\s*$"
)
_STRUCTURE = re.compile(r"[\\${}]")
_OUTER_PUNCTUATION = ":,;.!?()\"'[]"
_PROPER_NOUNS = word_set(
    "Gaussian Gaussians Bayesian Markov Markovian Fourier Euclidean Lipschitz Wasserstein"
    " Riemannian Hessian Jacobian Laplacian Hamiltonian Lagrangian Boltzmann Dirichlet Poisson"
    " Bernoulli Newton Langevin Hilbert Banach Kalman Monte Carlo Shapley Hebbian Turing Nash"
    " Pareto Gibbs Bregman Kullback Leibler Stein Hopfield Voronoi Delaunay Bellman Wiener Gumbel"
    " Cauchy Laplace Lyapunov Kolmogorov Sobolev Taylor Chebyshev Legendre Hermite Procrustes"
    " Wasserstein Sinkhorn English Chinese Japanese German French Arabic Euler Gauss Bayes Hodge"
    " Europe European Asia Asian Africa African America American Australia Vietnamese Korean"
    " Greek Latin Spanish Italian Russian Indian Hindi Wikipedia Internet"
)
#: BibTeX styles lower-case every word but the first and those after a colon: a new sentence
#: after "?" or "!" must keep its capital by braces.
_SENTENCE_END = ("?", "!")
_WORD_BREAK = re.compile(r"( +|[-/])")
_PLAIN_WORD = re.compile(r"[^ /-]+")
_BRACE_OR_ESCAPE = re.compile(r"\\.|[{}]", re.DOTALL)
_ACCENT_ARGUMENT = re.compile(r"\{([A-Za-z])\}|\{?\\([ij])(?![A-Za-z])\}?|([A-Za-z])")


class _Piece(NamedTuple):
    """Plain text still to escape, or finished LaTeX (math, a kept command, a brace group)."""

    latex: bool
    value: str


def escape_text(text: str, profile: Profile = BIBTEX) -> str:
    """Steps 1-2 of §5 and §2: safe LaTeX with the case untouched (abstracts, names, venues)."""
    text = " ".join(strip_controls(text).split())  # pdflatex stops at `^^[`
    if not PLAIN_SPECIAL.search(text):
        return encode_unicode(text, profile)
    return encode_unicode("".join(_render(piece) for piece in _pieces(text)), profile)


def protect_title(text: str, profile: Profile = BIBTEX) -> str:
    """§5 steps 1-3: `escape_text` plus braces around each word whose case must survive."""
    text = " ".join(strip_controls(text).split())
    if not _STRUCTURE.search(text):
        return encode_unicode(_protect_plain_title(text), profile)
    out: list[str] = []
    word: list[_Piece] = []
    position = 0
    for piece in [*_pieces(text), _Piece(False, " ")]:
        parts = [piece.value] if piece.latex else _WORD_BREAK.split(piece.value)
        for index, part in enumerate(parts):
            if index % 2 == 0:  # a word fragment (or LaTeX); odd indices are separators
                if part:
                    word.append(piece if piece.latex else _Piece(False, part))
                continue
            if word:
                out.append(_protect_word(word, position))
                position += 1
                word = []
            out.append(part)
    return encode_unicode("".join(out[:-1]), profile)


def sanitize_url(url: str) -> str:
    """A URL with the characters that could break out of a field percent-encoded."""
    from urllib.parse import quote

    return quote(" ".join(url.split()), safe="%#_~&=?/:;@+,.!$'()*[]-")


def _pieces(text: str) -> list[_Piece]:
    """Split into plain text and finished LaTeX; unknown commands stay plain (so get escaped)."""
    if not _STRUCTURE.search(text):
        return [_Piece(False, text)]
    pieces: list[_Piece] = []
    start = index = 0
    while (found := _STRUCTURE.search(text, index)) is not None:
        index = found.start()
        kept, end = _kept_latex(text, index)
        if kept is None:
            index = end
            continue
        if start < index:
            pieces.append(_Piece(False, text[start:index]))
        pieces.extend(kept)
        start = index = end
    if start < len(text):
        pieces.append(_Piece(False, text[start:]))
    return pieces


def _kept_latex(text: str, index: int) -> tuple[list[_Piece] | None, int]:
    """LaTeX that starts at `index` and is kept, with its end; (None, next index) if not kept."""
    char = text[index]
    if char == "$":
        close = text.find("$", index + 1)
        if close < 0:
            return None, index + 1
        content = text[index + 1 : close]
        if _math_ok(content):
            return [_Piece(True, f"${content}$")], close + 1
        # Not typesetting-only: the whole span becomes text, `$` included.
        return [_Piece(False, "$"), *_pieces(content), _Piece(False, "$")], close + 1
    if char == "{":
        close = _matching_brace(text, index)
        if close < 0:
            return None, index + 1
        return [_Piece(True, "{" + _render_all(text[index + 1 : close]) + "}")], close + 1
    if char == "}":
        return None, index + 1
    return _kept_command(text, index)


def _kept_command(text: str, index: int) -> tuple[list[_Piece] | None, int]:
    command = COMMAND.match(text, index)
    assert command is not None  # the pattern matches any backslash
    name, end = command.group(1), command.end()
    if name in ESCAPED_SPECIALS or name == "$":
        return [_Piece(True, "\\" + name)], end
    if name in ("{", "}"):
        return [_Piece(True, r"\textbraceleft{}" if name == "{" else r"\textbraceright{}")], end
    if name in _TEXT_COMMANDS and text.startswith("{", end):
        close = _matching_brace(text, end)
        if close > 0:
            inner = _render_all(text[end + 1 : close])
            return [_Piece(True, f"\\{name}{{{inner}}}")], close + 1
    if name in SYMBOL_ACCENTS or name in LETTER_ACCENTS:
        accented = _ACCENT_ARGUMENT.match(text, end)
        if accented and (name in SYMBOL_ACCENTS or accented.group(0).startswith("{")):
            letter = accented.group(1) or accented.group(2) or accented.group(3)
            argument = letter if name in SYMBOL_ACCENTS else f"{{{letter}}}"
            return [_Piece(True, f"{{\\{name}{argument}}}")], accented.end()
    if name in SYMBOL_COMMANDS:
        if text.startswith("{}", end):
            return [_Piece(True, f"\\{name}{{}}")], end + 2
        if text.startswith(" ", end) and name.isalpha():
            end += 1  # TeX eats the space after a control word
        return [_Piece(True, f"{{\\{name}}}")], end
    if name == "ensuremath" and text.startswith("{", end):
        close = _matching_brace(text, end)
        if close > 0 and _math_ok(text[end + 1 : close]):
            return [_Piece(True, "{" + text[index : close + 1] + "}")], close + 1
    return None, index + 1


def _math_ok(content: str) -> bool:
    """Math is kept only when it is made of symbol-typesetting commands and balanced braces."""
    if not content.strip() or "^^" in content or any(c in content for c in "#%&\n"):
        return False
    if content.count("{") != content.count("}") or content.count("\\{") != content.count("\\}"):
        return False
    if len(_LEFT.findall(content)) != len(_RIGHT.findall(content)) or _MATH_DANGLING.search(content):
        return False
    for command in COMMAND.finditer(content):
        name = command.group(1)
        if name not in MATH_COMMANDS and name not in _MATH_SYMBOL_ESCAPES:
            return False
    return _matching_brace("{" + content + "}", 0) == len(content) + 1


def _matching_brace(text: str, index: int) -> int:
    """Index of the `}` closing the `{` at `index` (escaped braces skipped), or -1."""
    depth = 0
    position = index
    while (found := _BRACE_OR_ESCAPE.search(text, position)) is not None:
        token = found.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                return found.start()
        position = found.end()
    return -1


def _render(piece: _Piece) -> str:
    return piece.value if piece.latex else escape_specials(piece.value)


def _render_all(text: str) -> str:
    return "".join(_render(piece) for piece in _pieces(text))


def _protect_plain_title(text: str) -> str:
    """`protect_title` for a title without math, commands or braces (most of them)."""
    positions = count()
    previous = [""]

    def protect(match: re.Match[str]) -> str:
        word = match.group(0)
        position = next(positions)
        starts_sentence = previous[0].endswith(_SENTENCE_END) and word[:1].isupper()
        previous[0] = word
        if starts_sentence:
            return (
                "{"
                + escape_specials(word.rstrip(_OUTER_PUNCTUATION))
                + "}"
                + escape_specials(word[len(word.rstrip(_OUTER_PUNCTUATION)) :])
            )
        if word.isalpha() and word.isascii() and not _text_needs_braces(word, position):
            return word
        return _protect_word([_Piece(False, word)], position)

    return _PLAIN_WORD.sub(protect, text)


def _protect_word(pieces: list[_Piece], position: int) -> str:
    """One word of a title: outer punctuation stays outside, the core is braced if needed."""
    head = tail = ""
    if not pieces[0].latex:
        stripped = pieces[0].value.lstrip(_OUTER_PUNCTUATION)
        head = pieces[0].value[: len(pieces[0].value) - len(stripped)]
        pieces = [_Piece(False, stripped), *pieces[1:]]
    if not pieces[-1].latex:
        value = pieces[-1].value
        stripped = value.rstrip(_OUTER_PUNCTUATION)
        if stripped.endswith(("'s", "’s")):
            stripped = stripped[:-2].rstrip(_OUTER_PUNCTUATION)
        tail = value[len(stripped) :]
        pieces = [*pieces[:-1], _Piece(False, stripped)]
    if len(pieces) == 1 and not pieces[0].latex:
        core = pieces[0].value
        braced = bool(core) and _text_needs_braces(core, position)
        core = escape_specials(core)
    else:
        core = "".join(_render(piece) for piece in pieces)
        braced = bool(core) and _needs_braces(pieces, position)
    return escape_specials(head) + ("{" + core + "}" if braced else core) + escape_specials(tail)


def _needs_braces(pieces: list[_Piece], position: int) -> bool:
    if any(piece.latex and piece.value.startswith("$") for piece in pieces):
        return True
    if any(piece.latex for piece in pieces):
        return False  # `{...}` already protects; `{\emph{X}}` would lose protection
    return _text_needs_braces("".join(piece.value for piece in pieces), position)


def _text_needs_braces(word: str, position: int) -> bool:
    """§5 step 3 (a)-(e), plus: letters without case (CJK) become capitalised transliterations."""
    if word.isascii() and word.isalpha():  # the common case, decided without a loop
        if len(word) > 1 and not word[1:].islower():
            return True
        return position > 0 and (word in _PROPER_NOUNS or (len(word) == 1 and word.isupper() and word != "A"))
    letters = [char for char in word if char.isalpha()]
    if not letters:
        return False
    return (
        any(char.isupper() for char in letters[1:])
        or any(char.isdigit() for char in word)
        or any(unicodedata.category(char) == "Lo" for char in letters)
        or (position > 0 and word in _PROPER_NOUNS)
        or (position > 0 and len(word) == 1 and word.isupper() and word != "A")
    )


def unprotect_title(title: str) -> str:
    """Drop the brace groups of a decoded .bib title that `protect_title` would add back.

    `{MVP}: A {Gaussian} view` is stored as "MVP: A Gaussian view", while a deliberate
    `{Transformers}` (which readlist would not brace) keeps its braces: both export unchanged.
    """
    target = protect_title(title)
    for start, end in reversed(_top_level_groups(title)):
        candidate = title[:start] + title[start + 1 : end] + title[end + 1 :]
        if protect_title(candidate) == target:
            title = candidate
    return title


def _top_level_groups(text: str) -> list[tuple[int, int]]:
    groups = []
    index = 0
    while (found := _BRACE_OR_ESCAPE.search(text, index)) is not None:
        close = _matching_brace(text, found.start()) if found.group(0) == "{" else -1
        if close > 0:
            groups.append((found.start(), close))
            index = close + 1
        else:
            index = found.end()
    return groups
