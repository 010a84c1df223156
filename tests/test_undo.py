"""`undo`: every writing command can be undone and redone; nothing is lost silently."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist import undo_journal
from readlist.errors import ExitCode, InvalidInput, NotFound
from readlist.services import browse, curate, undo
from readlist.services.library import Fields

PAPERS = [
    ("Sparse Routers for Tiny Transformers", "Ana Souza, Bo Chen, Cy Dunn", "Routers route tokens.", None),
    ("Gaussian Splats in the Wild", "Jérôme Lefèvre, Ida Berg", "Splats everywhere.", "Accepted at CVPR 2024"),
]


def _yes(question: str) -> None:
    return None


def tables(path: Path) -> dict[str, object]:
    """The store's content, entries by key (document ids aside)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        "entries": {doc["key"]: doc for doc in data["entries"].values()},
        "removed": sorted(json.dumps(row, sort_keys=True) for row in data.get("removed", {}).values()),
        "meta": data["meta"],
    }


@pytest.fixture
def two(cli, write_digest, db_path: Path) -> list[str]:
    cli("import", str(write_digest("d.txt", "Efficient ML", "2024-02-01", PAPERS)))
    keys = sorted(cli("list", "--keys").stdout.split())
    cli("note", keys[0], "first thought")
    cli("note", keys[0], "second thought")
    cli("status", keys[0], "read")
    cli("tag", keys[0], "-t", "to-cite")
    cli("edit", keys[0], "--venue", "ICLR 2024")
    return keys


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["tag", "{0}", "{1}", "-t", "x"], id="tag"),
        pytest.param(["untag", "{0}", "-t", "to-cite"], id="untag"),
        pytest.param(["note", "{1}", "a note"], id="note"),
        pytest.param(["note", "{0}", "--delete", "1", "--yes"], id="note_delete"),
        pytest.param(["status", "{0}", "{1}", "queued", "--priority", "1"], id="status"),
        pytest.param(["edit", "{1}", "--title", "Splats", "--year", "2023"], id="edit"),
        pytest.param(["rekey", "{0}", "routers"], id="rekey"),
        pytest.param(["rm", "{0}", "{1}", "--yes"], id="rm"),
        pytest.param(["add", "--title", "A New Paper", "--author", "Eve Fox"], id="add"),
        pytest.param(["import", "{digest}"], id="import"),
    ],
)
def test_undo_puts_back_exactly_what_each_command_changed_and_redo_does_it_again(
    cli, two, db_path: Path, write_digest, command: list[str]
) -> None:
    digest = write_digest("e.txt", "Efficient ML", "2024-02-02", [("Fresh Paper", "Gil Ho", "New.", None), PAPERS[1]])
    before = tables(db_path)
    cli(*(arg.format(*two, digest=digest) for arg in command))
    after = tables(db_path)
    assert after != before

    undone = cli("undo")

    assert tables(db_path) == before
    assert "Undid:" in undone.stderr and command[0] in undone.stderr
    cli("undo", "--redo")
    assert tables(db_path) == after


def test_rm_then_undo_brings_back_every_field_and_imports_take_it_again(cli, two, db_path: Path) -> None:
    before = tables(db_path)
    removed = cli("rm", two[0], "--yes")
    assert "`readlist undo` brings them back" in removed.stderr

    cli("undo")

    assert tables(db_path)["entries"] == before["entries"]  # notes, log, tags, edits, sightings
    assert tables(db_path)["removed"] == []


def test_undo_n_goes_back_n_commands_and_list_shows_them(cli, two, db_path: Path) -> None:
    start = tables(db_path)
    cli("tag", two[1], "-t", "later")
    cli("note", two[1], "later still")
    listed = cli("undo", "--list").stdout
    assert listed.index("readlist note") < listed.index("readlist tag") < listed.index("readlist edit")
    assert f"changed 1 entry: {two[1]}" in listed

    cli("undo", "2")

    assert tables(db_path) == start
    history = cli.json("undo", "--list")
    assert [c["command"] for c in history["undone"]][:2] == [
        f"readlist tag {two[1]} -t later",
        f"readlist note {two[1]} 'later still'",
    ]
    assert history["done"][0]["command"].startswith("readlist edit") and history["done"][0]["changed"] == [two[0]]


def test_undo_of_more_commands_than_recorded_changes_nothing(cli, tmp_path: Path, db_path: Path) -> None:
    cli("add", "--title", "Only One", "--author", "Al Bo")
    before = db_path.read_bytes()

    refused = cli("undo", "3", ok=False)

    assert refused.exit_code == ExitCode.NOT_FOUND and "only 1 command can be undone" in refused.stderr
    assert db_path.read_bytes() == before


def test_redo_refuses_when_a_later_command_changed_the_entry_and_names_it(cli, two, db_path: Path) -> None:
    cli("tag", two[1], "-t", "x")
    cli("undo")
    cli("note", two[1], "written after the undo")
    before = db_path.read_bytes()

    refused = cli("undo", "--redo", ok=False)

    assert refused.exit_code == ExitCode.INVALID_INPUT
    assert f"{two[1]} was changed since by `readlist note {two[1]} 'written after the undo'`" in refused.stderr
    assert db_path.read_bytes() == before


