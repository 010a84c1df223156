"""arXiv's own listing e-mail and the daily lists generated from arXiv (Markdown tables, JSON Lines).

Fixtures are written for these tests in the shapes the real files have.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readlist import readers
from readlist.models import ReadResult
from readlist.readers.base import decode

DATA = Path(__file__).resolve().parent / "data"


def read(text: str, file: str) -> ReadResult:
    return readers.read(decode(text.encode("utf-8"), file), file)


LISTING = (DATA / "arxiv-listing.txt").read_text(encoding="utf-8")


def test_listing_gives_new_cross_listed_and_replaced_papers() -> None:
    result = read(LISTING, "cs.txt")

    assert result.problems == []
    voxels, old_style, cross, replaced = result.items
    assert voxels.title == "Pruning Sparse Voxel Grids Online for $\\mathcal{O}(n)$ Rendering on Commodity GPUs"
    assert voxels.authors == ["Marta Ólafsdóttir", "Jean-Luc Moreau", "Kenji Watanabe", "Anders Åberg"]
    assert voxels.abstract.startswith("Sparse voxel grids store radiance only where surfaces are. We show how to prune")
    assert (voxels.comment, voxels.categories) == ("Accepted by CVPR 2024. 14 pages", ("cs.CV", "cs.GR"))
    assert (voxels.doi, voxels.journal_ref) == ("10.1234/cvpr.2024.01234", "Proceedings of CVPR 2024")
    assert (voxels.arxiv, voxels.url) == ("2405.01234", "https://arxiv.org/abs/2405.01234")
    assert (voxels.topic, voxels.date, voxels.line) == ("Computer Vision and Pattern Recognition", "2024-05-07", 14)
    assert (old_style.arxiv, old_style.url) == ("hep-th/9901070", "https://arxiv.org/abs/hep-th/9901070")
    assert (cross.arxiv, cross.categories, cross.partial) == ("2404.09999", ("cs.LG", "cs.CV"), False)
    assert (replaced.arxiv, replaced.abstract, replaced.comment, replaced.partial) == (
        "2403.05555",
        "",
        "Camera ready",
        True,
    )


def test_listing_saved_as_an_eml_file_is_decoded() -> None:
    quoted = (
        LISTING.replace("Marta \\'Olafsd\\'ottir", "Marta =C3=93lafsd=C3=B3ttir")
        .replace("=", "=3D")
        .replace("=3DC3=3D93", "=C3=93")
        .replace("=3DC3=3DB3", "=C3=B3")
    )
    message = (
        "From: no-reply@arxiv.org\nSubject: cs daily Subj-class mailing 1 2\nDate: Wed, 08 May 2024 00:14:02 -0400\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
        + quoted
    )

    result = read(message, "mail.eml")

    assert result.problems == []
    assert [i.arxiv for i in result.items] == ["2405.01234", "hep-th/9901070", "2404.09999", "2403.05555"]
    assert result.items[0].authors[0] == "Marta Ólafsdóttir"
    assert result.items[0].topic == "Computer Vision and Pattern Recognition"


def test_listing_entry_without_a_title_is_a_problem_at_its_line() -> None:
    text = LISTING.replace("Title: An Old-Style Identifier\n", "")

    result = read(text, "cs.txt")

    assert [(p.line, p.message) for p in result.problems] == [(33, "arXiv:hep-th/9901070 has no title; entry skipped")]
    assert len(result.items) == 3


TABLE = """## Updated on 2024.05.10
> Usage instructions: generated every day.

## Neural Rendering

