"""`undo`: put back what the last commands changed, from the store's undo journal.

Every command that writes the store records the before-images of what it changed
(`undo_journal`). `undo N` restores those of the newest N commands not yet undone, newest
first. An undo is recorded too, as the command it undid marked `undone`: `undo --redo` does
that command again, and is itself undone by the next `undo`. Nothing is lost silently: an
entry that changed since the command (a later change, or one the journal never saw) is not
overwritten; undo refuses, names the entry and the command that changed it, and changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from readlist.errors import InvalidInput, NotFound
from readlist.models import CommandChanges, UndoHistory, Undone
from readlist.services.session import reading, require_store, writing
from readlist.store import Store
from readlist.undo_journal import ENTRIES, Journal, Record, fingerprint


def history(db: Path | None) -> UndoHistory:
    """`undo --list`: the commands that can be undone, and those that can be redone."""
    with reading(db) as store:
        journal = store.journal()
    return UndoHistory(
        done=[summary(r) for r in journal.last(len(journal.records), undone=False)],
        undone=[summary(r) for r in journal.last(len(journal.records), undone=True)],
    )


def undo(db: Path | None, count: int = 1, redo: bool = False) -> Undone:
    """Undo (or redo) the newest `count` commands, all or none."""
    if count < 1:
        raise InvalidInput(f"the number of commands to {_verb(redo)} must be 1 or more, not {count}")
    require_store(db)
    with writing(db) as store:
        journal = store.journal()
        records = journal.last(count, undone=redo)
        if len(records) < count:
            have = len(records)
            none = f"no undone command in {journal.path}" if redo else f"no command recorded in {journal.path}"
            raise NotFound(
                f"nothing to {_verb(redo)}: {none}"
                if not have
                else f"only {have} command{'s' * (have != 1)} can be {_verb(redo)}ne; nothing was changed"
            )
        for record in records:
            _check_unchanged_since(store, journal, record, redo)
            store.restore(record.changes)
            store.checkpoint(record.command, undone=not redo)
        store.forget_records(records)
    return Undone(redo, [summary(r) for r in records])


def summary(record: Record) -> CommandChanges:
    """What the command did; an undone command's record holds its inverse, told the right way round."""
    added, removed = record.keys("added"), record.keys("removed")
    return CommandChanges(
        at=record.at,
        command=record.command or "(a readlist command)",
        added=removed if record.undone else added,
        changed=record.keys("changed"),
        removed=added if record.undone else removed,
        undone=record.undone,
    )


def _verb(redo: bool) -> str:
    return "redo" if redo else "undo"


def _check_unchanged_since(store: Store, journal: Journal, record: Record, redo: bool) -> None:
    """Every entry the command changed must be as the command left it (or as it found it:
    then there is nothing to put back). The store's bookkeeping (removed papers, the last
    import) follows the entries and is not checked."""
    for change in record.changes:
        if change.table != ENTRIES:
            continue
        now = fingerprint(store.document(ENTRIES, change.id))
        if now in (change.after, fingerprint(change.before)):
            continue
        position = next(i for i, r in enumerate(journal.records) if r is record)
        later = journal.latest_touching(ENTRIES, change.id, after=position)
        by = f"by `{later.command}` ({later.at}); undo that first" if later else "by a change not in the journal"
        raise InvalidInput(
            f"cannot {_verb(redo)} `{record.command}`: {change.id} was changed since {by}; nothing was changed"
        )
