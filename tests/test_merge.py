"""The three-way merge of two store versions (`readlist.merge`), through the real commands.

Each test starts from one store (the common ancestor), lets the commands change two copies of
it as two machines would, and merges them. JabRef's documented cases for its git merge are here
too: different fields of one entry changed on each side (merged), one field changed differently
(a conflict), an entry changed on one side and deleted on the other (kept, changed), two entries
added under one key (both kept) and the same entry added on both sides (one entry).
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist import storefile
from readlist.errors import StoreError
from readlist.merge import merge_stores
from readlist.models import Entry, Sighting
from readlist.services import curate, library
from readlist.store import open_store

PAPERS = {
    "lefevre2024sparse": ("Sparse attention for long documents", ["Amélie Lefèvre", "Jun Wang"]),
    "okafor2023graph": ("Graph priors for protein design", ["Chidi Okafor"]),
}


class Machines:
    """A common ancestor and two copies of it, changed by commands and then merged."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.base = tmp_path / "base.json"
        ticks = (f"2024-05-01T10:{n // 60:02d}:{n % 60:02d}+00:00" for n in itertools.count())
        monkeypatch.setattr(curate, "now_iso", lambda: next(ticks))  # each change a second later
        with open_store(self.base, write=True) as store:
            store.save(
                Entry(key=key, title=title, authors=authors, added="2024-04-01T09:00:00+00:00", tags=["to-read"])
                for key, (title, authors) in PAPERS.items()
            )
        curate.note(self.base, "lefevre2024sparse", "read section 3")
        self.ours, self.theirs = tmp_path / "ours.json", tmp_path / "theirs.json"
        shutil.copyfile(self.base, self.ours)
        shutil.copyfile(self.base, self.theirs)

    def merge(self) -> tuple[Path, int]:
        outcome = merge_stores(self.base.read_bytes(), self.ours.read_bytes(), self.theirs.read_bytes())
        merged = self.base.with_name("merged.json")
        merged.write_bytes(outcome.data)
        return merged, outcome.conflicts


@pytest.fixture
def machines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Machines:
    return Machines(tmp_path, monkeypatch)


def entry_of(path: Path, key: str) -> Entry:
    with open_store(path) as store:
        found = store.get(key)
    assert found is not None, key
    return found


def conflicts_of(path: Path) -> list[dict[str, object]]:
    with open_store(path) as store:
        return store.conflicts()


def no(_: str) -> None:
    """Confirm every question (a test answers for the user)."""


KEY = "lefevre2024sparse"


def test_tags_are_three_way_sets(machines: Machines) -> None:
    curate.tag(machines.ours, [KEY], ["ml"])
    curate.untag(machines.ours, [KEY], ["to-read"])
    curate.tag(machines.theirs, [KEY], ["attention"])
    merged, conflicts = machines.merge()
    assert entry_of(merged, KEY).tags == ["ml", "attention"] and conflicts == 0


def test_notes_added_on_both_sides_are_all_kept_and_a_deleted_note_stays_deleted(machines: Machines) -> None:
    curate.note(machines.ours, KEY, "compare with the dense baseline")
    curate.delete_note(machines.ours, KEY, 1, no)
    curate.note(machines.theirs, KEY, "the appendix has the proofs")
    curate.note(machines.theirs, KEY, "two notes on one side")
    merged, _ = machines.merge()
    texts = [note.text for note in entry_of(merged, KEY).notes]
    assert texts == ["compare with the dense baseline", "the appendix has the proofs", "two notes on one side"]


def test_the_history_is_the_union_and_the_latest_status_change_wins(machines: Machines) -> None:
    curate.status(machines.theirs, [KEY], "reading")
    curate.status(machines.ours, [KEY], "read", priority=2)  # later: the clock ticks per change
    curate.status(machines.theirs, [KEY], None, priority=5)  # later still
    merged, conflicts = machines.merge()
    entry = entry_of(merged, KEY)
    assert (entry.status, entry.priority, conflicts) == ("read", 5, 0)
    assert [event.text for event in entry.log] == ["unread -> reading", "unread -> read", "set to 2", "set to 5"]


