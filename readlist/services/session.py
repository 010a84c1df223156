"""The store a use case works on: the file named by `--db`, else the default one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from readlist.errors import NotFound
from readlist.store import Store as Store  # the type of what `reading`/`writing` give
from readlist.store import default_path, open_store


def store_path(db: Path | None) -> Path:
    """`--db` as given, else `READLIST_DB`, else the user data dir's `readlist.json`."""
    return db if db is not None else default_path()


@contextmanager
def reading(db: Path | None) -> Iterator[Store]:
    """The store, for reading; one that does not exist is an error (a typo in --db), never made."""
    path = require_store(db)
    with open_store(path) as store:
        yield store


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
