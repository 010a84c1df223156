"""Every machine-readable shape readlist writes: the `--json` contract, CSV and Markdown.

Pure functions over `readlist.models`; `json_of` gives the JSON of each command's result.
BibTeX lives in `readlist.bib`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any

from readlist.bib.venues import publication_year
from readlist.models import (
    Added,
    Changed,
    CommandChanges,
    ConfigShown,
    Conflict,
    Conflicts,
    Entry,
    EntryList,
    Fetched,
    ImportReport,
    Journal,
    JournalLine,
    NextUp,
    Noted,
    Refreshed,
    Resolved,
    Result,
    Shown,
    Stats,
    Synced,
    SyncState,
    TagCounts,
    UndoHistory,
    Undone,
)
from readlist.output.text import escape_json_controls, printable

#: The keys of every entry object in `--json` output, in order. Adding a key is a compatible
#: change; renaming or removing one is not (tests pin this list).
JSON_KEYS = (
    "key",
    "title",
    "authors",
    "year",
    "venue",
    "abstract",
    "comment",
    "url",
    "arxiv",
    "categories",
    "topics",
    "dates",
    "sightings",
    "tags",
    "status",
    "priority",
    "notes",
    "log",
    "added",
)

CSV_COLUMNS = (
    "key",
    "title",
    "authors",
    "year",
    "venue",
    "topics",
    "dates",
    "tags",
    "status",
    "priority",
    "url",
    "arxiv",
)


def entry_json(entry: Entry) -> dict[str, Any]:
    """An entry as `--json` prints it: the stored fields of `JSON_KEYS` plus derived ones."""

    stored = entry.to_dict()
    derived = {"year": publication_year(entry), "topics": entry.topics, "dates": entry.dates}
    return {name: derived[name] if name in derived else stored[name] for name in JSON_KEYS}


def dumps(data: Any) -> str:
    import orjson

    return escape_json_controls(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()) + "\n"


def to_json(entries: list[Entry]) -> str:
    return dumps([entry_json(e) for e in entries])


def to_csv(entries: list[Entry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        row = entry_json(entry)
        writer.writerow(
            csv_cell("; ".join(row[c]) if isinstance(row[c], list) else ("" if row[c] is None else row[c]))
            for c in CSV_COLUMNS
        )
    return out.getvalue()


def csv_cell(value: object) -> object:
    """A CSV cell: no control characters; text a spreadsheet would run as a formula (starting
    with `= + - @`, tab or CR) gets a leading `'`, as OWASP recommends. Numbers stay numbers."""
    if not isinstance(value, str):
        return value
    value = printable(value)
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


def md_inline(text: str) -> str:
    """Escape what Markdown would read as markup; keep the text readable."""
    text = printable(text)
    for char in "\\`*_[]<>|#":
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


_PLAIN_URL = re.compile(r"https?://[^\s<>\"'`\\]+", re.ASCII)


def md_code(text: str) -> str:
    """A code span that holds any text: a fence longer than its longest run of backticks."""
    text = " ".join(printable(text).split())
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_link(url: str) -> str:
    """A URL as an autolink when it is a plain http(s) URL, else as escaped text: no HTML."""
    url = printable(url)
    return f"<{url}>" if _PLAIN_URL.fullmatch(url) else md_inline(url)


def to_markdown(entries: list[Entry]) -> str:
    """A reading list for a lab notebook: one section a paper, with its notes."""

    lines = ["# Reading list", ""]
    for entry in entries:
        year = publication_year(entry)
        lines.append(f"## {md_inline(entry.title)}")
        lines.append("")
        byline = ", ".join(entry.authors) or "unknown authors"
        details = [md_code(entry.key), md_inline(byline)]
        if year:
            details.append(str(year))
        if entry.venue:
            details.append(md_inline(entry.venue))
        details.append(f"status: {entry.status}")
        if entry.tags:
            details.append("tags: " + ", ".join(md_inline(tag) for tag in entry.tags))
        lines.append(" · ".join(details))
        if entry.url:
            lines.append(md_link(entry.url))
        lines.append("")
        for note in entry.notes:
            lines.append(f"- {note.at[:16].replace('T', ' ')}: {md_inline(note.text)}")
        if entry.notes:
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def journal_to_markdown(lines: list[JournalLine]) -> str:
    """`readlist log --markdown`: one heading a day, one bullet a note or change, naming the
    entry by key and title. A note is Markdown and stays Markdown: its lines are kept,
    indented under the bullet, and only raw HTML is neutralised."""
    from itertools import groupby

    chunks = []
    for day, group in groupby(lines, key=lambda line: line.at.date()):
        chunks.append(f"## {day.isoformat()}\n")
        for line in group:
            head = f"- {line.at:%H:%M} **{md_inline(line.key)}** *{md_inline(line.title)}* ({line.kind}):"
            text = md_note(line.text) if line.kind == "note" else md_inline(line.text)
            if "\n" in text:
                indented = "\n".join(f"  {row}" if row.strip() else "" for row in text.split("\n"))
                chunks.append(f"{head}\n\n{indented}\n")
            else:
                chunks.append(f"{head} {text}")
        chunks.append("")
    return "\n".join(chunks).rstrip("\n") + "\n" if chunks else ""


def command_json(command: CommandChanges) -> dict[str, Any]:
    """A command of the undo journal: when, what was typed, the keys it added, changed, removed."""
    return {
        "at": command.at,
        "command": command.command,
        "added": command.added,
        "changed": command.changed,
        "removed": command.removed,
        "undone": command.undone,
    }


_HTML_TAG = re.compile(r"<(?!https?://[^\s<>]*>)")


def md_note(text: str) -> str:
    """A note as Markdown, as its author wrote it: no control characters, no raw HTML (a `<`
    that is not an autolink becomes `&lt;`), trailing blank lines dropped."""
    return _HTML_TAG.sub("&lt;", printable(text)).strip("\n")


def journal_json(lines: list[JournalLine]) -> list[dict[str, str]]:
    return [
        {"at": line.at.isoformat(), "key": line.key, "title": line.title, "kind": line.kind, "text": line.text}
        for line in lines
    ]


def conflict_json(conflict: Conflict) -> dict[str, Any]:
    return {
        "key": conflict.key,
        "field": conflict.field,
        "base": conflict.base,
        "ours": conflict.ours,
        "theirs": conflict.theirs,
    }


def json_of(result: Result) -> Any:
    """The `--json` form of a command's result (README "JSON output")."""
    if isinstance(result, EntryList):
        return [entry_json(e) for e in result.entries]
    if isinstance(result, Changed):
        return [entry_json(e) for e in result.entries]
    if isinstance(result, Shown | Added):
        return entry_json(result.entry)
    if isinstance(result, NextUp):
        return entry_json(result.entry) if result.entry is not None else None
    if isinstance(result, TagCounts):
        return [{"tag": tag, "count": count} for tag, count in result.counts]
    if isinstance(result, Journal):
        return journal_json(result.lines)
    if isinstance(result, Stats):
        return {
            "total": result.total,
            **{
                name: [{"value": value, "count": count} for value, count in counts]
                for name, counts in (
                    ("status", result.by_status),
                    ("topic", result.by_topic),
                    ("tag", result.by_tag),
                    ("month", result.by_month),
                )
            },
        }
    if isinstance(result, Fetched):
        return {
            "new": [entry_json(e) for e in result.new],
            "merged": [entry_json(e) for e in result.merged],
            "known": [entry_json(e) for e in result.known],
            "missing": result.missing,
        }
    if isinstance(result, Conflicts):
        return [conflict_json(c) for c in result.conflicts]
    if isinstance(result, Resolved):
        return {**conflict_json(result.conflict), "value": result.value}
    if isinstance(result, UndoHistory):
        return {"done": [command_json(c) for c in result.done], "undone": [command_json(c) for c in result.undone]}
    if isinstance(result, Undone):
        return {"redo": result.redo, "commands": [command_json(c) for c in result.commands]}
    if isinstance(result, Refreshed):
        return {
            "dry_run": result.dry_run,
            "checked": result.checked,
            "missing": result.missing,
            "changes": [{"key": c.key, "field": c.field, "old": c.old, "new": c.new} for c in result.changes],
        }
    if isinstance(result, ImportReport):
        return {
            "files": result.files,
            "new": result.new,
            "merged": result.merged,
            "unchanged": result.unchanged,
            "repeated": result.repeated,
            "skipped": result.skipped,
            "problems": [{"file": p.file, "line": p.line, "message": p.message} for p in result.problems],
        }
    if isinstance(result, Noted):
        return {"key": result.key, "number": result.number, "at": result.note.at, "text": result.note.text}
    if isinstance(result, ConfigShown):
        return {
            "file": str(result.file),
            "exists": result.exists,
            "settings": {s.name: {"value": s.value, "from": s.source} for s in result.settings},
        }
    if isinstance(result, SyncState):
        return {
            "directory": str(result.directory),
            "store": result.store,
            "remote": result.remote,
            "branch": result.branch,
            "ahead": result.ahead,
            "behind": result.behind,
            "uncommitted": result.uncommitted,
            "conflicts": result.conflicts,
        }
    if isinstance(result, Synced):
        return {
            "action": result.action,
            "directory": str(result.directory),
            "remote": result.remote,
            "branch": result.branch,
            "committed": result.committed,
            "sent": result.sent,
            "received": result.received,
            "merged": result.merged,
            "conflicts": result.conflicts,
            "renamed": result.renamed,
            "united": result.united,
        }
    raise TypeError(f"{type(result).__name__} has no JSON form")


