"""Citation keys (BIBTEX.md §3, E4-E8)."""

from __future__ import annotations

import pytest

from readlist.bib.keys import KeyAllocator, base_key, unique_key
from readlist.bib.venues import publication_year
from readlist.models import Entry, Sighting

MVP = "MVP: Multimodality-guided Visual Pre-training"
SA2VP = "SA$^2$VP: Spatially Aligned-and-Adapted Visual Prompt"


@pytest.mark.parametrize(
    ("authors", "year", "title", "expected"),
    [
        pytest.param(["Longhui Wei", "Lingxi Xie"], 2022, MVP, "wei2022mvp", id="E4"),
        pytest.param(["Wenjie Pei"], 2024, SA2VP, "pei2024sa2vp", id="E5_math_stripped"),
        pytest.param(
            ["Jeroen van der Laak"],
            2023,
            "On the Robustness of ViT",
            "vanderlaak2023robustness",
            id="E6_particles_kept_skip_words",
        ),
        pytest.param(["Ali Öztürk"], 2023, "A Survey of 3D Gaussians", "ozturk2023survey", id="E7_a"),
        pytest.param(["Hans Müller"], 2023, "The Role of Attention", "muller2023role", id="E7_b"),
        pytest.param(["王"], 2023, "北京 Dataset", "wang2023beijing", id="E7_cjk"),
        pytest.param(["Luc Van Gool"], 2021, "Deep X", "vangool2021deep", id="capitalised_particle"),
        pytest.param(
            ["The ATLAS Collaboration"],
            2012,
            "Observation of a New Particle",
            "atlas2012observation",
            id="corporate_first_real_word",
        ),
        pytest.param([], 2020, "Untitled Notes", "anon2020untitled", id="no_author"),
        pytest.param(["et al."], 2020, "X Y", "anon2020", id="only_et_al_and_short_words"),
        pytest.param(["A B"], None, "", "b", id="no_year_no_title"),
        pytest.param(["Jane Doe"], 2020, r"A \emph{Simple} Framework", "doe2020simple", id="latex_command_stripped"),
        pytest.param(["Jane Doe"], 2020, "Über-Resolution", "doe2020uber", id="title_transliterated"),
        pytest.param(["Martin Luther King Jr."], 1963, "I Have a Dream", "king1963have", id="suffix_not_family"),
        pytest.param(["Jean-Luc O'Brien"], 2020, "On it", "obrien2020it", id="punctuation_removed"),
    ],
)
def test_scholar_key(authors: list[str], year: int | None, title: str, expected: str) -> None:
    assert base_key(authors, year, title) == expected


@pytest.mark.parametrize(
    ("base", "taken", "expected"),
    [
        pytest.param("wei2022mvp", set(), "wei2022mvp", id="free"),
        pytest.param("wei2022mvp", {"wei2022mvp"}, "wei2022mvpa", id="E8_second_gets_a"),
        pytest.param("wei2022mvp", {"wei2022mvp", "wei2022mvpa"}, "wei2022mvpb", id="third_gets_b"),
        pytest.param("Wei2022", {"wei2022"}, "Wei2022a", id="case_insensitive"),
        pytest.param("k", {"k", *(f"k{c}" for c in "abcdefghijklmnopqrstuvwxyz")}, "kaa", id="after_z_comes_aa"),
        pytest.param("k", {"k", *(f"k{c}" for c in "abcdefghijklmnopqrstuvwxyz"), "kaa"}, "kab", id="then_ab"),
    ],
)
def test_unique_key(base: str, taken: set[str], expected: str) -> None:
    before = set(taken)
    assert unique_key(base, taken) == expected
    assert taken == before


def test_e8_new_paper_after_existing_key() -> None:
    taken = {base_key(["Longhui Wei"], 2022, MVP)}
    second = base_key(["Longhui Wei"], 2022, "MVP-2: More of It")
    assert (second, unique_key(second, taken)) == ("wei2022mvp", "wei2022mvpa")


def test_e22_key_uses_the_venue_year_not_the_digest_year() -> None:
    entry = Entry(
        key="",
        title=SA2VP,
        authors=["Wenjie Pei", "Tongqi Xia"],
        comment="Accepted by AAAI 2024",
        sightings=[Sighting("d.txt", "T", "2023-12-16", 1)],
    )
    assert base_key(entry.authors, publication_year(entry), entry.title) == "pei2024sa2vp"


def test_allocator_gives_the_same_keys_as_unique_key_and_resumes_per_base() -> None:
    allocator = KeyAllocator(["Wei2022MVP", "wei2022mvpb"])

    keys = [allocator.allocate("wei2022mvp") for _ in range(30)]

    assert keys[:3] == ["wei2022mvpa", "wei2022mvpc", "wei2022mvpd"]
    assert keys[-1] == "wei2022mvpae"
    assert len(set(keys)) == 30
    assert allocator.allocate("other2020x", preferred="mykey") == "mykey"
    assert allocator.allocate("other2020x", preferred="MYKEY") == "other2020x"


def test_thousands_of_papers_sharing_a_base_get_keys_quickly() -> None:
    """One base for 20,000 papers: each key resumes where the last ended (was quadratic)."""
    allocator = KeyAllocator([])
    keys = [allocator.allocate("lee2024title") for _ in range(20_000)]

    assert keys[0] == "lee2024title" and keys[1] == "lee2024titlea" and keys[27] == "lee2024titleaa"
    assert len(set(keys)) == 20_000
