"""A derived index beside the store: `<store file>.index.sqlite`, rebuilt from the store.

The store (`readlist.store`) stays the file of record; this file only spares reads the cost
of parsing all of it. It keeps, for each stored entry, its document as stored, the entry's
text folded for search, the columns `list` sorts by, and the BibTeX an export wrote for it.

It is trusted only while it matches the store file exactly: it records the store's identity
(device, inode, size, modification and change times in nanoseconds) and a hash of its bytes.
When the identity differs the index is brought up to date from the store (only the entries
whose stored document changed are worked out again). When it is equal but the store was
written so recently that a second write in the same clock tick could have kept it equal
(git's "racily clean" case), the bytes are hashed and compared as well. An index that cannot
be read, or written (a read-only directory), is rebuilt or left aside: every caller has the
uncached path to fall back on, and gets `None` here.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import orjson

from readlist import __version__
from readlist.errors import StoreError
from readlist.models import Entry, MalformedEntry
from readlist.search import FIELD_BREAK, FIELD_WEIGHTS, Candidate, searchable_text
from readlist.store import parse_store

#: Change it whenever what the index keeps, or how it is worked out, changes.
FORMAT = f"5/{__version__}"
SUFFIX = ".index.sqlite"
#: A store modified this close to when the index read it may have been written again within
#: the same timestamp tick: its bytes are compared too (file systems with coarse clocks).
RACY_NANOSECONDS = 2_000_000_000
_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB);
CREATE TABLE docs (
    -- small columns only: the large ones (folded text, stored document) live in tables of
    -- their own, so that sorting or testing these reads a few pages, not every entry's text
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL,     -- order in the store file
    hash BLOB NOT NULL,            -- of the stored document, as orjson writes it
    key_fold TEXT NOT NULL,
    last_date TEXT,
    list_date TEXT NOT NULL,       -- `list --sort date`: newest digest date, else the day added
    added TEXT NOT NULL,
    title_f TEXT NOT NULL,         -- the first three fields of the folded text (title,
    authors_f TEXT NOT NULL,       -- authors, tags): a word's first field bounds its weight
    tags_f TEXT NOT NULL           -- (`bounded_candidates`)
);
CREATE TABLE texts (id INTEGER PRIMARY KEY, folded TEXT NOT NULL);  -- search.searchable_text
CREATE TABLE stored (id INTEGER PRIMARY KEY, doc BLOB NOT NULL);    -- the stored document (orjson)
CREATE TABLE bibtex (
    hash BLOB NOT NULL,            -- of the stored document
    variant TEXT NOT NULL,         -- profile, options and readlist version
    text TEXT NOT NULL,            -- one checked BibTeX block
    warnings BLOB NOT NULL,        -- JSON list of strings
    checksum INTEGER NOT NULL,     -- CRC-32 of text and warnings: a damaged row is never used
    PRIMARY KEY (hash, variant)
);
CREATE INDEX docs_by_date ON docs (list_date DESC, key_fold, position);
CREATE INDEX docs_by_added ON docs (added DESC, key_fold, position);
CREATE INDEX docs_by_key ON docs (key_fold, position);
"""
#: `list` sorts the index answers in SQL: the column of each such sort.
SORT_COLUMNS = {"date": "list_date", "added": "added", "key": "key_fold"}


#: The weight of the first field a word occurs in, weighted as `search.FIELD_WEIGHTS`.
#: Parameters: the word and the weight of title, authors and tags, then the rest's weight.
_FIRST_FIELD_WEIGHT = (
    "(CASE WHEN instr(title_f, ?) THEN ? WHEN instr(authors_f, ?) THEN ? WHEN instr(tags_f, ?) THEN ? ELSE ? END)"
)


#: The folded fields kept in columns of their own, best first (`search.FIELD_WEIGHTS`).
_FIELD_COLUMNS = ("title_f", "authors_f", "tags_f")


def search_field_weights() -> tuple[float, float, float, float]:
    """Title, authors, tags, and the rest: the weights `_FIRST_FIELD_WEIGHT` takes."""
    title, authors, tags, *rest = FIELD_WEIGHTS
    assert len(set(rest)) == 1, "comment, notes and abstract weigh the same"
    return title, authors, tags, rest[0]


def index_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + SUFFIX)


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


@dataclass(frozen=True, slots=True)
class _Identity:
    device: int
    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, stat: os.stat_result) -> _Identity:
        return cls(stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)

    def encode(self) -> bytes:
        return orjson.dumps([self.device, self.inode, self.size, self.mtime_ns, self.ctime_ns])


