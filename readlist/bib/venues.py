"""Where a paper was accepted, read from an arXiv comments line (BIBTEX.md §6).

The rule is deliberately cautious: a wrong ``@inproceedings`` claims an acceptance that never
happened, while a wrong ``@misc`` only cites a paper as the preprint it also is. So a venue counts
only with an acceptance cue or when the comments open with it, and any clause that says
"submitted", "under review", "extended version", ... is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from readlist.models import Entry

INPROCEEDINGS = "inproceedings"
ARTICLE = "article"


@dataclass(frozen=True)
class Venue:
    kind: str  # "inproceedings" | "article"
    name: str  # full booktitle / journal
    short: str  # e.g. "CVPR", "CVPRW", "TPAMI"
    year: int | None


_CVF = "Proceedings of the IEEE/CVF"
#: Publishers' own BibTeX wording, edition numbers dropped.
_CONFERENCES = {
    "CVPR": f"{_CVF} Conference on Computer Vision and Pattern Recognition (CVPR)",
    "ICCV": f"{_CVF} International Conference on Computer Vision (ICCV)",
    "ECCV": "Proceedings of the European Conference on Computer Vision (ECCV)",
    "WACV": f"{_CVF} Winter Conference on Applications of Computer Vision (WACV)",
    "BMVC": "Proceedings of the British Machine Vision Conference (BMVC)",
    "NeurIPS": "Advances in Neural Information Processing Systems (NeurIPS)",
    "NIPS": "Advances in Neural Information Processing Systems (NIPS)",
    "ICLR": "International Conference on Learning Representations (ICLR)",
    "ICML": "Proceedings of the International Conference on Machine Learning (ICML)",
    "AAAI": "Proceedings of the AAAI Conference on Artificial Intelligence",
    "IJCAI": "Proceedings of the International Joint Conference on Artificial Intelligence (IJCAI)",
    "ACL": "Proceedings of the Annual Meeting of the Association for Computational Linguistics (ACL)",
    "EMNLP": "Proceedings of the Conference on Empirical Methods in Natural Language Processing (EMNLP)",
    "NAACL": "Proceedings of the Conference of the North American Chapter of the Association for "
    "Computational Linguistics (NAACL)",
    "MICCAI": "Medical Image Computing and Computer Assisted Intervention (MICCAI)",
}
_CVF_WORKSHOPS = ("CVPR", "ICCV", "ECCV", "WACV")
_JOURNALS = {
    "TPAMI": "IEEE Transactions on Pattern Analysis and Machine Intelligence",
    "T-PAMI": "IEEE Transactions on Pattern Analysis and Machine Intelligence",
    "IJCV": "International Journal of Computer Vision",
    "TIP": "IEEE Transactions on Image Processing",
    "TMI": "IEEE Transactions on Medical Imaging",
    "MedIA": "Medical Image Analysis",
    "TMLR": "Transactions on Machine Learning Research",
    "JMLR": "Journal of Machine Learning Research",
}
_FINDINGS = "Findings of the Association for Computational Linguistics"

_TOKENS = sorted([*_CONFERENCES, *_JOURNALS], key=len, reverse=True)
_YEAR = r"(?:\s?(?:(?P<y4>(?:19|20)\d\d)|'?(?P<y2>\d\d)))?"
# Case-sensitive and not inside a longer word: ACL must not match NAACL, TIP not TIPS.
_VENUE = re.compile(
    r"(?<![\w-])(?:(?P<findings>Findings\s+of\s+(?:the\s+)?(?P<ftok>ACL|EMNLP|NAACL))"
    rf"|(?P<tok>{'|'.join(map(re.escape, _TOKENS))})(?P<w>W)?){_YEAR}(?![\w])"
)
_TLDR = re.compile(r"TL\s*;\s*DR", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S*", re.IGNORECASE)
_CLAUSE_SPLIT = re.compile(r"[.;|\n]")
_NEGATIVE = re.compile(
    r"\b(?:submitted|submission|under review|in review|in peer review|under submission|preprint|rejected"
    r"|not accepted|not yet accepted|under consideration"
    r"|withdrawn|extended version|extension of|journal version|tech(?:nical)? report)\b",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"\b(?:accepted|to appear|appears? in|published|camera[- ]ready|in proceedings|oral"
    r"|spotlight|poster|best paper)\b",
    re.IGNORECASE,
)
_WORKSHOP = re.compile(r"\bworkshops?\b", re.IGNORECASE)
_LEADING_CUE = re.compile(
    r"^(?:(?:accepted|to appear|appears|published|presented|oral|spotlight|poster)"
    r"(?:\s+(?:paper|presentation))?(?:\s+for\s+publication)?\s+(?:at|by|to|in|as)?\s*)?(?:the\s+)?",
    re.IGNORECASE,
)
_ACCEPTANCE = re.compile(r"(?:accepted|to appear|published)\b", re.IGNORECASE)
_PRESENTATION = re.compile(r"\s*\(\s*(?:oral|spotlight|poster|best paper)\b[^)]*\)?", re.IGNORECASE)
_ANY_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_JOURNAL_WORDS = re.compile(
    r"\b(?:journal|transactions|letters|magazine|review|reviews|annals|bulletin|quarterly|"
    r"nature|science|cell|lancet|plos|frontiers|pattern recognition|neurocomputing|"
    r"neural networks|medical image analysis|proceedings of the ieee|acm computing surveys)\b",
    re.IGNORECASE,
)
_MEETING_WORDS = re.compile(r"\b(?:proc\.?|proceedings|conference|workshop|symposium|meeting)\b", re.IGNORECASE)
_PREPRINT_SERVERS = re.compile(r"^\s*(?:arxiv|biorxiv|medrxiv|ssrn|openreview)\b", re.IGNORECASE)


@lru_cache(maxsize=4096)  # the same comments ("Accepted by AAAI 2024") recur across a library
def detect_venue(comment: str | None) -> Venue | None:
    """The venue a comments line says the paper was accepted at, or None (a preprint)."""
    if not comment:
        return None
    text = _URL.sub(" ", _TLDR.split(comment, maxsplit=1)[0])
    clauses = [clause for clause in _CLAUSE_SPLIT.split(text) if clause.strip()]
    for index, clause in enumerate(clauses):
        if _NEGATIVE.search(clause):
            continue
        match = _VENUE.search(clause)
        if match is None:
            named = _named_in_acceptance(clause)
            if named is not None:
                return named
            continue
        opens_comments = index == 0 and not clause[: match.start()].strip()
        if _POSITIVE.search(clause) or opens_comments:
            return _venue_from_match(match, clause)
    return None


def _named_in_acceptance(clause: str) -> Venue | None:
    """`Accepted at ICDAR 2024`, `Published in Nature Machine Intelligence`: a venue outside
    the table, named after an explicit acceptance cue, is kept as written rather than lost
    (the table only adds the publishers' full names)."""
    if not _ACCEPTANCE.match(clause.strip()):
        return None
    clause = " ".join(clause.split())
    name = _PRESENTATION.sub("", _LEADING_CUE.sub("", clause, count=1)).strip(" ,:-()")
    if not name or name == clause or not name[0].isupper() or len(name) > 120:
        return None
    return venue_from_name(name)


def venue_from_name(name: str) -> Venue:
    """A venue typed by hand or read from a .bib file, e.g. "CVPR 2023" or "Nature Methods".

    A bare known abbreviation expands to the full name; anything else is kept verbatim and is
    a journal only when its wording says so (BibTeX has no way to tell otherwise).
    """
    text = " ".join(name.split())
    bare = re.fullmatch(rf"(?:IEEE\s+)?{_VENUE.pattern}", text)
    if bare:
        return _venue_from_match(bare, text)
    match = _VENUE.search(text)
    short = (match.group("tok") or match.group("ftok")) if match else text
    years = _ANY_YEAR.findall(text)
    year = int(years[0]) if years else None
    kind = ARTICLE if _JOURNAL_WORDS.search(text) or short in _JOURNALS else INPROCEEDINGS
    return Venue(kind, text, short, year)


def entry_venue(entry: Entry) -> Venue | None:
    """The venue of an entry: its own `venue` field, else what the comments line says, else
    arXiv's journal reference (the authors' own statement that the paper is published)."""
    if entry.venue and entry.venue.strip():
        if _PREPRINT_SERVERS.match(entry.venue):
            return None  # "arXiv" is where it was posted, not where it was published
        return venue_from_name(entry.venue)
    return detect_venue(entry.comment) or venue_from_journal_ref(entry.extra.get("journal_ref"))


def venue_from_journal_ref(reference: str | None) -> Venue | None:
    """`Phys. Rev. D 100, 012345 (2019)` or `Proceedings of CVPR 2024`: where arXiv says the
    paper appeared. A journal unless it names proceedings, a conference or a known meeting."""
    text = " ".join((reference or "").split())
    if not text or _NEGATIVE.search(text):
        return None
    known = _VENUE.search(text)
    years = _ANY_YEAR.findall(text)
    year = int(years[-1]) if years else None
    if known is not None and known.group("tok") in _CONFERENCES and not _JOURNAL_WORDS.search(text):
        venue = _venue_from_match(known, text)
        return Venue(venue.kind, venue.name, venue.short, venue.year or year)
    if _MEETING_WORDS.search(text):
        return Venue(INPROCEEDINGS, text, text, year)
    return Venue(ARTICLE, text, text, year)


def publication_year(entry: Entry) -> int | None:
    """Year to cite: the entry's own, else its venue's, else that of its first digest."""
    if entry.year is not None:
        return entry.year
    venue = entry_venue(entry)
    if venue is not None and venue.year is not None:
        return venue.year
    first = entry.first_date
    if first:
        try:
            return date.fromisoformat(first[:10]).year
        except ValueError:
            return None
    return None


def _year_of(match: re.Match[str]) -> int | None:
    if match.group("y4"):
        return int(match.group("y4"))
    if match.group("y2"):
        return 2000 + int(match.group("y2"))
    return None


def _venue_from_match(match: re.Match[str], clause: str) -> Venue:
    year = _year_of(match)
    if match.group("findings"):
        sub = match.group("ftok")
        name = f"{_FINDINGS}: {sub} {year}" if year else f"{_FINDINGS}: {sub}"
        return Venue(INPROCEEDINGS, name, f"Findings-{sub}", year)
    token = match.group("tok")
    if token in ("ACL", "EMNLP", "NAACL") and re.search(r"\bfindings\b", clause, re.IGNORECASE):
        name = f"{_FINDINGS}: {token} {year}" if year else f"{_FINDINGS}: {token}"
        return Venue(INPROCEEDINGS, name, f"Findings-{token}", year)
    if token in _JOURNALS:
        return Venue(ARTICLE, _JOURNALS[token], token.replace("-", ""), year)
    if token in ("NIPS", "NeurIPS") and year is not None:
        token = "NIPS" if year < 2018 else "NeurIPS"
    if match.group("w") or _WORKSHOP.search(clause):
        return Venue(INPROCEEDINGS, _workshop_name(token, year, match, clause), f"{token}W", year)
    return Venue(INPROCEEDINGS, _CONFERENCES[token], token, year)


def _workshop_name(token: str, year: int | None, match: re.Match[str], clause: str) -> str:
    """CVF workshops have one collective booktitle; others are named by the clause itself."""
    if token in _CVF_WORKSHOPS:
        return f"{_CONFERENCES[token]} Workshops"
    venue = f"{token} {year}" if year else token
    name = f"{clause[: match.start()]}{venue}{clause[match.end() :]}"
    name = _PRESENTATION.sub("", _LEADING_CUE.sub("", " ".join(name.split()), count=1))
    name = _WORKSHOP.sub(lambda m: m.group(0).capitalize(), name)
    return name.strip(" ,:-()")
