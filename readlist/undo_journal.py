"""The undo journal: `<store file>.undo`, beside the store, one JSON line per command.

A record holds what one command found before it changed the store: the before-image of every
document it changed, added (before: none) or removed, and a fingerprint of what it left, so
that undoing it later can tell whether something else changed that document since. Records
are in the order the commands ran; a record marked `undone` was undone and can be redone.

The journal is written under the store's lock, before the store itself: a crash between the
two leaves a record whose documents are still as they were before it, which undo then finds
already undone. A command appends its line (one write and fsync: the cost does not grow with
the journal); a line cut short by a crash has no newline yet, belongs to a command whose store
write never happened, and is dropped. Undo, and trimming, rewrite the file atomically. Undo
sees the last `MAX_COMMANDS` records; the file is trimmed back to them when it holds
`TRIM_SLACK` more, or when it passes `MAX_BYTES` (the newest record is always kept). Nothing
here knows tinydb: the store hands over plain documents.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from readlist.errors import StoreError
from readlist.fsutil import kind_of, write_atomically

SUFFIX = ".undo"
MAX_COMMANDS = 50
TRIM_SLACK = 10
MAX_BYTES = 64 * 1024 * 1024
#: The table whose documents are named by citation key; the others by document id.
ENTRIES = "entries"

Document = dict[str, Any]


def journal_path(store_file: Path) -> Path:
    """`readlist.json` -> `readlist.json.undo` (of the real file, as the lock is)."""
    return store_file.with_name(store_file.name + SUFFIX)


def fingerprint(document: Mapping[str, Any] | None) -> str | None:
    """What a document is, in a few bytes; None for no document."""
    if document is None:
        return None
    return hashlib.blake2b(orjson.dumps(document, option=orjson.OPT_SORT_KEYS), digest_size=12).hexdigest()


@dataclass(slots=True)
class Change:
    """One document a command changed: `before` it (None: it did not exist), a fingerprint
    of it `after` (None: the command removed it)."""

    table: str
    id: str  # the key in `entries`; the document id in the other tables
    before: Document | None
    after: str | None

    @property
    def kind(self) -> str:
        return "added" if self.before is None else "removed" if self.after is None else "changed"


@dataclass(slots=True)
class Record:
    at: str
    command: str
    changes: list[Change] = field(default_factory=list)
    undone: bool = False

    def keys(self, kind: str) -> list[str]:
        """Keys of the entries this command added, changed or removed (`kind`)."""
        return [c.id for c in self.changes if c.table == ENTRIES and c.kind == kind]

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "at": self.at,
                "command": self.command,
                "undone": self.undone,
                "changes": [{"table": c.table, "id": c.id, "before": c.before, "after": c.after} for c in self.changes],
            }
        )

    @classmethod
    def from_json(cls, line: bytes) -> Record:
        data = orjson.loads(line)
        if not isinstance(data, dict) or not isinstance(data.get("changes"), list):
            raise ValueError("not a record of a command")
        at, command, undone = data.get("at"), data.get("command"), data.get("undone")
        if not isinstance(at, str) or not isinstance(command, str) or not isinstance(undone, bool):
            raise ValueError("a record needs 'at', 'command' and 'undone'")
        changes = []
        for change in data["changes"]:
            if not isinstance(change, dict):
                raise ValueError("a change must be an object")
            table, doc_id, before, after = (change.get(k) for k in ("table", "id", "before", "after"))
            if not (
                isinstance(table, str)
                and isinstance(doc_id, str)
                and (before is None or isinstance(before, dict))
                and (after is None or isinstance(after, str))
            ):
                raise ValueError(f"change of {doc_id!r} is malformed")
            changes.append(Change(table, doc_id, before, after))
        return cls(at, command, changes, undone)


class Journal:
    """The records of one store's journal, oldest first."""

    def __init__(self, path: Path, records: list[Record]) -> None:
        self.path = path
        self.records = records

    @classmethod
    def load(cls, path: Path) -> Journal:
        """The journal at `path` (none yet: empty); a damaged one is a `StoreError`."""
        kind = kind_of(path)
        if kind is not None:
            raise StoreError(f"{path}: the undo journal must be a regular file, this is {kind}; nothing was changed")
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls(path, [])
        except OSError as exc:
            raise StoreError(f"{path}: cannot read the undo journal ({exc.strerror}); nothing was changed") from exc
        records = []
        lines = _complete_lines(raw)
        for number, line in enumerate(lines, 1):
            if number <= len(lines) - MAX_COMMANDS or not line.strip():
                continue
            try:
                records.append(Record.from_json(line))
            except (ValueError, orjson.JSONDecodeError) as exc:
                raise StoreError(
                    f"{path}: the undo journal is damaged (line {number}: {exc}); nothing was changed. "
                    "Move it away to start a new one (what it recorded can then no longer be undone)"
                ) from exc
        return cls(path, records)

    def last(self, count: int, undone: bool) -> list[Record]:
        """The newest `count` records that are (`undone`) or are not undone, newest first."""
        found = [r for r in reversed(self.records) if r.undone == undone]
        return found[:count]

    def latest_touching(self, table: str, doc_id: str, after: int) -> Record | None:
        """The newest record still done, later than index `after`, that changed this document."""
        for record in reversed(self.records[after + 1 :]):
            if not record.undone and any(c.table == table and c.id == doc_id for c in record.changes):
                return record
        return None

    def save(self) -> None:
        """Write the whole journal atomically, trimmed to its bounds (after an undo)."""
        _write(self.path, [r.to_json() for r in self.records])


def append(path: Path, records: list[Record]) -> None:
    """Add the records of one command: appended, or the file rewritten when it needs trimming
    (or ends in a line a crash cut short)."""
    kind = kind_of(path)
    if kind is not None:
        raise StoreError(f"{path}: the undo journal must be a regular file, this is {kind}; nothing was changed")
    new = [r.to_json() for r in records]
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raw = b""
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the undo journal ({exc.strerror}); nothing was changed") from exc
    size = len(raw) + sum(len(line) + 1 for line in new)
    if (raw and not raw.endswith(b"\n")) or raw.count(b"\n") + len(new) > MAX_COMMANDS + TRIM_SLACK or size > MAX_BYTES:
        _write(path, [*_complete_lines(raw), *new])
        return
    try:
        with path.open("ab") as journal:
            journal.write(b"".join(line + b"\n" for line in new))
            journal.flush()
            os.fsync(journal.fileno())
    except OSError as exc:
        raise StoreError(
            f"{path}: cannot write the undo journal ({exc.strerror}); the store was left unchanged"
        ) from exc


def _complete_lines(raw: bytes) -> list[bytes]:
    """The journal's lines but a last one without its newline (cut short by a crash)."""
    lines = raw.split(b"\n")
    return lines[:-1]


def _write(path: Path, lines: list[bytes]) -> None:
    """Rewrite the journal atomically, keeping the newest lines within the bounds."""
    lines = lines[-MAX_COMMANDS:]
    size = sum(len(line) + 1 for line in lines)
    while len(lines) > 1 and size > MAX_BYTES:
        size -= len(lines.pop(0)) + 1
    try:
        write_atomically(path, b"".join(line + b"\n" for line in lines))
    except OSError as exc:
        raise StoreError(
            f"{path}: cannot write the undo journal ({exc.strerror}); the store was left unchanged"
        ) from exc


def _unwritable(path: Path, exc: OSError) -> StoreError:
    return StoreError(f"{path}: cannot write the undo journal ({exc.strerror}); the store was left unchanged")