def test_a_field_set_by_hand_on_one_side_is_taken_on_both(machines: Machines) -> None:
    curate.edit(machines.ours, KEY, library.Fields(venue="ICLR 2024"))
    curate.edit(machines.theirs, KEY, library.Fields(year=2023))
    merged, conflicts = machines.merge()
    entry = entry_of(merged, KEY)
    assert (entry.venue, entry.year, conflicts) == ("ICLR 2024", 2023, 0)
    assert set(entry.edited) == {"venue", "year"}


def test_a_field_changed_differently_on_both_sides_is_a_conflict_row_never_a_marker(machines: Machines) -> None:
    curate.edit(machines.ours, KEY, library.Fields(venue="ICLR 2024", doi="10.1000/ours"))
    curate.edit(machines.theirs, KEY, library.Fields(venue="NeurIPS 2024", doi="10.1000/theirs"))
    merged, conflicts = machines.merge()
    assert b"<<<<<<<" not in merged.read_bytes()
    assert entry_of(merged, KEY).venue == "ICLR 2024"  # this side's value, until resolved
    rows = sorted(conflicts_of(merged), key=lambda row: str(row["field"]))
    assert conflicts == 2
    assert [(r["key"], r["field"], r["ours"], r["theirs"]) for r in rows] == [
        (KEY, "doi", "10.1000/ours", "10.1000/theirs"),
        (KEY, "venue", "ICLR 2024", "NeurIPS 2024"),
    ]


def test_a_conflict_settled_on_one_machine_is_cleared_on_the_other(machines: Machines) -> None:
    curate.edit(machines.ours, KEY, library.Fields(venue="ICLR 2024"))
    curate.edit(machines.theirs, KEY, library.Fields(venue="NeurIPS 2024"))
    merged, _ = machines.merge()
    for path in (machines.base, machines.ours, machines.theirs):
        shutil.copyfile(merged, path)  # both machines have the merge
    with open_store(machines.ours, write=True) as store:
        store.settle_conflict(KEY, "venue")
    curate.edit(machines.ours, KEY, library.Fields(venue="NeurIPS 2024"))
    curate.tag(machines.theirs, [KEY], ["later"])
    merged, conflicts = machines.merge()
    assert conflicts_of(merged) == [] and conflicts == 0
    assert entry_of(merged, KEY).venue == "NeurIPS 2024" and "later" in entry_of(merged, KEY).tags


def test_removed_on_one_side_and_changed_on_the_other_keeps_the_change(machines: Machines) -> None:
    curate.rm(machines.ours, [KEY], no)
    curate.note(machines.theirs, KEY, "still relevant")
    curate.rm(machines.theirs, ["okafor2023graph"], no)
    merged, _ = machines.merge()
    with open_store(merged) as store:
        assert store.keys() == [KEY]  # the untouched removal stands
        assert [n.text for n in store.get(KEY).notes][-1] == "still relevant"  # type: ignore[union-attr]
        identities, _ = store.removed_papers()
    assert len(identities) == 1  # only the paper that is gone: an import brings back nothing it keeps


def test_two_papers_under_one_key_the_earlier_added_keeps_it(machines: Machines) -> None:
    with open_store(machines.ours, write=True) as store:
        store.save([Entry(key="kim2024a", title="Diffusion for tables", authors=["Ji-ho Kim"], added="2024-05-02")])
    with open_store(machines.theirs, write=True) as store:
        store.save([Entry(key="kim2024a", title="Audio tokenizers", authors=["Min Kim"], added="2024-05-01")])
    merged, _ = machines.merge()
    outcome = merge_stores(machines.base.read_bytes(), machines.ours.read_bytes(), machines.theirs.read_bytes())
    assert outcome.renamed == {"kim2024a": "kim2024aa"}
    assert entry_of(merged, "kim2024a").title == "Audio tokenizers"
    assert entry_of(merged, "kim2024aa").title == "Diffusion for tables"


