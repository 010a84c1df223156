"""`emit(result, fmt)`: the one output call of every command.

`fmt` is what the user asked for: `human` (tables, panels and short messages), `json` (the
contract in README), `keys` (one key a line) or `markdown`. What a person reads goes through
`render` (rich, imported only then); stdout carries the data, stderr the messages, so that
stdout stays scriptable.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Literal

from readlist.models import (
    Added,
    Changed,
    Citation,
    CommandChanges,
    ConfigShown,
    Conflicts,
    Entry,
    EntryList,
    Exported,
    Fetched,
    ImportReport,
    Journal,
    Link,
    NextUp,
    Noted,
    NoteDeleted,
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
from readlist.output.text import plural, printable

Format = Literal["human", "json", "keys", "markdown"]

#: Whether long output in a terminal may go through a pager (`readlist --no-pager` says no);
#: set by the command line for each command it runs.
_paging = {"on": True}


def use_pager(enabled: bool) -> None:
    """Let long output in a terminal go through a pager, or not (`--no-pager`)."""
    _paging["on"] = enabled


#: A table longer than this helps nobody and takes seconds to draw; scripts use --keys/--json.
TABLE_ROWS = 100

_CHANGED_LINE = {
    "tag": lambda e: f"{e.key}: {', '.join(e.tags)}",
    "untag": lambda e: f"{e.key}: {', '.join(e.tags) or '(no tags)'}",
    "status": lambda e: f"{e.key}: {e.status}" + (f", priority {e.priority}" if e.priority else ""),
    "edit": lambda e: f"Updated {e.key}.",
    "rm": lambda e: f"Removed {e.key}: {e.title}",
    "rekey": lambda e: f"{e.log[-1].text.removeprefix('key ')}",
}


def emit(result: Result, fmt: Format = "human", template: str | None = None) -> None:
    """Print `result` as `fmt` asks; a format a result has no form in prints its human form.

    `template` (checked by `shapes.check_template`) prints each entry of a list through it.
    """
    if fmt == "human" and template is not None and isinstance(result, EntryList):
        from readlist.output.shapes import to_template

        _stdout(to_template(result.entries, template, _year))
    elif fmt == "json" and not isinstance(result, Exported | Citation | NoteDeleted):
        from readlist.output.shapes import dumps, json_of

        _stdout(dumps(json_of(result)))
    elif fmt == "keys" and isinstance(result, EntryList):
        _stdout("".join(f"{printable(e.key)}\n" for e in result.entries))
    elif fmt == "markdown" and isinstance(result, Journal):
        from readlist.output.shapes import journal_to_markdown

        _stdout(journal_to_markdown(result.lines))
    else:
        _human(result)


def _human(result: Result) -> None:
    if isinstance(result, Added):
        _added(result)
        return
    if isinstance(result, UndoHistory):
        _undo_history(result)
        return
    if isinstance(result, Undone):
        _undone(result)
        return
    if isinstance(result, Exported):  # the text is the data, whatever the messages say
        _exported(result)
        return
    if isinstance(result, Fetched):
        _fetched(result)
        return
    if isinstance(result, Link):
        if result.opened:
            sys.stderr.write(f"Opened {result.url}\n")
        else:
            _stdout(f"{result.url}\n")  # --print, or no browser to open it in
        return
    if isinstance(result, Citation):
        _stdout(printable(f"{result.command}\n" + (result.bib or "")))
        return
    if isinstance(result, ConfigShown):
        _config(result)
        return
    if isinstance(result, Synced):
        _synced(result)
        return
    if isinstance(result, SyncState):
        _sync_state(result)
        return
    if isinstance(result, Conflicts):
        _conflicts(result)
        return
    if isinstance(result, Resolved):
        conflict = result.conflict
        sys.stderr.write(printable(f"{conflict.key}: {conflict.field} is now {_short(result.value)}; resolved.\n"))
        return
    if isinstance(result, EntryList) and not _terminal():  # a pipe: every entry, whole, no rich
        from readlist.output.shapes import to_lines

        if not result.entries:
            sys.stderr.write("No entries match.\n")
        _stdout(to_lines(result.entries, _year))
        return
    from readlist.output import render

    paged = render.paged(_paging["on"])
    if isinstance(result, EntryList):
        # A pager shows every row, as `git log` does; without one a long list is cut.
        whole = result.limited or render.pages(_paging["on"])
        shown = result.entries if whole else result.entries[:TABLE_ROWS]
        with paged:
            render.print_entries(shown, _year, highlights=result.highlights, columns=result.columns)
        if len(shown) < len(result.entries):
            render.message(
                f"Showing {len(shown)} of {len(result.entries)}; --limit N shows more, --keys or --json all."
            )
    elif isinstance(result, Shown):
        with paged:
            render.out.print(render.entry_panel(result.entry, _year(result.entry)))
    elif isinstance(result, NextUp):
        if result.entry is None:
            render.message("Nothing is queued. Queue a paper with: readlist status KEY queued")
        else:
            with paged:
                render.out.print(render.entry_panel(result.entry, _year(result.entry)))
    elif isinstance(result, TagCounts):
        with paged:
            render.tags_table(result.counts)
    elif isinstance(result, Stats):
        groups = [("status", result.by_status), ("topic", result.by_topic), ("tag", result.by_tag)]
        with paged:
            render.stats(result.total, [*groups, ("month first seen", result.by_month)])
    elif isinstance(result, Journal):
        with paged:
            render.journal(result.lines)
    elif isinstance(result, Changed):
        if result.action == "edit" and not result.entries:
            render.message("Nothing changed.")
        for entry in result.entries:
            render.message(_CHANGED_LINE[result.action](entry))
        if result.action == "rm":
            render.message("Imports will skip them from now on; `readlist undo` brings them back as they were.")
    elif isinstance(result, Noted):
        render.message(f"Noted on {result.key} (note {result.number}).")
    elif isinstance(result, NoteDeleted):
        render.message(f"Deleted note {result.number} of {result.key}.")
    elif isinstance(result, ImportReport):
        render.import_summary(result)
    elif isinstance(result, Refreshed):
        _refreshed(result)


def _synced(result: Synced) -> None:
    """One short summary on stderr: what went where, and the conflicts to look at."""
    lines = []
    if result.action == "init":
        lines.append(
            f"{printable(str(result.directory))} is set up for sync (a git repository, branch {result.branch})."
        )
    if result.action == "clone" and not result.received:
        lines.append(f"The remote {printable(result.remote or '')} holds no list yet: this one starts it.")
    elif result.action == "clone":
        lines.append(f"Took the list from {printable(result.remote or '')} into {printable(str(result.directory))}.")
    if result.remote is not None and result.action != "clone":
        done = [
            f"sent {plural(result.sent, 'commit', 'commits')}",
            f"received {plural(result.received, 'commit', 'commits')}",
        ]
        if result.merged:
            done.append("merged both sides")
        what = ", ".join(done)
        lines.append(f"Synced with {printable(result.remote)}: {what}.")
    elif result.remote is None:
        lines.append("No remote yet: `readlist sync init REMOTE` adds one.")
    lines += [
        f"Two papers had the key {printable(old)} on different machines: the one added later is now {printable(new)}."
        for old, new in sorted(result.renamed.items())
    ]
    for old, new in sorted(result.united.items()):
        was, now = printable(old), printable(new)
        line = f"One paper was added on both machines, as {was} and {now}: it is now {now}"
        if old in result.united.values():  # the machines gave the two keys the other way round
            line += f"; {was} now names another paper (check what cites it)"
        lines.append(line + ".")
    if result.conflicts:
        many = plural(result.conflicts, "conflict", "conflicts")
        lines.append(f"{many} (fields changed differently on two machines): readlist conflicts")
    sys.stderr.write("".join(f"{line}\n" for line in lines))


def _sync_state(result: SyncState) -> None:
    remote = printable(result.remote) if result.remote else "none (readlist sync init REMOTE adds one)"
    if result.ahead is None:
        position = "not synced yet"
    else:
        position = f"{result.ahead} to send, {result.behind} to take (as of the last sync; status does not fetch)"
    lines = [
        f"repository: {printable(str(result.directory))}",
        f"remote:     {remote}",
        f"branch:     {printable(result.branch)}",
        f"commits:    {position}",
        f"local:      {'changes not synced yet' if result.uncommitted else 'nothing changed since the last sync'}",
        f"conflicts:  {result.conflicts}" + (" (readlist conflicts)" if result.conflicts else ""),
    ]
    _stdout("".join(f"{line}\n" for line in lines))


def _added(result: Added) -> None:
    """The new key on stdout; on stderr, whether it is a removed paper back, and how whole."""
    _stdout(f"{result.entry.key}\n")
    if result.removed_at is None:
        return
    from readlist.output import render

    entry, when = result.entry, result.removed_at[:10]
    if result.restored:
        kept = [plural(len(entry.notes), "note", "notes"), f"status {entry.status}"]
        kept += [f"tags {', '.join(entry.tags)}"] if entry.tags else []
        render.message(f"{entry.key} was removed on {when}; it is back as it was then ({', '.join(kept)}).")
        if result.kept:
            render.message(
                f"It kept its own {', '.join(result.kept)} rather than what you typed; "
                f"`readlist edit {entry.key}` changes them."
            )
    else:
        render.message(
            f"{entry.key} was removed on {when}; the undo journal no longer holds it, "
            "so it is back with only what you typed."
        )


def _command_lines(commands: list[CommandChanges], numbered: bool) -> str:
    """One line per command (numbered: `undo N` undoes the first N), then what it changed."""
    lines = []
    for number, command in enumerate(commands, 1):
        head = f"{number:>3}  " if numbered else "  "
        lines.append(f"{head}{command.at[:16].replace('T', ' ')}  {printable(command.command)}")
        for verb, keys in (("added", command.added), ("changed", command.changed), ("removed", command.removed)):
            if keys:
                shown = ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
                lines.append(f"{' ' * len(head)}  {verb} {plural(len(keys), 'entry', 'entries')}: {printable(shown)}")
        if not (command.added or command.changed or command.removed):
            lines.append(f"{' ' * len(head)}  changed the list's records of removed papers or imports")
    return "".join(f"{line}\n" for line in lines)


def _undo_history(result: UndoHistory) -> None:
    if not result.done and not result.undone:
        sys.stderr.write("Nothing to undo: no command has changed this list since its undo journal began.\n")
        return
    if result.done:
        _stdout("Can be undone (`readlist undo N` undoes the first N):\n" + _command_lines(result.done, True))
    if result.undone:
        _stdout("Undone, can be redone (`readlist undo --redo N`):\n" + _command_lines(result.undone, True))


def _undone(result: Undone) -> None:
    done = "Redid" if result.redo else "Undid"
    sys.stderr.write("".join(f"{done}:\n" + _command_lines([c], False) for c in result.commands))
    again = "`readlist undo` undoes it again." if result.redo else "`readlist undo --redo` does it again."
    sys.stderr.write(f"{again}\n")


def _fetched(result: Fetched) -> None:
    """The keys on stdout (as `add` prints a new key), what happened on stderr."""
    from readlist.output import render

    for entry in result.new:
        _stdout(f"{entry.key}\n")
        render.message(f"Added {entry.key}: {entry.title}")
    for entry in result.merged:
        _stdout(f"{entry.key}\n")
        render.message(f"Completed {entry.key} from arXiv (it was already in the list).")
    for entry in result.known:
        _stdout(f"{entry.key}\n")
        render.message(f"Already in the list as {entry.key}.")
    for arxiv_id in result.missing:
        render.message(f"arXiv has no paper {arxiv_id}.")


def _refreshed(result: Refreshed) -> None:
    from readlist.output import render

    for change in result.changes:
        render.message(f"{change.key}: {change.field}: {_short(change.old)} -> {_short(change.new)}")
    for arxiv_id in result.missing:
        render.message(f"arXiv has no paper {arxiv_id}.")
    entries = len({change.key for change in result.changes})
    done = "would change" if result.dry_run else "changed"
    render.message(f"Checked {plural(result.checked, 'entry', 'entries')} on arXiv; {entries} {done}.")


def _conflicts(result: Conflicts) -> None:
    """Each conflict as a few lines on stdout; how to settle them on stderr."""
    if not result.conflicts:
        sys.stderr.write("No conflicts.\n")
        return
    lines = []
    for conflict in result.conflicts:
        lines += [
            f"{conflict.key} {conflict.field}",
            f"  ours (the list has it):  {_short(conflict.ours, 200)}",
            f"  theirs (set aside):      {_short(conflict.theirs, 200)}",
            f"  before both:             {_short(conflict.base, 200)}",
        ]
    _stdout(printable("\n".join(lines) + "\n"))
    sys.stderr.write(
        f"{plural(len(result.conflicts), 'conflict', 'conflicts')}; settle each with "
        "`readlist resolve KEY FIELD --ours|--theirs|--value VALUE`.\n"
    )


def _short(value: object, width: int = 60) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list) else "(none)" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


#: Export warnings that many entries of a large list share, each with its key and detail.
_WARNING_KINDS = (
    (
        re.compile(r"(?P<key>\S+): (?P<detail>.+?) written in plain Latin letters for pdflatex \((?P<hint>.+)\)"),
        "letters written in plain Latin letters for pdflatex",
    ),
    (
        re.compile(r"(?P<key>\S+) has no year; BibTeX styles will warn \((?P<hint>.+)\)"),
        "no year; BibTeX styles will warn",
    ),
)
#: Up to this many warnings are printed one a line; more are summed up by kind.
WARNINGS_IN_FULL = 10
_EXAMPLES = 5


def summarised_warnings(warnings: list[str]) -> list[str]:
    """Every warning when there are few; else one line per kind (how many entries, a few of
    them, the hint once), so that exporting 10,000 papers does not print 2,000 lines."""
    if len(warnings) <= WARNINGS_IN_FULL:
        return warnings
    grouped: dict[str, list[re.Match[str]]] = {}
    alone = []
    for warning in warnings:
        for pattern, kind in _WARNING_KINDS:
            if match := pattern.fullmatch(warning):
                grouped.setdefault(kind, []).append(match)
                break
        else:
            alone.append(warning)
    lines = list(alone)
    for kind, matches in grouped.items():
        examples = ", ".join(
            m["key"] + (f" ({m['detail']})" if "detail" in m.groupdict() else "") for m in matches[:_EXAMPLES]
        )
        more = f" and {len(matches) - _EXAMPLES} more" if len(matches) > _EXAMPLES else ""
        hint = matches[0]["hint"].replace(matches[0]["key"], "KEY")
        lines.append(f"{plural(len(matches), 'entry', 'entries')}: {kind}: {examples}{more} ({hint})")
    return lines


def _exported(result: Exported) -> None:
    from readlist.output import render

    if not result.count:
        render.message("No entries match; the export is empty.")
    for warning in summarised_warnings(result.warnings):
        render.message(f"Warning: {warning}")
    if result.output is None:
        _stdout(result.text)
    else:
        render.message(f"Wrote {plural(result.count, 'entry', 'entries')} to {result.output}.")


def _config(result: ConfigShown) -> None:
    """The file, then each setting in effect and where it comes from; plain lines, for a pipe too."""
    found = "" if result.exists else "  (not there: the defaults apply)"
    rows = [("config file", f"{result.file}{found}")]
    for setting in result.settings:
        value = setting.value
        shown = ", ".join(value) if isinstance(value, list) else value if value is not None else "chosen by the table"
        rows.append((setting.name, f"{shown}  ({setting.source})"))
    width = max(len(name) for name, _ in rows)
    _stdout(printable("".join(f"{name.ljust(width)}  {text}\n" for name, text in rows)))


def _year(entry: Entry) -> int | None:
    from readlist.bib.venues import publication_year

    return publication_year(entry)


def _terminal() -> bool:
    """Whether a person reads stdout; TTY_COMPATIBLE=1 says so where stdout is no terminal
    (as for Rich), TTY_COMPATIBLE=0 says it is not."""
    forced = os.environ.get("TTY_COMPATIBLE")
    return sys.stdout.isatty() if forced not in ("0", "1") else forced == "1"


def _stdout(text: str) -> None:
    sys.stdout.write(text)
