"""TOML readlist writes for a person to edit reads back exactly: any text, any list of names."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readlist import tomltext

# Any Unicode text a Python str can be written to a UTF-8 file with: no lone surrogates.
TEXT = st.text(st.characters(exclude_categories=("Cs",)))


def read_back(key: str, value: str | int | list[str]) -> object:
    return tomllib.loads(tomltext.assignment(key, value) + "\n")[key]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Plain words", id="plain"),
        pytest.param(r"Sparse $\ell_1$ \emph{routers} for \textsc{ViT}", id="latex_backslashes"),
        pytest.param("He said \"yes\" and 'no'", id="both_quotes"),
        pytest.param("C:\\temp\\new \\u0041", id="backslash_u_is_not_an_escape"),
        pytest.param("ends in a quote'", id="trailing_single_quote"),
        pytest.param('ends in a quote"', id="trailing_double_quote"),
        pytest.param("line one\nline two\n", id="multi_line_with_final_newline"),
        pytest.param("\nstarts with a newline", id="leading_newline"),
        pytest.param("code: '''triple''' quotes\nand more", id="triple_single_quotes"),
        pytest.param('doc: """triple""" quotes\nand more', id="triple_double_quotes"),
        pytest.param("ends '''\nwith ''''", id="quotes_next_to_the_end"),
        pytest.param("windows\r\nline ends", id="crlf"),
        pytest.param("tab\there and a\x7f delete and \x1b escape", id="controls"),
        pytest.param("Ünïcödé — 王 🚀 \u2028 separator", id="unicode"),
        pytest.param("", id="empty"),
        pytest.param("  spaces kept  ", id="outer_spaces"),
    ],
)
def test_a_string_reads_back_as_written(text: str) -> None:
    assert read_back("abstract", text) == text


def test_latex_stays_readable_in_the_file() -> None:
    """A person edits the file: backslashes are not doubled where a literal string can hold them."""
    assert tomltext.assignment("title", r"$\ell_1$ \emph{x}") == r"title = '$\ell_1$ \emph{x}'"
    assert tomltext.assignment("abstract", "a\n\\b") == "abstract = '''\na\n\\b'''"


@given(TEXT)
def test_any_text_reads_back_as_written(text: str) -> None:
    assert read_back("abstract", text) == text


@given(st.lists(TEXT))
def test_any_list_of_names_reads_back_as_written(names: list[str]) -> None:
    assert read_back("authors", names) == names


@pytest.mark.parametrize("year", [0, 2024, -5])
def test_numbers_are_written_bare(year: int) -> None:
    assert read_back("year", year) == year


CONFIG = """# comment
db = "x.json"
 editor = 'vim'

[list]
# columns below
columns = ["key"]
"""


@pytest.mark.parametrize(
    ("key", "table", "line"),
    [
        pytest.param("db", None, 2, id="top_level"),
        pytest.param("editor", None, 3, id="indented"),
        pytest.param("columns", "list", 7, id="in_a_table"),
        pytest.param("columns", None, None, id="not_at_the_top"),
        pytest.param("missing", None, None, id="absent"),
    ],
)
def test_line_of_finds_where_a_key_is_set(key: str, table: str | None, line: int | None) -> None:
    assert tomltext.line_of(CONFIG, key, table) == line


def test_decode_error_puts_the_line_first() -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        tomllib.loads('a = 1\nb = "unclosed\n')
    line, reason = tomltext.decode_error(caught.value)
    assert line == 2
    assert "line" not in reason and "(column" in reason
