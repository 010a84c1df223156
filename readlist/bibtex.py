"""Entries -> .bib text and .bib text -> entries (BIBTEX.md §0-§7), with bibtexparser 2.x.

Export builds bibtexparser `Entry`/`Field` objects from strings that are already LaTeX-safe
(`readlist.latex`), writes them with the in-place unparse stack and re-parses the result: a
file that does not read back is an error, never something handed to the user.
"""

from __future__ import annotations

import gc
import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from readlist.errors import InvalidInput
from readlist.latex import (
    PROFILES,
    decode_latex,
    escape_text,
    protect_title,
    sanitize_url,
    unprotect_title,
)
from readlist.latex_unicode import transliterated, word_set
from readlist.models import Entry, Problem, Sighting
from readlist.names import bibtex_authors, digest_form, join_suffixes
from readlist.venues import ARTICLE, INPROCEEDINGS, entry_venue, publication_year

if TYPE_CHECKING:
    from bibtexparser.model import Field

__all__ = ["BibtexExportError", "export_bibtex", "parse_bibtex"]


class BibtexExportError(InvalidInput):
    """The export would not read back as BibTeX; the caller writes nothing."""


MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
#: Entry types every BibTeX style knows; biblatex-only types are mapped onto them.
BIBTEX_TYPES = word_set(
    "article book booklet inbook incollection inproceedings conference manual mastersthesis misc"
    " phdthesis proceedings techreport unpublished"
)
_TYPE_ALIASES = {"report": "techreport", "thesis": "phdthesis", "mvbook": "book"}
_BOOKTITLE_TYPES = frozenset({"inproceedings", "incollection", "conference", "inbook"})
#: Fields of an imported entry that are exported again, in this order. Others (file,
#: timestamp, comments, crossref ...) stay in the store: biber rejects or cannot resolve them.
EXPORTED_EXTRA_FIELDS = (
    "editor", "howpublished", "volume", "number", "pages", "chapter", "series", "edition", "type",
    "address", "publisher", "organization", "institution", "school", "note", "isbn", "issn", "doi",
    "keywords", "urldate", "key",
)  # fmt: skip
#: Identifiers and numbers: stored exactly as written, never LaTeX-decoded.
VERBATIM_FIELDS = word_set(
    "url doi eprint isbn issn pages volume number month year urldate archiveprefix primaryclass file"
)
_KEY_OK = re.compile(r"[^\s,{}()\"#%'=\\~]+")
_ARXIV_VERSION = re.compile(r"v\d+$")
_YEAR = re.compile(r"\d{4}")
_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]+")


def export_bibtex(entries: list[Entry], profile: str = "bibtex", keep_comments: bool = False) -> str:
    """The .bib text of `entries`, sorted by key; `BibtexExportError` if it would be unsound."""
    return export_bibtex_with_warnings(entries, profile, keep_comments)[0]


def export_bibtex_with_warnings(
    entries: list[Entry], profile: str = "bibtex", keep_comments: bool = False
) -> tuple[str, list[str]]:
    """`export_bibtex`, plus one line for each entry the output cannot carry as it is.

    The text is read back before it is returned: no broken block, no entry lost. A large
    export is written and checked in two halves at once, the second by a forked process
    (about half the time on two cores; the halves join into exactly the one-piece text).
    """
    if profile not in PROFILES:
        raise InvalidInput(f"unknown BibTeX profile {profile!r}; choose one of {', '.join(PROFILES)}")
    _check_keys(entries)
    ordered = sorted(entries, key=lambda entry: entry.key)
    if len(ordered) < _PARALLEL_ENTRIES or (os.cpu_count() or 1) < 2:
        parts = [_export_part(ordered, profile, keep_comments)]
    else:
        parts = _export_in_two(ordered, profile, keep_comments)
    text = _BLOCK_SEPARATOR.join(part.text for part in parts if part.text)
    read, lines_before = 0, 0
    for part in parts:
        if part.failed:
            raise BibtexExportError(
                f"the export does not read back as BibTeX ({part.failed} broken block(s), the first at "
                f"line {lines_before + (part.first_failed_line or 0)}); nothing was written"
            )
        read += part.entries_read
        lines_before += part.text.count("\n") + 1
    if read != len(ordered):
        raise BibtexExportError(
            f"the export reads back as {read} entries instead of {len(ordered)}; nothing was written"
        )
    return text, [warning for part in parts for warning in part.warnings]


