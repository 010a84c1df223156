"""Run work over two halves of a list at once: the first here, the second in a forked process.

The second process is forked, not spawned, so that it reads its half from memory it already
shares with this one instead of having the entries pickled to it: only the slice bounds go to
it and its result comes back. That sets one ordering constraint: `ProcessPoolExecutor` forks
its worker at the first `submit()`, so `_shared` must hold the items and the work *before*
`submit()` is called, and must not change until the result is in.

Where there is no fork (Windows; a Python built without it), or on one CPU, both halves run
here one after the other: the same result, without the speed-up.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: What the forked worker reads: (items, work). Set only around one `in_two` call.
_shared: tuple[list[Any], Callable[[list[Any]], Any]] | None = None


def can_fork() -> bool:
    """Whether a second process can be forked here, and a second CPU would run it."""
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) >= 2


def in_two(items: list[T], work: Callable[[list[T]], R]) -> list[R]:
    """`[work(first half), work(second half)]`, the halves at once when `can_fork()`.

    `work` must be pure: in the forked process its side effects are lost.
    """
    middle = len(items) // 2
    if not can_fork():
        return [work(items[:middle]), work(items[middle:])]
    from concurrent.futures import ProcessPoolExecutor

    global _shared
    _shared = (items, work)  # before submit(): the worker is forked with this in its memory
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            later = pool.submit(_work_on_slice, middle, len(items))
            first = work(items[:middle])
            return [first, later.result()]
    finally:
        _shared = None


def _work_on_slice(start: int, stop: int) -> Any:
    """In the forked process: the work on a slice of the items it inherited."""
    assert _shared is not None, "in_two() forks only after it has set _shared"
    items, work = _shared
    return work(items[start:stop])
