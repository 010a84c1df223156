"""The command line: parse arguments, call a use case, hand the result to `render`.

The commands live in `browse`, `curate` and `exchange`; this module builds the app.
`_ReadlistGroup.invoke` is the one place where a `ReadlistError` becomes an `Error: ...` line
on stderr and an exit code. Modules beyond typer are imported inside the commands so that
`readlist --help` does not pay for rich, tinydb or bibtexparser. The CLI modules do without
`from __future__ import annotations`: typer would otherwise `eval` every parameter's
annotation string when it builds the commands (a fifth of `--help`'s own time).
"""

import re
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from readlist import __version__
from readlist.cli import browse, curate, exchange
from readlist.errors import ReadlistError

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
            metavar="PATH",
            help="Store file (default: $READLIST_DB, else readlist.json in the user data dir).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    ctx.obj = db.expanduser() if db is not None else None  # `--db=~/x.json` is not expanded by the shell


# Registration order is the order `readlist --help` lists them in.
app.command("import")(exchange.import_)
app.command("list")(browse.list_)
app.command()(browse.show)
app.command(context_settings={"ignore_unknown_options": True})(browse.search)  # `-word` excludes
app.command()(curate.tag)
app.command()(curate.untag)
app.command()(browse.tags)
app.command()(curate.note)
app.command()(browse.log)
app.command()(curate.status)
app.command("next")(browse.next_)
app.command()(curate.add)
app.command()(curate.edit)
app.command()(curate.rm)
app.command()(exchange.export)
app.command()(exchange.cite)


def main() -> None:
    app(prog_name="readlist")