#: Below this many entries the export runs in-process; above, half of it in a second process.
_PARALLEL_ENTRIES = 4000
_BLOCK_SEPARATOR = "\n"
_FORKED_ENTRIES: list[Entry] = []  # what a forked worker reads its half from (never pickled)


@dataclass(frozen=True, slots=True)
class _Part:
    text: str
    entries_read: int
    first_failed_line: int | None
    failed: int
    warnings: list[str]


def _export_in_two(ordered: list[Entry], profile: str, keep_comments: bool) -> list[_Part]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _FORKED_ENTRIES
    middle = len(ordered) // 2
    _FORKED_ENTRIES = ordered
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            later = pool.submit(_export_forked_slice, middle, len(ordered), profile, keep_comments)
            first = _export_part(ordered[:middle], profile, keep_comments)
            return [first, later.result()]
    finally:
        _FORKED_ENTRIES = []


def _export_forked_slice(start: int, stop: int, profile: str, keep_comments: bool) -> _Part:
    return _export_part(_FORKED_ENTRIES[start:stop], profile, keep_comments)


def _export_part(ordered: list[Entry], profile: str, keep_comments: bool) -> _Part:
    """Write `ordered` (already sorted) and read the text back with bibtexparser.

    Millions of short-lived objects and no reference cycles: the cyclic GC would only rescan
    them (a fifth of the time at 100k entries), so it is paused for the duration.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _write_and_read_back(ordered, profile, keep_comments)
    finally:
        if was_enabled:
            gc.enable()


def _write_and_read_back(ordered: list[Entry], profile: str, keep_comments: bool) -> _Part:
    from bibtexparser import Library, parse_string, write_string
    from bibtexparser.middlewares import default_unparse_stack
    from bibtexparser.model import Block
    from bibtexparser.model import Entry as BibEntry
    from bibtexparser.writer import BibtexFormat

    if not ordered:
        return _Part("", 0, None, 0, [])
    blocks: list[Block] = [BibEntry(*_bibtex_entry(entry, profile, keep_comments)) for entry in ordered]
    fmt = BibtexFormat()  # type: ignore[no-untyped-call]
    fmt.indent, fmt.value_column, fmt.trailing_comma, fmt.block_separator = "  ", 16, True, _BLOCK_SEPARATOR
    text: str = write_string(
        Library(blocks),
        unparse_stack=default_unparse_stack(allow_inplace_modification=True),
        bibtex_format=fmt,
    )
    library = parse_string(text, parse_stack=[])
    first = _line(library.failed_blocks[0]) if library.failed_blocks else None
    warnings = [warning for entry in ordered for warning in _warnings(entry, profile)]
    return _Part(text, len(library.entries), first, len(library.failed_blocks), warnings)


def _warnings(entry: Entry, profile: str) -> list[str]:
    """What this entry's BibTeX cannot carry as it is: a missing year, letters it simplified."""
    warnings = []
    if publication_year(entry) is None and not entry.extra.get("year"):
        warnings.append(f"{entry.key} has no year; BibTeX styles will warn (readlist edit {entry.key} --year YYYY)")
    if profile == "bibtex":
        letters = transliterated(" ".join([entry.title, *entry.authors]))  # what styles print
        if letters:
            warnings.append(
                f"{entry.key}: {''.join(letters[:8])} written in plain Latin letters for pdflatex "
                "(--profile biblatex keeps them, for XeLaTeX or LuaLaTeX)"
            )
    return warnings


def parse_bibtex(text: str, file: str) -> tuple[list[Entry], list[Problem]]:
    """Entries of a user's .bib file as readlist stores them; each broken block is a Problem.

    `@string` macros are resolved, LaTeX is decoded to Unicode (protective braces that
    `protect_title` would add again are dropped), names come back in digest form.
    """
    from bibtexparser import parse_string

    # bibtexparser logs each broken block itself; readlist reports them as problems instead.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    library = parse_string(text)
    problems = [_problem(block, file) for block in library.failed_blocks]
    entries: list[Entry] = []
    for block in library.entries:
        fields: dict[str, str] = {}
        for field in block.fields:
            name = field.key.lower()
            if name in fields:
                problems.append(Problem(file, _line(field), f"{block.key}: field {name!r} repeated, first kept"))
            else:
                fields[name] = str(field.value)
        entry = _stored_entry(block.key, block.entry_type.lower(), fields)
        entry.sightings = [Sighting(file, "", "", _line(block) or 0)]
        entries.append(entry)
    return entries, problems


