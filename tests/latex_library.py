"""A library of tricky entries (BIBTEX.md E1-E30 and more) for the real-LaTeX compile test.

Every entry is written here (no digest text copied in). Keys are assigned the way `import`
does it, so three papers by the same first author in the same year get `a`/`b` suffixes.
"""

from __future__ import annotations

import unicodedata

from readlist.bib.keys import base_key, unique_key
from readlist.bib.latex import encode_unicode
from readlist.bib.venues import publication_year
from readlist.models import BIBTEX, Entry, Sighting

E9_AUTHORS = ["Longhui Wei", "Lingxi Xie", "Jeroen van der Laak", "Clément Grisi", "S. Kevin Zhou"]
E10_AUTHORS = ["Martin Luther King Jr.", "Luc Van Gool", "Le Song", "Jan De Fauw"]
E30_AUTHORS = ["Łukasz Kaiser", "Élodie Martin", "Jiří Matas", "Martin Luther King Jr.", "S.K. Zhou et al."]
LATIN_LETTERS = [chr(code) for code in range(0xC0, 0x180) if chr(code).isalpha()]
E20_ABSTRACT = r"We \emph{boost} mIoU by 5% & FLOPs_total ↓ 30%; … #1. Café"

# (title, authors, comment, digest date, extra fields of the Entry)
_PAPERS: list[tuple[str, list[str], str | None, str, dict[str, object]]] = [
    ("MVP: Multimodality-guided Visual Pre-training", E9_AUTHORS, "14 pages", "2022-03-11", {}),
    (
        "ViT-Adapter for CLIP-guided Segmentation on ADE20K & COCO",
        E10_AUTHORS,
        "CVPR 2022. TL;DR: it beats ECCV 2022 baselines",
        "2022-03-12",
        {},
    ),
    (
        "SA$^2$VP: Spatially Aligned-and-Adapted Visual Prompt",
        ["Wenjie Pei", "S.K. Zhou", "Kaiming He et al."],
        "Accepted by AAAI 2024",
        "2023-12-16",
        {"abstract": "n ≥ 2 views × 3 scales, naïve"},
    ),
    (
        r"Learning $\Delta$-Features with Gaussian Processes",
        ["The ATLAS Collaboration", "Ludwig van Beethoven"],
        "Accepted at Medical Imaging meets NeurIPS 2023 workshop",
        "2023-10-02",
        {},
    ),
    (
        r"A \emph{Simple} Framework for $k$-NN # tricks ~ 5 ^ 2",
        ["Jiří Matas", "Jr.", "Łukasz Kaiser"],
        "In Peer Review",
        "2023-11-20",
        {},
    ),
    (
        "Visual Question Answering for Low-Resource Languages",
        ["Nguyễn Thị Lan", "Trần Văn Đức", "Ḍalia Ḫassan"],
        "Accepted at EMNLP 2023",
        "2023-09-01",
        {},
    ),
    ("Square [Brackets] in Names", ["Ann [i]Markup[/i]", "Zed Q"], None, "2023-09-02", {}),
    (
        "Zero-shot Über-Resolution ≥ 2× with Diffusion",
        ["Clément Grisi"],
        "Tech Report",
        "2023-05-04",
        {"abstract": E20_ABSTRACT},
    ),
    (
        "Why Do Deep Nets Fail? A 100% Reproducible Study of mIoU_3D",
        ["Hans Müller"],
        "Code available at https://github.com/x/y_z?a=1&b=50%",
        "2023-01-09",
        {},
    ),
    ("On the Robustness of ViT", ["Jeroen van der Laak", "Geert Litjens"], "Submitted to CVPR 2023", "2023-01-10", {}),
    ("A Survey of 3D Gaussian Splatting", ["Ali Öztürk"], "Under review at ICLR 2024", "2023-10-10", {}),
    ("The Role of Attention", ["Hans Müller"], "Extended version of our ICCV 2021 paper", "2023-02-02", {}),
    (
        "北京 Dataset",
        ["王", "李 小明"],
        "14 pages, 5 figures, compared with CVPR 2021 methods",
        "2023-03-03",
        {"abstract": "一个数据集 with 北京 scenes"},
    ),
    (
        "MVP-2: Multimodality-guided Visual Pre-training Again",
        ["Longhui Wei"],
        "NeurIPS 2023 (Spotlight). Code: https://github.com/x/y_z",
        "2022-06-01",
        {},
    ),
    ("Sparse Things", ["Jan De Fauw"], "ECCV'22 oral", "2022-07-07", {}),
    ("Low-light Cameras", ["Le Song"], "Accepted at CVPRW 2023", "2023-04-04", {}),
    ("Event Cameras", ["Le Song"], "Accepted at CVPR'18 Workshop on Computational Cameras", "2018-04-04", {}),
    ("A Journal Paper", ["Luc Van Gool"], "Accepted to TPAMI", "2021-09-09", {}),
    ("Image Things", ["Luc Van Gool"], "Accepted by IEEE TIP", "2021-09-10", {}),
    (
        r"A Tech Report on $\mathcal{O}(N\log N)$ Attention with Top-$k$ Routing",
        E30_AUTHORS,
        "Tech Report",
        "2023-02-01",
        {"arxiv": "2201.00814v1", "primary_class": "cs.CV"},
    ),
    # same first author and year three times: keys zhang2023deep, zhang2023deepa, zhang2023deepb
    ("Deep Nets I", ["Wei Zhang", "Ann Lee"], None, "2023-06-01", {}),
    ("Deep Nets II", ["Wei Zhang"], None, "2023-06-02", {}),
    ("Deep Nets III", ["Wei Zhang"], None, "2023-06-03", {}),
    (
        r"\input{/etc/passwd} and \write18{rm -rf /}",
        ["Mallory Evil"],
        r"\def\x{\input{/etc/passwd}}",
        "2023-07-07",
        {"abstract": r"\catcode`\^=7 $\input{/etc/shadow}$ $^^5cinput x$ \csname end\endcsname \\"},
    ),
    (
        "Costs: 100% of $5 & #3, a_b ~c ^d <e> {unbalanced and stray \\ backslash}}",
        ["Ana María García Márquez"],
        "Accepted at ICML 2023 workshop",
        "2023-07-08",
        {"abstract": "50% & #hashtags_ ~ ^ { } $ \\ {"},
    ),
    (
        "Ångström-level Søren Œuvre: Đorđe’s “quotes” – and — dashes …",
        ["Søren Kierkegaard", "Đorđe Balašević"],
        None,
        "2023-08-01",
        {"abstract": "Temperatures of 5 °C ± 1, costs of 5 €, α-β, ½ and ™ ©"},
    ),
    ("Emoji 😀 and Hangul 한국어 and Devanagari हिन्दी", ["김 민수"], None, "2023-08-02", {}),
    ("Findings Paper", ["Noah Smith"], "Accepted to Findings of EMNLP 2023", "2023-10-20", {}),
    ("Workshop with a Long Name", ["Noah Smith"], "ICLR 2024 Workshop on ME-FoMo (oral)", "2024-03-01", {}),
    ("NIPS Classic", ["Yann LeCun"], "NIPS 2017", "2017-06-01", {}),
    (
        "Part I: Method X for YOLOv8 on 2D/3D Data",
        ["Jean-Pierre O'Brien", "Mary Smith-Jones"],
        None,
        "2024-01-02",
        {"url": "https://example.org/paper%20one#section_2~x"},
    ),
    ("Bayesian and Markov Views of Wasserstein Flows", ["John Smith III"], "Accepted to TMLR", "2024-01-03", {}),
    (
        r"{Transformers} are {RNNs}: {\"U}ber Fast \'Etude",
        ["Angelos Katharopoulos"],
        "ICML 2020",
        "2020-06-29",
        {"comment": "ICML 2020"},
    ),
    ("Hand-set Venue", ["Pat Doe"], "Submitted to ICLR 2025", "2024-10-01", {"venue": "ICLR 2025"}),
    ("Hand-set Unknown Venue", ["Pat Doe"], None, "2024-10-02", {"venue": "Nature Methods"}),
    ("A Paper Listed by Nobody", [], None, "2024-10-03", {}),
    (
        "Symbols ¡¿ § ¶ © ® ° ± ² ³ µ ¼ ½ ¾ × ÷ ‰ ‹› « » „ ‚ † ‡ • … € £ ¥ ¢ ™ ℃ № ← → ≤ ≥ ≠ ≈ ∞ ∑ √ ∂ ∇ ∈ ∀ ℝ ✓ ★ ♪",
        ["Ådne Ødegård"],
        None,
        "2023-09-09",
        {"abstract": "Ελληνικά ① ⁺ {letters}"},
    ),
    (
        "Cyrillic, IPA and Ligatures: ə ʃ Ж ǅ ﬁ",
        ["Дмитрий Иванов", "Ŀuís Ħasan"],
        None,
        "2023-09-10",
        {"abstract": "{letters} ṃ ạ ỹ Ǎ ǘ ẞ"},
    ),
    ("Conference Proceedings of MICCAI", ["Anne-Marie Curie"], "Accepted at MICCAI 2023", "2023-06-20", {}),
    # Stored by readlist 0.1 from "A, B, and C": a name that starts with "and" must not stop bibtex.
    ("Serial Commas in Author Lines", ["Lin Bian", "Mei Gao", "and Kai Jiang"], None, "2024-02-02", {}),
    (
        "A Preprint Read from the Blog's Markdown",
        ["Ana Souza", "Bo Chen"],
        None,
        "2024-05-06",
        {"arxiv": "2405.04321", "url": "https://arxiv.org/abs/2405.04321"},
    ),
]

