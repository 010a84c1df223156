"""Use cases that change entries: tag, untag, note, status, add, edit, rm.

Each opens the store for writing, changes it through `library` and reports what changed.
`confirm` callbacks come from the CLI: they raise `Cancelled` when the answer is no.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from readlist.clock import now_iso
from readlist.errors import InvalidInput
from readlist.models import Added, Changed, Entry, Event, Noted, NoteDeleted
from readlist.output.text import plural
from readlist.services import entry_toml, library
from readlist.services.library import Fields
from readlist.services.session import reading, writing

Confirm = Callable[[str], None]


def tag(db: Path | None, keys: list[str], tags: list[str]) -> Changed:
    with writing(db) as store:
        return Changed("tag", library.add_tags(store, keys, tags))


def untag(db: Path | None, keys: list[str], tags: list[str]) -> Changed:
    with writing(db) as store:
        return Changed("untag", library.remove_tags(store, keys, tags))


def note(db: Path | None, key: str, text: str) -> Noted:
    with writing(db) as store:
        entry, added = library.add_note(store, key, text, now_iso())
    return Noted(entry.key, len(entry.notes), added)


def delete_note(db: Path | None, key: str, number: int, confirm: Confirm) -> NoteDeleted:
    with writing(db) as store:
        entry = library.resolve(store, key)
        if 1 <= number <= len(entry.notes):
            confirm(f"Delete note {number} of {entry.key} ({entry.notes[number - 1].text[:60]!r})?")
        entry, _removed = library.delete_note(store, key, number)
    return NoteDeleted(entry.key, number)


def status(db: Path | None, keys: list[str], state: str | None, priority: int | None = None) -> Changed:
    with writing(db) as store:
        return Changed("status", library.set_status(store, keys, state, now_iso(), priority))


def add(db: Path | None, fields: Fields, tags: list[str], priority: int | None = None, force: bool = False) -> Added:
    with writing(db) as store:
        entry, removed_at, kept = library.add_entry(store, fields, tags, now_iso(), priority=priority, force=force)
    return Added(entry, removed_at, restored=kept is not None, kept=kept or [])


def edit(db: Path | None, key: str, fields: Fields) -> Changed:
    with writing(db) as store:
        return Changed("edit", [library.edit_entry(store, key, fields, now_iso())])


def edit_in_editor(db: Path | None, key: str, edit_text: Callable[[str], str], again: Callable[[str], bool]) -> Changed:
    """`edit KEY` without options: the entry as TOML (`entry_toml`) goes through `edit_text` (an
    editor); the fields changed are saved as hand edits, as `edit --title ...` saves them.

    A document that cannot be used goes back to the editor while `again(error)` says so, else
    the error stands. The store is not locked while the editor is open: the changes are applied
    to the entry as it is when the editor closes."""
    with reading(db) as store:
        entry = library.resolve(store, key)
    original = entry_toml.document(entry)
    text = original
    while True:
        text = edit_text(text)
        try:
            found = entry_toml.changes(text, original)
            break
        except InvalidInput as exc:
            if not again(exc.message):
                raise
            text = entry_toml.with_error(text, exc.message)
    if not found:
        return Changed("edit", [])
    with writing(db) as store:
        return Changed("edit", [library.change_fields(store, library.resolve(store, entry.key), found, now_iso())])


def rm(db: Path | None, keys: list[str], confirm: Confirm) -> Changed:
    with writing(db) as store:
        entries = library.resolve_all(store, keys)
        keys_text = ", ".join(e.key for e in entries)
        confirm(f"Remove {plural(len(entries), 'entry', 'entries')}: {keys_text}?{_what_goes(entries)}")
        return Changed("rm", library.remove_entries(store, [e.key for e in entries], now_iso()))


def rekey(db: Path | None, old: str, new: str) -> Changed:
    """Give an entry another citation key; one that another entry has (in any case) is refused."""
    from readlist.bib.keys import CITABLE_KEY

    new = new.strip()
    if not CITABLE_KEY.fullmatch(new):
        raise InvalidInput(f"{new!r} cannot be a BibTeX key (no spaces, commas, braces, quotes, #, %, =, \\ or ~)")
    with writing(db) as store:
        entry = library.resolve(store, old)
        clash = next((e for e in store.entries() if e.key.casefold() == new.casefold() and e.key != entry.key), None)
        if clash is not None:
            raise InvalidInput(f"{new} is already the key of {clash.key}: {clash.title}")
        previous = entry.key
        store.remove_quietly([previous])
        store.move_conflicts(previous, new)
        entry.key = new
        entry.log.append(Event(at=now_iso(), kind="edit", text=f"key {previous} -> {new}"))
        store.save([entry])
    return Changed("rekey", [entry])


def _what_goes(entries: list[Entry]) -> str:
    """What removing takes away, said before it happens: notes, status history, tags, hand
    edits, sightings; and that `undo` brings it all back."""
    counts = [
        (sum(len(e.notes) for e in entries), "note", "notes"),
        (sum(len(e.log) for e in entries), "status and edit history line", "status and edit history lines"),
        (sum(len(e.tags) for e in entries), "tag", "tags"),
        (sum(len(e.edited) for e in entries), "hand-edited field", "hand-edited fields"),
        (sum(len(e.sightings) for e in entries), "digest sighting", "digest sightings"),
    ]
    lost = [plural(count, one, many) for count, one, many in counts if count]
    read = [e for e in entries if e.status != "unread"]
    lost += [f"the reading status of {plural(len(read), 'entry', 'entries')}"] if read else []
    it = "it" if len(entries) == 1 else "them"
    listed = ", ".join(lost[:-1]) + f" and {lost[-1]}" if len(lost) > 1 else "".join(lost)
    return (f" With {it} go {listed}." if lost else "") + f" `readlist undo` brings {it} back."
