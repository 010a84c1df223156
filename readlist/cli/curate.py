"""Commands that change entries: tag, untag, note, status, add, edit, rm."""

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from readlist.cli.common import (
    AbstractOpt,
    ArxivOpt,
    AuthorOpt,
    JsonOption,
    KeysArg,
    TagsOpt,
    TitleOpt,
    UrlOpt,
    VenueOpt,
    YearOpt,
    confirm,
    fields_from,
    keys_from,
    now,
    print_json,
    report_entries,
    write_store,
)
from readlist.errors import Cancelled, InvalidInput


def tag(ctx: typer.Context, keys: KeysArg, tags: TagsOpt, as_json: JsonOption = False) -> None:
    """Add tags to entries (lower case, spaces become hyphens)."""
    from readlist import services

    with write_store(ctx) as store:
        entries = services.add_tags(store, keys_from(keys), tags)
    report_entries(entries, as_json, lambda e: f"{e.key}: {', '.join(e.tags)}")


def untag(ctx: typer.Context, keys: KeysArg, tags: TagsOpt, as_json: JsonOption = False) -> None:
    """Remove tags from entries."""
    from readlist import services

    with write_store(ctx) as store:
        entries = services.remove_tags(store, keys_from(keys), tags)
    report_entries(entries, as_json, lambda e: f"{e.key}: {', '.join(e.tags) or '(no tags)'}")


def _edit_text() -> str:
    """Open $VISUAL/$EDITOR on an empty file and return what was written."""
    import shlex
    import subprocess
    import tempfile

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        if not sys.stdin.isatty():
            raise InvalidInput("no note text given and no terminal to open an editor in; give the text as an argument")
        editor = "vi"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "note.md"
        path.write_text("", encoding="utf-8")
        try:
            code = subprocess.call([*shlex.split(editor), str(path)])
        except ValueError as exc:  # shlex: an unbalanced quote in $EDITOR
            raise InvalidInput(f"cannot start the editor {editor!r} ({exc}); give the note as an argument") from exc
        except OSError as exc:
            raise InvalidInput(
                f"cannot start the editor {editor!r} ({exc.strerror}); give the note as an argument"
            ) from exc
        if code != 0:
            raise Cancelled(f"the editor {editor!r} exited with code {code}; no note was added")
        return path.read_text(encoding="utf-8")


def note(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(metavar="KEY", help="The entry's citation key.", show_default=False)],
    text: Annotated[
        Optional[str], typer.Argument(metavar="TEXT", help="The note; without it $EDITOR opens.", show_default=False)
    ] = None,
    delete: Annotated[
        Optional[int], typer.Option("--delete", metavar="N", help="Delete note number N (see `show`).")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before deleting.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Append a dated note to an entry's annotation log (or --delete one)."""
    from readlist import render, services

    if delete is not None:
        if text is not None:
            raise InvalidInput("give either a note text or --delete, not both")
        with write_store(ctx) as store:
            entry = services.resolve(store, key)
            if 1 <= delete <= len(entry.notes):
                confirm(f"Delete note {delete} of {entry.key} ({entry.notes[delete - 1].text[:60]!r})?", yes)
            entry, _removed = services.delete_note(store, key, delete)
        render.message(f"Deleted note {delete} of {entry.key}.")
        return
    if text is None:
        text = _edit_text()
    with write_store(ctx) as store:
        entry, added = services.add_note(store, key, text, now())
    if as_json:
        print_json({"key": entry.key, "number": len(entry.notes), "at": added.at, "text": added.text})
    else:
        render.message(f"Noted on {entry.key} (note {len(entry.notes)}).")


def status(
    ctx: typer.Context,
    args: Annotated[
        list[str],
        typer.Argument(
            metavar="KEY... STATE",
            help="Keys, then the state: unread, queued, reading, read or skipped.",
            show_default=False,
        ),
    ],
    priority: Annotated[
        Optional[int], typer.Option("--priority", "-p", metavar="1-5", help="1 (most urgent) to 5.")
    ] = None,
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
    with write_store(ctx) as store:
        entries = services.set_status(store, keys_from(keys), state, now(), priority)
    report_entries(
        entries, as_json, lambda e: f"{e.key}: {e.status}" + (f", priority {e.priority}" if e.priority else "")
    )


def add(
    ctx: typer.Context,
    title: TitleOpt = None,
    author: AuthorOpt = None,
    year: YearOpt = None,
    venue: VenueOpt = None,
    abstract: AbstractOpt = None,
    url: UrlOpt = None,
    arxiv: ArxivOpt = None,
    tag: Annotated[Optional[list[str]], typer.Option("--tag", "-t", metavar="TAG", help="A tag (repeatable).")] = None,
    priority: Annotated[
        Optional[int], typer.Option("--priority", "-p", metavar="1-5", help="1 (most urgent) to 5.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Add even if the paper is already in the list.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Add a paper by hand; with no options in a terminal, asks for the fields."""
    from readlist import services

    if title is None and sys.stdin.isatty():
        title = typer.prompt("Title")
        author = [typer.prompt("Authors (comma-separated)", default="", show_default=False)]
        year_text = typer.prompt("Year", default="", show_default=False).strip()
        if year_text and not year_text.isdigit():
            raise InvalidInput(f"year {year_text!r} is not a number; nothing was added")
        year = int(year_text) if year_text else None
        venue = typer.prompt("Venue", default="", show_default=False) or None
        arxiv = typer.prompt("arXiv id", default="", show_default=False) or None
        url = typer.prompt("URL", default="", show_default=False) or None
    fields = fields_from(title, author, year, venue, abstract, url, arxiv)
    with write_store(ctx) as store:
        entry = services.add_entry(store, fields, tag or [], now(), priority=priority, force=force)
    if as_json:
        from readlist.exporters import entry_json

        print_json(entry_json(entry))
    else:
        typer.echo(entry.key)


def edit(
    ctx: typer.Context,
    key: Annotated[
        str, typer.Argument(metavar="KEY", help="The entry's citation key (it does not change).", show_default=False)
    ],
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

    with write_store(ctx) as store:
        entry = services.edit_entry(store, key, fields_from(title, author, year, venue, abstract, url, arxiv), now())
    report_entries([entry], as_json, lambda e: f"Updated {e.key}.")


def rm(
    ctx: typer.Context,
    keys: KeysArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Remove entries (asks first)."""
    from readlist import services

    wanted = keys_from(keys)
    with write_store(ctx) as store:
        entries = services.resolve_all(store, wanted)
        confirm(
            f"Remove {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}: {', '.join(e.key for e in entries)}?",
            yes,
        )
        removed = services.remove_entries(store, [e.key for e in entries], now())
    report_entries(removed, as_json, lambda e: f"Removed {e.key}: {e.title}")
    if not as_json:
        from readlist import render

        render.message("Imports will skip them from now on; `readlist add` brings a paper back.")
