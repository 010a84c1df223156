"""Reading the daily arXiv digests that blogs publish, as plain text files.

A digest looks like this (blank lines separate the parts; any number of them may appear)::

    Vision Transformer                  topic of the section
    2022-03-11 更新                      date line ("更新" means "updated"; optional)
    A Title, $\\LaTeX$ kept as written   entry: the title line
    Authors:Given Family, Given Family  comma-separated names
    One long abstract line.             (hand-written files may wrap it over several lines)
    PDF CVPR 2022                       optional: arXiv's comments, right after the abstract
    文章作者: ...                        blog footer: not an entry

A file may hold several date sections, each optionally with a new topic line before it.
Pure and stdlib-only: bytes or text in, `DigestParse` out; nothing here touches a disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from readlist.errors import InvalidInput
from readlist.models import DigestItem, DigestParse, Problem
from readlist.names import join_suffixes

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_BINARY_SAMPLE_SIZE = 8192
# Text in UTF-8 or GB18030 has next to no C0 bytes (their multi-byte forms never use them),
# so a share this high means a binary file, not a digest with a few stray escapes.
_MAX_CONTROL_SHARE = 0.1
_CONTROL_BYTES = frozenset(range(32)) - set(b"\t\n\r\x0c\x1b") | {0x7F}

# A line with a role of its own; every other non-blank line is free text (topic, title, abstract).
_SPECIAL_LINE = re.compile(
    r"(?P<pdf>PDF(?:\s+.*)?)"
    r"|(?P<authors>(?i:authors)\s*[:：].*)"
    r"|(?P<date>\d{4}[-/.]\S*?\s*(?:更新)?)"
    r"|(?P<footer>(?:文章作者|文章链接|本文链接|原文链接|版权声明|许可协议|转载请注明"
    r"|(?i:post author|post link|author|link|copyright notice|copyright))\s*[:：].*)"
)
_WRAPPING = ("text", "pdf")  # parts that a hand-written file may wrap over several lines
_AUTHORS_LABEL = re.compile(r"(?i:authors)\s*[:：]")
_NAME_SEPARATOR = re.compile(r"\s*[,，]\s*")
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DATE_SUFFIX = re.compile(r"\s*更新$")
# Any C0/C1 control but tab and newline; when it opens an escape sequence, the whole sequence.
# Written as one leading character class so that `sub` scans clean text at C speed.
_TERMINAL_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"
    r"(?:(?<=\x1b)\[[0-?]*[ -/]*[@-~]|(?<=\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|(?:(?<=\x1b)\]|(?<=\x9d))[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"  # OSC: titles, links
    r"|(?<=\x1b)[ -/]*[0-~])?"  # other escape sequences
)

_SKIPPED_SECTION = "the entries up to the next date line are skipped"
NO_HEADER = 'no digest header: expected a topic line and a date line such as "2022-03-11 更新"'


#: One ideograph inside a Latin word ("Cl閙ent"): what Latin-1 "é" + "m" become when read as
#: GB18030. Chinese text mixed with English does not put a lone ideograph between letters.
_LATIN_READ_AS_CJK = re.compile(r"[A-Za-z][\u3400-\u9fff\ue000-\uf8ff][a-z]")


def decode(data: bytes, file: str) -> str:
    """The text of a digest file: UTF-8, or GB18030 as some Chinese blogs still save it.

    Line ends come back as LF whatever the file used, so line numbers match any editor's.
    """
    if data.startswith(_UTF16_BOMS):
        raise InvalidInput(f"{file}: the file is UTF-16; save it as UTF-8")
    sample = data[:_BINARY_SAMPLE_SIZE]
    if b"\x00" in sample:
        raise InvalidInput(f"{file}: looks like a binary file (it contains NUL bytes)")
    control_bytes = sum(byte in _CONTROL_BYTES for byte in sample)
    if control_bytes > _MAX_CONTROL_SHARE * len(sample):
        raise InvalidInput(f"{file}: looks like a binary file (too many control characters)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        line = data[: utf8_error.start].count(b"\n") + 1
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise InvalidInput(
                f"{file}:{line}: not a text file: byte 0x{data[utf8_error.start]:02x} at offset "
                f"{utf8_error.start} is neither UTF-8 nor GB18030"
            ) from None
        if _LATIN_READ_AS_CJK.search(text):
            raise InvalidInput(
                f"{file}:{line}: the file is neither UTF-8 nor GB18030 (it looks like Latin-1 or "
                "Windows-1252); save it as UTF-8"
            ) from None
    text = _normalise_line_ends(text.removeprefix("\ufeff"))
    if not text.strip():
        reason = "the file is empty" if not text else "the file holds only blank lines"
        raise InvalidInput(f"{file}: {reason}")
    return text


def parse(text: str, file: str) -> DigestParse:
    """The entries of a digest, in file order, and what could not be read, with line numbers.

    A bad entry is reported and skipped; reading resumes at the next title, so one typo
    does not cost the rest of the file.
    """
    text = _strip_terminal_controls(_normalise_line_ends(text.removeprefix("\ufeff")))
    parts = _split_parts(text)
    if not any(part.kind == "date" for part in parts):
        return DigestParse(problems=[Problem(file, 1, NO_HEADER)])
    return _read_sections(parts, file)


def parse_bytes(data: bytes, file: str) -> DigestParse:
    """`decode` then `parse`: what an import does with each file it reads."""
    return parse(decode(data, file), file)


def looks_like_digest(text: str) -> bool:
    """Whether `text` reads as a digest (a date line, then an Authors line), to pick a reader."""
    parts = _split_parts(_normalise_line_ends(text.removeprefix("\ufeff")))
    kinds = [part.kind for part in parts]
    return "date" in kinds and "authors" in kinds[kinds.index("date") :]


@dataclass(slots=True)
class _Part:
    """A run of lines with one role: free text, an Authors, PDF or date line, a blog footer."""

    kind: str  # "text", "authors", "pdf", "date" or "footer"
    line: int  # 1-based line of its first line
    text: str  # its lines, stripped and joined with spaces


@dataclass(frozen=True, slots=True)
class _Entry:
    title: _Part
    authors: list[str]
    abstract: str
    comment: str | None


def _normalise_line_ends(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _strip_terminal_controls(text: str) -> str:
    """Drop escape sequences and control characters: no title may drive a terminal."""
    return _TERMINAL_CONTROL.sub("", text)


def _split_parts(text: str) -> list[_Part]:
    """Group lines into parts; blank lines end a part, and so does a line with a role of its own.

    A footer part is a footer line and the lines right after it, whatever they hold.
    Text and PDF lines may wrap (an abstract may even start with "PDF "); an Authors line
    that ends with a comma continues on the next line.
    """
    parts: list[_Part] = []
    continued: _Part | None = None  # the part that the next plain line extends
    in_footer = False
    for number, raw_line in enumerate(text.split("\n"), 1):
        line = raw_line.strip()
        if not line:
            continued, in_footer = None, False
            continue
        if in_footer:
            continue
        special = _SPECIAL_LINE.fullmatch(line)
        if special is None and continued is not None:
            continued.text += " " + line
            if continued.kind == "authors" and not line.endswith((",", "，")):
                continued = None
            continue
        kind = (special.lastgroup if special else None) or "text"
        part = _Part(kind, number, line)
        parts.append(part)
        ends_with_comma = line.endswith((",", "，"))
        continued = part if kind in _WRAPPING or (kind == "authors" and ends_with_comma) else None
        in_footer = kind == "footer"
    return parts


def _read_sections(parts: list[_Part], file: str) -> DigestParse:
    """Walk the parts: date lines open sections, topics name them, titles start entries."""
    result = DigestParse()
    topic, day, seen_date = "", None, False  # day is None before any date and after a bad one
    i = 0
    while i < len(parts):
        part, following = parts[i], _kind_at(parts, i + 1)
        if part.kind == "date":
            day, seen_date = _iso_date(part.text), True
            if day is None:
                message = f'"{part.text}" is not a valid date; {_SKIPPED_SECTION}'
                result.problems.append(Problem(file, part.line, message))
            i += 1
        elif _is_title(part, following):
            i, entry = _read_entry(parts, i, file, result.problems)
            if entry and day:
                result.items.append(
                    DigestItem(
                        title=entry.title.text,
                        authors=entry.authors,
                        abstract=entry.abstract,
                        comment=entry.comment,
                        topic=topic,
                        date=day,
                        line=entry.title.line,
                    )
                )
            elif entry and not seen_date:  # (after a bad date, its problem covers the entry)
                message = f"{_quote(entry.title.text)} comes before any date line; entry skipped"
                result.problems.append(Problem(file, entry.title.line, message))
        elif part.kind == "text" and (following == "date" or not seen_date):
            topic, i = part.text, i + 1  # the topic line; above the first date, the latest line
        elif part.kind == "footer":
            i = _next_start(parts, i + 1)  # the footer and any blog chrome after it
        else:
            result.problems.append(Problem(file, part.line, _out_of_place(part, following)))
            i = _next_start(parts, i + 1)
    return result


def _read_entry(parts: list[_Part], i: int, file: str, problems: list[Problem]) -> tuple[int, _Entry | None]:
    """The entry titled `parts[i]` (an Authors part follows) and the index after it."""
    title, authors_line = parts[i], parts[i + 1].text
    names = _NAME_SEPARATOR.split(_AUTHORS_LABEL.sub("", authors_line, count=1).strip())
    at = i + 2
    if at >= len(parts):
        message = f'file ends after the "Authors:" line of {_quote(title.text)}, with no abstract'
        problems.append(Problem(file, title.line, message + " (cut short?)"))
        return at, None
    if parts[at].kind not in _WRAPPING or _kind_at(parts, at + 1) == "authors":
        message = f"{_quote(title.text)} has no abstract; entry skipped"
        problems.append(Problem(file, title.line, message))
        return _next_start(parts, at), None
    abstract, at = parts[at].text, at + 1
    comment = None
    if _kind_at(parts, at) == "pdf" and _kind_at(parts, at + 1) != "authors":
        comment, at = parts[at].text[3:].strip() or None, at + 1
    return at, _Entry(title, join_suffixes([name for name in names if name]), abstract, comment)


def _out_of_place(part: _Part, following: str | None) -> str:
    """Why a part cannot start an entry (it is neither a topic, a date nor a title)."""
    if part.kind == "authors":
        return 'entry has an empty title (no title line above its "Authors:" line); skipped'
    if part.kind == "pdf":
        return 'a "PDF" line outside an entry; ignored'
    if following is None:
        return f'file ends after {_quote(part.text)}, with no "Authors:" line (cut short?)'
    return f'{_quote(part.text)} has no "Authors:" line; entry skipped'


def _next_start(parts: list[_Part], i: int) -> int:
    """Index of the next part that can start something: a date line, a topic or a title."""
    while i < len(parts):
        part, following = parts[i], _kind_at(parts, i + 1)
        if part.kind == "date" or _is_title(part, following):
            return i
        if part.kind == "text" and following == "date":
            return i
        i += 1
    return i


def _is_title(part: _Part, following: str | None) -> bool:
    """A title is the line above an Authors line, even one like "PDF Tables ..." or "Link: ..."."""
    return following == "authors" and part.kind in ("text", "pdf", "footer")


def _kind_at(parts: list[_Part], i: int) -> str | None:
    return parts[i].kind if i < len(parts) else None


def _iso_date(line: str) -> str | None:
    """ "2022-03-11 更新" -> "2022-03-11"; None when there is no such day."""
    match = _ISO_DATE.fullmatch(_DATE_SUFFIX.sub("", line))
    if match is None:
        return None
    try:
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def _quote(title: str, limit: int = 60) -> str:
    return f'"{title if len(title) <= limit else title[: limit - 1] + "…"}"'
