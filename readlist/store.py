"""The store: one TinyDB JSON file, read once and written at most once per command.

Guarantees every command relies on:
- a write replaces the file atomically (temp file, fsync, rename), so a crash leaves the old
  store or the new one, never a mix;
- a cross-process lock is held from read to write, so concurrent commands never lose updates;
- the file carries a schema version; a file that cannot be read (bad JSON, foreign or newer
  schema) raises `StoreError` and is never overwritten;
- what a command changed is recorded in the undo journal (`undo_journal`), before-images
  taken here as each write method changes a document, before the store itself is written.

This is the only module that imports tinydb. TinyDB's own JSONStorage re-reads and rewrites
the whole file on every operation; `_BufferedStorage` keeps the parsed data in memory and
leaves the single write to `Store.commit`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage

from readlist import invocation, undo_journal
from readlist.clock import now_iso
from readlist.errors import StoreError
from readlist.fsutil import check_writable, kind_of, real_path, remove_stale_temp_files, write_atomically
from readlist.models import Entry, MalformedEntry
from readlist.textnorm import identity
from readlist.undo_journal import ENTRIES, Change, Journal, Record, fingerprint, journal_path

SCHEMA_VERSION = 1
LOCK_TIMEOUT_SECONDS = 60.0
LOCK_NOTICE_SECONDS = 1.0  # a writer that waits longer says so on stderr
_ENTRIES = ENTRIES
_META = "meta"
_REMOVED = "removed"  # what `rm` took out, so that imports do not bring it back


def default_path() -> Path:
    """`READLIST_DB`, else `readlist.json` in the user data dir."""
    env = os.environ.get("READLIST_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("readlist", appauthor=False) / "readlist.json"


class _BufferedStorage(Storage):
    """TinyDB storage over data already parsed in memory; writes only mark it changed."""

    def __init__(self, data: dict[str, dict[str, Any]]) -> None:
        self.data = data
        self.changed = False

    def read(self) -> dict[str, dict[str, Any]]:
        return self.data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self.data = data
        self.changed = True


def _check_regular(path: Path) -> None:
    """A store is a regular file (or none yet): a device, FIFO or directory is never read or written."""
    kind = kind_of(path)
    if kind is not None:
        raise StoreError(f"{path}: the store must be a regular file, this is {kind}; it was left unchanged")


def _load(path: Path) -> dict[str, dict[str, Any]]:
    _check_regular(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return _new_data()
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the store ({exc.strerror})") from exc
    return _parse(path, raw)


def _parse(path: Path, raw: bytes) -> dict[str, dict[str, Any]]:
    if not raw.strip():
        return _new_data()
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreError(f"{path}: the store is not valid JSON ({exc}); it was left unchanged") from exc
    _check_schema(path, data)
    return data  # type: ignore[no-any-return]  # checked by _check_schema


def parse_store(path: Path, raw: bytes) -> list[dict[str, Any]]:
    """The entry documents of a store file's bytes, checked as `open_store` checks them, in
    the file's order: what a derived index (`readlist.index`) is built from."""
    return list(_parse(path, raw).get(_ENTRIES, {}).values())


def check_store_bytes(path: Path, raw: bytes) -> None:
    """Raise `StoreError` unless `raw` is a store file `open_store` would read (`path` names it
    in the message): what `sync` checks a merge result with before it is kept."""
    Store(path, _parse(path, raw), writable=False).entries()


def _new_data() -> dict[str, dict[str, Any]]:
    return {_META: {"1": {"schema": SCHEMA_VERSION}}, _ENTRIES: {}}


def _check_schema(path: Path, data: Any) -> None:
    """The one schema of a store file, checked at load; an error names the part and field.

    `{"meta": {"1": {"schema": N}}, "entries": {"<id>": {...}}, "removed": {"<id>": {...}}}`;
    each entry's own fields are checked by `Entry.from_dict` when it is read.
    """

    def refuse(what: str, part: str = "") -> StoreError:
        found = "the store holds a malformed entry" if part == _ENTRIES else "not a readlist store"
        return StoreError(f"{path}: {found} ({what}); it was left unchanged")

    if not isinstance(data, dict):
        raise refuse(f"the file holds a JSON {type(data).__name__}, not an object")
    meta = data.get(_META)
    if not isinstance(meta, dict) or not isinstance(meta.get("1"), dict) or "schema" not in meta["1"]:
        raise refuse(f'no schema version: \'{_META}\' must be {{"1": {{"schema": {SCHEMA_VERSION}}}}}')
    version = meta["1"]["schema"]
    if isinstance(version, float) and version.is_integer() and version > SCHEMA_VERSION:
        version = int(version)  # orjson reads integers beyond 64 bits as floats
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise refuse(f"'{_META}' field 'schema' is {version!r}, not a schema version")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: written by a newer readlist (schema {version}, this one reads "
            f"{SCHEMA_VERSION}); it was left unchanged"
        )
    for part, required in ((_ENTRIES, True), (_REMOVED, False)):
        if part not in data and not required:
            continue
        table = data.get(part)
        if not isinstance(table, dict):
            raise refuse(f"'{part}' must be an object of documents, not {type(table).__name__}")
        for doc_id, doc in table.items():
            if not doc_id.isdigit() or not isinstance(doc, dict):
                raise refuse(f"'{part}' document {doc_id!r} must be an object under a numeric id", part)
            fields = _ENTRY_FIELDS if part == _ENTRIES else _REMOVED_FIELDS
            for name, types in fields.items():
                if not isinstance(doc.get(name), types) or isinstance(doc.get(name), bool):
                    raise refuse(f"'{part}' document {doc_id}: field {name!r} is {doc.get(name)!r}", part)