def test_the_same_paper_added_on_both_sides_is_one_entry(machines: Machines) -> None:
    for path, tag, added in ((machines.ours, "a", "2024-05-02"), (machines.theirs, "b", "2024-05-01")):
        with open_store(path, write=True) as store:
            store.save([Entry(key="new2024", title="One paper", authors=["A. Author"], tags=[tag], added=added)])
    merged, _ = machines.merge()
    entry = entry_of(merged, "new2024")
    assert (entry.tags, entry.added) == (["a", "b"], "2024-05-01")


def test_the_same_papers_added_on_both_sides_under_swapped_keys_are_one_entry_each(machines: Machines) -> None:
    """Each machine handed out a key base's suffixes in the order it met the papers."""
    attention = {"title": "Sparse attention is enough", "authors": ["Ana Aubert"]}
    coding = {"title": "Sparse coding revisited", "authors": ["Ana Aubert"]}
    with open_store(machines.ours, write=True) as store:
        store.save(
            [
                Entry(key="aubert2021sparse", **attention, added="2024-05-01T10:00:00+00:00", tags=["mine"]),
                Entry(key="aubert2021sparsea", **coding, added="2024-05-01T10:00:01+00:00"),
            ]
        )
    with open_store(machines.theirs, write=True) as store:
        store.save(
            [
                Entry(key="aubert2021sparse", **coding, added="2024-05-02T10:00:00+00:00", tags=["theirs"]),
                Entry(key="aubert2021sparsea", **attention, added="2024-05-02T10:00:01+00:00", tags=["theirs"]),
            ]
        )

    merged, _ = machines.merge()
    outcome = merge_stores(machines.base.read_bytes(), machines.ours.read_bytes(), machines.theirs.read_bytes())

    with open_store(merged) as store:
        assert store.keys() == sorted([*PAPERS, "aubert2021sparse", "aubert2021sparsea"])
    # The keys given first (here, on this side) stay; the other side's copies are merged in.
    assert entry_of(merged, "aubert2021sparse").title == "Sparse attention is enough"
    assert entry_of(merged, "aubert2021sparse").tags == ["mine", "theirs"]
    assert entry_of(merged, "aubert2021sparsea").tags == ["theirs"]
    assert outcome.united == {"aubert2021sparse": "aubert2021sparsea", "aubert2021sparsea": "aubert2021sparse"}
    assert outcome.renamed == {}
    swapped = merge_stores(machines.base.read_bytes(), machines.theirs.read_bytes(), machines.ours.read_bytes())
    other = orjson.loads(swapped.data)["entries"]  # the same papers under the same keys, whichever side merges
    assert {key: (doc["title"], sorted(doc["tags"])) for key, doc in other.items()} == {
        key: (doc["title"], sorted(doc["tags"])) for key, doc in orjson.loads(outcome.data)["entries"].items()
    }


def test_a_paper_added_on_both_sides_under_keys_of_its_own_is_one_entry(machines: Machines) -> None:
    with open_store(machines.ours, write=True) as store:
        store.save([Entry(key="sparse", title="One paper", authors=["A. Author"], added="2024-05-02", tags=["a"])])
    with open_store(machines.theirs, write=True) as store:
        store.save([Entry(key="author2024one", title="One paper", authors=["A. Author"], added="2024-05-01")])
        store.save([Entry(key="other2024", title="Another", authors=["B. Author"], added="2024-05-01")])

    merged, _ = machines.merge()

    with open_store(merged) as store:
        assert store.keys() == sorted([*PAPERS, "author2024one", "other2024"])
    assert entry_of(merged, "author2024one").tags == ["a"]


