"""The commands that share a reading list between machines through git: sync (init, clone,
status), git, and the merge driver git calls (`_merge-driver`, hidden)."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from readlist.cli.common import JsonOption, db, output_format

app = typer.Typer(
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def sync(ctx: typer.Context) -> None:
    """Share the reading list between machines through a git remote, merged entry by entry.

    Without a subcommand: commit what changed here, fetch, merge both sides' changes, push.
    Exit 8 when the remote cannot be reached (the changes stay committed here), 9 when git
    fails otherwise.

    Example: readlist sync
    """
    if ctx.invoked_subcommand is not None:
        return
    from readlist.output.emit import emit
    from readlist.services import sync as service

    emit(service.sync(db(ctx)))


@app.command()
def init(
    ctx: typer.Context,
    remote: Annotated[
        Optional[str],
        typer.Argument(metavar="[REMOTE]", help="A git remote (URL or path) to sync with; its list is merged in."),
    ] = None,
) -> None:
    """Make the store's directory a git repository and commit the store; with REMOTE, sync with it.

    Example: readlist sync init git@example.org:me/reading.git
    """
    from readlist.output.emit import emit
    from readlist.services import sync as service

    emit(service.init(db(ctx), remote))


@app.command()
def clone(
    ctx: typer.Context,
    remote: Annotated[str, typer.Argument(metavar="REMOTE", help="The git remote another machine syncs with.")],
) -> None:
    """Start this machine's list from a remote's (a list with entries here: use sync init REMOTE).

    Example: readlist sync clone git@example.org:me/reading.git
    """
    from readlist.output.emit import emit
    from readlist.services import sync as service

    emit(service.clone(db(ctx), remote))


@app.command()
def status(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Show the remote, the branch, commits to send and to take (as of the last sync), local changes, conflicts.

    Example: readlist sync status --json
    """
    from readlist.output.emit import emit
    from readlist.services import sync as service

    emit(service.status(db(ctx)), output_format(as_json))


def git(
    ctx: typer.Context,
    args: Annotated[Optional[list[str]], typer.Argument(metavar="ARGS...", help="git's arguments.")] = None,
) -> None:
    """Run git in the store's repository (`readlist git -- log -h` passes options readlist would take).

    Example: readlist git log --oneline
    """
    from readlist.services import sync as service

    raise typer.Exit(service.git(db(ctx), [*(args or []), *ctx.args]))


def merge_driver(
    base: Annotated[Path, typer.Argument(metavar="BASE")],
    ours: Annotated[Path, typer.Argument(metavar="OURS")],
    theirs: Annotated[Path, typer.Argument(metavar="THEIRS")],
    label: Annotated[str, typer.Argument(metavar="PATH")] = "store",
) -> None:
    """git's merge driver for the store (%O %A %B %P): the merged store goes to OURS.

    Example: readlist _merge-driver %O %A %B %P
    """
    from readlist.services import sync as service

    service.merge_files(base, ours, theirs, label)


def absorb(ctx: typer.Context) -> None:
    """git's post-merge hook: take what a plain `git pull` brought into the store file.

    Example: readlist _absorb
    """
    from readlist.services import sync as service

    service.absorb(db(ctx))
