"""What the commands share: the store of this invocation, option types, small I/O helpers."""

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from readlist.errors import Cancelled, InvalidInput

if TYPE_CHECKING:
    from readlist.services import Fields, Selection


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (the contract in README).")]

TagFilter = Annotated[
    Optional[list[str]], typer.Option("--tag", "-t", metavar="TAG", help="Only entries with this tag (repeatable).")
]

TopicFilter = Annotated[
    Optional[str], typer.Option("--topic", metavar="TOPIC", help="Only entries seen under this digest topic.")
]

SinceFilter = Annotated[
    Optional[str], typer.Option("--since", metavar="DATE", help="Seen in a digest dated on or after YYYY-MM-DD.")
]

UntilFilter = Annotated[
    Optional[str], typer.Option("--until", metavar="DATE", help="Seen in a digest dated on or before YYYY-MM-DD.")
]

StatusFilter = Annotated[
    Optional[str], typer.Option("--status", metavar="STATUS", help="Only entries with this reading status.")
]

KeysArg = Annotated[
    list[str], typer.Argument(metavar="KEY", help="Citation keys, or - to read them from stdin.", show_default=False)
]

TagsOpt = Annotated[list[str], typer.Option("--tag", "-t", metavar="TAG", help="A tag (repeatable).")]

TitleOpt = Annotated[Optional[str], typer.Option("--title", metavar="TITLE", help="The title, LaTeX allowed.")]

AuthorOpt = Annotated[
    Optional[list[str]],
    typer.Option("--author", "-a", metavar="NAME", help='"Given Family" (repeatable, or comma-separated).'),
]

YearOpt = Annotated[Optional[int], typer.Option("--year", metavar="YEAR", help="Publication year.")]

VenueOpt = Annotated[Optional[str], typer.Option("--venue", metavar="VENUE", help="Conference or journal.")]

AbstractOpt = Annotated[Optional[str], typer.Option("--abstract", metavar="TEXT", help="The abstract.")]

UrlOpt = Annotated[Optional[str], typer.Option("--url", metavar="URL", help="A link to the paper.")]

ArxivOpt = Annotated[
    Optional[str], typer.Option("--arxiv", metavar="ID", help="arXiv id, e.g. 2201.00814v2 (stored without version).")
]


def store_path(ctx: typer.Context) -> Path:
    from readlist.store import default_path

    root = ctx.find_root()
    return root.obj if root.obj is not None else default_path()


def read_store(ctx: typer.Context):  # type: ignore[no-untyped-def]
    from readlist.store import open_store

    return open_store(store_path(ctx))


def write_store(ctx: typer.Context):  # type: ignore[no-untyped-def]
    from readlist.store import open_store

    return open_store(store_path(ctx), write=True)


def now() -> str:
    from readlist.clock import now_iso

    return now_iso()


def keys_from(keys: list[str]) -> list[str]:
    """Keys from the command line; `-` reads more, one a line, from stdin."""
    result: list[str] = []
    for key in keys:
        if key == "-":
            result += [line.strip() for line in sys.stdin if line.strip()]
        else:
            result.append(key)
    if not result:
        raise InvalidInput("no keys given")
    return result


def print_json(data: Any) -> None:
    from readlist.exporters import dumps

    sys.stdout.write(dumps(data))


def parse_date(value: Optional[str], option: str) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} {value!r} is not a date like 2024-01-31") from None


def make_selection(
    topic: Optional[str],
    since: Optional[str],
    until: Optional[str],
    tags: Optional[list[str]],
    status: Optional[str],
    sort: str = "date",
    reverse: bool = False,
    limit: Optional[int] = None,
) -> "Selection":
    from readlist.services import SORTS, Selection

    if sort not in SORTS:
        raise InvalidInput(f"unknown sort {sort!r}; use one of: {', '.join(SORTS)}")
    if limit is not None and limit < 0:
        raise InvalidInput("--limit must be 0 or more")
    return Selection(
        topic=topic,
        since=parse_date(since, "--since"),
        until=parse_date(until, "--until"),
        tags=tags or [],
        status=status,
        sort=sort,
        reverse=reverse,
        limit=limit,
    )


#: A table longer than this helps nobody and takes seconds to draw; scripts use --keys/--json.
TABLE_ROWS = 100


def show_entries(
    entries: list[Any], keys_only: bool, as_json: bool, highlights: Any = None, limited: bool = False
) -> None:
    """Keys, JSON, or a table (at most `TABLE_ROWS` rows unless the user chose a --limit)."""
    if keys_only:
        sys.stdout.write("".join(f"{e.key}\n" for e in entries))
    elif as_json:
        from readlist.exporters import to_json

        sys.stdout.write(to_json(entries))
    else:
        from readlist import render
        from readlist.venues import publication_year

        shown = entries if limited else entries[:TABLE_ROWS]
        render.print_entries(shown, publication_year, highlights=highlights)
        if len(shown) < len(entries):
            render.message(f"Showing {len(shown)} of {len(entries)}; --limit N shows more, --keys or --json all.")


def report_entries(entries: list[Any], as_json: bool, line: Any) -> None:
    if as_json:
        from readlist.exporters import entry_json

        print_json([entry_json(e) for e in entries])
        return
    from readlist import render

    for entry in entries:
        render.message(line(entry))


def confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise Cancelled("not confirmed: stdin is not a terminal; add --yes to go ahead")
    if not typer.confirm(question, default=False):
        raise Cancelled("cancelled; nothing was changed")


def fields_from(
    title: Optional[str],
    author: Optional[list[str]],
    year: Optional[int],
    venue: Optional[str],
    abstract: Optional[str],
    url: Optional[str],
    arxiv: Optional[str],
) -> "Fields":
    from readlist.services import Fields, split_authors

    return Fields(
        title=title,
        authors=split_authors(author) if author is not None else None,
        year=year,
        venue=venue,
        abstract=abstract,
        url=url,
        arxiv=arxiv,
    )
