"""`readlist edit KEY` without options: the entry as TOML in an editor, checked on save.

The editor is a small Python script set as $EDITOR: it records what it was given and rewrites
the file as the test says; no real terminal editor runs.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from readlist.errors import Cancelled, ExitCode, InvalidInput
from readlist.models import Entry
from readlist.services import curate, entry_toml
from readlist.services.library import Fields
from readlist.tomltext import assignment

PAPERS = [
    ("Sparse Routers for Tiny Transformers", "Ana Souza, Bo Chen", "Routers route tokens.", "Accepted at CVPR 2024"),
]
KEY = "souza2024sparse"
NASTY = "Uses $\\ell_1$ and \\emph{x}; \"quotes\", it's '''triple''', C:\\new\\u0041\nline two 王 🚀\ttab"


@pytest.fixture
def one(cli, write_digest) -> str:
    cli("import", str(write_digest("d.txt", "Efficient ML", "2024-02-01", PAPERS)))
    return KEY


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """`editor(body)` makes $EDITOR a script that runs `body` on `text` (the file's content) and
    saves `text`; each file it is given is kept as seen-1.toml, seen-2.toml ... in the returned folder."""
    seen = tmp_path / "seen"
    seen.mkdir()

    def use(body: str) -> Path:
        script = tmp_path / "fake_editor.py"
        script.write_text(
            "import re, sys\nfrom pathlib import Path\n"
            "path = Path(sys.argv[1])\n"
            "text = path.read_text(encoding='utf-8')\n"
            f"seen = Path({str(seen)!r})\n"
            "(seen / f'seen-{len(list(seen.iterdir())) + 1}.toml').write_text(text, encoding='utf-8')\n"
            f"{body}\n"
            "path.write_text(text, encoding='utf-8')\n",
            encoding="utf-8",
        )
        monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
        return seen

    return use


def replace_line(field: str, new_line: str) -> str:
    """Editor body: the line setting `field` becomes `new_line`."""
    return f"text = re.sub(r'^{field} = .*$', lambda m: {new_line!r}, text, count=1, flags=re.M)"


def stored(db_path: Path) -> bytes:
    return db_path.read_bytes()


def test_the_editor_gets_every_editable_field_and_a_header(cli, one, editor) -> None:
    seen = editor("pass")
    assert "Nothing changed." in cli("edit", one).stderr
    text = (seen / "seen-1.toml").read_text(encoding="utf-8")
    assert text.startswith("# readlist: the entry souza2024sparse. Save and close the editor")
    assert "Cancel: close without saving, or delete everything and save." in text
    data = tomllib.loads(text)
    assert list(data) == ["title", "authors", "type", "venue", "doi", "arxiv", "url", "comment", "abstract"]
    assert data["authors"] == ["Ana Souza", "Bo Chen"] and data["comment"] == "Accepted at CVPR 2024"
    assert "# year = 2024" in text  # no year set: offered as a comment
    assert Path(seen / "seen-1.toml").name.endswith(".toml")


def test_saved_changes_are_stored_as_hand_edits(cli, one, editor) -> None:
    editor(
        "\n".join(
            [
                replace_line("title", "title = 'Sparse Routers, Revised'"),
                "text = text.replace('# year = 2024', 'year = 2023')",
                replace_line("type", "type = 'inproceedings'"),
                replace_line("venue", "venue = 'CVPR 2024'"),
                replace_line("doi", "doi = 'https://doi.org/10.1109/CVPR.2024.00042'"),
                replace_line("comment", "comment = ''"),
                "text = re.sub(r\"^  'Bo Chen',\\n\", '', text, flags=re.M)",
            ]
        )
    )
    changed = cli.json("edit", one)
    assert [entry["key"] for entry in changed] == [one]
    entry = cli.json("show", one)
    assert entry["title"] == "Sparse Routers, Revised" and entry["year"] == 2023 and entry["venue"] == "CVPR 2024"
    assert entry["authors"] == ["Ana Souza"] and entry["comment"] is None
    assert entry["log"][-1]["text"] == "changed title, authors, year, type, venue, doi, comment"
    bib = cli("export", one).stdout
    assert bib.startswith("@inproceedings{souza2024sparse,") and "10.1109/CVPR.2024.00042" in bib


def test_edits_from_the_editor_survive_a_later_import(cli, one, editor, write_digest) -> None:
    editor(replace_line("title", "title = 'My Own Title'") + "\n" + replace_line("comment", "comment = ''"))
    cli("edit", one)
    cli("import", str(write_digest("d2.txt", "Efficient ML", "2024-03-01", PAPERS)))
    entry = cli.json("show", one)
    assert entry["title"] == "My Own Title" and entry["comment"] is None  # cleared stays cleared


def test_any_text_survives_the_round_trip_unchanged(cli, editor, db_path) -> None:
    key = cli(
        "add", "--title", "Odd \\LaTeX{} 'title' \"x\"", "--author", "Zoë O'Brien", "--abstract", NASTY
    ).stdout.strip()
    before = stored(db_path)
    seen = editor("pass")
    result = cli("edit", key)
    assert "Nothing changed." in result.stderr and stored(db_path) == before
    assert tomllib.loads((seen / "seen-1.toml").read_text(encoding="utf-8"))["abstract"] == NASTY


def test_an_abstract_with_any_text_is_stored_as_typed(cli, one, editor) -> None:
    new = NASTY + "\nlast line"
    editor(f"{replace_line('abstract', '@')}\ntext = text.replace('@', {assignment('abstract', new)!r})")
    cli("edit", one)
    assert cli.json("show", one)["abstract"] == new


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(replace_line("title", "title = 'unclosed"), "Error: line 7: not valid TOML: ", id="bad_toml"),
        pytest.param(
            "text += 'colour = \"red\"\\nsize = 3\\n'",
            "unknown fields colour, size; the fields are title,",
            id="unknown_fields",
        ),
        pytest.param(
            "text = text.replace('# year = 2024', 'year = 20224')",
            "year 20224 is not a plausible year",
            id="year_out_of_range",
        ),
        pytest.param(
            "text = text.replace('# year = 2024', 'year = \"2024\"')",
            "year must be a whole number without quotes",
            id="year_in_quotes",
        ),
        pytest.param(
            replace_line("type", "type = 'blogpost'"),
            "unknown entry type 'blogpost'; use one of: article,",
            id="unknown_type",
        ),
        pytest.param(replace_line("doi", "doi = 'not a doi'"), "'not a doi' is not a DOI", id="bad_doi"),
        pytest.param(replace_line("arxiv", "arxiv = 'abc'"), "'abc' is not an arXiv id", id="bad_arxiv"),
        pytest.param(replace_line("title", "title = ''"), "line 7: the title is empty", id="empty_title"),
        pytest.param(replace_line("venue", "venue = 2024"), "venue must be text in quotes", id="venue_not_text"),
        pytest.param(
            "text = re.sub(r'authors = \\[[^]]*\\]', 'authors = []', text)", "the author list is empty", id="no_authors"
        ),
        pytest.param(
            "text = re.sub(r'authors = \\[[^]]*\\]', 'authors = \"Ana Souza\"', text)",
            "authors must be a list of names",
            id="authors_not_a_list",
        ),
    ],
)
def test_an_unusable_file_is_an_error_with_its_line_and_changes_nothing(
    cli, one, editor, db_path, body, message
) -> None:
    before = stored(db_path)
    editor(body)
    result = cli("edit", one, ok=False)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.startswith("Error: line ") and message in result.stderr
    assert stored(db_path) == before


def test_the_line_named_is_the_line_of_the_field(cli, one, editor) -> None:
    seen = editor("text = text.replace('# year = 2024', 'year = 20224')")
    line = cli("edit", one, ok=False).stderr.split(":")[1].split()[-1]
    edited = (seen / "seen-1.toml").read_text(encoding="utf-8").replace("# year = 2024", "year = 20224")
    assert edited.splitlines()[int(line) - 1] == "year = 20224"


def test_an_emptied_file_cancels(cli, one, editor, db_path) -> None:
    before = stored(db_path)
    editor("text = '# only a comment\\n\\n'")
    result = cli("edit", one, ok=False)
    assert result.exit_code == ExitCode.CANCELLED and "the file was emptied; nothing was changed" in result.stderr
    assert stored(db_path) == before


def test_an_editor_that_fails_cancels(cli, one, editor, db_path) -> None:
    before = stored(db_path)
    editor(replace_line("venue", "venue = 'X'") + "\nsys.exit(3)")
    result = cli("edit", one, ok=False)
    assert result.exit_code == ExitCode.CANCELLED and "exited with code 3" in result.stderr
    assert stored(db_path) == before


def test_without_editor_or_terminal_edit_says_what_to_do(cli, one) -> None:
    result = cli("edit", one, ok=False)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr == (
        "Error: no terminal to open an editor in, and no $EDITOR; give the fields as options (--title ...)\n"
    )


def test_the_config_files_editor_is_used_when_no_editor_is_set(cli, one, editor, private_home, monkeypatch) -> None:
    editor(replace_line("venue", "venue = 'From Config'"))
    command = shlex.split(__import__("os").environ["EDITOR"])
    monkeypatch.delenv("EDITOR")
    folder = private_home / ".config" / "readlist"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text(f"editor = {json.dumps(shlex.join(command))}\n", encoding="utf-8")
    cli("edit", one)
    assert cli.json("show", one)["venue"] == "From Config"


def test_an_unknown_key_is_not_found_before_any_editor_opens(cli, one, editor) -> None:
    seen = editor("pass")
    assert cli("edit", "nosuchkey", ok=False).exit_code == ExitCode.NOT_FOUND
    assert not list(seen.iterdir())


# -- the use case: reopening after an error ---------------------------------------------------
def test_an_invalid_file_goes_back_to_the_editor_with_the_error_on_top(cli, one, db_path) -> None:
    texts: list[str] = []

    def edit_text(text: str) -> str:
        texts.append(text)
        if len(texts) == 1:
            return text.replace("# year = 2024", "year = 99")
        return text.replace("year = 99", "year = 2021")

    errors: list[str] = []
    result = curate.edit_in_editor(db_path, one, edit_text, lambda error: errors.append(error) is None)
    assert [e.year for e in result.entries] == [2021]
    assert errors == [texts[1].splitlines()[0].removeprefix("# Error: ")]
    assert "year 99 is not a plausible year" in errors[0]


def test_an_invalid_file_not_reopened_is_the_error(cli, one, db_path) -> None:
    before = stored(db_path)
    with pytest.raises(InvalidInput, match="year 99"):
        curate.edit_in_editor(db_path, one, lambda t: t.replace("# year = 2024", "year = 99"), lambda error: False)
    assert stored(db_path) == before


def test_reopening_keeps_one_error_line(cli, one) -> None:
    text = entry_toml.with_error(entry_toml.with_error("a = 1\n", "first"), "second")
    assert text == "# Error: second\na = 1\n"


def test_declining_to_reopen_in_a_terminal_cancels(monkeypatch) -> None:
    from readlist.cli import curate as curate_cli

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(curate_cli.sys, "stdin", Terminal())
    monkeypatch.setattr(curate_cli.typer, "confirm", lambda *args, **kwargs: False)
    with pytest.raises(Cancelled, match="nothing was changed"):
        curate_cli._open_again("line 3: bad")
    monkeypatch.setattr(curate_cli.typer, "confirm", lambda *args, **kwargs: True)
    assert curate_cli._open_again("line 3: bad") is True


def test_changes_are_only_the_fields_that_differ() -> None:
    entry = Entry(key="k", title="T", authors=["A B"], venue="  padded  ")
    original = entry_toml.document(entry)
    assert entry_toml.changes(original, original) == {}  # a stored value is not "changed" by a round trip
    assert entry_toml.changes(original.replace("title = 'T'", "title = ' New '"), original) == {"title": "New"}
    without_url = "\n".join(line for line in original.splitlines() if not line.startswith("url"))
    assert entry_toml.changes(without_url, original) == {}  # a deleted empty field is still empty


# -- the options share the rules --------------------------------------------------------------
def test_the_new_options_set_and_clear_fields(cli, one) -> None:
    cli("edit", one, "--type", "Article", "--doi", "doi:10.1000/xyz", "--comment", "")
    entry = cli.json("show", one)
    assert entry["comment"] is None
    bib = cli("export", one).stdout
    assert bib.startswith("@article{") and re.search(r"doi +=\s\{10\.1000/xyz\}", bib)
    cli("edit", one, "--doi", "", "--type", "")
    assert not re.search(r"^\s*doi\s", cli("export", one).stdout, flags=re.M)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param(["--type", "blogpost"], "unknown entry type 'blogpost'", id="type"),
        pytest.param(["--doi", "12.34/x"], "'12.34/x' is not a DOI", id="doi"),
        pytest.param(["--year", "99"], "year 99 is not a plausible year", id="year"),
    ],
)
def test_the_options_refuse_what_the_editor_refuses(cli, one, options, message) -> None:
    result = cli("edit", one, *options, ok=False)
    assert result.exit_code == ExitCode.INVALID_INPUT and message in result.stderr


def test_fields_cleared_by_hand_stay_cleared_when_an_import_has_them(cli, tmp_path) -> None:
    bib = tmp_path / "p.bib"
    bib.write_text("@article{k1, title={A Paper}, author={Lee, Ann}, year={2020}, journal={J}, doi={10.1/abc}}\n")
    cli("import", str(bib))
    key = cli("list", "--keys").stdout.split()[0]
    cli("edit", key, "--doi", "", "--type", "misc", "--venue", "")
    cli("import", str(bib))
    exported = cli("export", key).stdout
    assert "doi" not in exported and exported.startswith("@misc{")
    assert cli.json("show", key)["venue"] is None


def test_the_use_case_without_changes_reports_none(cli, one, db_path) -> None:
    assert curate.edit_in_editor(db_path, one, lambda text: text, lambda error: False).entries == []
    assert curate.edit(db_path, one, Fields(venue="V")).entries[0].venue == "V"


def test_readme_shows_the_document_edit_writes(cli, tmp_path) -> None:
    """README's TOML example has the fields `edit` writes, in the same order."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", readme.split("### edit and rm", 1)[1], flags=re.S)
    assert example is not None
    entry = Entry(key="k", title="T", authors=["A B"])
    assert list(tomllib.loads(example.group(1))) == list(tomllib.loads(entry_toml.document(entry)))
