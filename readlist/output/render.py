"""Everything readlist shows a person; the only module that imports rich.

Untrusted text (titles, abstracts, notes) always goes through `safe` into `rich.text.Text`,
so `[bold]` prints literally and no control sequence reaches the terminal. Rich's tables and
panels are imported where they are drawn: `list` prints without them.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import groupby
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.console import Console, Group, RenderableType
from rich.pager import Pager
from rich.segment import Segment, Segments
from rich.style import Style
from rich.text import Text

from readlist.models import Entry, ImportReport, JournalLine
from readlist.output.text import byline, family, printable, readable_latex

if TYPE_CHECKING:
    from rich.panel import Panel


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader stopped early (`readlist log | head`): what it read is what it wanted, so the
        command ends as `list` does into a closed pipe, with exit 0 and nothing more written."""
        self.quiet = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(0)


out = _Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

STATUS_STYLE = {"unread": "dim", "queued": "cyan", "reading": "yellow", "read": "green", "skipped": "dim"}


def safe(text: str | None) -> Text:
    """Text with control characters (ESC and friends) removed and no markup interpreted."""
    return Text(printable(text or ""))


#: Spans of matched text by field, as `readlist.search` finds them.
Marks = Mapping[str, list[tuple[int, int]]]
#: Text and its style: what a table line is made of before it becomes Rich segments.
Piece = tuple[str, Style | None]

_BOLD = Style(bold=True)
_DIM = Style(dim=True)
_MATCH = Style(bold=True, reverse=True)
_TAGS = Style(color="magenta")
_STATUS = {status: Style.parse(style) for status, style in STATUS_STYLE.items()}
_GAP = "  "
#: The title keeps this share of the width (and at least `_TITLE_MIN` cells) before another
#: column is shown; it then takes whatever the shown columns leave, and wraps.
_TITLE_SHARE = 0.4
_TITLE_MIN = 20
#: What a plain search word also looks in that the table does not show, in the order a
#: snippet is taken from (the order in which the search ranks them).
SNIPPET_FIELDS = ("comment", "notes", "abstract")
#: Where a search match starts and ends while a text is cleaned for the table.
_OPEN, _CLOSE = "\ue000", "\ue001"
#: The snippet starts under the title if it has this much room there.
_SNIPPET_MIN = 50
_TABLE_ORDER = ("key", "date", "title", "authors", "year", "tags", "pri", "status", "topic")
#: Column names of the config file (`choices.LIST_COLUMNS`) that the table spells otherwise.
_COLUMN_OF_SETTING = {"priority": "pri"}


@dataclass(slots=True)
class _Column:
    """A column of the list table: its cells as plain one-line text, and how it may be fitted.

    `make` gives the cells; it runs only when there is room for the column, so a column the
    width leaves out costs nothing.
    """

    name: str
    make: Callable[[], list[str]]
    style: Style | None = None
    right: bool = False
    shortest: int | None = None  # may be cut with … down to this width; None: whole or not at all
    width: int = 0
    cells: list[str] = field(default_factory=list)

    def fits_in(self, room: int) -> bool:
        """Whether the column may be shown in `room` cells; makes its cells if so."""
        narrowest = len(self.name) if self.shortest is None else min(self.shortest, len(self.name))
        if room < narrowest:
            return False
        self.cells = self.make()
        measure = len if "".join(self.cells).isascii() else cell_len
        filled = max(map(measure, self.cells), default=0)
        wanted = max(filled, len(self.name))
        if not filled or (wanted > room and (self.shortest is None or room < self.shortest)):
            return False  # nobody filled it, or it does not fit
        self.width = min(wanted, room)
        return True


