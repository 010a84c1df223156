"""BibTeX export (BIBTEX.md §0-§7): escaping, title protection, entry types, fields, self-check."""

from __future__ import annotations

import pytest

from readlist.bib.latex import escape_text, protect_title
from readlist.bib.write import BibtexExportError, export_bibtex
from readlist.errors import InvalidInput
from readlist.models import BIBLATEX, PROFILES, Entry, Sighting


def _entry(key: str = "k", title: str = "T", **fields: object) -> Entry:
    fields.setdefault("authors", ["Jane Doe"])
    fields.setdefault("sightings", [Sighting("d.txt", "Topic", "2022-03-11", 3)])
    return Entry(key=key, title=title, **fields)  # type: ignore[arg-type]


def _field(bib: str, name: str) -> str | None:
    """The raw value of `name` in a one-entry export (braces stripped), or None."""
    for line in bib.splitlines():
        head, _, value = line.strip().partition(" = ")
        if head.strip() == name:
            value = value.rstrip(",")
            return value[1:-1] if value.startswith("{") else value
    return None


@pytest.mark.parametrize(
    ("text", "profile", "expected"),
    [
        pytest.param("Clément Grisi", "bibtex", r"Cl{\'e}ment Grisi", id="E1_bibtex"),
        pytest.param("Clément Grisi", "biblatex", "Clément Grisi", id="E1_biblatex"),
        pytest.param("Jiří Matas", "bibtex", r"Ji{\v{r}}{\'i} Matas", id="E2_dotless_i_fixed"),
        pytest.param("Łukasz Kaiser", "bibtex", r"{\L}ukasz Kaiser", id="E2_L"),
        pytest.param(
            "n ≥ 2 views × 3 scales, naïve",
            "bibtex",
            r"n {\ensuremath{\geq}} 2 views {\texttimes} 3 scales, na{\"i}ve",
            id="E3_bibtex",
        ),
        pytest.param(
            "n ≥ 2 views × 3 scales, naïve",
            "biblatex",
            r"n {\ensuremath{\geq}} 2 views {\texttimes} 3 scales, naïve",
            id="E3_biblatex",
        ),
        pytest.param(
            "α–β “q”", "biblatex", r"{\ensuremath{\alpha}}–{\ensuremath{\beta}} “q”", id="biblatex_greek_encoded"
        ),
        pytest.param("王 北京", "bibtex", "Wang BeiJing", id="cjk_transliterated_for_pdflatex"),
        pytest.param("王 北京", "biblatex", "王 北京", id="cjk_kept_in_utf8_profile"),
        pytest.param("Cafe\u0301", "bibtex", r"Caf{\'e}", id="decomposed_accent_normalised"),
        pytest.param(
            r"We \emph{boost} mIoU by 5% & FLOPs_total ↓ 30%; … #1. Café",
            "bibtex",
            r"We \emph{boost} mIoU by 5\% \& FLOPs\_total {\textdownarrow} 30\%; {\textellipsis} \#1. Caf{\'e}",
            id="E20_abstract",
        ),
        pytest.param("a  \n b\tc", "bibtex", "a b c", id="whitespace_collapsed"),
        pytest.param("cost $5 < $7 > 3", "bibtex", r"cost $5 < $7 \textgreater{} 3", id="dollar_pair_is_math"),
        pytest.param("one $ sign", "bibtex", r"one \$ sign", id="unpaired_dollar"),
        pytest.param("a { b", "bibtex", r"a \textbraceleft{} b", id="unbalanced_open_brace"),
        pytest.param("a } b", "bibtex", r"a \textbraceright{} b", id="unbalanced_close_brace"),
        pytest.param(r"a \{ b", "bibtex", r"a \textbraceleft{} b", id="escaped_brace_is_balanced_for_bibtex"),
        pytest.param("back\\", "bibtex", r"back\textbackslash{}", id="trailing_backslash"),
        pytest.param(r"J\"urgen \v{S}koda \'\i", "bibtex", r"J{\"u}rgen {\v{S}}koda {\'i}", id="accent_commands_kept"),
        pytest.param(r"Stra\ss e and \LaTeX{}", "bibtex", r"Stra{\ss}e and \LaTeX{}", id="symbol_commands_kept"),
    ],
)
def test_escape_text(text: str, profile: str, expected: str) -> None:
    assert escape_text(text, PROFILES[profile]) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(r"\input{/etc/passwd}", r"\textbackslash{}input{/etc/passwd}", id="input"),
        pytest.param(r"\write18{rm -rf /}", r"\textbackslash{}write18{rm -rf /}", id="write18"),
        pytest.param(
            r"\def\x{1}\catcode`\^=7",
            r"\textbackslash{}def\textbackslash{}x{1}\textbackslash{}catcode`\textbackslash{}\textasciicircum{}=7",
            id="def_catcode",
        ),
        pytest.param(r"$\input{x}$ and $k$", r"\$\textbackslash{}input{x}\$ and $k$", id="math_with_unknown_command"),
        pytest.param(r"$^^5cinput x$", r"\$\textasciicircum{}\textasciicircum{}5cinput x\$", id="caret_caret_notation"),
        pytest.param(r"$\mathbb{R}$", r"\$\textbackslash{}mathbb{R}\$", id="math_needing_a_package"),
        pytest.param(r"$a % b$", r"\$a \% b\$", id="percent_in_math"),
        pytest.param(r"\emph{\input{x}}", r"\emph{\textbackslash{}input{x}}", id="inside_kept_command"),
        pytest.param(
            r"{\csname foo\endcsname}", r"{\textbackslash{}csname foo\textbackslash{}endcsname}", id="inside_group"
        ),
        pytest.param(r"\url{http://x}", r"\textbackslash{}url{http://x}", id="unknown_command"),
        pytest.param(
            r"\ensuremath{\input{x}}", r"\textbackslash{}ensuremath{\textbackslash{}input{x}}", id="ensuremath_checked"
        ),
    ],
)
def test_nothing_from_input_can_run_latex(text: str, expected: str) -> None:
    assert escape_text(text) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param(
            "MVP: Multimodality-guided Visual Pre-training", "{MVP}: Multimodality-guided Visual Pre-training", id="E13"
        ),
        pytest.param(
            "SA$^2$VP: Spatially Aligned-and-Adapted Visual Prompt",
            "{SA$^2$VP}: Spatially Aligned-and-Adapted Visual Prompt",
            id="E14",
        ),
        pytest.param(
            "ViT-Adapter for CLIP-guided Segmentation on ADE20K & COCO",
            r"{ViT}-Adapter for {CLIP}-guided Segmentation on {ADE20K} \& {COCO}",
            id="E15",
        ),
        pytest.param(
            "Why Do Deep Nets Fail? A 100% Reproducible Study of mIoU_3D",
            # BIBTEX.md leaves this "A" bare; styles then print "fail? a 100% ...": a sentence
            # that starts after "?" keeps its capital here.
            r"Why Do Deep Nets Fail? {A} 100\% Reproducible Study of {mIoU\_3D}",
            id="E16",
        ),
        pytest.param(
            r"Learning $\Delta$-Features with Gaussian Processes",
            r"Learning {$\Delta$}-Features with {Gaussian} Processes",
            id="E17",
        ),
        pytest.param(
            r"A \emph{Simple} Framework for $k$-NN # tricks ~ 5 ^ 2",
            r"A \emph{Simple} Framework for {$k$}-{NN} \# tricks \textasciitilde{} 5 \textasciicircum{} 2",
            id="E18",
        ),
        pytest.param(
            "Zero-shot Über-Resolution ≥ 2× with Diffusion",
            r"Zero-shot {\"U}ber-Resolution {\ensuremath{\geq}} 2{\texttimes} with Diffusion",
            id="E19",
        ),
        pytest.param(
            r"A Tech Report on $\mathcal{O}(N\log N)$ Attention with Top-$k$ Routing",
            r"A Tech Report on {$\mathcal{O}(N\log N)$} Attention with Top-{$k$} Routing",
            id="E30_title",
        ),
        pytest.param("Gaussian Splatting", "Gaussian Splatting", id="proper_noun_first_not_braced"),
        pytest.param("Part I and Method X", "Part {I} and Method {X}", id="single_capitals"),
        pytest.param("A Method", "A Method", id="single_A_not_braced"),
        pytest.param("YOLOv8 and 3D/2D", "{YOLOv8} and {3D}/{2D}", id="letters_and_digits_slash"),
        pytest.param('CLIP\'s (ViT) "NeRFs"', '{CLIP}\'s ({ViT}) "{NeRFs}"', id="outer_punctuation_outside"),
        pytest.param("{Transformers} are {RNNs}", "{Transformers} are {RNNs}", id="groups_kept_not_rebraced"),
        pytest.param("北京 Dataset", "{BeiJing} Dataset", id="uncased_script_braced"),
        pytest.param("ÉCOLE de Paris", r"{{\'E}COLE} de Paris", id="accented_acronym"),
    ],
)
def test_protect_title(title: str, expected: str) -> None:
    assert protect_title(title) == expected


