"""The digest structure that the blog's Markdown source and its rendered pages share.

Both formats are a sequence of blocks: headings and paragraphs. A level-1 heading that is a
date opens a section; a level-2 heading followed by an `Authors:` paragraph is a paper, whose
abstract runs until its `PDF` paragraph (arXiv's link, then the comment). What the blog adds
under a paper (summaries, key points, LLM notes with their own `Title:`/`Authors:` lines, image
galleries) runs until the next heading of level 1 or 2: never a paper, never a problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from readlist import arxiv
from readlist.models import DigestItem, Problem, ReadResult
from readlist.names import split_author_line
from readlist.readers.base import AUTHORS_LABEL, COMMENTARY_HEADINGS, DATE_LINE, collapse_spaces, iso_date, quote

_PDF = re.compile(r"PDF(?:\s+(?P<comment>.*))?", re.DOTALL)
_EMPHASIS = re.compile(r"^[*_]{1,3}|[*_]{1,3}$")


@dataclass(frozen=True, slots=True)
class Block:
    """A heading ("h1".."h6") or a "paragraph", with its text as written and the link it opens with."""

    kind: str
    line: int  # 1-based line in the file
    text: str
    link: str | None = None  # a paragraph's leading link target: the PDF link's arXiv URL

    @property
    def first_line(self) -> str:
        return _EMPHASIS.sub("", self.text.split("\n", 1)[0].strip())


def read_blocks(blocks: list[Block], file: str, topic: str, day: str | None) -> ReadResult:
    """The papers in `blocks`, in order; `day` is the date of papers above any date heading."""
    return _Walk(blocks, file, topic, day).run()


class _Walk:
    def __init__(self, blocks: list[Block], file: str, topic: str, day: str | None) -> None:
        self.blocks = blocks
        self.file = file
        self.topic = topic
        self.day = day
        self.bad_date = False  # the last date heading was no day: its papers are skipped
        self.result = ReadResult()
        self.papers = 0  # headings with an "Authors:" paragraph, read or not
        self.unlisted: list[Block] = []  # headings without one
        self.dated = False  # a date heading was seen: this is a digest

    def run(self) -> ReadResult:
        i = 0
        while i < len(self.blocks):
            block = self.blocks[i]
            if block.kind == "h1" and DATE_LINE.fullmatch(block.text):
                self._open_section(block)
            elif block.kind == "h2" and _is_authors(self._at(i + 1)):
                self.papers += 1
                i = self._read_paper(i)
                continue
            elif block.kind == "h2" and not COMMENTARY_HEADINGS.fullmatch(block.text):
                self.unlisted.append(block)
            i += 1
        self._report_unlisted()
        return self.result

    def _report_unlisted(self) -> None:
        """A heading without authors in a digest is a paper lost; in a post with no date heading
        and no paper at all (a survey, an "awesome" list) it is just a heading, and the file gets
        one problem."""
        if self.papers == 0 and not self.dated and self.unlisted:
            first = self.unlisted[0].line
            self._problem(first, 'no paper listings: no heading has an "Authors:" paragraph below it (not a digest?)')
            return
        for block in self.unlisted:
            self._problem(block.line, f'{quote(block.text)} has no "Authors:" paragraph below it; entry skipped')
        self.result.problems.sort(key=lambda problem: problem.line or 0)

    def _at(self, i: int) -> Block | None:
        return self.blocks[i] if i < len(self.blocks) else None

    def _open_section(self, block: Block) -> None:
        self.dated = True
        self.day = iso_date(block.text)
        self.bad_date = self.day is None
        if self.day is None:
            self._problem(block.line, f'"{block.text}" is not a valid date; the papers up to the next date are skipped')

    def _read_paper(self, i: int) -> int:
        """Read the paper headed by block `i`; return the index of the next level-1 or -2 heading."""
        title, authors = self.blocks[i], self.blocks[i + 1]
        abstract: list[str] = []
        link = comment = None
        j = i + 2
        while (block := self._at(j)) is not None and block.kind == "paragraph":
            pdf = _PDF.fullmatch(block.text)
            if pdf is not None:
                link, comment = block.link, collapse_spaces(pdf["comment"] or "") or None
                j += 1
                break
            if COMMENTARY_HEADINGS.fullmatch(block.first_line):
                break
            abstract.append(block.text)
            j += 1
        while (block := self._at(j)) is not None and block.kind not in ("h1", "h2"):
            j += 1  # the blog's summaries, key points and image galleries
        if not abstract:
            self._problem(title.line, f"{quote(title.text)} has no abstract; entry skipped")
        elif self.day is not None:
            self.result.items.append(self._item(title, authors, abstract, link, comment, self.day))
        elif not self.bad_date:  # (after a bad date heading, its problem covers the paper)
            self._problem(title.line, f"{quote(title.text)} comes before any date heading; entry skipped")
        return j

    def _item(
        self, title: Block, authors: Block, abstract: list[str], link: str | None, comment: str | None, day: str
    ) -> DigestItem:
        arxiv_id = arxiv.id_in_url(link) if link else None
        return DigestItem(
            title=collapse_spaces(title.text),
            authors=split_author_line(AUTHORS_LABEL.sub("", _EMPHASIS.sub("", authors.text), count=1)),
            abstract=collapse_spaces(" ".join(abstract)),
            comment=comment,
            topic=self.topic,
            date=day,
            line=title.line,
            arxiv=arxiv_id,
            url=arxiv.abs_url(arxiv_id) if arxiv_id else link,
        )

    def _problem(self, line: int, message: str) -> None:
        self.result.problems.append(Problem(self.file, line, message))


def _is_authors(block: Block | None) -> bool:
    return block is not None and block.kind == "paragraph" and AUTHORS_LABEL.match(block.first_line) is not None
