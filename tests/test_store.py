"""The store's guarantees: round trips, atomic writes, the lock, a clear error on a bad file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from readlist.errors import StoreError
from readlist.models import Entry, Note, Sighting
from readlist.store import SCHEMA_VERSION, Store, default_path, open_store
from readlist.storefile import new_data as _new_data


def make_entry(key: str, title: str = "A Title", **extra) -> Entry:
    return Entry(
        key=key,
        title=title,
        authors=["Ada Lovelace"],
        sightings=[Sighting("d.txt", "Topic", "2024-01-02", 5)],
        notes=[Note("2024-01-03T10:00:00+01:00", "good")],
        **extra,
    )


@pytest.fixture(params=["memory", "json"])
def reopen(request, tmp_path: Path):
    """A function that saves entries and gives back a store holding them.

    `memory` keeps the TinyDB data in memory; `json` commits to a file and reads it again.
    """

    def _reopen(entries: list[Entry], removed: list[str] = ()) -> Store:
        if request.param == "memory":
            store = Store(tmp_path / "never-written.json", _new_data(), writable=True)
            store.save(entries)
            if removed:
                store.remove(list(removed), "2024-01-01T00:00:00+00:00")
            return store
        path = tmp_path / "s.json"
        with open_store(path, write=True) as store:
            store.save(entries)
        if removed:
            with open_store(path, write=True) as store:
                store.remove(list(removed), "2024-01-01T00:00:00+00:00")
        with open_store(path) as store:
            return store

    return _reopen


def test_entries_round_trip(reopen) -> None:
    entries = [make_entry("a2024x"), make_entry("b2024y", title="$\\Delta$ [bold]x[/]")]
    store = reopen(entries)
    assert sorted(e.to_dict()["key"] for e in store.entries()) == ["a2024x", "b2024y"]
    assert store.get("b2024y") == entries[1]
    assert len(store) == 2


def test_save_replaces_by_key(reopen) -> None:
    first = make_entry("k")
    changed = make_entry("k", title="New title", tags=["x"])
    store = reopen([first, changed])
    assert len(store) == 1
    assert store.get("k").title == "New title"
    assert store.get("k").tags == ["x"]


def test_remove(reopen) -> None:
    store = reopen([make_entry("a"), make_entry("b")], removed=["a"])
    assert store.keys() == ["b"]


def test_missing_file_is_an_empty_store_and_reading_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    with open_store(path) as store:
        assert store.entries() == []
    assert not path.exists()


def test_file_holds_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with open_store(path, write=True) as store:
        store.save([make_entry("a")])
    data = json.loads(path.read_text())
    assert data["meta"]["1"]["schema"] == SCHEMA_VERSION
    assert [doc["key"] for doc in data["entries"].values()] == ["a"]


def test_command_that_changes_nothing_does_not_write(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with open_store(path, write=True) as store:
        store.save([make_entry("a")])
    before = path.stat().st_mtime_ns
    time.sleep(0.01)
    with open_store(path, write=True):
        pass
    assert path.stat().st_mtime_ns == before


def test_exception_inside_a_command_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with open_store(path, write=True) as store:
        store.save([make_entry("a")])
    original = path.read_bytes()
    with pytest.raises(RuntimeError), open_store(path, write=True) as store:
        store.save([make_entry("b")])
        raise RuntimeError("boom")
    assert path.read_bytes() == original


@pytest.mark.parametrize(
    "content, message",
    [
        pytest.param(b"{not json", "not valid JSON", id="bad_json"),
        pytest.param(b'{"_default": {}}', "not a readlist store", id="plain_tinydb_file"),
        pytest.param(b"[1, 2]", "not a readlist store", id="json_array"),
        pytest.param(
            json.dumps({"meta": {"1": {"schema": SCHEMA_VERSION + 1}}, "entries": {}}).encode(),
            "newer readlist",
            id="newer_schema",
        ),
    ],
)
def test_unreadable_store_is_reported_and_left_unchanged(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(content)
    with pytest.raises(StoreError, match=message) as info, open_store(path, write=True) as store:
        store.save([make_entry("a")])
    assert str(path) in info.value.message
    assert path.read_bytes() == content


def test_default_path_follows_env_then_user_data_dir(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("READLIST_DB", str(tmp_path / "x.json"))
    assert default_path() == tmp_path / "x.json"
    monkeypatch.delenv("READLIST_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_path() == tmp_path / "data" / "readlist" / "readlist.json"


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from readlist.models import Entry
    from readlist.store import open_store

    path = Path(sys.argv[1])
    round_ = 0
    while True:
        round_ += 1
        with open_store(path, write=True) as store:
            store.save([Entry(key=f"k{i}", title=f"round {round_} " + "x" * 2000) for i in range(300)])
    """
)


