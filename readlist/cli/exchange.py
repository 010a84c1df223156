"""Commands that move papers in and out: import, export, cite."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from readlist.choices import EXPORT_FORMATS, PROFILE_USES, one_of
from readlist.cli.common import (
    JsonOption,
    KeysArg,
    SinceFilter,
    StatusFilter,
    TagFilter,
    TopicFilter,
    UntilFilter,
    complete_from,
    db,
    keys_from,
    make_selection,
    now,
    output_format,
)
from readlist.readers import FORMAT_NAMES


def import_(
    ctx: typer.Context,
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH",
            help="Digest files (.txt, .md, .html), .bib files, directories, or - for stdin.",
            show_default=False,
        ),
    ],
    tag: Annotated[
        Optional[list[str]], typer.Option("--tag", "-t", metavar="TAG", help="Tag every imported entry (repeatable).")
    ] = None,
    format_name: Annotated[
        Optional[str],
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=f"Read every file as this format instead of recognising it: {', '.join(FORMAT_NAMES)}.",
            show_default=False,
            autocompletion=complete_from(FORMAT_NAMES),
        ),
    ] = None,
    max_size: Annotated[
        float,
        typer.Option("--max-size", metavar="MB", help="Refuse a file or stdin larger than this.", min=0.001),
    ] = 64,
    as_json: JsonOption = False,
) -> None:
    """Import digests and BibTeX; the same paper in several digests becomes one entry.

    Each file's format is recognised by its content: a digest's copied or hand-written text, the
    blog's Markdown source, a saved web page, or BibTeX.

    Example: readlist import examples/ --tag inbox
    """
    from readlist.errors import ExitCode
    from readlist.output import render
    from readlist.output.emit import emit
    from readlist.services.importing import import_files

    with render.progress(enabled=True) as advance:
        report = import_files(
            db(ctx),
            paths,
            now=now(),
            tags=tag,
            progress=advance,
            format_name=format_name,
            max_size=int(max_size * 2**20),
        )
    emit(report, output_format(as_json))
    if not report.ok:
        raise typer.Exit(ExitCode.PROBLEMS)


def export(
    ctx: typer.Context,
    keys: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="KEY", help="Only these keys (default: all that match the filters).", show_default=False
        ),
    ] = None,
    topic: TopicFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    tag: TagFilter = None,
    status: StatusFilter = None,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout."),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help=f"{one_of(EXPORT_FORMATS)}.",
            autocompletion=complete_from(EXPORT_FORMATS),
        ),
    ] = EXPORT_FORMATS[0],
    profile: Annotated[
        Optional[str],
        typer.Option(
            "--profile",
            metavar="PROFILE",
            help=one_of([f"{name} ({use})" for name, use in PROFILE_USES.items()])
            + f"; default: the config file's profile, else {next(iter(PROFILE_USES))}.",
            show_default=False,
        ),
    ] = None,
    keep_comments: Annotated[
        bool, typer.Option("--keep-comments", help="Put the arXiv comment line into `annote`.")
    ] = False,
) -> None:
    """Export entries as BibTeX (default), JSON, CSV or Markdown.

    Example: readlist export --tag to-cite -o refs.bib
    """
    from readlist.output.emit import emit
    from readlist.services import export as use_case

    selection = make_selection(topic, since, until, tag, status, sort="key")
    wanted = keys_from(keys) if keys else None
    emit(use_case.export(db(ctx), wanted, selection, fmt, profile, keep_comments, output))


def cite(
    ctx: typer.Context,
    keys: KeysArg,
    bib: Annotated[bool, typer.Option("--bib", help="Also print the BibTeX entries.")] = False,
    command: Annotated[
        str, typer.Option("--command", "-c", metavar="NAME", help="The LaTeX command, e.g. citep.")
    ] = "cite",
) -> None:
    """Print \\cite{a,b} for pasting into LaTeX.

    Example: readlist cite aubert2024sparse kjaergaard2023vision --command citep
    """
    from readlist.output.emit import emit
    from readlist.services import export as use_case

    emit(use_case.cite(db(ctx), keys_from(keys), command, bib))
