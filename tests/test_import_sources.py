"""`readlist import` of the blog's real forms: arXiv ids, merging across forms, directories, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ABSTRACT = "We prune sparse voxel grids online and render them in linear time on a laptop GPU."


def post(topic: str, day: str, papers: list[tuple[str, str, str]]) -> str:
    """The blog's Markdown source: (title, authors, arXiv link) papers, with the blog's extras."""
    body = [f"---\ntitle: {topic}\ndate: {day} 20:00:00\n---\n\n>⚠️ 仅供参考\n\n# {day} 更新\n\n"]
    for title, authors, link in papers:
        body.append(
            f"## {title}\n\n**Authors:{authors}**\n\n{ABSTRACT}\n\n[PDF]({link}) 9 pages\n\n"
            "**Summary**\n总结。\n\n<ol>\n<li>Title: Some Other Paper</li>\n<li>Authors: Nobody</li>\n</ol>\n\n"
        )
    return "".join(body)


def copied(topic: str, day: str, papers: list[tuple[str, str]]) -> str:
    """The same post copied from the browser: no links, disclaimers, summaries, the footer."""
    body = [f"{topic}\n\n发表于{day}|Paper\n\n⚠️ 仅供参考\n\n{day} 更新\n\n"]
    for title, authors in papers:
        body.append(
            f"{title}\n\nAuthors:{authors}\n\n{ABSTRACT}\n\nPDF 9 pages\n\nSummary\n总结。\n\nTitle: Some Other Paper\n\nAuthors: Nobody\n\n"
        )
    body.append("\n文章作者: someone\n文章链接: https://example.org/post/\n")
    return "".join(body)


VOXELS = ("Pruning Sparse Voxel Grids Online", "Marta Ólafsdóttir, Jean-Luc Moreau, and Kenji Watanabe")
VOXELS_LINK = "http://arxiv.org/abs/2405.01234v2"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("markdown_first", [True, False], ids=["markdown_first", "copied_text_first"])
def test_a_post_and_its_copied_text_are_one_listing_with_the_arxiv_id(
    cli, tmp_path: Path, markdown_first: bool
) -> None:
    markdown = write(tmp_path, "Neural Fields.md", post("Neural Fields", "2024-05-06", [(*VOXELS, VOXELS_LINK)]))
    text = write(tmp_path, "copied.txt", copied("Neural Fields", "2024-05-06", [VOXELS]))
    for path in (markdown, text) if markdown_first else (text, markdown):
        cli("import", str(path))

    [entry] = cli.json("list")

    assert entry["arxiv"] == "2405.01234"
    assert entry["url"] == "https://arxiv.org/abs/2405.01234"
    assert entry["authors"] == ["Marta Ólafsdóttir", "Jean-Luc Moreau", "Kenji Watanabe"]
    assert [(s["topic"], s["date"]) for s in entry["sightings"]] == [("Neural Fields", "2024-05-06")]


def test_the_same_arxiv_id_is_one_paper_whatever_its_title_did(cli, tmp_path: Path) -> None:
    v1 = write(tmp_path, "a.md", post("NeRF", "2024-05-06", [("Voxel Pruning", "Marta Ólafsdóttir", VOXELS_LINK)]))
    v2 = write(
        tmp_path,
        "b.md",
        post(
            "3DGS",
            "2024-06-01",
            [(VOXELS[0], "Kenji Watanabe, Marta Ólafsdóttir", "https://arxiv.org/pdf/2405.01234v3")],
        ),
    )
    later_copy = write(tmp_path, "c.txt", copied("3DGS", "2024-06-09", [(VOXELS[0], "Kenji Watanabe")]))

    report = json.loads(cli("import", str(v2), str(v1), str(later_copy), "--json").stdout)
    [entry] = cli.json("list")

    assert len(report["new"]) == 1 and report["problems"] == []
    assert entry["title"] == VOXELS[0]
    assert entry["arxiv"] == "2405.01234"
    assert sorted((s["topic"], s["date"]) for s in entry["sightings"]) == [
        ("3DGS", "2024-06-01"),
        ("3DGS", "2024-06-09"),
        ("NeRF", "2024-05-06"),
    ]


def test_a_paper_listed_under_two_topics_on_one_day_keeps_both_sightings(cli, tmp_path: Path) -> None:
    for topic in ("NeRF", "3DGS"):
        write(tmp_path, f"{topic}.txt", copied(topic, "2024-05-06", [VOXELS]))

    cli("import", str(tmp_path))
    [entry] = cli.json("list")

    assert sorted(s["topic"] for s in entry["sightings"]) == ["3DGS", "NeRF"]


def test_a_directory_of_every_form_imports_without_problems(cli, tmp_path: Path) -> None:
    write(tmp_path, "NeRF.md", post("NeRF", "2024-05-06", [(*VOXELS, VOXELS_LINK)]))
    page = (
        "<!DOCTYPE html><html><head><title>3DGS | Blog</title></head><body><article>"
        "<h1>2024-05-07 更新</h1><h2>Tiny Talking Heads</h2><p><strong>Authors:Ana Souza and Bo Chen</strong></p>"
        f"<p>{ABSTRACT}</p><p><a href='http://arxiv.org/abs/2405.04321v1'>PDF</a></p></article></body></html>"
    )
    write(tmp_path, "index.html", page)
    write(tmp_path, "copied.txt", copied("GAN", "2024-05-08", [("A Third Paper", "Ann Lee")]))
    write(
        tmp_path,
        "refs.bib",
        "@article{lee2020old,\n  title = {An Old Paper},\n  author = {Lee, Ann},\n  year = {2020},\n}\n",
    )

    result = cli("import", str(tmp_path), "--json")
    report = json.loads(result.stdout)

    assert result.exit_code == 0
    assert len(report["files"]) == 4 and report["problems"] == []
    entries = {e["title"]: e for e in cli.json("list")}
    assert entries["Tiny Talking Heads"]["arxiv"] == "2405.04321"
    assert entries["Tiny Talking Heads"]["topics"] == ["3DGS"]
    assert entries["A Third Paper"]["arxiv"] is None
    assert set(entries) == {VOXELS[0], "Tiny Talking Heads", "A Third Paper", "An Old Paper"}


def test_a_post_with_no_papers_imports_nothing_and_succeeds(cli, tmp_path: Path) -> None:
    path = write(
        tmp_path, "quiet.md", "---\ntitle: NeRF\ndate: 2024-05-06 20:00:00\n---\n\n>⚠️ 仅供参考\n\n# 2024-05-06 更新\n"
    )

    result = cli("import", str(path))

    assert "0 new" in result.stderr and result.exit_code == 0


def test_an_unrecognised_file_is_one_line_naming_the_formats_and_the_rest_still_imports(cli, tmp_path: Path) -> None:
    notes = write(tmp_path, "notes.md", "Some notes of mine.\n\nNothing else.\n")
    good = write(tmp_path, "NeRF.md", post("NeRF", "2024-05-06", [(*VOXELS, VOXELS_LINK)]))

    result = cli("import", str(notes), str(good), ok=False)

    assert result.exit_code == 1
    [problem] = [line for line in result.stderr.splitlines() if line.strip().startswith(str(notes))]
    assert "not a format readlist reads" in problem and "blog-markdown" in problem and "saved-page" in problem
    assert len(cli.json("list")) == 1


def test_format_option_forces_a_reader_and_rejects_unknown_names(cli, tmp_path: Path) -> None:
    text = post("NeRF", "2024-05-06", [(*VOXELS, VOXELS_LINK)])

    forced = cli("import", "--format", "blog-text", "-", input=text, ok=False)
    unknown = cli("import", "--format", "docx", "-", input=text, ok=False)
    sniffed = cli("import", "-", input=text)

    assert forced.exit_code == 1 and "no digest header" in forced.stderr
    assert unknown.exit_code == 3 and "unknown format 'docx'" in unknown.stderr
    assert "1 new" in sniffed.stderr


def test_export_of_an_imported_preprint_cites_it_on_arxiv(cli, tmp_path: Path) -> None:
    cli("import", str(write(tmp_path, "NeRF.md", post("NeRF", "2024-05-06", [(*VOXELS, VOXELS_LINK)]))))

    bib = cli("export").stdout

    assert "eprint        = {2405.01234}," in bib
    assert "archivePrefix = {arXiv}," in bib
    assert "howpublished  = {arXiv preprint arXiv:2405.01234}," in bib
    assert "author        = {{\\'O}lafsd{\\'o}ttir, Marta and Moreau, Jean-Luc and Watanabe, Kenji}," in bib


def test_binary_stdin_is_refused_early(cli) -> None:
    result = cli("import", "-", input="\x00" * 10_000, ok=False)

    assert result.exit_code == 1
    assert "<stdin>: looks like a binary file" in result.stderr


def test_max_size_refuses_a_larger_file_or_stdin_and_imports_the_rest(cli, tmp_path: Path) -> None:
    big = write(tmp_path, "big.md", post("NeRF", "2024-05-06", [(*VOXELS, VOXELS_LINK)]) + "x" * 20_000)
    small = write(tmp_path, "small.txt", copied("GAN", "2024-05-08", [("A Third Paper", "Ann Lee")]))

    result = cli("import", "--max-size", "0.01", str(big), str(small), ok=False)
    piped = cli("import", "--max-size", "0.01", "-", input=big.read_text(encoding="utf-8"), ok=False)

    assert result.exit_code == 1 and f"{big}: larger than 0.01 MB (--max-size)" in result.stderr
    assert piped.exit_code == 1 and "<stdin>: larger than 0.01 MB" in piped.stderr
    assert [e["title"] for e in cli.json("list")] == ["A Third Paper"]


def test_a_named_pipe_is_read_like_a_file(cli, tmp_path: Path) -> None:
    import os
    import threading

    fifo = tmp_path / "digest.fifo"
    os.mkfifo(fifo)
    text = copied("GAN", "2024-05-08", [("A Third Paper", "Ann Lee")])
    writer = threading.Thread(target=lambda: fifo.write_text(text, encoding="utf-8"))
    writer.start()

    result = cli("import", "--format", "blog-text", str(fifo))
    writer.join(timeout=10)

    assert "1 new" in result.stderr


def test_list_new_shows_what_the_last_import_added_and_the_summary_names_them(cli, tmp_path: Path) -> None:
    first = write(tmp_path, "a.txt", copied("GAN", "2024-05-08", [("A Third Paper", "Ann Lee")]))
    second = write(tmp_path, "b.md", post("NeRF", "2024-05-09", [(*VOXELS, VOXELS_LINK)]))
    cli("import", str(first))

    result = cli("import", str(first), str(second))
    again = cli("import", str(first))  # adds nothing: --new still shows the last import that did

    assert "New: olafsdottir2024pruning (`readlist list --new` lists them)." in result.stderr
    assert [e["key"] for e in cli.json("list", "--new")] == ["olafsdottir2024pruning"]
    assert "New:" not in again.stderr
    assert cli("list", "--new", "--keys").stdout == "olafsdottir2024pruning\n"
    assert len(cli.json("list")) == 2
