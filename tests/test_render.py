"""The list table a person reads: the title gets the width and is never cut, at any width."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from readlist.models import Entry, Note, Sighting
from readlist.output import render
from readlist.search import Highlights, parse_query, search

ANSI = re.compile(r"\x1b\[[0-9;]*m")
WIDTHS = (40, 80, 100, 200)

LONG_TITLE = (
    "Quantisation-Robust Learned Image Codecs for Satellite Downlinks under Severe Bandwidth "
    "Constraints and Intermittent Ground Station Contact"
)


def paper(key: str, title: str, **fields: object) -> Entry:
    fields.setdefault("authors", ["Ingrid Halvorsen", "Bo Chen"])
    fields.setdefault("sightings", [Sighting("a.txt", "Remote Sensing", "2024-05-06")])
    return Entry(key=key, title=title, **fields)  # type: ignore[arg-type]


def year(entry: Entry) -> int | None:
    return 2024


def drawn(entries: list[Entry], width: int, highlights=None, colour: bool = False) -> str:
    """The table as a terminal of `width` columns shows it (with its escapes if `colour`)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=colour, color_system="standard" if colour else None)
    console.print(render.entries_table(entries, year, highlights, width=width), end="", soft_wrap=True)
    return buffer.getvalue()


def columns(screen: str) -> list[dict[str, str]]:
    """Each row's cells by header name, the cells of continuation lines appended with a space.

    Column positions come from the header line; a row starts where the first column is filled.
    """
    header, _rule, *lines = screen.splitlines()
    starts = [match.start() for match in re.finditer(r"\S+", header)]
    names = header.split()
    rows: list[dict[str, str]] = []
    for line in lines:
        cells = [line[start : starts[i + 1] if i + 1 < len(starts) else None].strip() for i, start in enumerate(starts)]
        if line[: starts[0] + 1].isspace() and rows:  # a continuation line
            for name, cell in zip(names, cells, strict=True):
                if cell:
                    rows[-1][name] = f"{rows[-1][name]} {cell}".strip()
        else:
            rows.append(dict(zip(names, cells, strict=True)))
    return rows


@pytest.mark.parametrize("width", WIDTHS)
def test_the_whole_title_shows_at_every_width(width: int) -> None:
    entries = [
        paper("halvorsen2024quantisation", LONG_TITLE),
        paper("lee2023short", "Short", authors=["Ann Lee"]),
    ]
    screen = drawn(entries, width)
    assert all(cell_len(line) <= width for line in screen.splitlines()), screen
    rows = columns(screen)
    assert [row["title"] for row in rows] == [LONG_TITLE, "Short"]


@pytest.mark.parametrize(
    ("width", "shown"),
    [
        pytest.param(40, ["key", "title"], id="40"),
        pytest.param(80, ["key", "date", "title", "status"], id="80"),
        pytest.param(100, ["key", "date", "title", "authors"], id="100"),
        pytest.param(200, ["key", "date", "title", "authors", "year", "status", "topic"], id="200"),
    ],
)
def test_other_columns_give_way_to_the_title_as_the_terminal_narrows(width: int, shown: list[str]) -> None:
    screen = drawn([paper("halvorsen2024quantisation", LONG_TITLE)], width)
    assert screen.splitlines()[0].split() == shown
    [row] = columns(screen)
    assert row.get("date", "2024-05-06") == "2024-05-06"  # the newest digest's date
    assert row.get("authors", "Halvorsen et al.") == "Halvorsen et al."


def test_at_40_columns_a_long_key_is_shortened_and_the_title_kept() -> None:
    screen = drawn([paper("sanchezmoreauvillalobos2024occlusion", LONG_TITLE)], 40)
    assert screen.splitlines()[2].startswith(" sanchezmoreauvil…  Quantisation")
    assert columns(screen)[0]["title"] == LONG_TITLE


def test_tags_and_priority_columns_only_when_used() -> None:
    bare = drawn([paper("a", "A Title")], 200).splitlines()[0].split()
    assert "tags" not in bare and "pri" not in bare
    used = drawn([paper("a", "A Title", tags=["to-read", "ml"], priority=2), paper("b", "B")], 200)
    assert {"tags", "pri"} <= set(used.splitlines()[0].split())
    assert columns(used)[0]["tags"] == "to-read, ml" and columns(used)[0]["pri"] == "2"


