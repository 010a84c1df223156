"""Use cases that move entries out: export (BibTeX, JSON, CSV, Markdown) and cite."""

from __future__ import annotations

import re
from pathlib import Path

from readlist.choices import EXPORT_FORMATS
from readlist.errors import InvalidInput
from readlist.models import BIBTEX, PROFILES, Citation, Entry, Exported, Profile
from readlist.services import library
from readlist.services.library import Selection
from readlist.services.session import indexed, reading, store_path

_LATEX_COMMAND = re.compile(r"[A-Za-z]+\*?")


def export(
    db: Path | None,
    keys: list[str] | None,
    selection: Selection,
    fmt: str = "bibtex",
    profile: str | None = None,
    keep_comments: bool = False,
    output: Path | None = None,
) -> Exported:
    """The given keys (or every entry) that pass `selection`, in `fmt`, written to `output`.

    An export that matches nothing is refused when it would replace a file: a typo in a
    filter must not empty a bibliography. The file is written atomically, never over the store.
    """
    library.check_selection(selection)
    if output is not None and str(output) == "-":
        output = None  # `-o -` is stdout
    check_format(fmt)
    chosen_profile = resolve_profile(profile)
    exported = None
    if fmt == "bibtex" and not keys and library.chooses_everything(selection):
        exported = _everything_as_bibtex(db, chosen_profile, keep_comments)
    if exported is None:
        with reading(db) as store:
            entries = library.resolve_all(store, keys) if keys else store.entries()
        del store  # the parsed file is not needed while the export is built: free it
        chosen = library.select(entries, selection)
        exported = (*export_text(chosen, fmt, chosen_profile, keep_comments), len(chosen))
    text, warnings, count = exported
    if output is not None:
        if not count:
            raise InvalidInput(f"no entries match; {output} was left as it was")
        write_output(output, text, store_path=store_path(db))
    return Exported(text, count, warnings, output)


def _everything_as_bibtex(db: Path | None, profile: Profile, keep_comments: bool) -> tuple[str, list[str], int] | None:
    """Every entry as BibTeX through the store's index, whose cache keeps each entry's checked
    block by content: only entries changed since the last export are written and checked
    again. None when there is no index to be had."""
    from readlist.bib.write import Pending, export_bibtex_with_warnings

    with indexed(db) as index:
        if index is None:
            return None
        pending = [Pending(key, content, build) for key, content, build in index.hashed()]
        text, warnings = export_bibtex_with_warnings(pending, profile, keep_comments, cache=index)
    return text, warnings, len(pending)


def cite(db: Path | None, keys: list[str], command: str = "cite", bib: bool = False) -> Citation:
    """`\\command{a,b}` for the entries, and their BibTeX when `bib`."""
    with reading(db) as store:
        entries = library.resolve_all(store, keys)
    command = command.removeprefix("\\")
    if not _LATEX_COMMAND.fullmatch(command):
        raise InvalidInput(f"{command} is not a LaTeX command name (like cite, citep or textcite)")
    line = f"\\{command}{{{','.join(e.key for e in entries)}}}"
    return Citation(line, export_text(entries, "bibtex", BIBTEX, False)[0] if bib else None)


def check_format(fmt: str) -> str:
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}")
    return fmt


def resolve_profile(name: str | None) -> Profile:
    """The export profile named on the command line (`PROFILES`), else the config file's, else
    the first."""
    if name is None:
        from readlist import config

        name = config.load().profile or next(iter(PROFILES))
    try:
        return PROFILES[name]
    except KeyError:
        raise InvalidInput(f"unknown profile {name!r}; use one of: {', '.join(PROFILES)}") from None


def export_text(entries: list[Entry], fmt: str, profile: Profile, keep_comments: bool) -> tuple[str, list[str]]:
    """The entries in one of `EXPORT_FORMATS` (see `check_format`), and what it could not
    carry as it is.

    BibTeX output has checked itself; its warnings name entries without a year and letters
    the ASCII profile had to simplify.
    """
    entries = sorted(entries, key=lambda e: e.key.casefold())
    if fmt == "bibtex":
        from readlist.bib.write import export_bibtex_with_warnings

        return export_bibtex_with_warnings(entries, profile=profile, keep_comments=keep_comments)
    from readlist.output import shapes

    writer = {"json": shapes.to_json, "csv": shapes.to_csv, "markdown": shapes.to_markdown}[fmt]
    return writer(entries), []


def write_output(path: Path, text: str, store_path: Path | None = None) -> None:
    """Write an export: a regular file atomically, a FIFO or device (`/dev/stdout`) in place;
    never over the store (or its lock), whatever the path."""
    from readlist.fsutil import write_file

    if store_path is not None:
        target = path.expanduser().resolve()
        store = store_path.expanduser().resolve()
        if target in (store, store.with_name(store.name + ".lock")):
            raise InvalidInput(f"{path} is the reading list's own store; choose another output file")
    if not path.parent.is_dir():
        raise InvalidInput(f"{path}: cannot write (no directory {path.parent})")
    try:
        write_file(path, text.encode("utf-8"))
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot write ({exc.strerror})") from exc
