"""Shell completion offers keys, tags and the words options accept, not only command names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs readlist as a process, as a shell does


def complete(words: str, db: Path) -> list[str]:
    env = {
        **os.environ,
        "_READLIST_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
        "READLIST_DB": str(db),
    }
    done = subprocess.run([sys.executable, "-m", "readlist"], env=env, capture_output=True, text=True, check=True)
    return done.stdout.split()


@pytest.fixture
def store(db_path: Path) -> Path:
    for title, tag in (("Attention Is All You Need", "classics"), ("Tiny Talking Heads", "to-read")):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "readlist",
                "--db",
                str(db_path),
                "add",
                "--title",
                title,
                "--author",
                "Ann Lee",
                "-t",
                tag,
            ],
            check=True,
            capture_output=True,
        )
    return db_path


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        pytest.param("readlist show lee", ["leeattention", "leetiny"], id="keys"),
        pytest.param("readlist tag leea", ["leeattention"], id="one_key"),
        pytest.param("readlist list --tag to", ["to-read"], id="tags"),
        pytest.param("readlist list --status r", ["reading", "read"], id="statuses"),
        pytest.param("readlist list --sort pr", ["priority"], id="sorts"),
        pytest.param("readlist export --format c", ["csv"], id="export_formats"),
        pytest.param("readlist import --format blog", ["blog-markdown", "blog-text"], id="import_formats"),
    ],
)
def test_completion_offers_what_the_argument_takes(store: Path, words: str, expected: list[str]) -> None:
    assert sorted(complete(words, store)) == sorted(expected)


def test_completion_of_keys_without_a_store_offers_nothing(tmp_path: Path) -> None:
    assert complete("readlist show lee", tmp_path / "missing.json") == []
    assert not (tmp_path / "missing.json").exists()
