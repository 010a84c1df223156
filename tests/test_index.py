"""The derived index beside the store (`readlist.index`): it answers exactly as the store
does, is never trusted once the store changed, and is rebuilt or left aside when it is
damaged or cannot be written."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist import index as index_module
from readlist.index import index_path, open_index
from readlist.models import Entry, Event, Note, Sighting
from readlist.services import browse, curate, export
from readlist.services.library import Selection
from readlist.services.session import NO_INDEX_VARIABLE


def write_store(path: Path, entries: list[Entry]) -> None:
    docs = {str(number): entry.to_dict() for number, entry in enumerate(entries, 1)}
    path.write_bytes(orjson.dumps({"meta": {"1": {"schema": 1}}, "entries": docs}))


def entry(key: str, title: str, abstract: str = "", **fields: object) -> Entry:
    sightings = [Sighting("d.txt", "Vision", str(fields.pop("date", "2024-01-02")))]
    return Entry(key=key, title=title, abstract=abstract, sightings=sightings, added="2024-03-01T10:00:00", **fields)  # type: ignore[arg-type]


LIBRARY = [
    entry("ab2024", "Masked image models", "We study learning with masks.", authors=["Clément Aubert"]),
    entry("cd2023", "Diffusion for vision", "Learning to denoise.", authors=["Søren Kjærgaard"], date="2023-05-06"),
    entry("ef2024", "Sparse attention", "No match here.", authors=["Li Wei"], tags=["ml"], status="read"),
]


def uncached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NO_INDEX_VARIABLE, "1")


def search_keys(db: Path, query: str, limit: int | None = None) -> list[str]:
    return [e.key for e in browse.search(db, query, limit).entries]


def list_keys(db: Path, selection: Selection) -> list[str]:
    return [e.key for e in browse.list_entries(db, selection).entries]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "store.json"
    write_store(path, LIBRARY)
    return path


def test_a_read_builds_the_index_beside_the_store(db: Path) -> None:
    assert search_keys(db, "learning") == ["ab2024", "cd2023"]
    assert index_path(db) == db.with_name("store.json.index.sqlite")
    assert index_path(db).is_file()
    with open_index(db) as index:
        assert index is not None and sorted(index.keys()) == ["ab2024", "cd2023", "ef2024"]


def test_the_index_answers_as_the_store_does(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    queries = ["learning", "clement", "author:kjaer", "title:masked", '"masked image"', "tag:ml", "-learning"]
    selections = [Selection(), Selection(sort="key", reverse=True), Selection(sort="added", limit=2)]
    indexed = [search_keys(db, q) for q in queries], [list_keys(db, s) for s in selections]
    shown = browse.show(db, "AB2024").entry
    uncached(monkeypatch)
    assert indexed == ([search_keys(db, q) for q in queries], [list_keys(db, s) for s in selections])
    assert browse.show(db, "AB2024").entry == shown


def test_a_write_through_readlist_is_seen(db: Path) -> None:
    assert search_keys(db, "tag:later") == []
    assert search_keys(db, "later") == []
    curate.tag(db, ["ab2024"], ["later"])
    assert search_keys(db, "later") == ["ab2024"]
    curate.note(db, "cd2023", "a zebra crossing")
    assert search_keys(db, "zebra") == ["cd2023"]
    assert browse.show(db, "cd2023").entry.notes[0].text == "a zebra crossing"


def test_an_edit_of_the_store_file_by_hand_is_seen(db: Path) -> None:
    assert search_keys(db, "quokka") == []
    write_store(db, [*LIBRARY, entry("gh2024", "Quokka detection")])
    assert search_keys(db, "quokka") == ["gh2024"]
    write_store(db, LIBRARY[:1])
    assert list_keys(db, Selection()) == ["ab2024"]


def same_size_rewrite(db: Path, old: str, new: str) -> None:
    """Replace text in place, keeping the size and the modification time."""
    assert len(old) == len(new)
    before = db.stat()
    raw = db.read_bytes().replace(old.encode(), new.encode())
    with open(db, "r+b") as file:
        file.write(raw)
    os.utime(db, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = db.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


def test_a_same_size_rewrite_in_the_same_instant_is_seen(db: Path) -> None:
    assert search_keys(db, "sparse") == ["ef2024"]
    same_size_rewrite(db, "Sparse attention", "Zebras attention")
    assert search_keys(db, "sparse") == []
    assert search_keys(db, "zebras") == ["ef2024"]


def test_a_change_that_keeps_every_timestamp_is_caught_by_the_bytes(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clock too coarse to tell two writes apart: the identity matches, the hash does not."""
    assert search_keys(db, "sparse") == ["ef2024"]
    with sqlite3.connect(index_path(db)) as connection:
        (recorded,) = connection.execute("SELECT value FROM meta WHERE name = 'identity'").fetchone()
    same_size_rewrite(db, "Sparse attention", "Zebras attention")
    monkeypatch.setattr(index_module._Identity, "encode", lambda self: recorded)
    assert search_keys(db, "zebras") == ["ef2024"]