#: Fields every stored document must have before it is read (the rest: `Entry.from_dict`).
_ENTRY_FIELDS: dict[str, type | tuple[type, ...]] = {"key": str}
_REMOVED_FIELDS: dict[str, type | tuple[type, ...]] = {"identity": str, "arxiv": (str, type(None))}


class Store:
    """The entries of one store file, with the edits of the current command."""

    def __init__(self, path: Path, data: dict[str, dict[str, Any]], writable: bool) -> None:
        self.path = path
        self.writable = writable
        self._storage = _BufferedStorage(data)
        self._db = TinyDB(storage=lambda: self._storage)
        self._table = self._db.table(_ENTRIES, cache_size=0)
        self._docs: dict[str, tuple[int, dict[str, Any]]] | None = None
        # For the undo journal: each document as it was before the change not yet recorded,
        # entries by key, and the other tables (`removed`, `meta`) whole.
        self._before: dict[str, dict[str, Any] | None] = {}
        self._tables_before: dict[str, dict[str, Any]] = {}
        self._records: list[Record] = []
        self._journal: Journal | None = None
        self._journal_changed = False

    # -- reading -------------------------------------------------------------------------
    def _index(self) -> dict[str, tuple[int, dict[str, Any]]]:
        """Key -> (doc id, stored document), straight from the parsed file.

        TinyDB's `Table.all()` would copy every document into a `Document` first; at 100k
        entries that copy costs as much as building the entries themselves.
        """
        if self._docs is None:
            raw = self._storage.read().get(_ENTRIES, {})
            try:
                self._docs = {doc["key"]: (int(doc_id), doc) for doc_id, doc in raw.items()}
            except (KeyError, TypeError, ValueError) as exc:
                raise self._malformed(exc) from exc
        return self._docs

    def _malformed(self, exc: Exception) -> StoreError:
        reason = str(exc) if isinstance(exc, MalformedEntry) else repr(exc)
        return StoreError(f"{self.path}: the store holds a malformed entry ({reason}); it was left unchanged")

    def __len__(self) -> int:
        return len(self._table)

    def keys(self) -> list[str]:
        return list(self._index())

    def get(self, key: str) -> Entry | None:
        found = self._index().get(key)
        if found is None:
            return None
        try:
            return Entry.from_dict(found[1])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise self._malformed(exc) from exc

    def entries(self, where: Callable[[Mapping[str, Any]], bool] | None = None) -> list[Entry]:
        """All entries, or those whose stored document passes `where` (a cheap pre-filter
        that spares building the entries a search would reject)."""
        try:
            docs = (doc for _, doc in self._index().values())
            return [Entry.from_dict(doc) for doc in docs if where is None or where(doc)]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise self._malformed(exc) from exc

    # -- writing -------------------------------------------------------------------------
    def save(self, entries: Iterable[Entry]) -> None:
        """Insert new entries and replace stored ones (by key) in one pass over the table."""
        self._require_writable()
        index = self._index()
        latest = {e.key: e for e in entries}  # the last version of a key wins
        replaced = [key for key in latest if key in index]
        self._remember_entries(index, latest)
        # Each entry is dropped once it is a document, and TinyDB copies the documents it
        # inserts one by one: at no time do two full copies of a large import exist.
        if replaced:

            def replace_by_key(doc: MutableMapping[str, Any]) -> None:
                new = latest.pop(doc["key"]).to_dict()
                doc.clear()
                doc.update(new)

            self._table.update(replace_by_key, doc_ids=[index[k][0] for k in replaced])
        if latest:
            self._table.insert_multiple(latest.pop(key).to_dict() for key in list(latest))
        self._docs = None

    def remove(self, keys: list[str], now: str) -> None:
        """Remove entries and remember them as removed (`removed_papers`)."""
        self._require_writable()
        index = self._index()
        gone = [Entry.from_dict(index[k][1]) for k in keys]
        self._remember_entries(index, keys)
        self._remember_table(_REMOVED)
        self._table.remove(doc_ids=[index[k][0] for k in keys])
        self._db.table(_REMOVED, cache_size=0).insert_multiple(
            {"key": e.key, "identity": identity(*e.match_identity_fields()), "arxiv": e.arxiv, "at": now} for e in gone
        )
        self._docs = None

    def remove_quietly(self, keys: list[str]) -> None:
        """Remove entries that live on under another key (`rekey`): not "removed papers"."""
        self._require_writable()
        index = self._index()
        self._remember_entries(index, keys)
        self._table.remove(doc_ids=[index[k][0] for k in keys])
        self._docs = None

    def last_import(self) -> list[str]:
        """Keys of the entries the last import added (`list --new`)."""
        last = self._storage.read().get(_META, {}).get("1", {}).get("last_import")
        return (
            [key for key in last["new"] if isinstance(key, str)]
            if isinstance(last, dict) and isinstance(last.get("new"), list)
            else []
        )

    def remember_import(self, new_keys: list[str], at: str) -> None:
        """Note what an import added, for `list --new`; the store's metadata, not an entry."""
        self._require_writable()
        self._remember_table(_META)
        self._db.table(_META, cache_size=0).update({"last_import": {"at": at, "new": list(new_keys)}}, doc_ids=[1])

    def removed_papers(self) -> tuple[set[str], set[str]]:
        """Identities and arXiv ids of the papers `rm` removed: imports skip them."""
        docs = self._storage.read().get(_REMOVED, {}).values()
        return {d["identity"] for d in docs}, {d["arxiv"] for d in docs if d.get("arxiv")}

    def removed_paper(self, paper_identity: str, arxiv: str | None) -> dict[str, Any] | None:
        """The latest record of `rm` taking out this paper (by identity or arXiv id), if any."""
        rows = [
            row
            for row in self._storage.read().get(_REMOVED, {}).values()
            if row["identity"] == paper_identity or (arxiv is not None and row.get("arxiv") == arxiv)
        ]
        return max(rows, key=lambda row: str(row.get("at", "")), default=None)

    def forget_removed(self, paper_identity: str, arxiv: str | None) -> None:
        """A paper added again by hand is wanted after all."""
        removed = self._db.table(_REMOVED, cache_size=0)
        if self._storage.read().get(_REMOVED):
            self._remember_table(_REMOVED)
            removed.remove(lambda d: d["identity"] == paper_identity or (arxiv is not None and d.get("arxiv") == arxiv))

    def commit(self) -> None:
        """Write the store back, atomically, when this command changed it; its undo journal
        first, with what the command changed."""
        if not self._storage.changed and not self._journal_changed:
            return
        self._require_writable()
        self.checkpoint(invocation.command_line())
        if self._journal_changed:  # undo took records out: the journal is rewritten
            journal = self.journal()
            journal.records += self._records
            journal.save()
        elif self._records:
            undo_journal.append(journal_path(real_path(self.path)), self._records)
        self._records, self._journal_changed = [], False
        if not self._storage.changed:
            return
        payload = orjson.dumps(self._storage.data)
        try:
            write_atomically(self.path, payload)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot write the store ({exc.strerror}); it was left unchanged") from exc
        self._storage.changed = False

    # -- the undo journal ----------------------------------------------------------------
    def journal(self) -> Journal:
        """The store's undo journal (`undo_journal`), read once."""
        if self._journal is None:
            self._journal = Journal.load(journal_path(real_path(self.path)))
        return self._journal

    def forget_records(self, records: Iterable[Record]) -> None:
        """Take records out of the journal (`undo` replaces them by their inverse)."""
        gone = {id(r) for r in records}
        journal = self.journal()
        journal.records = [r for r in journal.records if id(r) not in gone]
        self._journal_changed = True

    def document(self, table: str, doc_id: str) -> dict[str, Any] | None:
        """A stored document as it is now: an entry by key, another table's by document id."""
        if table == _ENTRIES:
            found = self._index().get(doc_id)
            return found[1] if found else None
        doc = self._storage.read().get(table, {}).get(doc_id)
        return doc if isinstance(doc, dict) else None

    def restore(self, changes: list[Change]) -> None:
        """Put each changed document back as it was before (`undo`), recorded like any change."""
        self._require_writable()
        data = self._storage.read()
        index = self._index()
        entries = {c.id: c.before for c in changes if c.table == _ENTRIES}
        self._remember_entries(index, entries)
        stored = data.setdefault(_ENTRIES, {})
        next_id = max(map(int, stored), default=0) + 1
        for key, before in entries.items():
            if before is not None:
                doc_id = index[key][0] if key in index else next_id
                next_id = max(next_id, doc_id + 1)
                stored[str(doc_id)] = dict(before)
            elif key in index:
                del stored[str(index[key][0])]
        for change in (c for c in changes if c.table != _ENTRIES):
            self._remember_table(change.table)
            table = data.setdefault(change.table, {})
            moved_since = fingerprint(table.get(change.id)) not in (change.after, fingerprint(change.before))
            if change.before is None:
                if not moved_since:
                    table.pop(change.id, None)
            elif moved_since and change.table == _REMOVED:  # its id went to another paper since
                table[str(max(map(int, table)) + 1)] = dict(change.before)
            else:
                table[change.id] = dict(change.before)
        self._storage.write(data)
        self._db = TinyDB(storage=lambda: self._storage)  # TinyDB caches the next document ids
        self._table = self._db.table(_ENTRIES, cache_size=0)
        self._docs = None

    def checkpoint(self, command: str, undone: bool = False) -> None:
        """Close the journal record of the changes made since the last one (none: no record)."""
        changes = []
        for key, before in self._before.items():
            found = self._index().get(key)
            after = fingerprint(found[1] if found else None)
            if after != fingerprint(before):
                changes.append(Change(_ENTRIES, key, before, after))
        for name, snapshot in self._tables_before.items():
            now = self._storage.read().get(name, {})
            for doc_id in dict.fromkeys([*snapshot, *now]):
                before, after = snapshot.get(doc_id), fingerprint(now.get(doc_id))
                if after != fingerprint(before):
                    changes.append(Change(name, doc_id, before, after))
        self._before, self._tables_before = {}, {}
        if changes:
            self._records.append(Record(now_iso(), command, changes, undone))

    def _remember_entries(self, index: Mapping[str, tuple[int, dict[str, Any]]], keys: Iterable[str]) -> None:
        """Keep the first before-image of each entry a change touches (a copy: updates are in place)."""
        for key in keys:
            if key not in self._before:
                found = index.get(key)
                self._before[key] = orjson.loads(orjson.dumps(found[1])) if found else None

    def _remember_table(self, name: str) -> None:
        if name not in self._tables_before:
            self._tables_before[name] = orjson.loads(orjson.dumps(self._storage.read().get(name, {})))

    def _require_writable(self) -> None:
        if not self.writable:
            raise RuntimeError("store opened read-only")