def test_a_wide_script_title_wraps_within_the_width() -> None:
    title = "基于视觉语言先验的历史地图少样本分割方法研究与大规模评测以及开放数据集"
    screen = drawn([paper("wang2024map", title, authors=["王 芳"])], 40)
    assert all(cell_len(line) <= 40 for line in screen.splitlines())
    first, *more = screen.splitlines()[2:]
    assert first.split() == ["wang2024map", title[: len(first.split()[1])], "2024"]
    assert first.split()[1] + "".join(line.strip() for line in more) == title


def test_an_empty_list_and_odd_cells_still_draw() -> None:
    assert drawn([], 80).splitlines()[0].split() == ["title"]
    screen = drawn([paper("k", "Line\nbreak\tand tab", authors=[], sightings=[])], 80)
    assert columns(screen)[0]["title"] == "Line break and tab"


def hits_of(entries: list[Entry], query: str) -> tuple[list[Entry], Highlights]:
    hits = search(entries, parse_query(query), year)
    return [hit.entry for hit in hits], Highlights(hits)


def test_search_matches_are_marked_whole_even_where_the_title_wraps() -> None:
    entries, marks = hits_of([paper("h", LONG_TITLE)], "contact bandwidth")
    screen = drawn(entries, 40, marks, colour=True)
    assert "\x1b[1;7mContact\x1b[0m" in screen and "\x1b[1;7mBandwidth\x1b[0m" in screen
    assert columns(ANSI.sub("", screen))[0]["title"] == LONG_TITLE


ABSTRACT = (
    "We study codecs for small satellites. "
    "A long stretch of text follows here so that the match is far from the start of the abstract, "
    "where a table row would never show it: the \x1b[31mdownlink\x1b[0m scheduler uses "
    "Reed-Solomon erasure coding across passes, and we measure it on three orbits."
)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_hit_the_table_does_not_show_gets_a_snippet_line(width: int) -> None:
    entries, marks = hits_of([paper("h", "Satellite Codecs", abstract=ABSTRACT)], "erasure")
    screen = drawn(entries, width, marks, colour=True)
    plain = ANSI.sub("", screen).splitlines()
    assert all(cell_len(line) <= width for line in plain)
    [snippet] = [line for line in plain if "abstract:" in line]
    assert "erasure" in snippet and "\x1b" not in snippet and "[31m" not in snippet
    assert "\x1b[1;7merasure\x1b[0m" in screen  # the matched word marked
    assert "\x1b[2m" in screen.splitlines()[plain.index(snippet)]  # the line is dim


def test_notes_and_comment_hits_say_where_and_title_hits_need_no_snippet() -> None:
    entries = [
        paper("n", "Codecs", notes=[Note("2024-05-06T10:00:00+00:00", "first\nsee the erasure trick")]),
        paper("c", "Codecs Again", comment="Erasure codes, 12 pages"),
        paper("t", "Erasure Codes in Orbit", abstract="erasure everywhere"),
    ]
    found, marks = hits_of(entries, "erasure")
    plain = ANSI.sub("", drawn(found, 100, marks))
    assert "notes: first see the erasure trick" in plain
    assert "comment: Erasure codes, 12 pages" in plain
    assert plain.count("abstract:") == 0  # the title shows why `t` is listed


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
def test_list_and_search_in_a_terminal_show_whole_titles(tmp_path: Path, write_digest, width: int) -> None:
    """As a person runs it: a terminal of `width` columns (TTY_COMPATIBLE=1 stands for it)."""
    digest = write_digest(
        "a.txt",
        "Vision Transformer",
        "2024-05-06",
        [(LONG_TITLE, "Ingrid Halvorsen, Bo Chen", "Abstract about erasure coding.", None)],
    )
    env = {**os.environ, "READLIST_DB": str(tmp_path / "s.json"), "COLUMNS": str(width), "TTY_COMPATIBLE": "1"}
    readlist = [sys.executable, "-m", "readlist"]
    subprocess.run([*readlist, "import", str(digest)], env=env, check=True, capture_output=True)
    for command in (["list"], ["search", "satellite"], ["search", "erasure"]):
        screen = ANSI.sub(
            "", subprocess.run([*readlist, *command], env=env, check=True, capture_output=True, text=True).stdout
        )
        assert all(cell_len(line) <= width for line in screen.splitlines()), screen
        assert columns(screen)[0]["title"].startswith(LONG_TITLE), screen
    assert "about erasure coding." in next(line for line in screen.splitlines() if "abstract: " in line)


