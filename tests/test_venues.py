"""Venue detection on arXiv comments lines (BIBTEX.md §6, E21-E29) and the year to cite."""

from __future__ import annotations

import pytest

from readlist.bib.venues import Venue, detect_venue, entry_venue, publication_year, venue_from_name
from readlist.models import Entry, Sighting

CVPR = "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)"
ECCV = "Proceedings of the European Conference on Computer Vision (ECCV)"
AAAI = "Proceedings of the AAAI Conference on Artificial Intelligence"
NEURIPS = "Advances in Neural Information Processing Systems (NeurIPS)"
TPAMI = "IEEE Transactions on Pattern Analysis and Machine Intelligence"
TIP = "IEEE Transactions on Image Processing"


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        pytest.param(
            "CVPR 2022. TL;DR: beats ECCV 2022 baselines",
            Venue("inproceedings", CVPR, "CVPR", 2022),
            id="E21_venue_first_tldr_cut",
        ),
        pytest.param("Accepted by AAAI 2024", Venue("inproceedings", AAAI, "AAAI", 2024), id="E22_accepted_by"),
        pytest.param(
            "Accepted at Medical Imaging meets NeurIPS 2023 workshop",
            Venue("inproceedings", "Medical Imaging meets NeurIPS 2023 Workshop", "NeurIPSW", 2023),
            id="E23_named_workshop",
        ),
        pytest.param(
            "NeurIPS 2023 (Spotlight). Code: https://github.com/x/y_z",
            Venue("inproceedings", NEURIPS, "NeurIPS", 2023),
            id="E27_spotlight_with_code_url",
        ),
        pytest.param("ECCV'22 oral", Venue("inproceedings", ECCV, "ECCV", 2022), id="E27_two_digit_year"),
        pytest.param(
            "Accepted at CVPRW 2023",
            Venue("inproceedings", f"{CVPR} Workshops", "CVPRW", 2023),
            id="E28_w_suffix",
        ),
        pytest.param(
            "Accepted at CVPR'18 Workshop on Computational Cameras",
            Venue("inproceedings", f"{CVPR} Workshops", "CVPRW", 2018),
            id="E28_cvf_workshop_named",
        ),
        pytest.param("Accepted to TPAMI", Venue("article", TPAMI, "TPAMI", None), id="E29_tpami"),
        pytest.param("Accepted by IEEE TIP", Venue("article", TIP, "TIP", None), id="E29_ieee_tip"),
        pytest.param("Accepted to T-PAMI 2021", Venue("article", TPAMI, "TPAMI", 2021), id="hyphenated_journal"),
        pytest.param("CVPR2023", Venue("inproceedings", CVPR, "CVPR", 2023), id="year_glued_to_venue"),
        pytest.param(
            "cvpr 2023 camera ready. CVPR 2023 camera ready",
            Venue("inproceedings", CVPR, "CVPR", 2023),
            id="venue_tokens_are_case_sensitive",
        ),
        pytest.param(
            "NIPS 2017",
            Venue("inproceedings", NEURIPS.replace("NeurIPS", "NIPS"), "NIPS", 2017),
            id="nips_before_2018",
        ),
        pytest.param(
            "Accepted at NIPS 2019",
            Venue("inproceedings", NEURIPS, "NeurIPS", 2019),
            id="nips_renamed_from_2018",
        ),
        pytest.param(
            "Accepted to Findings of EMNLP 2023",
            Venue(
                "inproceedings",
                "Findings of the Association for Computational Linguistics: EMNLP 2023",
                "Findings-EMNLP",
                2023,
            ),
            id="findings",
        ),
        pytest.param(
            "Accepted at ICML23 workshop",
            Venue("inproceedings", "ICML 2023 Workshop", "ICMLW", 2023),
            id="workshop_year_normalised",
        ),
        pytest.param(
            "ICLR 2024 Workshop on ME-FoMo (oral)",
            Venue("inproceedings", "ICLR 2024 Workshop on ME-FoMo", "ICLRW", 2024),
            id="workshop_presentation_kind_dropped",
        ),
        pytest.param(
            "8 pages; published in TMLR",
            Venue("article", "Transactions on Machine Learning Research", "TMLR", None),
            id="second_clause_with_cue",
        ),
        pytest.param(
            "Submitted to CVPR 2023. Accepted at ICCV 2023",
            Venue(
                "inproceedings",
                "Proceedings of the IEEE/CVF International Conference on Computer Vision (ICCV)",
                "ICCV",
                2023,
            ),
            id="negative_clause_skipped_next_clause_counts",
        ),
    ],
)
def test_detect_venue_accepted(comment: str, expected: Venue) -> None:
    assert detect_venue(comment) == expected


