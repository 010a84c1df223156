"""The command that shows how readlist is set up: config."""

import typer

from readlist.cli.common import JsonOption, db, output_format


def config(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Show the config file's path and the settings in effect, each with where it comes from.

    Settings (all optional) in config.toml: db, editor, profile, and columns under [list].

    Example: readlist config --json
    """
    from readlist.output.emit import emit
    from readlist.services import settings

    emit(settings.show(db(ctx)), output_format(as_json))