def test_a_paper_added_twice_stays_twice_when_its_key_there_holds_another_paper(machines: Machines) -> None:
    """Ours added P as `new2024a`; theirs added P as `new2024b` first and another paper as
    `new2024a`: moving ours' copy to `new2024b` is free, so the two copies become one."""
    with open_store(machines.ours, write=True) as store:
        store.save([Entry(key="new2024a", title="One paper", authors=["A. Author"], added="2024-05-02")])
    with open_store(machines.theirs, write=True) as store:
        store.save(
            [
                Entry(key="new2024b", title="One paper", authors=["A. Author"], added="2024-05-01"),
                Entry(key="new2024a", title="Another paper", authors=["B. Author"], added="2024-05-01"),
            ]
        )

    merged, _ = machines.merge()

    with open_store(merged) as store:
        keys = store.keys()
        titles = sorted(store.get(key).title for key in keys)  # type: ignore[union-attr]
    assert titles.count("One paper") == 1 and "Another paper" in titles


def test_the_side_that_saw_the_newest_digest_supplies_the_digest_fields(machines: Machines) -> None:
    def seen(path: Path, day: str, abstract: str, comment: str | None) -> None:
        entry = entry_of(path, KEY)
        entry.sightings.append(Sighting(f"{day}.md", "Attention", day, 4))
        entry.abstract, entry.comment = abstract, comment
        with open_store(path, write=True) as store:
            store.save([entry])

    seen(machines.theirs, "2024-03-02", "The newer abstract.", "Accepted by ICML 2024")
    seen(machines.ours, "2024-03-01", "The older abstract.", None)
    curate.edit(machines.ours, KEY, library.Fields(title="Sparse Attention for Long Documents"))
    merged, conflicts = machines.merge()
    entry = entry_of(merged, KEY)
    assert (entry.abstract, entry.comment, conflicts) == ("The newer abstract.", "Accepted by ICML 2024", 0)
    assert entry.title == "Sparse Attention for Long Documents"  # set by hand: no digest overrides it
    assert [s.date for s in entry.sightings] == ["2024-03-01", "2024-03-02"]


def test_merging_is_idempotent_and_one_sided_changes_are_taken_as_they_are(machines: Machines) -> None:
    curate.tag(machines.ours, [KEY], ["x"])
    ours = machines.ours.read_bytes()
    base = machines.base.read_bytes()
    assert merge_stores(base, ours, base).data == ours
    assert merge_stores(base, base, ours).data == ours
    assert merge_stores(base, ours, ours).data == ours
    assert merge_stores(None, ours, ours).data == ours


