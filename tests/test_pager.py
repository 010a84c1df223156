"""Long output in a terminal goes through a pager, as git's does; never into a pipe."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from readlist.output.render import pager_command

FAKE_PAGER = '#!/bin/sh\necho "LESS=$LESS" > "$PAGED_TO"\ncat >> "$PAGED_TO"\n'


@pytest.mark.parametrize(
    ("environ", "command"),
    [
        pytest.param({}, ["less"], id="less_by_default"),
        pytest.param({"PAGER": "most -s"}, ["most", "-s"], id="pager"),
        pytest.param({"PAGER": "most", "READLIST_PAGER": "bat --plain"}, ["bat", "--plain"], id="readlist_pager_wins"),
        pytest.param({"PAGER": "cat"}, None, id="cat_is_none"),
        pytest.param({"PAGER": ""}, None, id="empty_is_none"),
        pytest.param({"PAGER": "less", "READLIST_PAGER": ""}, None, id="empty_readlist_pager_is_none"),
    ],
)
def test_the_pager_is_chosen_as_git_chooses(environ: dict[str, str], command: list[str] | None) -> None:
    assert pager_command(environ) == command


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store of 30 papers: more lines than a 10-line terminal holds."""
    db = tmp_path / "store.json"
    digest = tmp_path / "d.txt"
    papers = "".join(f"Paper Number {n}\n\nAuthors:Ann Lee\n\nAbstract {n}.\n\n\n" for n in range(30))
    digest.write_text(f"Topic\n\n2024-05-06 更新\n\n{papers}", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "readlist", "--db", str(db), "import", str(digest)], check=True)
    return db


def in_terminal(args: list[str], env: dict[str, str], timeout: float = 30.0) -> str:
    """Run readlist with a 100x10 pseudo-terminal as stdout; what the terminal showed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "readlist", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "COLUMNS": "100", "LINES": "10", "TERM": "xterm", **env},
    )
    os.close(follower)
    screen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            screen += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=5)
    os.close(leader)
    assert proc.returncode == 0, screen
    return screen.decode("utf-8", "replace")


@pytest.fixture
def pager_env(tmp_path: Path) -> dict[str, str]:
    pager = tmp_path / "fake-pager"
    pager.write_text(FAKE_PAGER)
    pager.chmod(0o755)
    environ = {"READLIST_PAGER": str(pager), "PAGED_TO": str(tmp_path / "paged.txt")}
    return environ


@pytest.mark.slow
def test_long_output_in_a_terminal_goes_through_the_pager(store: Path, pager_env: dict[str, str]) -> None:
    screen = in_terminal(["--db", str(store), "list"], {**pager_env, "LESS": ""})
    paged = Path(pager_env["PAGED_TO"]).read_text(encoding="utf-8")
    assert "Paper Number 29" in paged and "Paper Number 0" in paged
    assert "Paper Number" not in screen  # the table went to the pager, not past it
    assert paged.startswith("LESS=\n")  # a LESS the user set (even empty) is kept


@pytest.mark.slow
def test_less_gets_frx_when_less_is_unset(
    store: Path, pager_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LESS", raising=False)
    in_terminal(["--db", str(store), "list"], pager_env)
    assert Path(pager_env["PAGED_TO"]).read_text(encoding="utf-8").startswith("LESS=FRX\n")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "env"),
    [
        pytest.param(["--no-pager", "list"], {}, id="no_pager_option"),
        pytest.param(["list"], {"READLIST_PAGER": ""}, id="empty_readlist_pager"),
        pytest.param(["list"], {"READLIST_PAGER": "cat"}, id="readlist_pager_cat"),
        pytest.param(["tags"], {}, id="output_shorter_than_the_terminal"),
    ],
)
def test_no_pager_when_switched_off_or_not_needed(
    store: Path, pager_env: dict[str, str], args: list[str], env: dict[str, str]
) -> None:
    if args == ["tags"]:
        subprocess.run(
            [sys.executable, "-m", "readlist", "--db", str(store), "tag", "lee2024paper", "-t", "x"], check=True
        )
    screen = in_terminal(["--db", str(store), *args], {**pager_env, **env})
    assert not Path(pager_env["PAGED_TO"]).exists()
    assert ("Paper Number 29" if args != ["tags"] else "x") in screen


@pytest.mark.slow
def test_never_a_pager_into_a_pipe_or_a_file(store: Path, pager_env: dict[str, str]) -> None:
    for forced in ("0", "1"):  # lines, or the table a terminal would get
        env = {**os.environ, **pager_env, "TTY_COMPATIBLE": forced, "LINES": "10"}
        printed = subprocess.run(
            [sys.executable, "-m", "readlist", "--db", str(store), "list", "--limit", "30"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "Paper Number 29" in printed
    assert not Path(pager_env["PAGED_TO"]).exists()


@pytest.mark.slow
def test_a_pager_that_cannot_start_prints_the_output_anyway(store: Path, tmp_path: Path) -> None:
    screen = in_terminal(["--db", str(store), "list"], {"READLIST_PAGER": str(tmp_path / "no-such-pager")})
    assert "Paper Number 29" in screen


def test_no_pager_holds_for_one_command_only(cli) -> None:
    from readlist.output import emit

    cli("add", "--title", "A Paper", "--author", "Ann Lee")
    cli("--no-pager", "list")
    assert emit._paging["on"] is False
    cli("list")  # the next command in the same process pages again
    assert emit._paging["on"] is True


@pytest.mark.slow
def test_with_a_pager_the_table_shows_every_row(tmp_path: Path, pager_env: dict[str, str]) -> None:
    from readlist.output.emit import TABLE_ROWS

    db = tmp_path / "many.json"
    digest = tmp_path / "many.txt"
    papers = "".join(f"Paper Number {n}\n\nAuthors:Ann Lee\n\nAbstract {n}.\n\n\n" for n in range(TABLE_ROWS + 5))
    digest.write_text(f"Topic\n\n2024-05-06 更新\n\n{papers}", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "readlist", "--db", str(db), "import", str(digest)], check=True)
    screen = in_terminal(["--db", str(db), "list"], pager_env)
    paged = Path(pager_env["PAGED_TO"]).read_text(encoding="utf-8")
    assert paged.count("Paper Number") == TABLE_ROWS + 5 and "Showing" not in screen
    unpaged = in_terminal(["--db", str(db), "--no-pager", "list"], pager_env)
    assert unpaged.count("Paper Number") == TABLE_ROWS and f"Showing {TABLE_ROWS} of {TABLE_ROWS + 5}" in unpaged
