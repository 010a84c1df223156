"""What only happens in a real terminal: prompts, confirmations and the progress bar."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs readlist as a process (or the whole CLI) end to end


def run_in_terminal(args: list[str], answers: list[str], db: Path, timeout: float = 30.0) -> tuple[int, str]:
    """Run readlist with a pseudo-terminal as stdin/stdout/stderr, typing `answers` at prompts."""
    leader, follower = pty.openpty()
    env = {**os.environ, "READLIST_DB": str(db), "COLUMNS": "100", "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "readlist", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
        preexec_fn=_own_terminal,
    )
    os.close(follower)
    output = b""
    pending = list(answers)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            if pending and output.rstrip().endswith((b":", b"]:", b"?", b"[y/N]:")):
                os.write(leader, (pending.pop(0) + "\n").encode())
        elif proc.poll() is not None:
            break
    proc.wait(timeout=5)
    os.close(leader)
    return proc.returncode, output.decode("utf-8", "replace")


def _own_terminal() -> None:
    """Make the pseudo-terminal the process's controlling terminal, as a shell does: then
    Ctrl-C typed into it interrupts the process."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def stored(db: Path) -> list[dict]:
    out = subprocess.run(
        [sys.executable, "-m", "readlist", "--db", str(db), "list", "--json"], capture_output=True, check=True
    )
    return json.loads(out.stdout)


def test_add_without_options_asks_for_the_fields(db_path: Path) -> None:
    code, screen = run_in_terminal(
        ["add"], ["Deep Residual Learning", "Kaiming He, Xiangyu Zhang", "2016", "CVPR", "", ""], db_path
    )
    assert code == 0, screen
    assert "Title:" in screen and "he2016deep" in screen
    [entry] = stored(db_path)
    assert entry["authors"] == ["Kaiming He", "Xiangyu Zhang"] and entry["venue"] == "CVPR"


def test_add_asks_a_mistyped_year_again_and_keeps_the_other_answers(db_path: Path) -> None:
    code, screen = run_in_terminal(
        ["add"], ["Deep Residual Learning", "Kaiming He", "twenty16", "2016", "CVPR", "", ""], db_path
    )
    assert code == 0, screen
    assert "'twenty16' is not a year" in screen
    [entry] = stored(db_path)
    assert (entry["title"], entry["year"], entry["venue"]) == ("Deep Residual Learning", 2016, "CVPR")


def test_add_asks_a_mistyped_arxiv_id_again_and_takes_empty_authors(db_path: Path) -> None:
    code, screen = run_in_terminal(
        ["add"], ["Deep Residual Learning", "", "", "", "15l2.03385", "1512.03385", ""], db_path
    )
    assert code == 0, screen
    assert "'15l2.03385' is not an arXiv id" in screen
    [entry] = stored(db_path)
    assert (entry["title"], entry["arxiv"], entry["authors"]) == ("Deep Residual Learning", "1512.03385", [])


def test_ctrl_c_at_a_prompt_is_cancelled_exit_6_and_nothing_is_added(db_path: Path) -> None:
    code, screen = run_in_terminal(["add"], ["Deep Residual Learning", "\x03"], db_path)
    assert code == 6, screen
    assert "Cancelled." in screen
    assert not db_path.exists() or stored(db_path) == []


def test_end_of_input_at_a_prompt_is_cancelled_exit_6_and_nothing_is_added(db_path: Path) -> None:
    code, screen = run_in_terminal(["add"], ["Deep Residual Learning", "\x04"], db_path)
    assert code == 6, screen
    assert "Cancelled." in screen
    assert not db_path.exists() or stored(db_path) == []


def test_rm_confirmation_in_a_terminal(db_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "readlist", "--db", str(db_path), "add", "--title", "Keep Me", "--author", "Ann Lee"],
        check=True,
        capture_output=True,
    )
    code, screen = run_in_terminal(["rm", "leekeep"], ["n"], db_path)
    assert code == 6 and "Remove 1 entry: leekeep?" in screen
    assert len(stored(db_path)) == 1
    code, screen = run_in_terminal(["rm", "leekeep"], ["y"], db_path)
    assert code == 0 and "Removed leekeep" in screen
    assert stored(db_path) == []


def test_import_shows_progress_only_in_a_terminal(tmp_path: Path, db_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(40):
        (folder / f"d{n:02d}.txt").write_text(
            f"T\n\n2024-01-{n % 28 + 1:02d} 更新\n\nPaper {n}\n\nAuthors:Ann Lee\n\nAbstract.\n", encoding="utf-8"
        )
    code, screen = run_in_terminal(["import", str(folder)], [], db_path)
    assert code == 0, screen
    assert "Importing" in screen and "40 new" in screen
    piped = subprocess.run(
        [sys.executable, "-m", "readlist", "--db", str(tmp_path / "other.json"), "import", str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Importing" not in piped.stderr and "\x1b" not in piped.stderr