|Publish Date|Title|Authors|PDF|Code|
|---|---|---|---|---|
|**2024-05-09**|**Pruning Sparse Voxel Grids Online**|Marta Ólafsdóttir et.al.|[2405.01234v2](http://arxiv.org/abs/2405.01234v2)|**[link](https://example.org/code)**|
|**2024-05-08**|**Pipes \\| in a Title**|Ann Lee et.al.|[2405.00002v1](http://arxiv.org/abs/2405.00002v1)|null|

### Talking Heads
|Publish Date|Title|Authors|PDF|Code|
| :---: | :---: | :---: | :---: | :---: |
|**2024-05-07**|**Tiny Talking Heads**|Ana Souza et.al.|[2405.04321v1](http://arxiv.org/abs/2405.04321v1)|null|
|**not a date**|**Broken Row**|Nobody et.al.|[2405.00003v1](http://arxiv.org/abs/2405.00003v1)|null|
"""


def test_paper_table_rows_are_partial_listings_under_their_heading() -> None:
    result = read(TABLE, "README.md")

    assert [(i.title, i.authors, i.topic, i.date, i.arxiv, i.partial) for i in result.items] == [
        (
            "Pruning Sparse Voxel Grids Online",
            ["Marta Ólafsdóttir", "et al."],
            "Neural Rendering",
            "2024-05-09",
            "2405.01234",
            True,
        ),
        ("Pipes | in a Title", ["Ann Lee", "et al."], "Neural Rendering", "2024-05-08", "2405.00002", True),
        ("Tiny Talking Heads", ["Ana Souza", "et al."], "Talking Heads", "2024-05-07", "2405.04321", True),
    ]
    assert [(p.line, p.message) for p in result.problems] == [
        (15, "a table row has no valid date ('not a date'); skipped")
    ]


def jsonl(*records: object) -> str:
    return "\n".join(json.dumps(r, ensure_ascii=False) if not isinstance(r, str) else r for r in records) + "\n"


PAPER = {
    "id": "2405.01234",
    "categories": ["cs.CV", "cs.GR"],
    "pdf": "https://arxiv.org/pdf/2405.01234",
    "abs": "https://arxiv.org/abs/2405.01234",
    "authors": ["Marta Ólafsdóttir", "Jean-Luc  Moreau"],
    "title": "Pruning Sparse Voxel Grids\n  Online",
    "comment": None,
    "summary": "Sparse voxel grids store radiance\nonly where surfaces are.",
    "AI": {"tldr": "not kept"},
}


def test_paper_jsonl_lines_take_their_day_from_the_file_name() -> None:
    result = read(
        jsonl(PAPER, {**PAPER, "id": "2405.00002", "summary": None}), "data/2024-05-06_AI_enhanced_English.jsonl"
    )

    assert result.problems == []
    first, second = result.items
    assert (first.title, first.authors, first.abstract, first.comment) == (
        "Pruning Sparse Voxel Grids Online",
        ["Marta Ólafsdóttir", "Jean-Luc Moreau"],
        "Sparse voxel grids store radiance only where surfaces are.",
        None,
    )
    assert (first.topic, first.date, first.categories, first.arxiv, first.partial) == (
        "cs.CV",
        "2024-05-06",
        ("cs.CV", "cs.GR"),
        "2405.01234",
        False,
    )
    assert second.partial


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param('{"id": "2405.1", "title": broken', "not a JSON object", id="bad_json"),
        pytest.param(json.dumps({**PAPER, "title": ""}), "no title; skipped", id="no_title"),
        pytest.param(
            json.dumps({**PAPER, "authors": "Ann Lee"}),
            "'authors' is not a list of names; skipped",
            id="authors_not_a_list",
        ),
        pytest.param(
            json.dumps({**PAPER, "categories": "cs.CV"}),
            "'categories' is not a list; skipped",
            id="categories_not_a_list",
        ),
        pytest.param("[1, 2]", "not a JSON object; skipped", id="array"),
    ],
)
def test_paper_jsonl_bad_lines_are_problems_and_the_rest_is_read(line: str, message: str) -> None:
    result = read(jsonl(PAPER, line, {**PAPER, "id": "2405.00009"}), "2024-05-06.jsonl")

    assert [i.arxiv for i in result.items] == ["2405.01234", "2405.00009"]
    [problem] = result.problems
    assert problem.line == 2 and message in problem.message


@pytest.mark.parametrize(
    ("text", "file", "format_name"),
    [
        pytest.param(LISTING, "cs.txt", "arxiv-listing", id="listing"),
        pytest.param(TABLE, "README.md", "paper-table", id="table"),
        pytest.param(jsonl(PAPER), "x.jsonl", "paper-jsonl", id="jsonl"),
    ],
)
def test_arxiv_lists_are_recognised_by_content(text: str, file: str, format_name: str) -> None:
    assert readers._recognise(decode(text.encode("utf-8"), file), file).name == format_name


def test_a_partial_listing_fills_and_never_replaces(cli, tmp_path: Path) -> None:
    listing = tmp_path / "cs.txt"
    listing.write_text(LISTING, encoding="utf-8")
    table = tmp_path / "README.md"
    table.write_text(
        TABLE.replace(
            "|**not a date**|**Broken Row**|Nobody et.al.|[2405.00003v1](http://arxiv.org/abs/2405.00003v1)|null|\n", ""
        ),
        encoding="utf-8",
    )

    cli("import", str(table))  # the table first: first author only, no abstract
    cli("import", str(listing))  # an older, fuller listing
    cli("import", str(table))
    entries = {e["arxiv"]: e for e in cli.json("list")}

    voxels = entries["2405.01234"]
    assert voxels["authors"] == ["Marta Ólafsdóttir", "Jean-Luc Moreau", "Kenji Watanabe", "Anders Åberg"]
    assert voxels["abstract"].startswith("Sparse voxel grids")
    assert voxels["comment"] == "Accepted by CVPR 2024. 14 pages"
    assert sorted(s["date"] for s in voxels["sightings"]) == ["2024-05-07", "2024-05-09"]
    assert entries["2405.04321"]["authors"] == ["Ana Souza", "et al."]


def test_categories_are_stored_and_searchable(cli, tmp_path: Path) -> None:
    listing = tmp_path / "cs.txt"
    listing.write_text(LISTING, encoding="utf-8")
    cli("import", str(listing))

    [entry] = cli.json("search", "cat:cs.GR")
    assert entry["arxiv"] == "2405.01234" and entry["categories"] == ["cs.CV", "cs.GR"]
    assert {e["arxiv"] for e in cli.json("search", "cat:hep-th")} == {"hep-th/9901070"}
