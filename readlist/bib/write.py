"""Entries -> .bib text (BIBTEX.md §0-§6), with bibtexparser 2.x.

Export builds bibtexparser `Entry`/`Field` objects from strings that are already LaTeX-safe
(`readlist.bib.latex`), writes each entry's block with the in-place unparse stack and
re-parses the blocks: a block that does not read back as exactly its entry is an error, never
something handed to the user. Checked blocks can be cached by the entry's content
(`BlockCache`), so an unchanged entry is neither written nor checked again. A large export
runs in two halves at once (`readlist.bib.parallel`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from readlist import __version__
from readlist.bib.keys import CITABLE_KEY
from readlist.bib.latex import escape_text, protect_title, sanitize_url
from readlist.bib.latex_unicode import transliterated, word_set
from readlist.bib.parallel import in_two
from readlist.bib.read import ARXIV_VERSION, block_line
from readlist.bib.venues import ARTICLE, INPROCEEDINGS, entry_venue, publication_year
from readlist.errors import InvalidInput
from readlist.models import BIBTEX, Entry, Profile
from readlist.names import bibtex_authors, join_suffixes

if TYPE_CHECKING:
    from bibtexparser.model import Field

__all__ = ["BibtexExportError", "BlockCache", "Pending", "export_bibtex", "export_bibtex_with_warnings"]


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
_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]+")


def export_bibtex(entries: list[Entry], profile: Profile = BIBTEX, keep_comments: bool = False) -> str:
    """The .bib text of `entries`, sorted by key; `BibtexExportError` if it would be unsound."""
    return export_bibtex_with_warnings(entries, profile, keep_comments)[0]


@dataclass(frozen=True, slots=True)
class Pending:
    """An entry to export, known by its key and a hash of its content: it is built (`build`)
    only when no checked block of that content is cached."""

    key: str
    content: bytes
    build: Callable[[], Entry]


class BlockCache(Protocol):
    """Checked BibTeX blocks by content hash, for one `variant` (profile and options)."""

    def bibtex(self, variant: str) -> Mapping[bytes, tuple[str, list[str]]]: ...

    def remember_bibtex(self, variant: str, blocks: Iterable[tuple[bytes, str, list[str]]]) -> None: ...


#: Part of every cached block's variant: a new readlist writes its blocks anew.
BLOCK_FORMAT = f"1/{__version__}"


def export_bibtex_with_warnings(
    entries: Sequence[Entry | Pending],
    profile: Profile = BIBTEX,
    keep_comments: bool = False,
    cache: BlockCache | None = None,
) -> tuple[str, list[str]]:
    """`export_bibtex`, plus one line for each entry the output cannot carry as it is.

    Every entry's block is read back before it is used: it must parse as exactly that entry,
    the whole of its text, with no broken block, so that blocks joined in any order are a
    file that reads back as those entries. A `cache` keeps checked blocks by the content hash
    of `Pending` entries: an entry whose content is unchanged is not written or checked again.
    A large export is written and checked in two halves at once.
    """
    pending = [item if isinstance(item, Pending) else Pending(item.key, b"", _given(item)) for item in entries]
    _check_keys([item.key for item in pending])
    ordered = sorted(pending, key=lambda item: item.key)
    variant = f"{profile.name}/{'annote' if keep_comments else 'plain'}/{BLOCK_FORMAT}"
    known = cache.bibtex(variant) if cache is not None else {}
    missing = [item for item in ordered if not item.content or item.content not in known]
    written = _checked_blocks([item.build() for item in missing], profile, keep_comments)
    fresh = {item.key: block for item, block in zip(missing, written, strict=True)}
    if cache is not None and missing:
        cache.remember_bibtex(variant, [(item.content, *fresh[item.key]) for item in missing if item.content])
    blocks = [fresh[item.key] if item.key in fresh else known[item.content] for item in ordered]
    text = _BLOCK_SEPARATOR.join(block for block, _ in blocks)
    warnings = [warning for _, warnings in blocks for warning in warnings]
    if not profile.keep_letters:  # BibTeX styles: biber letters any number of alike labels
        warnings += crowded_labels([block for block, _ in blocks])
    return text, warnings


#: natbib's author-year styles (plainnat) tell alike labels apart by a letter: 2024a ... 2024z.
MOST_ALIKE_LABELS = 26
_KEY_AUTHOR_YEAR = re.compile(
    r"@\w+\{(?P<key>[^,\s]+),.*?^\s*author\s*=\s*\{(?P<author>.*?)\},\s*$(?:.*?^\s*year\s*=\s*\{(?P<year>[^}]*)\})?",
    re.DOTALL | re.MULTILINE,
)


def crowded_labels(blocks: list[str]) -> list[str]:
    """A warning for each author-year label (`Chen et al. 2024`) more than 26 entries share:
    plainnat writes the 27th as `2024{` and neither BibTeX nor LaTeX gets through the file.
    Read from the blocks themselves, so that an export from the cache pays only a regex."""
    by_label: dict[tuple[str, str], list[str]] = {}
    for block in blocks:
        found = _KEY_AUTHOR_YEAR.match(block)
        if found is None:
            continue
        names = _TOP_LEVEL_AND.split(found["author"])
        family = names[0].split(",")[0].strip()
        label = family if len(names) == 1 else f"{family} et al." if len(names) > 2 else f"{family} and others"
        if len(names) == 2:
            second = names[1].split(",")[0].strip()
            label = f"{family} et al." if second == "others" else f"{family} and {second}"
        by_label.setdefault((label, found["year"] or ""), []).append(found["key"])
    return [
        f'{len(keys)} entries share the label "{label} {year}" ({", ".join(keys[:3])} ...): natbib\'s '
        f"author-year styles (plainnat) letter at most {MOST_ALIKE_LABELS} alike and fail beyond; export "
        "fewer of them together, or cite with a numeric style (IEEEtran, plain) or biblatex"
        for (label, year), keys in by_label.items()
        if len(keys) > MOST_ALIKE_LABELS
    ]


_TOP_LEVEL_AND = re.compile(r"\s+and\s+(?![^{}]*\})")


def _given(entry: Entry) -> Callable[[], Entry]:
    return lambda: entry


def _checked_blocks(ordered: list[Entry], profile: Profile, keep_comments: bool) -> list[tuple[str, list[str]]]:
    """Each entry's block and warnings, in order, every block read back (two halves at once
    when there are many)."""

    if not ordered:  # everything came from a cache: bibtexparser is not even imported
        return []

    def export_part(part: list[Entry]) -> _Part:
        return _write_and_read_back(part, profile, keep_comments)

    parts = [export_part(ordered)] if len(ordered) < _PARALLEL_ENTRIES else in_two(ordered, export_part)
    lines_before = 0
    for part in parts:
        if part.failed:
            raise BibtexExportError(
                f"the export does not read back as BibTeX ({part.failed} broken block(s), the first at "
                f"line {lines_before + (part.first_failed_line or 0)}); nothing was written"
            )
        if part.mismatched is not None:
            raise BibtexExportError(
                f"the export of {part.mismatched} does not read back as that entry alone; nothing was written"
            )
        lines_before += sum(block.count("\n") for block, _ in part.blocks) + len(part.blocks)
    return [block for part in parts for block in part.blocks]


#: Below this many entries the export runs in-process; above, half of it in a second process.
_PARALLEL_ENTRIES = 4000
_BLOCK_SEPARATOR = "\n"


@dataclass(frozen=True, slots=True)
class _Part:
    blocks: list[tuple[str, list[str]]]  # (text, warnings) of each entry
    first_failed_line: int | None
    failed: int
    mismatched: str | None  # the key of the first entry whose block reads back otherwise


def _write_and_read_back(ordered: list[Entry], profile: Profile, keep_comments: bool) -> _Part:
    from bibtexparser import Library, parse_string, write_string
    from bibtexparser.middlewares import default_unparse_stack
    from bibtexparser.model import Entry as BibEntry
    from bibtexparser.writer import BibtexFormat

    if not ordered:
        return _Part([], None, 0, None)
    fmt = BibtexFormat()  # type: ignore[no-untyped-call]
    fmt.indent, fmt.value_column, fmt.trailing_comma, fmt.block_separator = "  ", 16, True, _BLOCK_SEPARATOR
    unparse = default_unparse_stack(allow_inplace_modification=True)
    texts: list[str] = [
        write_string(
            Library([BibEntry(*_bibtex_entry(entry, profile, keep_comments))]),
            unparse_stack=unparse,
            bibtex_format=fmt,
        )
        for entry in ordered
    ]
    library = parse_string(_BLOCK_SEPARATOR.join(texts), parse_stack=[])
    first = block_line(library.failed_blocks[0]) if library.failed_blocks else None
    read = library.entries
    mismatched = next(
        (
            entry.key
            for index, entry in enumerate(ordered)
            if index >= len(read) or read[index].key != entry.key or read[index].raw != texts[index].rstrip("\n")
        ),
        None,
    )
    if len(read) > len(ordered) and mismatched is None:
        mismatched = read[len(ordered)].key
    blocks = [(text, _warnings(entry, profile)) for text, entry in zip(texts, ordered, strict=True)]
    return _Part(blocks, first, len(library.failed_blocks), mismatched)


def _warnings(entry: Entry, profile: Profile) -> list[str]:
    """What this entry's BibTeX cannot carry as it is: a missing year, letters it simplified."""
    warnings = []
    if publication_year(entry) is None and not entry.extra.get("year"):
        warnings.append(f"{entry.key} has no year; BibTeX styles will warn (readlist edit {entry.key} --year YYYY)")
    if not profile.keep_letters:
        letters = transliterated(" ".join([entry.title, *entry.authors]))  # what styles print
        if letters:
            warnings.append(
                f"{entry.key}: {''.join(letters[:8])} written in plain Latin letters for pdflatex "
                "(--profile biblatex keeps them, for XeLaTeX or LuaLaTeX)"
            )
    return warnings