def _bibtex_entry(entry: Entry, profile: str, keep_comments: bool) -> tuple[str, str, list[Field]]:
    """Type, key and fields of one entry, every value already LaTeX-safe (§6 field order)."""
    from bibtexparser.model import Field

    def text(value: str) -> str:
        return escape_text(value, profile)

    entry_type, venue_name = _type_and_venue(entry)
    extra = {name.lower(): value for name, value in entry.extra.items() if name != "ENTRYTYPE"}
    arxiv_id = _ARXIV_VERSION.sub("", entry.arxiv.strip()) if entry.arxiv else ""
    year = publication_year(entry)
    fields: dict[str, str] = {
        "author": " and ".join(_bibtex_author(author, profile) for author in join_suffixes(entry.authors)),
        "title": protect_title(entry.title, profile),
        "journal" if entry_type == ARTICLE else "booktitle": text(venue_name or ""),
        "howpublished": text(extra.get("howpublished", "")) or _howpublished(entry, entry_type, arxiv_id, profile),
        "year": str(year) if year is not None else extra.get("year", ""),
    }
    if not fields["author"] and not extra.get("editor") and not extra.get("key"):
        fields["key"] = text(entry.title)  # BibTeX sorts and labels by it when no author
    for name in EXPORTED_EXTRA_FIELDS:
        if extra.get(name) and not fields.get(name):
            fields[name] = sanitize_url(extra[name]) if name == "doi" else text(extra[name])
    if arxiv_id:
        fields["eprint"] = sanitize_url(arxiv_id)
        fields["archivePrefix"] = "arXiv"
        fields["primaryClass"] = sanitize_url(entry.primary_class or "")
        fields["url"] = (
            sanitize_url(entry.url)
            if "url" in entry.edited and entry.url
            else (f"https://arxiv.org/abs/{fields['eprint']}")
        )
    else:
        fields["url"] = sanitize_url(entry.url or "")
    fields["abstract"] = text(entry.abstract)
    fields["annote"] = text(entry.comment or "") if keep_comments else ""
    built = [Field(name, value) for name, value in fields.items() if value]
    # The digest's month only goes with the digest's year, not with a year set by hand.
    digest_month = _digest_month(entry) if entry_type == "misc" and "year" not in entry.edited else ""
    month = _month_macro(extra.get("month")) or digest_month
    if month:
        after_year = next((i + 1 for i, field in enumerate(built) if field.key == "year"), len(built))
        built.insert(after_year, Field("month", month, enclosing="no-enclosing"))
    return entry_type, entry.key, built


def _type_and_venue(entry: Entry) -> tuple[str, str | None]:
    """Imported entries keep their type and venue wording; others follow `entry_venue`."""
    imported = entry.extra.get("ENTRYTYPE", "").lower()
    if imported:
        imported = _TYPE_ALIASES.get(imported, imported if imported in BIBTEX_TYPES else "misc")
    venue_text = (entry.venue or "").strip()
    if imported and not venue_text:
        return imported, None
    if imported == ARTICLE or imported in _BOOKTITLE_TYPES:
        return imported, venue_text
    venue = entry_venue(entry)  # a digest entry, or a venue set by hand on an imported one
    if venue is None:
        return "misc", None
    return (ARTICLE if venue.kind == ARTICLE else INPROCEEDINGS), venue.name


def _howpublished(entry: Entry, entry_type: str, arxiv_id: str, profile: str) -> str:
    """`arXiv preprint arXiv:<id>` for preprints (plainnat/IEEEtran ignore `eprint`)."""
    if entry_type != "misc":
        return ""
    if arxiv_id:
        return "" if profile == "biblatex" else f"arXiv preprint arXiv:{sanitize_url(arxiv_id)}"
    return "arXiv preprint" if entry.sightings else ""


def _month_macro(value: str | None) -> str:
    """`mar` from "mar", "March", "3" or "03"; "" for anything else (biber rejects it)."""
    value = (value or "").strip().lower()
    if value.isdigit() and 1 <= int(value) <= 12:
        return MONTHS[int(value) - 1]
    return value[:3] if value.isalpha() and value[:3] in MONTHS else ""


