"""The plain-text digest reader: every quirk of real files, every problem with its line, and a round-trip."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readlist import readers
from readlist.errors import InvalidInput
from readlist.models import DigestItem, Problem, ReadResult
from readlist.names import split_author_line
from readlist.readers.base import COMMENTARY_HEADINGS, decode, normalise_line_ends
from readlist.readers.blog_text import (
    _NOT_A_TOPIC,
    _SPECIAL_LINE,  # the lines the format reserves; generated text must avoid them
    NO_HEADER,
    READER,
    sniff,
)
from readlist.textnorm import identity

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def parse_bytes(data: bytes, file: str) -> ReadResult:
    """What an import does with a file of this format: decode, then read."""
    return readers.read(decode(data, file), file, forced=READER)


def parse(text: str, file: str) -> ReadResult:
    """Text as `decode` gives it (LF line ends, no BOM), read; control bytes reach the reader."""
    return readers.read(normalise_line_ends(text.removeprefix("\ufeff")), file, forced=READER)


HEAD = "Topic\n\n2024-01-02 更新\n\n"  # the title of a first entry is on line 5
ENTRY = "A Title\n\nAuthors:Ada Lovelace\n\nAn abstract.\n"
SECOND = "\nSecond Title\n\nAuthors:Alan Turing\n\nAnother abstract.\n"


def item(
    title: str = "A Title",
    line: int = 5,
    *,
    authors: tuple[str, ...] = ("Ada Lovelace",),
    abstract: str = "An abstract.",
    comment: str | None = None,
    topic: str = "Topic",
    date: str = "2024-01-02",
) -> DigestItem:
    return DigestItem(title, list(authors), abstract, comment, topic, date, line)


def second(line: int) -> DigestItem:
    return item("Second Title", line, authors=("Alan Turing",), abstract="Another abstract.")


QUIRKS = [
    pytest.param(HEAD + ENTRY, [item()], id="plain_entry"),
    pytest.param((HEAD + ENTRY).replace("\n", "\r\n"), [item()], id="crlf_line_ends"),
    pytest.param((HEAD + ENTRY).replace("\n", "\r"), [item()], id="lone_cr_line_ends"),
    pytest.param("\ufeff" + HEAD + ENTRY, [item()], id="utf8_bom"),
    pytest.param((HEAD + ENTRY).replace("\n", " \t\n"), [item()], id="trailing_spaces_and_tabs"),
    pytest.param(HEAD + ENTRY.rstrip("\n"), [item()], id="no_newline_at_end_of_file"),
    pytest.param(HEAD + ENTRY + "\n\n\n\n" + SECOND, [item(), second(15)], id="many_blank_lines"),
    pytest.param(HEAD + ENTRY + SECOND, [item(), second(11)], id="one_blank_line_between"),
    pytest.param(
        HEAD + ENTRY + "PDF CVPR 2024. Code is available at\n",
        [item(comment="CVPR 2024. Code is available at")],
        id="pdf_line_right_after_abstract",
    ),
    pytest.param(HEAD + ENTRY + "\nPDF 9 pages\n", [item(comment="9 pages")], id="pdf_after_gap"),
    pytest.param(HEAD + ENTRY + "PDF   In review\n", [item(comment="In review")], id="pdf_spaces"),
    pytest.param(HEAD + ENTRY + "PDF\n", [item(comment=None)], id="bare_pdf_line"),
    pytest.param(HEAD.replace(" 更新", "") + ENTRY, [item()], id="date_without_suffix"),
    pytest.param(HEAD.replace(" 更新", "更新") + ENTRY, [item()], id="date_suffix_without_space"),
    pytest.param(HEAD.replace("2024-01-02", "2024-1-2") + ENTRY, [item()], id="date_one_digit"),
    pytest.param(HEAD + ENTRY.replace("Authors:", "Authors: "), [item()], id="authors_space_after_colon"),
    pytest.param(
        HEAD + "A Title\n\nAuthors :  Ada Lovelace ,Alan Turing ,\n\nAn abstract.\n",
        [item(authors=("Ada Lovelace", "Alan Turing"))],
        id="authors_odd_spacing",
    ),
    pytest.param(
        HEAD + "A Title\n\nAuthors：Ada Lovelace，Alan Turing\n\nAn abstract.\n",
        [item(authors=("Ada Lovelace", "Alan Turing"))],
        id="authors_full_width_colon_and_comma",
    ),
    pytest.param(
        HEAD + "A Title\n\nAuthors:Ada Lovelace,\n  Alan Turing\n\nAn abstract.\n",
        [item(authors=("Ada Lovelace", "Alan Turing"))],
        id="authors_wrapped_after_comma",
    ),
    pytest.param(
        HEAD + "A Title\n\nAuthors:Clément Dupré, Jeroen van der Berg\n\nAn abstract.\n",
        [item(authors=("Clément Dupré", "Jeroen van der Berg"))],
        id="accents_and_particles_kept",
    ),
    pytest.param(
        HEAD + "A Title\n\nAuthors:Ada Lovelace\n\nFirst line of\n  the abstract,\nlast line.\n",
        [item(abstract="First line of the abstract, last line.")],
        id="abstract_wrapped_over_lines",
    ),
    pytest.param(
        HEAD + "A Title\nAuthors:Ada Lovelace\nAn abstract.\nPDF 9 pages\n",
        [item(comment="9 pages")],
        id="no_blank_lines_inside_entry",
    ),
    pytest.param(
        HEAD + ENTRY.replace("A Title", "Mix$^3$Net: $\\mathcal{O}(n)$  Attention"),
        [item("Mix$^3$Net: $\\mathcal{O}(n)$  Attention")],
        id="latex_and_spacing_in_title_kept",
    ),
    pytest.param(
        HEAD + ENTRY.replace("A Title", "PDF Tables in the Wild") + "PDF 8 pages\n",
        [item("PDF Tables in the Wild", comment="8 pages")],
        id="title_that_starts_with_pdf",
    ),
    pytest.param(
        HEAD + ENTRY + "\n2024-01-03 更新\n" + SECOND,
        [item(), item("Second Title", 13, authors=("Alan Turing",), abstract="Another abstract.", date="2024-01-03")],
        id="two_date_sections_one_topic",
    ),
    pytest.param(
        HEAD + ENTRY + "PDF 9 pages\n\n\nOther Topic\n\n2024-01-03\n" + SECOND,
        [
            item(comment="9 pages"),
            item(
                "Second Title",
                17,
                authors=("Alan Turing",),
                abstract="Another abstract.",
                topic="Other Topic",
                date="2024-01-03",
            ),
        ],
        id="new_topic_before_second_date",
    ),
    pytest.param(
        HEAD + ENTRY.replace("A Title", "Link: Linking Papers to Code") + "Copyright: none\n",
        [item("Link: Linking Papers to Code")],
        id="title_that_reads_like_a_footer",
    ),
    pytest.param(
        HEAD + ENTRY.replace("An abstract.", "PDF files are\nhard to parse.") + "PDF 8 pages,\n5 figures\n",
        [item(abstract="PDF files are hard to parse.", comment="8 pages, 5 figures")],
        id="abstract_that_starts_with_pdf_and_a_wrapped_comment",
    ),
    pytest.param(
        HEAD + ENTRY + "\n\n文章作者: 某人\n版权声明: 转载请注明来源!",
        [item()],
        id="blog_footer_ignored",
    ),
    pytest.param(
        HEAD + ENTRY + "\nAuthor: someone\nLink: https://example.org/post\n\nPowered by a blog\n",
        [item()],
        id="english_blog_footer_and_chrome_ignored",
    ),
    pytest.param(
        "My reading notes\n\n" + HEAD + ENTRY,
        [item(line=7)],
        id="preamble_above_topic_ignored",
    ),
    pytest.param(
        "\x1b]0;owned\x07Topic\n\n2024-01-02 更新\n\n\x1b[1;31mA\tTitle\x1b[0m\n\n"
        "Authors:Ada\x9b2J Lovelace\n\nAn \x1b]8;;https://x.org\x1b\\abstract\x1b]8;;\x1b\\.\x07\n"
        "PDF 9\x00 pages\x1bc\n",
        [item("A\tTitle", comment="9 pages")],
        id="terminal_controls_removed",
    ),
]


@pytest.mark.parametrize(("text", "expected"), QUIRKS)
def test_quirks_of_real_files_are_read(text: str, expected: list[DigestItem]) -> None:
    result = parse(text, "d.txt")

    assert result.problems == []
    assert result.items == expected


PROBLEMS = [
    pytest.param(
        HEAD + "No Authors Here\n\nIts abstract.\nPDF 3 pages\n\n" + SECOND,
        [second(11)],
        [(5, '"No Authors Here" has no "Authors:" line; entry skipped')],
        id="entry_without_authors_line",
    ),
    pytest.param(
        HEAD + "Authors:Ada Lovelace\n\nAn abstract.\n\n" + SECOND,
        [second(10)],
        [(5, 'entry has an empty title (no title line above its "Authors:" line); skipped')],
        id="empty_title",
    ),
    pytest.param(
        HEAD + "\x1b[0m\nAuthors:Ada Lovelace\n\nAn abstract.\n" + SECOND,
        [second(10)],
        [(6, 'entry has an empty title (no title line above its "Authors:" line); skipped')],
        id="title_of_escape_codes_only",
    ),
    pytest.param(
        HEAD + ENTRY + "\nCut Title\n",
        [item()],
        [(11, 'file ends after "Cut Title", with no "Authors:" line (cut short?)')],
        id="cut_after_title",
    ),
    pytest.param(
        HEAD + ENTRY + "\nCut Title\n\nAuthors:Ada Lovelace",
        [item()],
        [(11, 'file ends after the "Authors:" line of "Cut Title", with no abstract (cut short?)')],
        id="cut_after_authors",
    ),
    pytest.param(
        HEAD + "A Title\n\nAuthors:Ada Lovelace\n" + SECOND,
        [second(9)],
        [(5, '"A Title" has no abstract; entry skipped')],
        id="no_abstract_mid_file",
    ),
    pytest.param(
        "Topic\n\n" + ENTRY + "\n2024-01-02 更新\n" + SECOND,
        [second(11)],
        [(3, '"A Title" comes before any date line; entry skipped')],
        id="entry_before_any_date_line",
    ),
    pytest.param(
        HEAD.replace("2024-01-02", "2024-02-30") + ENTRY + "\n2024-01-03 更新\n" + SECOND,
        [item("Second Title", 13, authors=("Alan Turing",), abstract="Another abstract.", date="2024-01-03")],
        [(3, '"2024-02-30 更新" is not a valid date; the entries up to the next date line are skipped')],
        id="date_that_does_not_exist",
    ),
    pytest.param(
        HEAD.replace("2024-01-02", "2024-13-01") + ENTRY,
        [],
        [(3, '"2024-13-01 更新" is not a valid date; the entries up to the next date line are skipped')],
        id="month_thirteen",
    ),
    pytest.param(ENTRY, [], [(1, NO_HEADER)], id="no_header_at_all"),
    pytest.param("just some\nnotes\n", [], [(1, NO_HEADER)], id="not_a_digest"),
    pytest.param("", [], [(1, NO_HEADER)], id="empty_text"),
    pytest.param(
        HEAD + ENTRY + "PDF 9 pages\nPDF 10 pages\n",
        [item(comment="9 pages")],
        [(11, 'a "PDF" line outside an entry; ignored')],
        id="second_pdf_line",
    ),
    pytest.param(
        HEAD + ENTRY.replace("A Title", "A" * 80) + "\nAnother Cut Title\n",
        [item("A" * 80)],
        [(11, 'file ends after "Another Cut Title", with no "Authors:" line (cut short?)')],
        id="long_titles_are_kept_whole",
    ),
    pytest.param(
        HEAD + "B" * 80 + "\n\nNo authors.\n\n" + SECOND,
        [second(10)],
        [(5, f'"{"B" * 59}…" has no "Authors:" line; entry skipped')],
        id="long_titles_are_shortened_in_messages",
    ),
]


@pytest.mark.parametrize(("text", "expected_items", "expected_problems"), PROBLEMS)
def test_problems_are_reported_with_their_line_and_the_rest_is_read(
    text: str, expected_items: list[DigestItem], expected_problems: list[tuple[int, str]]
) -> None:
    result = parse(text, "d.txt")

    assert result.items == expected_items
    assert result.problems == [Problem("d.txt", line, msg) for line, msg in expected_problems]


@pytest.mark.parametrize(
    ("data", "text"),
    [
        pytest.param(b"Topic\n", "Topic\n", id="utf8"),
        pytest.param("\ufeffThème\n".encode(), "Thème\n", id="utf8_bom"),
        pytest.param(b"a\r\nb\rc\n", "a\nb\nc\n", id="crlf_and_lone_cr"),
        pytest.param("视觉\n\n2024-01-02 更新\n".encode("gb18030"), "视觉\n\n2024-01-02 更新\n", id="gb18030"),
        pytest.param("\ufeff更新 Clément\r\n".encode("gb18030"), "更新 Clément\n", id="gb18030_with_bom"),
        pytest.param(b"Title\x1b[0m\n", "Title\x1b[0m\n", id="escapes_are_parse_business"),
    ],
)
def test_decode(data: bytes, text: str) -> None:
    assert decode(data, "d.txt") == text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "d.txt: the file is empty", id="empty"),
        pytest.param(b"\xef\xbb\xbf", "d.txt: the file is empty", id="bom_only"),
        pytest.param(b" \n\t\r\n", "d.txt: the file holds only blank lines", id="blank_lines"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "d.txt: looks like a binary file (it contains NUL bytes)",
            id="binary_with_nul",
        ),
        pytest.param(
            bytes(range(1, 9)) * 10 + b"text",
            "d.txt: looks like a binary file (too many control characters)",
            id="too_many_control_characters",
        ),
        pytest.param(
            b"Topic \x80\x80\n",
            "d.txt:1: not a text file: byte 0x80 at offset 6 is neither UTF-8 nor GB18030",
            id="neither_utf8_nor_gb18030",
        ),
        pytest.param("Topic".encode("utf-16"), "d.txt: the file is UTF-16; save it as UTF-8", id="utf16"),
    ],
)
def test_decode_refuses_what_is_not_a_text_file(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        decode(data, "d.txt")

    assert raised.value.message == message


def test_parse_bytes_reads_a_gb18030_file() -> None:
    data = (HEAD + ENTRY.replace("Ada Lovelace", "Clément Dupré")).encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    result = parse_bytes(data, "d.txt")

    assert result.items == [item(authors=("Clément Dupré",))]
    assert result.problems == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(HEAD + ENTRY, True, id="digest"),
        pytest.param("\ufeff" + (HEAD + ENTRY).replace("\n", "\r\n"), True, id="crlf_digest"),
        pytest.param("@article{key,\n  title = {A Title},\n}\n", False, id="bibtex"),
        pytest.param(ENTRY, False, id="entries_without_date"),
        pytest.param(HEAD, True, id="header_without_entries_is_an_empty_day"),
        pytest.param("Just a note\n\nwith two paragraphs\n", False, id="prose"),
    ],
)
def test_sniff_recognises_a_digest(text: str, expected: bool) -> None:
    assert sniff(decode(text.encode("utf-8"), "d.txt")) is expected


# --- Round-trip: whatever the format can express is read back exactly -----------------------

_free_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufeff"),
    min_size=1,
    max_size=40,
).map(str.strip)
plain_lines = _free_text.filter(lambda s: bool(s) and _SPECIAL_LINE.fullmatch(s) is None)
# Titles and abstracts may read like a line the format reserves: the position decides.
titles = (
    plain_lines
    | st.builds("PDF {}".format, plain_lines)
    | st.builds("{}: {}".format, st.sampled_from(["Link", "Author", "文章作者"]), plain_lines)
)
abstracts = plain_lines | st.builds("PDF {}".format, plain_lines)
# A topic line that starts with a symbol, or holds a "|", is the blog's chrome (disclaimers, meta).
topics = plain_lines.filter(lambda s: _NOT_A_TOPIC.match(s) is None and COMMENTARY_HEADINGS.fullmatch(s) is None)
# One name each: no list separators, no "and"/"&"/"et al.", no whitespace runs, no braces (they
# group), and no lone "Jr"/"II" (after a comma it is the previous author's suffix, by design).
author_names = _free_text.filter(
    lambda s: (
        "{" not in s
        and "}" not in s
        and split_author_line(s) == [s]
        and split_author_line(f"A, {s}") == ["A", s]
        and split_author_line(f"{s}, A") == [s, "A"]
    )
)
comments = _free_text.filter(bool)


@st.composite
def digests(draw: st.DrawFn) -> tuple[str, list[DigestItem]]:
    """A digest text in the published layout, and the items it holds."""
    lines: list[str] = []
    items: list[DigestItem] = []
    topic = None
    for _ in range(draw(st.integers(1, 3))):
        new_topic = draw(topics) if topic is None else draw(st.none() | topics)
        if new_topic is not None:
            topic = new_topic
            lines += [topic, ""]
        day = draw(st.dates()).isoformat()
        lines += [day + draw(st.sampled_from(["", " 更新", "更新"])), ""]
        for _ in range(draw(st.integers(0, 3))):
            entry = DigestItem(
                title=draw(titles),
                authors=draw(st.lists(author_names, max_size=4)),
                abstract=draw(abstracts),
                comment=draw(st.none() | comments),
                topic=topic or "",
                date=day,
                line=len(lines) + 1,
            )
            lines += [entry.title, "", "Authors:" + ", ".join(entry.authors), "", entry.abstract]
            if entry.comment is not None:
                lines.append("PDF " + entry.comment)
            lines += [""] * draw(st.integers(1, 4))
            items.append(entry)
    return "\n".join(lines), items


@given(digests())
def test_rendered_items_parse_back_identically(digest: tuple[str, list[DigestItem]]) -> None:
    text, items = digest

    result = parse(text, "d.txt")

    assert result.problems == []
    assert result.items == items


# --- The shipped examples --------------------------------------------------------------------


def example_files() -> list[Path]:
    return sorted(EXAMPLES.glob("*.txt"))


@pytest.mark.parametrize("path", example_files(), ids=lambda path: path.name)
def test_every_example_parses_without_problems(path: Path) -> None:
    result = parse_bytes(path.read_bytes(), path.name)

    assert result.problems == []
    assert len(result.items) >= 8
    assert len({(i.topic, i.date) for i in result.items}) >= 2


def test_examples_show_crlf_and_a_paper_listed_twice() -> None:
    sightings: dict[str, list[tuple[str, DigestItem]]] = defaultdict(list)
    for path in example_files():
        for found in parse_bytes(path.read_bytes(), path.name).items:
            sightings[identity(found.title, found.authors)].append((path.name, found))

    listed_twice = [seen for seen in sightings.values() if len({name for name, _ in seen}) == 2]

    assert len(listed_twice) == 1
    (_, first), (_, later) = listed_twice[0]
    assert first.date != later.date
    assert first.comment != later.comment
    assert any(b"\r\n" in path.read_bytes() for path in example_files())


def test_latin1_file_is_not_mistaken_for_gb18030() -> None:
    data = "Topic\n\n2024-01-01\n\nA Title\n\nAuthors:Clément Grisi\n\nAbstract.\n".encode("latin-1")
    with pytest.raises(InvalidInput, match=r"^x\.txt:7: .*Latin-1"):
        decode(data, "x.txt")


def test_gb18030_with_english_words_still_decodes() -> None:
    text = "视觉 Transformer\n\n2024-01-01 更新\n\n基于CLIP模型的研究\n\nAuthors:王 明, Ann Lee\n\n摘要 with English words.\n"
    assert decode(text.encode("gb18030"), "x.txt") == text


def test_name_suffix_after_a_comma_stays_with_its_name() -> None:
    text = "T\n\n2024-01-01\n\nA Title\n\nAuthors:Martin Luther King, Jr., Ann Lee, Bob Roe, III\n\nAbstract.\n"
    [item] = parse(text, "d.txt").items
    assert item.authors == ["Martin Luther King, Jr.", "Ann Lee", "Bob Roe, III"]