def _bibtex_entry(entry: Entry, profile: Profile, keep_comments: bool) -> tuple[str, str, list[Field]]:
    """Type, key and fields of one entry, every value already LaTeX-safe (§6 field order)."""
    from bibtexparser.model import Field

    def text(value: str) -> str:
        return escape_text(value, profile)

    def url(value: str) -> str:
        """A URL or DOI; for BibTeX styles a `%` is `\\%`: without the url package, plainnat's
        `\\url` is `\\texttt` and a bare `%` would start a comment (biber reads it verbatim)."""
        safe = sanitize_url(value)
        return safe if profile.keep_letters else safe.replace("%", "\\%")

    entry_type, venue_name = _type_and_venue(entry)
    extra = {name.lower(): value for name, value in entry.extra.items() if name != "ENTRYTYPE"}
    arxiv_id = ARXIV_VERSION.sub("", entry.arxiv.strip()) if entry.arxiv else ""
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
            fields[name] = url(extra[name]) if name == "doi" else text(extra[name])
    if arxiv_id:
        fields["eprint"] = sanitize_url(arxiv_id)
        fields["archivePrefix"] = "arXiv"
        fields["primaryClass"] = sanitize_url(entry.primary_class or "")
        fields["url"] = (
            url(entry.url) if "url" in entry.edited and entry.url else (f"https://arxiv.org/abs/{fields['eprint']}")
        )
    else:
        fields["url"] = url(entry.url or "")
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
    """Imported entries keep their type and venue wording; a type set with `edit` is kept
    whatever the venue (which goes to `journal` or `booktitle` when the type has one). Others
    follow `entry_venue`, and so does a venue set by hand on an imported article or paper: its
    wording names its kind (`ICLR` is proceedings), not the type an import gave (a book stays a book)."""
    imported = entry.extra.get("ENTRYTYPE", "").lower()
    if imported:
        imported = _TYPE_ALIASES.get(imported, imported if imported in BIBTEX_TYPES else "misc")
    if "venue" in entry.edited and "type" not in entry.edited and imported in (ARTICLE, INPROCEEDINGS, "misc"):
        imported = ""
    venue_text = (entry.venue or "").strip()
    has_venue_field = imported == ARTICLE or imported in _BOOKTITLE_TYPES
    if imported and (not venue_text or "type" in entry.edited):
        return imported, venue_text if has_venue_field and venue_text else None
    if has_venue_field:
        return imported, venue_text
    venue = entry_venue(entry)  # a digest entry, or a venue set by hand on an imported one
    if venue is None:
        return "misc", None
    return (ARTICLE if venue.kind == ARTICLE else INPROCEEDINGS), venue.name


