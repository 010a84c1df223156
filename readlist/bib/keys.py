"""Citation keys (BIBTEX.md §3): computed once when a paper is added, then stored and never recomputed.

Google Scholar's shape with Better BibTeX's whole family name: `wei2022mvp`,
`vanderlaak2023robustness`. Keys are plain ASCII so that every BibTeX
variant, biber and every editor's completion accept them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from string import ascii_lowercase

from readlist.bib.latex_unicode import word_set
from readlist.models import Entry
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


#: What BibTeX and biber accept in a citation key: no space, comma, brace, quote, #, %, =, \\, ~,
#: control character or bidi mark. Export checks it, and so does a .bib import.
CITABLE_KEY = re.compile(r"[^\s,{}()\"#%'=\\~\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+")


def assign_key(entry: Entry, keys: KeyAllocator, preferred: str = "") -> str:
    """The preferred key if free, else one made from the first author, year and title."""
    from readlist.bib.venues import publication_year

    return keys.allocate(base_key(entry.authors, publication_year(entry), entry.title), preferred)


def unique_key(base: str, taken: set[str]) -> str:
    """`base`, or `base` + a, b, ... z, aa, ab, ... : the first one whose casefold is not taken."""
    return KeyAllocator(taken, casefolded=True).allocate(base)


class KeyAllocator:
    """Hands out keys that no other entry has (compared ignoring case), in order.

    Each base resumes after the last suffix it gave, so a thousand papers that share a base
    (one author, one year, one first word) cost a thousand steps, not half a million.
    """

    def __init__(self, taken: Iterable[str], casefolded: bool = False) -> None:
        self.taken = set(taken) if casefolded else {key.casefold() for key in taken}
        self._next: dict[str, int] = {}

    def allocate(self, base: str, preferred: str = "") -> str:
        """`preferred` when it is free, else `base` with the first free suffix."""
        if preferred and preferred.casefold() not in self.taken:
            key = preferred
        else:
            index = self._next.get(base.casefold(), 0)
            while (key := base + _suffix(index)).casefold() in self.taken:
                index += 1
            self._next[base.casefold()] = index + 1
        self.taken.add(key.casefold())
        return key

    def take(self, key: str) -> None:
        self.taken.add(key.casefold())


def _suffix(index: int) -> str:
    """0 -> "", 1 -> "a", ... 26 -> "z", 27 -> "aa", ...: bijective base 26."""
    letters = []
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters.append(ascii_lowercase[remainder])
    return "".join(reversed(letters))


def ascii_fold(text: str) -> str:
    """Transliterate to ASCII (anyascii: ISC, unlike the GPL Unidecode): 'Öztürk' -> 'Ozturk'."""
    if text.isascii():
        return text
    from anyascii import anyascii

    return anyascii(text)


def _author_part(authors: list[str]) -> str:
    """The first author's family name with particles, or a corporate name's first real word."""
    names = parse_authors(authors[:2]).names  # the second may be the first's "Jr."; the rest cannot matter
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
