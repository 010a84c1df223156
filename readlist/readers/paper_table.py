"""Daily paper tables generated from arXiv (cv-arxiv-daily and its many forks): Markdown tables.

    ## Updated on 2024.05.07
    ## Neural Rendering                                         the topic: the heading above a table
    |Publish Date|Title|Authors|PDF|Code|
    |---|---|---|---|---|
    |**2024-05-06**|**A Title**|Ann Lee et.al.|[2405.01234v1](http://arxiv.org/abs/2405.01234v1)|null|

A row names only the first author and has no abstract: it fills what an entry lacks and never
replaces what a fuller listing gave.
"""

from __future__ import annotations

import re

from readlist import arxiv
from readlist.models import DigestItem, Problem, ReadResult
from readlist.names import split_author_line
from readlist.readers.base import Reader, collapse_spaces, iso_date

_HEADER = re.compile(r"\|\s*Publish Date\s*\|\s*Title\s*\|\s*Authors\s*\|\s*PDF\s*\|", re.IGNORECASE)
_HEADING = re.compile(r"#{1,6}\s+(?P<text>.+?)\s*#*\s*")
_UPDATED = re.compile(r"(?i:updated on)\b")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)\)")
_BOLD = re.compile(r"^\*\*(.*)\*\*$")


def sniff(text: str) -> bool:
    """A Markdown table whose header is `|Publish Date|Title|Authors|PDF|`."""
    return _HEADER.search(text[:200_000]) is not None


def read(text: str, file: str) -> ReadResult:
    """One listing per table row, under the heading above its table."""
    result = ReadResult()
    topic = ""
    in_table = False
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        heading = _HEADING.fullmatch(line)
        if heading and not _UPDATED.match(heading["text"]):
            topic, in_table = heading["text"], False
        elif _HEADER.match(line):
            in_table = True
        elif in_table and line.startswith("|") and not set(line) <= set("|:- "):
            _row(line, number, topic, file, result)
        elif not line.startswith("|"):
            in_table = False
    return result


def _row(line: str, number: int, topic: str, file: str, result: ReadResult) -> None:
    cells = [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(line.strip().strip("|"))]
    if len(cells) < 4:
        result.problems.append(Problem(file, number, f"a table row with {len(cells)} cells, not 4 or 5; skipped"))
        return
    day, title, authors, pdf = (_unbold(cell) for cell in cells[:4])
    link = _LINK.search(pdf)
    arxiv_id = arxiv.parse_id(link["url"] if link else pdf)
    date = iso_date(day)
    if not title or date is None:
        what = "has no title" if not title else f"has no valid date ({day!r})"
        result.problems.append(Problem(file, number, f"a table row {what}; skipped"))
        return
    result.items.append(
        DigestItem(
            title=collapse_spaces(title),
            authors=split_author_line(authors),
            abstract="",
            comment=None,
            topic=topic,
            date=date,
            line=number,
            arxiv=arxiv_id,
            url=arxiv.abs_url(arxiv_id) if arxiv_id else (link["url"] if link else None),
            partial=True,
        )
    )


def _unbold(cell: str) -> str:
    match = _BOLD.match(cell)
    return match[1].strip() if match else cell


READER = Reader(
    name="paper-table",
    description="daily paper tables generated from arXiv (Markdown as cv-arxiv-daily writes it)",
    looks_for="a Markdown table headed '|Publish Date|Title|Authors|PDF|'",
    suffixes=(),
    sniff=sniff,
    read=read,
)