# Entries as a .bib import leaves them (type and other fields in `extra`).
_IMPORTED: list[Entry] = [
    Entry(key="smith2020things", title="On Things & Stuff", authors=["Ann Smith", "Bob de Jong"], year=2020,
          venue="Journal of Things", extra={"ENTRYTYPE": "article", "volume": "3", "number": "2",
                                            "pages": "1--10", "doi": "10.1000/xyz-123", "month": "March"}),
    Entry(key="knuth1984texbook", title="The TeXbook", authors=["Donald E. Knuth"], year=1984,
          extra={"ENTRYTYPE": "book", "publisher": "Addison-Wesley", "address": "Reading, MA"}),
    Entry(key="doe2019thesis", title="A Thesis on Things", authors=["Jane Doe"], year=2019,
          extra={"ENTRYTYPE": "phdthesis", "school": "Université de Montréal"}),
    Entry(key="roe2018report", title="A Report", authors=["Richard Roe"], year=2018,
          extra={"ENTRYTYPE": "techreport", "institution": "ACME Labs", "number": "TR-7"}),
    Entry(key="lee2021chapter", title="A Chapter", authors=["Ann Lee"], year=2021, venue="Collected Things",
          extra={"ENTRYTYPE": "incollection", "publisher": "Springer", "editor": "Smith, Ann",
                 "pages": "5--9", "file": "/home/me/x.pdf", "timestamp": "2021-01-01"}),
    Entry(key="online2022", title="A Web Page", authors=["Web Master"], year=2022, url="https://example.org/x",
          extra={"ENTRYTYPE": "online"}),
]  # fmt: skip


