"""Author names: digest "Given von Last Jr." strings <-> BibTeX's `von Last, Jr, First` (BIBTEX.md §4).

Digests separate authors with commas, so BibTeX's own parser (which reads a comma as
"Last, First") would turn "Martin Luther King, Jr." upside down; readlist parses names itself
and always writes the comma form, which BibTeX, bibtex8 and biber all read the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

_SUFFIX = re.compile(r"(?:Jr|Sr)\.?|II|III|IV")
_ET_AL = re.compile(r"(?:^|\s+)(?:et\.?\s*al\.?|others)\s*$", re.IGNORECASE)
_COMPANY_TAIL = re.compile(r"(?:Inc|Ltd|LLC|GmbH)\.?")
_CORPORATE = re.compile(r"\b(?:Collaboration|Consortium|Team|Group|Project|Initiative|Lab|Inc\.|Ltd\.)(?!\w)")
_CAPITALISED_PARTICLES = frozenset(["Van", "Von", "De", "Der", "Den", "Del", "Della", "Dos", "Das", "Ter", "Ten"])
_GLUED_INITIALS = re.compile(r"(?<=[A-Z]\.)(?=[A-Z])")
_AND = re.compile(r"\s+and\s+|\s*&\s*")
_LEADING_AND = re.compile(r"^(?:and\s+|&\s*)")  # ", and C": the serial comma before the last name
_COMMA = re.compile(",")
_LIST_SEPARATOR = re.compile(r"\s*[,，、]\s*")
_SPACE = re.compile(" ")
_BRACE = re.compile("[{}]")
_UNUSUAL_SPACE = re.compile(r"\s{2,}|[^\S ]")  # what `" ".join(text.split())` would change


@dataclass(frozen=True)
class PersonName:
    """One author in BibTeX's four parts; a corporate author is all `last`."""

    first: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""
    corporate: bool = False

    @property
    def family(self) -> str:
        return f"{self.von} {self.last}" if self.von else self.last


@dataclass(frozen=True)
class AuthorList:
    names: tuple[PersonName, ...]
    others: bool  # the list ended in "et al." / "others"


def parse_authors(authors: Iterable[str] | str) -> AuthorList:
    """Authors as a digest lists them, whether already split into a list or as one string."""
    pieces: list[str] = []
    for text in [authors] if isinstance(authors, str) else authors:
        pieces.extend(_split_outside_braces(_UNUSUAL_SPACE.sub(" ", text).strip(), _COMMA))
    names: list[PersonName] = []
    others = False
    for piece in (_LEADING_AND.sub("", p.strip()) for p in pieces):
        if not piece:
            continue
        without_et_al = _ET_AL.sub("", piece)
        if without_et_al != piece:
            others = True
            piece = without_et_al.strip()
            if not piece:
                continue
        if names and _SUFFIX.fullmatch(piece) and not names[-1].jr and not names[-1].corporate:
            previous = names[-1]
            names[-1] = PersonName(previous.first, previous.von, previous.last, piece)
        elif names and _COMPANY_TAIL.fullmatch(piece):
            names[-1] = PersonName(last=f"{names[-1].family}, {piece}", corporate=True)
        elif _CORPORATE.search(piece) or _is_braced(piece):
            names.append(parse_name(piece))
        else:
            parts = _split_outside_braces(piece, _AND)
            names.extend(parse_name(part) for part in parts if part.strip())
    return AuthorList(tuple(names), others)


def split_author_line(text: str) -> list[str]:
    """The names of an author line as papers and digests write it, each as written.

    `A, B, and C`, `A, B and C`, `A and B`, `A & B`, Chinese commas, `A, B et al.` (kept as a
    last `et al.`, as a .bib `and others` is), wrapped lines (whitespace runs collapse) and a
    lone `Jr.` after a comma all give one name per author. Braced and corporate names
    (`{Google Research}`, `The ATLAS Collaboration`) are never split at `and`.
    """
    names: list[str] = []
    others = False
    for raw in _split_outside_braces(_UNUSUAL_SPACE.sub(" ", text).strip(), _LIST_SEPARATOR):
        piece = _LEADING_AND.sub("", raw.strip())
        without_et_al = _ET_AL.sub("", piece).strip()
        others = others or without_et_al != piece
        if not without_et_al:
            continue
        if _CORPORATE.search(without_et_al) or _is_braced(without_et_al):
            names.append(without_et_al)
        else:
            names.extend(part.strip() for part in _split_outside_braces(without_et_al, _AND) if part.strip())
    return join_suffixes(names) + (["et al."] if others else [])


