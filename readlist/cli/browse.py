"""Commands that read the list: list, show, search, tags, log, next."""

import sys
from typing import Annotated, Optional

import typer

from readlist.cli.common import (
    JsonOption,
    SinceFilter,
    StatusFilter,
    TagFilter,
    TopicFilter,
    UntilFilter,
    make_selection,
    parse_date,
    print_json,
    read_store,
    show_entries,
)
from readlist.errors import InvalidInput


def list_(
    ctx: typer.Context,
    topic: TopicFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    tag: TagFilter = None,
    status: StatusFilter = None,
    sort: Annotated[
        str, typer.Option("--sort", metavar="FIELD", help="date, added, title, key, year, priority or status.")
    ] = "date",
    reverse: Annotated[bool, typer.Option("--reverse", help="Reverse the order.")] = False,
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", metavar="N", help="Show at most N entries.")] = None,
    keys_only: Annotated[bool, typer.Option("--keys", help="Print only the keys, one a line.")] = False,
    as_json: JsonOption = False,
) -> None:
    """List entries, newest digest first."""
    from readlist import services

    selection = make_selection(topic, since, until, tag, status, sort, reverse, limit)
    with read_store(ctx) as store:
        entries = services.select(store.entries(), selection)
    show_entries(entries, keys_only, as_json, limited=limit is not None)


def show(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(metavar="KEY", help="The entry's citation key.", show_default=False)],
    as_json: JsonOption = False,
) -> None:
    """Everything about one entry: abstract, sightings, tags, status, notes."""
    from readlist import services

    with read_store(ctx) as store:
        entry = services.resolve(store, key)
    if as_json:
        from readlist.exporters import entry_json

        print_json(entry_json(entry))
    else:
        from readlist import render
        from readlist.venues import publication_year

        render.out.print(render.entry_panel(entry, publication_year(entry)))


def search(
    ctx: typer.Context,
    query: Annotated[
        list[str],
        typer.Argument(metavar="QUERY", help='Words, "phrases", field:value, -excluded.', show_default=False),
    ],
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", metavar="N", help="Show at most N results.")] = None,
    keys_only: Annotated[bool, typer.Option("--keys", help="Print only the keys, one a line.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Search title, authors, abstract, comment, tags and notes; best matches first.

    Fields: title:, author:, tag:, topic:, year: (2022 or 2022..2024), status:.
    """
    from readlist import search as engine
    from readlist.venues import publication_year

    parsed = engine.parse_query(" ".join(query))  # one query language, however the shell split it
    with read_store(ctx) as store:
        hits = engine.search(store.entries(where=engine.prefilter(parsed)), parsed, year_of=publication_year)
    if limit is not None:
        if limit < 0:
            raise InvalidInput("--limit must be 0 or more")
        hits = hits[:limit]
    highlights = {hit.entry.key: hit.highlights for hit in hits}
    show_entries([hit.entry for hit in hits], keys_only, as_json, highlights, limited=limit is not None)


def tags(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """All tags with the number of entries carrying each."""
    from readlist import services

    with read_store(ctx) as store:
        counts = services.tag_counts(store.entries())
    if as_json:
        print_json([{"tag": t, "count": c} for t, c in counts])
    else:
        from readlist import render

        render.tags_table(counts)


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
    """The journal: notes and status changes across entries, newest day first."""
    from readlist import services
    from readlist.exporters import journal_json, journal_to_markdown

    with read_store(ctx) as store:
        keys = [services.resolve(store, k).key for k in key or []]
        lines = services.journal(store.entries(), parse_date(since, "--since"), parse_date(until, "--until"), tag, keys)
    if as_json:
        print_json(journal_json(lines))
    elif markdown:
        sys.stdout.write(journal_to_markdown(lines))
    else:
        from readlist import render

        render.journal(lines)


def next_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The queued paper to read next (most urgent, then queued longest)."""
    from readlist import services

    with read_store(ctx) as store:
        entry = services.next_queued(store.entries())
    if entry is None:
        if as_json:
            print_json(None)
        else:
            from readlist import render

            render.message("Nothing is queued. Queue a paper with: readlist status KEY queued")
        return
    if as_json:
        from readlist.exporters import entry_json

        print_json(entry_json(entry))
    else:
        from readlist import render
        from readlist.venues import publication_year

        render.out.print(render.entry_panel(entry, publication_year(entry)))
