"""Digest posts as plain text: what copying a digest page from a browser gives, or a hand-written file.

A digest looks like this (blank lines separate the parts; any number of them may appear)::

    Vision Transformer                  topic: the page's title, above the first date line
    ⚠️ disclaimers, post meta lines      (whatever else stands above the first date line)
    2022-03-11 更新                      date line ("更新" means "updated")
    A Title, $\\LaTeX$ kept as written   entry: the title line
    Authors:Given Family, Given Family  comma-separated names ("A, B, and C" and "A and B" too)
    One long abstract line.             (hand-written files may wrap it over several lines)
    PDF CVPR 2022                       optional: arXiv's comments (a bare "PDF" when none)
    Summary / 摘要 ... 点此查看论文截图    the blog's commentary under a paper: never a paper
    文章作者: ...                        blog footer: not an entry

A file may hold several date sections, each optionally with a new topic line before it.
Pure: text in, `ReadResult` out; nothing here touches a disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from readlist.models import DigestItem, Problem, ReadResult
from readlist.names import split_author_line
from readlist.readers.base import AUTHORS_LABEL, COMMENTARY_HEADINGS, DATE_LINE, Reader, iso_date, quote

# A line with a role of its own; every other non-blank line is free text (topic, title, abstract).
_SPECIAL_LINE = re.compile(
    r"(?P<pdf>PDF(?:\s+.*)?)"
    r"|(?P<authors>(?i:authors)\s*[:：].*)"
    rf"|(?P<date>{DATE_LINE.pattern})"
    r"|(?P<footer>(?:文章作者|文章链接|本文链接|原文链接|版权声明|许可协议|转载请注明"
    r"|(?i:post author|post link|author|link|copyright notice|copyright))\s*[:：].*)"
)
_WRAPPING = ("text", "pdf")  # parts that a hand-written file may wrap over several lines
#: A line the blog's LLM summary labels as a title: what follows it is never a paper of the post.
_LABELLED_TITLE = re.compile(r"(?:\d+\.\s*)?(?:\*\*)?(?i:title|paper title|标题|题目|论文标题)(?:\*\*)?\s*[:：]")
#: Lines above the first date that are never the topic: the blog's disclaimers start with a symbol.
_NOT_A_TOPIC = re.compile(r"[^\w\s(\[\"'$\\]|.*[|｜]")

NO_HEADER = 'no digest header: expected a topic line and a date line such as "2022-03-11 更新"'
_SKIPPED_SECTION = "the entries up to the next date line are skipped"


def sniff(text: str) -> bool:
    """A date line, and an `Authors:` line after it (or no entry at all: an empty day)."""
    kinds = [part.kind for part in _split_parts(text[:200_000])]
    return "date" in kinds and ("authors" in kinds[kinds.index("date") :] or "text" not in kinds[kinds.index("date") :])


@dataclass(slots=True)
class _Part:
    """A run of lines with one role: free text, an Authors, PDF or date line, a blog footer."""

    kind: str  # "text", "authors", "pdf", "date" or "footer"
    line: int  # 1-based line of its first line
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True, slots=True)
class _Entry:
    title: _Part
    authors: list[str]
    abstract: str
    comment: str | None


def read(text: str, file: str) -> ReadResult:
    """The entries of a digest, in file order, and what could not be read, with line numbers.

    A bad entry is reported and skipped; reading resumes at the next title, so one typo
    does not cost the rest of the file.
    """
    parts = _split_parts(text)
    if not any(part.kind == "date" for part in parts):
        return ReadResult(problems=[Problem(file, 1, NO_HEADER)])
    return _Sections(parts, file).run()


def _split_parts(text: str) -> list[_Part]:
    """Group lines into parts; blank lines end a part, and so does a line with a role of its own.

    A footer part is a footer line and the lines right after it, whatever they hold.
    Text and PDF lines may wrap (an abstract may even start with "PDF "); an Authors line
    that ends with a comma continues on the next line. Linear in the size of the text.
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
            continued.lines.append(line)
            if continued.kind == "authors" and not line.endswith((",", "，")):
                continued = None
            continue
        kind = (special.lastgroup if special else None) or "text"
        part = _Part(kind, number, [line])
        parts.append(part)
        ends_with_comma = line.endswith((",", "，"))
        continued = part if kind in _WRAPPING or (kind == "authors" and ends_with_comma) else None
        in_footer = kind == "footer"
    return parts