def parse_name(text: str) -> PersonName:
    """One digest name: trailing suffix -> jr, last token -> last, lower-case run -> von."""
    text = " ".join(text.split())
    if _is_braced(text):
        return PersonName(last=text[1:-1].strip(), corporate=True)
    if _CORPORATE.search(text):
        return PersonName(last=text, corporate=True)
    tokens = [token for token in _split_outside_braces(text, _SPACE) if token]
    if not tokens:
        return PersonName()
    jr = ""
    if len(tokens) > 1 and _SUFFIX.fullmatch(tokens[-1].rstrip(",")):
        jr = tokens.pop().rstrip(",")
    last = _unbrace(tokens.pop())
    start = len(tokens)
    while start > 1 and (
        _starts_lower(tokens[start - 1]) or (tokens[start - 1] in _CAPITALISED_PARTICLES and len(tokens) >= 2)
    ):
        start -= 1
    particles = tokens[start:]
    first = _GLUED_INITIALS.sub(" ", " ".join(tokens[:start]))
    if any(not _starts_lower(p) for p in particles):  # "Van Gool", "Van der Maaten": all family
        return PersonName(first, "", " ".join([*particles, last]), jr)
    return PersonName(first, " ".join(particles), last, jr)


def bibtex_name(name: PersonName, encode: Callable[[str], str]) -> str:
    """`von Last, Jr, First` with each part made LaTeX-safe by `encode`."""
    if name.corporate:
        return "{" + encode(name.last) + "}"
    head = encode(name.family)
    if name.jr:
        return f"{head}, {encode(name.jr)}, {encode(name.first)}"
    return f"{head}, {encode(name.first)}" if name.first else head


def bibtex_authors(authors: Iterable[str] | str, encode: Callable[[str], str]) -> str:
    """The `author` field value: names joined by ` and `, "et al." as `and others`."""
    parsed = parse_authors(authors)
    written = [bibtex_name(name, encode) for name in parsed.names]
    if parsed.others:
        written.append("others")
    return " and ".join(written)


def digest_form(first: str, von: str, last: str, jr: str) -> str:
    """A name read from BibTeX parts, written as a digest would ("Given von Last, Jr.").

    A family name that the digest form cannot carry (several words without a particle, or a
    corporate name) is wrapped in braces so that `parse_name` gives the same parts back.
    """
    first, von, last, jr = (" ".join(part.split()) for part in (first, von, last, jr))
    if not first and not von and not jr and " " in last:  # a corporate name
        return last if parse_name(last) == PersonName(last=last, corporate=True) else "{" + last + "}"
    family = f"{von} {last}" if von else last
    plain = " ".join(filter(None, [first, family])) + (f", {jr}" if jr else "")
    reparsed = parse_authors(plain).names
    if len(reparsed) == 1 and _same_person(reparsed[0], first, family, jr):
        return plain
    braced = " ".join(filter(None, [first, von, "{" + last + "}"]))
    return braced + (f", {jr}" if jr else "")


def _split_outside_braces(text: str, separator: re.Pattern[str]) -> Iterator[str]:
    """The parts of `text` between matches of `separator` at brace depth 0 ("{García Márquez}"
    is one token), one at a time: a megabyte-long author line never costs a list of parts."""
    groups = _top_level_brace_groups(text)
    begin, group = 0, 0
    for match in separator.finditer(text):
        while group < len(groups) and groups[group][1] <= match.start():
            group += 1
        if group < len(groups) and groups[group][0] <= match.start():
            continue  # inside a braced group
        yield text[begin : match.start()]
        begin = match.end()
    yield text[begin:]


def _top_level_brace_groups(text: str) -> list[tuple[int, int]]:
    """Spans of the outermost `{...}` groups; none when the braces do not balance."""
    groups: list[tuple[int, int]] = []
    depth = start = 0
    for brace in _BRACE.finditer(text) if "{" in text else ():
        if brace.group() == "{":
            start = brace.start() if depth == 0 else start
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                return []
            if depth == 0:
                groups.append((start, brace.end()))
    return groups if depth == 0 else []


def _same_person(name: PersonName, first: str, family: str, jr: str) -> bool:
    return (name.first, name.family, name.jr, name.corporate) == (
        _GLUED_INITIALS.sub(" ", first),
        family,
        jr,
        False,
    )


def _is_braced(text: str) -> bool:
    if not (text.startswith("{") and text.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(text):
        depth += (char == "{") - (char == "}")
        if depth == 0 and index < len(text) - 1:
            return False
    return True


def _unbrace(token: str) -> str:
    return token[1:-1] if _is_braced(token) else token


def _starts_lower(token: str) -> bool:
    """BibTeX's von test: the first letter (not the first character) is lower case."""
    if token[:1].isalpha():
        return token[0].islower()
    return next((char.islower() for char in token if char.isalpha()), False)


_LONE_SUFFIX = re.compile(r"(?i:jr|sr)\.?|II|III|IV")


def join_suffixes(names: list[str]) -> list[str]:
    """`Martin Luther King, Jr.` is one author: a lone suffix belongs to the name before it."""
    joined: list[str] = []
    for name in names:
        if joined and _LONE_SUFFIX.fullmatch(name.strip()):
            joined[-1] = f"{joined[-1]}, {name.strip()}"
        else:
            joined.append(name)
    return joined