def run(args: list[str], db: Path, width: int = 80, **env: str) -> str:
    """readlist as a process, its stdout a terminal of `width` columns (TTY_COMPATIBLE=1)."""
    environ = {**os.environ, "READLIST_DB": str(db), "COLUMNS": str(width), "TTY_COMPATIBLE": "1", **env}
    done = subprocess.run([sys.executable, "-m", "readlist", *args], env=environ, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return ANSI.sub("", done.stdout)


@pytest.mark.slow
def test_show_wraps_the_title_and_makes_the_abstract_latex_readable(tmp_path: Path) -> None:
    db = tmp_path / "s.json"
    abstract = r"We reach 95\% with \emph{sparse} tokens in $\mathcal{O}(n)$ time and $^2$ fewer FLOPs."
    title = "Sparse Register Tokens for Efficient Dense Prediction with Vision Transformers at Scale"
    run(["add", "--title", title, "--author", "Ann Aubert", "--year", "2024", "--abstract", abstract], db)
    screen = run(["show", "aubert2024sparse"], db, width=40)
    assert all(cell_len(line) <= 40 for line in screen.splitlines())
    inside = " ".join(line.strip("│ ") for line in screen.splitlines()[1:5])
    assert title in " ".join(inside.split())
    flowing = " ".join(" ".join(line.strip("│ ") for line in screen.splitlines()).split())
    assert "We reach 95% with sparse tokens in 𝒪(n) time and ² fewer FLOPs." in flowing
    assert "\\emph" not in screen and "$" not in screen
    shown = json.loads(run(["show", "aubert2024sparse", "--json"], db))
    assert shown["abstract"] == abstract  # JSON keeps what was written


NOTE = "## Why it matters\n\n- the *ablation* in section 4\n- compare with <b>raw</b> HTML and <https://x.org/a>\n"


def test_log_markdown_keeps_a_note_markdown_and_names_the_title(cli) -> None:
    cli("add", "--title", "Vision Transformers Need Registers", "--author", "Tim Darcet", "--year", "2023")
    cli("note", "darcet2023vision", "-", input=NOTE)
    cli("note", "darcet2023vision", "one line with **bold**")
    markdown = cli("log", "--markdown").stdout
    assert "**darcet2023vision** *Vision Transformers Need Registers* (note): one line with **bold**\n" in markdown
    assert (
        "**darcet2023vision** *Vision Transformers Need Registers* (note):\n\n"
        "  ## Why it matters\n\n"
        "  - the *ablation* in section 4\n"
        "  - compare with &lt;b>raw&lt;/b> HTML and <https://x.org/a>\n"
    ) in markdown


def test_log_in_the_terminal_shows_the_title_and_the_notes_lines(cli) -> None:
    cli("add", "--title", "Vision Transformers Need Registers", "--author", "Tim Darcet", "--year", "2023")
    cli("note", "darcet2023vision", "-", input=NOTE)
    cli("status", "darcet2023vision", "reading")
    screen = cli("log").stdout
    assert "darcet2023vision  Vision Transformers Need Registers" in screen
    assert "note: ## Why it matters" in screen and "- the *ablation* in section 4" in screen
    assert "status: unread -> reading" in screen


@pytest.mark.parametrize(
    ("latex", "readable"),
    [
        pytest.param(r"\emph{sparse} and \textbf{dense}", "sparse and dense", id="text_commands"),
        pytest.param(r"95\% of $\mathcal{O}(n^2)$", "95% of 𝒪(n²)", id="math_and_escapes"),
        pytest.param(r"Mix$^3$Former with $x^{-1}$ and $x_{10}$", "Mix³Former with x⁻¹ and x₁₀", id="scripts"),
        pytest.param(r"$a^{bc}$ and $x_i$", "a^bc and x_i", id="scripts_without_unicode_forms"),
        pytest.param(r"\href{https://x.org}{code}", "code (https://x.org)", id="href"),
    ],
)
def test_readable_latex(latex: str, readable: str) -> None:
    assert render.readable_latex(latex) == readable


def test_list_and_search_format_print_each_entry_through_a_template(cli) -> None:
    cli(
        "add",
        "--title",
        "Vision Transformers\nNeed Registers",
        "--author",
        "Tim Darcet, Maxime Oquab",
        "--year",
        "2023",
    )
    cli("tag", "darcet2023vision", "-t", "vit", "-t", "to-read")
    out = cli("list", "--format", r"{key}\t{year}\t{title:.19}|{author}|{authors}|{tags}").stdout
    assert out == "darcet2023vision\t2023\tVision Transformers|Darcet et al.|Tim Darcet, Maxime Oquab|vit, to-read\n"
    assert cli("search", "registers", "--format", "{title}").stdout == "Vision Transformers Need Registers\n"


def test_every_template_field_has_a_value() -> None:
    from readlist.choices import TEMPLATE_FIELDS
    from readlist.output.shapes import check_template, to_template

    template = check_template("\t".join(f"{{{name}}}" for name in TEMPLATE_FIELDS))
    [line] = to_template([paper("k", "T", priority=2, venue="ICLR")], template, year).splitlines()
    assert len(line.split("\t")) == len(TEMPLATE_FIELDS)


@pytest.mark.parametrize(
    ("template", "message"),
    [
        pytest.param("{autor}", "unknown field {autor} in --format; fields are key, title,", id="unknown_field"),
        pytest.param("{key.__class__}", "unknown field {key.__class__}", id="attribute"),
        pytest.param("{key!r}", "--format field {key} takes only a width or precision", id="conversion"),
        pytest.param("{key", "bad --format template '{key'", id="unclosed"),
        pytest.param("{}", "unknown field {}", id="positional"),
    ],
)
def test_a_bad_template_is_a_clear_error(cli, template: str, message: str) -> None:
    cli("add", "--title", "T", "--author", "A B")
    result = cli("list", "--format", template, ok=False)
    assert result.exit_code == 3 and result.stderr.startswith(f"Error: {message}"), result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_the_search_gives_snippet_spans_only_for_words_the_table_does_not_show() -> None:
    entries = [
        paper("a", "Codecs", abstract="Ümlaut then Erasure codes and erasure again"),
        paper("b", "Erasure Codes", abstract="erasure too"),
        paper("c", "Codecs", tags=["erasure"], abstract="erasure"),
        paper("d", "Codecs", comment="erasure, 9 pages", abstract="erasure"),
    ]
    found = {hit.entry.key: hit.highlights for hit in search(entries, parse_query("erasure"), year)}
    assert found["a"]["abstract"] == [(12, 19), (30, 37)]  # offsets of the text as written
    assert "abstract" not in found["b"] and "abstract" not in found["c"]
    assert found["d"] == {"title": [], "authors": [], "comment": [(0, 7)]}


def test_chosen_columns_come_in_the_chosen_order_and_the_title_always_shows() -> None:
    entry = paper("halvorsen2024quantisation", "Short Title", priority=2)
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system=None)
    table = render.entries_table([entry], year, width=200, columns=("status", "priority", "key"))
    console.print(table, end="", soft_wrap=True)
    assert buffer.getvalue().splitlines()[0].split() == ["status", "title", "pri", "key"]


