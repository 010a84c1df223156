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


# -- 2. LaTeX that pylatexenc cannot decode -------------------------------------------------
UNDECODABLE = [
    pytest.param(r"see \href{https://x.org}{the site}", id="href"),
    pytest.param(r"\textcolor", id="textcolor_without_arguments"),
    pytest.param(r"\colorbox{red}", id="colorbox_missing_argument"),
    pytest.param(r"\sqrt", id="bare_sqrt"),
    pytest.param(r"a\footnote", id="footnote"),
    pytest.param(r"\date", id="date"),
    pytest.param(r"\title", id="title"),
    pytest.param(r"\author", id="author"),
    pytest.param(r"\begin{array} x", id="unclosed_array"),
    pytest.param("{" * 250 + "deep" + "}" * 250, id="nesting_250"),
    pytest.param(r"\url", id="bare_url_warns"),
]


@pytest.mark.parametrize("latex", UNDECODABLE)
def test_a_field_that_cannot_be_decoded_is_kept_and_reported_at_its_line(cli, tmp_path: Path, latex: str) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{first, title = {Fine}, year = {2020}}\n\n"
        f"@article{{odd,\n  title = {{Odd}},\n  note = {{{latex}}},\n  year = {{2021}},\n}}\n",
        encoding="utf-8",
    )
    digest = tmp_path / "d.txt"
    digest.write_text("Vision\n\n2023-12-16 更新\n\nA Digest Paper\n\nAuthors:Ann Lee\n\nText.\n", encoding="utf-8")
    result = cli("import", str(bib), str(digest), ok=False)
    assert result.exit_code == ExitCode.PROBLEMS, result.stderr
    assert "Traceback" not in result.stderr and "WARNING" not in result.stderr
    assert "refs.bib:5: odd: field 'note' has LaTeX it cannot read" in result.stderr
    assert sorted(cli("list", "--keys").stdout.split()) == ["first", "lee2023digest", "odd"]
    assert cli("export", "odd").exit_code == 0


def test_an_undecodable_title_is_kept_as_written(cli, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{k, title = {Links \\href{https://x.org}{here}}, year = {2022}}\n", encoding="utf-8")
    result = cli("import", str(bib), ok=False)
    assert "refs.bib:1: k: field 'title' has LaTeX it cannot read" in result.stderr
    assert cli.json("show", "k")["title"] == "Links \\href{https://x.org}{here}"
