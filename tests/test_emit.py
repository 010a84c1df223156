"""`emit(result, fmt)`: each result's forms, without running a command."""

from __future__ import annotations

import json

import pytest

from readlist.models import Changed, Citation, Entry, EntryList, Exported, NextUp, NoteDeleted, Sighting, TagCounts
from readlist.output.emit import TABLE_ROWS, emit
from readlist.output.shapes import JSON_KEYS


def entries(count: int) -> list[Entry]:
    return [Entry(key=f"k{i:03d}", title=f"Title {i}", tags=["x"]) for i in range(count)]


def test_keys_and_json_print_everything(capsys: pytest.CaptureFixture[str]) -> None:
    many = EntryList(entries(TABLE_ROWS + 5))
    emit(many, "keys")
    assert capsys.readouterr().out.split() == [e.key for e in many.entries]
    emit(many, "json")
    printed = json.loads(capsys.readouterr().out)
    assert len(printed) == TABLE_ROWS + 5 and list(printed[0]) == list(JSON_KEYS)


def test_a_table_stops_at_table_rows_unless_limited(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # a person reads: a table
    emit(EntryList(entries(TABLE_ROWS + 5)))
    assert f"Showing {TABLE_ROWS} of {TABLE_ROWS + 5}" in capsys.readouterr().err
    emit(EntryList(entries(TABLE_ROWS + 5), limited=True))
    assert "Showing" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("result", "fmt", "out", "err"),
    [
        pytest.param(NextUp(None), "json", "null\n", "", id="nothing_queued_json"),
        pytest.param(NextUp(None), "human", "", "Nothing is queued", id="nothing_queued"),
        pytest.param(TagCounts([("x", 2)]), "json", '[\n  {\n    "tag": "x",\n    "count": 2\n  }\n]\n', "", id="tags"),
        pytest.param(Changed("untag", [Entry(key="k", title="t")]), "human", "", "k: (no tags)", id="untag"),
        pytest.param(Changed("rm", [Entry(key="k", title="t")]), "human", "", "Imports will skip", id="rm"),
        pytest.param(NoteDeleted("k", 2), "json", "", "Deleted note 2 of k.", id="note_deleted_has_no_json"),
        pytest.param(Citation("\\cite{a}", None), "human", "\\cite{a}\n", "", id="cite"),
        pytest.param(
            Exported("@misc{a}\n", 1, ["a has no year"], None),
            "human",
            "@misc{a}\n",
            "Warning: a has no year",
            id="export",
        ),
        pytest.param(Exported("", 0, [], None), "human", "", "No entries match; the export is empty.", id="empty"),
    ],
)
def test_forms(capsys: pytest.CaptureFixture[str], result, fmt, out: str, err: str) -> None:
    emit(result, fmt)
    printed = capsys.readouterr()
    assert printed.out == out and err in printed.err


def test_a_pipe_gets_every_entry_whole_one_line_each(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "0")
    long_title = "A Title Much Longer Than Any Terminal Column Would Show\tWith a Tab\nand a Line Break " * 3
    listed = [
        Entry(
            key="lee2024long",
            title=long_title,
            authors=["Ann Lee", "Bo Chen"],
            sightings=[Sighting("d.txt", "T", "2024-05-06")],
        ),
        *entries(TABLE_ROWS + 5),
    ]

    emit(EntryList(listed))

    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == TABLE_ROWS + 6 and err == ""
    assert lines[0].split("\t") == [
        "lee2024long",
        "2024",
        "2024-05-06",
        "unread",
        "Lee et al.",
        " ".join(long_title.split()),
    ]


def test_many_export_warnings_are_summed_up_by_kind() -> None:
    from readlist.output.emit import WARNINGS_IN_FULL, summarised_warnings

    hint = "(--profile biblatex keeps them, for XeLaTeX or LuaLaTeX)"
    letters = [f"k{n}: ð written in plain Latin letters for pdflatex {hint}" for n in range(WARNINGS_IN_FULL + 2)]
    year = ["nodate has no year; BibTeX styles will warn (readlist edit nodate --year YYYY)"]
    odd = ["something else entirely"]

    assert summarised_warnings(letters[:WARNINGS_IN_FULL]) == letters[:WARNINGS_IN_FULL]
    assert summarised_warnings(letters + year + odd) == [
        "something else entirely",
        f"{WARNINGS_IN_FULL + 2} entries: letters written in plain Latin letters for pdflatex: "
        f"k0 (ð), k1 (ð), k2 (ð), k3 (ð), k4 (ð) and {WARNINGS_IN_FULL - 3} more {hint}",
        "1 entry: no year; BibTeX styles will warn: nodate (readlist edit KEY --year YYYY)",
    ]