E30_ENTRY = Entry(
    key="kaiser2023tech",
    title=r"A Tech Report on $\mathcal{O}(N\log N)$ Attention with Top-$k$ Routing",
    authors=["Łukasz Kaiser", "Élodie Martin", "Jiří Matas", "Martin Luther King Jr.", "S.K. Zhou et al."],
    comment="Tech Report",
    arxiv="2201.00814v1",
    primary_class="cs.CV",
    sightings=[Sighting("digest.txt", "Vision", "2023-02-01", 3)],
)
E30_BIB = r"""@misc{kaiser2023tech,
  author        = {Kaiser, {\L}ukasz and Martin, {\'E}lodie and Matas, Ji{\v{r}}{\'i} and King, Jr., Martin Luther and Zhou, S. K. and others},
  title         = {A Tech Report on {$\mathcal{O}(N\log N)$} Attention with Top-{$k$} Routing},
  howpublished  = {arXiv preprint arXiv:2201.00814},
  year          = {2023},
  month         = feb,
  eprint        = {2201.00814},
  archivePrefix = {arXiv},
  primaryClass  = {cs.CV},
  url           = {https://arxiv.org/abs/2201.00814},
}
"""


def test_e30_full_example() -> None:
    assert export_bibtex([E30_ENTRY]) == E30_BIB