@pytest.mark.parametrize("damage", [b"not a database at all", b"SQLite format 3\x00" + b"\xff" * 200, b""])
def test_a_damaged_index_is_rebuilt(db: Path, damage: bytes) -> None:
    search_keys(db, "learning")
    index_path(db).write_bytes(damage)
    assert search_keys(db, "learning") == ["ab2024", "cd2023"]
    with sqlite3.connect(index_path(db)) as connection:
        assert connection.execute("SELECT count(*) FROM docs").fetchone() == (3,)


def test_an_index_of_another_format_is_rebuilt(db: Path) -> None:
    search_keys(db, "learning")
    with sqlite3.connect(index_path(db)) as connection:
        connection.execute("UPDATE meta SET value = 'old' WHERE name = 'format'")
        connection.execute("UPDATE texts SET folded = 'nothing'")
    assert search_keys(db, "learning") == ["ab2024", "cd2023"]


def test_an_index_that_cannot_be_made_is_left_aside(db: Path) -> None:
    index_path(db).mkdir()  # something else has the name
    assert search_keys(db, "learning") == ["ab2024", "cd2023"]
    assert browse.show(db, "ef2024").entry.title == "Sparse attention"


def test_a_read_only_directory_works_without_an_index(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path) -> sqlite3.Connection:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(index_module, "_connect", refuse)  # root may write anywhere: refuse as a read-only dir
    assert search_keys(db, "learning") == ["ab2024", "cd2023"]
    assert list_keys(db, Selection(limit=1)) == ["ab2024"]
    assert not index_path(db).exists()


def test_no_index_when_asked(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    uncached(monkeypatch)
    assert search_keys(db, "learning") == ["ab2024", "cd2023"]
    assert not index_path(db).exists()


def test_a_store_readlist_cannot_read_is_reported_as_without_an_index(db: Path) -> None:
    from readlist.errors import StoreError

    search_keys(db, "learning")
    db.write_text("{not json")
    with pytest.raises(StoreError, match="not valid JSON"):
        search_keys(db, "learning")


def test_damaged_cached_bibtex_is_never_used(db: Path) -> None:
    first = export.export(db, None, Selection()).text
    with sqlite3.connect(index_path(db)) as connection:
        assert connection.execute("SELECT count(*) FROM bibtex").fetchone() == (3,)
        connection.execute("UPDATE bibtex SET text = replace(text, 'Sparse', 'Broken{')")
    assert export.export(db, None, Selection()).text == first


def test_the_export_is_the_same_from_the_cache(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = export.export(db, None, Selection())
    warm = export.export(db, None, Selection())
    curate.tag(db, ["ab2024"], ["later"])
    after_tag = export.export(db, None, Selection(), keep_comments=True)
    uncached(monkeypatch)
    assert (
        (cold.text, cold.warnings)
        == (warm.text, warm.warnings)
        == (
            export.export(db, None, Selection()).text,
            export.export(db, None, Selection()).warnings,
        )
    )
    assert after_tag.text == export.export(db, None, Selection(), keep_comments=True).text


# -- the same answers over random stores and queries ----------------------------------------
WORDS = ["learning", "Learnings", "vision", "Clément", "clement", "søren", "ß", "masked", "image", "x_y", "ab-c"]
text = st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join)


@st.composite
def entries(draw: st.DrawFn) -> list[Entry]:
    made = []
    keys = draw(st.lists(st.sampled_from(["a1", "A2", "b3", "c4", "C5", "d6", "e7"]), unique=True, max_size=7))
    for key in keys:
        dates = draw(st.lists(st.sampled_from(["2023-01-02", "2024-05-06", "2024-05-07"]), max_size=2))
        made.append(
            Entry(
                key=key,
                title=draw(text) or "untitled",
                authors=draw(st.lists(text.filter(bool), max_size=3)),
                abstract=draw(text),
                comment=draw(st.none() | text),
                sightings=[Sighting("f.txt", draw(st.sampled_from(["Vision", "NLP"])), day) for day in dates],
                tags=draw(st.lists(st.sampled_from(["ml", "later", "Vision"]), unique=True, max_size=2)),
                status=draw(st.sampled_from(["unread", "read", "queued"])),
                notes=[Note("2024-01-01T00:00:00", note) for note in draw(st.lists(text, max_size=1))],
                log=[Event("2024-01-01T00:00:00", "status", "read")],
                added=draw(st.sampled_from(["2024-01-01T00:00:00", "2024-02-01T00:00:00"])),
            )
        )
    return made


QUERIES = st.lists(
    st.sampled_from(
        ["learning", "learn", "clement", "soren", "ss", '"masked image"', "x_y", "y", "ab-c", "title:vision",
         "author:cle", "tag:ml", "-vision", "status:read", "topic:nlp", "year:2024", "image -masked"]
    ),
    min_size=1,
    max_size=3,
).map(" ".join)  # fmt: skip


def both_ways(entries: list[Entry], work: object) -> tuple[object, object]:
    """`work(db)` over a store of `entries`, through the index and without it."""
    assert callable(work)
    with tempfile.TemporaryDirectory() as home:
        db = Path(home) / "store.json"
        write_store(db, entries)
        through_index = work(db)
        os.environ[NO_INDEX_VARIABLE] = "1"
        try:
            return through_index, work(db)
        finally:
            del os.environ[NO_INDEX_VARIABLE]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(library=entries(), query=QUERIES, limit=st.none() | st.integers(0, 4))
def test_search_through_the_index_equals_the_store(library: list[Entry], query: str, limit: int | None) -> None:
    def found(db: Path) -> list[tuple[str, dict[str, list[tuple[int, int]]]]]:
        result = browse.search(db, query, limit)
        return [(e.key, dict(result.highlights[e.key])) for e in result.entries]

    indexed, stored = both_ways(library, found)
    assert indexed == stored


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    library=entries(),
    sort=st.sampled_from(["date", "added", "key"]),
    reverse=st.booleans(),
    limit=st.none() | st.integers(0, 4),
)
def test_list_and_show_through_the_index_equal_the_store(
    library: list[Entry], sort: str, reverse: bool, limit: int | None
) -> None:
    def listed(db: Path) -> tuple[list[Entry], list[Entry]]:
        chosen = browse.list_entries(db, Selection(sort=sort, reverse=reverse, limit=limit)).entries
        return chosen, [browse.show(db, e.key.upper()).entry for e in chosen if e.key.upper() != e.key]

    indexed, stored = both_ways(library, listed)
    assert indexed == stored


