"""The use cases called directly, without the command line: one result per call, no printing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from readlist.errors import Cancelled, InvalidInput, NotFound
from readlist.models import Changed, Citation, EntryList, Exported, Journal, NextUp, Shown, TagCounts
from readlist.services import browse, curate
from readlist.services import export as exporting
from readlist.services.library import Fields, Selection


def _yes(question: str) -> None:
    pass


def _no(question: str) -> None:
    raise Cancelled(f"refused: {question}")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "list.json"
    for title, author, year in [
        ("Sparse Routers for Tiny Transformers", "Ana Souza", 2024),
        ("Vision Transformers Need Registers", "Timothée Darcet", 2023),
        ("Attention Is All You Need", "Ashish Vaswani", 2017),
    ]:
        curate.add(path, Fields(title=title, authors=[author], year=year), tags=[])
    return path


def keys(result: EntryList | Changed) -> list[str]:
    return [e.key for e in result.entries]


def test_add_list_and_show(db: Path) -> None:
    listed = browse.list_entries(db, Selection(sort="year"))
    assert keys(listed) == ["souza2024sparse", "darcet2023vision", "vaswani2017attention"]
    assert not listed.limited
    assert browse.list_entries(db, Selection(limit=1)).limited
    shown = browse.show(db, "DARCET2023VISION")  # keys match case-insensitively
    assert isinstance(shown, Shown) and shown.entry.key == "darcet2023vision"


def test_add_refuses_a_duplicate_unless_forced(db: Path) -> None:
    fields = Fields(title="sparse routers for tiny transformers!", authors=["Ana Souza"])
    with pytest.raises(InvalidInput, match="already in the reading list as souza2024sparse"):
        curate.add(db, fields, tags=[])
    assert curate.add(db, fields, tags=[], force=True).entry.key == "souzasparse"  # no year given


@pytest.mark.parametrize(
    "selection",
    [
        pytest.param(Selection(sort="colour"), id="unknown_sort"),
        pytest.param(Selection(limit=-1), id="negative_limit"),
        pytest.param(Selection(status="done"), id="unknown_status"),
    ],
)
def test_bad_selections_are_refused(db: Path, selection: Selection) -> None:
    with pytest.raises(InvalidInput):
        browse.list_entries(db, selection)


def test_search_ranks_and_highlights(db: Path) -> None:
    found = browse.search(db, "transformers")
    assert keys(found) == ["darcet2023vision", "souza2024sparse"]  # both in the title: key order
    assert all(found.highlights[key]["title"] for key in keys(found))
    assert keys(browse.search(db, "transformers", limit=1)) == keys(found)[:1]
    with pytest.raises(InvalidInput, match="--limit"):
        browse.search(db, "transformers", limit=-1)


def test_tags_one_rule(db: Path) -> None:
    assert curate.tag(db, ["souza2024sparse"], ["Café"]).entries[0].tags == ["café"]
    assert curate.tag(db, ["souza2024sparse"], ["CAFE"]).entries[0].tags == ["café"]
    assert browse.tags(db) == TagCounts([("café", 1)])
    assert keys(browse.list_entries(db, Selection(tags=["cafe"]))) == ["souza2024sparse"]
    assert curate.untag(db, ["souza2024sparse"], ["cafe"]).entries[0].tags == []


def test_notes_the_journal_and_deleting_with_confirmation(db: Path) -> None:
    noted = curate.note(db, "souza2024sparse", "  read section 4  ")
    assert (noted.key, noted.number, noted.note.text) == ("souza2024sparse", 1, "read section 4")
    journal = browse.log(db, keys=["souza2024sparse"])
    assert isinstance(journal, Journal) and [line.text for line in journal.lines] == ["read section 4"]
    assert browse.log(db, since=date(2999, 1, 1)).lines == []
    with pytest.raises(Cancelled):
        curate.delete_note(db, "souza2024sparse", 1, _no)
    with pytest.raises(NotFound, match="has no note 2"):
        curate.delete_note(db, "souza2024sparse", 2, _no)  # nothing to confirm: no such note
    assert curate.delete_note(db, "souza2024sparse", 1, _yes).number == 1
    assert browse.show(db, "souza2024sparse").entry.notes == []


def test_status_priority_and_next(db: Path) -> None:
    assert browse.next_up(db) == NextUp(None)
    curate.status(db, ["vaswani2017attention"], "queued")
    changed = curate.status(db, ["darcet2023vision"], "queued", priority=1)
    assert changed.action == "status" and changed.entries[0].priority == 1
    assert browse.next_up(db).entry.key == "darcet2023vision"
    with pytest.raises(InvalidInput, match="priority must be 1"):
        curate.status(db, ["darcet2023vision"], None, priority=9)


def test_edit_and_rm(db: Path) -> None:
    edited = curate.edit(db, "darcet2023vision", Fields(venue="ICLR 2024"))
    assert edited.action == "edit" and edited.entries[0].venue == "ICLR 2024"
    with pytest.raises(Cancelled):
        curate.rm(db, ["darcet2023vision"], _no)
    assert keys(curate.rm(db, ["darcet2023vision"], _yes)) == ["darcet2023vision"]
    with pytest.raises(NotFound):
        browse.show(db, "darcet2023vision")


def test_rm_says_what_it_takes_away_and_that_undo_brings_it_back(db: Path) -> None:
    curate.note(db, "darcet2023vision", "a note")
    curate.note(db, "darcet2023vision", "another")
    curate.status(db, ["darcet2023vision"], "read")
    curate.tag(db, ["darcet2023vision"], ["ml"])
    asked: list[str] = []

    curate.rm(db, ["darcet2023vision"], asked.append)

    assert asked == [
        "Remove 1 entry: darcet2023vision? With it go 2 notes, 1 status and edit history line, 1 tag, "
        "3 hand-edited fields and the reading status of 1 entry. `readlist undo` brings it back."
    ]


def test_export_writes_a_file_or_returns_the_text(db: Path, tmp_path: Path) -> None:
    result = exporting.export(db, None, Selection(sort="key"), fmt="bibtex")
    assert isinstance(result, Exported) and result.count == 3 and result.output is None
    assert result.text.count("@") == 3
    out = tmp_path / "refs.bib"
    written = exporting.export(db, ["vaswani2017attention"], Selection(sort="key"), output=out)
    assert written.count == 1 and out.read_text() == written.text


def test_export_never_empties_a_file_and_never_writes_the_store(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "refs.bib"
    out.write_text("old")
    with pytest.raises(InvalidInput, match="no entries match"):
        exporting.export(db, None, Selection(sort="key", tags=["nothing"]), output=out)
    assert out.read_text() == "old"
    assert exporting.export(db, None, Selection(sort="key", tags=["nothing"])).count == 0  # stdout: empty is fine
    with pytest.raises(InvalidInput, match="own store"):
        exporting.export(db, None, Selection(sort="key"), output=db)


@pytest.mark.parametrize(
    ("fmt", "profile", "message"),
    [
        pytest.param("docx", "bibtex", "unknown format 'docx'", id="format"),
        pytest.param("bibtex", "amsrefs", "unknown profile 'amsrefs'", id="profile"),
    ],
)
def test_export_refuses_unknown_formats_and_profiles(db: Path, fmt: str, profile: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        exporting.export(db, None, Selection(sort="key"), fmt=fmt, profile=profile)


def test_cite(db: Path) -> None:
    cited = exporting.cite(db, ["vaswani2017attention", "Souza2024Sparse"], command="\\citep")
    assert cited == Citation("\\citep{vaswani2017attention,souza2024sparse}", None)
    assert exporting.cite(db, ["vaswani2017attention"], bib=True).bib.startswith("@")
    with pytest.raises(InvalidInput, match="not a LaTeX command name"):
        exporting.cite(db, ["vaswani2017attention"], command="cite{x}")
