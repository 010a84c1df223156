"""arXiv's daily listing e-mail (a subscription to cs@arxiv.org and the like), as text or a saved `.eml`.

    Submissions to:
    Computer Vision and Pattern Recognition          the topic
     received from  Mon  8 Jul 24 18:00:00 GMT  to  Tue  9 Jul 24 18:00:00 GMT     the date
    ------------------------------------------------------------------------------
    \\\\
    arXiv:2407.01234
    Date: Mon, 8 Jul 2024 17:59:59 GMT   (2054kb)

    Title: A title that may wrap,
      continued two spaces in
    Authors: A. One (1), B. Two (1 and 2) ((1) Univ A, (2) Lab B)
    Categories: cs.CV cs.LG
    Comments: 12 pages        (also Journal-ref:, DOI:, Report-no:, MSC-class:, License:)
    \\\\
      The abstract, wrapped.
    \\\\ ( https://arxiv.org/abs/2407.01234 ,  2054kb)

Cross-listed papers follow in the same form; "replaced with revised version" entries carry no
abstract, and so give only what they have. Authors lose their affiliation markers; TeX accents in
names (`\\'e`, `{\\aa}`) become letters. Titles keep their LaTeX as written.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from readlist import arxiv
from readlist.models import DigestItem, Problem, ReadResult
from readlist.names import split_author_line
from readlist.readers.base import Reader, collapse_spaces

_ENTRY_ID = re.compile(r"arXiv:(\S+)")
_FIELD = re.compile(r"(?P<name>[A-Z][A-Za-z-]*):\s?(?P<value>.*)")
_KNOWN_FIELDS = {"title", "authors", "categories", "comments", "journal-ref", "doi", "report-no", "msc-class",
                 "acm-class", "license", "date", "proxy"}  # fmt: skip
_LINK_LINE = re.compile(r"\\\\ \( (?P<url>https?://\S+) ,")
_RECEIVED = re.compile(r"received from\s+.+?\s+to\s+\w{3}\s+(?P<day>\d{1,2})\s+(?P<month>\w{3})\s+(?P<year>\d{2,4})")
_MAIL_DATE = re.compile(r"^Date:\s*\w{3},\s*(?P<day>\d{1,2})\s+(?P<month>\w{3})\s+(?P<year>\d{4})", re.MULTILINE)
_SNIFF = re.compile(r"^\\\\\n(?:arXiv:\S+|replaced with)", re.MULTILINE)
# "(1)", "(1 and 2)", "(1, 3)", and the closing "((1) Univ A, (2) Lab B)": affiliations, not names.
_AFFILIATIONS = re.compile(r"\s*\((?:[^()]|\([^()]*\))*\)")


def sniff(text: str) -> bool:
    """A `\\\\` line followed by an `arXiv:ID` line: the separator every listing entry starts with."""
    return _SNIFF.search(text[:200_000]) is not None


@dataclass(slots=True)
class _Entry:
    line: int  # of the `arXiv:` line
    arxiv_id: str
    fields: dict[str, str] = field(default_factory=dict)
    abstract: list[str] = field(default_factory=list)
    url: str | None = None


def read(text: str, file: str) -> ReadResult:
    """Every paper of the mailing, new, cross-listed or replaced."""
    body, offset = _message_body(text)
    lines = body.split("\n")
    topic = _topic(lines)
    day = _mailing_day(body)
    result = ReadResult()
    for entry in _entries(lines, offset):
        item = _item(entry, topic, day, file, result.problems)
        if item is not None:
            result.items.append(item)
    return result


def _message_body(text: str) -> tuple[str, int]:
    """The text part of a saved `.eml` (decoded), or the text itself; and its line offset."""
    head, blank, rest = text.partition("\n\n")
    if not blank or not re.match(r"(?:From |[A-Za-z-]+: )", head) or "\nSubject:" not in "\n" + head:
        return text, 0
    import email
    from email import policy

    message = email.message_from_string(text, policy=policy.default)
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        return rest, head.count("\n") + 2
    content = part.get_content()
    encoding = str(part.get("Content-Transfer-Encoding", "")).lower()
    offset = head.count("\n") + 2 if encoding in ("", "7bit", "8bit") else 0  # decoded text keeps no lines
    subject = str(message.get("Subject", ""))
    date = str(message.get("Date", ""))
    extra = f"Subject: {subject}\nDate: {date}\n" if "Submissions to:" not in content else ""
    return extra + str(content), offset - extra.count("\n")


def _topic(lines: list[str]) -> str:
    """The subject classes named after "Submissions to:", else the e-mail's subject."""
    for i, line in enumerate(lines):
        if line.strip() == "Submissions to:":
            names = []
            for following in lines[i + 1 :]:
                if following.strip().startswith("received from") or not following.strip():
                    break
                names.append(following.strip())
            return ", ".join(names)
    subject = next((line[8:].strip() for line in lines if line.startswith("Subject:")), "")
    return re.sub(r"\s+daily.*$", "", subject)