def test_no_common_ancestor_gives_the_union(machines: Machines, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    with open_store(other, write=True) as store:
        store.save([Entry(key="solo2022", title="Elsewhere", authors=["B. Solo"])])
    outcome = merge_stores(None, machines.ours.read_bytes(), other.read_bytes())
    merged = tmp_path / "union.json"
    merged.write_bytes(outcome.data)
    with open_store(merged) as store:
        assert sorted(store.keys()) == sorted([*PAPERS, "solo2022"])


def test_a_schema_1_ancestor_merges_with_schema_2_sides(machines: Machines) -> None:
    with open_store(machines.base) as store:
        docs = [entry.to_dict() for entry in store.entries()]
    machines.base.write_bytes(
        orjson.dumps({"meta": {"1": {"schema": 1}}, "entries": {str(n): d for n, d in enumerate(docs, 1)}})
    )
    curate.tag(machines.ours, [KEY], ["x"])
    curate.untag(machines.theirs, [KEY], ["to-read"])
    merged, _ = machines.merge()
    assert entry_of(merged, KEY).tags == ["x"]


def test_a_version_from_a_newer_readlist_is_refused_by_name(machines: Machines) -> None:
    newer = machines.theirs.read_bytes().replace(b'"schema":2', b'"schema":3', 1)
    with pytest.raises(StoreError, match=r"store \(theirs\): written by a newer readlist"):
        merge_stores(machines.base.read_bytes(), machines.ours.read_bytes(), newer)


def test_a_hand_formatted_version_is_merged_all_the_same(machines: Machines) -> None:
    import json

    curate.tag(machines.ours, [KEY], ["x"])
    pretty = json.dumps(orjson.loads(machines.theirs.read_bytes()), indent=2).encode()
    outcome = merge_stores(machines.base.read_bytes(), machines.ours.read_bytes(), pretty)
    assert outcome.data == machines.ours.read_bytes()


# -- properties ------------------------------------------------------------------------------
TAGS = ["a", "b", "c", "d"]
FIELDS = ["venue", "year", "comment"]

operation = st.one_of(
    st.tuples(st.just("tag"), st.sampled_from(sorted(PAPERS)), st.sampled_from(TAGS)),
    st.tuples(st.just("untag"), st.sampled_from(sorted(PAPERS)), st.sampled_from(TAGS)),
    st.tuples(st.just("note"), st.sampled_from(sorted(PAPERS)), st.text("xyz ", min_size=1, max_size=6)),
    st.tuples(st.just("unnote"), st.sampled_from(sorted(PAPERS)), st.integers(0, 3)),
    st.tuples(st.just("status"), st.sampled_from(sorted(PAPERS)), st.sampled_from(["reading", "read", "skipped"])),
    st.tuples(st.just("edit"), st.sampled_from(sorted(PAPERS)), st.sampled_from(FIELDS)),
    st.tuples(st.just("rm"), st.sampled_from(sorted(PAPERS)), st.none()),
    st.tuples(st.just("add"), st.sampled_from(["p1", "p2", "p3"]), st.sampled_from(["x", "y"])),
)


def apply(data: storefile.Data, side: str, operations: list[tuple[str, str, object]], clock: Iterator[str]) -> None:
    """What the commands do to the stored documents, in small."""
    entries = data["entries"]
    for kind, key, arg in operations:
        at = next(clock)
        if kind == "add":
            if key not in entries:
                entries[key] = Entry(key=key, title=f"{key} {arg} {side}", authors=[str(arg)], added=at).to_dict()
            continue
        doc = entries.get(key)
        if doc is None:
            continue
        if kind == "tag" and arg not in doc["tags"]:
            doc["tags"].append(arg)
        elif kind == "untag" and arg in doc["tags"]:
            doc["tags"].remove(arg)
        elif kind == "note":
            doc["notes"].append({"at": at, "text": f"{side} {arg}"})
        elif kind == "unnote" and len(doc["notes"]) > int(str(arg)):
            del doc["notes"][int(str(arg))]
        elif kind == "status" and doc["status"] != arg:
            doc["log"].append({"at": at, "kind": "status", "text": f"{doc['status']} -> {arg}"})
            doc["status"] = arg
        elif kind == "edit":
            doc[str(arg)] = 2000 + len(at) if arg == "year" else f"{side} {at}"
            doc["edited"] = list(dict.fromkeys([*doc["edited"], arg]))
            doc["log"].append({"at": at, "kind": "edit", "text": f"changed {arg}"})
        elif kind == "rm":
            del entries[key]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operation, max_size=12), st.lists(operation, max_size=12))
