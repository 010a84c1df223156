"""Characters <-> LaTeX: which commands typeset anywhere, Unicode to LaTeX per profile, and back.

A command is "portable" when pdflatex with T1 fonts and no extra package typesets it, so that an
export compiles in any document. A character whose LaTeX form needs more (`\\CYRD` needs T2A,
`\\mathbb` needs amssymb) or that has none (CJK) is written in Latin letters (anyascii) instead.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

from readlist.models import BIBTEX, Profile

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text
    from pylatexenc.latexencode import UnicodeToLatexEncoder


def word_set(text: str) -> frozenset[str]:
    """A frozenset of the words of `text`: long vocabularies read best as prose."""
    return frozenset(text.split())


SYMBOL_ACCENTS = frozenset("'`^\"~=.")
LETTER_ACCENTS = frozenset("uvHcdbtkr")
SYMBOL_COMMANDS = word_set(
    "i j o O l L ss SS ae AE oe OE aa AA dh DH th TH ng NG dj DJ LaTeX TeX ldots dots"
    " textasciitilde textasciicircum textbackslash textless textgreater textbar textbraceleft"
    " textbraceright textendash textemdash textquoteleft textquoteright textquotedblleft"
    " textquotedblright textellipsis textbullet textdagger textdaggerdbl textsection textparagraph"
    " textregistered texttrademark textcopyright copyright textdegree textperiodcentered"
    " textexclamdown textquestiondown guillemotleft guillemotright"
)
#: Text symbols of the LaTeX kernel with T1/TS1 fonts (textcomp is built in since 2020).
_TEXT_SYMBOLS = word_set(
    "textsterling textyen texteuro textcent textcurrency textbrokenbar textordfeminine"
    " textordmasculine textlnot textmu textohm textcelsius textnumero textpm texttimes textdiv"
    " textminus textonehalf textonequarter textthreequarters textonesuperior texttwosuperior"
    " textthreesuperior textperthousand textleftarrow textrightarrow textuparrow textdownarrow"
    " textasciimacron textasciiacute textasciidieresis textasciigrave textfractionsolidus"
    " textflorin textestimated textinterrobang textmusicalnote textlangle textrangle"
    " guilsinglleft guilsinglright quotedblbase quotesinglbase textquotedbl textquotesingle"
    " textvisiblespace textunderscore textbardbl textbigcircle textreferencemark"
)
ESCAPED_SPECIALS = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "$": r"\$"}
#: Commands allowed in math: those of the LaTeX kernel that only typeset symbols.
MATH_COMMANDS = word_set(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi"
    " pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta"
    " Lambda Xi Pi Sigma Upsilon Phi Psi Omega mathcal mathbf mathrm mathit mathsf mathtt"
    " mathnormal log ln exp sin cos tan sinh cosh tanh arg max min sup inf lim limsup liminf det"
    " dim ker deg gcd Pr sum prod int oint infty leq geq le ge neq ne ll gg times cdot cdots ldots"
    " dots vdots ddots pm mp div approx sim simeq cong equiv propto in notin ni subset subseteq"
    " supset supseteq cup cap setminus emptyset forall exists neg lnot wedge vee land lor oplus"
    " otimes odot circ star ast bullet dagger to rightarrow leftarrow Rightarrow Leftarrow"
    " leftrightarrow Leftrightarrow mapsto uparrow downarrow longrightarrow partial nabla ell hbar"
    " prime top bot perp parallel mid hat tilde bar vec dot ddot breve check acute grave widehat"
    " widetilde overline underline sqrt frac left right langle rangle lfloor rfloor lceil rceil"
    " lbrace rbrace vert Vert backslash quad qquad colon"
)
#: What the Unicode encoder may emit: anything else is transliterated instead.
PORTABLE_COMMANDS = (
    SYMBOL_COMMANDS | _TEXT_SYMBOLS | MATH_COMMANDS | SYMBOL_ACCENTS | LETTER_ACCENTS | {"ensuremath", "~", " "}
)
_ACCENT = re.compile(r"\\(?:['`^\"~=.]|[uvHcdbtkr](?![A-Za-z]))")
_COMBINING_ACCENTS = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
    "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d",
    "\u0327": "c", "\u0328": "k", "\u0331": "b",
}  # fmt: skip
#: Commands that exist only in T1-encoded fonts: a bare `\documentclass{article}` lacks them.
_T1_ONLY_COMMANDS = frozenset(
    {"k", "DJ", "dj", "DH", "dh", "TH", "th", "NG", "ng", "guilsinglleft", "guilsinglright", "guillemotleft",
     "guillemotright", "quotedblbase", "quotesinglbase", "textquotedbl"}
)  # fmt: skip
COMMAND = re.compile(r"\\([A-Za-z]+|.?)", re.DOTALL)
_PLAIN_ESCAPES = str.maketrans(
    {
        **ESCAPED_SPECIALS,
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
        "<": r"\textless{}",
        ">": r"\textgreater{}",
        "\\": r"\textbackslash{}",
        # BibTeX counts `\{` as a brace too, so a lone brace can only be a text symbol.
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
    }
)
_KEPT_IN_BIBLATEX = frozenset("–—‘’“”")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
PLAIN_SPECIAL = re.compile(r"[&%#_$~^<>\\{}]")
_DECODE_NEEDED = re.compile(r"[\\{}$~-]|''|``|!`|\?`")


def encode_unicode(text: str, profile: Profile = BIBTEX) -> str:
    """Non-ASCII -> LaTeX per profile: `bibtex` is pure ASCII, `biblatex` keeps letters."""
    if text.isascii():
        return text
    table = _ENCODINGS[profile.keep_letters]
    # Only the non-ASCII runs are looked up: `str.translate` over a whole abstract with one
    # dash in it would consult the table for every character (50 us a 1,300-character text).
    return _NON_ASCII_RUN.sub(
        lambda run: "".join(table[ord(char)] for char in run[0]), unicodedata.normalize("NFC", text)
    )


def transliterated(text: str) -> list[str]:
    """Letters the `bibtex` profile cannot write as LaTeX, so spells in plain Latin letters
    (王 -> Wang) or without the accent pdflatex lacks (ị -> i)."""
    if text.isascii():
        return []
    candidates = dict.fromkeys("".join(_NON_ASCII_RUN.findall(text)))  # C speed; few remain
    return [char for char in candidates if char.isalpha() and "\\" not in encode_unicode(char)]


def escape_specials(text: str) -> str:
    return text.translate(_PLAIN_ESCAPES) if PLAIN_SPECIAL.search(text) else text


class _CharEncoding(dict[int, str]):
    """`str.translate` table filled on first use of each character (C speed afterwards)."""

    def __init__(self, keep_letters: bool) -> None:
        super().__init__()
        self.keep_letters = keep_letters

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        self[codepoint] = encoded = self._encode(char)
        return encoded

    def _encode(self, char: str) -> str:
        if char.isascii():
            return char
        if not self.keep_letters and not _pdflatex_can_set(char):
            # biber turns accent macros back into UTF-8, so pdflatex must know the letter:
            # drop the accents it lacks (ễ -> ê, ị -> i) rather than break the build.
            char = _nearest_settable(char)
            if char.isascii():
                return char
        if self.keep_letters and (
            char in _KEPT_IN_BIBLATEX
            or (
                unicodedata.category(char)[0] in "LM"
                and "GREEK" not in unicodedata.name(char, "")
                and not unicodedata.decomposition(char).startswith("<font>")  # ℝ is a symbol
            )
        ):
            return char
        encoded = str(_latex_encoder().unicode_to_latex(char))
        commands = {command.group(1) for command in COMMAND.finditer(encoded)}
        if not commands <= PORTABLE_COMMANDS:
            return _transliterate(char)  # e.g. \CYRD needs T2A fonts, \mathbb needs amssymb
        if commands & _T1_ONLY_COMMANDS:
            # pdflatex with the default OT1 fonts stops on them ("Command \DJ unavailable"):
            # drop an ogonek (ę -> e), spell the letter in ASCII (Đ -> D, Þ -> Th).
            plain = _nearest_settable(char) if "k" in commands else ""
            return plain if plain.isascii() and plain else _transliterate(char)
        if char not in "ıȷ":  # biber decodes {\'\i} to U+0131 U+0301, which pdflatex cannot set
            encoded = re.sub(r"\\([ij])(?![A-Za-z])", r"\1", encoded)
        if _ACCENT.search(encoded) and not _decodes_to(encoded, char):
            # pylatexenc writes ű as \'u and Ŀ as \.L: build the accent from the decomposition,
            # else transliterate (biber would decode a combining mark pdflatex cannot set)
            encoded = _accent_from_decomposition(char)
            if not _decodes_to(encoded, char):
                return _transliterate(char)
        return encoded


#: Letters LaTeX's utf8 input encoding can typeset in T1 (base/t1enc.dfu, TeX Live 2022): what
#: biber's UTF-8 output may contain for pdflatex to still compile.
_PDFLATEX_LETTER_RANGES = (
    (0x00C0, 0x00D6), (0x00D8, 0x00F6), (0x00F8, 0x0125), (0x0128, 0x0137), (0x0139, 0x013E),
    (0x0141, 0x0148), (0x014A, 0x0165), (0x0168, 0x017E), (0x01C4, 0x01D4), (0x01E2, 0x01E3),
    (0x01E6, 0x01EB), (0x01F0, 0x01F0), (0x01F4, 0x01F5), (0x0218, 0x021B), (0x0232, 0x0233),
    (0x0237, 0x0237), (0x1E02, 0x1E03), (0x1E0D, 0x1E0D), (0x1E1E, 0x1E21), (0x1E25, 0x1E25),
    (0x1E30, 0x1E31), (0x1E37, 0x1E37), (0x1E43, 0x1E43), (0x1E45, 0x1E45), (0x1E47, 0x1E47),
    (0x1E5B, 0x1E5B), (0x1E63, 0x1E63), (0x1E6D, 0x1E6D), (0x1E8E, 0x1E91), (0x1E9E, 0x1E9E),
    (0x1EF2, 0x1EF3), (0xFB00, 0xFB06),
)  # fmt: skip


def _pdflatex_can_set(char: str) -> bool:
    """False only for accented Latin letters outside T1 (Vietnamese ị, ễ, ...)."""
    if unicodedata.category(char)[0] != "L" or len(unicodedata.normalize("NFD", char)) == 1:
        return True  # symbols and unaccented letters take other paths (macros or anyascii)
    code = ord(char)
    return any(low <= code <= high for low, high in _PDFLATEX_LETTER_RANGES)


def _nearest_settable(char: str) -> str:
    """The letter with its innermost accents only, as far as pdflatex can set it."""
    decomposed = unicodedata.normalize("NFD", char)
    while len(decomposed) > 1:
        decomposed = decomposed[:-1]
        candidate = unicodedata.normalize("NFC", decomposed)
        if len(candidate) == 1 and _pdflatex_can_set(candidate):
            return candidate
    return decomposed


def _accent_from_decomposition(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    accent = _COMBINING_ACCENTS.get(marks, "") if len(marks) == 1 and base.isascii() else ""
    if not accent:
        return ""
    return f"{{\\{accent}{base}}}" if accent in SYMBOL_ACCENTS else f"{{\\{accent}{{{base}}}}}"


def _decodes_to(latex: str, char: str) -> bool:
    return bool(latex) and unicodedata.normalize("NFC", decode_latex(latex)) == char


def _unknown_char(char: str) -> str:
    """pylatexenc has no form for it: an accent built from its decomposition, else Latin letters."""
    accented = _accent_from_decomposition(char)
    return accented if _decodes_to(accented, char) else _transliterate(char)


def _transliterate(char: str) -> str:
    """No LaTeX form (CJK, emoji): pdflatex cannot typeset it, so write it in Latin letters."""
    from anyascii import anyascii

    return escape_specials(anyascii(char))


@cache
def _latex_encoder() -> UnicodeToLatexEncoder:
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    return UnicodeToLatexEncoder(
        non_ascii_only=True,
        replacement_latex_protection="braces-all",
        unknown_char_policy=_unknown_char,
        unknown_char_warning=False,
    )


_ENCODINGS = {keep: _CharEncoding(keep_letters=keep) for keep in (False, True)}


#: pylatexenc's time grows with the square of a group's length (2 MB: minutes); longer LaTeX
#: is kept as written. Abstracts are a few thousand characters.
MAX_DECODED_LENGTH = 100_000


class UndecodableLatex(ValueError):
    """LaTeX that pylatexenc cannot turn into text (`\\href`, `\\textcolor[rgb]`, deep braces)."""


def decode_latex(text: str, keep_groups: bool = False) -> str:
    """LaTeX from a .bib file -> the Unicode text readlist stores (and `escape_text` reverses).

    Math is kept, and escaped `$ { }` stay escaped: bare ones mean math and grouping in stored
    text. With `keep_groups` (titles) brace groups of two or more characters are kept, so that
    `{MVP}` keeps its protection; elsewhere braces carry no meaning and are dropped.

    The one guard around pylatexenc: whatever it raises or warns about (a macro without its
    arguments, an unclosed environment, nesting too deep) becomes `UndecodableLatex`.
    """
    if not _DECODE_NEEDED.search(text):
        return " ".join(text.split())
    simple = _decode_simple(text, keep_groups)
    if simple is not None:
        return simple
    if len(text) > MAX_DECODED_LENGTH:
        raise UndecodableLatex(f"LaTeX too long to read (over {MAX_DECODED_LENGTH:,} characters)")
    decoder, warnings = _latex_decoder(keep_groups), _pylatexenc_warnings()
    warnings.clear()
    try:
        decoded = decoder.latex_to_text(text)
    except Exception as exc:  # IndexError, KeyError, AttributeError, ValueError, RecursionError ...
        raise UndecodableLatex(f"LaTeX it cannot read ({type(exc).__name__})") from exc
    if warnings:
        raise UndecodableLatex(f"LaTeX it cannot read ({warnings[0]})")
    return " ".join(decoded.split())


#: What most .bib fields hold, read without pylatexenc (which takes most of a .bib import):
#: math (kept as written), escaped specials, brace groups and the font macros of abstracts.
_SIMPLE_TOKEN = re.compile(
    r"(?P<math>(?<!\\)\$[^$]*(?<!\\)\$)"
    r"|\\(?P<escape>[%&_#])|(?P<dollar>\\\$)"
    r"|\\(?P<font>emph|textbf|textit|textsl|textsc|textrm|texttt|textsf|textup|textmd|underline)\{"
    r"|\\url\{(?P<url>[^\s{}\\%~$]*)\}"
    r"|(?P<open>\{)|(?P<close>\})"
    r"|(?P<plain>[^\\{}$]+)"
)
#: Plain text pylatexenc would change: ligatures, quotes and ties.
_LIGATURE = re.compile(r"--|''|``|!`|\?`|~")
#: Font macros that take their argument's text (pylatexenc's own table drops some of them).
FONT_MACROS = (
    "emph",
    "textbf",
    "textit",
    "textsl",
    "textsc",
    "textrm",
    "texttt",
    "textsf",
    "textup",
    "textmd",
    "underline",
)


def _decode_simple(text: str, keep_groups: bool = False) -> str | None:
    """What pylatexenc gives for text made only of math, escaped specials, brace groups, font
    macros such as `\\emph{...}` and plain `\\url{...}`, without pylatexenc; None for any other text.

    A group keeps its braces under `keep_groups` when its text has two or more characters, as
    pylatexenc's `keep_braced_groups` does; a font macro's argument never does.
    """
    if "$$" in text:  # display math, or empty math: pylatexenc's to read
        return None
    levels: list[list[str]] = [[]]
    is_font: list[bool] = []
    position = 0
    for token in _SIMPLE_TOKEN.finditer(text):
        if token.start() != position:
            return None  # a backslash or dollar the tokens do not cover
        position = token.end()
        kind = token.lastgroup
        if kind == "plain":
            if _LIGATURE.search(token[0]):
                return None
            levels[-1].append(token[0])
        elif kind == "math":
            if not _balanced(token[0]):
                return None
            levels[-1].append(token[0])
        elif kind == "escape":
            levels[-1].append(token["escape"])
        elif kind == "dollar":
            levels[-1].append(token[0])
        elif kind == "url":
            levels[-1].append(token["url"])
        elif kind in ("font", "open"):
            levels.append([])
            is_font.append(kind == "font")
        else:  # close
            if not is_font:
                return None
            contents, font = "".join(levels.pop()), is_font.pop()
            kept = keep_groups and not font and len(contents) >= 2
            levels[-1].append("{" + contents + "}" if kept else contents)
    if position != len(text) or is_font:
        return None
    return " ".join("".join(levels[0]).split())


def _balanced(math: str) -> bool:
    depth = 0
    for char in math.replace("\\{", "").replace("\\}", ""):
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


@cache
def _pylatexenc_warnings() -> list[str]:
    """What pylatexenc logs (it warns on stderr and carries on with a wrong text): collected
    here and turned into `UndecodableLatex`, never printed."""
    import logging

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage().removeprefix("WARNING:").strip()
            collected.append(" ".join(message.removeprefix("Error in configuration:").split()))

    collected: list[str] = []
    logger = logging.getLogger("pylatexenc")
    logger.addHandler(Collect(logging.WARNING))
    logger.propagate = False
    return collected


@cache
def _latex_decoder(keep_groups: bool) -> LatexNodes2Text:
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    context = get_default_latex_context_db().filter_context()
    literal = {
        "$": r"\$",
        "{": r"\{",
        "}": r"\}",
        "textbraceleft": r"\{",
        "textbraceright": r"\}",
        "textbackslash": r"\textbackslash{}",
        "textasciicircum": "^",
        "textasciitilde": "~",
        "textless": "<",
        "textgreater": ">",
        **dict.fromkeys(FONT_MACROS, "%s"),  # pylatexenc drops \\texttt{...} and three more
        "url": "%s",  # the address itself, as a digest shows it, not pylatexenc's <address>
        "LaTeX": "LaTeX",
        "TeX": "TeX",
        # pylatexenc would drop these (it reads no file): keep them visible, as harmless text
        "input": r"\textbackslash{}input{%s}",
        "include": r"\textbackslash{}include{%s}",
    }
    context.add_context_category(
        "readlist-literals",
        macros=[MacroTextSpec(name, simplify_repl=text) for name, text in literal.items()],
        prepend=True,
    )
    return LatexNodes2Text(latex_context=context, math_mode="verbatim", keep_braced_groups=keep_groups)