def entries_table(
    entries: list[Entry],
    year_of: Callable[[Entry], int | None],
    highlights: Mapping[str, Marks] | None = None,
    width: int = 80,
    columns: tuple[str, ...] | None = None,
) -> Segments:
    """The list as a table that gives the title the width: it wraps and is never cut.

    Other columns join in order of use (key, newest digest date, first author, tags,
    priority, status, year, topic) while the title keeps 40% of the width; columns nobody
    filled are left out, and only the key and text columns are ever shortened (with …).
    Laid out once for all rows and emitted as styled lines: 10,000 rows cost about what
    their text does (a Rich `Table` measures every cell, which takes seconds). `columns` (the
    config file's `[list] columns`) picks the columns and their order; the title always shows.
    """
    titles = [_one_line(e.title) for e in entries]
    longest_title = max(max(map(_cells, titles), default=0), len("title"))
    title_need = min(longest_title, max(_TITLE_MIN, int(width * _TITLE_SHARE)))
    optional = [
        _Column("key", lambda: [printable(e.key) for e in entries], _BOLD, shortest=8),
        _Column("date", lambda: [e.last_date or "" for e in entries]),
        _Column("authors", lambda: [_one_line(byline(e.authors)) for e in entries], shortest=10),
        _Column("tags", lambda: [_one_line(", ".join(e.tags)) for e in entries], _TAGS, shortest=8),
        _Column("pri", lambda: [str(e.priority or "") for e in entries], right=True),
        _Column("status", lambda: [e.status for e in entries]),
        _Column("year", lambda: [str(year_of(e) or "") for e in entries], right=True),
        _Column("topic", lambda: [_one_line(", ".join(e.topics)) for e in entries], shortest=10),
    ]
    order: tuple[str, ...] = _TABLE_ORDER
    if columns is not None:
        wanted = [_COLUMN_OF_SETTING.get(name, name) for name in columns]
        order = tuple(wanted) if "title" in wanted else (*wanted[:1], "title", *wanted[1:])
        optional = sorted((c for c in optional if c.name in wanted), key=lambda c: wanted.index(c.name))
    left = width - 1 - title_need  # one cell of margin on the left
    for column in optional:
        if column.fits_in(left - len(_GAP)):
            left -= column.width + len(_GAP)
    title = _Column("title", lambda: titles, width=max(1, min(longest_title, title_need + left)), cells=titles)
    shown = {column.name: column for column in optional if column.width} | {"title": title}
    laid_out = [shown[name] for name in order if name in shown]
    return Segments(_table_segments(entries, laid_out, highlights or {}, width))


def _table_segments(
    entries: list[Entry], columns: list[_Column], highlights: Mapping[str, Marks], width: int
) -> Iterator[Segment]:
    """The table's lines as (text, style) pieces made into few segments: unstyled runs are one."""
    header: list[Piece] = [(" ", None)]
    for number, column in enumerate(columns):
        last = number == len(columns) - 1
        header += [(_fit(column.name, column.width, column.right, pad=not last), _BOLD)]
        header += [] if last else [(_GAP, None)]
    header.append(("\n " + "─" * (sum(c.width for c in columns) + len(_GAP) * (len(columns) - 1)) + "\n", None))
    yield from _joined(header)
    title_at = 1 + sum(c.width + len(_GAP) for c in columns[: columns.index(_title_of(columns))])
    for row, entry in enumerate(entries):
        marks = highlights.get(entry.key) if highlights else None
        title_lines: list[list[Piece]] = []
        line: list[Piece] = [(" ", None)]
        for number, column in enumerate(columns):
            last = number == len(columns) - 1
            text = column.cells[row]
            if column.name == "title":
                title_lines, used = _wrapped(entry.title, text, marks, column.width)
                line += title_lines[0]
                if not last:
                    line.append((" " * (column.width - used), None))
            elif column.name == "authors" and marks and marks.get("authors"):
                line += _author_pieces(entry, text, marks["authors"], column.width)
            else:
                style = _STATUS.get(text) if column.name == "status" else column.style
                line.append((_fit(text, column.width, column.right, pad=not last), style))
            if not last:
                line.append((_GAP, None))
        for more in title_lines[1:]:
            line += [("\n" + " " * title_at, None), *more]
        if marks:
            line += _snippet_pieces(entry, marks, title_at, width)
        line.append(("\n", None))
        yield from _joined(line)


def _joined(pieces: list[Piece]) -> Iterator[Segment]:
    """`pieces` as Rich segments, each run of unstyled ones as one."""
    plain = ""
    for text, style in pieces:
        if style is None:
            plain += text
            continue
        if plain:
            yield Segment(plain)
            plain = ""
        yield Segment(text, style)
    if plain:
        yield Segment(plain)


def _title_of(columns: list[_Column]) -> _Column:
    return next(column for column in columns if column.name == "title")


def _one_line(text: str) -> str:
    """A cell's text: no control characters, runs of whitespace (line breaks too) as one space."""
    return " ".join(printable(text).split())


def _cells(text: str) -> int:
    """Terminal cells `text` takes (one a character for ASCII, which is most text, at C speed)."""
    return len(text) if text.isascii() else cell_len(text)


