"""What every reader shares: the `Reader` interface, decoding bytes, and the small rules of text.

Pure and stdlib-only: nothing here touches a disk, a terminal or the store.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from readlist.errors import UnreadableFile
from readlist.models import ReadResult
from readlist.textnorm import strip_controls as strip_controls  # the rule lives with the models


@dataclass(frozen=True, slots=True)
class Reader:
    """One input format: how to recognise it by content, and how to read it.

    `sniff` looks at the text cheaply (no parser imported); `read` is pure: text and the file
    name for messages in, a `ReadResult` out, every problem with its line.
    """

    name: str  # what `import --format` takes
    description: str  # one line for help and errors: what files these are
    looks_for: str  # what `sniff` looks for, told when no reader recognises a file
    suffixes: tuple[str, ...]  # file names a directory import picks up for this format
    sniff: Callable[[str], bool]
    read: Callable[[str, str], ReadResult]


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_BINARY_SAMPLE_SIZE = 8192
# Text in UTF-8 or GB18030 has next to no C0 bytes (their multi-byte forms never use them),
# so a share this high means a binary file, not a digest with a few stray escapes.
_MAX_CONTROL_SHARE = 0.1
_CONTROL_BYTES = frozenset(range(32)) - set(b"\t\n\r\x0c\x1b") | {0x7F}
#: One ideograph inside a Latin word ("Cl閙ent"): what Latin-1 "é" + "m" become when read as
#: GB18030. Chinese text mixed with English does not put a lone ideograph between letters.
_LATIN_READ_AS_CJK = re.compile(r"[A-Za-z][\u3400-\u9fff\ue000-\uf8ff][a-z]")


def decode(data: bytes, file: str) -> str:
    """The text of an input file: UTF-8, or GB18030 as some Chinese blogs still save it.

    Line ends come back as LF whatever the file used, so line numbers match any editor's.
    """
    if data.startswith(_UTF16_BOMS):
        raise UnreadableFile(file, None, "the file is UTF-16; save it as UTF-8")
    sample = data[:_BINARY_SAMPLE_SIZE]
    if b"\x00" in sample:
        raise UnreadableFile(file, None, "looks like a binary file (it contains NUL bytes)")
    control_bytes = sum(byte in _CONTROL_BYTES for byte in sample)
    if control_bytes > _MAX_CONTROL_SHARE * len(sample):
        raise UnreadableFile(file, None, "looks like a binary file (too many control characters)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        line = data[: utf8_error.start].count(b"\n") + 1
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            reason = (
                f"not a text file: byte 0x{data[utf8_error.start]:02x} at offset {utf8_error.start} "
                "is neither UTF-8 nor GB18030"
            )
            raise UnreadableFile(file, line, reason) from None
        if _LATIN_READ_AS_CJK.search(text):
            reason = "the file is neither UTF-8 nor GB18030 (it looks like Latin-1 or Windows-1252); save it as UTF-8"
            raise UnreadableFile(file, line, reason) from None
    text = normalise_line_ends(text.removeprefix("\ufeff"))
    if not text.strip():
        raise UnreadableFile(file, None, "the file is empty" if not text else "the file holds only blank lines")
    return text


def normalise_line_ends(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def collapse_spaces(text: str) -> str:
    """One space for every whitespace run: arXiv wraps titles and names with runs of spaces."""
    return " ".join(text.split())


_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
#: A digest's date heading: `2024-01-30 更新` ("updated"), `2024-01-30 Update`, or the bare day.
DATE_LINE = re.compile(r"\d{4}[-/.]\S*?(?:\s*(?:更新|(?i:updates?|updated)))?")
_DATE_SUFFIX = re.compile(r"\s*(?:更新|(?i:updates?|updated))$")


def iso_date(line: str) -> str | None:
    """ "2022-03-11 更新" -> "2022-03-11"; None when there is no such day."""
    match = _ISO_DATE.fullmatch(_DATE_SUFFIX.sub("", line.strip()))
    if match is None:
        return None
    try:
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def quote(title: str, limit: int = 60) -> str:
    """A title as messages cite it: in quotes, cut at `limit` characters."""
    return f'"{title if len(title) <= limit else title[: limit - 1] + "…"}"'


#: `Authors:` as digests label the author line (any case, ASCII or full-width colon).
AUTHORS_LABEL = re.compile(r"(?i:authors?)\s*[:：]\s*")
#: What the blog adds under each paper and never is one: its summary sections and galleries.
COMMENTARY_HEADINGS = re.compile(
    r"(?:摘要|summary|key takeaways|关键要点|要点|chatpaperfree|点此查看论文截图|论文截图|"
    r"click here to view paper screenshots)\W*",
    re.IGNORECASE,
)
