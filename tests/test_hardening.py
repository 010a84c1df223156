"""The hardening issue: each case names what went wrong before its fix (see CHANGELOG)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from readlist.errors import ExitCode

PAPERS = [
    ("Sparse Register Tokens", "Ana Aubert, Bo Chen", "Tokens.", "Accepted by AAAI 2024"),
    ("Learning to Queue", "Bo Chen", "Queues.", None),
]


@pytest.fixture
def library(cli, write_digest) -> list[str]:
    cli("import", str(write_digest("d.txt", "Vision", "2023-12-16", PAPERS)))
    return sorted(cli("list", "--keys").stdout.split())


def _drain(fifo: Path, got: list[bytes]) -> threading.Thread:
    """A reader at the other end of `fifo`, so that a writer can open it."""

    def read() -> None:
        with open(fifo, "rb") as end:
            got.append(end.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


# -- 1. outputs and stores that are not regular files -----------------------------------------
def test_export_to_a_fifo_writes_into_it_and_leaves_it_a_fifo(cli, library, tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    result = cli("export", "-o", str(fifo))
    reader.join(10)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert "Wrote 2 entries" in result.stderr
    assert got and got[0].decode().count("@") == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.fifo")]


def test_export_to_dash_is_stdout(cli, library, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("export", "-o", "-", "--format", "csv")
    assert result.stdout.startswith("key,title") and not (tmp_path / "-").exists()


def test_export_to_a_directory_is_refused(cli, library, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    result = cli("export", "-o", str(folder), ok=False)
    assert result.exit_code == ExitCode.INVALID_INPUT and "is a directory" in result.stderr
    assert folder.is_dir()


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_a_store_that_is_not_a_regular_file_is_refused_and_never_written(
    cli, tmp_path: Path, monkeypatch, kind
) -> None:
    store = tmp_path / "odd-store"
    if kind == "fifo":
        os.mkfifo(store)  # reading it would block, writing would replace it: neither happens
    else:
        store.mkdir()
    monkeypatch.setenv("READLIST_DB", str(store))
    for args in (["add", "--title", "A Paper", "--author", "Ann Lee"], ["list"]):
        result = cli(*args, ok=False)
        assert result.exit_code == ExitCode.STORE, result.stderr
        assert (
            f"the store must be a regular file, this is a {'FIFO' if kind == 'fifo' else 'directory'}" in result.stderr
        )
    assert stat.S_ISFIFO(store.stat().st_mode) if kind == "fifo" else store.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "odd-store"]
