"""Property-based fuzz of the BibTeX reader: whatever the text, it returns entries and
`Problem`s, never a traceback, and no control character reaches an entry. Bounded by FUZZ."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.models import Problem, ReadResult
from readlist.readers import read

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Pieces of LaTeX and BibTeX that have broken readers: macros without their arguments,
# optional arguments, unbalanced braces and environments, escapes, controls and odd keys.
_LATEX = st.sampled_from(
    [
        r"\href{https://x.org}{t}",
        r"\href",
        r"\textcolor[rgb]{1,0,0}{r}",
        r"\textcolor",
        r"\colorbox{red}",
        r"\sqrt",
        r"\sqrt[3]{x}",
        r"\footnote{n}",
        r"\footnote",
        r"\date",
        r"\title",
        r"\author",
        r"\url",
        r"\url{a%b}",
        r"\begin{array}",
        r"\end{array}",
        r"\begin{x}",
        "{",
        "}",
        "$",
        "$$",
        "\\",
        "%",
        "#",
        "@",
        ",",
        "=",
        '"',
        "~",
        "^",
        "_",
        "&",
        r"\'e",
        r"\"{o}",
        r"\c{c}",
        r"\v",
        r"\char27",
        "^^[",
        "\x1b[2J",
        "\x1b]52;c;SGVsbG8=\x07",
        "\u202e",
        "\u2066",
        "\x9b",
        "\n",
        " and ",
        "others",
        "王",
        r"\input{/etc/passwd}",
        r"\write18{ls}",
        r"\def\x{y}",
        r"\left(",
        r"\right)",
        r"\\",
        r"\emph{",
    ]
)
_FIELD_TEXT = st.lists(st.one_of(_LATEX, st.text(max_size=6)), max_size=12).map("".join)
_FIELD_NAME = st.sampled_from(
    [
        "title",
        "author",
        "year",
        "journal",
        "booktitle",
        "abstract",
        "url",
        "doi",
        "eprint",
        "archiveprefix",
        "note",
        "annote",
        "month",
        "pages",
        "x-odd",
    ]
)
_KEY = st.one_of(st.sampled_from(["k", "a b", "k`", "k,", "k{", "é", "k%", "k\n"]), st.text(max_size=5))


@st.composite
def bib_files(draw: st.DrawFn) -> str:
    chunks = []
    for _ in range(draw(st.integers(1, 3))):
        fields = draw(st.lists(st.tuples(_FIELD_NAME, _FIELD_TEXT), max_size=6))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        kind = draw(st.sampled_from(["article", "misc", "inproceedings", "string", "comment", "Book"]))
        chunks.append(f"@{kind}{{{draw(_KEY)},\n{body}\n}}\n")
        chunks.append(draw(st.sampled_from(["", "\n", "junk\n", "@", "}", "{{{", "{" * 250])))
    return "".join(chunks)


@FUZZ
@given(text=bib_files())
def test_the_bibtex_reader_never_raises(text: str) -> None:
    result = read(text, "fuzz.bib")
    assert isinstance(result, ReadResult)
    assert all(isinstance(p, Problem) for p in result.problems)
    for entry in result.records:
        for value in (entry.title, entry.abstract, *entry.authors):
            assert "\x1b" not in value and "\u202e" not in value
