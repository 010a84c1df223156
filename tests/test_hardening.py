"""The hardening issue: each case names what went wrong before its fix (see CHANGELOG)."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from readlist.errors import ExitCode

PAPERS = [
    ("Sparse Register Tokens", "Ana Aubert, Bo Chen", "Tokens.", "Accepted by AAAI 2024"),
    ("Learning to Queue", "Bo Chen", "Queues.", None),
]


@pytest.fixture
def library(cli, write_digest) -> list[str]:
    cli("import", str(write_digest("d.txt", "Vision", "2023-12-16", PAPERS)))
    return sorted(cli("list", "--keys").stdout.split())


def _drain(fifo: Path, got: list[bytes]) -> threading.Thread:
    """A reader at the other end of `fifo`, so that a writer can open it."""

    def read() -> None:
        with open(fifo, "rb") as end:
            got.append(end.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


# -- 1. outputs and stores that are not regular files -----------------------------------------
def test_export_to_a_fifo_writes_into_it_and_leaves_it_a_fifo(cli, library, tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    result = cli("export", "-o", str(fifo))
    reader.join(10)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert "Wrote 2 entries" in result.stderr
    assert got and got[0].decode().count("@") == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.fifo")]


def test_export_to_dash_is_stdout(cli, library, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("export", "-o", "-", "--format", "csv")
    assert result.stdout.startswith("key,title") and not (tmp_path / "-").exists()


def test_export_to_a_directory_is_refused(cli, library, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    result = cli("export", "-o", str(folder), ok=False)
    assert result.exit_code == ExitCode.INVALID_INPUT and "is a directory" in result.stderr
    assert folder.is_dir()


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_a_store_that_is_not_a_regular_file_is_refused_and_never_written(
    cli, tmp_path: Path, monkeypatch, kind
) -> None:
    store = tmp_path / "odd-store"
    if kind == "fifo":
        os.mkfifo(store)  # reading it would block, writing would replace it: neither happens
    else:
        store.mkdir()
    monkeypatch.setenv("READLIST_DB", str(store))
    for args in (["add", "--title", "A Paper", "--author", "Ann Lee"], ["list"]):
        result = cli(*args, ok=False)
        assert result.exit_code == ExitCode.STORE, result.stderr
        assert (
            f"the store must be a regular file, this is a {'FIFO' if kind == 'fifo' else 'directory'}" in result.stderr
        )
    assert stat.S_ISFIFO(store.stat().st_mode) if kind == "fifo" else store.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "odd-store"]


# -- 2. LaTeX that pylatexenc cannot decode -------------------------------------------------
UNDECODABLE = [
    pytest.param(r"see \href{https://x.org}{the site}", id="href"),
    pytest.param(r"\textcolor", id="textcolor_without_arguments"),
    pytest.param(r"\colorbox{red}", id="colorbox_missing_argument"),
    pytest.param(r"\sqrt", id="bare_sqrt"),
    pytest.param(r"a\footnote", id="footnote"),
    pytest.param(r"\date", id="date"),
    pytest.param(r"\title", id="title"),
    pytest.param(r"\author", id="author"),
    pytest.param(r"\begin{array} x", id="unclosed_array"),
    pytest.param("\\mbox{" * 250 + "deep" + "}" * 250, id="nesting_250"),
    pytest.param(r"\url", id="bare_url_warns"),
]


@pytest.mark.parametrize("latex", UNDECODABLE)
def test_a_field_that_cannot_be_decoded_is_kept_and_reported_at_its_line(cli, tmp_path: Path, latex: str) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{first, title = {Fine}, year = {2020}}\n\n"
        f"@article{{odd,\n  title = {{Odd}},\n  note = {{{latex}}},\n  year = {{2021}},\n}}\n",
        encoding="utf-8",
    )
    digest = tmp_path / "d.txt"
    digest.write_text("Vision\n\n2023-12-16 更新\n\nA Digest Paper\n\nAuthors:Ann Lee\n\nText.\n", encoding="utf-8")
    result = cli("import", str(bib), str(digest), ok=False)
    assert result.exit_code == ExitCode.PROBLEMS, result.stderr
    assert "Traceback" not in result.stderr and "WARNING" not in result.stderr
    assert "refs.bib:5: odd: field 'note' has LaTeX it cannot read" in result.stderr
    assert sorted(cli("list", "--keys").stdout.split()) == ["first", "lee2023digest", "odd"]
    assert cli("export", "odd").exit_code == 0


def test_deeply_nested_plain_braces_are_read_not_refused(cli, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    deep = "{" * 250 + "deep" + "}" * 250
    bib.write_text(
        f"@article{{odd,\n  title = {{Odd}},\n  abstract = {{{deep}}},\n  year = {{2021}},\n}}\n", encoding="utf-8"
    )

    cli("import", str(bib))

    assert '"abstract": "deep"' in cli("show", "odd", "--json").stdout


def test_an_undecodable_title_is_kept_as_written(cli, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{k, title = {Links \\href{https://x.org}{here}}, year = {2022}}\n", encoding="utf-8")
    result = cli("import", str(bib), ok=False)
    assert "refs.bib:1: k: field 'title' has LaTeX it cannot read" in result.stderr
    assert cli.json("show", "k")["title"] == "Links \\href{https://x.org}{here}"


# -- 3. terminal escapes and bidi controls ----------------------------------------------------
OSC_TITLE, OSC_CLIPBOARD, CLEAR, C1_CSI, C1_OSC = (
    "\x1b]0;pwned\x07",
    "\x1b]52;c;SGVsbG8=\x07",
    "\x1b[2J",
    "\x9b",
    "\x9d",
)
RLO, LRI = "\u202e", "\u2066"
NASTY = (OSC_TITLE, OSC_CLIPBOARD, CLEAR, C1_CSI, C1_OSC, RLO, LRI)


def _clean(text: str) -> bool:
    return not any(c in text for c in ("\x1b", "\x07", C1_CSI, C1_OSC, RLO, LRI))


def test_tag_note_add_and_edit_strip_controls_with_the_import_rule(cli, library) -> None:
    key = library[0]
    cli("tag", key, "-t", f"x{CLEAR}y{RLO}")
    cli("note", key, f"see {OSC_CLIPBOARD}fig 3{LRI}\nline two")
    cli("edit", key, "--venue", f"{OSC_TITLE}WACV")
    added = cli("add", "--title", f"{CLEAR}A {RLO}Title", "--author", f"Ann{C1_CSI} Lee").stdout.strip()
    for shown in (cli.json("show", key), cli.json("show", added)):
        assert _clean(repr(shown).encode().decode("unicode_escape")), shown
    assert cli.json("show", key)["tags"] == ["xy"]
    assert cli.json("show", key)["notes"][0]["text"] == "see fig 3\nline two"
    assert cli.json("show", key)["venue"] == "WACV"
    assert cli.json("show", added)["title"] == "A Title"


@pytest.fixture
def raw_store(cli, library, db_path: Path) -> str:
    """A store written before the rule existed: controls in a key, a title, a tag and a note."""
    import json

    cli("note", library[0], "plain note")
    data = json.loads(db_path.read_text(encoding="utf-8"))
    doc = next(d for d in data["entries"].values() if d["key"] == library[0])
    key = "k" + CLEAR + RLO
    doc["key"] = key
    data["entries"][key] = data["entries"].pop(library[0])  # entries are stored under their keys
    doc["title"] = "T" + "".join(NASTY)
    doc["tags"] = ["t" + OSC_TITLE]
    doc["notes"][0]["text"] = "n" + "".join(NASTY)
    doc["url"] = "https://x.org/" + C1_CSI
    db_path.write_text(json.dumps(data), encoding="utf-8")
    return key


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["list", "--keys"], id="list_keys"),
        pytest.param(["cite", "KEY"], id="cite"),
        pytest.param(["log"], id="log"),
        pytest.param(["log", "--markdown"], id="log_markdown"),
        pytest.param(["export", "--format", "csv"], id="csv"),
        pytest.param(["export", "--format", "markdown"], id="markdown"),
        pytest.param(["list"], id="list"),
        pytest.param(["show", "KEY"], id="show"),
    ],
)
def test_stored_controls_never_reach_the_output(cli, raw_store: str, args: list[str]) -> None:
    result = cli(*[raw_store if a == "KEY" else a for a in args])
    assert _clean(result.stdout) and _clean(result.stderr), repr(result.stdout)


def test_json_escapes_c1_and_bidi_controls(cli, raw_store: str) -> None:
    import json

    for args in (["list", "--json"], ["export", "--format", "json"], ["log", "--json"]):
        out = cli(*args).stdout
        assert _clean(out) and "\\u009b" in out and "\\u202e" in out
        assert RLO in json.dumps(json.loads(out), ensure_ascii=False)  # the same strings to a reader


# -- 4. CSV formula injection -----------------------------------------------------------------
@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cells_that_a_spreadsheet_would_run_get_a_quote(cli, start: str) -> None:
    import csv
    import io

    formula = f'{start}HYPERLINK("https://evil.example","x")'
    cli("add", "--title", formula, "--author", "Ann Lee", "--venue", f"{start}1+1", "--year", "2020")
    rows = list(csv.DictReader(io.StringIO(cli("export", "--format", "csv").stdout)))
    assert rows[0]["title"] == "'" + formula and rows[0]["venue"] == f"'{start}1+1"
    assert rows[0]["year"] == "2020"


@pytest.mark.parametrize("start", ["\t", "\r"])
def test_csv_cells_starting_with_tab_or_cr_get_a_quote(start: str) -> None:
    from readlist.output.shapes import csv_cell

    assert csv_cell(f"{start}x") in (f"'{start}x", "x")  # CR is a control: dropped
    assert csv_cell(f"{start}=1+1").startswith("'")
    assert csv_cell("plain") == "plain" and csv_cell(3) == 3


# -- 8. Markdown export carries no HTML ----------------------------------------------------------
def test_markdown_export_escapes_html_in_tags_and_urls_and_fences_odd_keys(cli, library, db_path: Path) -> None:
    import json

    data = json.loads(db_path.read_text(encoding="utf-8"))
    doc = next(d for d in data["entries"].values() if d["key"] == library[0])
    doc["key"] = "a`b``c"
    data["entries"][doc["key"]] = data["entries"].pop(library[0])
    doc["tags"] = ["<script>alert(1)</script>"]
    doc["url"] = 'https://x.org/"><img src=x onerror=alert(1)>'
    db_path.write_text(json.dumps(data), encoding="utf-8")
    out = cli("export", "--format", "markdown").stdout
    import re

    assert not re.search(r"(?<!\\)<(script|img)", out) and "\\<script\\>" in out
    assert "```a`b``c```" in out
    assert "<https://x.org/" not in out
    cli("edit", library[1], "--url", "https://example.org/paper?id=1&v=2")
    assert "<https://example.org/paper?id=1&v=2>" in cli("export", "--format", "markdown").stdout


def test_journal_markdown_escapes_the_key(cli, library, db_path: Path) -> None:
    import json

    cli("note", library[0], "a note")
    data = json.loads(db_path.read_text(encoding="utf-8"))
    doc = next(d for d in data["entries"].values() if d["key"] == library[0])
    doc["key"] = "<b>k"
    data["entries"][doc["key"]] = data["entries"].pop(library[0])
    db_path.write_text(json.dumps(data), encoding="utf-8")
    assert "**\\<b\\>k**" in cli("log", "--markdown").stdout


# -- 9. BibTeX export: controls and `%` -------------------------------------------------------
def test_a_percent_in_url_and_doi_is_escaped_for_bibtex_and_read_back_as_written(
    cli, tmp_path: Path, monkeypatch
) -> None:
    bib = tmp_path / "in.bib"
    bib.write_text(
        "@misc{k, title = {T}, year = {2020}, url = {https://x.org/a%20b}, doi = {10.1/x%2Fy}}\n", encoding="utf-8"
    )
    cli("import", str(bib))
    out = cli("export").stdout
    assert "https://x.org/a\\%20b" in out and "10.1/x\\%2Fy" in out
    assert "a%20b" in cli("export", "--profile", "biblatex").stdout
    again = tmp_path / "again.bib"
    again.write_text(out, encoding="utf-8")
    monkeypatch.setenv("READLIST_DB", str(tmp_path / "second-store.json"))
    cli("import", str(again))
    assert cli.json("show", "k")["url"] == "https://x.org/a%20b"


# -- 7. one schema, checked at load -----------------------------------------------------------
GOOD_META = {"1": {"schema": 1}}


@pytest.mark.parametrize(
    ("data", "names"),
    [
        pytest.param({"meta": [], "entries": {}}, "no schema version: 'meta'", id="meta_list"),
        pytest.param({"meta": "v1", "entries": {}}, "no schema version: 'meta'", id="meta_string"),
        pytest.param({"meta": {"1": {"schema": "1"}}, "entries": {}}, "field 'schema' is '1'", id="schema_string"),
        pytest.param({"meta": {"1": {"schema": True}}, "entries": {}}, "field 'schema' is True", id="schema_bool"),
        pytest.param({"meta": GOOD_META, "entries": []}, "'entries' must be an object", id="entries_list"),
        pytest.param({"meta": GOOD_META, "entries": {"1": []}}, "'entries' document '1'", id="entry_not_object"),
        pytest.param({"meta": GOOD_META, "entries": {"x": {"key": "k"}}}, "'entries' document 'x'", id="entry_id"),
        pytest.param({"meta": GOOD_META, "entries": {"1": {"key": 5}}}, "field 'key' is 5", id="key_number"),
        pytest.param(
            {"meta": GOOD_META, "entries": {}, "removed": ["k"]}, "'removed' must be an object", id="removed_list"
        ),
        pytest.param(
            {"meta": GOOD_META, "entries": {}, "removed": None}, "'removed' must be an object", id="removed_null"
        ),
        pytest.param(
            {"meta": GOOD_META, "entries": {}, "removed": {"1": "k"}}, "'removed' document '1'", id="removed_doc"
        ),
        pytest.param(
            {"meta": GOOD_META, "entries": {}, "removed": {"1": {"identity": 3}}},
            "field 'identity' is 3",
            id="removed_identity",
        ),
        pytest.param(
            {"meta": GOOD_META, "entries": {}, "removed": {"1": {"identity": "x", "arxiv": []}}},
            "field 'arxiv' is []",
            id="removed_arxiv",
        ),
    ],
)
def test_store_shapes_are_store_errors_naming_part_and_field(
    cli, write_digest, db_path: Path, data, names: str
) -> None:
    import json

    db_path.write_text(json.dumps(data), encoding="utf-8")
    before = db_path.read_bytes()
    digest = write_digest("d.txt", "Vision", "2023-12-16", PAPERS)
    for args in (["list"], ["import", str(digest)], ["add", "--title", "T", "--author", "A B"]):
        result = cli(*args, ok=False)
        assert result.exit_code == ExitCode.STORE, (args, result.stderr, result.exception)
        assert names in result.stderr and "Traceback" not in result.stderr
    assert db_path.read_bytes() == before


def test_a_huge_schema_number_is_a_newer_schema(cli, db_path: Path) -> None:
    db_path.write_text('{"meta": {"1": {"schema": 999999999999999999999}}, "entries": {}}', encoding="utf-8")
    result = cli("list", ok=False)
    assert (
        result.exit_code == ExitCode.STORE
        and "written by a newer readlist (schema 1000000000000000000000" in result.stderr
    )


# -- 10. the smaller holes --------------------------------------------------------------------
def test_writes_into_a_read_only_directory_are_refused_even_as_root(cli, library, tmp_path: Path, monkeypatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = cli("export", "-o", str(locked / "refs.bib"), ok=False)
        assert result.exit_code == ExitCode.INVALID_INPUT and "read-only" in result.stderr
        monkeypatch.setenv("READLIST_DB", str(locked / "store.json"))
        result = cli("add", "--title", "A Paper", "--author", "Ann Lee", ok=False)
        assert result.exit_code == ExitCode.STORE and "read-only" in result.stderr
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_an_unreadable_subdirectory_is_a_problem_not_skipped_in_silence(
    cli, write_digest, tmp_path: Path, monkeypatch
) -> None:
    digest = write_digest("d.txt", "Vision", "2023-12-16", PAPERS)
    hidden = digest.parent / "private"
    hidden.mkdir()
    real_scandir = os.scandir

    def scandir(path=".", *args, **kwargs):  # what chmod 000 does to anyone but root
        if Path(path) == hidden:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    result = cli("import", str(digest.parent), ok=False)
    assert result.exit_code == ExitCode.PROBLEMS
    assert f"{hidden}: cannot read this directory (Permission denied)" in result.stderr
    assert len(cli("list", "--keys").stdout.split()) == 2


def test_a_file_name_with_a_newline_stays_on_its_problem_line(cli, tmp_path: Path) -> None:
    odd = tmp_path / "bad\nname.bib"
    odd.write_text("@article{k, title = {T}, year = {nope}}\n", encoding="utf-8")
    result = cli("import", str(odd), ok=False)
    problem_lines = [line for line in result.stderr.splitlines() if line.startswith("  ")]
    assert problem_lines == [f"  {tmp_path}/bad\\nname.bib:1: entry 'k': year 'nope' is not a year; left out"]


def test_a_bib_key_that_export_refuses_is_refused_at_import(cli, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{good, title = {A}, year = {2020}}\n@article{bad%key, title = {B}, year = {2020}}\n", encoding="utf-8"
    )
    result = cli("import", str(bib), ok=False)
    assert "refs.bib:2: citation key 'bad%key' cannot be written in BibTeX; skipped" in result.stderr
    assert cli("list", "--keys").stdout.split() == ["good"]
    assert cli("export").exit_code == 0


def test_a_writer_waiting_for_the_lock_says_so(cli, db_path: Path, monkeypatch) -> None:
    from filelock import FileLock

    from readlist import store

    monkeypatch.setattr(store, "LOCK_NOTICE_SECONDS", 0.05)
    monkeypatch.setattr(store, "LOCK_TIMEOUT_SECONDS", 0.2)
    with FileLock(str(db_path) + ".lock"):
        result = cli("add", "--title", "A Paper", "--author", "Ann Lee", ok=False)
    assert f"Waiting for another readlist command to finish with {db_path}" in result.stderr
    assert result.exit_code == ExitCode.STORE and "holds the store lock" in result.stderr


def test_a_lock_path_that_is_a_directory_is_named_as_the_lock(cli, db_path: Path) -> None:
    Path(str(db_path) + ".lock").mkdir()
    result = cli("add", "--title", "A Paper", "--author", "Ann Lee", ok=False)
    assert result.exit_code == ExitCode.STORE
    assert f"{db_path}.lock: the store's lock file is a directory" in result.stderr


def test_a_store_named_bib_does_not_import_itself(cli, tmp_path: Path, monkeypatch) -> None:
    store = tmp_path / "library.bib"
    monkeypatch.setenv("READLIST_DB", str(store))
    cli("add", "--title", "A Paper", "--author", "Ann Lee")
    before = store.read_bytes()
    result = cli("import", str(tmp_path), ok=False)
    assert "library.bib: this is the reading list's own store; skipped" in result.stderr
    assert store.read_bytes() == before


_PEAK_RSS_OF_IMPORT = """
import resource, sys
from readlist.cli import main
sys.argv = ["readlist", "--db", sys.argv[1], "import", sys.argv[2]]
try:
    main()