def _digest_month(entry: Entry) -> str:
    first = entry.first_date or ""
    return _month_macro(first[5:7]) if re.match(r"\d{4}-\d\d", first) else ""


def _check_keys(entries: list[Entry]) -> None:
    seen: dict[str, str] = {}
    for entry in entries:
        if not _KEY_OK.fullmatch(entry.key):
            raise BibtexExportError(f"citation key {entry.key!r} cannot be written in BibTeX")
        folded = entry.key.casefold()
        if folded in seen:
            raise BibtexExportError(
                f"citation keys {seen[folded]!r} and {entry.key!r} differ only in case, which BibTeX and biber reject"
            )
        seen[folded] = entry.key


@lru_cache(maxsize=65536)  # the same people write many papers: a library repeats names a lot
def _bibtex_author(author: str, profile: str) -> str:
    """One digest author as BibTeX `von Last, Jr, First` ("X et al." gives `... and others`)."""

    def name_text(value: str) -> str:
        if profile == "bibtex" and _GREEK.search(value):
            # In a title a Greek letter is mathematics ($\alpha$); in a name it is a letter.
            from anyascii import anyascii

            value = _GREEK.sub(lambda run: anyascii(run[0]), value)
        # natbib puts names inside \bibitem[...]: a bare bracket would end that argument.
        return escape_text(value, profile).replace("[", "{[}").replace("]", "{]}")

    return bibtex_authors([author], name_text)


def _stored_entry(key: str, entry_type: str, fields: dict[str, str]) -> Entry:
    """One parsed .bib entry as readlist stores it; unknown fields go to `extra`."""

    def take(name: str) -> str:
        value = fields.pop(name, "")
        return " ".join(value.split()) if name in VERBATIM_FIELDS else decode_latex(value)

    venue_field = "booktitle" if entry_type != ARTICLE and "booktitle" in fields else "journal"
    year = take("year")
    arxiv = ""
    if fields.get("eprint") and fields.get("archiveprefix", "arxiv").lower() == "arxiv":
        arxiv = _ARXIV_VERSION.sub("", take("eprint"))
        take("archiveprefix")
    entry = Entry(
        key=key,
        title=unprotect_title(decode_latex(fields.pop("title", ""), keep_groups=True)),
        authors=_digest_names(fields.pop("author", "")),
        abstract=take("abstract"),
        comment=take("annote") or None,
        year=int(year) if _YEAR.fullmatch(year) else None,
        venue=take(venue_field) or None,
        url=take("url") or None,
        arxiv=arxiv or None,
        primary_class=(take("primaryclass") or None) if arxiv else None,
    )
    entry.extra = {name: take(name) for name in list(fields)}
    entry.extra["ENTRYTYPE"] = entry_type
    if year and entry.year is None:
        entry.extra["year"] = year
    return entry


def _digest_names(value: str) -> list[str]:
    """BibTeX names -> "Given von Last, Jr." strings, as a digest lists authors."""
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    names = []
    for raw in split_multiple_persons_names(value):
        if raw.strip().lower() == "others":
            names.append("et al.")
            continue
        parts = parse_single_name_into_parts(raw, strict=False)
        first, von, last, jr = (
            _unbraced(decode_latex(" ".join(part))) for part in (parts.first, parts.von, parts.last, parts.jr)
        )
        names.append(digest_form(first, von, last, jr))
    return names


def _unbraced(text: str) -> str:
    return text[1:-1] if text.startswith("{") and text.endswith("}") and text.count("{") == 1 else text


def _problem(block: Any, file: str) -> Problem:
    from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock

    if isinstance(block, DuplicateBlockKeyBlock):
        message = f"citation key {block.key!r} used twice; the second entry was skipped"
    elif isinstance(block, DuplicateFieldKeyBlock):
        repeated = ", ".join(sorted(block.duplicate_keys))
        message = f"field(s) {repeated} repeated in one entry; the entry was skipped"
    else:
        reason = getattr(getattr(block, "error", None), "abort_reason", "") or "syntax error"
        message = f"this block could not be read ({reason.strip()}); it was skipped"
    return Problem(file, _line(block), message)


def _line(block: Any) -> int | None:
    """1-based line of a bibtexparser block or field (theirs are 0-based)."""
    start = getattr(block, "start_line", None)
    return start + 1 if isinstance(start, int) else None
