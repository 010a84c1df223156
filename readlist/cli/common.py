"""What the commands share: option types, the store path of this invocation, input helpers.

Help texts read the words options accept from `readlist.choices`, so they never go stale.
"""

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from readlist.choices import LEAST_URGENT, MOST_URGENT, STATUSES, TEMPLATE_FIELDS, one_of
from readlist.errors import Cancelled, InvalidInput

if TYPE_CHECKING:
    from readlist.models import Entry
    from readlist.output.emit import Format
    from readlist.services.library import Fields, Selection


def complete_from(words: "tuple[str, ...]") -> Callable[[str], list[str]]:
    """Shell completion of an option's fixed words (statuses, sorts, formats)."""
    return lambda incomplete: [word for word in words if word.startswith(incomplete)]


def complete_keys(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of citation keys from the store `--db` names (none if it cannot be read)."""
    return _stored_words(ctx, incomplete, lambda entries: [e.key for e in entries])


def complete_tags(ctx: typer.Context, incomplete: str) -> list[str]:
    return _stored_words(ctx, incomplete, lambda entries: sorted({t for e in entries for t in e.tags}))


def _stored_words(ctx: typer.Context, incomplete: str, words: "Callable[[list[Entry]], list[str]]") -> list[str]:
    from readlist.errors import ReadlistError
    from readlist.services.session import reading

    db = ctx.find_root().params.get("db")
    try:
        with reading(Path(db).expanduser() if db else None) as store:
            found = words(store.entries())
    except (ReadlistError, OSError):
        return []
    folded = incomplete.casefold()
    return [word for word in found if word.casefold().startswith(folded)]


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (the contract in README).")]

KeysOnlyOption = Annotated[bool, typer.Option("--keys", help="Print only the keys, one a line.")]

TemplateOption = Annotated[
    Optional[str],
    typer.Option(
        "--format",
        metavar="TEMPLATE",
        help=(
            r"Print each entry through TEMPLATE, e.g. '{key}\t{year}\t{title}' (\t a tab, {title:.40} cut). "
            f"Fields: {', '.join(TEMPLATE_FIELDS)}."
        ),
    ),
]

LimitOption = Annotated[Optional[int], typer.Option("--limit", "-n", metavar="N", help="Show at most N entries.")]

PriorityOption = Annotated[
    Optional[int],
    typer.Option(
        "--priority",
        "-p",
        metavar=f"{MOST_URGENT}-{LEAST_URGENT}",
        help=f"{MOST_URGENT} (most urgent) to {LEAST_URGENT}.",
    ),
]

TagFilter = Annotated[
    Optional[list[str]],
    typer.Option(
        "--tag", "-t", metavar="TAG", help="Only entries with this tag (repeatable).", autocompletion=complete_tags
    ),
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
    Optional[str],
    typer.Option(
        "--status",
        metavar="STATUS",
        help=f"Only entries with this reading status: {one_of(STATUSES)}.",
        autocompletion=complete_from(STATUSES),
    ),
]

KeysArg = Annotated[
    list[str],
    typer.Argument(
        metavar="KEY",
        help="Citation keys, or - to read them from stdin.",
        show_default=False,
        autocompletion=complete_keys,
    ),
]

KeyArg = Annotated[
    str,
    typer.Argument(metavar="KEY", help="The entry's citation key.", show_default=False, autocompletion=complete_keys),
]

TagsOpt = Annotated[
    list[str], typer.Option("--tag", "-t", metavar="TAG", help="A tag (repeatable).", autocompletion=complete_tags)
]

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


def db(ctx: typer.Context) -> Optional[Path]:
    """The store named by `--db`; None for the default (`READLIST_DB`, else the data dir)."""
    path = ctx.find_root().obj
    return path if isinstance(path, Path) else None


def now() -> str:
    from readlist.clock import now_iso

    return now_iso()


def checked_template(template: Optional[str]) -> Optional[str]:
    """A `--format` template ready to use, or an InvalidInput that says what is wrong."""
    if template is None:
        return None
    from readlist.output.shapes import check_template

    return check_template(template)


def output_format(as_json: bool = False, keys_only: bool = False, markdown: bool = False) -> "Format":
    """What `emit` prints: the first of --json, --keys, --markdown given, else the human form."""
    if as_json:
        return "json"
    if keys_only:
        return "keys"
    return "markdown" if markdown else "human"


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
    from readlist.services.library import Selection, check_selection

    return check_selection(
        Selection(
            topic=topic,
            since=parse_date(since, "--since"),
            until=parse_date(until, "--until"),
            tags=tags or [],
            status=status,
            sort=sort,
            reverse=reverse,
            limit=limit,
        )
    )


def confirmer(yes: bool) -> Callable[[str], None]:
    """A `confirm(question)` for a use case: passes with --yes, else asks in a terminal."""

    def ask(question: str) -> None:
        if yes:
            return
        if not sys.stdin.isatty():
            raise Cancelled("not confirmed: stdin is not a terminal; add --yes to go ahead")
        if not typer.confirm(question, default=False):
            raise Cancelled("cancelled; nothing was changed")

    return ask


def fields_from(
    title: Optional[str],
    author: Optional[list[str]],
    year: Optional[int],
    venue: Optional[str],
    abstract: Optional[str],
    url: Optional[str],
    arxiv: Optional[str],
) -> "Fields":
    from readlist.services.library import Fields, split_authors

    return Fields(
        title=title,
        authors=split_authors(author) if author is not None else None,
        year=year,
        venue=venue,
        abstract=abstract,
        url=url,
        arxiv=arxiv,
    )
