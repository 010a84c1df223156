"""What a sync could not settle, and settling it: `readlist conflicts`, `readlist resolve`.

A merge (`readlist.merge`) that finds a field changed differently on two machines keeps the
value of the machine that merged and records both in the store's `conflicts` table, which
syncs like the entries do: settling a conflict on one machine clears it on the others.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from readlist.clock import now_iso
from readlist.errors import InvalidInput, NotFound
from readlist.models import EDITABLE_FIELDS, Conflict, Conflicts, Entry, Event, Resolved
from readlist.services import library
from readlist.services.session import Store, reading, writing

Choice = Literal["ours", "theirs"]


def conflicts(db: Path | None) -> Conflicts:
    with reading(db) as store:
        rows = store.conflicts()
    return Conflicts(sorted((_conflict(row) for row in rows), key=lambda c: (c.key, c.field)))


def resolve(db: Path | None, key: str, field: str, choice: Choice | None, value: str | None) -> Resolved:
    """Give the field the value kept (`ours`), the other machine's (`theirs`) or a new one,
    as a hand edit (imports keep it), and clear the conflict."""
    if (choice is None) == (value is None):
        raise InvalidInput("say how to resolve it: --ours, --theirs or --value VALUE (one of them)")
    with writing(db) as store:
        row = next((r for r in store.conflicts() if r["key"] == key and r["field"] == field), None)
        if row is None:
            pending = sorted(f"{r['key']} {r['field']}" for r in store.conflicts())
            hint = f"; open: {', '.join(pending[:5])}" if pending else "; there are none"
            raise NotFound(f"no conflict on {key} {field}{hint}")
        conflict = _conflict(row)
        new = getattr(conflict, choice) if choice is not None else _typed(field, value or "")
        entry = store.get(key)
        if entry is not None:  # a paper since removed leaves only its conflict to clear
            new = _set(store, entry, field, new, now_iso())
        store.settle_conflict(key, field)
    return Resolved(conflict, new)


def _conflict(row: dict[str, Any]) -> Conflict:
    return Conflict(row["key"], row["field"], row.get("base"), row.get("ours"), row.get("theirs"))


def _typed(field: str, text: str) -> Any:
    """A value typed on the command line as the field stores it."""
    if field == "year":
        if not text.strip():
            return None
        if not text.strip().isdigit():
            raise InvalidInput(f"year {text!r} is not a number")
        return int(text)
    if field == "authors":
        return [name.strip() for name in re.split(r"\s+and\s+", text) if name.strip()]
    if field == "categories":
        return [name for name in re.split(r"[\s,]+", text) if name]
    return text


def _set(store: Store, entry: Entry, field: str, value: Any, now: str) -> Any:
    if field in EDITABLE_FIELDS:
        checked = library.check_field(field, value)
        library.change_fields(store, entry, {field: checked}, now)
        return checked
    if field in ("primary_class", "categories"):
        setattr(entry, field, value)
    elif value is None:
        entry.extra.pop(field, None)
    else:
        entry.extra[field] = str(value)
    entry.log.append(Event(at=now, kind="edit", text=f"resolved {field}"))
    store.save([entry])
    return value
