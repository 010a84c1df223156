"""The command line: each command parses its arguments, makes one use-case call
(`readlist.services`) and one output call (`readlist.output.emit`).

The commands live in `browse`, `curate`, `exchange`, `settings` and `sync`; this module builds the app.
`_ReadlistGroup.invoke` is the one place where a `ReadlistError` becomes an `Error: ...` line
on stderr and an exit code, and the one place that knows a command is a short-lived process
(`_short_lived`). Modules beyond typer are imported inside the commands so that
`readlist --help` does not pay for rich, tinydb or bibtexparser. The CLI modules do without
`from __future__ import annotations`: typer would otherwise `eval` every parameter's
annotation string when it builds the commands (a fifth of `--help`'s own time).
"""

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from readlist import __version__
from readlist.cli import browse, curate, exchange, settings, sync
from readlist.errors import ExitCode, ReadlistError
from readlist.output.text import printable


@contextmanager
def _short_lived() -> Iterator[None]:
    """A command is a short-lived process: Python's cyclic GC is off while it runs.

    A command builds many objects that hold no reference cycles (a store's entries, an
    export's blocks): the collector would only rescan them, again and again as more are
    made, which at 100k entries costs as much as loading the store itself. What it could
    reclaim goes back to the system when the process ends, a moment later.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _ReadlistGroup(TyperGroup):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        from readlist.invocation import set_command_line

        set_command_line(list(args))  # what the undo journal says this command was
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        try:
            with _short_lived():
                return super().invoke(ctx)
        except ReadlistError as exc:
            message = " ".join(printable(exc.message).split())
            sys.stderr.write(f"Error: {message}\n")
            raise typer.Exit(int(exc.exit_code)) from None
        except (KeyboardInterrupt, typer.Abort):  # Ctrl-C, or Ctrl-D at a prompt: nothing was done
            sys.stderr.write("\nCancelled.\n")
            raise typer.Exit(int(ExitCode.CANCELLED)) from None


app = typer.Typer(
    cls=_ReadlistGroup,
    help=(
        "A reading list built from daily arXiv paper digests. The store is --db PATH, else $READLIST_DB, "
        "else the config file's db, else readlist.json in your user data directory (on Linux "
        "~/.local/share/readlist/). The config file is $READLIST_CONFIG, else config.toml in your user "
        "config directory (on Linux ~/.config/readlist/); `readlist config` shows it and the settings "
        "in effect. `readlist COMMAND --help` shows each command's options and an example."
    ),
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
            metavar="PATH",
            help="Store file (default: $READLIST_DB, else the config file's db, else readlist.json in the data dir).",
            show_default=False,
        ),
    ] = None,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager",
            help="Never page long output (default: a terminal pages it with $READLIST_PAGER, $PAGER or less).",
        ),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    ctx.obj = db.expanduser() if db is not None else None  # `--db=~/x.json` is not expanded by the shell
    # Paging is on unless said otherwise; emit is imported for it only when that matters (the
    # option given, or an earlier command in this process set it), so `CMD --help` stays light.
    if no_pager or "readlist.output.emit" in sys.modules:
        from readlist.output.emit import use_pager

        use_pager(not no_pager)


# Registration order is the order `readlist --help` lists them in.
app.command("import")(exchange.import_)
app.command("list")(browse.list_)
app.command()(browse.show)
app.command("open")(browse.open_)
app.command(context_settings={"ignore_unknown_options": True})(browse.search)  # `-word` excludes
app.command()(curate.tag)
app.command()(curate.untag)
app.command()(browse.tags)
app.command()(browse.stats)
app.command()(curate.note)
app.command()(browse.log)
app.command()(curate.status)
app.command("next")(browse.next_)
app.command()(curate.add)
app.command()(curate.refresh)
app.command()(curate.edit)
app.command()(curate.rekey)
app.command()(curate.rm)
app.command()(curate.undo)
app.command()(curate.conflicts)
app.command()(curate.resolve)
app.command()(exchange.export)
app.command()(exchange.cite)
app.command()(settings.config)
app.add_typer(sync.app, name="sync")
app.command("git", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})(sync.git)
app.command("_merge-driver", hidden=True)(sync.merge_driver)
app.command("_absorb", hidden=True)(sync.absorb)


def main() -> None:
    app(prog_name="readlist")
