"""`readlist add ARXIV...` and `readlist refresh` against a local stand-in for the arXiv API."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from arxiv_server import PAPERS, FakeArxiv, serve

from readlist.errors import ExitCode


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeArxiv]:
    for server in serve():
        monkeypatch.setenv("READLIST_ARXIV_API", server.url)
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
        yield server


def test_add_by_arxiv_id_fetches_the_paper(cli, fake: FakeArxiv) -> None:
    result = cli("add", "arXiv:2405.01234", "https://arxiv.org/abs/2405.04321v2", "2405.99999", "-t", "to-read")

    assert result.stdout.split() == ["olafsdottir2024pruning", "souza2024tiny"]
    assert "arXiv has no paper 2405.99999." in result.stderr
    entry = cli.json("show", "olafsdottir2024pruning")
    assert entry["title"] == "Pruning Sparse Voxel Grids Online for Real-Time Rendering"
    assert entry["authors"] == ["Marta Ólafsdóttir", "Jean-Luc Moreau"]
    assert (entry["arxiv"], entry["categories"], entry["tags"]) == ("2405.01234", ["cs.CV"], ["to-read"])
    assert entry["comment"] == "Accepted by CVPR 2024. 14 pages"
    assert [(s["file"], s["topic"], s["date"]) for s in entry["sightings"]] == [("arxiv.org", "cs.CV", "2024-05-02")]
    bib = cli("export", "olafsdottir2024pruning").stdout
    assert (
        bib.startswith("@inproceedings{olafsdottir2024pruning,") and "doi           = {10.1109/CVPR.2024.01234}" in bib
    )


def test_add_arxiv_option_alone_fetches_too(cli, fake: FakeArxiv) -> None:
    assert cli("add", "--arxiv", "2405.04321v1").stdout.strip() == "souza2024tiny"


def test_add_completes_a_paper_already_imported_without_duplicating_it(cli, fake: FakeArxiv, tmp_path: Path) -> None:
    digest = tmp_path / "d.txt"
    digest.write_text(
        "Talking Heads\n\n2024-05-08 更新\n\nTiny Talking Heads\n\nAuthors:Ana Souza, Bo Chen\n\nAn abstract of our own.\n",
        encoding="utf-8",
    )
    cli("import", str(digest))

    result = cli("add", "2405.04321", "--json")
    again = cli("add", "2405.04321")

    report = json.loads(result.stdout)
    assert [e["key"] for e in report["merged"]] == ["souza2024tiny"] and report["new"] == []
    [entry] = cli.json("list")
    assert entry["arxiv"] == "2405.04321" and entry["abstract"] == "An abstract of our own."  # the newer digest wins
    assert len(entry["sightings"]) == 2
    assert "Already in the list as souza2024tiny." in again.stderr


def test_add_brings_back_a_removed_paper_with_its_notes(cli, fake: FakeArxiv) -> None:
    cli("add", "2405.04321")
    cli("note", "souza2024tiny", "read section 3")
    cli("status", "souza2024tiny", "reading")
    cli("rm", "souza2024tiny", "--yes")

    assert cli("add", "2405.04321").stdout.strip() == "souza2024tiny"
    entry = cli.json("show", "souza2024tiny")
    assert [n["text"] for n in entry["notes"]] == ["read section 3"] and entry["status"] == "reading"


def test_refresh_is_undone(cli, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("add", "2405.04321")
    before = cli.json("show", "souza2024tiny")
    published = (*PAPERS["2405.04321"][:3], "Camera ready", *PAPERS["2405.04321"][4:])
    monkeypatch.setitem(PAPERS, "2405.04321", published)
    cli("refresh", "souza2024tiny", "--no-cache")
    assert cli.json("show", "souza2024tiny")["comment"] == "Camera ready"

    undone = cli("undo")

    assert "readlist refresh souza2024tiny --no-cache" in undone.stderr
    assert cli.json("show", "souza2024tiny") == before


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(["add", "2405.99999"], ExitCode.NOT_FOUND, "arXiv has no paper 2405.99999", id="unknown_id"),
        pytest.param(["add", "not-an-id"], ExitCode.INVALID_INPUT, "'not-an-id' is not an arXiv id", id="bad_id"),
        pytest.param(
            ["add", "2405.04321", "--title", "T"], ExitCode.INVALID_INPUT, "either arXiv ids", id="ids_and_fields"
        ),
        pytest.param(["refresh"], ExitCode.INVALID_INPUT, "give --all", id="refresh_nothing"),
    ],
)
def test_arxiv_command_errors(cli, fake: FakeArxiv, args: list[str], code: int, message: str) -> None:
    result = cli(*args, ok=False)

    assert result.exit_code == code
    assert message in result.stderr


def test_no_network_is_exit_7_and_the_store_is_untouched(
    cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_path: Path
) -> None:
    cli("add", "--title", "Kept", "--author", "Ann Lee")
    before = db_path.read_bytes()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("READLIST_ARXIV_API", f"http://127.0.0.1:{port}/api/query")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    result = cli("add", "2405.04321", ok=False)

    assert result.exit_code == ExitCode.UNAVAILABLE
    assert result.stderr.startswith("Error: cannot reach the arXiv API at http://127.0.0.1:")
    assert db_path.read_bytes() == before


def test_refresh_brings_the_latest_version_and_keeps_what_was_set_by_hand(
    cli, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("add", "2405.01234", "2405.04321")
    cli("edit", "souza2024tiny", "--title", "My Own Title")
    published = (
        *PAPERS["2405.04321"][:3],
        "Camera ready",
        "IEEE Transactions on Image Processing 33 (2024)",
        "10.1109/TIP.2024.4321",
        PAPERS["2405.04321"][6],
    )
    monkeypatch.setitem(PAPERS, "2405.04321", published)

    cached = cli("refresh", "--all")
    dry = json.loads(cli("refresh", "--all", "--dry-run", "--no-cache", "--json").stdout)
    unchanged = cli.json("show", "souza2024tiny")
    cli("refresh", "souza2024tiny", "--no-cache")
    refreshed = cli.json("show", "souza2024tiny")

    assert "0 changed" in cached.stderr  # today's answer came from the cache
    assert {(c["key"], c["field"], c["new"]) for c in dry["changes"]} == {
        ("souza2024tiny", "comment", "Camera ready"),
        ("souza2024tiny", "journal_ref", "IEEE Transactions on Image Processing 33 (2024)"),
        ("souza2024tiny", "doi", "10.1109/TIP.2024.4321"),
    }
    assert dry["dry_run"] is True and dry["checked"] == 2
    assert unchanged["comment"] is None
    assert (refreshed["title"], refreshed["comment"]) == ("My Own Title", "Camera ready")
    assert cli("export", "souza2024tiny").stdout.startswith("@article{souza2024tiny,")


def test_refresh_keeps_a_doi_and_comment_set_or_cleared_with_edit(
    cli, fake: FakeArxiv, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("add", "2405.04321")
    cli("edit", "souza2024tiny", "--doi", "10.5555/mine", "--comment", "My note on the venue")
    published = (*PAPERS["2405.04321"][:3], "Camera ready", "", "10.1109/TIP.2024.4321", PAPERS["2405.04321"][6])
    monkeypatch.setitem(PAPERS, "2405.04321", published)

    kept = cli.json("refresh", "--all", "--no-cache")["changes"]
    cli("edit", "souza2024tiny", "--doi", "")
    still_cleared = cli.json("refresh", "--all", "--no-cache")["changes"]

    assert {c["field"] for c in kept + still_cleared} & {"doi", "comment"} == set()
    assert cli.json("show", "souza2024tiny")["comment"] == "My note on the venue"
    assert not re.search(r"^\s*doi\s", cli("export", "souza2024tiny").stdout, flags=re.M)
