"""The store cut into small files for the synced repository (`readlist.shards`), and back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist import shards, storefile
from readlist.errors import StoreError
from readlist.merge import dump_layout, merge_stores, read_layout
from readlist.models import Entry

PATH = Path("list.json")


def entry(key: str, **fields: object) -> dict[str, object]:
    return {**Entry(key=key, title=f"Title of {key}", authors=["Zoë Ångström"]).to_dict(), **fields}


def store_with(keys: list[str], conflicts: tuple[str, ...] = (), removed: tuple[str, ...] = ()) -> bytes:
    data = storefile.new_data()
    data["meta"]["1"]["last_import"] = {"at": "2024-05-01T10:00:00+00:00", "keys": keys[:1]}
    data["entries"] = {key: entry(key) for key in keys}
    for key in conflicts:
        data["conflicts"][storefile.conflict_id(key, "venue")] = {"key": key, "field": "venue", "base": None}
    for identity in removed:
        data["removed"][storefile.removed_id(identity)] = {"identity": identity, "arxiv": None}
    return storefile.dumps(data)


def test_a_store_is_its_meta_file_and_a_file_per_bucket_that_holds_documents() -> None:
    raw = store_with([f"wang2024deep{n}" for n in range(300)], conflicts=("wang2024deep7",), removed=("x",))

    files = shards.split(read_layout(PATH, raw))

    assert shards.META_FILE in files
    assert all(re.fullmatch(r"store/[0-9a-f]{2}/[0-9a-f]\.json", path) for path in files.keys() - {shards.META_FILE})
    assert 250 < len(files) <= 302  # 300 keys in 4,096 buckets: a few share one
    for path, data in files.items():  # every file is a store of its own (git's merge driver merges one)
        storefile.parse(Path(path), data)
    meta = storefile.parse(Path(shards.META_FILE), files[shards.META_FILE])
    assert meta["meta"]["1"]["last_import"]["keys"] == ["wang2024deep0"] and meta["entries"] == {}
    # An entry's conflicts live with it.
    home = shards.shard_path("entries", "wang2024deep7")
    assert b'"wang2024deep7 venue"' in files[home] and b'"wang2024deep7":{' in files[home]


def test_join_gives_back_the_store_byte_for_byte() -> None:
    raw = store_with(["b2024", "a2023", "Zed2021"], conflicts=("a2023",), removed=("gone",))
    files = shards.split(read_layout(PATH, raw))

    assert b"".join(dump_layout(shards.join(files))) == raw
    assert b"".join(dump_layout(shards.join(reversed(list(files.items()))))) == raw  # any order


@settings(max_examples=60, deadline=None)
@given(st.sets(st.from_regex(r"[A-Za-z][a-z]{0,6}[0-9]{0,4}[a-z]{0,3}", fullmatch=True), max_size=40))
def test_split_then_join_is_the_identity(keys: set[str]) -> None:
    unique = list({key.casefold(): key for key in keys}.values())
    raw = store_with(sorted(unique), conflicts=tuple(sorted(unique)[:3]))
    assert b"".join(dump_layout(shards.join(shards.split(read_layout(PATH, raw))))) == raw


def test_the_bucket_depends_on_the_key_alone_and_not_on_its_case() -> None:
    assert shards.shard_path("entries", "Wang2024Deep") == shards.shard_path("entries", "wang2024deep")
    assert shards.shard_path("conflicts", "wang2024deep title") == shards.shard_path("entries", "wang2024deep")
    # Spread evenly: 20,000 keys of one surname and year fill nearly every bucket.
    paths = {shards.shard_path("entries", f"wang2024{word}") for word in range(20_000)}
    assert len(paths) > 4_000


def test_a_document_two_files_hold_is_refused_naming_both() -> None:
    files = shards.split(read_layout(PATH, store_with(["a2023", "b2024"])))
    home = shards.shard_path("entries", "a2023")
    stray = "store/ff/f.json" if home != "store/ff/f.json" else "store/00/0.json"
    files[stray] = files[home]

    with pytest.raises(StoreError, match=r"origin/main:store/.*'a2023' of entries is in store/"):
        shards.join(files, prefix="origin/main:")


def test_files_without_the_meta_file_are_not_a_list() -> None:
    files = shards.split(read_layout(PATH, store_with(["a2023"])))
    del files[shards.META_FILE]
    with pytest.raises(StoreError, match=r"store/meta\.json: missing"):
        shards.join(files)


def test_a_file_of_a_newer_schema_is_refused_naming_it() -> None:
    files = shards.split(read_layout(PATH, store_with(["a2023"])))
    path = shards.shard_path("entries", "a2023")
    files[path] = files[path].replace(b'"schema":2', b'"schema":999')
    with pytest.raises(StoreError, match=re.escape(path)):
        shards.join(files)


def test_each_file_merges_alone_as_a_store_does() -> None:
    """What git's merge driver does with one file a plain `git pull` found changed on both sides."""
    base = shards.split(read_layout(PATH, store_with(["a2023"])))
    path = shards.shard_path("entries", "a2023")
    ours, theirs = (
        storefile.parse(PATH, base[path]),
        storefile.parse(PATH, base[path]),
    )
    ours["entries"]["a2023"]["tags"] = ["mine"]
    theirs["entries"]["a2023"]["tags"] = ["theirs"]

    merged = merge_stores(base[path], storefile.dumps(ours), storefile.dumps(theirs), label=path)

    assert sorted(storefile.parse(PATH, merged.data)["entries"]["a2023"]["tags"]) == ["mine", "theirs"]
