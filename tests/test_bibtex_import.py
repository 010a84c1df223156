"""Reading a user's .bib file (parse_bibtex) and the export -> import -> export round trip."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readlist.bib.read import parse_bibtex
from readlist.bib.write import export_bibtex
from readlist.models import PROFILES, Entry, Problem, Sighting
from readlist.names import parse_authors
from readlist.textnorm import identity


def _one(text: str) -> Entry:
    entries, problems = parse_bibtex(text, "refs.bib")
    assert problems == []
    assert len(entries) == 1
    return entries[0]


def test_fields_are_mapped_and_decoded() -> None:
    entry = _one(
        r"""@InProceedings{Grisi2023,
  Author    = {Grisi, Cl{\'e}ment and van der Laak, Jeroen and King, Jr., Martin Luther},
  title     = {{MVP}: A {Gaussian} View of {Transformers} with {$k$}-{NN} \& 5\% more},
  booktitle = {Proc. of {MICCAI}},
  year      = 2023,
  eprint    = {2201.00814v2},
  archivePrefix = {arXiv},
  primaryClass  = {cs.CV},
  abstract  = {We \emph{boost} by 5\% \textasciitilde{} {\textdownarrow}},
  annote    = {Accepted at MICCAI 2023},
  pages     = {1--10},
  doi       = {10.1000/x_y},
  publisher = {Springer \& Sons},
  url       = {https://example.org/p},
}"""
    )
    assert entry.key == "Grisi2023"
    assert entry.title == r"MVP: A Gaussian View of {Transformers} with $k$-NN & 5% more"
    assert entry.authors == ["Clément Grisi", "Jeroen van der Laak", "Martin Luther King, Jr."]
    assert (entry.year, entry.venue) == (2023, "Proc. of MICCAI")
    assert (entry.arxiv, entry.primary_class, entry.url) == ("2201.00814", "cs.CV", "https://example.org/p")
    assert entry.abstract == "We boost by 5% ~ ↓"
    assert entry.comment == "Accepted at MICCAI 2023"
    assert entry.extra == {
        "pages": "1--10",
        "doi": "10.1000/x_y",
        "publisher": "Springer & Sons",
        "ENTRYTYPE": "inproceedings",
    }


@pytest.mark.parametrize(
    ("author", "expected"),
    [
        pytest.param("Wei, Longhui", ["Longhui Wei"], id="last_first"),
        pytest.param("Longhui Wei", ["Longhui Wei"], id="first_last"),
        pytest.param("van der Laak, Jeroen", ["Jeroen van der Laak"], id="von_last_first"),
        pytest.param("Ludwig van Beethoven", ["Ludwig van Beethoven"], id="first_von_last"),
        pytest.param("King, Jr., Martin Luther", ["Martin Luther King, Jr."], id="jr"),
        pytest.param("{The ATLAS Collaboration}", ["The ATLAS Collaboration"], id="corporate_keyword"),
        pytest.param("{Google Research}", ["{Google Research}"], id="corporate_braced"),
        pytest.param("Garc{\\'i}a M{\\'a}rquez, Ana Mar{\\'i}a", ["Ana María {García Márquez}"], id="two_word_family"),
        pytest.param("Zhou, S. K. and He, Kaiming and others", ["S. K. Zhou", "Kaiming He", "et al."], id="others"),
        pytest.param("Kaiser, {\\L}ukasz", ["Łukasz Kaiser"], id="special_character"),
    ],
)
def test_names_come_back_in_digest_form(author: str, expected: list[str]) -> None:
    assert _one(f"@misc{{k, author = {{{author}}}, title = {{T}}}}").authors == expected


def test_identity_matches_the_digest_listing() -> None:
    digest_authors = ["Ana María García Márquez", "Jeroen van der Laak"]
    entry = _one(
        "@article{k, author = {Garc{\\'i}a M{\\'a}rquez, Ana Mar{\\'i}a and van der Laak, Jeroen},"
        " title = {{MVP}: Multimodality-guided Visual Pre-training}}"
    )
    assert identity(entry.title, entry.authors) == identity(
        "MVP: Multimodality-guided Visual Pre-training", digest_authors
    )


def test_string_macros_are_resolved() -> None:
    entry = _one('@string{cvpr = "Proc. CVPR"}\n@inproceedings{k, title = {T}, booktitle = cvpr}')
    assert entry.venue == "Proc. CVPR"


@pytest.mark.parametrize(
    ("fields", "attribute", "expected"),
    [
        pytest.param("journal = {IJCV}", "venue", "IJCV", id="journal_is_venue"),
        pytest.param("year = {in press}", "extra", {"year": "in press", "ENTRYTYPE": "article"}, id="odd_year_kept"),
        pytest.param(
            "eprint = {123}, archivePrefix = {PubMed}",
            "extra",
            {"eprint": "123", "archiveprefix": "PubMed", "ENTRYTYPE": "article"},
            id="non_arxiv_eprint",
        ),
        pytest.param("eprint = {hep-th/9901001v3}", "arxiv", "hep-th/9901001", id="old_style_id"),
        pytest.param(
            r"title = {\input{/etc/passwd}}",
            "title",
            r"\textbackslash{}input{/etc/passwd}",
            id="input_kept_as_text",
        ),
        pytest.param(r"title = {\foo{bar} x}", "title", "{bar} x", id="unknown_macro_leaves_its_group"),
        pytest.param(
            r"title = {\textbackslash{}write18\{rm\}}",
            "title",
            r"\textbackslash{}write18\{rm\}",
            id="escaped_text_stays_escaped",
        ),
    ],
)
def test_field_details(fields: str, attribute: str, expected: object) -> None:
    assert getattr(_one(f"@article{{k, {fields}}}"), attribute) == expected


def test_broken_blocks_become_problems_and_the_rest_is_imported() -> None:
    text = "\n".join(
        [
            "@article{good1, title = {One}}",  # line 1
            "@article{twice, title = {A}, title = {B}}",  # line 2
            "@article{broken, title = {Unbalanced, year = 2020}",  # line 3
            "",
            "@article{good2, title = {Two}}",  # line 5
            "@article{good1, title = {Again}}",  # line 6
            "@article{case, Title = {X}, TITLE = {Y}}",  # line 7
        ]
    )
    entries, problems = parse_bibtex(text, "refs.bib")
    assert [entry.key for entry in entries] == ["good1", "good2", "case"]
    assert entries[2].title == "X"
    assert [(problem.file, problem.line) for problem in problems] == [
        ("refs.bib", 2),
        ("refs.bib", 3),
        ("refs.bib", 6),
        ("refs.bib", 7),
    ]
    assert "title repeated" in problems[0].message
    assert "could not be read" in problems[1].message
    assert "'good1' used twice" in problems[2].message
    assert "'title' repeated, first kept" in problems[3].message
    assert all(isinstance(problem, Problem) for problem in problems)


def test_empty_file() -> None:
    assert parse_bibtex("", "empty.bib") == ([], [])


# -- round trip ---------------------------------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèüöäåøßçñłŁžšříÉÜ"
_SPECIALS = "&%#_~^<>:,;.!?()'\"/-0123456789"
_word = st.text(alphabet=_LETTERS + _SPECIALS, min_size=1, max_size=8).filter(lambda w: "--" not in w and "''" not in w)
_math = st.sampled_from([r"$k$", r"$\Delta$", r"$\mathcal{O}(N\log N)$", r"$x^2_i$", "$n \\leq 3$"])
_text = st.lists(st.one_of(_word, _math), min_size=1, max_size=12).map(" ".join)
_cjk = st.text(alphabet="北京大学王", min_size=1, max_size=3)
_given = st.sampled_from(["Longhui", "S. K.", "Clément", "Jiří", "Ana María", "Le", "Élodie"])
_family = st.sampled_from(["Wei", "Zhou", "Grisi", "Matas", "Kaiser", "Song", "O'Brien", "Smith-Jones"])
_von = st.sampled_from(["", "van der ", "de ", "von "])
_suffix = st.sampled_from(["", " Jr."])
_name = st.builds(lambda g, v, f, s: f"{g} {v}{f}{s}", _given, _von, _family, _suffix)
_comment = st.sampled_from(
    [None, "14 pages", "Accepted by AAAI 2024", "Accepted to TPAMI", "CVPR 2022. TL;DR: fast",
     "Accepted at Medical Imaging meets NeurIPS 2023 workshop", "Code: https://x.io/a_b 50%"]
)  # fmt: skip


@st.composite
def _entries(draw: st.DrawFn, profile: str) -> list[Entry]:
    entries = []
    for index in range(draw(st.integers(1, 4))):
        title = draw(_text)
        if profile == "biblatex" and draw(st.booleans()):
            title = f"{draw(_cjk)} {title}"
        authors = draw(st.lists(_name, min_size=0, max_size=4))
        if authors and draw(st.booleans()):
            authors[-1] += " et al."
        arxiv = draw(st.sampled_from([None, "2201.00814v2", "hep-th/9901001"]))
        entries.append(
            Entry(
                key=f"key{index}",
                title=title,
                authors=authors,
                abstract=draw(_text),
                comment=draw(_comment),
                year=draw(st.one_of(st.none(), st.integers(1990, 2030))),
                arxiv=arxiv,
                primary_class=draw(st.sampled_from([None, "cs.CV"])) if arxiv else None,
                url=draw(st.sampled_from([None, "https://example.org/a b?q=1#x"])),
                sightings=[Sighting("d.txt", "T", draw(st.sampled_from(["2022-03-11", "2023-12-16"])), 1)],
            )
        )
    return entries


@pytest.mark.parametrize("profile", ["bibtex", "biblatex"])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip(profile: str, data: st.DataObject) -> None:
    """export -> parse_bibtex -> export gives the same text, and the same titles and people.

    Preserved exactly: the exported text; titles and abstracts made of words, digits,
    punctuation, `& % # _ ~ ^ < >`, accented Latin letters and symbol-only math; CJK in the
    `biblatex` profile; authors (as "Given von Family, Jr." strings with the same parts and
    "et al."); year, venue (as the full booktitle/journal), arXiv id and class, comment (as
    `annote`), month and `howpublished` (kept in `extra`).
    Not preserved: `\\emph{}` and other markup (decoded to plain text), CJK in the `bibtex`
    profile (transliterated), TeX ligatures (`--`, ``` `` ```, `''` become – “ ”), whitespace runs,
    digest sightings, tags, notes and everything else BibTeX has no field for.
    """
    entries = data.draw(_entries(profile))
    exported = export_bibtex(entries, profile=PROFILES[profile], keep_comments=True)
    parsed, problems = parse_bibtex(exported, "out.bib")
    assert problems == []
    assert export_bibtex(parsed, profile=PROFILES[profile], keep_comments=True) == exported
    by_key = {entry.key: entry for entry in parsed}
    for original in entries:
        back = by_key[original.key]
        assert back.title == original.title
        assert back.abstract == original.abstract
        assert parse_authors(back.authors) == parse_authors(original.authors)


_LATEX_PIECES = st.sampled_from(
    ["word", "Ünïcode", " ", "  ", "\n", "5", "\\%", "\\&", "\\_", "\\#", "\\$", "$x^{2}$", "$\\mathcal{O}(n)$",
     "$a \\% b$", "-", "--", "{", "}", "\\{", "\\}", "\\emph{a}", "~", "``", "''", "$", "\\emph{", "\\texttt{",
     "\\textbf{", "{AB}", "{a}", "\\'e", "\\textnormal{",
     "\\url{https://x.org/a_b-c?d=1}", "\\url{", "\\url{}"]
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(_LATEX_PIECES, max_size=12).map("".join), st.booleans())
def test_the_fast_decoding_of_simple_latex_agrees_with_pylatexenc(text: str, keep_groups: bool) -> None:
    """Math, escaped specials, groups and font macros are decoded without pylatexenc; anything
    else goes through it."""
    from readlist.bib.latex_unicode import _decode_simple, _latex_decoder

    fast = _decode_simple(text, keep_groups)
    if fast is not None:
        assert fast == " ".join(_latex_decoder(keep_groups).latex_to_text(text).split())


@pytest.mark.parametrize(
    ("latex", "keep_groups", "text"),
    [
        ("We find that \\emph{sparse} routing matters", False, "We find that sparse routing matters"),
        ("{MVP}: {A} {Gaussian} view", True, "{MVP}: A {Gaussian} view"),
        ("{{Deep}} nets {}", True, "{{Deep}} nets"),
        ("code in \\texttt{main.py} and \\textsf{sans}", False, "code in main.py and sans"),
        ("a {\\emph{bc}} d", True, "a {bc} d"),
        ("Code: \\url{https://github.com/a-b/c_d}.", False, "Code: https://github.com/a-b/c_d."),
    ],
)
def test_groups_and_font_macros_are_read_without_pylatexenc(latex: str, keep_groups: bool, text: str) -> None:
    from readlist.bib.latex_unicode import _decode_simple, decode_latex

    assert _decode_simple(latex, keep_groups) == text
    assert decode_latex(latex, keep_groups) == text


def test_texttt_and_other_font_macros_keep_their_text() -> None:
    """pylatexenc's own table drops `\\texttt{...}` (and \\textsf, \\textup, \\textmd) with its text."""
    from readlist.bib.latex_unicode import decode_latex

    assert decode_latex("see \\texttt{x \\& y} and \\textup{\\'e}") == "see x & y and é"
