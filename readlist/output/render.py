"""Everything readlist shows a person; the only module that imports rich.

Untrusted text (titles, abstracts, notes) always goes through `safe` into `rich.text.Text`,
so `[bold]` prints literally and no control sequence reaches the terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from itertools import groupby

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from readlist.models import Entry, ImportReport, JournalLine
from readlist.output.text import byline, family, printable, readable_latex

out = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

STATUS_STYLE = {"unread": "dim", "queued": "cyan", "reading": "yellow", "read": "green", "skipped": "dim"}


def safe(text: str | None) -> Text:
    """Text with control characters (ESC and friends) removed and no markup interpreted."""
    return Text(printable(text or ""))


def _highlighted(text: str, spans: list[tuple[int, int]]) -> Text:
    rich_text = safe(text)
    if len(rich_text.plain) == len(text):  # spans still line up after cleaning
        for start, end in spans:
            rich_text.stylize("bold reverse", start, end)
    return rich_text


def entries_table(
    entries: list[Entry],
    year_of: Callable[[Entry], int | None],
    highlights: Mapping[str, dict[str, list[tuple[int, int]]]] | None = None,
    title: str | None = None,
    width: int = 80,
) -> Table:
    """One line a paper keeps a long list scannable; `show` has the full text.

    Narrow terminals drop the topic column, and the tags column appears only when used.
    """
    from rich import box

    show_topic = width >= 110
    show_tags = any(e.tags for e in entries)
    show_priority = any(e.priority for e in entries)
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, expand=True, title_justify="left")
    table.add_column("key", style="bold", no_wrap=True, min_width=max((len(e.key) for e in entries), default=3))
    table.add_column("title", ratio=4, min_width=16, no_wrap=True, overflow="ellipsis")
    table.add_column("authors", width=16, no_wrap=True, overflow="ellipsis")
    table.add_column("year", justify="right", no_wrap=True, min_width=4)
    if show_topic:
        table.add_column("topic", ratio=1, min_width=5, no_wrap=True, overflow="ellipsis")
    if show_tags:
        table.add_column("tags", style="magenta", ratio=1, min_width=4, no_wrap=True, overflow="ellipsis")
    if show_priority:
        table.add_column("pri", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True, min_width=7)
    for entry in entries:
        marks = (highlights or {}).get(entry.key, {})
        first_author = byline(entry.authors)
        surname = family(entry.authors[0]) if entry.authors else ""
        offset = entry.authors[0].rfind(surname) if surname else -1  # where the family name starts
        author_spans = [
            (s - offset, min(e, offset + len(surname)) - offset)
            for s, e in marks.get("authors", [])
            if offset >= 0 and offset <= s < offset + len(surname)
        ]
        cells: list[Text | str] = [
            safe(entry.key),
            _highlighted(entry.title, marks.get("title", [])),
            _highlighted(first_author, author_spans),
            str(year_of(entry) or ""),
        ]
        if show_topic:
            cells.append(safe(", ".join(entry.topics)))
        if show_tags:
            cells.append(safe(", ".join(entry.tags)))
        if show_priority:
            cells.append(str(entry.priority or ""))
        cells.append(Text(entry.status, style=STATUS_STYLE.get(entry.status, "")))
        table.add_row(*cells)
    return table


def print_entries(
    entries: list[Entry],
    year_of: Callable[[Entry], int | None],
    highlights: Mapping[str, dict[str, list[tuple[int, int]]]] | None = None,
) -> None:
    if not entries:
        err.print("No entries match.")
        return
    out.print(entries_table(entries, year_of, highlights=highlights, width=out.width))


def entry_panel(entry: Entry, year: int | None) -> Panel:
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
    parts: list[RenderableType] = [facts]
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
    return Panel(Group(*parts), title=safe(entry.title), subtitle=safe(entry.key), title_align="left")


def import_summary(report: ImportReport) -> None:
    err.print(
        f"Read {len(report.files)} file(s): {len(report.new)} new, {len(report.merged)} merged, "
        f"{report.unchanged} already known, "
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
    if not counts:
        err.print("No tags yet.")
        return
    table = Table("tag", "entries")
    for tag, count in counts:
        table.add_row(safe(tag), str(count))
    out.print(table)


def stats(total: int, groups: list[tuple[str, list[tuple[str, int]]]]) -> None:
    """Each group as a table of counts with a bar, scaled to the group's largest count."""
    out.print(Text(f"{total} entries", style="bold"))
    for title, counts in groups:
        if not counts:
            continue
        table = Table(title, "entries", "", box=None, title_justify="left", pad_edge=False)
        widest = max(count for _, count in counts)
        for label, count in counts:
            bar = "█" * max(1, round(30 * count / widest))
            table.add_row(safe(label), str(count), Text(bar, style="cyan"))
        out.print()
        out.print(table)


def journal(lines: list[JournalLine]) -> None:
    if not lines:
        err.print("The journal is empty.")
        return
    for day, group in groupby(lines, key=lambda line: line.at.date()):
        out.print(Text(day.isoformat(), style="bold underline"))
        for line in group:
            row = Text(f"  {line.at:%H:%M}  ", style="dim")
            row.append(printable(line.key), style="bold")
            row.append(f"  [{line.kind}] ", style="cyan")
            row.append_text(safe(line.text.replace("\n", "\n" + " " * 9)))
            out.print(row)
        out.print()


def message(text: str) -> None:
    """A short confirmation for a person, on stderr so stdout stays scriptable."""
    err.print(safe(text))