except SystemExit as exit:
    assert not exit.code, exit.code
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def _peak_rss_of_import(tmp_path: Path, digest: Path) -> int:
    import subprocess
    import sys

    store = tmp_path / f"{digest.stem}.json"
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS_OF_IMPORT, str(store), str(digest)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.split()[-1])


@pytest.mark.slow
def test_a_megabytes_long_author_line_costs_a_small_multiple_of_its_size(tmp_path: Path) -> None:
    """500,000 names on one line: every name must become a string, nothing more per character."""
    names = ", ".join(f"Name{i % 97} Family{i % 89}" for i in range(500_000))
    huge = tmp_path / "huge.txt"
    huge.write_text(f"Robotics\n\n2024-01-02\n\nA paper\n\nAuthors:{names}\n\nAn abstract.\n", encoding="utf-8")
    tiny = tmp_path / "tiny.txt"
    tiny.write_text("Robotics\n\n2024-01-02\n\nA paper\n\nAuthors:Ada Lovelace\n\nAn abstract.\n", encoding="utf-8")
    baseline = _peak_rss_of_import(tmp_path, tiny)
    growth = _peak_rss_of_import(tmp_path, huge) - baseline
    # A list of 500,000 short strings alone is ~35 MB; per-character work would be ~10x more.
    assert growth < 12 * huge.stat().st_size, (growth, huge.stat().st_size)