def test_stale_and_fresh_index_over_many_writes(db: Path) -> None:
    for number in range(5):
        curate.status(db, ["ef2024"], ["unread", "read"][number % 2])
        expected = ["ef2024"] if number % 2 else []
        assert search_keys(db, "status:read") == expected


def test_candidates_are_built_lazily(db: Path) -> None:
    with open_index(db) as index:
        assert index is not None
        rows = list(index.candidates(["learning"]))
        assert sorted(row.key for row in rows) == ["ab2024", "cd2023"]
        assert all(row._entry is None for row in rows)
        index.preload(rows)
        assert {row.entry.key for row in rows} == {"ab2024", "cd2023"}


def test_an_index_is_none_without_a_store(tmp_path: Path) -> None:
    with open_index(tmp_path / "missing.json") as index:
        assert index is None


def test_a_key_stored_twice_in_a_schema_1_store_keeps_both_papers_with_or_without_index(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = {str(n): e.to_dict() for n, e in enumerate(LIBRARY, 1)}
    docs["9"] = {**LIBRARY[0].to_dict(), "title": "Replaced title"}
    db.write_bytes(orjson.dumps({"meta": {"1": {"schema": 1}}, "entries": docs}))
    indexed = list_keys(db, Selection(sort="key")), browse.show(db, "ab2024a").entry.title
    assert "ab2024" in indexed[0] and indexed[1] == "Replaced title"
    assert browse.show(db, "ab2024").entry.title == LIBRARY[0].title
    uncached(monkeypatch)
    assert indexed == (list_keys(db, Selection(sort="key")), "Replaced title")


def test_the_index_is_no_more_readable_than_the_store(db: Path) -> None:
    db.chmod(0o600)
    search_keys(db, "learning")
    assert index_path(db).stat().st_mode & 0o777 == 0o600


def test_a_first_screen_is_the_head_of_the_whole_ranking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first screen stops early on score bounds: a word inside a longer title word bounds
    the score high while the match lies in the abstract, and must not jump the queue."""
    db = tmp_path / "store.json"
    library = [
        entry(
            f"k{n:02d}",
            f"{'Unlearning' if n % 3 else 'Learning'} {n}",
            "about learning",
            date=f"2024-01-{n % 28 + 1:02d}",
        )
        for n in range(30)
    ]
    write_store(db, library)
    screens = {limit: search_keys(db, "learning", limit) for limit in (1, 5, 12, 40)}
    uncached(monkeypatch)
    everything = search_keys(db, "learning")
    assert len(everything) == 30
    assert screens == {limit: everything[:limit] for limit in (1, 5, 12, 40)}
