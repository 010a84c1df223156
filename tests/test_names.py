"""Digest author strings -> BibTeX names (BIBTEX.md §4, E9-E12) and back."""

from __future__ import annotations

import pytest

from readlist.bib.latex import escape_text
from readlist.models import BIBLATEX, BIBTEX
from readlist.names import PersonName, bibtex_authors, digest_form, parse_authors, parse_name, split_author_line


def _bibtex(text: str) -> str:
    return escape_text(text, BIBTEX)


@pytest.mark.parametrize(
    ("digest", "expected"),
    [
        pytest.param(
            "Longhui Wei, Lingxi Xie, Jeroen van der Laak, Clément Grisi, S. Kevin Zhou",
            r"Wei, Longhui and Xie, Lingxi and van der Laak, Jeroen and Grisi, Cl{\'e}ment and Zhou, S. Kevin",
            id="E9",
        ),
        pytest.param(
            "Martin Luther King Jr., Luc Van Gool, Le Song, Jan De Fauw",
            "King, Jr., Martin Luther and Van Gool, Luc and Song, Le and De Fauw, Jan",
            id="E10",
        ),
        pytest.param("S.K. Zhou, Kaiming He et al.", "Zhou, S. K. and He, Kaiming and others", id="E11"),
        pytest.param(
            "The ATLAS Collaboration, Ludwig van Beethoven",
            "{The ATLAS Collaboration} and van Beethoven, Ludwig",
            id="E12_corporate",
        ),
        pytest.param("Jiří Matas, Jr.", r"Matas, Jr., Ji{\v{r}}{\'i}", id="E12_jr_piece"),
        pytest.param("Clément Grisi", r"Grisi, Cl{\'e}ment", id="E1"),
        pytest.param("Łukasz Kaiser", r"Kaiser, {\L}ukasz", id="E2"),
        pytest.param("Ann Smith and Bob Jones & Cy Lee", "Smith, Ann and Jones, Bob and Lee, Cy", id="and_amp"),
        pytest.param("Kaiming He, et al.", "He, Kaiming and others", id="et_al_piece"),
        pytest.param("Kaiming He, others", "He, Kaiming and others", id="others_piece"),
        pytest.param("Laurens Van der Maaten", "Van der Maaten, Laurens", id="mixed_particles"),
        pytest.param("danah boyd", "boyd, danah", id="all_lower_case_keeps_first"),
        pytest.param("Plato", "Plato", id="single_name"),
        pytest.param("Acme, Inc.", "{Acme, Inc.}", id="company_with_comma"),
        pytest.param("Ana María {García Márquez}", r"Garc{\'i}a M{\'a}rquez, Ana Mar{\'i}a", id="braced_family"),
        pytest.param("{Google Research}", "{Google Research}", id="braced_corporate"),
        pytest.param("Tom & Jerry Lab", "{Tom \\& Jerry Lab}", id="corporate_not_split_on_amp"),
        pytest.param("John Smith III", "Smith, III, John", id="roman_suffix"),
    ],
)
def test_bibtex_authors(digest: str, expected: str) -> None:
    assert bibtex_authors(digest, _bibtex) == expected


def test_biblatex_profile_keeps_letters() -> None:
    assert bibtex_authors(["Jiří Matas", "Łukasz Kaiser"], lambda s: escape_text(s, BIBLATEX)) == (
        "Matas, Jiří and Kaiser, Łukasz"
    )


