"""Commands that move papers in and out: import, export, cite."""

import re
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from readlist.cli.common import (
    JsonOption,
    KeysArg,
    SinceFilter,
    StatusFilter,
    TagFilter,
    TopicFilter,
    UntilFilter,
    keys_from,
    make_selection,
    now,
    read_store,
    store_path,
    write_store,
)
from readlist.errors import InvalidInput
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
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Import digests and BibTeX; the same paper in several digests becomes one entry.

    Each file's format is recognised by its content: a digest's copied or hand-written text, the
    blog's Markdown source, a saved web page, or BibTeX.
    """
    from readlist import ingest, render
    from readlist.exporters import dumps
    from readlist.services import normalise_tag

    tags = [normalise_tag(t) for t in tag or []]
    with write_store(ctx) as store, render.progress(enabled=True) as advance:
        report = ingest.import_paths(store, paths, now=now(), tags=tags, progress=advance, format_name=format_name)
    if as_json:
        sys.stdout.write(
            dumps(
                {
                    "files": report.files,
                    "new": report.new,
                    "merged": report.merged,
                    "unchanged": report.unchanged,
                    "skipped": report.skipped,
                    "problems": [{"file": p.file, "line": p.line, "message": p.message} for p in report.problems],
                }
            )
        )
    else:
        render.import_summary(report)
    if not report.ok:
        raise typer.Exit(1)


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
        str, typer.Option("--format", "-f", metavar="FORMAT", help="bibtex, json, csv or markdown.")
    ] = "bibtex",
    profile: Annotated[
        str,
        typer.Option(
            "--profile", metavar="PROFILE", help="bibtex (ASCII, any BibTeX style) or biblatex (UTF-8, biber)."
        ),
    ] = "bibtex",
    keep_comments: Annotated[
        bool, typer.Option("--keep-comments", help="Put the arXiv comment line into `annote`.")
    ] = False,
) -> None:
    """Export entries as BibTeX (default), JSON, CSV or Markdown."""
    from readlist import services

    selection = make_selection(topic, since, until, tag, status, sort="key")
    with read_store(ctx) as store:
        entries = services.resolve_all(store, keys_from(keys)) if keys else store.entries()
    del store  # the parsed file is not needed while the export is built: free it
    chosen = services.select(entries, selection)
    text, warnings = services.export_text(chosen, fmt, profile, keep_comments)
    from readlist import render

    if not chosen:
        if output is not None:  # a typo in a filter must not empty a bibliography
            raise InvalidInput(f"no entries match; {output} was left as it was")
        render.message("No entries match; the export is empty.")
    for warning in warnings:
        render.message(f"Warning: {warning}")
    if output is None:
        sys.stdout.write(text)
        return
    services.write_output(output, text, store_path=store_path(ctx))
    render.message(f"Wrote {len(chosen)} entr{'y' if len(chosen) == 1 else 'ies'} to {output}.")


def cite(
    ctx: typer.Context,
    keys: KeysArg,
    bib: Annotated[bool, typer.Option("--bib", help="Also print the BibTeX entries.")] = False,
    command: Annotated[
        str, typer.Option("--command", "-c", metavar="NAME", help="The LaTeX command, e.g. citep.")
    ] = "cite",
) -> None:
    """Print \\cite{a,b} for pasting into LaTeX."""
    from readlist import services

    with read_store(ctx) as store:
        entries = services.resolve_all(store, keys_from(keys))
    command = command.removeprefix("\\")
    if not re.fullmatch(r"[A-Za-z]+\*?", command):
        raise InvalidInput(f"{command} is not a LaTeX command name (like cite, citep or textcite)")
    typer.echo(f"\\{command}{{{','.join(e.key for e in entries)}}}")
    if bib:
        typer.echo(services.export_text(entries, "bibtex", "bibtex", False)[0], nl=False)
