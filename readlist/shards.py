"""The store as a synced repository holds it: the store file cut into 4,096 small files.

git does all its work (hashing, compressing, finding deltas, sending) a whole file at a time,
so a store of 100k papers kept as one 190 MB file costs a sync a minute whatever changed. Cut
by a hash of the citation key, a sync that changes 400 papers changes at most 400 files of
~50 KB, and git's work follows what changed.

    store/meta.json          the store's meta document (schema, last import), no documents
    store/3f/a.json          the documents whose bucket is 0x3fa, in `storefile`'s layout

Every file is a store file in its own right (`storefile`'s layout, with a meta document that
names only the schema), so git's merge driver merges one like a whole store. An entry and its
conflict rows share the bucket of the entry's key; a removed row goes by its own id. Only
buckets that hold documents have a file.

Pure: bytes in, bytes out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from readlist import storefile
from readlist.errors import StoreError
from readlist.merge import Layout, Lines, dump_layout, read_layout
from readlist.storefile import CONFLICTS, TABLES

DIRECTORY = "store"
META_FILE = f"{DIRECTORY}/meta.json"
#: 16 x 256: a file holds ~25 papers of a 100k store, and a folder 16 files.
_BUCKET_BITS = 12
_SCHEMA_ONLY = {"1": {"schema": storefile.SCHEMA_VERSION}}


def shard_path(table: str, doc_id: str) -> str:
    """The file a document lives in: its bucket's, from the key it belongs to (casefolded, as
    keys that differ only in case are one key)."""
    key = doc_id.split(" ", 1)[0] if table == CONFLICTS else doc_id
    digest = hashlib.blake2b(key.casefold().encode("utf-8", "surrogatepass"), digest_size=2).digest()
    bucket = int.from_bytes(digest, "big") >> (16 - _BUCKET_BITS)
    return f"{DIRECTORY}/{bucket >> 4:02x}/{bucket & 0xF:x}.json"


def is_shard(path: str) -> bool:
    return path.startswith(DIRECTORY + "/") and path.endswith(".json")


def split(layout: Layout) -> dict[str, bytes]:
    """The files of the repository's `store/` folder for a store (`merge.read_layout`), by path."""
    meta, tables = layout
    buckets: dict[str, Lines] = {}
    for table in TABLES:
        for doc_id, line in tables.get(table, {}).items():
            rows = buckets.setdefault(shard_path(table, doc_id), {name: {} for name in TABLES})
            rows[table][doc_id] = line
    files = {path: b"".join(dump_layout((_SCHEMA_ONLY, rows))) for path, rows in buckets.items()}
    files[META_FILE] = b"".join(dump_layout((meta, {name: {} for name in TABLES})))
    return files


def join(files: Mapping[str, bytes] | Iterable[tuple[str, bytes]], prefix: str = "") -> Layout:
    """The store those files hold (the reverse of `split`): `StoreError`, naming the file (after
    `prefix`, such as `origin/main:`), for a file that is not a store this readlist reads or a
    document two files hold."""
    items = files.items() if isinstance(files, Mapping) else files
    meta = None
    tables: Lines = {name: {} for name in TABLES}
    seen_in: dict[tuple[str, str], str] = {}
    for path, raw in sorted(items, key=lambda item: item[0]):
        if not is_shard(path):
            continue
        file_meta, file_tables = read_layout(Path(prefix + path), raw)
        if path == META_FILE:
            meta = file_meta
        for table, rows in file_tables.items():
            into = tables[table]
            for doc_id, line in rows.items():
                if doc_id in into:
                    raise StoreError(
                        f"{prefix}{path}: document {doc_id!r} of {table} is in {seen_in[table, doc_id]} too; "
                        f"remove one of the two lines"
                    )
                into[doc_id] = line
                seen_in[table, doc_id] = path
    if meta is None:
        raise StoreError(f"{prefix}{META_FILE}: missing, so this is not a list readlist shares")
    return meta, tables