class _Sections:
    """Walk the parts: date lines open sections, topics name them, titles start entries."""

    def __init__(self, parts: list[_Part], file: str) -> None:
        self.parts = parts
        self.file = file
        self.result = ReadResult()
        self.topic = ""
        self.day: str | None = None  # None before any date and after a bad one
        self.seen_date = False
        self.in_commentary = False  # inside the blog's summary of the paper above

    def run(self) -> ReadResult:
        parts, i = self.parts, 0
        while i < len(parts):
            part, following = parts[i], _kind_at(parts, i + 1)
            if part.kind == "date":
                self._open_section(part)
                i += 1
            elif _is_title(part, following) and not (self.in_commentary and _LABELLED_TITLE.match(part.text)):
                i = self._read_entry(i)
            elif part.kind == "text" and (following == "date" or not self.seen_date):
                self._name_topic(part)
                i += 1
            elif part.kind == "footer":
                i = _next_start(parts, i + 1)  # the footer and any blog chrome after it
            elif self.in_commentary or COMMENTARY_HEADINGS.fullmatch(part.lines[0]):
                self.in_commentary, i = True, i + 1
            else:
                self._problem(part.line, _out_of_place(part, following))
                i = _next_start(parts, i + 1)
        return self.result

    def _name_topic(self, part: _Part) -> None:
        """A plain line above a date names the section, unless it is the blog's chrome.

        A copied page gives its title, then the post's meta line and the blog's disclaimers
        (which may come again before a later date); a hand-written file may put notes of its
        own above the topic line: the last plain line before the date wins.
        """
        if not (_NOT_A_TOPIC.match(part.text) or COMMENTARY_HEADINGS.fullmatch(part.lines[0])):
            self.topic = part.text

    def _open_section(self, part: _Part) -> None:
        self.day, self.seen_date, self.in_commentary = iso_date(part.text), True, False
        if self.day is None:
            self._problem(part.line, f'"{part.text}" is not a valid date; {_SKIPPED_SECTION}')

    def _read_entry(self, i: int) -> int:
        """Read the entry titled `parts[i]` (an Authors part follows); return the index after it."""
        self.in_commentary = False
        at, entry = _read_entry(self.parts, i, self.file, self.result.problems)
        if entry and self.day:
            self.result.items.append(
                DigestItem(
                    title=entry.title.text,
                    authors=entry.authors,
                    abstract=entry.abstract,
                    comment=entry.comment,
                    topic=self.topic,
                    date=self.day,
                    line=entry.title.line,
                )
            )
        elif entry and not self.seen_date:  # (after a bad date, its problem covers the entry)
            self._problem(entry.title.line, f"{quote(entry.title.text)} comes before any date line; entry skipped")
        return at

    def _problem(self, line: int, message: str) -> None:
        self.result.problems.append(Problem(self.file, line, message))


def _read_entry(parts: list[_Part], i: int, file: str, problems: list[Problem]) -> tuple[int, _Entry | None]:
    """The entry titled `parts[i]` (an Authors part follows) and the index after it."""
    title, authors_line = parts[i], parts[i + 1].text
    names = split_author_line(AUTHORS_LABEL.sub("", authors_line, count=1))
    at = i + 2
    if at >= len(parts):
        message = f'file ends after the "Authors:" line of {quote(title.text)}, with no abstract'
        problems.append(Problem(file, title.line, message + " (cut short?)"))
        return at, None
    if parts[at].kind not in _WRAPPING or _kind_at(parts, at + 1) == "authors":
        problems.append(Problem(file, title.line, f"{quote(title.text)} has no abstract; entry skipped"))
        return _next_start(parts, at), None
    abstract, at = parts[at].text, at + 1
    comment = None
    if _kind_at(parts, at) == "pdf" and _kind_at(parts, at + 1) != "authors":
        comment, at = parts[at].text[3:].strip() or None, at + 1
    return at, _Entry(title, names, abstract, comment)


def _out_of_place(part: _Part, following: str | None) -> str:
    """Why a part cannot start an entry (it is neither a topic, a date nor a title)."""
    if part.kind == "authors":
        return 'entry has an empty title (no title line above its "Authors:" line); skipped'
    if part.kind == "pdf":
        return 'a "PDF" line outside an entry; ignored'
    if following is None:
        return f'file ends after {quote(part.text)}, with no "Authors:" line (cut short?)'
    return f'{quote(part.text)} has no "Authors:" line; entry skipped'


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


READER = Reader(
    name="blog-text",
    description="a digest as plain text: a copied digest page or a hand-written file ('2022-03-11 更新', 'Authors:')",
    looks_for="a date line such as '2022-03-11 更新' followed by entries with an 'Authors:' line",
    suffixes=(".txt",),
    sniff=sniff,
    read=read,
)
