"""arXiv identifiers: the one rule for recognising, normalising and linking them.

An id is stored without its version (`2401.11535`, `hep-th/9901070`): every version of a paper
is the same paper. Pure and stdlib-only.
"""

from __future__ import annotations

import re

# New-style ids (0704.0001 onwards: 4+4 digits, 4+5 since 2015) and old-style archive/YYMMNNN.
_ID = r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?"
_BARE = re.compile(rf"(?:arxiv:\s*)?{_ID}", re.IGNORECASE)
_IN_URL = re.compile(rf"arxiv\.org/(?:abs|pdf|html)/{_ID}(?:\.pdf)?", re.IGNORECASE)


def parse_id(text: str) -> str | None:
    """`2201.00814v2`, `arXiv:2201.00814` or an abs/pdf URL -> `2201.00814`; None if it is none."""
    text = text.strip()
    match = _IN_URL.search(text) if "arxiv.org/" in text.lower() else _BARE.fullmatch(text)
    return _without_case_of_prefix(match["id"]) if match else None


def id_in_url(url: str) -> str | None:
    """The id an arxiv.org link points at (abs, pdf or html page), or None."""
    match = _IN_URL.search(url)
    return _without_case_of_prefix(match["id"]) if match else None


def abs_url(arxiv_id: str) -> str:
    """The paper's page, version-less so it always shows the latest version."""
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    """The latest version's PDF."""
    return f"https://arxiv.org/pdf/{arxiv_id}"


def _without_case_of_prefix(arxiv_id: str) -> str:
    """Old-style archive names are lower case (`hep-th`), their subject class upper (`math.AG`)."""
    if "/" not in arxiv_id:
        return arxiv_id
    archive, number = arxiv_id.split("/")
    name, _, subject = archive.partition(".")
    return f"{name.lower()}{'.' + subject.upper() if subject else ''}/{number}"
