"""Commands run at the same time on one store never lose each other's changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import digest_text

pytestmark = pytest.mark.slow  # runs readlist as a process (or the whole CLI) end to end


def run_all(commands: list[list[str]], db: Path) -> None:
    env = {**os.environ, "READLIST_DB": str(db)}
    procs = [
        subprocess.Popen([sys.executable, "-m", "readlist", *c], env=env, stderr=subprocess.PIPE) for c in commands
    ]
    for proc, command in zip(procs, commands, strict=False):
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, (command, err.decode())


def test_parallel_imports_and_tags_lose_nothing(tmp_path: Path, db_path: Path) -> None:
    files = []
    for n in range(6):
        path = tmp_path / f"digest{n}.txt"
        papers = [(f"Paper {n} number {i} on topic", f"Author{n} Family{i}", "Abstract.", None) for i in range(20)]
        path.write_text(digest_text(f"Topic {n}", f"2024-01-{n + 1:02d}", papers), encoding="utf-8")
        files.append(path)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "readlist",
            "--db",
            str(db_path),
            "add",
            "--title",
            "Shared",
            "--author",
            "Ann Lee",
            "--year",
            "2024",
        ],
        check=True,
    )
    commands = [["import", str(f)] for f in files] + [["tag", "lee2024shared", "-t", f"t{n}"] for n in range(6)]
    commands += [["note", "lee2024shared", f"note {n}"] for n in range(3)]
    run_all(commands, db_path)
    entries = json.loads(
        subprocess.run(
            [sys.executable, "-m", "readlist", "--db", str(db_path), "list", "--json"], capture_output=True, check=True
        ).stdout
    )
    assert len(entries) == 6 * 20 + 1
    shared = next(e for e in entries if e["key"] == "lee2024shared")
    assert sorted(shared["tags"]) == [f"t{n}" for n in range(6)]
    assert sorted(n["text"] for n in shared["notes"]) == [f"note {n}" for n in range(3)]

    # Each command's record reached the undo journal, and undoing all of them empties the list.
    def readlist(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "readlist", "--db", str(db_path), *args], capture_output=True, text=True, check=True
        )

    assert len(json.loads(readlist("undo", "--list", "--json").stdout)["done"]) == len(commands) + 1
    readlist("undo", str(len(commands) + 1))
    assert json.loads(readlist("list", "--json").stdout) == []