def _howpublished(entry: Entry, entry_type: str, arxiv_id: str, profile: Profile) -> str:
    """`arXiv preprint arXiv:<id>` for preprints (plainnat/IEEEtran ignore `eprint`)."""
    if entry_type != "misc":
        return ""
    if arxiv_id:
        return f"arXiv preprint arXiv:{sanitize_url(arxiv_id)}" if profile.arxiv_howpublished else ""
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


def _check_keys(keys: list[str]) -> None:
    seen: dict[str, str] = {}
    for key in keys:
        if not CITABLE_KEY.fullmatch(key):
            raise BibtexExportError(f"citation key {key!r} cannot be written in BibTeX")
        folded = key.casefold()
        if folded in seen:
            raise BibtexExportError(
                f"citation keys {seen[folded]!r} and {key!r} differ only in case, which BibTeX and biber reject"
            )
        seen[folded] = key


@lru_cache(maxsize=65536)  # the same people write many papers: a library repeats names a lot
def _bibtex_author(author: str, profile: Profile) -> str:
    """One digest author as BibTeX `von Last, Jr, First` ("X et al." gives `... and others`)."""

    def name_text(value: str) -> str:
        if not profile.keep_letters and _GREEK.search(value):
            # In a title a Greek letter is mathematics ($\alpha$); in a name it is a letter.
            from anyascii import anyascii

            value = _GREEK.sub(lambda run: anyascii(run[0]), value)
        # natbib puts names inside \bibitem[...]: a bare bracket would end that argument.
        return escape_text(value, profile).replace("[", "{[}").replace("]", "{]}")

    return bibtex_authors([author], name_text)
