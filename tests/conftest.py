"""Every test gets a private home: no test touches a real store or the user's data dir."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from readlist.cli import app


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that runs the command line (the `cli` fixture) is a contract test: `slow`.

    `pytest -m "not slow"` then runs the parsers, models and use cases in seconds; process
    tests mark themselves (`pytestmark = pytest.mark.slow`). CI runs everything.
    """
    for item in items:
        if "cli" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("READLIST_CONFIG", raising=False)
    monkeypatch.setenv("READLIST_DB", str(tmp_path / "store.json"))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("READLIST_PAGER", "")  # no test waits on a real pager; tests/test_pager.py sets its own
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.json"


class Cli:
    """Runs readlist in-process, the way a person types it."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, ok: bool = True):
        result = self.runner.invoke(app, list(args), input=input)
        if ok and result.exit_code != 0:
            raise AssertionError(
                f"readlist {' '.join(args)} exited {result.exit_code}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}\n{result.exception!r}"
            )
        return result

    def json(self, *args: str, input: str | None = None):
        return json.loads(self(*args, "--json", input=input).stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()


def digest_text(topic: str, day: str, entries: list[tuple[str, str, str, str | None]]) -> str:
    """A digest in the real format: (title, "A B, C D", abstract, comment or None) entries."""
    parts = [f"{topic}\n\n{day} 更新\n\n"]
    for title, authors, abstract, comment in entries:
        parts.append(f"{title}\n\nAuthors:{authors}\n\n{abstract}\n")
        if comment is not None:
            parts.append(f"PDF {comment}\n")
        parts.append("\n\n")
    return "".join(parts)


@pytest.fixture
def write_digest(tmp_path: Path) -> Callable[..., Path]:
    folder = tmp_path / "digests"
    folder.mkdir()

    def write(name: str, topic: str, day: str, entries: list[tuple[str, str, str, str | None]]) -> Path:
        path = folder / name
        path.write_text(digest_text(topic, day, entries), encoding="utf-8")
        return path

    return write
