"""Commands that change entries: tag, untag, note, status, add, edit, rm, undo, resolve (and conflicts)."""

import re
import sys
from functools import partial
from pathlib import Path
from typing import Annotated, Optional

import typer

from readlist.choices import STATUSES, one_of
from readlist.cli.common import (
    AbstractOpt,
    ArxivOpt,
    AuthorOpt,
    JsonOption,
    KeyArg,
    KeysArg,
    PriorityOption,
    TagsOpt,
    TitleOpt,
    UrlOpt,
    VenueOpt,
    YearOpt,
    complete_keys,
    confirmer,
    db,
    fields_from,
    keys_from,
    output_format,
)
from readlist.errors import Cancelled, InvalidInput


def tag(ctx: typer.Context, keys: KeysArg, tags: TagsOpt, as_json: JsonOption = False) -> None:
    """Add tags to entries (lower case, spaces become hyphens).

    Example: readlist tag aubert2024sparse -t "to cite"
    """
    from readlist.output.emit import emit
    from readlist.services import curate

    emit(curate.tag(db(ctx), keys_from(keys), tags), output_format(as_json))


def untag(ctx: typer.Context, keys: KeysArg, tags: TagsOpt, as_json: JsonOption = False) -> None:
    """Remove tags from entries.

    Example: readlist untag aubert2024sparse -t to-cite
    """
    from readlist.output.emit import emit
    from readlist.services import curate

    emit(curate.untag(db(ctx), keys_from(keys), tags), output_format(as_json))


def _run_editor(text: str, file_name: str, instead: str) -> str:
    """`text` in a temporary `file_name`, opened in $VISUAL, $EDITOR, the config file's editor,
    else vi in a terminal; what the file holds when the editor exits. `instead` says what to do
    when no editor can run."""
    import shlex
    import subprocess
    import tempfile

    from readlist.config import editor_choice

    editor, _source = editor_choice()
    if not editor:
        if not sys.stdin.isatty():
            raise InvalidInput(f"no terminal to open an editor in, and no $EDITOR; {instead}")
        editor = "vi"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / file_name
        path.write_text(text, encoding="utf-8")
        try:
            code = subprocess.call([*shlex.split(editor), str(path)])
        except ValueError as exc:  # shlex: an unbalanced quote in $EDITOR
            raise InvalidInput(f"cannot start the editor {editor!r} ({exc}); {instead}") from exc
        except OSError as exc:
            raise InvalidInput(f"cannot start the editor {editor!r} ({exc.strerror}); {instead}") from exc
        if code != 0:
            raise Cancelled(f"the editor {editor!r} exited with code {code}; nothing was changed")
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"cannot read back what the editor saved ({exc}); nothing was changed") from exc


def _edit_text() -> str:
    """A new note, written in the editor."""
    return _run_editor("", "note.md", "give the text as an argument")


def _open_again(error: str) -> bool:
    """After an unusable document: in a terminal, offer the editor again (no: cancelled);
    elsewhere the error stands."""
    if not sys.stdin.isatty():
        return False
    typer.echo(f"Error: {error}", err=True)
    if typer.confirm("Open the editor again?", default=True, err=True):
        return True
    raise Cancelled("nothing was changed")