def test_list_and_string_forms_agree() -> None:
    assert parse_authors(["Martin Luther King", "Jr.", "A B et al."]) == parse_authors(
        "Martin Luther King, Jr., A B et al."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Le Song", PersonName("Le", "", "Song"), id="two_tokens_no_particle"),
        pytest.param("Jan De Fauw", PersonName("Jan", "", "De Fauw"), id="capital_particle"),
        pytest.param("Jeroen van der Laak", PersonName("Jeroen", "van der", "Laak"), id="von"),
        pytest.param("S.K. Zhou", PersonName("S. K.", "", "Zhou"), id="glued_initials"),
        pytest.param("Ana María García Márquez", PersonName("Ana María García", "", "Márquez"), id="limitation"),
    ],
)
def test_parse_name(text: str, expected: PersonName) -> None:
    assert parse_name(text) == expected


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        pytest.param(("Martin Luther", "", "King", "Jr."), "Martin Luther King, Jr.", id="jr"),
        pytest.param(("Jeroen", "van der", "Laak", ""), "Jeroen van der Laak", id="von"),
        pytest.param(("Luc", "", "Van Gool", ""), "Luc Van Gool", id="capital_particle"),
        pytest.param(("Ana María", "", "García Márquez", ""), "Ana María {García Márquez}", id="two_word_family"),
        pytest.param(("", "", "Google Research", ""), "{Google Research}", id="corporate_braced"),
        pytest.param(("", "", "The ATLAS Collaboration", ""), "The ATLAS Collaboration", id="corporate_keyword"),
        pytest.param(("S. K.", "", "Zhou", ""), "S. K. Zhou", id="initials"),
    ],
)
def test_digest_form_reparses_to_the_same_parts(parts: tuple[str, str, str, str], expected: str) -> None:
    assert digest_form(*parts) == expected


def test_empty_name_has_no_parts() -> None:
    assert parse_name("   ") == PersonName()
    assert parse_authors(["", " , "]).names == ()


@pytest.mark.parametrize(
    ("line", "names"),
    [
        pytest.param("Lin Bian, Mei Gao, and Kai Jiang", ["Lin Bian", "Mei Gao", "Kai Jiang"], id="serial_comma_and"),
        pytest.param("Lin Bian, Mei Gao and Kai Jiang", ["Lin Bian", "Mei Gao", "Kai Jiang"], id="comma_then_and"),
        pytest.param("Lin Bian and Kai Jiang", ["Lin Bian", "Kai Jiang"], id="two_with_and"),
        pytest.param("Lin Bian & Kai Jiang", ["Lin Bian", "Kai Jiang"], id="ampersand"),
        pytest.param("Lin Bian, & Kai Jiang", ["Lin Bian", "Kai Jiang"], id="comma_ampersand"),
        pytest.param("王明，李华、Ann Lee", ["王明", "李华", "Ann Lee"], id="chinese_commas"),
        pytest.param("Lin Bian, Kai Jiang et al.", ["Lin Bian", "Kai Jiang", "et al."], id="et_al"),
        pytest.param("Lin Bian, Kai Jiang, et al", ["Lin Bian", "Kai Jiang", "et al."], id="et_al_piece"),
        pytest.param("Jean-Luc   Moreau,\n  Kenji\tWatanabe", ["Jean-Luc Moreau", "Kenji Watanabe"], id="wrapped_line"),
        pytest.param("Martin Luther King, Jr., Ann Lee", ["Martin Luther King, Jr.", "Ann Lee"], id="jr_after_comma"),
        pytest.param(
            "The ATLAS Collaboration and Ann Lee", ["The ATLAS Collaboration and Ann Lee"], id="corporate_kept"
        ),
        pytest.param("{Smith and Sons}, Ann Lee", ["{Smith and Sons}", "Ann Lee"], id="braced_kept"),
        pytest.param(
            "Alexander Anderson, Sandra Andrews", ["Alexander Anderson", "Sandra Andrews"], id="and_inside_words"
        ),
        pytest.param(" , Ann Lee,, ", ["Ann Lee"], id="empty_pieces"),
    ],
)
def test_split_author_line(line: str, names: list[str]) -> None:
    assert split_author_line(line) == names


def test_names_stored_with_a_leading_and_export_as_plain_names() -> None:
    """readlist 0.1 stored "A, B, and C" as ["A", "B", "and C"]: exports of such stores still compile."""
    assert bibtex_authors(["Lin Bian", "and Kai Jiang"], _bibtex) == "Bian, Lin and Jiang, Kai"
    assert bibtex_authors("Lin Bian, Mei Gao, and Kai Jiang", _bibtex) == "Bian, Lin and Gao, Mei and Jiang, Kai"