@pytest.mark.slow
def test_the_config_files_list_columns_choose_the_table(tmp_path: Path, write_digest) -> None:
    db = tmp_path / "s.json"
    config = tmp_path / "config.toml"
    config.write_text('[list]\ncolumns = ["year", "title", "key"]\n', encoding="utf-8")
    digest = write_digest("a.txt", "Vision", "2024-05-06", [("A Paper", "Ann Lee", "Abstract.", None)])
    run(["import", str(digest)], db)
    assert run(["list"], db, width=120, READLIST_CONFIG=str(config)).splitlines()[0].split() == ["year", "title", "key"]
    assert run(["list"], db, width=120).splitlines()[0].split()[:3] == ["key", "date", "title"]


@pytest.mark.slow
@pytest.mark.parametrize("width", [40, 80])
def test_stats_bars_fit_the_terminal_and_are_never_cut(tmp_path: Path, write_digest, width: int) -> None:
    db = tmp_path / "s.json"
    papers = [(f"Paper {n}", "Ann Lee", "Abstract.", None) for n in range(30)]
    run(
        ["import", str(write_digest("a.txt", "Vision Transformers for Dense Prediction Tasks", "2024-05-06", papers))],
        db,
    )
    screen = run(["--no-pager", "stats"], db, width=width)
    assert "█" in screen and "…" not in screen
    assert all(cell_len(line) <= width for line in screen.splitlines()), screen
