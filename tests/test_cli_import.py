"""`readlist import`, end to end: merging, sightings, order independence, problems, keys."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from readlist.errors import ExitCode

ABSTRACT = "We study how masked tokens help a small model learn visual features quickly."

MVP_OLD = ("MVP: Multimodality-guided Visual Pre-training", "Longhui Wei, Lingxi Xie", ABSTRACT, "14 pages")
MVP_NEW = (
    "MVP: Multimodality-Guided Visual Pre-Training",  # same paper, other capitalisation
    "Longhui Wei, Lingxi Xie, Qi Tian",
    ABSTRACT + " Version two.",
    "Accepted by ECCV 2022",
)
OTHER = ("Sparse Routers for Tiny Transformers", "Ana Souza, Bo Chen", "Routers route.", None)


def test_import_creates_entries_with_keys_and_json_contract(cli, write_digest) -> None:
    path = write_digest("day1.txt", "Vision Transformer", "2022-03-11", [MVP_OLD, OTHER])
    result = cli("import", str(path))
    assert "2 new" in result.stderr
    entries = cli.json("list")
    by_key = {e["key"]: e for e in entries}
    assert set(by_key) == {"wei2022mvp", "souza2022sparse"}
    mvp = by_key["wei2022mvp"]
    assert mvp["authors"] == ["Longhui Wei", "Lingxi Xie"]
    assert mvp["comment"] == "14 pages"
    assert mvp["topics"] == ["Vision Transformer"]
    assert mvp["dates"] == ["2022-03-11"]
    assert mvp["status"] == "unread"
    assert mvp["tags"] == [] and mvp["notes"] == []
    assert by_key["souza2022sparse"]["comment"] is None


def test_same_paper_in_two_digests_is_one_entry_newest_fields_win(cli, write_digest) -> None:
    old = write_digest("a.txt", "Vision Transformer", "2022-03-11", [MVP_OLD])
    new = write_digest("b.txt", "Self-Supervised", "2022-07-01", [MVP_NEW])
    cli("import", str(new))
    result = cli("import", str(old))
    assert "1 merged" in result.stderr
    [entry] = cli.json("list")
    assert entry["key"] == "wei2022mvp"
    assert entry["comment"] == "Accepted by ECCV 2022"
    assert entry["authors"] == ["Longhui Wei", "Lingxi Xie", "Qi Tian"]
    assert entry["title"] == MVP_NEW[0]
    assert entry["dates"] == ["2022-03-11", "2022-07-01"]
    assert sorted(entry["topics"]) == ["Self-Supervised", "Vision Transformer"]
    assert {(s["file"], s["date"]) for s in entry["sightings"]} == {("a.txt", "2022-03-11"), ("b.txt", "2022-07-01")}


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))), ids=lambda o: "".join(map(str, o)))
def test_result_does_not_depend_on_import_order(cli, write_digest, tmp_path: Path, monkeypatch, order) -> None:
    files = [
        write_digest("x.txt", "T1", "2022-03-11", [MVP_OLD, OTHER]),
        write_digest("y.txt", "T2", "2022-07-01", [MVP_NEW]),
        write_digest("z.txt", "T3", "2022-05-02", [(*OTHER[:3], "Accepted at ICML 2022"), MVP_OLD]),
    ]
    monkeypatch.setenv("READLIST_DB", str(tmp_path / f"store-{''.join(map(str, order))}.json"))
    for i in order:
        cli("import", str(files[i]))
    entries = cli.json("list", "--sort", "key")
    comparable = [
        {
            k: (sorted(v, key=json.dumps) if k == "sightings" else v)
            for k, v in e.items()
            if k not in ("added", "topics")
        }
        for e in entries
    ]
    expected_path = tmp_path / "expected.json"
    if not expected_path.exists():
        # The first order's result is the reference for the other five (same tmp_path per test).
        expected_path.write_text(json.dumps(comparable))
    assert [e["comment"] for e in comparable] == ["Accepted at ICML 2022", "Accepted by ECCV 2022"]
    assert comparable == json.loads(expected_path.read_text())


def test_importing_the_same_file_twice_changes_nothing(cli, write_digest, db_path: Path) -> None:
    path = write_digest("a.txt", "T", "2022-03-11", [MVP_OLD, OTHER])
    cli("import", str(path))
    before = db_path.read_bytes()
    result = cli("import", str(path))
    assert "0 new, 0 merged, 2 already known" in result.stderr
    assert db_path.read_bytes() == before


def test_directory_import_is_recursive_and_reports_files(cli, write_digest, tmp_path: Path) -> None:
    first = write_digest("a.txt", "T", "2022-03-11", [MVP_OLD])
    nested = tmp_path / "digests" / "deeper"
    nested.mkdir()
    (nested / "b.md").write_text(
        (first.read_text())
        .replace("2022-03-11", "2022-04-01")
        .replace(MVP_OLD[0], OTHER[0])
        .replace(MVP_OLD[1], OTHER[1])
    )
    (nested / "ignored.pdf").write_bytes(b"%PDF-1.4\x00")
    report = cli.json("import", str(tmp_path / "digests"))
    assert len(report["files"]) == 2
    assert len(report["new"]) == 2
    assert report["problems"] == []


def test_stdin_import(cli, write_digest) -> None:
    text = write_digest("a.txt", "T", "2022-03-11", [OTHER]).read_text()
    report = cli.json("import", "-", input=text)
    assert report["new"] == ["souza2022sparse"]
    assert cli.json("show", "souza2022sparse")["sightings"][0]["file"] == "<stdin>"


def test_problems_are_listed_with_file_and_line_and_good_entries_still_import(
    cli, write_digest, tmp_path: Path
) -> None:
    good = write_digest("good.txt", "T", "2022-03-11", [MVP_OLD])
    broken = tmp_path / "digests" / "broken.txt"
    broken.write_text(
        "T\n\n2022-03-12 更新\n\nA Paper Without Authors\n\nJust an abstract line.\n\n\n"
        + "Sparse Routers for Tiny Transformers\n\nAuthors:Ana Souza\n\nRouters.\n",
        encoding="utf-8",
    )
    empty = tmp_path / "digests" / "empty.txt"
    empty.write_text("")
    result = cli("import", str(good), str(broken), str(empty), str(tmp_path / "missing.txt"), ok=False)
    assert result.exit_code == 1
    assert f"{broken}:5:" in result.stderr
    assert f"{empty}:" in result.stderr and "empty" in result.stderr
    assert "missing.txt: no such file" in result.stderr
    keys = cli("list", "--keys").stdout.split()
    assert sorted(keys) == ["souza2022sparse", "wei2022mvp"]


def test_binary_file_is_rejected_with_its_name(cli, tmp_path: Path) -> None:
    binary = tmp_path / "x.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    result = cli("import", str(binary), ok=False)
    assert result.exit_code == 1
    assert str(binary) in result.stderr and "binary" in result.stderr


def test_key_clashes_get_letters_case_insensitively(cli, write_digest) -> None:
    same = [
        ("Masked Autoencoders", "Kaiming He", "a", None),
        ("Masked Pretraining", "Kaiming He", "b", None),
        ("MASKED Tokens Again", "Kaiming He", "c", None),
    ]
    cli("import", str(write_digest("a.txt", "T", "2022-01-01", same)))
    assert sorted(cli("list", "--keys").stdout.split()) == ["he2022masked", "he2022maskeda", "he2022maskedb"]


def test_keys_are_stable_after_newer_sightings(cli, write_digest) -> None:
    cli("import", str(write_digest("a.txt", "T", "2022-03-11", [MVP_OLD])))
    cli("import", str(write_digest("b.txt", "T", "2023-01-05", [(*MVP_NEW[:3], "Accepted at CVPR 2023")])))
    assert cli("list", "--keys").stdout.split() == ["wei2022mvp"]


def test_import_tag_option_tags_everything_imported(cli, write_digest) -> None:
    path = write_digest("a.txt", "T", "2022-03-11", [MVP_OLD, OTHER])
    cli("import", str(path), "--tag", "To Read")
    assert {tuple(e["tags"]) for e in cli.json("list")} == {("to-read",)}


def test_hand_edits_survive_a_newer_import(cli, write_digest) -> None:
    cli("import", str(write_digest("a.txt", "T", "2022-03-11", [MVP_OLD])))
    cli("edit", "wei2022mvp", "--title", "MVP (my title)")
    cli("tag", "wei2022mvp", "-t", "mine")
    cli("status", "wei2022mvp", "reading")
    cli("note", "wei2022mvp", "keep me")
    cli("import", str(write_digest("b.txt", "T", "2022-07-01", [MVP_NEW])))
    entry = cli.json("show", "wei2022mvp")
    assert entry["title"] == "MVP (my title)"
    assert entry["comment"] == "Accepted by ECCV 2022"  # not set by hand: the newer digest wins
    assert entry["tags"] == ["mine"] and entry["status"] == "reading"
    assert [n["text"] for n in entry["notes"]] == ["keep me"]


def test_a_scholar_bib_never_turns_a_hand_set_venue_into_another_entry_type(cli, tmp_path: Path) -> None:
    key = cli("add", "--title", "Learning Sparse Routers", "--author", "Ana Souza", "--year", "2023").stdout.strip()
    cli("edit", key, "--venue", "ICLR")
    scholar = tmp_path / "scholar.bib"
    scholar.write_text(
        "@article{souza2023learning,\n  title={Learning Sparse Routers},\n  author={Souza, Ana and Chen, Bo},\n"
        "  journal={arXiv preprint arXiv:2301.00001},\n  year={2023}\n}\n",
        encoding="utf-8",
    )

    cli("import", str(scholar))

    exported = cli("export").stdout
    assert exported.startswith(f"@inproceedings{{{key},") and "(ICLR)},\n" in exported
    assert "journal" not in exported and cli.json("show", key)["venue"] == "ICLR"


def test_a_venue_set_by_hand_after_a_scholar_import_decides_the_entry_type(cli, tmp_path: Path) -> None:
    scholar = tmp_path / "scholar.bib"
    scholar.write_text(
        "@article{souza2023learning,\n  title={Learning Sparse Routers},\n  author={Souza, Ana},\n"
        "  journal={arXiv preprint arXiv:2301.00001},\n  year={2023}\n}\n",
        encoding="utf-8",
    )
    cli("import", str(scholar))
    cli("edit", "souza2023learning", "--venue", "ICLR")

    exported = cli("export").stdout

    assert exported.startswith("@inproceedings{souza2023learning,") and "(ICLR)},\n" in exported
    assert "journal" not in exported


def test_titles_are_stored_as_written(cli, write_digest) -> None:
    title = "SA$^2$VP: Spatially   Aligned-and-Adapted Visual Prompt"
    cli("import", str(write_digest("a.txt", "T", "2023-12-16", [(title, "Wenjie Pei", "x", "Accepted by AAAI 2024")])))
    [entry] = cli.json("list")
    assert entry["title"] == title
    assert entry["key"] == "pei2024sa2vp"


def test_first_author_written_with_et_al_still_matches() -> None:
    from readlist.textnorm import identity

    assert identity("A Paper", ["S.K. Zhou et al."]) == identity("A paper", ["Zhou, S. K."])


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(("Naïve Bayes Revisited", "Jörg Müller"), ("Naive Bayes Revisited", "Jorg Muller"), id="umlauts"),
        pytest.param(
            ("Über Ørsted Fields", "Søren Kjærgaard"), ("Uber Orsted Fields", "Soren Kjaergaard"), id="o_slash_ae"
        ),
        pytest.param(("Łódź Scenes", "Łukasz Kaiser"), ("Lodz Scenes", "Lukasz Kaiser"), id="l_stroke"),
    ],
)
def test_same_paper_spelled_with_and_without_accents_is_one_entry(cli, write_digest, first, second) -> None:
    cli("import", str(write_digest("a.txt", "T", "2022-03-11", [(*first, "x", None)])))
    cli("import", str(write_digest("b.txt", "T", "2022-04-11", [(*second, "y", None)])))
    [entry] = cli.json("list")
    assert entry["title"] == second[0] and len(entry["sightings"]) == 2


def test_the_same_digest_again_through_stdin_changes_nothing(cli, write_digest, db_path: Path) -> None:
    path = write_digest("a.txt", "T", "2022-03-11", [MVP_OLD, OTHER])
    cli("import", str(path))
    before = db_path.read_bytes()
    report = cli.json("import", "-", input=path.read_text())
    assert report["unchanged"] == 2 and report["merged"] == []
    assert db_path.read_bytes() == before


def test_hidden_files_in_a_directory_are_skipped(cli, write_digest, tmp_path: Path) -> None:
    write_digest("a.txt", "T", "2022-03-11", [MVP_OLD])
    hidden = tmp_path / "digests" / ".git"
    hidden.mkdir()
    (hidden / "notes.txt").write_text("not a digest at all\n")
    (tmp_path / "digests" / ".backup.txt").write_text("also not a digest\n")
    report = cli.json("import", str(tmp_path / "digests"))
    assert [Path(f).name for f in report["files"]] == ["a.txt"]
    assert report["problems"] == []


def test_an_empty_path_is_a_problem_not_the_current_directory(cli, write_digest, monkeypatch, tmp_path: Path) -> None:
    write_digest("a.txt", "T", "2022-03-11", [MVP_OLD])
    monkeypatch.chdir(tmp_path / "digests")
    result = cli("import", "", ok=False)
    assert result.exit_code == 1 and "empty path" in result.stderr
    assert cli("list", "--keys", ok=False).exit_code == ExitCode.NOT_FOUND  # nothing imported: no store made


def test_a_paper_listed_by_two_files_of_one_import_is_counted_as_repeated(cli, write_digest) -> None:
    first = write_digest("a.txt", "T", "2022-03-11", [MVP_OLD, OTHER])
    second = write_digest("b.txt", "T", "2022-03-12", [MVP_OLD])
    report = cli.json("import", str(first), str(second))
    assert (len(report["new"]), report["repeated"], report["unchanged"]) == (2, 1, 0)


def test_the_summary_says_how_many_listings_repeated_a_new_paper(cli, write_digest) -> None:
    first = write_digest("a.txt", "T", "2022-03-11", [MVP_OLD])
    second = write_digest("b.txt", "T", "2022-03-12", [MVP_OLD])
    summary = cli("import", str(first), str(second)).stderr
    assert "1 new, 0 merged, 0 already known, 1 listed again in this import, 0 problem(s)." in summary