def test_merge_loses_no_note_or_tag_addition_and_undoes_no_removal(
    ops_ours: list[tuple[str, str, object]], ops_theirs: list[tuple[str, str, object]]
) -> None:
    base = storefile.new_data()
    for key, (title, authors) in PAPERS.items():
        base["entries"][key] = Entry(key=key, title=title, authors=authors, tags=["a"], added="t0").to_dict()
        base["entries"][key]["notes"] = [{"at": "t0", "text": "base note"}]
    clock = (f"t{n:04d}" for n in itertools.count(1))
    sides = []
    for name, ops in (("ours", ops_ours), ("theirs", ops_theirs)):
        data = orjson.loads(storefile.dumps(base))
        apply(data, name, ops, clock)
        sides.append(data)
    raw = [storefile.dumps(d) for d in (base, *sides)]
    outcome = merge_stores(*raw)
    merged = storefile.parse(Path("merged"), outcome.data)
    entries = merged["entries"]
    assert outcome.data == storefile.dumps(merged)  # canonical, and readable
    keys = [doc["key"] for doc in entries.values()]
    assert len(keys) == len({k.casefold() for k in keys})
    before = base["entries"]
    changed_fields = 0
    for key in before.keys() | sides[0]["entries"].keys() | sides[1]["entries"].keys():
        b, o, t = (side["entries"].get(key) for side in (base, *sides))
        if o is not None and t is not None and o["title"] != t["title"]:
            continue  # two papers under one key: checked by the key test
        present = [d for d in (o, t) if d is not None]
        kept = entries.get(key)
        changed = [d for d in present if d != b]
        if changed:  # a change on either side keeps the paper
            assert kept is not None
        if kept is None:
            continue
        for doc in present:
            for tag in doc["tags"]:
                if b is None or tag not in b["tags"]:
                    assert tag in kept["tags"]  # an addition is never lost
            for note in doc["notes"]:
                if b is None or note not in b["notes"]:
                    assert note in kept["notes"]
            if b is not None:
                for tag in b["tags"]:
                    if tag not in doc["tags"]:
                        assert tag not in kept["tags"]  # a removal is never undone
                for note in b["notes"]:
                    if note not in doc["notes"]:
                        assert note not in kept["notes"]
        if o is not None and t is not None:
            for name in FIELDS:
                vb = b.get(name) if b else None
                if o.get(name) != vb and t.get(name) != vb and o.get(name) != t.get(name):
                    changed_fields += 1
                    assert storefile.conflict_id(key, name) in merged["conflicts"]
    assert outcome.conflicts == changed_fields == len(merged["conflicts"])


def test_merge_of_a_large_store_parses_only_what_both_sides_changed(tmp_path: Path) -> None:
    """A merge reads the unchanged papers as lines: a parse of every document would show up as
    calls to `Entry`-free JSON loading per document."""
    data = storefile.new_data()
    for n in range(3000):
        data["entries"][f"k{n:05d}"] = Entry(key=f"k{n:05d}", title=f"Paper {n}", authors=["A. B."]).to_dict()
    base = storefile.dumps(data)
    ours, theirs = orjson.loads(base), orjson.loads(base)
    ours["entries"]["k00001"]["tags"] = ["x"]
    theirs["entries"]["k00001"]["tags"] = ["y"]
    theirs["entries"]["k00002"]["tags"] = ["z"]
    import readlist.merge as merge_module

    loads: list[bytes] = []
    real: Callable[[bytes | None], object] = merge_module._load
    merge_module._load = lambda line: loads.append(line or b"") or real(line)  # type: ignore[assignment]
    try:
        outcome = merge_stores(base, storefile.dumps(ours), storefile.dumps(theirs))
    finally:
        merge_module._load = real  # type: ignore[assignment]
    assert len(loads) == 3  # one paper, three versions
    merged = storefile.parse(tmp_path / "m.json", outcome.data)
    assert merged["entries"]["k00001"]["tags"] == ["x", "y"] and merged["entries"]["k00002"]["tags"] == ["z"]


def test_a_paper_kept_despite_its_removal_keeps_what_the_remover_did_before(machines: Machines) -> None:
    curate.untag(machines.ours, [KEY], ["to-read"])
    curate.note(machines.ours, KEY, "last words before removing it")
    curate.rm(machines.ours, [KEY], no)
    curate.note(machines.theirs, KEY, "meanwhile on the other machine")
    merged, _ = machines.merge()
    entry = entry_of(merged, KEY)
    assert entry.tags == []  # the removal of the tag stands
    assert [n.text for n in entry.notes] == [
        "read section 3",
        "last words before removing it",
        "meanwhile on the other machine",
    ]


