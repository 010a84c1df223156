"""Stored entries are checked field by field when read: a wrong type names the entry and the field."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.models import Entry, Event, MalformedEntry, Note, Sighting, _stored_form_problem, _well_typed

GOOD = Entry(
    key="k",
    title="T",
    authors=["Ann Lee"],
    comment="c",
    year=2024,
    sightings=[Sighting("d.txt", "Vision", "2024-01-02", 3)],
    tags=["x"],
    priority=2,
    notes=[Note("2024-01-01T10:00:00+01:00", "n")],
    log=[Event("2024-01-01T10:00:00+01:00", "status", "unread -> queued")],
    edited=["title"],
    listed={"title": "Old", "authors": ["Ann Lee"]},
    extra={"doi": "10.1/x"},
    added="2024-01-01T10:00:00+01:00",
).to_dict()


def test_a_good_entry_reads_back() -> None:
    assert Entry.from_dict(GOOD).to_dict() == GOOD


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param("tags", "ml", "field 'tags' is text, not a list of text", id="tags_as_text"),
        pytest.param("authors", ["A", 1], "field 'authors' is a list, not a list of text", id="author_number"),
        pytest.param("year", "2020", "field 'year' is text, not a whole number", id="year_as_text"),
        pytest.param("year", True, "field 'year' is true/false, not a whole number", id="year_as_bool"),
        pytest.param("priority", 1.5, "field 'priority' is a number, not a whole number", id="priority_float"),
        pytest.param("title", None, "field 'title' is null, not text", id="null_title"),
        pytest.param("comment", ["x"], "field 'comment' is a list, not text", id="comment_list"),
        pytest.param("added", 5, "field 'added' is a number, not text", id="added_number"),
        pytest.param("status", "done", "field 'status' is 'done'", id="unknown_status"),
        pytest.param("sightings", [{"file": "f"}], "field 'sightings' holds", id="sighting_missing_parts"),
        pytest.param("sightings", [{**GOOD["sightings"][0], "line": "3"}], "field 'sightings' holds", id="line_text"),
        pytest.param("notes", [{"at": "now", "text": 1}], "field 'notes' holds", id="note_text_number"),
        pytest.param("notes", {"at": "now"}, "field 'notes' is an object, not a list", id="notes_object"),
        pytest.param("log", [{"at": "now", "text": "x"}], "field 'log' holds", id="event_without_kind"),
        pytest.param("extra", {"doi": 1}, "field 'extra' holds a value that is not text", id="extra_number"),
        pytest.param("listed", {"authors": "A B"}, "field 'listed'", id="listed_authors_text"),
        pytest.param("edited", "title", "field 'edited' is text", id="edited_text"),
    ],
)
def test_every_field_type_is_checked(field: str, value: object, message: str) -> None:
    with pytest.raises(MalformedEntry, match="^entry 'k': " + message.replace("(", r"\(")):
        Entry.from_dict({**GOOD, field: value})


def test_an_entry_without_a_key_or_not_an_object() -> None:
    with pytest.raises(MalformedEntry, match="an entry has null as its key"):
        Entry.from_dict({"title": "t"})
    with pytest.raises(MalformedEntry, match="an entry is text, not an object"):
        Entry.from_dict("just a string")


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False) | st.text(max_size=3),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["at", "text", "x"]), children),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(sorted(GOOD)), value=_json)
def test_the_fast_check_agrees_with_the_one_that_explains(field: str, value: object) -> None:
    """`_well_typed` (run on every entry of every read) and `_stored_form_problem` (run to
    word the error) accept exactly the same entries; what they accept reads without error."""
    doc = {**GOOD, field: value}
    assert _well_typed(doc) == (_stored_form_problem(doc) is None)
    if _well_typed(doc):
        Entry.from_dict(doc)


def test_record_shapes_follow_the_dataclass_fields() -> None:
    """A field added to `Sighting` (with a default, as stored forms must stay readable) is
    checked by its own type without touching the checks."""
    from dataclasses import dataclass

    from readlist.models import _RecordShape

    @dataclass
    class Record:
        name: str
        count: int = 0
        flag: bool = False

    shape = _RecordShape.of(Record)
    assert shape.fits({"name": "x"}) and shape.fits({"name": "x", "count": 2, "flag": True})
    assert not shape.fits({"name": "x", "flag": 1})
    assert not shape.fits({"name": "x", "other": 1})
    assert not shape.fits({"count": 2})
