"""The daily commands: add, tag, note, log, status, next, edit, rm, and their error paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readlist.errors import ExitCode

PAPERS = [
    ("Sparse Routers for Tiny Transformers", "Ana Souza, Bo Chen", "Routers route tokens.", None),
    ("Gaussian Splats in the Wild", "Jérôme Lefèvre, Ida Berg", "Splats everywhere.", "Accepted at CVPR 2024"),
    ("Learning to Queue", "Bo Chen", "Queues, queues.", "14 pages"),
]


@pytest.fixture
def three(cli, write_digest) -> list[str]:
    cli("import", str(write_digest("d.txt", "Efficient ML", "2024-02-01", PAPERS)))
    return sorted(cli("list", "--keys").stdout.split())


def test_add_prints_key_and_stores_fields(cli) -> None:
    result = cli(
        "add",
        "--title",
        "Attention Is All You Need",
        "--author",
        "Ashish Vaswani, Noam Shazeer",
        "--year",
        "2017",
        "--venue",
        "NeurIPS",
        "--arxiv",
        "1706.03762v7",
        "--tag",
        "Classics",
    )
    assert result.stdout.strip() == "vaswani2017attention"
    entry = cli.json("show", "vaswani2017attention")
    assert entry["authors"] == ["Ashish Vaswani", "Noam Shazeer"]
    assert entry["arxiv"] == "1706.03762"
    assert entry["url"] == "https://arxiv.org/abs/1706.03762"
    assert entry["year"] == 2017 and entry["venue"] == "NeurIPS"
    assert entry["tags"] == ["classics"]


def test_add_repeatable_authors_without_year(cli) -> None:
    key = cli("add", "--title", "Arbitrary Boundaries", "-a", "Ann Lee", "-a", "Bo Chen").stdout.strip()
    assert key == "leearbitrary"  # no year known: the key has none
    assert cli.json("show", key)["authors"] == ["Ann Lee", "Bo Chen"]


def test_add_refuses_a_duplicate_unless_forced(cli, three) -> None:
    result = cli("add", "--title", "sparse routers for tiny transformers!", "--author", "Ana Souza", ok=False)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "already in the reading list as souza2024sparse" in result.stderr
    forced = cli(
        "add", "--title", "Sparse Routers for Tiny Transformers", "--author", "Ana Souza", "--year", "2024", "--force"
    )
    assert forced.stdout.strip() == "souza2024sparsea"


def test_add_refuses_same_arxiv_id(cli) -> None:
    cli("add", "--title", "One", "--arxiv", "2201.00814")
    result = cli("add", "--title", "Other title", "--arxiv", "arXiv:2201.00814v3", ok=False)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "already in the reading list" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        pytest.param(["--title", "   "], "title is empty", id="empty_title"),
        pytest.param(["--author", "X"], "title is required", id="no_title"),
        pytest.param(["--title", "T", "--arxiv", "not-an-id"], "not an arXiv id", id="bad_arxiv"),
        pytest.param(["--title", "T", "--year", "20"], "not a plausible year", id="bad_year"),
        pytest.param(["--title", "T", "--tag", " - "], "not usable", id="tag_normalises_to_nothing"),
        pytest.param(["--title", "T", "--priority", "9"], "priority must be 1", id="bad_priority"),
    ],
)
def test_add_errors(cli, args, message) -> None:
    result = cli("add", *args, ok=False)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_tag_untag_and_tags_counts(cli, three) -> None:
    cli("tag", *three[:2], "-t", "Deep Learning", "-t", "x")
    cli("tag", three[2], "-t", "x")
    assert cli.json("tags") == [{"tag": "x", "count": 3}, {"tag": "deep-learning", "count": 2}]
    cli("untag", three[0], "-t", "deep learning")
    assert cli.json("show", three[0])["tags"] == ["x"]
    assert cli("list", "--tag", "deep-learning", "--keys").stdout.split() == [three[1]]


def test_tag_keys_from_stdin(cli, three) -> None:
    keys = cli("list", "--keys", "--topic", "efficient").stdout
    cli("tag", "-", "-t", "batch", input=keys)
    assert all(e["tags"] == ["batch"] for e in cli.json("list"))


def test_unknown_key_suggests_a_close_one(cli, three) -> None:
    result = cli("show", "souza2024sparce", ok=False)
    assert result.exit_code == ExitCode.NOT_FOUND
    assert "no entry with key 'souza2024sparce'; did you mean souza2024sparse?" in result.stderr
    assert cli("tag", "nothing-like-it", "-t", "x", ok=False).exit_code == ExitCode.NOT_FOUND


def test_keys_are_case_insensitive(cli, three) -> None:
    assert cli.json("show", three[0].upper())["key"] == three[0]


def test_notes_are_dated_and_deleted_by_number(cli, three) -> None:
    key = three[0]
    cli("note", key, "first thought")
    cli("note", key, "second thought")
    notes = cli.json("show", key)["notes"]
    assert [n["text"] for n in notes] == ["first thought", "second thought"]
    assert notes[0]["at"][10] == "T" and notes[0]["at"][-6] in "+-"  # ISO 8601 with offset
    refused = cli("note", key, "--delete", "1", ok=False)  # stdin is not a terminal
    assert refused.exit_code == ExitCode.CANCELLED
    cli("note", key, "--delete", "1", "--yes")
    assert [n["text"] for n in cli.json("show", key)["notes"]] == ["second thought"]
    missing = cli("note", key, "--delete", "5", "--yes", ok=False)
    assert missing.exit_code == ExitCode.NOT_FOUND


def test_note_without_text_opens_the_editor(cli, three, tmp_path: Path, monkeypatch) -> None:
    editor = tmp_path / "fake-editor.sh"
    editor.write_text('#!/bin/sh\nprintf "written in the editor\\n" > "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    cli("note", three[0])
    assert cli.json("show", three[0])["notes"][0]["text"] == "written in the editor"


def test_note_dash_reads_the_note_from_stdin_keeping_its_markdown(cli, three) -> None:
    markdown = "## Why it matters\n\n- a point\n- another `code` point\n"

    cli("note", three[0], "-", input=markdown)

    assert cli.json("show", three[0])["notes"][0]["text"] == markdown.strip()


def test_empty_note_is_refused(cli, three) -> None:
    assert cli("note", three[0], "   ", ok=False).exit_code == ExitCode.INVALID_INPUT


def test_status_changes_are_logged_and_next_prefers_priority(cli, three) -> None:
    a, b, c = three
    cli("status", a, b, c, "queued")
    assert cli.json("next")["status"] == "queued"
    cli("status", c, "queued", "--priority", "1")
    assert cli.json("next")["key"] == c
    cli("status", c, "read")
    log = cli.json("show", c)["log"]
    assert [e["text"] for e in log if e["kind"] == "status"] == ["unread -> queued", "queued -> read"]
    assert cli("list", "--status", "read", "--keys").stdout.split() == [c]


def test_next_with_nothing_queued(cli, three) -> None:
    assert cli.json("next") is None
    assert "Nothing is queued" in cli("next").stderr


def test_bad_status_name(cli, three) -> None:
    result = cli("status", three[0], "finished", ok=False)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "must be a status" in result.stderr
    assert cli("list", "--status", "finished", ok=False).exit_code == ExitCode.INVALID_INPUT


def test_list_sort_by_priority(cli, three) -> None:
    cli("status", three[2], "--priority", "1")
    cli("status", three[0], "--priority", "3")
    assert cli("list", "--sort", "priority", "--keys").stdout.split() == [three[2], three[0], three[1]]


def test_edit_keeps_key_and_rejects_nothing(cli, three) -> None:
    cli("edit", three[0], "--title", "A Better Title", "--year", "2021")
    entry = cli.json("show", three[0])
    assert entry["key"] == three[0] and entry["title"] == "A Better Title" and entry["year"] == 2021
    assert cli("edit", three[0], ok=False).exit_code == ExitCode.INVALID_INPUT
    assert cli("edit", three[0], "--title", "", ok=False).exit_code == ExitCode.INVALID_INPUT


def test_rm_asks_and_prints_what_it_removed(cli, three) -> None:
    refused = cli("rm", three[0], ok=False)
    assert refused.exit_code == ExitCode.CANCELLED
    assert len(cli("list", "--keys").stdout.split()) == 3
    result = cli("rm", three[0], three[1], "--yes")
    assert f"Removed {three[0]}" in result.stderr and f"Removed {three[1]}" in result.stderr
    assert cli("list", "--keys").stdout.split() == [three[2]]


def test_log_groups_by_day_newest_first(cli, three) -> None:
    cli("note", three[0], "noted")
    cli("status", three[1], "reading")
    lines = cli.json("log")
    assert sorted((line["key"], line["kind"]) for line in lines) == sorted([(three[1], "status"), (three[0], "note")])
    assert lines[0]["at"] >= lines[1]["at"]
    markdown = cli("log", "--markdown").stdout
    assert markdown.startswith("## 20") and f"**{three[0]}** *" in markdown and "(note): noted\n" in markdown
    assert cli.json("log", "--key", three[0])[0]["text"] == "noted"
    assert cli.json("log", "--since", "2999-01-01") == []


def test_search_finds_accents_and_fields(cli, three) -> None:
    assert cli("search", "jerome", "--keys").stdout.split() == ["lefevre2024gaussian"]
    assert cli("search", "author:chen", "-queue", "--keys").stdout.split() == ["souza2024sparse"]
    hits = cli.json("search", "queues")
    assert [h["key"] for h in hits] == ["chen2024learning"]
    assert set(hits[0]) == set(cli.json("list")[0])  # same entry objects as `list`


def test_search_bad_query(cli, three) -> None:
    result = cli("search", "year:abc", ok=False)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert result.stderr.startswith("Error: bad year 'abc'")


def test_search_reads_one_argument_as_a_whole_query(cli, three) -> None:
    assert cli("search", "author:chen queue", "--keys").stdout.split() == ["chen2024learning"]
    assert cli("search", 'author:souza "tiny transformers"', "--keys").stdout.split() == ["souza2024sparse"]
    assert cli("search", "year:2023..2025 splats", "--keys").stdout.split() == ["lefevre2024gaussian"]


def test_note_without_text_editor_or_terminal_is_refused(cli, three) -> None:
    result = cli("note", three[0], ok=False)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "give the text as an argument" in result.stderr
    assert cli.json("show", three[0])["notes"] == []


def test_long_tables_are_cut_with_a_note_but_keys_and_json_are_complete(cli, monkeypatch) -> None:
    from readlist.output.emit import TABLE_ROWS

    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # a terminal: a table, cut at TABLE_ROWS
    papers = [(f"Paper Number {n} About Things", f"Ann Lee{n}", "Abstract.", None) for n in range(TABLE_ROWS + 5)]
    from conftest import digest_text

    cli("import", "-", input=digest_text("T", "2024-01-01", papers))
    table = cli("list")
    assert f"Showing {TABLE_ROWS} of {TABLE_ROWS + 5}" in table.stderr
    assert table.stdout.count("Paper Number") == TABLE_ROWS
    assert len(cli("list", "--keys").stdout.split()) == TABLE_ROWS + 5
    assert len(cli.json("search", "things")) == TABLE_ROWS + 5
    assert cli("list", "--limit", str(TABLE_ROWS + 5)).stdout.count("Paper Number") == TABLE_ROWS + 5


def test_db_option_expands_the_home_directory(cli, private_home: Path) -> None:
    cli("--db=~/lists/mine.json", "add", "--title", "Home Paper", "--author", "Ann Lee", "--year", "2024")
    assert (private_home / "lists" / "mine.json").exists()


def test_tag_filter_ignores_accents_and_dates_ignore_hand_added_papers(cli, three) -> None:
    cli("tag", three[0], "-t", "über cool")
    assert cli("list", "--tag", "uber-cool", "--keys").stdout.split() == [three[0]]
    cli("add", "--title", "Hand Added Classic", "--author", "Ann Lee", "--year", "1999")
    assert "leehand" not in cli("list", "--since", "2000-01-01", "--keys").stdout


def test_edit_to_the_same_value_changes_nothing(cli, three) -> None:
    before = cli.json("show", three[0])
    cli("edit", three[0], "--title", before["title"])
    assert cli.json("show", three[0])["log"] == before["log"]


def test_removed_papers_stay_removed_when_their_digest_is_imported_again(cli, write_digest) -> None:
    path = write_digest("d.txt", "Efficient ML", "2024-02-01", PAPERS)
    cli("import", str(path))
    result = cli("rm", "souza2024sparse", "--yes")
    assert "Imports will skip them" in result.stderr
    report = cli.json("import", str(path))
    assert report["skipped"] == 1 and report["new"] == []
    assert "souza2024sparse" not in cli("list", "--keys").stdout
    bib = cli("export", "chen2024learning").stdout
    cli("rm", "chen2024learning", "--yes")
    assert cli.json("import", "-", input=bib)["skipped"] == 1
    cli("add", "--title", PAPERS[0][0], "--author", "Ana Souza", "--year", "2024")
    again = cli.json("import", str(path))
    assert again["skipped"] == 1  # chen2024learning is still removed
    assert again["merged"] == [] and again["new"] == []  # the re-added paper came back whole
    assert cli.json("show", "souza2024sparse")["topics"] == ["Efficient ML"]


def test_search_limit_must_not_be_negative(cli, three) -> None:
    assert cli("search", "queues", "--limit", "-1", ok=False).exit_code == ExitCode.INVALID_INPUT


def test_editor_with_an_unbalanced_quote_is_a_clear_error(cli, three, monkeypatch) -> None:
    monkeypatch.setenv("EDITOR", 'vim -x "unclosed')
    result = cli("note", three[0], ok=False)
    assert result.exit_code == ExitCode.INVALID_INPUT and result.stderr.startswith("Error: cannot start the editor")


def test_keys_stay_short_for_very_long_words(cli) -> None:
    key = cli("add", "--title", "W" * 500, "--author", "Zed " + "Q" * 300, "--year", "2024").stdout.strip()
    assert len(key) <= 2 * 24 + 4


def test_show_renders_abstract_latex_readable_and_json_keeps_it(cli) -> None:
    abstract = r"We \emph{boost} accuracy by 5% in $\mathcal{O}(n)$ time, 10\% faster."
    key = cli("add", "--title", "T", "--author", "Ann Lee", "--abstract", abstract).stdout.strip()

    shown = " ".join(cli("show", key).stdout.split())

    assert "We boost accuracy by 5% in 𝒪(n) time, 10% faster." in shown
    assert cli.json("show", key)["abstract"] == abstract


def test_ctrl_c_is_cancelled_exit_6(cli, monkeypatch) -> None:
    from readlist.services import browse

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(browse, "list_entries", interrupted)

    result = cli("list", ok=False)

    assert result.exit_code == 6 and "Cancelled." in result.stderr


def test_stats_counts_by_status_topic_tag_and_month(cli, three) -> None:
    cli("status", three[0], "read")
    cli("tag", three[0], three[1], "-t", "to-cite")

    stats = cli.json("stats")
    shown = cli("stats", "--json")  # the same through emit
    table = cli("stats").stdout

    assert stats == json.loads(shown.stdout)
    assert stats["total"] == 3
    assert stats["status"] == [{"value": "unread", "count": 2}, {"value": "read", "count": 1}]
    assert stats["topic"] == [{"value": "Efficient ML", "count": 3}]
    assert stats["tag"] == [{"value": "to-cite", "count": 2}]
    assert stats["month"] == [{"value": "2024-02", "count": 3}]
    assert "Efficient ML" in table and "█" in table