class _Row(Candidate):
    """A search candidate read from the index: it knows its row, and fetches its folded text
    when it was not read with it."""

    __slots__ = ("_fetch", "row_id")

    def __init__(
        self,
        row_id: int,
        key: str,
        last_date: str | None,
        build: Callable[[], Entry],
        folded: str | None,
        fetch: Callable[[int], str] | None = None,
    ) -> None:
        super().__init__(key, last_date, build, folded)
        self.row_id = row_id
        self._fetch = fetch

    def everything(self) -> str:
        if self._everything is None and self._fetch is not None:
            self._everything = self._fetch(self.row_id)
        return super().everything()


class Index:
    """An index known to match the store file it was opened for."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM docs").fetchone()[0])

    def keys(self) -> list[str]:
        return [key for (key,) in self._db.execute("SELECT key FROM docs ORDER BY position")]

    def get(self, key: str) -> Entry | None:
        row = self._db.execute("SELECT doc FROM docs JOIN stored USING (id) WHERE key = ?", (key,)).fetchone()
        return None if row is None else _entry(row[0])

    def candidates(self, words: Iterable[str] = ()) -> Iterator[Candidate]:
        """The entries as the search reads them, their folded text ready; with `words`, only
        those whose folded text contains each of them (a test at C speed, in SQLite). Each
        becomes an entry only when asked, while the index is open."""
        words = list(words)
        where = " AND ".join(["instr(folded, ?) > 0"] * len(words)) or "1"
        rows = self._db.execute(
            f"SELECT id, key, last_date, folded FROM docs JOIN texts USING (id) WHERE {where}", words
        )  # only placeholders in the text
        for row_id, key, last_date, folded in rows:
            yield _Row(row_id, key, last_date, self._builder(row_id), folded)

    def preload(self, candidates: list[Candidate]) -> None:
        """Build the entries of candidates from `candidates()` in one query."""
        rows = {row.row_id: row for row in candidates if isinstance(row, _Row)}
        ids = list(rows)
        for start in range(0, len(ids), _IDS_AT_ONCE):
            chunk = ids[start : start + _IDS_AT_ONCE]
            marks = ", ".join("?" * len(chunk))
            for row_id, doc in self._db.execute(f"SELECT id, doc FROM stored WHERE id IN ({marks})", chunk):
                rows[row_id].provide(_entry(doc))

    def bounded_candidates(self, words: list[str]) -> Iterator[tuple[float, Candidate]]:
        """The entries whose folded text contains every word, each with an upper bound of its
        score (for each word, the weight of the first field it occurs in), ordered by bound
        and newest date, descending, then key: what `search.rank_first` reads. Only the rows
        it reads have their folded text fetched."""
        if len(words) == 1:
            yield from self._bounded_by_field(words[0])
            return
        bound = " + ".join([_FIRST_FIELD_WEIGHT] * len(words)) or "0"
        where = " AND ".join(["instr(folded, ?) > 0"] * len(words)) or "1"
        sql = (
            f"SELECT id, key, last_date, {bound} AS bound FROM docs JOIN texts USING (id) WHERE {where}"
            " ORDER BY bound DESC, coalesce(last_date, '') DESC, key"
        )
        title, authors, tags, rest = search_field_weights()
        weights = [(word, title, word, authors, word, tags, rest) for word in words]
        for row_id, key, last_date, score_bound in self._db.execute(sql, [*chain(*weights), *words]):
            yield float(score_bound), _Row(row_id, key, last_date, self._builder(row_id), None, self._folded)

    def _bounded_by_field(self, word: str) -> Iterator[tuple[float, Candidate]]:
        """`bounded_candidates` of one word, one field at a time, best first: the entries with
        the word in the title, then in the authors, the tags, the rest. A field's query runs
        only when the ones before did not give enough, so a word in many titles never has
        the whole folded text scanned."""
        absent: list[str] = []
        for column, weight in zip((*_FIELD_COLUMNS, "folded"), search_field_weights(), strict=True):
            # The last query reads the folded text with the rows: each of them needs it.
            text, tables = ("folded", "docs JOIN texts USING (id)") if column == "folded" else ("NULL", "docs")
            where = " AND ".join([*absent, f"instr({column}, ?) > 0"])
            sql = (
                f"SELECT id, key, last_date, {text} FROM {tables} WHERE {where}"
                " ORDER BY coalesce(last_date, '') DESC, key"
            )
            for row_id, key, last_date, folded in self._db.execute(sql, [word] * (len(absent) + 1)):
                yield weight, _Row(row_id, key, last_date, self._builder(row_id), folded, self._folded)
            absent.append(f"instr({column}, ?) = 0")

    def _folded(self, row_id: int) -> str:
        (folded,) = self._db.execute("SELECT folded FROM texts WHERE id = ?", (row_id,)).fetchone()
        return str(folded)

    def _builder(self, row_id: int) -> Callable[[], Entry]:
        def build() -> Entry:
            (doc,) = self._db.execute("SELECT doc FROM stored WHERE id = ?", (row_id,)).fetchone()
            return _entry(doc)

        return build

    def listed(self, sort: str, descending: bool, limit: int | None) -> list[Entry]:
        """All entries in `list`'s order for one of `SORT_COLUMNS` (ties: by key, A to Z, then
        in store order), at most `limit`; only those become entries."""
        column = SORT_COLUMNS[sort]  # a name of ours, never the user's text
        direction = "DESC" if descending else "ASC"
        sql = f"SELECT doc FROM docs JOIN stored USING (id) ORDER BY {column} {direction}, key_fold, position LIMIT ?"
        return [_entry(doc) for (doc,) in self._db.execute(sql, (-1 if limit is None else limit,))]

    def hashed(self) -> list[tuple[str, bytes, Callable[[], Entry]]]:
        """(key, document hash, entry when asked for) of every entry, by key."""
        rows = self._db.execute("SELECT id, key, hash FROM docs ORDER BY key")
        return [(key, doc_hash, self._builder(row_id)) for row_id, key, doc_hash in rows]

    def bibtex(self, variant: str) -> dict[bytes, tuple[str, list[str]]]:
        """The cached BibTeX of `variant` (text, warnings) by document hash; damaged rows left out."""
        found: dict[bytes, tuple[str, list[str]]] = {}
        rows = self._db.execute("SELECT hash, text, warnings, checksum FROM bibtex WHERE variant = ?", (variant,))
        for doc_hash, text, warnings, check in rows:
            if isinstance(text, str) and isinstance(warnings, bytes) and _bibtex_check(text, warnings) == check:
                found[doc_hash] = (text, orjson.loads(warnings))
        return found

    def remember_bibtex(self, variant: str, blocks: Iterable[tuple[bytes, str, list[str]]]) -> None:
        """Cache checked BibTeX blocks by document hash; a cache that cannot be written is skipped."""
        rows = []
        for doc_hash, text, warnings in blocks:
            encoded = orjson.dumps(warnings)
            rows.append((doc_hash, variant, text, encoded, _bibtex_check(text, encoded)))
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany("INSERT OR REPLACE INTO bibtex VALUES (?, ?, ?, ?, ?)", rows)
        except sqlite3.Error:
            pass  # a cache is optional: the export is complete without it


def document_hash(doc: dict[str, Any]) -> bytes:
    """The hash an entry's stored document is known by here (its orjson bytes)."""
    return _digest(orjson.dumps(doc))


