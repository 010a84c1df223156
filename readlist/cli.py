"""The command line: parse arguments, call a use case, hand the result to `render`.

`_ReadlistGroup.invoke` is the one place where a `ReadlistError` becomes an `Error: ...` line
on stderr and an exit code. Modules beyond typer are imported inside the commands so that
`readlist --help` does not pay for rich, tinydb or bibtexparser.
"""

from __future__ import annotations

import os
import re
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from readlist import __version__
from readlist.errors import Cancelled, InvalidInput, ReadlistError

if TYPE_CHECKING:
    from readlist.services import Fields, Selection

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class _ReadlistGroup(TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ReadlistError as exc:
            message = " ".join(_CONTROL.sub("", exc.message).split())
            sys.stderr.write(f"Error: {message}\n")
            raise typer.Exit(int(exc.exit_code)) from None


app = typer.Typer(
    cls=_ReadlistGroup,
    help="A reading list built from daily arXiv paper digests.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"readlist {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    db: Annotated[
        Optional[Path],
        typer.Option(
            "--db",
            help="Store file (default: $READLIST_DB, else readlist.json in the user data dir).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    ctx.obj = db


def _db(ctx: typer.Context) -> Path:
    from readlist.store import default_path

    root = ctx.find_root()
    return root.obj if root.obj is not None else default_path()


def _read_store(ctx: typer.Context):  # type: ignore[no-untyped-def]
    from readlist.store import open_store

    return open_store(_db(ctx))


def _write_store(ctx: typer.Context):  # type: ignore[no-untyped-def]
    from readlist.store import open_store

    return open_store(_db(ctx), write=True)


def _now() -> str:
    from readlist.clock import now_iso

    return now_iso()


def _keys(keys: list[str]) -> list[str]:
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


def _print_json(data: Any) -> None:
    from readlist.exporters import dumps

    sys.stdout.write(dumps(data))


def _parse_date(value: Optional[str], option: str) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} {value!r} is not a date like 2024-01-31") from None


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (the contract in README).")]
TagFilter = Annotated[Optional[list[str]], typer.Option("--tag", "-t", help="Only entries with this tag (repeatable).")]
TopicFilter = Annotated[Optional[str], typer.Option("--topic", help="Only entries seen under this digest topic.")]
SinceFilter = Annotated[Optional[str], typer.Option("--since", help="Seen in a digest dated on or after YYYY-MM-DD.")]
UntilFilter = Annotated[Optional[str], typer.Option("--until", help="Seen in a digest dated on or before YYYY-MM-DD.")]
StatusFilter = Annotated[Optional[str], typer.Option("--status", help="Only entries with this reading status.")]


def _selection(
    topic: Optional[str],
    since: Optional[str],
    until: Optional[str],
    tags: Optional[list[str]],
    status: Optional[str],
    sort: str = "date",
    reverse: bool = False,
    limit: Optional[int] = None,
) -> Selection:
    from readlist.services import SORTS, Selection

    if sort not in SORTS:
        raise InvalidInput(f"unknown sort {sort!r}; use one of: {', '.join(SORTS)}")
    if limit is not None and limit < 0:
        raise InvalidInput("--limit must be 0 or more")
    return Selection(
        topic=topic,
        since=_parse_date(since, "--since"),
        until=_parse_date(until, "--until"),
        tags=tags or [],
        status=status,
        sort=sort,
        reverse=reverse,
        limit=limit,
    )


# -- import ----------------------------------------------------------------------------------
@app.command("import")
def import_(
    ctx: typer.Context,
    paths: Annotated[
        list[str], typer.Argument(help="Digest files (.txt, .md), .bib files, directories, or - for stdin.")
    ],
    tag: Annotated[
        Optional[list[str]], typer.Option("--tag", "-t", help="Tag every imported entry (repeatable).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import digests and BibTeX; the same paper in several digests becomes one entry."""
    from readlist import ingest, render
    from readlist.exporters import dumps
    from readlist.services import normalise_tag

    tags = [normalise_tag(t) for t in tag or []]
    with _write_store(ctx) as store, render.progress(enabled=True) as advance:
        report = ingest.import_paths(store, paths, now=_now(), tags=tags, progress=advance)
    if as_json:
        sys.stdout.write(
            dumps(
                {
                    "files": report.files,
                    "new": report.new,
                    "merged": report.merged,
                    "unchanged": report.unchanged,
                    "problems": [{"file": p.file, "line": p.line, "message": p.message} for p in report.problems],
                }
            )
        )
    else:
        render.import_summary(report)
    if not report.ok:
        raise typer.Exit(1)


# -- reading ---------------------------------------------------------------------------------
@app.command("list")
def list_(
    ctx: typer.Context,
    topic: TopicFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    tag: TagFilter = None,
    status: StatusFilter = None,
    sort: Annotated[str, typer.Option("--sort", help="date, added, title, key, year, priority or status.")] = "date",
    reverse: Annotated[bool, typer.Option("--reverse", help="Reverse the order.")] = False,
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", help="Show at most N entries.")] = None,
    keys_only: Annotated[bool, typer.Option("--keys", help="Print only the keys, one a line.")] = False,
    as_json: JsonOption = False,
) -> None:
    """List entries, newest digest first."""
    from readlist import services

    selection = _selection(topic, since, until, tag, status, sort, reverse, limit)
    with _read_store(ctx) as store:
        entries = services.select(store.entries(), selection)
    _show_entries(entries, keys_only, as_json)


def _show_entries(entries: list[Any], keys_only: bool, as_json: bool, highlights: Any = None) -> None:
    if keys_only:
        sys.stdout.write("".join(f"{e.key}\n" for e in entries))
    elif as_json:
        from readlist.exporters import to_json

        sys.stdout.write(to_json(entries))
    else:
        from readlist import render
        from readlist.venues import publication_year

        render.print_entries(entries, publication_year, highlights=highlights)


@app.command()
def show(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The entry's citation key.")],
    as_json: JsonOption = False,
) -> None:
    """Everything about one entry: abstract, sightings, tags, status, notes."""
    from readlist import services

    with _read_store(ctx) as store:
        entry = services.resolve(store, key)
    if as_json:
        from readlist.exporters import entry_json

        _print_json(entry_json(entry))
    else:
        from readlist import render
        from readlist.venues import publication_year

        render.out.print(render.entry_panel(entry, publication_year(entry)))


@app.command(context_settings={"ignore_unknown_options": True})
def search(
    ctx: typer.Context,
    query: Annotated[list[str], typer.Argument(help='Words, "phrases", field:value, -excluded.')],
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", help="Show at most N results.")] = None,
    keys_only: Annotated[bool, typer.Option("--keys", help="Print only the keys, one a line.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Search title, authors, abstract, comment, tags and notes; best matches first.

    Fields: title:, author:, tag:, topic:, year: (2022 or 2022..2024), status:.
    """
    from readlist import search as engine
    from readlist.venues import publication_year

    parsed = engine.parse_query(" ".join(_quote(q) for q in query))
    with _read_store(ctx) as store:
        hits = engine.search(store.entries(), parsed, year_of=publication_year)
    if limit is not None:
        hits = hits[:limit]
    highlights = {hit.entry.key: hit.highlights for hit in hits}
    _show_entries([hit.entry for hit in hits], keys_only, as_json, highlights)


def _quote(word: str) -> str:
    """Arguments the shell already split keep their spaces: `search "a b"` is a phrase."""
    if " " in word and '"' not in word:
        field, sep, rest = word.partition(":")
        if sep and " " not in field:
            return f'{field}:"{rest}"'
        return f'"{word}"'
    return word


# -- curation --------------------------------------------------------------------------------
KeysArg = Annotated[list[str], typer.Argument(help="Citation keys, or - to read them from stdin.")]
TagsOpt = Annotated[list[str], typer.Option("--tag", "-t", help="A tag (repeatable).")]


@app.command()
def tag(ctx: typer.Context, keys: KeysArg, tags: TagsOpt, as_json: JsonOption = False) -> None:
    """Add tags to entries (lower case, spaces become hyphens)."""
    from readlist import services

    with _write_store(ctx) as store:
        entries = services.add_tags(store, _keys(keys), tags)
    _report_entries(entries, as_json, lambda e: f"{e.key}: {', '.join(e.tags)}")


@app.command()
def untag(ctx: typer.Context, keys: KeysArg, tags: TagsOpt, as_json: JsonOption = False) -> None:
    """Remove tags from entries."""
    from readlist import services

    with _write_store(ctx) as store:
        entries = services.remove_tags(store, _keys(keys), tags)
    _report_entries(entries, as_json, lambda e: f"{e.key}: {', '.join(e.tags) or '(no tags)'}")


def _report_entries(entries: list[Any], as_json: bool, line: Any) -> None:
    if as_json:
        from readlist.exporters import entry_json

        _print_json([entry_json(e) for e in entries])
        return
    from readlist import render

    for entry in entries:
        render.message(line(entry))


@app.command()
def tags(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """All tags with the number of entries carrying each."""
    from readlist import services

    with _read_store(ctx) as store:
        counts = services.tag_counts(store.entries())
    if as_json:
        _print_json([{"tag": t, "count": c} for t, c in counts])
    else:
        from readlist import render

        render.tags_table(counts)


def _edit_text() -> str:
    """Open $VISUAL/$EDITOR on an empty file and return what was written."""
    import shlex
    import subprocess
    import tempfile

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "note.md"
        path.write_text("", encoding="utf-8")
        try:
            code = subprocess.call([*shlex.split(editor), str(path)])
        except OSError as exc:
            raise InvalidInput(
                f"cannot start the editor {editor!r} ({exc.strerror}); give the note as an argument"
            ) from exc
        if code != 0:
            raise Cancelled(f"the editor {editor!r} exited with code {code}; no note was added")
        return path.read_text(encoding="utf-8")


@app.command()
def note(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The entry's citation key.")],
    text: Annotated[Optional[str], typer.Argument(help="The note; without it $EDITOR opens.")] = None,
    delete: Annotated[Optional[int], typer.Option("--delete", help="Delete note number N (see `show`).")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before deleting.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Append a dated note to an entry's annotation log (or --delete one)."""
    from readlist import render, services

    if delete is not None:
        if text is not None:
            raise InvalidInput("give either a note text or --delete, not both")
        with _write_store(ctx) as store:
            entry = services.resolve(store, key)
            if 1 <= delete <= len(entry.notes):
                _confirm(f"Delete note {delete} of {entry.key} ({entry.notes[delete - 1].text[:60]!r})?", yes)
            entry, _removed = services.delete_note(store, key, delete)
        render.message(f"Deleted note {delete} of {entry.key}.")
        return
    if text is None:
        text = _edit_text()
    with _write_store(ctx) as store:
        entry, added = services.add_note(store, key, text, _now())
    if as_json:
        _print_json({"key": entry.key, "number": len(entry.notes), "at": added.at, "text": added.text})
    else:
        render.message(f"Noted on {entry.key} (note {len(entry.notes)}).")


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise Cancelled("not confirmed: stdin is not a terminal; add --yes to go ahead")
    if not typer.confirm(question, default=False):
        raise Cancelled("cancelled; nothing was changed")


@app.command()
def log(
    ctx: typer.Context,
    since: Annotated[Optional[str], typer.Option("--since", help="From this day (YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="To this day (YYYY-MM-DD).")] = None,
    tag: TagFilter = None,
    key: Annotated[Optional[list[str]], typer.Option("--key", "-k", help="Only this entry (repeatable).")] = None,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown for a lab notebook.")] = False,
    as_json: JsonOption = False,
) -> None:
    """The journal: notes and status changes across entries, newest day first."""
    from readlist import services
    from readlist.exporters import journal_json, journal_to_markdown

    with _read_store(ctx) as store:
        keys = [services.resolve(store, k).key for k in key or []]
        lines = services.journal(
            store.entries(), _parse_date(since, "--since"), _parse_date(until, "--until"), tag, keys
        )
    if as_json:
        _print_json(journal_json(lines))
    elif markdown:
        sys.stdout.write(journal_to_markdown(lines))
    else:
        from readlist import render

        render.journal(lines)


@app.command()
def status(
    ctx: typer.Context,
    args: Annotated[
        list[str], typer.Argument(help="KEY... STATE, STATE one of unread, queued, reading, read, skipped.")
    ],
    priority: Annotated[Optional[int], typer.Option("--priority", "-p", help="1 (most urgent) to 5.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Set the reading status (and priority) of entries; each change is logged."""
    from readlist import services
    from readlist.models import STATUSES

    if args[-1] in STATUSES:
        keys, state = args[:-1], args[-1]
    elif priority is not None:
        keys, state = args, None
    else:
        raise InvalidInput(f"the last argument must be a status: {', '.join(STATUSES)} (got {args[-1]!r})")
    with _write_store(ctx) as store:
        entries = services.set_status(store, _keys(keys), state, _now(), priority)
    _report_entries(
        entries, as_json, lambda e: f"{e.key}: {e.status}" + (f", priority {e.priority}" if e.priority else "")
    )


@app.command("next")
def next_(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The queued paper to read next (most urgent, then queued longest)."""
    from readlist import services

    with _read_store(ctx) as store:
        entry = services.next_queued(store.entries())
    if entry is None:
        if as_json:
            _print_json(None)
        else:
            from readlist import render

            render.message("Nothing is queued. Queue a paper with: readlist status KEY queued")
        return
    if as_json:
        from readlist.exporters import entry_json

        _print_json(entry_json(entry))
    else:
        from readlist import render
        from readlist.venues import publication_year

        render.out.print(render.entry_panel(entry, publication_year(entry)))


# -- add, edit, remove -----------------------------------------------------------------------
def _fields(
    title: Optional[str],
    author: Optional[list[str]],
    year: Optional[int],
    venue: Optional[str],
    abstract: Optional[str],
    url: Optional[str],
    arxiv: Optional[str],
) -> Fields:
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


TitleOpt = Annotated[Optional[str], typer.Option("--title", help="The title, LaTeX allowed.")]
AuthorOpt = Annotated[
    Optional[list[str]], typer.Option("--author", "-a", help='"Given Family" (repeatable, or comma-separated).')
]
YearOpt = Annotated[Optional[int], typer.Option("--year", help="Publication year.")]
VenueOpt = Annotated[Optional[str], typer.Option("--venue", help="Conference or journal.")]
AbstractOpt = Annotated[Optional[str], typer.Option("--abstract", help="The abstract.")]
UrlOpt = Annotated[Optional[str], typer.Option("--url", help="A link to the paper.")]
ArxivOpt = Annotated[
    Optional[str], typer.Option("--arxiv", help="arXiv id, e.g. 2201.00814v2 (stored without version).")
]


@app.command()
def add(
    ctx: typer.Context,
    title: TitleOpt = None,
    author: AuthorOpt = None,
    year: YearOpt = None,
    venue: VenueOpt = None,
    abstract: AbstractOpt = None,
    url: UrlOpt = None,
    arxiv: ArxivOpt = None,
    tag: Annotated[Optional[list[str]], typer.Option("--tag", "-t", help="A tag (repeatable).")] = None,
    priority: Annotated[Optional[int], typer.Option("--priority", "-p", help="1 (most urgent) to 5.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Add even if the paper is already in the list.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Add a paper by hand; with no options in a terminal, asks for the fields."""
    from readlist import services

    if title is None and sys.stdin.isatty():
        title = typer.prompt("Title")
        author = [typer.prompt("Authors (comma-separated)", default="", show_default=False)]
        year_text = typer.prompt("Year", default="", show_default=False)
        year = int(year_text) if year_text.strip().isdigit() else None
        venue = typer.prompt("Venue", default="", show_default=False) or None
        arxiv = typer.prompt("arXiv id", default="", show_default=False) or None
        url = typer.prompt("URL", default="", show_default=False) or None
    fields = _fields(title, author, year, venue, abstract, url, arxiv)
    with _write_store(ctx) as store:
        entry = services.add_entry(store, fields, tag or [], _now(), priority=priority, force=force)
    if as_json:
        from readlist.exporters import entry_json

        _print_json(entry_json(entry))
    else:
        typer.echo(entry.key)


@app.command()
def edit(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The entry's citation key (it does not change).")],
    title: TitleOpt = None,
    author: AuthorOpt = None,
    year: YearOpt = None,
    venue: VenueOpt = None,
    abstract: AbstractOpt = None,
    url: UrlOpt = None,
    arxiv: ArxivOpt = None,
    as_json: JsonOption = False,
) -> None:
    """Fix an entry's metadata; later imports never overwrite what you set here."""
    from readlist import services

    with _write_store(ctx) as store:
        entry = services.edit_entry(store, key, _fields(title, author, year, venue, abstract, url, arxiv), _now())
    _report_entries([entry], as_json, lambda e: f"Updated {e.key}.")


@app.command()
def rm(
    ctx: typer.Context,
    keys: KeysArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Remove entries (asks first)."""
    from readlist import services

    wanted = _keys(keys)
    with _write_store(ctx) as store:
        entries = services.resolve_all(store, wanted)
        _confirm(
            f"Remove {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}: {', '.join(e.key for e in entries)}?",
            yes,
        )
        removed = services.remove_entries(store, [e.key for e in entries])
    _report_entries(removed, as_json, lambda e: f"Removed {e.key}: {e.title}")


# -- export ----------------------------------------------------------------------------------
@app.command()
def export(
    ctx: typer.Context,
    keys: Annotated[
        Optional[list[str]], typer.Argument(help="Only these keys (default: all that match the filters).")
    ] = None,
    topic: TopicFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    tag: TagFilter = None,
    status: StatusFilter = None,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write to FILE (atomically) instead of stdout.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="bibtex, json, csv or markdown.")] = "bibtex",
    profile: Annotated[
        str, typer.Option("--profile", help="bibtex (ASCII, any BibTeX style) or biblatex (UTF-8, biber).")
    ] = "bibtex",
    keep_comments: Annotated[
        bool, typer.Option("--keep-comments", help="Put the arXiv comment line into `annote`.")
    ] = False,
) -> None:
    """Export entries as BibTeX (default), JSON, CSV or Markdown."""
    from readlist import services

    selection = _selection(topic, since, until, tag, status, sort="key")
    with _read_store(ctx) as store:
        entries = services.resolve_all(store, _keys(keys)) if keys else store.entries()
    text = services.export_text(services.select(entries, selection), fmt, profile, keep_comments)
    if output is None:
        sys.stdout.write(text)
        return
    services.write_output(output, text)
    from readlist import render

    render.message(f"Wrote {output}.")


@app.command()
def cite(
    ctx: typer.Context,
    keys: KeysArg,
    bib: Annotated[bool, typer.Option("--bib", help="Also print the BibTeX entries.")] = False,
    command: Annotated[str, typer.Option("--command", "-c", help="The LaTeX command, e.g. citep.")] = "cite",
) -> None:
    """Print \\cite{a,b} for pasting into LaTeX."""
    from readlist import services

    with _read_store(ctx) as store:
        entries = services.resolve_all(store, _keys(keys))
    if not re.fullmatch(r"[A-Za-z]+", command):
        raise InvalidInput(f"{command!r} is not a LaTeX command name")
    typer.echo(f"\\{command}{{{','.join(e.key for e in entries)}}}")
    if bib:
        typer.echo(services.export_text(entries, "bibtex", "bibtex", False), nl=False)


def main() -> None:
    app(prog_name="readlist")
