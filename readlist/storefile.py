"""The store file's bytes: its schema, its line layout, and the migration from older schemas.

The file is one JSON object that git can diff and merge line by line (`readlist sync`):

    {"meta":{"1":{"schema":2}},
    "entries":{
    "<key>":{"key":"<key>","abstract":...},
    ...
    },
    "removed":{...},
    "conflicts":{...}}

- every document is one line, its id first and, in an entry, its citation key first, then the
  other fields in sorted order (nested objects too);
- the lines of a table are sorted by id, and an entry's id *is* its citation key, so two
  machines that add different papers touch different lines and never pick the same id;
- `removed` rows are named by the paper (`removed_id`), `conflicts` rows by key and field.

Schema 1 (numeric TinyDB ids, insertion order) is read as schema 2 and written as schema 2
by the next command that changes the store. Pure: nothing here touches a disk or tinydb.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from pathlib import Path
from string import ascii_lowercase
from typing import Any

import orjson

from readlist.errors import StoreError

SCHEMA_VERSION = 2
META, ENTRIES, REMOVED, CONFLICTS = "meta", "entries", "removed", "conflicts"
#: The tables of documents, in the order the file holds them (after `meta`).
TABLES = (ENTRIES, REMOVED, CONFLICTS)

Data = dict[str, dict[str, Any]]

#: Fields every stored document must have, by table (an entry's others: `Entry.from_dict`).
_REQUIRED: dict[str, dict[str, type | tuple[type, ...]]] = {
    ENTRIES: {"key": str},
    REMOVED: {"identity": str, "arxiv": (str, type(None))},
    CONFLICTS: {"key": str, "field": str},
}


def new_data() -> Data:
    return {META: {"1": {"schema": SCHEMA_VERSION}}, ENTRIES: {}, REMOVED: {}, CONFLICTS: {}}


def removed_id(paper_identity: str) -> str:
    """The id of a paper's `removed` row: the same paper removed on two machines is one row."""
    return hashlib.blake2b(paper_identity.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


def conflict_id(key: str, field: str) -> str:
    """One row per entry and field, however many merges disagreed about it (keys hold no spaces)."""
    return f"{key} {field}"


def free_key(key: str, taken: set[str]) -> str:
    """`key` + a, b, ... z, aa, ...: the first one whose casefold is not in `taken` (which
    gains it), as `readlist.bib.keys` names a second paper with the same key base."""
    for length in range(1, 8):
        for letters in itertools.product(ascii_lowercase, repeat=length):
            candidate = key + "".join(letters)
            if candidate.casefold() not in taken:
                taken.add(candidate.casefold())
                return candidate
    raise StoreError(f"no free key left for {key!r}")  # 8 billion keys share its base: not a real store


def parse(path: Path, raw: bytes) -> Data:
    """The tables of a store file's bytes, as schema 2; `StoreError` naming `path` and the
    fault for anything that is not a store this readlist can read."""
    if not raw.strip():
        return new_data()
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        hint = "; it holds git conflict markers: `readlist sync` merges it" if b"\n<<<<<<< " in raw else ""
        raise StoreError(f"{path}: the store is not valid JSON ({exc}){hint}; it was left unchanged") from exc
    version = _check_schema(path, data)
    if version == 1:
        return _migrated(data)
    if raw.count(b"\n") != _layout_lines(data):  # not as written: a hand merge may have doubled a line
        _refuse_duplicate_ids(path, raw)
    for table in TABLES:
        data.setdefault(table, {})
    return data  # type: ignore[no-any-return]  # checked by _check_schema


def dump(data: Data) -> Iterator[bytes]:
    """The file's bytes in the layout above, a table line at a time (a large store is never
    one buffer)."""
    meta = orjson.dumps(data.get(META) or {"1": {"schema": SCHEMA_VERSION}}, option=orjson.OPT_SORT_KEYS)
    yield b'{"meta":' + meta + b",\n"
    for position, table in enumerate(TABLES):
        rows = data.get(table) or {}
        end = b"}}\n" if position == len(TABLES) - 1 else b"},\n"
        if not rows:
            yield orjson.dumps(table) + b":{" + end
            continue
        yield orjson.dumps(table) + b":{\n"
        ids = sorted(rows)
        last = len(ids) - 1
        for number, doc_id in enumerate(ids):
            yield orjson.dumps(doc_id) + b":" + document_line(rows[doc_id]) + (b"\n" if number == last else b",\n")
        yield end


def conflict_count(path: Path, raw: bytes) -> int:
    """The rows of the conflicts table: counted from the last table's lines in this layout (a
    100k-paper store is not parsed to count a few rows), else from parsing the file."""
    head = raw.rfind(b'\n"conflicts":{')
    if head >= 0 and raw.endswith(b"}}\n"):
        tail = raw[head + 1 :]  # the last table: a few lines
        if tail == b'"conflicts":{}}\n':
            return 0
        if tail.startswith(b'"conflicts":{\n'):
            return tail.count(b"\n") - 2  # the head line and the closing line
    return len(parse(path, raw).get(CONFLICTS, {}))


def dumps(data: Data) -> bytes:
    return b"".join(dump(data))


def document_line(doc: dict[str, Any]) -> bytes:
    """One document as the file holds it: `key` first (entries), the other fields sorted."""
    if "key" not in doc:
        return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)
    rest = {name: value for name, value in doc.items() if name != "key"}
    head = b'{"key":' + orjson.dumps(doc["key"])
    return head + (b"," + orjson.dumps(rest, option=orjson.OPT_SORT_KEYS)[1:] if rest else b"}")


