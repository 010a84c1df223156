"""`readlist export`, `cite` and BibTeX import through the CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from readlist.errors import ExitCode

PAPERS = [
    (
        "SA$^2$VP: Spatially Aligned-and-Adapted Visual Prompt",
        "Wenjie Pei, Tongqi Xia",
        "Prompts & 5% gains.",
        "Accepted by AAAI 2024",
    ),
    (
        "Hierarchical Vision Transformers for Grading",
        "Clément Grisi, Jeroen van der Laak",
        "Slides.",
        "Accepted at Medical Imaging meets NeurIPS 2023 workshop",
    ),
    ("Learning to Queue", "Bo Chen", "Queues, #1 \\input{/etc/passwd}.", "Submitted to CVPR 2024"),
]


@pytest.fixture
def library(cli, write_digest) -> list[str]:
    cli("import", str(write_digest("d.txt", "Vision", "2023-12-16", PAPERS)))
    return sorted(cli("list", "--keys").stdout.split())


def test_export_everything_as_bibtex_sorted_by_key(cli, library) -> None:
    assert library == ["chen2023learning", "grisi2023hierarchical", "pei2024sa2vp"]
    bib = cli("export").stdout
    assert [line.split("{")[1].rstrip(",") for line in bib.splitlines() if line.startswith("@")] == library
    assert "@inproceedings{pei2024sa2vp," in bib
    assert "Proceedings of the AAAI Conference on Artificial Intelligence" in bib
    assert "{SA$^2$VP}: Spatially Aligned-and-Adapted Visual Prompt" in bib
    assert "Grisi, Cl{\\'e}ment and van der Laak, Jeroen" in bib
    assert "@misc{chen2023learning," in bib  # submitted is not accepted
    assert "\\input{" not in bib
    assert bib.isascii()


def test_export_to_file_and_filters(cli, library, tmp_path: Path) -> None:
    cli("tag", library[1], "-t", "cite-me")
    out = tmp_path / "refs.bib"
    result = cli("export", "--tag", "cite-me", "-o", str(out))
    assert f"Wrote 1 entry to {out}" in result.stderr
    text = out.read_text()
    assert text.count("\n@") + text.startswith("@") == 1 and library[1] in text
    empty = cli("export", "--status", "read")
    assert empty.stdout == "" and "No entries match" in empty.stderr
    assert library[0] in cli("export", library[0]).stdout


def test_export_profiles_and_comments(cli, library) -> None:
    utf8 = cli("export", library[1], "--profile", "biblatex").stdout
    assert "Grisi, Clément" in utf8
    annotated = cli("export", library[0], "--keep-comments").stdout
    assert "annote" in annotated and "Submitted to CVPR 2024" in annotated


def test_export_other_formats(cli, library) -> None:
    assert [e["key"] for e in json.loads(cli("export", "--format", "json").stdout)] == library
    rows = list(csv.DictReader(io.StringIO(cli("export", "--format", "csv").stdout)))
    assert [r["key"] for r in rows] == library and rows[1]["authors"] == "Clément Grisi; Jeroen van der Laak"
    cli("note", library[0], "read *this* first")
    markdown = cli("export", "--format", "markdown").stdout
    assert markdown.startswith("# Reading list") and "read \\*this\\* first" in markdown


@pytest.mark.parametrize(
    "args, code, message",
    [
        pytest.param(["--format", "docx"], ExitCode.INVALID_INPUT, "unknown format 'docx'", id="bad_format"),
        pytest.param(["--profile", "amsrefs"], ExitCode.INVALID_INPUT, "unknown profile 'amsrefs'", id="bad_profile"),
        pytest.param(["nokey"], ExitCode.NOT_FOUND, "no entry with key 'nokey'", id="unknown_key"),
        pytest.param(["--since", "yesterday"], ExitCode.INVALID_INPUT, "not a date", id="bad_date"),
    ],
)
def test_export_errors(cli, library, args, code, message) -> None:
    result = cli("export", *args, ok=False)
    assert result.exit_code == code
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert result.stdout == ""


def test_failed_self_check_writes_nothing(cli, library, tmp_path: Path, monkeypatch) -> None:
    from readlist.bib import write as bibtex

    def broken(*args, **kwargs):
        raise bibtex.BibtexExportError("export check failed: 1 entry lost")

    monkeypatch.setattr(bibtex, "export_bibtex_with_warnings", broken)
    out = tmp_path / "refs.bib"
    out.write_text("old content")
    result = cli("export", "-o", str(out), ok=False)
    assert result.exit_code == ExitCode.INVALID_INPUT and "entry lost" in result.stderr
    assert out.read_text() == "old content"


def test_export_warns_about_entries_without_year(cli) -> None:
    cli("add", "--title", "Timeless Ideas", "--author", "Ann Lee")
    result = cli("export")
    assert "Warning: leetimeless has no year" in result.stderr
    assert "@misc{leetimeless," in result.stdout


def test_export_into_a_missing_directory_is_an_error(cli, library, tmp_path: Path) -> None:
    result = cli("export", "-o", str(tmp_path / "no" / "such" / "refs.bib"), ok=False)
    assert result.exit_code == ExitCode.INVALID_INPUT and "no directory" in result.stderr
    assert not (tmp_path / "no").exists()


def test_cite(cli, library) -> None:
    assert cli("cite", library[2], library[0]).stdout == f"\\cite{{{library[2]},{library[0]}}}\n"
    with_bib = cli("cite", library[0], "--command", "citep", "--bib").stdout
    assert with_bib.startswith(f"\\citep{{{library[0]}}}\n@misc{{{library[0]},")
    assert cli("cite", library[0], "--command", "ci te", ok=False).exit_code == ExitCode.INVALID_INPUT


def test_bib_import_keeps_keys_and_reports_failed_blocks(cli, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    text = (
        '@article{Smith2020Deep,\n  author = {Smith, John and M{\\"u}ller, Anna},\n  title = {Deep {Learning} for {MRI}},\n'
        "  journal = {Medical Image Analysis},\n  year = {2020},\n  doi = {10.1/x}\n}\n\n"
        "@misc{broken,\n  title = {Unbalanced {brace},\n  year = 2021\n\n"
        "@inproceedings{vaswani2017attention,\n  author = {Vaswani, Ashish},\n  title = {Attention Is All You Need},\n"
        "  booktitle = {NeurIPS},\n  year = {2017}\n}\n"
    )
    bib.write_text(text, encoding="utf-8")
    broken_line = text[: text.index("@misc{broken")].count("\n") + 1
    result = cli("import", str(bib), ok=False)
    assert result.exit_code == 1
    assert f"{bib}:{broken_line}: " in result.stderr
    assert "Parsing of" not in result.stderr  # bibtexparser's own log stays quiet
    entries = {e["key"]: e for e in cli.json("list")}
    assert set(entries) == {"Smith2020Deep", "vaswani2017attention"}
    assert entries["Smith2020Deep"]["authors"] == ["John Smith", "Anna Müller"]
    assert entries["Smith2020Deep"]["year"] == 2020


def test_bib_key_clash_gets_a_fresh_key(cli, library, tmp_path: Path) -> None:
    bib = tmp_path / "x.bib"
    bib.write_text(
        "@misc{PEI2024SA2VP,\n  author = {Other, Person},\n  title = {Something Else Entirely},\n  year = {2024}\n}\n"
    )
    result = cli("import", str(bib), "--json", ok=False)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["new"] == ["other2024something"]
    [problem] = report["problems"]
    assert problem["line"] == 1 and "key 'PEI2024SA2VP' is already used" in problem["message"]


def test_digests_and_their_bib_export_in_one_import_make_no_duplicates(
    cli, library, tmp_path: Path, monkeypatch
) -> None:
    out = tmp_path / "all.bib"
    cli("export", "-o", str(out))
    monkeypatch.setenv("READLIST_DB", str(tmp_path / "fresh.json"))
    cli("import", str(tmp_path / "digests"), str(out))
    entries = cli.json("list")
    assert sorted(e["key"] for e in entries) == library
    assert all({s["file"] for s in e["sightings"]} == {"d.txt", "all.bib"} for e in entries)
    again = cli.json("import", str(out))
    assert again["new"] == [] and again["merged"] == []


def test_export_then_import_gives_back_the_same_entries(cli, library, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "all.bib"
    cli("export", "-o", str(out))
    before = {e["key"]: e for e in cli.json("list")}
    monkeypatch.setenv("READLIST_DB", str(tmp_path / "fresh.json"))
    cli("import", str(out))
    after = {e["key"]: e for e in cli.json("list")}
    assert set(after) == set(before)
    for key, entry in before.items():
        assert after[key]["title"] == entry["title"]
        assert after[key]["authors"] == entry["authors"]
        assert after[key]["year"] == entry["year"]


def test_export_says_which_letters_it_had_to_simplify(cli) -> None:
    cli("add", "--title", "Multilingual Reading", "--author", "王 明, Nguyễn Thị Lan", "--year", "2024")
    result = cli("export")
    assert "Warning: 明2024multilingual" not in result.stderr  # keys are ASCII
    key = cli("list", "--keys").stdout.strip()
    assert f"Warning: {key}: 王明ị written in plain Latin letters" in result.stderr
    assert result.stdout.isascii()
    assert "Warning" not in cli("export", "--profile", "biblatex").stderr


def test_an_export_that_matches_nothing_leaves_the_file_alone(cli, library, tmp_path: Path) -> None:
    out = tmp_path / "mine.bib"
    cli("export", "-o", str(out))
    before = out.read_text()
    result = cli("export", "--tag", "no-such-tag", "-o", str(out), ok=False)
    assert result.exit_code == ExitCode.INVALID_INPUT and "was left as it was" in result.stderr
    assert out.read_text() == before


def test_cite_accepts_a_backslash_and_starred_commands(cli, library) -> None:
    assert cli("cite", library[0], "--command", "\\citep").stdout == f"\\citep{{{library[0]}}}\n"
    assert cli("cite", library[0], "-c", "citet*").stdout == f"\\citet*{{{library[0]}}}\n"


def test_export_refuses_to_write_over_the_store(cli, library, db_path: Path, tmp_path: Path) -> None:
    before = db_path.read_bytes()
    link = tmp_path / "link.json"
    link.symlink_to(db_path)
    for target in (db_path, link, Path(str(db_path) + ".lock")):
        result = cli("export", "-o", str(target), ok=False)
        assert result.exit_code == ExitCode.INVALID_INPUT and "own store" in result.stderr
    assert db_path.read_bytes() == before


def test_bib_entries_without_title_or_with_a_bad_year_are_reported(cli, tmp_path: Path) -> None:
    bib = tmp_path / "y.bib"
    bib.write_text("@article{ok1, title={T}, author={Lee, Ann}, year={abc}}\n@misc{ok2}\n")
    result = cli("import", str(bib), "--json", ok=False)
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [(p["line"], p["message"]) for p in report["problems"]] == [
        (1, "entry 'ok1': year 'abc' is not a year; left out"),
        (2, "entry 'ok2' has no title; skipped"),
    ]
    assert "year" not in cli("export", "ok1").stdout