#: The columns of `list`/`search` written to a pipe, one line per entry, tab-separated.
LINE_COLUMNS = ("key", "year", "date", "status", "authors", "title")


def to_lines(entries: list[Entry], year_of: Callable[[Entry], int | None]) -> str:
    """Whole fields, one entry a line, for `grep`, `cut` and `sort`: the table's columns, the
    title never cut, tabs and line breaks inside a field turned into spaces."""
    from readlist.output.text import byline, printable

    def cell(text: str) -> str:
        return " ".join(printable(text).split())

    rows = []
    for entry in entries:
        year = year_of(entry)
        values = (cell(entry.key), "" if year is None else str(year), entry.last_date or "", entry.status)
        rows.append("\t".join([*values, cell(byline(entry.authors)), cell(entry.title)]))
    return "".join(f"{row}\n" for row in rows)


def check_template(template: str) -> str:
    """The template with `\\t` and `\\n` as tab and line break; InvalidInput naming the
    problem if it is not `{field}`s from TEMPLATE_FIELDS and text (format specs such as
    `{title:.40}` allowed, attribute or index access not)."""
    import string

    from readlist.choices import TEMPLATE_FIELDS
    from readlist.errors import InvalidInput

    template = template.replace("\\t", "\t").replace("\\n", "\n")
    fields = ", ".join(TEMPLATE_FIELDS)
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise InvalidInput(f"bad --format template {template!r}: {exc} (write {{{{ and }}}} for braces)") from None
    for _text, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in TEMPLATE_FIELDS:
            raise InvalidInput(f"unknown field {{{name}}} in --format; fields are {fields}")
        if conversion or "{" in (spec or ""):
            raise InvalidInput(f"--format field {{{name}}} takes only a width or precision, like {{{name}:.40}}")
    try:
        template.format(**dict.fromkeys(TEMPLATE_FIELDS, ""))
    except ValueError as exc:
        raise InvalidInput(f"bad --format template {template!r}: {exc}") from None
    return template


def to_template(entries: list[Entry], template: str, year_of: Callable[[Entry], int | None]) -> str:
    """Each entry through a checked template (`check_template`), one a line; every field on
    one line, without control characters."""
    from readlist.output.text import byline

    def cell(text: str) -> str:
        return " ".join(printable(text).split())

    rows = []  # the fields are readlist.choices.TEMPLATE_FIELDS (a test pins that)
    for entry in entries:
        year = year_of(entry)
        values = {
            "key": entry.key,
            "title": entry.title,
            "authors": ", ".join(entry.authors),
            "author": byline(entry.authors),
            "year": "" if year is None else str(year),
            "date": entry.last_date or "",
            "status": entry.status,
            "priority": str(entry.priority or ""),
            "tags": ", ".join(entry.tags),
            "topics": ", ".join(entry.topics),
            "venue": entry.venue or "",
            "arxiv": entry.arxiv or "",
            "url": entry.url or "",
            "abstract": entry.abstract,
            "added": entry.added,
        }
        rows.append(template.format(**{name: cell(value) for name, value in values.items()}))
    return "".join(f"{row}\n" for row in rows)