def _bibtex_check(text: str, warnings: bytes) -> int:
    """A checksum that tells a damaged cached block (CRC-32: fast, and enough for damage)."""
    return zlib.crc32(warnings, zlib.crc32(text.encode("utf-8", "surrogatepass")))


def _entry(doc: bytes) -> Entry:
    return Entry.from_dict(orjson.loads(doc))


@contextmanager
def open_index(store_path: Path) -> Iterator[Index | None]:
    """The index of the store at `store_path`, up to date; None when there is none to be had
    (no store, a store readlist cannot read, an index that cannot be written)."""
    try:
        connection = _fresh(store_path)
    except (sqlite3.Error, OSError, StoreError, MalformedEntry, ValueError, TypeError, KeyError):
        connection = None
    if connection is None:
        yield None
        return
    with closing(connection):
        yield Index(connection)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    connection.execute("PRAGMA synchronous = OFF")  # derived data: a crash costs a rebuild
    return connection


def _fresh(store_path: Path) -> sqlite3.Connection | None:
    """A connection to an index matching the store, brought up to date first if it is not."""
    if not store_path.is_file():
        return None
    identity = _Identity.of(store_path.stat())
    path = index_path(store_path)
    connection: sqlite3.Connection | None = None
    if path.exists():
        try:
            connection = _connect(path)
            if _matches(connection, store_path, identity):
                return connection
        except sqlite3.DatabaseError:  # not an index (damaged, or another file): start again
            if connection is not None:
                connection.close()
            connection = None
            path.unlink()
    created = connection is None
    try:
        if connection is None:
            _create_like(path, store_path)
            connection = _connect(path)
        _update(connection, store_path)
    except BaseException:
        if connection is not None:
            connection.close()
        if created:
            with suppress(OSError):
                path.unlink()  # an index this command started and could not finish
        raise
    return connection


def _create_like(path: Path, store_path: Path) -> None:
    """An empty index file no more readable than the store: it holds the same entries."""
    mode = store_path.stat().st_mode & 0o666
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    os.close(descriptor)
    os.chmod(path, mode)  # whatever the umask left out was left out of the store already


def _meta(connection: sqlite3.Connection) -> dict[str, Any]:
    return dict(connection.execute("SELECT name, value FROM meta"))