def _mailing_day(body: str) -> str:
    """The day the mailing closes ("received ... to Tue 9 Jul 24"), else the e-mail's date."""
    match = _RECEIVED.search(body) or _MAIL_DATE.search(body)
    if match is None:
        return ""
    year = match["year"] if len(match["year"]) == 4 else "20" + match["year"]
    try:
        return datetime.strptime(f"{match['day']} {match['month']} {year}", "%d %b %Y").date().isoformat()
    except ValueError:
        return ""


def _entries(lines: list[str], offset: int) -> list[_Entry]:
    """Entries between `\\\\` separators: the header block, the abstract block, the link line."""
    entries: list[_Entry] = []
    current: _Entry | None = None
    part = "none"  # "header", "abstract" or "none" (between entries)
    last_field = ""
    for number, raw in enumerate(lines, 1 + offset):
        line = raw.rstrip()
        link = _LINK_LINE.match(line)
        if link and current is not None:
            current.url, part = link["url"], "none"
        elif line == "\\\\":
            part = "abstract" if part == "header" else "header"
        elif part == "header" and (match := _ENTRY_ID.fullmatch(line.strip())):
            current = _Entry(number, match[1])
            entries.append(current)
            last_field = ""
        elif part == "header" and current is not None:
            last_field = _header_line(current, line, last_field)
        elif part == "abstract" and current is not None:
            current.abstract.append(line.strip())
        elif line.startswith(("---", "%%")):
            part = "none"
    return entries


def _header_line(entry: _Entry, line: str, last_field: str) -> str:
    """Add a header line to the entry; return the field a continuation line would extend."""
    if line.startswith(("replaced with", "Date:")) or not line.strip():
        return ""
    field_match = _FIELD.fullmatch(line)
    if field_match and field_match["name"].lower() in _KNOWN_FIELDS:
        name = field_match["name"].lower()
        entry.fields[name] = field_match["value"].strip()
        return name
    if last_field and line.startswith(" "):  # a wrapped title or author list
        entry.fields[last_field] += " " + line.strip()
    return last_field


def _item(entry: _Entry, topic: str, day: str, file: str, problems: list[Problem]) -> DigestItem | None:
    arxiv_id = arxiv.parse_id(entry.arxiv_id)
    title = collapse_spaces(entry.fields.get("title", ""))
    if arxiv_id is None or not title:
        what = f"'{entry.arxiv_id}' is not an arXiv id" if arxiv_id is None else f"arXiv:{entry.arxiv_id} has no title"
        problems.append(Problem(file, entry.line, f"{what}; entry skipped"))
        return None
    categories = tuple(entry.fields.get("categories", "").split())
    abstract = collapse_spaces(" ".join(entry.abstract))
    return DigestItem(
        title=title,
        authors=_authors(entry.fields.get("authors", "")),
        abstract=abstract,
        comment=collapse_spaces(entry.fields.get("comments", "")) or None,
        topic=topic,
        date=day,
        line=entry.line,
        arxiv=arxiv_id,
        url=arxiv.abs_url(arxiv_id),
        categories=categories,
        doi=entry.fields.get("doi") or None,
        journal_ref=collapse_spaces(entry.fields.get("journal-ref", "")) or None,
        partial=not abstract,  # a replacement announces a new version, not the paper's fields
    )


def _authors(line: str) -> list[str]:
    """Names without affiliation markers, TeX accents as letters."""
    line = _AFFILIATIONS.sub("", line)
    if "\\" in line or "{" in line:
        from readlist.bib.latex_unicode import decode_latex

        with contextlib.suppress(IndexError, KeyError, ValueError, RecursionError):
            line = decode_latex(line)  # on failure kept as written: a name is better with its TeX than lost
    return split_author_line(line)


READER = Reader(
    name="arxiv-listing",
    description="arXiv's daily listing e-mail (cs@arxiv.org and the like), as text or a saved .eml",
    looks_for="a '\\\\' line followed by an 'arXiv:ID' line",
    suffixes=(".eml",),
    sniff=sniff,
    read=read,
)