def test_undo_refuses_an_entry_changed_outside_the_journal(cli, two, db_path: Path) -> None:
    cli("tag", two[1], "-t", "x")
    data = json.loads(db_path.read_text(encoding="utf-8"))
    for doc in data["entries"].values():
        if doc["key"] == two[1]:
            doc["abstract"] = "changed by hand in the file"
    db_path.write_text(json.dumps(data), encoding="utf-8")
    before = db_path.read_bytes()

    refused = cli("undo", ok=False)

    assert refused.exit_code == ExitCode.INVALID_INPUT
    assert f"{two[1]} was changed since by a change not in the journal" in refused.stderr
    assert db_path.read_bytes() == before


def test_undo_without_a_store_says_so_and_creates_nothing(cli, db_path: Path) -> None:
    refused = cli("undo", ok=False)
    assert refused.exit_code == ExitCode.NOT_FOUND and "no reading list at" in refused.stderr
    assert cli("undo", "--list", ok=False).exit_code == ExitCode.NOT_FOUND
    assert not db_path.exists() and not Path(str(db_path) + ".undo").exists()


def test_nothing_to_undo(cli, db_path: Path) -> None:
    db_path.write_text('{"meta": {"1": {"schema": 1}}, "entries": {}}', encoding="utf-8")
    refused = cli("undo", ok=False)
    assert refused.exit_code == ExitCode.NOT_FOUND and "nothing to undo" in refused.stderr
    assert "Nothing to undo" in cli("undo", "--list").stderr


def test_a_damaged_journal_stops_undo_and_the_store_is_untouched(cli, two, db_path: Path) -> None:
    journal = Path(str(db_path) + ".undo")
    journal.write_bytes(journal.read_bytes() + b'{"at": "broken"}\n')
    cli("tag", two[0], "-t", "still-works")  # other commands go on; the damage stays visible
    before = db_path.read_bytes()

    refused = cli("undo", ok=False)

    assert refused.exit_code == ExitCode.STORE
    assert "the undo journal is damaged (line 7" in refused.stderr and "Move it away" in refused.stderr
    assert db_path.read_bytes() == before
    assert cli("undo", "--list", ok=False).exit_code == ExitCode.STORE


def test_a_line_cut_short_by_a_crash_is_dropped(cli, two, db_path: Path) -> None:
    """The journal is written before the store: a cut line's command never reached the store."""
    journal = Path(str(db_path) + ".undo")
    journal.write_bytes(journal.read_bytes() + b'{"at": "2024-01-01T00:00:00+00:00", "comm')
    cli("tag", two[1], "-t", "after-the-crash")

    cli("undo")

    assert journal.read_bytes().endswith(b"\n") and b'"comm\n' not in journal.read_bytes()
    assert tables(db_path)["entries"][two[1]]["tags"] == []


def test_a_journal_that_is_a_directory_stops_writing_commands(cli, two, db_path: Path) -> None:
    journal = Path(str(db_path) + ".undo")
    journal.unlink()
    journal.mkdir()
    before = db_path.read_bytes()

    refused = cli("tag", two[0], "-t", "x", ok=False)

    assert refused.exit_code == ExitCode.STORE and "must be a regular file" in refused.stderr
    assert db_path.read_bytes() == before


def test_readd_of_a_removed_paper_brings_it_back_whole(cli, two, db_path: Path) -> None:
    whole = tables(db_path)["entries"][two[0]]
    cli("rm", two[0], "--yes")

    added = cli("add", "--title", "Gaussian Splats in the Wild", "--author", "Jérôme Lefèvre", "--year", "2024")

    assert added.stdout.strip() == two[0]
    assert "was removed on" in added.stderr and "2 notes, status read, tags to-cite" in added.stderr
    back = tables(db_path)["entries"][two[0]]
    assert back["authors"] == ["Jérôme Lefèvre", "Ida Berg"] and back["notes"] == whole["notes"]
    assert back["venue"] == "ICLR 2024" and back["sightings"] == whole["sightings"]
    assert back["year"] == 2024 and "year" in back["edited"]  # it lacked a year: the typed one fills it
    assert tables(db_path)["removed"] == []


def test_readd_keeps_the_entrys_own_fields_and_says_which(cli, two, db_path: Path) -> None:
    cli("rm", two[0], "--yes")

    added = cli("add", "--title", "Gaussian Splats in the Wild", "--author", "Jérôme Lefèvre", "--venue", "CVPR")

    assert "It kept its own authors, venue rather than what you typed" in added.stderr
    assert tables(db_path)["entries"][two[0]]["venue"] == "ICLR 2024"


def test_readd_after_the_journal_forgot_the_paper_says_so(cli, two, db_path: Path) -> None:
    cli("rm", two[0], "--yes")
    Path(str(db_path) + ".undo").unlink()

    added = cli("add", "--title", "Gaussian Splats in the Wild", "--author", "Jérôme Lefèvre")

    assert "no longer holds it" in added.stderr
    assert tables(db_path)["entries"][added.stdout.strip()]["authors"] == ["Jérôme Lefèvre"]