def library() -> list[Entry]:
    """The whole tricky library, keys assigned in order as an import would."""
    taken: set[str] = {entry.key.casefold() for entry in _IMPORTED}
    entries = list(_IMPORTED)
    for line, (title, authors, comment, date, extra) in enumerate(_PAPERS, 1):
        entry = Entry(
            key="",
            title=title,
            authors=list(authors),
            comment=comment,
            sightings=[Sighting("library.txt", "Tricky", date, line)],
        )
        for name, value in extra.items():
            setattr(entry, name, value)
        if "{letters}" in entry.abstract:  # Latin-1 and Latin Extended-A, split by typesettability
            unicode_only = entry.abstract.startswith("{letters}")
            letters = [char for char in LATIN_LETTERS if _needs_unicode_engine(char) == unicode_only]
            entry.abstract = entry.abstract.replace("{letters}", "".join(letters))
        entry.key = unique_key(base_key(entry.authors, publication_year(entry), entry.title), taken)
        taken.add(entry.key.casefold())
        entries.append(entry)
    return entries


def needs_unicode_engine(entry: Entry) -> bool:
    """Whether the UTF-8 (`biblatex`) export of an entry holds letters pdflatex cannot set.

    That profile keeps letters of every script verbatim, for XeLaTeX/LuaLaTeX; pdflatex with
    T1 fonts knows the Latin letters that have a LaTeX form (those the `bibtex` profile does
    not transliterate) and gets Greek and letter-like symbols (ℝ) as math from the export.
    """
    text = " ".join([entry.title, entry.abstract, *entry.authors])
    return any(_needs_unicode_engine(char) for char in set(text) if char.isalpha() and not char.isascii())


def _needs_unicode_engine(letter: str) -> bool:
    if unicodedata.name(letter).startswith("GREEK") or unicodedata.decomposition(letter).startswith("<font>"):
        return False
    return letter > "\u017f" or encode_unicode(letter, BIBTEX).isalpha()