def note(
    ctx: typer.Context,
    key: KeyArg,
    text: Annotated[
        Optional[str],
        typer.Argument(
            metavar="TEXT",
            help="The note (Markdown), - to read it from stdin; without it $EDITOR opens.",
            show_default=False,
        ),
    ] = None,
    delete: Annotated[
        Optional[int], typer.Option("--delete", metavar="N", help="Delete note number N (see `show`).")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before deleting.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Append a dated note to an entry's annotation log (or --delete one).

    Example: readlist note aubert2024sparse "Fig. 3 explains the artefacts"
    """
    from readlist.output.emit import emit
    from readlist.services import curate

    if delete is not None:
        if text is not None:
            raise InvalidInput("give either a note text or --delete, not both")
        emit(curate.delete_note(db(ctx), key, delete, confirmer(yes)))
        return
    if text == "-":  # as `tag -`, `rm -` and `cite -` read keys, `note KEY -` reads the note
        text = sys.stdin.read()
    emit(curate.note(db(ctx), key, text if text is not None else _edit_text()), output_format(as_json))


def status(
    ctx: typer.Context,
    args: Annotated[
        list[str],
        typer.Argument(metavar="KEY... STATE", help=f"Keys, then the state: {one_of(STATUSES)}.", show_default=False),
    ],
    priority: PriorityOption = None,
    as_json: JsonOption = False,
) -> None:
    """Set the reading status (and priority) of entries; each change is logged.

    Example: readlist status aubert2024sparse queued --priority 1
    """
    from readlist.output.emit import emit
    from readlist.services import curate

    if args[-1] in STATUSES:
        keys, state = args[:-1], args[-1]
    elif priority is not None:
        keys, state = args, None
    else:
        raise InvalidInput(f"the last argument must be a status: {', '.join(STATUSES)} (got {args[-1]!r})")
    emit(curate.status(db(ctx), keys_from(keys), state, priority), output_format(as_json))


def add(
    ctx: typer.Context,
    papers: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="[ARXIV]...",
            help="arXiv ids or links (arXiv:2401.11535, https://arxiv.org/abs/2401.11535v2): fetch them from arXiv.",
            show_default=False,
        ),
    ] = None,
    title: TitleOpt = None,
    author: AuthorOpt = None,
    year: YearOpt = None,
    venue: VenueOpt = None,
    abstract: AbstractOpt = None,
    url: UrlOpt = None,
    arxiv: ArxivOpt = None,
    tag: Annotated[Optional[list[str]], typer.Option("--tag", "-t", metavar="TAG", help="A tag (repeatable).")] = None,
    priority: PriorityOption = None,
    force: Annotated[bool, typer.Option("--force", help="Add even if the paper is already in the list.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Add a paper by hand, or by arXiv id with what arXiv knows of it.

    With no options in a terminal, asks for the fields.

    Example: readlist add arXiv:2401.11535 --tag to-read
    """
    from readlist.output.emit import emit
    from readlist.services import curate

    if papers or (arxiv and title is None):  # by arXiv id: everything else comes from arXiv
        if title or author or year or venue or abstract or url:
            raise InvalidInput("give either arXiv ids to fetch, or the fields of a paper, not both")
        from readlist.output import render
        from readlist.services import arxiv as arxiv_use_cases

        with render.progress(enabled=True) as advance:
            fetched = arxiv_use_cases.add_from_arxiv(
                db(ctx), papers or [arxiv or ""], tag or [], priority, progress=advance
            )
        emit(fetched, output_format(as_json))
        return

    if title is None and sys.stdin.isatty():
        title = typer.prompt("Title")
        authors = typer.prompt("Authors (comma-separated)", default="", show_default=False).strip()
        author = [authors] if authors else None
        year = _ask_year()
        venue = typer.prompt("Venue", default="", show_default=False) or None
        arxiv = _ask_arxiv_id()
        url = typer.prompt("URL", default="", show_default=False) or None
    fields = fields_from(title, author, year, venue, abstract, url, arxiv)
    emit(curate.add(db(ctx), fields, tag or [], priority=priority, force=force), output_format(as_json))


def edit(
    ctx: typer.Context,
    key: Annotated[
        str,
        typer.Argument(
            metavar="KEY",
            help="The entry's citation key (it does not change).",
            show_default=False,
            autocompletion=complete_keys,
        ),
    ],
    title: TitleOpt = None,
    author: AuthorOpt = None,
    year: YearOpt = None,
    entry_type: Annotated[
        Optional[str],
        typer.Option(
            "--type", metavar="TYPE", help='BibTeX entry type (article, inproceedings ...); "" lets the export choose.'
        ),
    ] = None,
    venue: VenueOpt = None,
    doi: Annotated[
        Optional[str], typer.Option("--doi", metavar="DOI", help="The DOI, like 10.1109/CVPR.2024.01234.")
    ] = None,
    arxiv: ArxivOpt = None,
    url: UrlOpt = None,
    comment: Annotated[Optional[str], typer.Option("--comment", metavar="TEXT", help="The arXiv comment line.")] = None,
    abstract: AbstractOpt = None,
    as_json: JsonOption = False,
) -> None:
    """Fix an entry's metadata; later imports never overwrite what you set here.

    Without field options, opens the entry as TOML in $VISUAL or $EDITOR (else the config
    file's editor, else vi), checks it when you save, and applies what you changed. "" clears a field.

    Example: readlist edit aubert2024sparse --venue "CVPR 2024"
    """
    from readlist.output.emit import emit
    from readlist.services import curate

    fields = fields_from(title, author, year, venue, abstract, url, arxiv)
    fields.type, fields.doi, fields.comment = entry_type, doi, comment
    if not fields.given():
        file_name = re.sub(r"[^\w.-]", "_", key) + ".toml"
        edit_text = partial(_run_editor, file_name=file_name, instead="give the fields as options (--title ...)")
        emit(curate.edit_in_editor(db(ctx), key, edit_text, _open_again), output_format(as_json))
        return
    emit(curate.edit(db(ctx), key, fields), output_format(as_json))


def rm(
    ctx: typer.Context,
    keys: KeysArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Remove entries (asks first).

    Example: readlist rm aubert2024sparse --yes
    """
    from readlist.output.emit import emit
    from readlist.services import curate

    emit(curate.rm(db(ctx), keys_from(keys), confirmer(yes)), output_format(as_json))


def undo(
    ctx: typer.Context,
    count: Annotated[int, typer.Argument(metavar="[N]", help="How many commands to undo (or redo), newest first.")] = 1,
    redo: Annotated[bool, typer.Option("--redo", help="Do again what the last undo undid.")] = False,
    list_: Annotated[
        bool, typer.Option("--list", "-l", help="Show the commands that can be undone and redone.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Undo the last change(s) of any command: import, add, tag, note, status, edit, rm ...

    --redo does an undone command again. Example: readlist undo --list
    """
    from readlist.output.emit import emit
    from readlist.services import undo as undo_use_cases

    if list_:
        emit(undo_use_cases.history(db(ctx)), output_format(as_json))
        return
    emit(undo_use_cases.undo(db(ctx), count, redo=redo), output_format(as_json))


def refresh(
    ctx: typer.Context,
    keys: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="[KEY]...", help="Entries to refresh, or - to read keys from stdin.", show_default=False
        ),
    ] = None,
    everything: Annotated[bool, typer.Option("--all", help="Refresh every entry with an arXiv id.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="Show what would change; change nothing.")] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Ask arXiv even if it answered the same question today.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Update entries from arXiv's latest version; published papers gain their venue and DOI.

    What you set by hand (edit) is kept. Example: readlist refresh --all --dry-run
    """
    from readlist.output import render
    from readlist.output.emit import emit
    from readlist.services import arxiv as arxiv_use_cases

    wanted = keys_from(keys) if keys else []
    with render.progress(enabled=True) as advance:
        result = arxiv_use_cases.refresh(db(ctx), wanted, everything, dry_run, progress=advance, use_cache=not no_cache)
    emit(result, output_format(as_json))


def rekey(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(metavar="OLD", help="The entry's key now.", show_default=False)],
    new: Annotated[str, typer.Argument(metavar="NEW", help="Its new key.", show_default=False)],
    as_json: JsonOption = False,
) -> None:
    """Give an entry a new citation key (refused if another entry has it).

    Example: readlist rekey olafsdottir2024pruning voxelpruning
    """
    from readlist.output.emit import emit
    from readlist.services import curate

    emit(curate.rekey(db(ctx), old, new), output_format(as_json))


def _ask_year() -> Optional[int]:
    """The year, asked again until it is a year or left empty: one typo costs no other answer."""
    while True:
        text = typer.prompt("Year", default="", show_default=False).strip()
        if not text:
            return None
        if text.isdigit() and 1000 <= int(text) <= 2999:
            return int(text)
        typer.echo(f"{text!r} is not a year (like 2021); try again, or leave it empty.", err=True)


def _ask_arxiv_id() -> Optional[str]:
    """The arXiv id, asked again until it is one or left empty."""
    from readlist.services.library import parse_arxiv_id

    while True:
        text = typer.prompt("arXiv id", default="", show_default=False).strip()
        if not text:
            return None
        try:
            return parse_arxiv_id(text)
        except InvalidInput as exc:
            typer.echo(f"{exc.message}; try again, or leave it empty.", err=True)


def conflicts(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the fields two machines changed differently, which a sync left for you to settle.

    The list keeps the value of the machine that merged ("ours") until `readlist resolve`
    settles it; a conflict resolved on one machine is cleared on the others by the next sync.

    Example: readlist conflicts
    """
    from readlist.output.emit import emit
    from readlist.services import conflicts as service

    emit(service.conflicts(db(ctx)), output_format(as_json))


def resolve(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(metavar="KEY", help="The entry.", show_default=False)],
    field: Annotated[str, typer.Argument(metavar="FIELD", help="The field, as `readlist conflicts` names it.")],
    ours: Annotated[bool, typer.Option("--ours", help="Keep the value the list shows now.")] = False,
    theirs: Annotated[bool, typer.Option("--theirs", help="Take the other machine's value.")] = False,
    value: Annotated[
        Optional[str],
        typer.Option(
            "--value",
            metavar="VALUE",
            help='Set this value instead (authors: "A. One and B. Two"; "" empties the field).',
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Settle a conflict a sync left: the field gets the chosen value, as a hand edit.

    Example: readlist resolve lefevre2024sparse venue --theirs
    """
    from readlist.output.emit import emit
    from readlist.services import conflicts as service

    if ours and theirs:
        raise InvalidInput("--ours and --theirs exclude each other")
    choice: Optional[service.Choice] = "ours" if ours else "theirs" if theirs else None
    emit(service.resolve(db(ctx), key, field, choice, value), output_format(as_json))
