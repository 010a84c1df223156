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
from tinydb.table import Document, Table

from readlist import invocation, storefile, undo_journal
from readlist.clock import now_iso
from readlist.errors import StoreError
from readlist.fsutil import check_writable, kind_of, real_path, remove_stale_temp_files, write_atomically
from readlist.models import Entry, MalformedEntry
from readlist.storefile import Data
from readlist.textnorm import identity
from readlist.undo_journal import ENTRIES, Change, Journal, Record, fingerprint, journal_path

SCHEMA_VERSION = storefile.SCHEMA_VERSION
LOCK_TIMEOUT_SECONDS = 60.0
LOCK_NOTICE_SECONDS = 1.0  # a writer that waits longer says so on stderr
_ENTRIES = ENTRIES
_META = storefile.META
_REMOVED = storefile.REMOVED  # what `rm` took out, so that imports do not bring it back
_CONFLICTS = storefile.CONFLICTS  # fields two machines changed differently (`readlist sync`)


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


def _load(path: Path) -> Data:
    _check_regular(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return storefile.new_data()
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the store ({exc.strerror})") from exc
    return storefile.parse(path, raw)


def parse_store(path: Path, raw: bytes) -> list[dict[str, Any]]:
    """The entry documents of a store file's bytes, checked as `open_store` checks them, in
    the file's order: what a derived index (`readlist.index`) is built from."""
    return list(storefile.parse(path, raw)[_ENTRIES].values())


def check_store_bytes(path: Path, raw: bytes) -> None:
    """Raise `StoreError` unless `raw` is a store file `open_store` would read (`path` names it
    in the message): what `sync` checks a store from elsewhere with before it is kept."""
    from readlist.merge import check_store_file

    check_store_file(path, raw)


class _KeyedTable(Table):
    """A TinyDB table whose document ids are strings: citation keys, or a paper's or a
    conflict's own name (`storefile`), so that ids made on two machines cannot collide."""

    # TinyDB's type hints say int ids; it converts ids with this class, and str works as well.
    document_id_class = str  # type: ignore[assignment]

    def put(self, doc_id: str, doc: Mapping[str, Any]) -> None:
        """Insert or replace the document under `doc_id`."""
        if doc_id in self._read_table():
            self.drop([doc_id])
        self.insert(Document(doc, doc_id=doc_id))  # type: ignore[arg-type]

    def put_all(self, docs: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        """Insert documents under new ids."""
        self.insert_multiple(Document(doc, doc_id=doc_id) for doc_id, doc in docs)  # type: ignore[arg-type]

    def drop(self, doc_ids: Iterable[str]) -> None:
        self.remove(doc_ids=list(doc_ids))  # type: ignore[arg-type]

    def change(self, how: Callable[[MutableMapping[str, Any]], None] | Mapping[str, Any], doc_ids: list[str]) -> None:
        self.update(how, doc_ids=doc_ids)  # type: ignore[arg-type]


class Store:
    """The entries of one store file, with the edits of the current command."""

    def __init__(self, path: Path, data: Data, writable: bool) -> None:
        self.path = path
        self.writable = writable
        self._storage = _BufferedStorage(data)
        self._db = TinyDB(storage=lambda: self._storage)
        self._db.table_class = _KeyedTable
        self._table = self._table_of(_ENTRIES)
        # For the undo journal: each document as it was before the change not yet recorded,
        # entries by key, and the other tables (`removed`, `meta`, `conflicts`) whole.
        self._before: dict[str, dict[str, Any] | None] = {}
        self._tables_before: dict[str, dict[str, Any]] = {}
        self._records: list[Record] = []
        self._journal: Journal | None = None
        self._journal_changed = False

    def _table_of(self, name: str) -> _KeyedTable:
        table = self._db.table(name, cache_size=0)
        assert isinstance(table, _KeyedTable)
        return table

    # -- reading -------------------------------------------------------------------------
    def _index(self) -> dict[str, dict[str, Any]]:
        """Key -> stored document, straight from the parsed file (entries are stored under
        their keys).

        TinyDB's `Table.all()` would copy every document into a `Document` first; at 100k
        entries that copy costs as much as building the entries themselves.
        """
        return self._storage.read().setdefault(_ENTRIES, {})

    def _malformed(self, exc: Exception) -> StoreError:
        reason = str(exc) if isinstance(exc, MalformedEntry) else repr(exc)
        return StoreError(f"{self.path}: the store holds a malformed entry ({reason}); it was left unchanged")

    def __len__(self) -> int:
        return len(self._index())

    def keys(self) -> list[str]:
        return list(self._index())

    def get(self, key: str) -> Entry | None:
        found = self._index().get(key)
        if found is None:
            return None
        try:
            return Entry.from_dict(found)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise self._malformed(exc) from exc

    def entries(self, where: Callable[[Mapping[str, Any]], bool] | None = None) -> list[Entry]:
        """All entries, or those whose stored document passes `where` (a cheap pre-filter
        that spares building the entries a search would reject)."""
        try:
            docs = self._index().values()
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

            self._table.change(replace_by_key, doc_ids=replaced)
        if latest:
            self._table.put_all((key, latest.pop(key).to_dict()) for key in list(latest))

    def remove(self, keys: list[str], now: str) -> None:
        """Remove entries and remember them as removed (`removed_papers`)."""
        self._require_writable()
        index = self._index()
        gone = [Entry.from_dict(index[k]) for k in keys]
        self._remember_entries(index, keys)
        self._remember_table(_REMOVED)
        self._table.drop(keys)
        self._drop_conflicts(keys)
        removed = self._table_of(_REMOVED)
        for entry in gone:
            paper = identity(*entry.match_identity_fields())
            # The entry as it went: a sync that keeps the paper (another machine changed it
            # meanwhile) merges this machine's last changes to it too (`readlist.merge`).
            row = {"key": entry.key, "identity": paper, "arxiv": entry.arxiv, "at": now, "entry": entry.to_dict()}
            removed.put(storefile.removed_id(paper), row)

    def remove_quietly(self, keys: list[str]) -> None:
        """Remove entries that live on under another key (`rekey`): not "removed papers"."""
        self._require_writable()
        self._remember_entries(self._index(), keys)
        self._table.drop(keys)

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
        self._table_of(_META).change({"last_import": {"at": at, "new": list(new_keys)}}, doc_ids=["1"])

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
        if self._storage.read().get(_REMOVED):
            self._remember_table(_REMOVED)
            self._table_of(_REMOVED).remove(
                lambda d: d["identity"] == paper_identity or (arxiv is not None and d.get("arxiv") == arxiv)
            )

    # -- conflicts left by `sync` --------------------------------------------------------
    def conflicts(self) -> list[dict[str, Any]]:
        """The fields two machines changed differently, one row per entry and field."""
        papers = self._index()
        return [row for row in self._storage.read().get(_CONFLICTS, {}).values() if row["key"] in papers]

    def _drop_conflicts(self, keys: Iterable[str]) -> None:
        """A removed paper's conflicts go with it (a sync that brings the paper back brings
        them back too, from the other machine's copy)."""
        gone = set(keys)
        rows = [row_id for row_id, row in self._storage.read().get(_CONFLICTS, {}).items() if row.get("key") in gone]
        if rows:
            self._remember_table(_CONFLICTS)
            self._table_of(_CONFLICTS).drop(rows)

    def move_conflicts(self, old: str, new: str) -> None:
        """An entry's conflicts follow it to its new key (`rekey`)."""
        rows = {row_id: row for row_id, row in self._storage.read().get(_CONFLICTS, {}).items() if row["key"] == old}
        if rows:
            self._remember_table(_CONFLICTS)
            table = self._table_of(_CONFLICTS)
            table.drop(rows)
            for row in rows.values():
                table.put(storefile.conflict_id(new, row["field"]), {**row, "key": new})

    def settle_conflict(self, key: str, field: str) -> None:
        """The row of a conflict the user has resolved goes; the merge that syncs this clears it
        on the other machines too."""
        self._require_writable()
        self._remember_table(_CONFLICTS)
        self._table_of(_CONFLICTS).drop([storefile.conflict_id(key, field)])

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
        try:
            write_atomically(self.path, storefile.dump(self._storage.data))
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
        doc = self._storage.read().get(table, {}).get(doc_id)
        return doc if isinstance(doc, dict) else None

    def restore(self, changes: list[Change]) -> None:
        """Put each changed document back as it was before (`undo`), recorded like any change."""
        self._require_writable()
        data = self._storage.read()
        entries = {c.id: c.before for c in changes if c.table == _ENTRIES}
        self._remember_entries(self._index(), entries)
        stored = data.setdefault(_ENTRIES, {})
        for key, before in entries.items():
            if before is not None:
                stored[key] = dict(before)
            else:
                stored.pop(key, None)
        for change in (c for c in changes if c.table != _ENTRIES):
            self._remember_table(change.table)
            table = data.setdefault(change.table, {})
            now = table.get(change.id)
            moved_since = fingerprint(now) not in (change.after, fingerprint(change.before))
            if change.before is None:
                if not moved_since:
                    table.pop(change.id, None)
            elif (
                moved_since
                and change.table == _REMOVED
                and now
                and str(now.get("at", "")) > str(change.before.get("at", ""))
            ):
                pass  # the paper was removed again since: its later removal stands
            else:
                table[change.id] = dict(change.before)
        self._storage.write(data)

    def checkpoint(self, command: str, undone: bool = False) -> None:
        """Close the journal record of the changes made since the last one (none: no record)."""
        changes = []
        for key, before in self._before.items():
            after = fingerprint(self._index().get(key))
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

    def _remember_entries(self, index: Mapping[str, dict[str, Any]], keys: Iterable[str]) -> None:
        """Keep the first before-image of each entry a change touches (a copy: updates are in place)."""
        for key in keys:
            if key not in self._before:
                found = index.get(key)
                self._before[key] = orjson.loads(orjson.dumps(found)) if found else None

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
