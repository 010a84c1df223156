"""Normalisation for matching and searching; stored text is never passed through here.

Three foldings:
- `fold` is for search: accents, case and compatibility forms disappear ("Clément" ~ "clement").
- `identity` is how two listings are recognised as one paper: the title folded the same way,
  with punctuation and spacing ignored, plus the first author's family name.
- `tag_key` is how two tags are compared (tag, untag, list/export --tag, log --tag, search
  tag:, tags): `fold` over the stored form `tag_form`.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_TAG_GAPS = re.compile(r"[\s\-]+")
_ET_AL = re.compile(r"\s+(et\s+al\.?|and\s+others)$", re.IGNORECASE)
_NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


#: Latin letters whose accent Unicode does not decompose: folded by hand (Kjærgaard ~ kjaergaard).
_UNDECOMPOSED = {
    "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L", "ı": "i",
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ħ": "h", "Ħ": "H", "ŋ": "n",
}  # fmt: skip
_UNDECOMPOSED_CHAR = re.compile("[" + "".join(_UNDECOMPOSED) + "]")
#: Text that is ASCII but for typographic punctuation (which folds to itself) needs no
#: Unicode normalisation: the common case for abstracts, so it stays at C speed.
_NEEDS_NORMALISING = re.compile("[^\x00-\x7f\u2018\u2019\u201c\u201d\u2013\u2014]")


def is_plain(text: str) -> bool:
    """True when `fold(text)` is just `text.lower()` (no letters that need Unicode folding)."""
    return text.isascii() or not _NEEDS_NORMALISING.search(text)


def fold(text: str) -> str:
    """Case- and accent-insensitive form of `text` for searching and matching.

    Always equal to `_fold_slow(text)` (tests/test_textnorm.py pins that with hypothesis);
    the three early returns only skip Unicode work that would change nothing.
    """
    if text.isascii():
        return text.lower()
    if not _NEEDS_NORMALISING.search(text):
        # Only typographic punctuation beyond ASCII, which has no case: lowering the UTF-8
        # bytes is exact and twice as fast as str.lower() on such (2-byte-wide) strings.
        return text.encode().lower().decode()
    stripped = _strip_accents(text)
    if stripped.isascii():  # accented Latin names end here: nothing left to recompose
        return stripped.lower()
    return unicodedata.normalize("NFC", stripped).casefold()


def _strip_accents(text: str) -> str:
    """Compatibility-decomposed `text` without combining marks, undecomposed letters spelled out."""
    stripped = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    if _UNDECOMPOSED_CHAR.search(stripped):
        stripped = _UNDECOMPOSED_CHAR.sub(lambda match: _UNDECOMPOSED[match[0]], stripped)
    return stripped


def _fold_slow(text: str) -> str:
    """What `fold` means, without its shortcuts: the reference its fast paths are tested against."""
    return unicodedata.normalize("NFC", _strip_accents(text)).casefold()


def tag_form(tag: str) -> str:
    """How a tag is stored: lower case, runs of spaces and hyphens to one hyphen
    (`Deep  Learning` -> `deep-learning`); accents are kept as typed."""
    return _TAG_GAPS.sub("-", tag.strip().lower()).strip("-")


def tag_key(tag: str) -> str:
    """The one rule by which two tags are the same tag, in every command: the stored form,
    also folded, so that `Café`, `cafe` and `CAFÉ` are one tag."""
    return tag_form(fold(tag))


def squash(text: str) -> str:
    """NFKC + casefold with every non-alphanumeric character removed."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def family_name(author: str) -> str:
    """The family name of an author as a digest or BibTeX writes it.

    "Given Family" (digests), "Family, Given" (BibTeX) and a trailing "Jr." are understood;
    particles are left to the BibTeX exporter, matching only needs something stable.
    """
    author = _ET_AL.sub("", author.strip())
    if "," in author:
        head, _, tail = author.partition(",")
        if tail.strip().casefold() not in _NAME_SUFFIXES:
            return head.strip()
        author = head
    words = [w for w in author.split() if w.casefold() not in _NAME_SUFFIXES]
    return words[-1] if words else ""


def identity(title: str, authors: list[str]) -> str:
    """The matching key of a paper: title and first family name, folded and squashed.

    Accents are folded too: digests spell the same name with and without them (Müller/Muller).
    """
    first = family_name(authors[0]) if authors else ""
    return f"{squash(fold(title))}|{squash(fold(first))}"


# Any C0/C1 control but tab and newline (when it opens an escape sequence, the whole sequence),
# the invisible marks that reorder or hide text on screen (bidi overrides and isolates), and
# lone surrogates (undecodable bytes in a command line, `\ud800` in JSON), which no file can hold.
# Written as one leading character class so that `sub` scans clean text at C speed.
_TERMINAL_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
    r"(?:(?<=\x1b)\[[0-?]*[ -/]*[@-~]|(?<=\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|(?:(?<=\x1b)\]|(?<=\x9d))[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"  # OSC: titles, links
    r"|(?<=\x1b)[ -/]*[0-~])?"  # other escape sequences
)


def strip_controls(text: str) -> str:
    """Drop escape sequences, control characters and bidi overrides: no text may drive a terminal.
    A lone surrogate becomes U+FFFD: text that cannot be written as UTF-8 never reaches the store.

    The one rule for all text entering the store (imports, tag, note, add, edit) and for what
    readlist writes for a person or a LaTeX run.
    """
    return _TERMINAL_CONTROL.sub(_dropped, text)


def _dropped(match: re.Match[str]) -> str:
    """Nothing for a control; U+FFFD for a lone surrogate, so that a bad byte stays visible."""
    return "\ufffd" if "\ud800" <= match[0] <= "\udfff" else ""
