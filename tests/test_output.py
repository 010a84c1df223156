"""What people and scripts read: the JSON contract, safe rendering, errors, help."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from readlist.errors import ExitCode
from readlist.output.shapes import JSON_KEYS

HOSTILE = (
    "[bold]Bold[/] and [/] \x1b[31mred\x1b[0m \x1b]0;pwned\x07title",
    "Eve [link=x]Evil[/link]",
    "a\x1b[2Jb",
    None,
)


def test_json_entry_keys_are_the_documented_contract(cli, write_digest) -> None:
    cli(
        "import",
        str(write_digest("a.txt", "T", "2024-01-01", [("Plain Title", "Ann Lee", "Abs.", "Accepted at ICLR 2024")])),
    )
    [entry] = cli.json("list")
    assert tuple(entry) == JSON_KEYS
    assert cli.json("show", entry["key"]) == entry
    assert entry["year"] == 2024 and entry["comment"] == "Accepted at ICLR 2024"
    assert entry["sightings"] == [{"file": "a.txt", "topic": "T", "date": "2024-01-01", "line": 5}]


def test_markup_prints_literally_and_control_sequences_never_reach_the_terminal(cli, write_digest) -> None:
    cli("import", str(write_digest("a.txt", "T", "2024-01-01", [HOSTILE])))
    key = cli("list", "--keys").stdout.strip()
    cli("note", key, "note with \x1b[5mblink\x1b[0m and [red]markup[/red]")
    for args in (["list"], ["show", key], ["search", "bold"], ["log"]):
        out = cli(*args).stdout
        assert "\x1b" not in out and "\x07" not in out, args
    shown = cli("show", key).stdout
    assert "[bold]Bold[/]" in shown.replace("\n", "")
    assert "[red]markup[/red]" in shown


def test_titles_with_markup_in_list_table(cli, write_digest) -> None:
    cli("import", str(write_digest("a.txt", "T", "2024-01-01", [("[b]x[/b] Study", "Ann Lee", "y", None)])))
    assert "[b]x[/b] Study" in cli("list").stdout


def test_error_is_one_line_with_exit_code(cli) -> None:
    cli("add", "--title", "Zebra Crossings", "--author", "Ann Lee")
    result = cli("show", "nothing", ok=False)
    assert result.exit_code == ExitCode.NOT_FOUND
    assert result.stderr == "Error: no entry with key 'nothing'\n"


def test_corrupt_store_error_names_the_file_and_keeps_it(cli, db_path) -> None:
    db_path.write_text('{"meta": {"1": {"schema": 1}}, "entries": {"1": ')
    before = db_path.read_bytes()
    for args in (["list"], ["add", "--title", "X"], ["tag", "k", "-t", "x"]):
        result = cli(*args, ok=False)
        assert result.exit_code == ExitCode.STORE, args
        assert result.stderr.startswith(f"Error: {db_path}: the store is not valid JSON")
        assert len(result.stderr.splitlines()) == 1
    assert db_path.read_bytes() == before


@pytest.mark.parametrize(
    "entries",
    [
        pytest.param('{"1": {"key": "k"}}', id="entry_without_title"),
        pytest.param('{"1": "just a string"}', id="entry_not_an_object"),
        pytest.param('{"x": {"key": "k", "title": "t"}}', id="bad_document_id"),
        pytest.param('{"1": {"key": "k", "title": "t", "sightings": [{"nope": 1}]}}', id="bad_sighting"),
        pytest.param('{"1": {"key": "k", "title": null}}', id="null_title"),
        pytest.param('{"1": {"key": "k", "title": "t", "year": "2020"}}', id="year_as_text"),
        pytest.param('{"1": {"key": "k", "title": "t", "authors": "A B"}}', id="authors_as_text"),
        pytest.param('{"1": {"key": "k", "title": "t", "status": "done"}}', id="unknown_status"),
        pytest.param('{"1": {"key": "k", "title": "t", "tags": "ml"}}', id="tags_as_text"),
        pytest.param('{"1": {"key": "k", "title": "t", "notes": [{"at": "x", "text": 1}]}}', id="note_not_text"),
    ],
)
def test_malformed_entries_are_a_store_error_not_a_traceback(cli, db_path, entries) -> None:
    db_path.write_text('{"meta": {"1": {"schema": 1}}, "entries": ' + entries + "}")
    before = db_path.read_bytes()
    for args in (["list"], ["show", "k"], ["tag", "k", "-t", "x"]):
        result = cli(*args, ok=False)
        assert result.exit_code == ExitCode.STORE, (args, result.stderr)
        assert "malformed entry" in result.stderr
    assert db_path.read_bytes() == before


def test_a_malformed_entry_is_named_with_its_field(cli, db_path) -> None:
    db_path.write_text('{"meta": {"1": {"schema": 1}}, "entries": {"1": {"key": "k", "title": "t", "tags": "ml"}}}')
    result = cli("list", ok=False)
    assert result.exit_code == ExitCode.STORE
    assert result.stderr == (
        f"Error: {db_path}: the store holds a malformed entry (entry 'k': field 'tags' is text, not a list of "
        "text); it was left unchanged\n"
    )


def test_a_bad_time_in_a_note_is_a_store_error(cli, db_path) -> None:
    db_path.write_text(
        '{"meta": {"1": {"schema": 1}}, "entries": {"1": {"key": "k", "title": "t", "notes": [{"at": "yesterday", "text": "x"}]}}}'
    )
    result = cli("log", ok=False)
    assert result.exit_code == ExitCode.STORE and "bad time" in result.stderr


def test_db_option_overrides_env(cli, tmp_path) -> None:
    other = tmp_path / "other.json"
    added = cli("--db", str(other), "add", "--title", "Only Here", "--author", "Ann Lee")
    assert json.loads(other.read_text())["entries"]
    assert f"Started a new reading list at {other}." in added.stderr
    assert cli("list", ok=False).exit_code == ExitCode.NOT_FOUND  # READLIST_DB names another, absent, store


def test_reading_a_store_that_does_not_exist_says_so_and_creates_nothing(cli, tmp_path) -> None:
    typo = tmp_path / "typo" / "lsit.json"

    result = cli("--db", str(typo), "list", ok=False)

    assert result.exit_code == ExitCode.NOT_FOUND
    assert (
        result.stderr
        == f"Error: no reading list at {typo} yet (a typo in --db?); `readlist import` or `readlist add` starts one\n"
    )
    assert not typo.parent.exists()


@pytest.mark.slow  # runs readlist as a process
def test_help_and_version_run_as_a_process() -> None:
    help_text = subprocess.run(
        [sys.executable, "-m", "readlist", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("import", "list", "show", "search", "add", "tag", "note", "log", "status", "export", "cite"):
        assert f"  {command} " in help_text
    version = subprocess.run(
        [sys.executable, "-m", "readlist", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert version.startswith("readlist ")


@pytest.mark.slow  # runs readlist as a process
def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; sys.argv=['readlist','--help']\n"
        "from readlist.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('rich', 'tinydb', 'bibtexparser', 'pylatexenc', 'orjson', 'readlist.gitrepo',"
        " 'readlist.merge') if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in result.stderr


def test_list_shows_first_family_name_with_its_particle(cli, write_digest) -> None:
    cli(
        "import",
        str(write_digest("a.txt", "T", "2024-01-01", [("Noise Schedules", "Pieter de Vries, Ann Lee", "x", None)])),
    )
    assert "de Vries et al." in cli("list").stdout