def test_e30_biblatex_profile_drops_howpublished_and_keeps_utf8() -> None:
    bib = export_bibtex([E30_ENTRY], profile=BIBLATEX)
    assert _field(bib, "howpublished") is None
    assert _field(bib, "author") == (
        "Kaiser, Łukasz and Martin, Élodie and Matas, Jiří and King, Jr., Martin Luther and Zhou, S. K. and others"
    )


@pytest.mark.parametrize(
    ("comment", "header", "venue_field", "venue", "year"),
    [
        pytest.param(
            "CVPR 2022. TL;DR: … beats ECCV 2022 baselines",
            "@inproceedings{k,",
            "booktitle",
            "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)",
            "2022",
            id="E21",
        ),
        pytest.param(
            "Accepted at Medical Imaging meets NeurIPS 2023 workshop",
            "@inproceedings{k,",
            "booktitle",
            "Medical Imaging meets NeurIPS 2023 Workshop",
            "2023",
            id="E23",
        ),
        pytest.param("14 pages", "@misc{k,", "howpublished", "arXiv preprint", "2022", id="E24_pages"),
        pytest.param(
            "Code available at https://x.io/a_b", "@misc{k,", "howpublished", "arXiv preprint", "2022", id="E24_code"
        ),
        pytest.param("Submitted to CVPR 2023", "@misc{k,", "howpublished", "arXiv preprint", "2022", id="E25"),
        pytest.param(
            "14 pages, 5 figures, compared with CVPR 2021 methods",
            "@misc{k,",
            "howpublished",
            "arXiv preprint",
            "2022",
            id="E26",
        ),
        pytest.param(
            "ECCV'22 oral",
            "@inproceedings{k,",
            "booktitle",
            "Proceedings of the European Conference on Computer Vision (ECCV)",
            "2022",
            id="E27",
        ),
        pytest.param(
            "Accepted at CVPRW 2023",
            "@inproceedings{k,",
            "booktitle",
            "Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR) Workshops",
            "2023",
            id="E28",
        ),
        pytest.param(
            "Accepted by IEEE TIP", "@article{k,", "journal", "IEEE Transactions on Image Processing", "2022", id="E29"
        ),
    ],
)
def test_entry_type_and_venue(comment: str, header: str, venue_field: str, venue: str, year: str) -> None:
    bib = export_bibtex([_entry(comment=comment)])
    assert bib.startswith(header)
    assert (_field(bib, venue_field), _field(bib, "year")) == (venue, year)
    assert "TL;DR" not in bib and "pages" not in bib and "Code" not in bib


def test_e22_accepted_paper_has_venue_year_and_no_month() -> None:
    entry = _entry(
        key="pei2024sa2vp", comment="Accepted by AAAI 2024", sightings=[Sighting("d.txt", "T", "2023-12-16", 1)]
    )
    bib = export_bibtex([entry])
    assert bib.startswith("@inproceedings{pei2024sa2vp,")
    assert (_field(bib, "year"), _field(bib, "month")) == ("2024", None)


def test_preprint_month_is_a_macro_from_the_first_digest() -> None:
    entry = _entry(sightings=[Sighting("b.txt", "T", "2022-05-02", 1), Sighting("a.txt", "T", "2022-03-11", 1)])
    assert "  month         = mar,\n" in export_bibtex([entry])