# -- found by the torture run (benchmarks/torture.py) -----------------------------------------
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_controls_a_format_decodes_itself_are_dropped_too(cli, tmp_path: Path) -> None:
    """JSON `\\u001b` and HTML `&#x202e;` were decoded after the import rule ran, into the store."""
    jsonl = tmp_path / "2024-05-09-list.jsonl"
    jsonl.write_text(
        '{"id": "2405.00001", "title": "Escaped \\u001b]0;pwned\\u0007 \\u202eTitle", '
        '"authors": ["Ann\\u0085 \\u2069Lee"], "summary": "Lone \\ud800 surrogate.", "categories": ["cs.CV"]}\n',
        encoding="utf-8",
    )
    page = tmp_path / "page.html"
    html = (EXAMPLES / "2024-05-talking-heads.html").read_text(encoding="utf-8")
    page.write_text(html.replace(">Phoneme-Aware Lip Sync", ">&#x202e;Phoneme&#x8f;-Aware Lip Sync"), encoding="utf-8")
    cli("import", str(jsonl), str(page))
    entries = {e["title"]: e for e in cli.json("list", "--json")}
    assert entries["Escaped Title"]["authors"] == ["Ann Lee"]
    assert entries["Escaped Title"]["abstract"] == "Lone \ufffd surrogate."
    assert "Phoneme-Aware Lip Sync for One-Shot Talking Heads" in entries