@pytest.mark.parametrize(
    "comment",
    [
        pytest.param("14 pages", id="E24_page_count"),
        pytest.param("In Peer Review", id="E24_in_peer_review"),
        pytest.param("Tech Report", id="E24_tech_report"),
        pytest.param("Code available at https://github.com/CVPR2023/x", id="E24_url_removed"),
        pytest.param("Submitted to CVPR 2023", id="E25_submitted"),
        pytest.param("Under review at ICLR 2024", id="E25_under_review"),
        pytest.param("Extended version of our ICCV 2021 paper", id="E25_extended_version"),
        pytest.param("14 pages, 5 figures, compared with CVPR 2021 methods", id="E26_no_cue"),
        pytest.param("ICLR 2024 submission", id="submission"),
        pytest.param("Preprint. Not accepted at CVPR 2024", id="not_accepted"),
        pytest.param("Accepted", id="cue_alone"),
        pytest.param("accepted as a poster", id="cue_without_a_name"),
        pytest.param("We beat the ACLU. Accepted", id="cue_without_venue"),
        pytest.param("TL;DR: accepted at CVPR 2023", id="everything_after_tldr_ignored"),
        pytest.param("Journal version of our CVPR 2020 paper", id="journal_version"),
        pytest.param("", id="empty"),
        pytest.param(None, id="none"),
    ],
)
def test_detect_venue_preprint(comment: str | None) -> None:
    assert detect_venue(comment) is None


def test_detect_venue_acl_not_matched_inside_naacl() -> None:
    venue = detect_venue("Accepted to NAACL 2024")
    assert venue is not None and venue.short == "NAACL"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("CVPR 2023", Venue("inproceedings", CVPR, "CVPR", 2023), id="bare_abbreviation"),
        pytest.param("IEEE TIP", Venue("article", TIP, "TIP", None), id="bare_journal"),
        pytest.param(
            "Symposium on Things",
            Venue("inproceedings", "Symposium on Things", "Symposium on Things", None),
            id="unknown_kept_verbatim",
        ),
        pytest.param(
            "Journal of Vision 2020",
            Venue("article", "Journal of Vision 2020", "Journal of Vision 2020", 2020),
            id="journal_by_wording",
        ),
    ],
)
def test_venue_from_name(name: str, expected: Venue) -> None:
    assert venue_from_name(name) == expected


def _entry(**fields: object) -> Entry:
    sightings = [Sighting("d.txt", "T", "2023-12-16", 1), Sighting("e.txt", "T", "2024-02-01", 1)]
    return Entry(key="k", title="t", sightings=sightings, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("entry", "year"),
    [
        pytest.param(_entry(year=2019, comment="Accepted by AAAI 2024"), 2019, id="own_year_wins"),
        pytest.param(_entry(comment="Accepted by AAAI 2024"), 2024, id="E22_venue_year"),
        pytest.param(_entry(comment="Accepted to TPAMI"), 2023, id="E29_venue_without_year"),
        pytest.param(_entry(comment="Submitted to AAAI 2025"), 2023, id="first_digest_year"),
        pytest.param(_entry(venue="ICLR 2025", comment="CVPR 2024"), 2025, id="hand_venue_wins"),
        pytest.param(Entry(key="k", title="t"), None, id="nothing_known"),
    ],
)
def test_publication_year(entry: Entry, year: int | None) -> None:
    assert publication_year(entry) == year


