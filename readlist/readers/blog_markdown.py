"""The digest blog's Markdown source: one post per topic and day, as the blog's repository keeps it.

    ---
    title: NeRF                                   front matter: the title is the topic
    date: 2024-01-30 19:23:52
    ---
    > disclaimers ...
    # 2024-01-30 更新                             a date section
    ## A Title, $\\LaTeX$ kept as written         a paper: a level-2 heading ...
    **Authors:Given Family, Given Family**        ... its authors ...
    The abstract paragraph.                       ... the abstract ...
    [PDF](http://arxiv.org/abs/2401.16144v1) 20 pages, 8 figures     ... arXiv link and comment
    **Summary** / **Key Takeaways** / <ol> ... </ol> / <details> ... </details>
                                                  what the blog adds: never a paper, never a problem

The structure is read with a real Markdown parser (markdown-it, which Rich already brings);
the text of titles, names and abstracts is taken from the source lines as written. What a
post holds is read by `blocks`, which the blog's rendered pages share.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from readlist.models import ReadResult
from readlist.readers.base import Reader, collapse_spaces, iso_date
from readlist.readers.blocks import Block, read_blocks

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_FRONT_MATTER = re.compile(r"\s*---[ \t]*\n(?P<body>.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|$)", re.DOTALL)
_FRONT_MATTER_FIELD = re.compile(r"^(?P<name>title|date)[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$", re.MULTILINE)
_DATE_HEADING = re.compile(r"^#{1,6}[ \t]+\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b", re.MULTILINE)
_PDF_LINK = re.compile(r"\[PDF\]\((?P<url>[^)\s]*)[^)]*\)(?P<comment>.*)", re.DOTALL | re.IGNORECASE)
_ATX_MARKS = re.compile(r"^\s{0,3}#{1,6}[ \t]*|[ \t]+#+[ \t]*$|^\s{0,3}#{1,6}$")


def sniff(text: str) -> bool:
    """Markdown front matter with a title, or a `# 2024-01-30` heading."""
    front = _FRONT_MATTER.match(text)
    if front and re.search(r"^title[ \t]*:", front["body"], re.MULTILINE):
        return True
    return _DATE_HEADING.search(text) is not None


def read(text: str, file: str) -> ReadResult:
    """The papers of a post, in file order; what could not be read, with line numbers."""
    topic, post_date, body, offset = _split_front_matter(text)
    return read_blocks(_blocks(body, offset), file, topic, post_date)


def _split_front_matter(text: str) -> tuple[str, str | None, str, int]:
    """(topic, date, body, line offset of the body) of a post."""
    front = _FRONT_MATTER.match(text)
    if front is None:
        return "", None, text, 0
    fields = {m["name"]: _unquote(m["value"]) for m in _FRONT_MATTER_FIELD.finditer(front["body"])}
    post_date = iso_date(fields["date"].split(" ")[0]) if fields.get("date") else None
    return collapse_spaces(fields.get("title", "")), post_date, text[front.end() :], front.group().count("\n")


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


@cache
def _parser() -> MarkdownIt:
    """CommonMark's block structure only: the text of each block is taken from the source, so
    inline parsing (half the time) is skipped."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").disable(["inline", "text_join"])


def _blocks(body: str, offset: int) -> list[Block]:
    """The top-level headings and paragraphs of a Markdown body, as written in the source."""
    lines = body.split("\n")
    blocks = []
    for token in _parser().parse(body):
        if token.level != 0 or token.map is None or token.type not in ("heading_open", "paragraph_open"):
            continue
        start, end = token.map
        line = start + 1 + offset
        if token.type == "heading_open":
            heading = lines[start:end]  # an ATX heading's one line, or setext text and underline
            text = _ATX_MARKS.sub("", heading[0]) if token.markup.startswith("#") else " ".join(heading[:-1])
            blocks.append(Block(token.tag, line, text.strip()))
            continue
        text = "\n".join(lines[start:end]).strip()
        link = _PDF_LINK.fullmatch(text)
        if link is not None:  # "[PDF](url) comment" reads as the page shows it: "PDF comment", linked
            blocks.append(Block("paragraph", line, f"PDF {link['comment'].strip()}".strip(), link["url"] or None))
        else:
            blocks.append(Block("paragraph", line, text))
    return blocks


READER = Reader(
    name="blog-markdown",
    description="a digest post's Markdown source (front matter, '# 2024-01-30 更新', '## Title', '**Authors:...**')",
    looks_for="Markdown front matter with a title, or a '# YYYY-MM-DD' heading",
    suffixes=(".md", ".markdown"),
    sniff=sniff,
    read=read,
)
