"""The store file's layout (one document per line, sorted, key first) and its migration."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist import storefile
from readlist.errors import StoreError
from readlist.models import Entry, Sighting
from readlist.services import curate
from readlist.store import open_store

PATH = Path("list.json")


def entry(key: str, **fields: object) -> dict[str, object]:
    return {**Entry(key=key, title=f"Title of {key}", authors=["Zoë Ångström"]).to_dict(), **fields}


def data_with(*docs: dict[str, object]) -> storefile.Data:
    data = storefile.new_data()
    data["entries"] = {str(doc["key"]): doc for doc in docs}
    return data


def test_each_document_is_one_line_sorted_by_key_with_the_key_first() -> None:
    raw = storefile.dumps(data_with(entry("zhu2024b"), entry("abe2023a"), entry("Mori2024")))
    lines = raw.decode().split("\n")
    assert lines[0] == '{"meta":{"1":{"schema":2}},'
    assert lines[1] == '"entries":{'
    assert [line.split(":", 1)[0] for line in lines[2:5]] == ['"Mori2024"', '"abe2023a"', '"zhu2024b"']
    assert all(line.split(":", 1)[1].startswith('{"key":') for line in lines[2:5])
    assert lines[5:] == ["},", '"removed":{},', '"conflicts":{}}', ""]
    assert b"\r" not in raw and json.loads(raw)["entries"]["abe2023a"]["title"] == "Title of abe2023a"


def test_the_fields_of_a_document_are_in_one_order_whatever_order_they_came_in() -> None:
    doc = entry("k1", tags=["b", "a"])
    shuffled = dict(reversed(list(doc.items())))
    assert storefile.dumps(data_with(doc)) == storefile.dumps(data_with(shuffled))
    line = storefile.document_line(doc)
    names = list(orjson.loads(line))
    assert names[0] == "key" and names[1:] == sorted(names[1:])


documents = st.dictionaries(
    st.text(min_size=1, max_size=12).filter(lambda k: k != "key"),
    st.recursive(
        st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.text(max_size=20), st.lists, max_leaves=5
    ),
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=15), documents, max_size=8))
def test_parse_reads_back_what_dump_writes_byte_for_byte(rows: dict[str, dict[str, object]]) -> None:
    data = storefile.new_data()
    data["entries"] = {key: {"key": key, **doc} for key, doc in rows.items()}
    raw = storefile.dumps(data)
    assert storefile.parse(PATH, raw) == data
    assert storefile.dumps(storefile.parse(PATH, raw)) == raw
    assert raw.count(b"\n") == (len(rows) + 5 if rows else 4)


def test_a_schema_1_store_is_read_under_keys_and_written_as_schema_2(tmp_path: Path) -> None:
    old = {
        "meta": {"1": {"schema": 1, "last_import": {"at": "2024-01-01T00:00:00+00:00", "new": ["b"]}}},
        "entries": {"2": entry("b"), "1": entry("a"), "7": entry("a", title="Another paper")},
        "removed": {
            "1": {"key": "x", "identity": "same paper", "arxiv": None, "at": "2024-01-01T00:00:00+00:00"},
            "2": {"key": "x", "identity": "same paper", "arxiv": None, "at": "2024-02-01T00:00:00+00:00"},
        },
    }
    db = tmp_path / "list.json"
    db.write_bytes(orjson.dumps(old))
    with open_store(db) as store:
        assert sorted(store.keys()) == ["a", "aa", "b"]  # the second "a" kept, under a free key
        assert store.get("aa").title == "Another paper"  # type: ignore[union-attr]
        assert store.get("a").title == "Title of a"  # type: ignore[union-attr]
        assert store.last_import() == ["b"]
        assert store.removed_paper("same paper", None)["at"].startswith("2024-02")  # type: ignore[index]
    assert db.read_bytes() == orjson.dumps(old)  # reading never rewrites
    curate.tag(db, ["b"], ["seen"])
    written = db.read_bytes()
    assert json.loads(written)["meta"]["1"]["schema"] == 2
    assert list(json.loads(written)["entries"]) == ["a", "aa", "b"]
    assert len(json.loads(written)["removed"]) == 1
    assert written == storefile.dumps(storefile.parse(db, written))


def test_a_document_named_twice_is_refused_with_its_line_not_silently_dropped() -> None:
    raw = storefile.dumps(data_with(entry("a"), entry("b")))
    lines = raw.split(b"\n")
    doubled = b"\n".join([*lines[:3], lines[2].rstrip(b",") + b",", *lines[3:]])
    doubled = doubled.replace(b'"Title of a"', b'"Kept both"', 1)
    with pytest.raises(StoreError, match=r"list.json:4: the store names 'a' twice"):
        storefile.parse(PATH, doubled)


def test_a_pretty_printed_store_is_still_read() -> None:
    data = data_with(entry("a"), entry("b"))
    assert storefile.parse(PATH, json.dumps(data, indent=2).encode()) == data


def test_conflict_markers_are_named_in_the_error() -> None:
    raw = storefile.dumps(data_with(entry("a")))
    marked = raw.replace(b'"a":', b'<<<<<<< HEAD\n"a":', 1)
    with pytest.raises(StoreError, match="git conflict markers"):
        storefile.parse(PATH, marked)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"meta": {"1": {"schema": 3}}, "entries": {}}, "newer readlist"),
        ({"meta": {"1": {"schema": 2}}, "entries": {"a": entry("b")}}, "document 'a' holds the key 'b'"),
        ({"meta": {"1": {"schema": 2}}, "entries": {}, "conflicts": {"x": {"key": 1}}}, "'conflicts' document x"),
    ],
)
def test_a_store_that_breaks_the_schema_is_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(StoreError, match=message):
        storefile.parse(PATH, orjson.dumps(data))


def test_the_same_paper_removed_twice_is_one_row_and_free_keys_follow_bibtex_suffixes() -> None:
    assert storefile.removed_id("a paper") == storefile.removed_id("a paper") != storefile.removed_id("b")
    taken = {"smith2024", "smith2024a"}
    assert storefile.free_key("Smith2024", taken) == "Smith2024b" and "smith2024b" in taken


def test_a_written_store_keeps_sightings_and_text_as_written(tmp_path: Path) -> None:
    db = tmp_path / "list.json"
    doc = Entry(key="k", title=r"$\alpha$-nets", sightings=[Sighting("d.md", "Topic", "2024-01-02", 3)])
    with open_store(db, write=True) as store:
        store.save([doc])
    assert json.loads(db.read_bytes())["entries"]["k"]["title"] == r"$\alpha$-nets"
    assert db.read_bytes().count(b"\n") == 6


def test_conflict_rows_are_counted_without_parsing_the_store_and_the_same_when_parsed() -> None:
    data = data_with(entry("conflicts"), entry("abe2023a"))  # a key that reads like the table's name
    assert storefile.conflict_count(PATH, storefile.dumps(data)) == 0
    for key in ("abe2023a", "conflicts"):
        data["conflicts"][storefile.conflict_id(key, "venue")] = {"key": key, "field": "venue"}
    raw = storefile.dumps(data)
    assert storefile.conflict_count(PATH, raw) == 2
    pretty = json.dumps(json.loads(raw), indent=2).encode()  # not in the layout: parsed instead
    assert storefile.conflict_count(PATH, pretty) == 2
