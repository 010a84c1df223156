"""Commands that read the list: list, show, search, tags, log, next."""

from typing import Annotated, Optional

import typer

from readlist.choices import SORTS, one_of
from readlist.cli.common import (
    JsonOption,
    KeyArg,
    KeysOnlyOption,
    LimitOption,
    SinceFilter,
    StatusFilter,
    TagFilter,
    TemplateOption,
    TopicFilter,
    UntilFilter,
    checked_template,
    complete_from,
    db,
    make_selection,
    output_format,
    parse_date,
)


def list_(
    ctx: typer.Context,
    topic: TopicFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    tag: TagFilter = None,
    status: StatusFilter = None,
    sort: Annotated[
        str, typer.Option("--sort", metavar="FIELD", help=f"{one_of(SORTS)}.", autocompletion=complete_from(SORTS))
    ] = SORTS[0],
    reverse: Annotated[bool, typer.Option("--reverse", help="Reverse the order.")] = False,
    new: Annotated[bool, typer.Option("--new", help="Only what the last import added.")] = False,
    limit: LimitOption = None,
    keys_only: KeysOnlyOption = False,
    as_json: JsonOption = False,
    template: TemplateOption = None,
) -> None:
    """List entries, newest digest first.

    Example: readlist list --tag inbox --status unread --sort priority
    """
    from readlist.output.emit import emit
    from readlist.services import browse

    selection = make_selection(topic, since, until, tag, status, sort, reverse, limit)
    template = checked_template(template)
    emit(browse.list_entries(db(ctx), selection, new_only=new), output_format(as_json, keys_only), template)


def show(ctx: typer.Context, key: KeyArg, as_json: JsonOption = False) -> None:
    """Everything about one entry: abstract, sightings, tags, status, notes.

    Example: readlist show aubert2024sparse
    """
    from readlist.output.emit import emit
    from readlist.services import browse

    emit(browse.show(db(ctx), key), output_format(as_json))


def open_(
    ctx: typer.Context,
    key: KeyArg,
    pdf: Annotated[bool, typer.Option("--pdf", help="The PDF instead of the abstract page.")] = False,
    print_only: Annotated[bool, typer.Option("--print", "-p", help="Print the link; open nothing.")] = False,
) -> None:
    """Open the paper in the browser: its arXiv page (or --pdf), else its URL.

    Example: readlist open olafsdottir2024pruning --pdf
    """
    import webbrowser

    from readlist.models import Link
    from readlist.output.emit import emit
    from readlist.services import browse

    found = browse.link(db(ctx), key, pdf)
    opened = not print_only and webbrowser.open(found.url)
    emit(Link(found.key, found.url, opened=opened))


def search(
    ctx: typer.Context,
    query: Annotated[
        list[str],
        typer.Argument(metavar="QUERY", help='Words, "phrases", field:value, -excluded.', show_default=False),
    ],
    limit: LimitOption = None,
    keys_only: KeysOnlyOption = False,
    as_json: JsonOption = False,
    template: TemplateOption = None,
) -> None:
    """Search title, authors, abstract, comment, tags and notes; best matches first.

    Plain words never look in the digest's topic (a "Vision Transformer" digest does not make
    every paper in it match `transformer`): topic: does. A hit the table does not show (in the
    abstract, comment or notes) gets a dim line with the matched words in context.

    Fields: title:, author:, tag:, topic: (the digest's), cat: (arXiv category, cat:cs.CV), year:
    (2022 or 2022..2024), status:. An unknown field (autor:) is an error.

    Example: readlist search 'author:aubert "register tokens"' year:2023..
    """
    from readlist.output.emit import emit
    from readlist.services import browse

    template = checked_template(template)
    # One query language, however the shell split it.
    emit(browse.search(db(ctx), " ".join(query), limit), output_format(as_json, keys_only), template)


def tags(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """All tags with the number of entries carrying each.

    Example: readlist tags --json
    """
    from readlist.output.emit import emit
    from readlist.services import browse

    emit(browse.tags(db(ctx)), output_format(as_json))


def log(
    ctx: typer.Context,
    since: Annotated[Optional[str], typer.Option("--since", metavar="DATE", help="From this day (YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option("--until", metavar="DATE", help="To this day (YYYY-MM-DD).")] = None,
    tag: TagFilter = None,
    key: Annotated[
        Optional[list[str]], typer.Option("--key", "-k", metavar="KEY", help="Only this entry (repeatable).")
    ] = None,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown for a lab notebook.")] = False,
    as_json: JsonOption = False,
) -> None:
    """The journal: notes and status changes across entries, newest day first.

    Example: readlist log --since 2024-01-01 --markdown > notebook.md
    """
    from readlist.output.emit import emit
    from readlist.services import browse

    first, last = parse_date(since, "--since"), parse_date(until, "--until")
    emit(browse.log(db(ctx), first, last, tag, key), output_format(as_json, markdown=markdown))


def next_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The queued paper to read next (most urgent, then queued longest).

    Example: readlist next --json
    """
    from readlist.output.emit import emit
    from readlist.services import browse

    emit(browse.next_up(db(ctx)), output_format(as_json))


def stats(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Counts by reading status, digest topic, tag and month first seen, with bars.

    Example: readlist stats --json
    """
    from readlist.output.emit import emit
    from readlist.services import browse

    emit(browse.stats(db(ctx)), output_format(as_json))
