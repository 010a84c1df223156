"""The store a use case works on: the file named by `--db`, else the default one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from readlist.errors import NotFound
from readlist.store import Store as Store  # the type of what `reading`/`writing` give
from readlist.store import default_path, open_store

if TYPE_CHECKING:
    from readlist.index import Index

#: Set (to anything but "" or "0") to read the store itself, never its derived index.
NO_INDEX_VARIABLE = "READLIST_NO_INDEX"


def store_path(db: Path | None) -> Path:
    """`--db` as given, else `READLIST_DB`, else the config file's `db`, else the user data dir's
    `readlist.json`."""
    return store_choice(db)[0]


def store_choice(db: Path | None) -> tuple[Path, str]:
    """The store and what chose it; the config file is read only when neither `--db` nor
    `READLIST_DB` names one."""
    if db is not None:
        return db, "--db"
    if os.environ.get("READLIST_DB"):
        return default_path(), "$READLIST_DB"
    from readlist import config

    configured = config.load().db
    return (configured, "config") if configured is not None else (default_path(), "default")


@contextmanager
def reading(db: Path | None) -> Iterator[Store]:
    """The store, for reading; one that does not exist is an error (a typo in --db), never made."""
    path = require_store(db)
    with open_store(path) as store:
        yield store


@contextmanager
def indexed(db: Path | None) -> Iterator[Index | None]:
    """The store's derived index, up to date, for reading; None when there is none to be had
    (`READLIST_NO_INDEX`, a directory readlist cannot write, a store it cannot read): the
    caller then reads the store with `reading`, which also reports what is wrong with it."""
    path = require_store(db)
    if os.environ.get(NO_INDEX_VARIABLE, "") not in ("", "0"):
        yield None
        return
    from readlist.index import open_index  # sqlite3: only for the commands that read through it

    with open_index(path) as index:
        yield index


def require_store(db: Path | None) -> Path:
    """The store's path; one that does not exist is an error (a typo in --db), never made."""
    path = store_path(db)
    if not path.exists() and not path.is_symlink():
        raise NotFound(
            f"no reading list at {path} yet (a typo in --db?); `readlist import` or `readlist add` starts one"
        )
    return path


@contextmanager
def writing(db: Path | None) -> Iterator[Store]:
    """The store, locked; what the block saves is written when it ends without an error."""
    with open_store(store_path(db), write=True) as store:
        yield store
