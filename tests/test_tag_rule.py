"""One rule for when two tags are the same tag (`textnorm.tag_key`), in every command that compares tags."""

from __future__ import annotations

import pytest

from readlist.textnorm import tag_key


@pytest.mark.parametrize(
    "a, b",
    [
        pytest.param("Café", "cafe", id="accent"),
        pytest.param("CAFÉ", "café", id="case"),
        pytest.param("Deep  Learning", "deep-learning", id="spaces"),
        pytest.param("über cool", "uber-cool", id="umlaut_and_space"),
    ],
)
def test_tag_key_equates_spellings(a: str, b: str) -> None:
    assert tag_key(a) == tag_key(b)


def test_tag_key_keeps_different_tags_apart() -> None:
    assert tag_key("cafe") != tag_key("cafes")


def test_one_tag_rule_in_every_command(cli) -> None:
    first = cli("add", "--title", "Espresso Models", "--author", "Ann Lee", "--year", "2024").stdout.strip()
    second = cli("add", "--title", "Filter Coffee", "--author", "Bo Chen", "--year", "2023").stdout.strip()
    cli("tag", first, "-t", "Café")
    cli("note", first, "strong")  # something for `log`

    # tag: the same tag spelled otherwise is not added twice
    assert cli.json("tag", first, "-t", "cafe")[0]["tags"] == ["café"]
    # list --tag, export --tag, search tag:, log --tag all find it under any spelling
    for spelling in ("cafe", "CAFÉ", "Café"):
        assert cli("list", "--tag", spelling, "--keys").stdout.split() == [first]
        assert [e["key"] for e in cli.json("search", f"tag:{spelling}")] == [first]
        exported = cli("export", "--tag", spelling, "--format", "json").stdout
        assert first in exported and second not in exported
        assert {line["key"] for line in cli.json("log", "--tag", spelling)} == {first}
    # tags: one row per tag, whichever spelling each entry has
    cli("tag", second, "-t", "cafe")
    assert cli.json("tag", second, "-t", "Café")[0]["tags"] == ["cafe"]
    assert cli.json("tags") == [{"tag": "cafe", "count": 2}]
    # untag removes it under any spelling
    cli("untag", first, second, "-t", "CAFE")
    assert cli.json("show", first)["tags"] == [] and cli.json("show", second)["tags"] == []
    assert cli.json("tags") == []