@contextmanager
def open_store(path: Path, *, write: bool = False) -> Iterator[Store]:
    """Open the store for one command.

    With `write`, the lock is held until the block ends and the changes are committed when
    it ends without an exception; on an exception nothing is written.
    """
    if not write:
        yield Store(path, _load(path), writable=False)
        return
    with locked(path) as target:
        new = not target.exists()
        store = Store(path, _load(path), writable=True)
        yield store
        store.commit()
        if new and target.exists():
            import sys

            sys.stderr.write(f"Started a new reading list at {path}.\n")


@contextmanager
def locked(path: Path) -> Iterator[Path]:
    """Hold the store's cross-process lock (`<store>.lock`) for the block; yields the real
    path of the store file (a symlinked store is locked and written as its target).

    Every writer holds it from read to write, and `sync` holds it for the whole cycle.
    """
    from filelock import FileLock, Timeout

    target = real_path(path)
    _check_regular(target)
    lock_path = Path(str(target) + ".lock")
    if kind_of(lock_path) is not None:
        raise StoreError(f"{lock_path}: the store's lock file is {kind_of(lock_path)}; remove it and try again")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        check_writable(target)
        lock = FileLock(str(lock_path), timeout=LOCK_TIMEOUT_SECONDS)
        try:
            lock.acquire(timeout=LOCK_NOTICE_SECONDS)
        except Timeout:
            import sys

            sys.stderr.write(
                f"Waiting for another readlist command to finish with {path} (it holds {lock_path}); "
                f"giving up after {LOCK_TIMEOUT_SECONDS:.0f} s.\n"
            )
            sys.stderr.flush()
            lock.acquire()
    except Timeout as exc:
        raise StoreError(f"{path}: another readlist command holds the store lock; try again") from exc
    except OSError as exc:
        raise StoreError(f"{path}: cannot write the store ({exc.strerror}); it was left unchanged") from exc
    try:
        remove_stale_temp_files(target)
        yield target
    finally:
        lock.release()