def _matches(connection: sqlite3.Connection, store_path: Path, identity: _Identity) -> bool:
    meta = _meta(connection)
    if meta.get("format") != FORMAT or meta.get("identity") != identity.encode():
        return False
    read_at = meta.get("read_at")
    if isinstance(read_at, int) and identity.mtime_ns < read_at - RACY_NANOSECONDS:
        return True
    checked_at = time.time_ns()
    if _digest(store_path.read_bytes()) != meta.get("content"):
        return False
    if identity.mtime_ns < checked_at - RACY_NANOSECONDS:  # no longer racy: say so, once
        with suppress(sqlite3.Error):
            connection.execute("UPDATE meta SET value = ? WHERE name = 'read_at'", (checked_at,))
    return True


def _update(connection: sqlite3.Connection, store_path: Path) -> None:
    """Make the index match the store file, working out again only the entries that changed."""
    read_at = time.time_ns()
    with open(store_path, "rb") as file:
        before = _Identity.of(os.fstat(file.fileno()))
        raw = file.read()
        if _Identity.of(os.fstat(file.fileno())) != before:
            raise StoreError(f"{store_path} changed while it was read")
    content = _digest(raw)
    docs = parse_store(store_path, raw)
    del raw  # the parsed documents are all that is needed now: at 100k entries, 190 MB less
    with connection:
        connection.execute("BEGIN IMMEDIATE")
        if _meta_or_none(connection) is None or _meta(connection).get("format") != FORMAT:
            for table in ("meta", "docs", "texts", "stored", "bibtex"):
                connection.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
        known = {key: (doc_hash, position) for key, doc_hash, position in connection.execute(_KNOWN)}
        placed: dict[str, int] = {}  # key -> position: a key stored twice keeps its first place, its last document
        changed: list[tuple[Any, ...]] = []
        for position, doc in enumerate(docs):
            key = doc["key"]
            if key in placed:  # stored twice: the later document replaces the row just made
                _insert(connection, changed)
            position = placed.setdefault(key, position)
            encoded = orjson.dumps(doc)
            doc_hash = _digest(encoded)
            old = known.get(key)
            if old == (doc_hash, position):
                continue
            if old is not None and old[0] == doc_hash:
                connection.execute("UPDATE docs SET position = ? WHERE key = ?", (position, key))
                continue
            if old is not None:
                _delete(connection, [key])
            known[key] = (doc_hash, position)
            changed.append(_row(key, position, doc_hash, encoded, doc))
            if len(changed) >= _BATCH:
                _insert(connection, changed)
        _insert(connection, changed)
        del docs
        _delete(connection, [key for key in known if key not in placed])
        connection.execute("DELETE FROM bibtex WHERE hash NOT IN (SELECT hash FROM docs)")
        facts = {"format": FORMAT, "identity": before.encode(), "content": content, "read_at": read_at}
        connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", facts.items())


_KNOWN = "SELECT key, hash, position FROM docs"
_IDS_AT_ONCE = 500  # below SQLite's limit on parameters
_BATCH = 2000  # rows worked out before they are written: memory stays flat


def _insert(connection: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    """Insert rows of `_row`: (key, position, hash, document, folded text, small columns ...)."""
    connection.executemany(
        "INSERT INTO docs (key, position, hash, title_f, authors_f, tags_f, key_fold, last_date, list_date, added)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(key, position, doc_hash, *small) for key, position, doc_hash, _, _, *small in rows],
    )
    ids = "(SELECT id FROM docs WHERE key = ?)"
    connection.executemany(f"INSERT INTO texts VALUES ({ids}, ?)", [(row[0], row[4]) for row in rows])
    connection.executemany(f"INSERT INTO stored VALUES ({ids}, ?)", [(row[0], row[3]) for row in rows])
    rows.clear()


def _delete(connection: sqlite3.Connection, keys: list[str]) -> None:
    for table in ("texts", "stored", "docs"):
        column = "id IN (SELECT id FROM docs WHERE key = ?)" if table != "docs" else "key = ?"
        connection.executemany(f"DELETE FROM {table} WHERE {column}", [(key,) for key in keys])


def _meta_or_none(connection: sqlite3.Connection) -> dict[str, Any] | None:
    exists = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    return _meta(connection) if exists else None


def _row(key: str, position: int, doc_hash: bytes, encoded: bytes, doc: dict[str, Any]) -> tuple[Any, ...]:
    entry = Entry.from_dict(doc)
    last_date = entry.last_date
    folded = searchable_text(entry)
    fields = folded.split(FIELD_BREAK)
    # A field holding the break itself cannot be cut out: the whole text bounds it from above.
    title, authors, tags = fields[:3] if len(fields) == len(FIELD_WEIGHTS) else (folded, "", "")
    return (
        key,
        position,
        doc_hash,
        encoded,
        folded,
        title,
        authors,
        tags,
        key.casefold(),
        last_date,
        last_date or entry.added[:10],
        entry.added,
    )
