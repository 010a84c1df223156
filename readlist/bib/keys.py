"""Citation keys (BIBTEX.md §3): computed once when a paper is added, then stored and never recomputed.

Google Scholar's shape with Better BibTeX's whole family name: `wei2022mvp`,
`vanderlaak2023robustness`. Keys are plain ASCII so that every BibTeX
variant, biber and every editor's completion accept them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import count, product
from string import ascii_lowercase

from readlist.bib.latex_unicode import word_set
from readlist.names import parse_authors

#: Better BibTeX's default skip words, also used for the first word of a corporate name.
SKIP_WORDS = word_set(
    "a ab aboard about above across after against al along amid among an and anti around as at"
    " before behind below beneath beside besides between beyond but by d da das de del dell dello"
    " dei degli della delle dem den der des despite die do down du during ein eine einem einen"
    " einer eines el en et except for from gli i il in inside into is l la las le les like lo los"
    " near nor of off on onto or over past per plus round save since so some sur than the through"
    " to toward towards un una unas under underneath une unlike uno unos until up upon versus via"
    " von while with within without yet zu zum"
)
#: A family name or title word longer than this is cut in the key: keys are typed and cited.
_PART_LIMIT = 24
_LATEX_COMMAND = re.compile(r"\\(?:[A-Za-z@]+|.)")
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]+")
_WORD_SPLIT = re.compile(r"[\s\-\u2010-\u2015/]+")


def base_key(authors: list[str], year: int | None, title: str) -> str:
    """The key before disambiguation: family name, year, first significant title word (`wei2022mvp`)."""
    year_text = str(year) if year is not None else ""
    words = _title_words(title)
    word = words[0].lower()[:_PART_LIMIT] if words else ""
    return f"{_author_part(authors).lower()[:_PART_LIMIT]}{year_text}{word}"


def unique_key(base: str, taken: set[str]) -> str:
    """`base`, or `base` + a, b, ... z, aa, ab, ... : the first one whose casefold is not taken."""
    return next(key for key in _candidates(base) if key.casefold() not in taken)


def _candidates(base: str) -> Iterator[str]:
    yield base
    for length in count(1):
        for letters in product(ascii_lowercase, repeat=length):
            yield base + "".join(letters)


def ascii_fold(text: str) -> str:
    """Transliterate to ASCII (anyascii: ISC, unlike the GPL Unidecode): 'Öztürk' -> 'Ozturk'."""
    if text.isascii():
        return text
    from anyascii import anyascii

    return anyascii(text)


def _author_part(authors: list[str]) -> str:
    """The first author's family name with particles, or a corporate name's first real word."""
    names = parse_authors(authors).names
    if not names:
        return "anon"
    first = names[0]
    if first.corporate:
        words = [_NON_ALNUM.sub("", w) for w in ascii_fold(_strip_latex(first.last)).split()]
        words = [w for w in words if w and w.lower() not in SKIP_WORDS]
        return words[0] if words else "anon"
    family = _NON_ALNUM.sub("", ascii_fold(_strip_latex(first.family)))
    return family or "anon"


def _title_words(title: str) -> list[str]:
    """Title words in ASCII without punctuation, skipping 1-letter words and skip words."""
    words = (_NON_ALNUM.sub("", w) for w in _WORD_SPLIT.split(ascii_fold(_strip_latex(title))))
    return [w for w in words if len(w) > 1 and w.lower() not in SKIP_WORDS]


def _strip_latex(text: str) -> str:
    return _LATEX_COMMAND.sub("", text).replace("$", "")
