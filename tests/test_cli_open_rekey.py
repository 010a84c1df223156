"""`readlist open` (the paper in the browser) and `readlist rekey`."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.errors import ExitCode


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in browser (the BROWSER convention): it writes the URL it is given to a file."""
    opened = tmp_path / "opened.txt"
    script = tmp_path / "browser.sh"
    script.write_text(f'#!/bin/sh\necho "$1" >> "{opened}"\n')
    script.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(script))
    return opened


def add(cli, *args: str) -> str:
    return cli("add", "--title", "Tiny Talking Heads", "--author", "Ana Souza", *args).stdout.strip()


def test_open_shows_the_arxiv_page_or_pdf(cli, browser: Path) -> None:
    key = add(cli, "--arxiv", "2405.04321v2", "--force")

    opened = cli("open", key)
    cli("open", key, "--pdf")

    assert "Opened https://arxiv.org/abs/2405.04321" in opened.stderr
    assert browser.read_text().split() == ["https://arxiv.org/abs/2405.04321", "https://arxiv.org/pdf/2405.04321"]


def test_open_print_only_prints_the_link(cli, browser: Path) -> None:
    key = add(cli, "--url", "https://example.org/paper.html")

    assert cli("open", key, "--print").stdout == "https://example.org/paper.html\n"
    assert not browser.exists()


@pytest.mark.parametrize(
    ("extra", "args", "message"),
    [
        pytest.param([], [], "has no link (neither an arXiv id nor a URL)", id="no_link"),
        pytest.param(["--url", "https://example.org/p"], ["--pdf"], "has no arXiv id, so no PDF link", id="no_pdf"),
    ],
)
def test_open_without_a_link_says_how_to_give_one(
    cli, browser: Path, extra: list[str], args: list[str], message: str
) -> None:
    key = add(cli, *extra)

    result = cli("open", key, *args, ok=False)

    assert result.exit_code == ExitCode.NOT_FOUND and message in result.stderr


def test_rekey_renames_and_keeps_everything_else(cli) -> None:
    key = add(cli, "--tag", "to-read")
    cli("note", key, "a note")
    before = cli.json("show", key)

    result = cli("rekey", key, "tinyheads")
    after = cli.json("show", "tinyheads")

    assert result.stderr.strip() == f"{key} -> tinyheads"
    assert {k: v for k, v in after.items() if k not in ("key", "log")} == {
        k: v for k, v in before.items() if k not in ("key", "log")
    }
    assert after["log"][-1]["text"] == f"key {key} -> tinyheads"
    assert cli("show", key, ok=False).exit_code == ExitCode.NOT_FOUND
    assert "tinyheads" in cli("export").stdout
    assert cli.json("list")[0]["key"] == "tinyheads" and len(cli.json("list")) == 1


@pytest.mark.parametrize(
    ("new", "message"),
    [
        pytest.param("{OTHER}", "is already the key of {other}", id="clash_in_any_case"),
        pytest.param("bad key", "cannot be a BibTeX key", id="space"),
        pytest.param("a{b}", "cannot be a BibTeX key", id="braces"),
    ],
)
def test_rekey_refuses_clashes_and_unusable_keys(cli, new: str, message: str) -> None:
    key = add(cli)
    other = cli("add", "--title", "Other Paper", "--author", "Ann Other", "--year", "2020").stdout.strip()
    before = cli.json("list")
    new, message = new.replace("{OTHER}", other.upper()), message.replace("{other}", other)

    result = cli("rekey", key, new, ok=False)

    assert result.exit_code == ExitCode.INVALID_INPUT and message in result.stderr
    assert cli.json("list") == before


def test_rekey_may_change_only_the_case(cli) -> None:
    key = add(cli)
    cli("rekey", key, key.upper())
    assert [e["key"] for e in cli.json("list")] == [key.upper()]