def _file_version(path: Path) -> tuple[int, int]:
    """Changes with every atomic write (a new file is renamed over the old one)."""
    status = path.stat()
    return status.st_ino, status.st_mtime_ns


@pytest.mark.slow  # runs writer processes
def test_process_killed_mid_write_leaves_old_or_new_store(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with open_store(path, write=True) as store:
        store.save([Entry(key="k0", title="round 0")])
    for delay in (0.0, 0.01, 0.03, 0.07, 0.13, 0.21):
        before = _file_version(path)
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)])
        deadline = time.monotonic() + 30
        while _file_version(path) == before:  # kill only once this writer has replaced the store
            assert proc.poll() is None, "the writer died before its first write"
            assert time.monotonic() < deadline, "the writer never wrote"
            time.sleep(0.002)
        time.sleep(delay)  # then at various points of its next writes
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with open_store(path) as store:  # raises StoreError if the file were broken
            titles = {e.title for e in store.entries()}
        assert len(titles) == 1, "the store mixes two writes"
        assert len(store) == 300 and titles != {"round 0"}, "the store is not one of this writer's rounds"
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # A killed writer may leave its temp file behind; it is never the store itself.
    assert all(p.name.startswith(".s.json.") for p in leftovers)


@pytest.mark.slow  # runs writer processes
def test_lock_is_held_across_read_and_write(tmp_path: Path) -> None:
    """Two writers at once: each sees the other's change, none is lost."""
    path = tmp_path / "s.json"
    script = textwrap.dedent(
        """
        import sys, time
        from pathlib import Path
        from readlist.models import Entry
        from readlist.store import open_store
        path, name = Path(sys.argv[1]), sys.argv[2]
        for i in range(15):
            with open_store(path, write=True) as store:
                current = store.get("shared") or Entry(key="shared", title="t")
                current.tags.append(f"{name}{i}")
                time.sleep(0.002)
                store.save([current])
        """
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), n]) for n in ("a", "b", "c")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    with open_store(path) as store:
        tags = store.get("shared").tags
    assert sorted(tags) == sorted(f"{n}{i}" for n in "abc" for i in range(15))


def test_symlinked_store_is_written_through(tmp_path: Path) -> None:
    shared = tmp_path / "sync" / "real.json"
    shared.parent.mkdir()
    link = tmp_path / "linked.json"
    link.symlink_to(shared)
    with open_store(link, write=True) as store:
        store.save([make_entry("a")])
    assert link.is_symlink()
    with open_store(shared) as store:
        assert store.keys() == ["a"]


def test_read_only_store_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with open_store(path, write=True) as store:
        store.save([make_entry("a")])
    path.chmod(0o444)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="read-only"), open_store(path, write=True) as store:
        store.save([make_entry("b")])
    assert path.read_bytes() == before


def test_temp_files_of_a_killed_writer_are_cleaned_up(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    stale = tmp_path / ".s.json.abc123.tmp"
    stale.write_text("half a store")
    with open_store(path, write=True) as store:
        store.save([make_entry("a")])
    assert not stale.exists()


def test_new_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with open_store(tmp_path / "s.json", write=True) as store:
            store.save([make_entry("a")])
    finally:
        os.umask(old)
    assert (tmp_path / "s.json").stat().st_mode & 0o777 == 0o644
