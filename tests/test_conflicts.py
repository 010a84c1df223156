"""`readlist conflicts` and `readlist resolve`: what a merge could not settle, settled by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from readlist.merge import merge_stores


@pytest.fixture
def conflicted(cli, db_path: Path, tmp_path: Path) -> str:
    """The store after a sync met the venue and authors changed differently on two machines."""
    key = cli("add", "--title", "Sparse attention", "--author", "Amélie Lefèvre", "--year", "2024").stdout.strip()
    base, other = tmp_path / "base.json", tmp_path / "other.json"
    shutil.copyfile(db_path, base)
    shutil.copyfile(db_path, other)
    cli("edit", key, "--venue", "ICLR 2024", "--author", "Amélie Lefèvre", "--author", "Jun Wang")
    cli("--db", str(other), "edit", key, "--venue", "NeurIPS 2024", "--author", "A. Lefèvre")
    outcome = merge_stores(base.read_bytes(), db_path.read_bytes(), other.read_bytes())
    db_path.write_bytes(outcome.data)
    return key


def test_conflicts_lists_each_field_with_both_values(cli, conflicted: str) -> None:
    result = cli("conflicts")
    assert result.stdout.splitlines()[:4] == [
        f"{conflicted} authors",
        "  ours (the list has it):  Amélie Lefèvre, Jun Wang",
        "  theirs (set aside):      A. Lefèvre",
        "  before both:             Amélie Lefèvre",
    ]
    assert f"{conflicted} venue" in result.stdout
    assert "2 conflicts; settle each with `readlist resolve KEY FIELD" in result.stderr
    assert cli.json("conflicts") == [
        {
            "key": conflicted,
            "field": "authors",
            "base": ["Amélie Lefèvre"],
            "ours": ["Amélie Lefèvre", "Jun Wang"],
            "theirs": ["A. Lefèvre"],
        },
        {"key": conflicted, "field": "venue", "base": None, "ours": "ICLR 2024", "theirs": "NeurIPS 2024"},
    ]


def test_resolve_takes_theirs_ours_or_a_value_as_a_hand_edit_and_clears_the_conflict(cli, conflicted: str) -> None:
    assert cli("show", conflicted, "--json").stdout  # readable before
    resolved = cli.json("resolve", conflicted, "venue", "--theirs")
    assert resolved["value"] == "NeurIPS 2024" and resolved["field"] == "venue"
    assert cli.json("show", conflicted)["venue"] == "NeurIPS 2024"
    assert [c["field"] for c in cli.json("conflicts")] == ["authors"]
    result = cli("resolve", conflicted, "authors", "--value", "Amélie Lefèvre and Jun Wang and Kai Li")
    assert "authors is now Amélie Lefèvre, Jun Wang, Kai Li; resolved." in result.stderr
    assert cli.json("show", conflicted)["authors"] == ["Amélie Lefèvre", "Jun Wang", "Kai Li"]
    assert cli.json("conflicts") == [] and "No conflicts." in cli("conflicts").stderr


def test_resolve_ours_keeps_the_value_shown(cli, conflicted: str) -> None:
    cli("resolve", conflicted, "venue", "--ours")
    assert cli.json("show", conflicted)["venue"] == "ICLR 2024"
    assert "venue" not in [c["field"] for c in cli.json("conflicts")]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["venue"], 3, "say how to resolve it: --ours, --theirs or --value"),
        (["venue", "--ours", "--theirs"], 3, "--ours and --theirs exclude each other"),
        (["venue", "--value", "X", "--ours"], 3, "say how to resolve it"),
        (["title", "--ours"], 4, "no conflict on KEY title; open: KEY authors, KEY venue"),
        (["year", "--value", "soon"], 4, "no conflict on KEY year"),
    ],
)
def test_resolve_refuses_what_it_cannot_do_and_changes_nothing(
    cli, conflicted: str, db_path: Path, args: list[str], code: int, message: str
) -> None:
    before = db_path.read_bytes()
    result = cli("resolve", conflicted, *args, ok=False)
    assert result.exit_code == code
    assert message.replace("KEY", conflicted) in result.stderr
    assert db_path.read_bytes() == before


def test_a_conflict_follows_its_paper_to_a_new_key(cli, conflicted: str) -> None:
    cli("rekey", conflicted, "lefevre2024sparse-att")
    assert {c["key"] for c in cli.json("conflicts")} == {"lefevre2024sparse-att"}
    cli("resolve", "lefevre2024sparse-att", "venue", "--theirs")
    assert cli.json("show", "lefevre2024sparse-att")["venue"] == "NeurIPS 2024"