def test_undecodable_bytes_on_the_command_line_are_stored_as_replacement_characters(cli, library) -> None:
    """`note KEY $'\\xff'` reached the store writer as a lone surrogate: a traceback."""
    key = library[0]
    cli("note", key, "bad \udcff byte")
    cli("tag", key, "-t", "b\udcffd")
    added = cli("add", "--title", "Bad \udcff Title", "--author", "Ann Lee").stdout.strip()
    assert cli.json("show", key)["notes"][0]["text"] == "bad \ufffd byte"
    assert cli.json("show", key)["tags"] == ["b\ufffdd"]
    assert cli.json("show", added)["title"] == "Bad \ufffd Title"


def test_a_problem_quoting_text_with_line_breaks_stays_on_one_line(cli, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    html = (EXAMPLES / "2024-05-talking-heads.html").read_text(encoding="utf-8")
    page.write_text(html.replace("<p><strong>Authors:Olumide", "<p>Olumide").replace(">Phoneme-Aware", ">Two\n\nlines"))
    result = cli("import", "--json", str(page), ok=False)
    messages = [p["message"] for p in json.loads(result.stdout)["problems"]]
    assert messages and all("\n" not in m for m in messages), messages
    assert any(m.startswith('"Two lines Lip Sync') for m in messages), messages


def test_latex_too_long_to_decode_is_kept_as_written_and_reported(cli, tmp_path: Path) -> None:
    """A 2 MB `\\mbox{...}` field took minutes: the LaTeX decoder is quadratic in a group's length.
    (A plain `\\url{...}` of any length is read by the fast path, see the next test.)"""
    bib = tmp_path / "refs.bib"
    long_box = "a " * 75_000
    bib.write_text(f"@misc{{k, title = {{T}}, note = {{\\mbox{{{long_box}}}}}, year = {{2022}}}}\n", encoding="utf-8")
    result = cli("import", str(bib), ok=False)
    assert result.exit_code == ExitCode.PROBLEMS
    assert "refs.bib:1: k: field 'note' has LaTeX too long to read (over 100,000 characters); kept as written" in (
        result.stderr
    )
    assert cli.json("show", "k")["title"] == "T"


def test_a_huge_plain_url_is_read_in_linear_time(cli, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    long_url = "https://x.org/" + "a" * 2_000_000
    bib.write_text(
        f"@misc{{k, title = {{T}}, abstract = {{see \\url{{{long_url}}}}}, year = {{2022}}}}\n", encoding="utf-8"
    )
    cli("import", str(bib))
    assert cli.json("show", "k")["abstract"] == f"see {long_url}"


@pytest.mark.parametrize("args", [["log"], ["list"], ["show", "chen2023learning"], ["tags"]])
def test_a_reader_that_stops_early_ends_the_command_quietly(cli, library, db_path: Path, args: list[str]) -> None:
    """`readlist log | head -1`: the closed pipe is no error, whether Rich or plain lines write."""
    import subprocess
    import sys

    cli("note", "chen2023learning", "read it")
    cli("tag", "chen2023learning", "-t", "queues")
    reader, writer = os.pipe()
    os.close(reader)  # closed before the command writes a byte: its first write meets EPIPE
    try:
        done = subprocess.run(
            [sys.executable, "-m", "readlist", "--db", str(db_path), *args],
            stdout=writer,
            stderr=subprocess.PIPE,
            env={**os.environ, "TTY_COMPATIBLE": "1"},
            timeout=60,
        )
    finally:
        os.close(writer)
    assert (done.returncode, done.stderr) == (0, b"")