def test_url_without_arxiv_id_and_no_eprint_fields() -> None:
    bib = export_bibtex([_entry(url="https://example.org/a b{c}")])
    # `\%`: plainnat without the url package reads a bare % as a comment
    assert _field(bib, "url") == r"https://example.org/a\%20b\%7Bc\%7D"
    assert _field(bib, "eprint") is None and _field(bib, "howpublished") == "arXiv preprint"


def test_keep_comments_writes_escaped_annote_only_on_request() -> None:
    entry = _entry(comment="Code: https://github.com/x/y_z, 50% faster")
    assert _field(export_bibtex([entry]), "annote") is None
    assert _field(export_bibtex([entry], keep_comments=True), "annote") == (
        r"Code: https://github.com/x/y\_z, 50\% faster"
    )


def test_hand_set_venue_counts() -> None:
    bib = export_bibtex([_entry(venue="ICLR 2025", comment="Submitted to ICLR 2025")])
    assert bib.startswith("@inproceedings{k,")
    assert _field(bib, "booktitle") == "International Conference on Learning Representations (ICLR)"
    assert _field(bib, "year") == "2025"


def test_imported_entry_keeps_type_wording_and_standard_extra_fields() -> None:
    entry = Entry(
        key="smith2020",
        title="On Things",
        authors=["Ann Smith"],
        year=2020,
        venue="J. Things & Co",
        extra={
            "ENTRYTYPE": "article",
            "pages": "1--10",
            "doi": "10.1000/x_y",
            "volume": "3",
            "month": "March",
            "file": "/home/a.pdf",
            "publisher": "Springer & Sons",
        },
    )
    assert export_bibtex([entry]) == (
        "@article{smith2020,\n"
        "  author        = {Smith, Ann},\n"
        "  title         = {On Things},\n"
        "  journal       = {J. Things \\& Co},\n"
        "  year          = {2020},\n"
        "  month         = mar,\n"
        "  volume        = {3},\n"
        "  pages         = {1--10},\n"
        "  publisher     = {Springer \\& Sons},\n"
        "  doi           = {10.1000/x_y},\n"
        "}\n"
    )


@pytest.mark.parametrize(
    ("entry_type", "expected"),
    [
        pytest.param("online", "@misc{", id="biblatex_online"),
        pytest.param("report", "@techreport{", id="biblatex_report"),
        pytest.param("phdthesis", "@phdthesis{", id="classic_kept"),
    ],
)
def test_imported_types_map_to_classic_bibtex(entry_type: str, expected: str) -> None:
    entry = Entry(key="x", title="T", year=2020, extra={"ENTRYTYPE": entry_type})
    assert export_bibtex([entry]).startswith(expected)


def test_entries_sorted_by_key_separated_by_one_blank_line() -> None:
    bib = export_bibtex([_entry(key="b"), _entry(key="a")])
    assert bib.index("@misc{a,") < bib.index("@misc{b,")
    assert "}\n\n@misc{b," in bib


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        pytest.param(["wei2022mvp", "Wei2022MVP"], "differ only in case", id="case_duplicate"),
        pytest.param(["has space"], "cannot be written", id="space_in_key"),
        pytest.param(["a,b"], "cannot be written", id="comma_in_key"),
    ],
)
def test_bad_keys_are_refused(keys: list[str], message: str) -> None:
    with pytest.raises(BibtexExportError, match=message) as raised:
        export_bibtex([_entry(key=key) for key in keys])
    assert isinstance(raised.value, InvalidInput)


def test_self_check_rejects_output_that_does_not_read_back(monkeypatch: pytest.MonkeyPatch) -> None:
    from readlist.bib import write as bibtex

    monkeypatch.setattr(bibtex, "protect_title", lambda title, profile: "{unbalanced")
    with pytest.raises(BibtexExportError, match="does not read back"):
        export_bibtex([_entry(), _entry(key="z")])


def test_empty_export_is_empty() -> None:
    assert export_bibtex([]) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            r"$a \rightarrow b \leftarrow c$", r"$a \rightarrow b \leftarrow c$", id="arrows_are_not_left_right"
        ),
        pytest.param(r"$\left( x \right)$", r"$\left( x \right)$", id="paired_left_right"),
        pytest.param(r"$\left( x$", r"\$\textbackslash{}left( x\$", id="unpaired_left"),
        pytest.param(r"$x^$", r"\$x\textasciicircum{}\$", id="dangling_superscript"),
        pytest.param(r"$\frac$", r"\$\textbackslash{}frac\$", id="dangling_frac"),
        pytest.param(r"$\mathcal{O}$", r"$\mathcal{O}$", id="complete_mathcal"),
    ],
)
def test_math_that_would_stop_latex_becomes_text(text: str, expected: str) -> None:
    assert escape_text(text) == expected