def _layout_lines(data: dict[str, Any]) -> int:
    """How many lines `dump` writes for these tables."""
    return 1 + sum(len(data.get(table) or {}) + 2 if data.get(table) else 1 for table in TABLES)


def _refuse_duplicate_ids(path: Path, raw: bytes) -> None:
    """JSON readers keep the last of two equal names silently: a store whose text names one
    document twice (a conflict settled by keeping both lines) would lose a paper unseen."""
    import json

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for name, _ in items:
            if name in seen:
                line = _line_of(raw, name)
                raise StoreError(
                    f"{path}:{line}: the store names {name!r} twice (a merge made by hand?); "
                    "remove one of the two lines; it was left unchanged"
                )
            seen.add(name)
        return dict(items)

    json.loads(raw, object_pairs_hook=pairs)


def _line_of(raw: bytes, name: str) -> int:
    """The line of the second `"name":` in the file (1-based), 0 if it cannot be found."""
    needle = orjson.dumps(name) + b":"
    first = raw.find(needle)
    second = raw.find(needle, first + 1) if first >= 0 else -1
    return raw.count(b"\n", 0, second) + 1 if second >= 0 else 0


def _check_schema(path: Path, data: Any) -> int:
    """The schema version of parsed store data, after checking its tables; an error names the
    part and field.

    `{"meta": {"1": {"schema": N}}, "entries": {"<id>": {...}}, "removed": {...}, "conflicts": {...}}`;
    each entry's own fields are checked by `Entry.from_dict` when it is read.
    """

    def refuse(what: str, part: str = "") -> StoreError:
        found = "the store holds a malformed entry" if part == ENTRIES else "not a readlist store"
        return StoreError(f"{path}: {found} ({what}); it was left unchanged")

    if not isinstance(data, dict):
        raise refuse(f"the file holds a JSON {type(data).__name__}, not an object")
    meta = data.get(META)
    if not isinstance(meta, dict) or not isinstance(meta.get("1"), dict) or "schema" not in meta["1"]:
        raise refuse(f'no schema version: \'{META}\' must be {{"1": {{"schema": {SCHEMA_VERSION}}}}}')
    version = meta["1"]["schema"]
    if isinstance(version, float) and version.is_integer() and version > SCHEMA_VERSION:
        version = int(version)  # orjson reads integers beyond 64 bits as floats
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise refuse(f"'{META}' field 'schema' is {version!r}, not a schema version")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: written by a newer readlist (schema {version}, this one reads "
            f"{SCHEMA_VERSION}); it was left unchanged"
        )
    for part in TABLES:
        if part not in data and part != ENTRIES:
            continue
        table = data.get(part)
        if not isinstance(table, dict):
            raise refuse(f"'{part}' must be an object of documents, not {type(table).__name__}")
        for doc_id, doc in table.items():
            if not isinstance(doc, dict) or (version == 1 and not doc_id.isdigit()):
                raise refuse(f"'{part}' document {doc_id!r} must be an object under a numeric id", part)
            problem = document_problem(part, doc_id, doc, version)
            if problem is not None:
                raise refuse(problem, part)
    return version


def document_problem(table: str, doc_id: str, doc: Any, version: int = SCHEMA_VERSION) -> str | None:
    """What makes one document of a table unreadable (its required fields), None if nothing;
    an entry's other fields are `Entry.check_stored`'s."""
    if not isinstance(doc, dict):
        return f"'{table}' document {doc_id!r} must be an object"
    for name, types in _REQUIRED[table].items():
        if not isinstance(doc.get(name), types) or isinstance(doc.get(name), bool):
            return f"'{table}' document {doc_id}: field {name!r} is {doc.get(name)!r}"
    if version > 1 and table == ENTRIES and doc["key"] != doc_id:
        return f"'{table}' document {doc_id!r} holds the key {doc['key']!r}"
    return None


def _migrated(old: dict[str, Any]) -> Data:
    """Schema 1 as schema 2: entries under their keys (a key held twice keeps both papers, the
    later one under a free suffix), one `removed` row per paper (its latest removal)."""
    data = new_data()
    data[META]["1"] = {**old[META]["1"], "schema": SCHEMA_VERSION}
    entries = data[ENTRIES]
    docs = sorted(old.get(ENTRIES, {}).items(), key=lambda item: int(item[0]))
    taken = {doc["key"].casefold() for _, doc in docs}
    for _, doc in docs:
        key = doc["key"]
        if key in entries:
            key = free_key(key, taken)
            doc = {**doc, "key": key}
        entries[key] = doc
    removed = data[REMOVED]
    for row in old.get(REMOVED, {}).values():
        row_id = removed_id(row["identity"])
        if row_id not in removed or str(row.get("at", "")) >= str(removed[row_id].get("at", "")):
            removed[row_id] = row
    return data