# -- the use cases, without a process ----------------------------------------------------------
@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "list.json"
    curate.add(path, Fields(title="Sparse Routers", authors=["Ana Souza"], year=2024), tags=[])
    return path


def test_a_command_that_changes_nothing_is_not_recorded(db: Path) -> None:
    curate.tag(db, ["souza2024sparse"], ["x"])
    curate.tag(db, ["souza2024sparse"], ["x"])
    assert len(undo.history(db).done) == 2  # the add and the first tag


def test_the_journal_keeps_the_last_commands(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(undo_journal, "MAX_COMMANDS", 5)
    monkeypatch.setattr(undo_journal, "TRIM_SLACK", 2)
    for number in range(12):
        curate.note(db, "souza2024sparse", f"note {number}")
        assert len(Path(str(db) + ".undo").read_bytes().splitlines()) <= 7
    done = undo.history(db).done
    assert len(done) == 5
    undo.undo(db, 5)
    with pytest.raises(NotFound):
        undo.undo(db)
    assert len(browse.show(db, "souza2024sparse").entry.notes) == 7


def test_the_journal_drops_the_oldest_beyond_its_size_but_keeps_the_newest(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(undo_journal, "MAX_BYTES", 10)
    curate.note(db, "souza2024sparse", "one")
    curate.note(db, "souza2024sparse", "two")
    assert len(undo.history(db).done) == 1
    undo.undo(db)
    with pytest.raises(NotFound, match="nothing to undo"):
        undo.undo(db)
    assert [n["text"] for n in json.loads(db.read_bytes())["entries"]["souza2024sparse"]["notes"]] == ["one"]


def test_a_record_the_store_never_got_is_found_already_undone(db: Path) -> None:
    """A crash between writing the journal and the store: undo finds nothing to put back."""
    before = db.read_bytes()
    curate.tag(db, ["souza2024sparse"], ["x"])
    db.write_bytes(before)

    undo.undo(db)

    assert db.read_bytes() == before
    history = undo.history(db)
    assert history.undone == [] and [c.added for c in history.done] == [["souza2024sparse"]]


def test_undo_refuses_a_count_below_one(db: Path) -> None:
    with pytest.raises(InvalidInput):
        undo.undo(db, 0)


def test_nothing_to_redo(db: Path) -> None:
    with pytest.raises(NotFound, match="nothing to redo"):
        undo.undo(db, redo=True)


def test_undo_json_shapes_are_the_readme_contract(cli, two) -> None:
    cli("tag", two[1], "-t", "x")
    command_keys = ["at", "command", "added", "changed", "removed", "undone"]
    history = cli.json("undo", "--list")
    assert list(history) == ["done", "undone"] and list(history["done"][0]) == command_keys
    undone = cli.json("undo")
    assert list(undone) == ["redo", "commands"] and undone["redo"] is False
    assert undone["commands"][0]["changed"] == [two[1]] and list(undone["commands"][0]) == command_keys


# -- any sequence of commands undoes back through every state, and redoes forward ----------------
def _run(db: Path, step: tuple[str, int, str]) -> None:
    """One command on the entry numbered `which` (some fail: a missing key, a clash)."""
    kind, which, word = step
    key = sorted(json.loads(db.read_bytes())["entries"].values(), key=lambda d: d["key"])
    target = key[which % len(key)]["key"] if key else "nothing"
    steps = {
        "tag": lambda: curate.tag(db, [target], [word]),
        "untag": lambda: curate.untag(db, [target], [word]),
        "note": lambda: curate.note(db, target, f"about {word}"),
        "status": lambda: curate.status(db, [target], "read" if which % 2 else "queued"),
        "edit": lambda: curate.edit(db, target, Fields(venue=word)),
        "rm": lambda: curate.rm(db, [target], _yes),
        "add": lambda: curate.add(db, Fields(title=f"On {word}", authors=["Ann Lee"]), tags=[]),
        "rekey": lambda: curate.rekey(db, target, f"k{word}"),
    }
    with contextlib.suppress(InvalidInput, NotFound):
        steps[kind]()


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["tag", "untag", "note", "status", "edit", "rm", "add", "rekey"]),
            st.integers(0, 3),
            st.sampled_from(["alpha", "beta", "gamma"]),
        ),
        min_size=1,
        max_size=8,
    )
)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_undo_walks_back_through_every_state_and_redo_forward(tmp_path: Path, steps) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    db = folder / "list.json"
    curate.add(db, Fields(title="Sparse Routers", authors=["Ana Souza"]), tags=["seed"])
    states = [tables(db)]
    for step in steps:
        _run(db, step)
        if tables(db) != states[-1]:
            states.append(tables(db))

    for state in reversed(states[:-1]):
        undo.undo(db)
        assert tables(db) == state
    for state in states[1:]:
        undo.undo(db, redo=True)
        assert tables(db) == state