def test_venue_set_by_hand_on_an_imported_misc_entry_decides_the_type() -> None:
    entry = Entry(key="x", title="T", year=2021, venue="TPAMI", extra={"ENTRYTYPE": "misc", "note": "50% off"})
    bib = export_bibtex([entry])
    assert bib.startswith("@article{x,")
    assert (_field(bib, "journal"), _field(bib, "note")) == (
        "IEEE Transactions on Pattern Analysis and Machine Intelligence",
        r"50\% off",
    )


def test_lone_suffix_author_joins_the_name_before_it() -> None:
    bib = export_bibtex([_entry(authors=["Jiří Matas", "Jr.", "Łukasz Kaiser"])])
    assert "author        = {Matas, Jr., Ji{\\v{r}}{\\'i} and Kaiser, {\\L}ukasz}," in bib


def test_export_in_two_processes_is_identical_to_one(monkeypatch) -> None:
    from readlist.bib import parallel
    from readlist.bib import write as bibtex

    entries = [_entry(key=f"k{i:02d}", title=f"Study {i} of ViT & CLIP", authors=["Clément Grisi"]) for i in range(9)]
    serial = export_bibtex(entries)
    monkeypatch.setattr(bibtex, "_PARALLEL_ENTRIES", 2)
    assert parallel.can_fork(), "this test wants to see the forked half"
    assert export_bibtex(entries) == serial
    assert serial.count("@misc{") == 9
    monkeypatch.setattr(parallel, "can_fork", lambda: False)  # Windows: no fork, both halves here
    assert export_bibtex(entries) == serial


def test_hand_edits_win_over_what_the_digest_implies() -> None:
    entry = _entry(arxiv="2401.01234", url="https://example.org/paper", year=2025, edited=["url", "year"])
    entry.sightings = [Sighting("d.txt", "T", "2024-01-05", 3)]
    bib = export_bibtex([entry])
    assert "url           = {https://example.org/paper}," in bib
    assert "year          = {2025}," in bib
    assert "month" not in bib


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param(
            "Embeddings at All? A Controlled Study", "Embeddings at All? {A} Controlled Study", id="after_question"
        ),
        pytest.param("Stop! Euler Meets Europe", "Stop! {Euler} Meets {Europe}", id="after_exclamation_and_nouns"),
        pytest.param("Why it fails? because", "Why it fails? because", id="lowercase_stays_bare"),
    ],
)
def test_sentence_after_question_mark_and_more_proper_nouns(title: str, expected: str) -> None:
    assert protect_title(title) == expected


def test_greek_letters_in_names_are_spelled_not_typeset_as_math() -> None:
    bib = export_bibtex([_entry(authors=["Αριστοτέλης Παπαδόπουλος"], title=r"The $\alpha$ Trick")])
    assert "author        = {Papadopoylos, Aristotelis}," in bib
    assert "{$\\alpha$}" in bib


def test_more_alike_author_year_labels_than_natbib_can_letter_are_warned_about() -> None:
    from readlist.bib.write import MOST_ALIKE_LABELS, export_bibtex_with_warnings

    def chen(n: int, authors: list[str]) -> Entry:
        return Entry(key=f"chen2024p{n}", title=f"Paper {n}", authors=authors, year=2024)

    crowd = [chen(n, ["Bo Chen", "Ann Lee", "Wei Xu"]) for n in range(MOST_ALIKE_LABELS + 1)]
    pair = [chen(100 + n, ["Bo Chen", "Ann Lee"]) for n in range(MOST_ALIKE_LABELS + 1)]
    _, warnings = export_bibtex_with_warnings(crowd + pair)
    crowded = [w for w in warnings if "share the label" in w]
    assert [w.split(" (")[0] for w in crowded] == [
        f'{MOST_ALIKE_LABELS + 1} entries share the label "Chen et al. 2024"',
        f'{MOST_ALIKE_LABELS + 1} entries share the label "Chen and Lee 2024"',
    ]
    _, few = export_bibtex_with_warnings(crowd[:MOST_ALIKE_LABELS])
    assert not [w for w in few if "share the label" in w]
    _, biblatex = export_bibtex_with_warnings(crowd, profile=PROFILES["biblatex"])
    assert not [w for w in biblatex if "share the label" in w]