def test_a_paper_an_earlier_merge_moved_is_merged_where_it_went_not_duplicated(machines: Machines) -> None:
    with open_store(machines.base, write=True) as store:
        store.save([Entry(key="kim2024a", title="Diffusion for tables", authors=["Ji-ho Kim"], added="2024-05-03")])
    shutil.copyfile(machines.base, machines.ours)
    # The other machine's earlier merge gave kim2024a to an older paper and moved ours to kim2024aa.
    with open_store(machines.theirs, write=True) as store:
        store.save(
            [
                Entry(key="kim2024a", title="Audio tokenizers", authors=["Min Kim"], added="2024-05-01"),
                Entry(key="kim2024aa", title="Diffusion for tables", authors=["Ji-ho Kim"], added="2024-05-03"),
            ]
        )
    curate.tag(machines.ours, ["kim2024a"], ["tables"])  # changed here meanwhile, under its old key
    merged, _ = machines.merge()
    with open_store(merged) as store:
        titles = sorted(e.title for e in store.entries())
        assert titles.count("Diffusion for tables") == 1
        assert store.get("kim2024aa").tags == ["tables"]  # type: ignore[union-attr]
        assert store.get("kim2024a").title == "Audio tokenizers"  # type: ignore[union-attr]


def test_a_conflict_goes_with_its_paper_and_stays_with_a_paper_kept_despite_removal(machines: Machines) -> None:
    curate.edit(machines.ours, KEY, library.Fields(venue="ICLR 2024"))
    curate.edit(machines.theirs, KEY, library.Fields(venue="NeurIPS 2024"))
    merged, _ = machines.merge()
    for path in (machines.base, machines.ours, machines.theirs):
        shutil.copyfile(merged, path)
    curate.rm(machines.ours, [KEY], no)
    assert conflicts_of(machines.ours) == []  # not listed for a paper no longer in the list
    curate.tag(machines.theirs, [KEY], ["still"])
    merged, _ = machines.merge()
    assert [(r["key"], r["field"]) for r in conflicts_of(merged)] == [(KEY, "venue")]
    shutil.copyfile(machines.theirs, machines.base)
    shutil.copyfile(machines.theirs, machines.ours)
    curate.rm(machines.ours, [KEY], no)
    merged, _ = machines.merge()
    assert b"venue" not in merged.read_bytes().split(b'"conflicts":')[1]


def test_a_conflict_moves_with_a_paper_a_key_clash_moves(machines: Machines) -> None:
    curate.edit(machines.ours, KEY, library.Fields(venue="ICLR 2024"))
    curate.edit(machines.theirs, KEY, library.Fields(venue="NeurIPS 2024"))
    merged, _ = machines.merge()
    shutil.copyfile(merged, machines.theirs)  # there: the paper, with its conflict
    with open_store(machines.base, write=True) as store:  # the common ancestor never had it
        store.remove_quietly([KEY])
    shutil.copyfile(machines.base, machines.ours)
    with open_store(machines.ours, write=True) as store:  # here: a paper added earlier, same key
        store.save([Entry(key=KEY, title="An older paper", authors=["B. Old"], added="2020-01-01T00:00:00+00:00")])
    merged, _ = machines.merge()
    with open_store(merged) as store:
        moved = next(e for e in store.entries() if e.title == PAPERS[KEY][0])
        assert moved.key == KEY + "a" and store.get(KEY).title == "An older paper"  # type: ignore[union-attr]
        assert [(r["key"], r["field"]) for r in store.conflicts()] == [(moved.key, "venue")]


def test_a_malformed_paper_from_the_other_side_is_refused_by_name(machines: Machines) -> None:
    curate.tag(machines.ours, [KEY], ["x"])
    broken = machines.theirs.read_bytes().replace(b'"tags":["to-read"]', b'"tags":"to-read"', 1)
    with pytest.raises(StoreError, match=r"store \(theirs\): not a readlist store .*'tags'"):
        merge_stores(machines.base.read_bytes(), machines.ours.read_bytes(), broken)
    from readlist.store import check_store_bytes

    check_store_bytes(machines.ours, machines.ours.read_bytes())
    with pytest.raises(StoreError, match="'tags'"):
        check_store_bytes(machines.theirs, broken)