def test_entry_venue_prefers_the_hand_set_venue() -> None:
    venue = entry_venue(_entry(venue="TPAMI", comment="Accepted at CVPR 2023"))
    assert venue == Venue("article", TPAMI, "TPAMI", None)


@pytest.mark.parametrize(
    ("venue", "kind"),
    [
        pytest.param("Nature", "article", id="nature"),
        pytest.param("Pattern Recognition", "article", id="pattern_recognition"),
        pytest.param("Nature Methods", "article", id="nature_methods"),
        pytest.param("Neural Networks", "article", id="neural_networks"),
        pytest.param("CVPR 2023", "inproceedings", id="cvpr"),
        pytest.param("Workshop on Things", "inproceedings", id="workshop"),
    ],
)
def test_hand_set_venue_kind(venue: str, kind: str) -> None:
    assert venue_from_name(venue).kind == kind


def test_hand_set_arxiv_venue_is_a_preprint() -> None:
    assert entry_venue(Entry(key="k", title="t", venue="arXiv")) is None


@pytest.mark.parametrize(
    ("comment", "kind", "name", "year"),
    [
        pytest.param("Accepted at NAACLX 2024", "inproceedings", "NAACLX 2024", 2024, id="venue_inside_longer_word"),
        pytest.param("accepted at TIPS 2020", "inproceedings", "TIPS 2020", 2020, id="tip_is_not_tips"),
        pytest.param("Accepted at ICDAR 2024", "inproceedings", "ICDAR 2024", 2024, id="unknown_conference"),
        pytest.param("Accepted at MIDL 2024 (oral)", "inproceedings", "MIDL 2024", 2024, id="presentation_dropped"),
        pytest.param(
            "Published in Nature Machine Intelligence", "article", "Nature Machine Intelligence", None, id="journal"
        ),
        pytest.param(
            "Accepted for publication in Pattern Recognition",
            "article",
            "Pattern Recognition",
            None,
            id="for_publication",
        ),
    ],
)
def test_accepted_at_a_venue_outside_the_table_keeps_its_name(comment, kind, name, year) -> None:
    venue = detect_venue(comment)
    assert venue is not None
    assert (venue.kind, venue.name, venue.year) == (kind, name, year)


def test_findings_after_the_venue() -> None:
    venue = detect_venue("Accepted at ACL 2024 Findings")
    assert venue is not None
    assert venue.name == "Findings of the Association for Computational Linguistics: ACL 2024"


@pytest.mark.parametrize(
    ("reference", "kind", "year"),
    [
        pytest.param("Phys. Rev. D 100, 012345 (2019)", "article", 2019, id="journal_by_default"),
        pytest.param("IEEE Transactions on Image Processing 33 (2024) 1-12", "article", 2024, id="journal_words"),
        pytest.param("CVPR 2024", "inproceedings", 2024, id="known_conference"),
        pytest.param("Proc. of the 12th Symposium on Things, 2021", "inproceedings", 2021, id="proceedings_words"),
        pytest.param("Submitted to Nature", None, None, id="not_a_publication"),
    ],
)
def test_journal_reference_gives_the_venue_when_nothing_else_does(
    reference: str, kind: str | None, year: int | None
) -> None:
    entry = Entry(key="k", title="T", arxiv="2405.01234", extra={"journal_ref": reference})

    venue = entry_venue(entry)

    assert (venue.kind if venue else None, publication_year(entry) if venue else None) == (kind, year)
    if venue is not None:
        assert venue_of_comment_wins(entry)


def venue_of_comment_wins(entry: Entry) -> bool:
    entry.comment = "Accepted by ICLR 2023"
    venue = entry_venue(entry)
    return venue is not None and venue.short == "ICLR"