def _fit(text: str, width: int, right: bool = False, pad: bool = True) -> str:
    """`text` in `width` cells: cut with … when longer, padded (or right-aligned) when shorter."""
    size = len(text) if text.isascii() else cell_len(text)
    if size > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else "…"[:width]
    if not pad and not right:
        return text
    return " " * (width - size) + text if right else text + " " * (width - size)


def _styled(text: str, spans: list[tuple[int, int]], style: Style | None = None) -> list[Piece]:
    """`text` as pieces in `style`, the `spans` in the match style."""
    if not spans:
        return [(text, style)]
    pieces: list[Piece] = []
    at = 0
    for start, end in spans:
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        if start > at:
            pieces.append((text[at:start], style))
        pieces.append((text[start:end], _MATCH))
        at = end
    if at < len(text):
        pieces.append((text[at:], style))
    return pieces


def _clipped(spans: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The parts of `spans` within `start:end`, relative to `start`."""
    return [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]


def _wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Where the lines of `text` (single-spaced) start and end when wrapped at `width` cells:
    at spaces, and inside a word only when the word alone is wider."""
    if _cells(text) <= width:
        return [(0, len(text))]
    if text.isascii():  # one cell a character: cut at the last space that fits, at C speed
        return _wrap_ascii(text, width)
    lines: list[tuple[int, int]] = []
    start = used = position = 0
    for word in text.split(" "):
        size = _cells(word)
        if used and used + 1 + size > width:
            lines.append((start, position - 1))
            start, used = position, 0
        while size > width:  # a word wider than the column: cut it where the cells run out
            cut = len(set_cell_size(word, width).rstrip()) or 1
            lines.append((position, position + cut))
            position += cut
            start, word = position, word[cut:]
            size = _cells(word)
        used += size + (1 if used else 0)
        position += len(word) + 1
    lines.append((start, len(text)))
    return lines


def _wrap_ascii(text: str, width: int) -> list[tuple[int, int]]:
    lines: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > width:
        space = text.rfind(" ", start, start + width + 1)
        end = space if space > start else start + width  # no space: cut the word
        lines.append((start, end))
        start = end + 1 if space > start else end
    lines.append((start, len(text)))
    return lines


def _wrapped(title: str, cell: str, marks: Marks | None, width: int) -> tuple[list[list[Piece]], int]:
    """The title cell's lines, with the search's matches marked on whichever line they fall,
    and the cells its first line takes."""
    spans: list[tuple[int, int]] = []
    if marks and marks.get("title"):
        cell, spans = _marked_line(title, marks["title"])
    lines = _wrap(cell, width)
    first_start, first_end = lines[0]
    return [_styled(cell[start:end], _clipped(spans, start, end)) for start, end in lines], _cells(
        cell[first_start:first_end]
    )


def _marked_line(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """`text` as one line (as `_one_line` makes it) and `spans` moved onto that line.

    The spans travel as marks in the text itself (two private-use characters, which no
    cleaning removes), so whatever cleaning drops or joins, they stay on the same words.
    """
    if not spans or _OPEN in text or _CLOSE in text:
        return _one_line(text), []
    pieces: list[str] = []
    at = 0
    for start, end in spans:
        pieces += [text[at:start], _OPEN, text[start:end], _CLOSE]
        at = end
    pieces.append(text[at:])
    line, moved, opened = "", [], 0
    for piece in re.split(f"([{_OPEN}{_CLOSE}])", _one_line("".join(pieces))):
        if piece == _OPEN:
            opened = len(line)
        elif piece == _CLOSE:
            moved.append((opened, len(line)))
        else:
            line += piece
    return line, moved


def _author_pieces(entry: Entry, cell: str, spans: list[tuple[int, int]], width: int) -> list[Piece]:
    """The first author's cell with the matches inside the family name marked."""
    surname = family(entry.authors[0]) if entry.authors else ""
    offset = entry.authors[0].rfind(surname) if surname else -1  # where the family name starts
    moved = [
        (s - offset, min(e, offset + len(surname)) - offset)
        for s, e in spans
        if offset >= 0 and offset <= s < offset + len(surname)
    ]
    fitted = _fit(cell, width)
    return _styled(fitted, _clipped(moved, 0, len(fitted.rstrip("…"))))


def _snippet_pieces(entry: Entry, marks: Marks, indent: int, width: int) -> Iterator[Piece]:
    """A dim line under a search hit found where the table does not show: the matched words
    in their context, so a person sees why the paper is listed."""
    for name in SNIPPET_FIELDS:
        spans = marks.get(name)
        if not spans:
            continue
        label = f"{name}: "
        indent = indent if width - indent >= _SNIPPET_MIN else 3  # else start under the key
        room = width - indent - len(label)
        if room < 12:
            return
        yield ("\n" + " " * indent, None)
        yield (label, _DIM)
        yield from _snippet(_field_text(entry, name), spans, room)
        return


def _field_text(entry: Entry, name: str) -> str:
    if name == "notes":
        return "\n".join(note.text for note in entry.notes)  # as `readlist.search` joins them
    return (entry.comment or "") if name == "comment" else entry.abstract


def _snippet(text: str, spans: list[tuple[int, int]], room: int) -> list[Piece]:
    """About `room` cells of `text` around its first match, on one line, matches marked."""
    first = spans[0][0]
    start = 0 if first < room // 3 else text.rfind(" ", 0, first - room // 4) + 1
    window = text[start : start + 2 * room]
    clean, marks = _marked_line(window, _clipped(spans, start, start + len(window)))
    prefix = "…" if start else ""
    end = len(set_cell_size(clean, room - len(prefix) - 1).rstrip())
    suffix = "…" if end < len(clean) or start + len(window) < len(text) else ""
    line = clean[:end]
    return [(prefix, _DIM), *_styled(line, _clipped(marks, 0, end), _DIM), (suffix, _DIM)]


def print_entries(
    entries: list[Entry],
    year_of: Callable[[Entry], int | None],
    highlights: Mapping[str, Marks] | None = None,
    columns: tuple[str, ...] | None = None,
) -> None:
    if not entries:
        err.print("No entries match.")
        return
    # Every line is laid out to fit already: soft_wrap spares Rich cropping them again.
    table = entries_table(entries, year_of, highlights=highlights, width=out.width, columns=columns)
    out.print(table, end="", soft_wrap=True)


def pager_command(environ: Mapping[str, str]) -> list[str] | None:
    """The pager to use, as git chooses one: $READLIST_PAGER, else $PAGER, else `less`;
    None when it is set empty or to `cat` (no pager)."""
    chosen = environ.get("READLIST_PAGER", environ.get("PAGER", "less"))
    try:
        command = shlex.split(chosen)
    except ValueError:  # an unbalanced quote: the name as written
        command = [chosen]
    return None if not command or command == ["cat"] else command


class _LongOutputPager(Pager):
    """Output taller than the terminal goes through the pager; shorter output is printed."""

    def __init__(self, command: list[str], height: int) -> None:
        self.command = command
        self.height = height

    def show(self, content: str) -> None:
        if content.count("\n") < self.height or not _page(self.command, content):
            sys.stdout.write(content)
            sys.stdout.flush()


def _page(command: list[str], content: str) -> bool:
    """Run the pager on `content` and wait for it; False if it cannot be started."""
    import signal
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # as git: quit if one screen, colours, no screen clearing
    sys.stdout.flush()
    try:
        pager = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    assert pager.stdin is not None
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the pager's to handle
    try:
        try:
            pager.stdin.write(content.encode(out.encoding or "utf-8", "replace"))
            pager.stdin.close()
        except BrokenPipeError:  # the reader quit before the end
            pass
        pager.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    return True


def pages(enabled: bool = True) -> bool:
    """Whether `paged` will use a pager: stdout is a terminal, `enabled` (no --no-pager) and
    a pager is set (see `pager_command`)."""
    return enabled and sys.stdout.isatty() and pager_command(os.environ) is not None


@contextmanager
def paged(enabled: bool = True) -> Iterator[None]:
    """What is printed inside goes through a pager when it is taller than the terminal, when
    `pages` says one is in effect."""
    command = pager_command(os.environ) if pages(enabled) else None
    if command is None:
        yield
        return
    with out.pager(_LongOutputPager(command, out.height), styles=True, links=True):
        yield


def entry_panel(entry: Entry, year: int | None) -> Panel:
    from rich.panel import Panel
    from rich.table import Table

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold cyan", no_wrap=True)
    facts.add_column()
    facts.add_row("authors", safe(", ".join(entry.authors) or "(none)"))
    facts.add_row("year", str(year or ""))
    for label, value in (
        ("venue", entry.venue),
        ("comment", entry.comment),
        ("arXiv", entry.arxiv),
        ("url", entry.url),
    ):
        if value:
            facts.add_row(label, safe(value))
    facts.add_row("status", Text(entry.status, style=STATUS_STYLE.get(entry.status, "")))
    if entry.priority:
        facts.add_row("priority", str(entry.priority))
    facts.add_row("tags", safe(", ".join(entry.tags) or "(none)"))
    for sighting in sorted(entry.sightings, key=lambda s: s.recency(), reverse=True):
        facts.add_row("seen", safe(f"{sighting.date}  {sighting.topic}  ({sighting.file}:{sighting.line})"))
    facts.add_row("added", safe(entry.added))
    # The title inside the panel, where it wraps: on the border it would be cut.
    parts: list[RenderableType] = [Text(printable(readable_latex(entry.title)), style="bold"), Text(""), facts]
    if entry.abstract:
        parts += [Text(""), safe(readable_latex(entry.abstract))]
    if entry.notes:
        parts += [Text(""), Text("notes", style="bold cyan")]
        for number, note in enumerate(entry.notes, start=1):
            line = Text(f"{number}. {note.at}  ", style="dim")
            line.append_text(safe(note.text))
            parts.append(line)
    if entry.log:
        parts += [Text(""), Text("history", style="bold cyan")]
        parts += [Text(f"{event.at}  {event.kind}: ", style="dim") + safe(event.text) for event in entry.log]
    return Panel(Group(*parts), title=safe(entry.key), title_align="left")


def import_summary(report: ImportReport) -> None:
    err.print(
        f"Read {len(report.files)} file(s): {len(report.new)} new, {len(report.merged)} merged, "
        f"{report.unchanged} already known, "
        + (f"{report.repeated} listed again in this import, " if report.repeated else "")
        + (f"{report.skipped} removed earlier and skipped, " if report.skipped else "")
        + f"{len(report.problems)} problem(s)."
    )
    if report.new:
        shown = ", ".join(report.new[:10])
        more = f" and {len(report.new) - 10} more" if len(report.new) > 10 else ""
        err.print(safe(f"New: {shown}{more} (`readlist list --new` lists them)."))
    for problem in report.problems:
        file = problem.file.replace("\r", "\\r").replace("\n", "\\n")  # one problem, one line
        err.print(safe(f"  {replace(problem, file=file)}"), style="yellow")


@contextmanager
def progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr while files are read, when stderr is a terminal."""
    if not (enabled and sys.stderr.isatty()):
        yield None
        return
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("Importing", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def tags_table(counts: list[tuple[str, int]]) -> None:
    from rich.table import Table

    if not counts:
        err.print("No tags yet.")
        return
    table = Table("tag", "entries")
    for tag, count in counts:
        table.add_row(safe(tag), str(count))
    out.print(table)


def stats(total: int, groups: list[tuple[str, list[tuple[str, int]]]]) -> None:
    """Each group as a table of counts with a bar, scaled to the group's largest count."""
    from rich.table import Table

    out.print(Text(f"{total} entries", style="bold"))
    for title, counts in groups:
        if not counts:
            continue
        table = Table(title, "entries", "", box=None, title_justify="left", pad_edge=False)
        widest = max(count for _, count in counts)
        # The bars take what the labels and counts leave (up to 30 cells): never cut with "…".
        labels = min(max(cell_len(printable(label)) for label, _ in counts), max(8, out.width // 3))
        table.columns[0].max_width = labels  # a long topic wraps within a third of the width
        numbers = max(len("entries"), *(len(str(count)) for _, count in counts))
        room = max(5, min(30, out.width - labels - numbers - 6))  # 6: each column's padding
        for label, count in counts:
            bar = "█" * max(1, round(room * count / widest))
            table.add_row(safe(label), str(count), Text(bar, style="cyan", no_wrap=True))
        out.print()
        out.print(table)


def journal(lines: list[JournalLine]) -> None:
    """The journal by day: each line's time, the entry's key and title, then the note (kept
    as its lines) or the change."""
    from rich.table import Table

    if not lines:
        err.print("The journal is empty.")
        return
    for day, group in groupby(lines, key=lambda line: line.at.date()):
        out.print(Text(day.isoformat(), style="bold underline"))
        table = Table.grid(padding=(0, 2), pad_edge=False)
        table.add_column(style="dim", no_wrap=True)
        table.add_column()
        for line in group:
            body = Text()
            body.append(printable(line.key), style="bold")
            body.append("  ")
            body.append(_one_line(line.title))
            body.append(f"\n{line.kind}: ", style="cyan")
            body.append(printable(line.text))
            table.add_row(f"  {line.at:%H:%M}", body)
        out.print(table)
        out.print()


def message(text: str) -> None:
    """A short confirmation for a person, on stderr so stdout stays scriptable."""
    err.print(safe(text))
