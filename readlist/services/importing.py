"""Importing digests and BibTeX into the store: one entry per paper, every sighting kept.

The rules:
- a paper is recognised by its arXiv id, else by `textnorm.identity` (folded title + first
  family name), across files and across imports;
- the sighting with the newest digest date (`Sighting.recency`) supplies title, authors,
  abstract and comment, so the result does not depend on the order files are imported in;
- fields in `Entry.edited` were set by hand and are never overwritten;
- importing the same digest again changes nothing;
- citation keys are assigned once, in (first date, arXiv id, title) order, and stored.
"""

from __future__ import annotations

import stat
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from readlist import readers, textnorm
from readlist.bib.keys import KeyAllocator, assign_key
from readlist.errors import UnreadableFile
from readlist.models import EXTRA_EDITABLE, DigestItem, Entry, ImportReport, Problem, ReadResult, Sighting
from readlist.readers.base import Reader, decode
from readlist.store import Store

STDIN = "-"
#: Larger than any digest or .bib file a person keeps; stops `import - < /dev/zero` early.
MAX_INPUT_BYTES = 64 * 1024 * 1024
_CHUNK = 1024 * 1024

ProgressCallback = Callable[[int, int], None]


@dataclass(slots=True)
class _Source:
    name: str  # what the user sees in messages
    path: Path | None  # None for stdin


def expand_paths(paths: Iterable[str]) -> tuple[list[_Source], list[Problem]]:
    """Files as given, directories searched recursively for the formats readlist reads."""
    sources: list[_Source] = []
    problems: list[Problem] = []
    for raw in paths:
        if not raw.strip():  # an unset shell variable must not mean "the current directory"
            problems.append(Problem(repr(raw), None, "empty path"))
            continue
        if raw == STDIN:
            sources.append(_Source("<stdin>", None))
            continue
        path = Path(raw)
        if path.is_dir():
            found = _files_in(path, problems)
            if not found:
                kinds = ", ".join(sorted(readers.suffixes()))
                problems.append(Problem(raw, None, f"no files that readlist reads in this directory ({kinds})"))
            sources.extend(_Source(str(p), p) for p in found)
        elif path.exists():  # a regular file, or a pipe or device named on the command line
            sources.append(_Source(raw, path))
        else:
            problems.append(Problem(raw, None, "no such file or directory"))
    return sources, problems


def _files_in(folder: Path, problems: list[Problem]) -> list[Path]:
    """The files readlist reads under `folder`, hidden ones (.git, editor backups) left out;
    a subdirectory that cannot be read is a problem, never skipped in silence."""
    import os

    def unreadable(exc: OSError) -> None:
        problems.append(Problem(str(exc.filename or folder), None, f"cannot read this directory ({exc.strerror})"))

    found = []
    for here, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        for name in files:
            file = Path(here, name)
            if not name.startswith(".") and file.suffix.lower() in readers.suffixes() and file.is_file():
                found.append(file)
    return sorted(found)


def read_source(source: _Source, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a file, a named pipe or stdin, refusing binary streams and anything over `limit`."""
    if source.path is None:
        return _read_limited(sys.stdin.buffer, source.name, limit)
    try:
        if not stat.S_ISREG(source.path.stat().st_mode):
            with source.path.open("rb", buffering=0) as stream:
                return _read_limited(stream, source.name, limit)
        if source.path.stat().st_size > limit:
            raise UnreadableFile(source.name, None, _too_large(limit))
        return source.path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(source.name, None, f"cannot read ({exc.strerror})") from exc


def _read_limited(stream: BinaryIO, name: str, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(_CHUNK):
        if not chunks and b"\x00" in chunk[:8192]:
            raise UnreadableFile(name, None, "looks like a binary file (it contains NUL bytes)")
        size += len(chunk)
        if size > limit:
            raise UnreadableFile(name, None, _too_large(limit))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> str:
    return f"larger than {limit / 2**20:.3g} MB (--max-size); not a digest or .bib file"


def import_files(
    db: Path | None,
    paths: list[str],
    now: str,
    tags: list[str] | None = None,
    progress: ProgressCallback | None = None,
    format_name: str | None = None,
    max_size: int = MAX_INPUT_BYTES,
) -> ImportReport:
    """`readlist import`: read every file and merge it into the store named by `--db`."""
    from readlist.services.library import normalise_tag
    from readlist.services.session import writing

    forced = format_name and readers.reader_named(format_name)  # before the store is locked
    with writing(db) as store:
        tag_list = [normalise_tag(t) for t in tags or []]
        report = import_paths(store, paths, now, tag_list, progress, forced or None, max_size)
        if report.new:
            store.remember_import(report.new, now)
        return report


def import_paths(
    store: Store,
    paths: list[str],
    now: str,
    tags: list[str] | None = None,
    progress: ProgressCallback | None = None,
    forced: Reader | None = None,
    max_size: int = MAX_INPUT_BYTES,
) -> ImportReport:
    """Read every file (each by the reader its content calls for, or `forced`) and merge."""
    sources, problems = expand_paths(paths)
    report = ImportReport(problems=problems)
    items: list[tuple[str, DigestItem]] = []
    records: list[Entry] = []
    own = store.path.resolve()
    for done, source in enumerate(sources, start=1):
        if source.path is not None and source.path.resolve() == own:
            report.problems.append(Problem(source.name, None, "this is the reading list's own store; skipped"))
            continue
        try:
            result = _read_file(source, forced, max_size)
        except UnreadableFile as exc:
            report.problems.append(Problem(exc.file, exc.line, exc.reason))
            continue
        report.files.append(source.name)
        items.extend((Path(source.name).name, item) for item in result.items)
        records.extend(result.records)
        report.problems.extend(result.problems)
        if progress:
            progress(done, len(sources))
    _Merger(store, report, tags or [], now).run(
        items, records, source_names={Path(name).name: name for name in report.files}
    )
    return report


def _read_file(source: _Source, forced: Reader | None, max_size: int) -> ReadResult:
    """What one file lists; its bytes and text are freed on return, before the next file is read."""
    return readers.read(decode(read_source(source, max_size), source.name), source.name, forced)


def merge_listings(store: Store, listings: list[tuple[str, DigestItem]], now: str, tags: list[str]) -> ImportReport:
    """Fold listings from elsewhere (the arXiv API) into the store by the rules of an import."""
    report = ImportReport()
    _Merger(store, report, tags, now).run(listings, [], {})
    return report


@dataclass(slots=True)
class _NewPaper:
    """A paper no entry holds yet: its listings in this import, oldest first."""

    sightings: list[Sighting] = field(default_factory=list)
    items: list[DigestItem] = field(default_factory=list)


class _Merger:
    """Folds parsed items into the store's entries: one pass, one save."""

    def __init__(self, store: Store, report: ImportReport, tags: list[str], now: str) -> None:
        self.store = store
        self.report = report
        self.tags = tags
        self.now = now
        self.entries = {e.key: e for e in store.entries()}
        self.by_identity = {_identity(e): e.key for e in self.entries.values()}
        self.by_arxiv = {e.arxiv: e.key for e in self.entries.values() if e.arxiv}
        self.keys = KeyAllocator(self.entries)
        self.removed_identities, self.removed_arxiv = store.removed_papers()
        self.listed: dict[str, Entry] = {}  # every entry the imported files mention
        self.changed: dict[str, Entry] = {}

    def run(self, items: list[tuple[str, DigestItem]], records: list[Entry], source_names: dict[str, str]) -> None:
        """Digests first, so that a .bib entry of a paper a digest just added merges into it."""
        self._take_listings(sorted(items, key=lambda pair: _sighting(*pair).recency()))
        for entry in records:
            self._merge_bib(entry, source_names)
        for entry in self.listed.values():
            missing = [t for t in self.tags if t not in entry.tags]
            if missing:
                entry.tags.extend(missing)
                self.changed[entry.key] = entry
        changed = self.changed
        self.entries, self.listed, self.changed = {}, {}, {}  # the store's copy is all that stays
        self.store.save(changed.pop(key) for key in list(changed))

    def _take_listings(self, items: list[tuple[str, DigestItem]]) -> None:
        """Each listing, oldest first, joins the entry of its paper, or a paper new to the list."""
        new_papers: list[_NewPaper] = []
        pending: dict[str, _NewPaper] = {}  # by identity and by "arxiv:" + id
        for file_name, item in items:
            ident = textnorm.identity(item.title, item.authors)
            sighting = _sighting(file_name, item)
            key = self._known(item.arxiv, ident)
            if key is not None:
                self._merge_sighting(self.entries[key], sighting, item)
                self.by_identity.setdefault(ident, key)  # the title as this listing gives it
                continue
            if ident in self.removed_identities or (item.arxiv and item.arxiv in self.removed_arxiv):
                self.report.skipped += 1
                continue
            paper = (item.arxiv and pending.get("arxiv:" + item.arxiv)) or pending.get(ident)
            if paper is None:
                paper = _NewPaper()
                new_papers.append(paper)
            else:
                self.report.repeated += 1
            paper.sightings.append(sighting)
            paper.items.append(item)
            pending[ident] = paper
            if item.arxiv:
                pending["arxiv:" + item.arxiv] = paper
        self._create(new_papers)

    def _known(self, arxiv_id: str | None, ident: str) -> str | None:
        """The key of the entry for this paper: the same arXiv id, else the same title and first author.

        A title match with an entry of another arXiv id is another paper.
        """
        if arxiv_id and arxiv_id in self.by_arxiv:
            return self.by_arxiv[arxiv_id]
        key = self.by_identity.get(ident)
        if key is not None and arxiv_id and self.entries[key].arxiv not in (None, arxiv_id):
            return None
        return key

    def _mark_merged(self, entry: Entry) -> None:
        self.changed[entry.key] = entry
        if entry.key not in self.report.merged and entry.key not in self.report.new:
            self.report.merged.append(entry.key)

    def _merge_sighting(self, entry: Entry, sighting: Sighting, item: DigestItem) -> None:
        self.listed[entry.key] = entry
        if any(s.same_source(sighting) for s in entry.sightings):
            # The same listing again (or the same post in another form): at most it links the paper.
            if _fill_identifiers(entry, item):
                self._index(entry)
                self._mark_merged(entry)
            else:
                self.report.unchanged += 1
            return
        newest = max((s.recency() for s in entry.sightings if not s.partial), default=None)
        entry.sightings.append(sighting)
        if item.partial or newest is None or sighting.recency() > newest:
            _take_fields(entry, item)  # the newest full listing; a partial one only fills
        else:
            _fill_identifiers(entry, item)  # an older listing that links the paper still gives its id
        self._index(entry)
        self._mark_merged(entry)

    def _index(self, entry: Entry) -> None:
        self.by_identity[_identity(entry)] = entry.key
        if entry.arxiv:
            self.by_arxiv.setdefault(entry.arxiv, entry.key)

    def _merge_bib(self, incoming: Entry, source_names: dict[str, str]) -> None:
        """A .bib entry for a known paper only fills the fields the store lacks."""
        key = self.by_arxiv.get(incoming.arxiv or "") or self.by_identity.get(_identity(incoming))
        if key is None and (_identity(incoming) in self.removed_identities or incoming.arxiv in self.removed_arxiv):
            self.report.skipped += 1
            return
        if key is None:
            wanted = incoming.key
            self._add_new(incoming, preferred_key=wanted)
            if wanted and incoming.key != wanted:
                [where] = incoming.sightings
                self.report.problems.append(
                    Problem(
                        source_names.get(where.file, where.file),
                        where.line or None,
                        f"key '{wanted}' is already used by another entry (keys are compared "
                        f"ignoring case); imported as '{incoming.key}'",
                    )
                )
            return
        entry = self.entries[key]
        self.listed[key] = entry
        filled = False
        for sighting in incoming.sightings:
            if not any(s.same_source(sighting) for s in entry.sightings):
                entry.sightings.append(sighting)
                filled = True
        # The entry type goes with the venue: a venue the entry has (set by hand, or from a
        # digest) keeps the kind it names, whatever type the file gives.
        keeps_venue = bool(entry.venue) or "venue" in entry.edited
        for name in ("year", "venue", "url", "arxiv", "primary_class", "abstract", "comment"):
            if not getattr(entry, name) and getattr(incoming, name) and name not in entry.edited:
                setattr(entry, name, getattr(incoming, name))
                filled = True
        for name, value in incoming.extra.items():
            if name == "ENTRYTYPE" and keeps_venue:
                continue
            if name not in entry.extra and not _set_by_hand(entry, name):
                entry.extra[name] = value
                filled = True
        if filled:
            self._mark_merged(entry)
        else:
            self.report.unchanged += 1

    def _create(self, papers: list[_NewPaper]) -> None:
        """Entries for new papers, keyed in (first date, arXiv id, title) order: keys never depend
        on the order files were given in."""
        fresh = []
        for paper in papers:
            unique = list({s.source_id(): s for s in paper.sightings}.values())
            entry = Entry(key="", title=paper.items[-1].title, sightings=unique)
            for item in paper.items:  # oldest first: the newest listing's fields win
                _take_fields(entry, item)
            fresh.append(entry)
        fresh.sort(key=lambda e: (e.first_date or "", e.arxiv or "", e.title))
        for entry in fresh:
            self._add_new(entry)

    def _add_new(self, entry: Entry, preferred_key: str = "") -> None:
        entry.key = assign_key(entry, self.keys, preferred_key)
        entry.added = entry.added or self.now
        self.entries[entry.key] = entry
        self.by_identity[_identity(entry)] = entry.key
        if entry.arxiv:
            self.by_arxiv[entry.arxiv] = entry.key
        self.listed[entry.key] = entry
        self.changed[entry.key] = entry
        self.report.new.append(entry.key)


def _sighting(file_name: str, item: DigestItem) -> Sighting:
    return Sighting(file=file_name, topic=item.topic, date=item.date, line=item.line, partial=item.partial)


def _set_by_hand(entry: Entry, extra_name: str) -> bool:
    """Whether an `extra` field (a DOI, the entry type) was set or emptied with `edit`: an import
    must not fill it."""
    return any(
        extra_name.casefold() == stored.casefold() and name in entry.edited for name, stored in EXTRA_EDITABLE.items()
    )


def _identity(entry: Entry) -> str:
    return textnorm.identity(*entry.match_identity_fields())


def _take_fields(entry: Entry, item: DigestItem) -> None:
    """Copy a digest's fields onto an entry, except those the user set by hand.

    A partial listing only fills what the entry lacks.
    """
    for name in ("title", "authors", "abstract", "comment"):
        value = list(item.authors) if name == "authors" else getattr(item, name)
        if name in item.lacks or (item.partial and (getattr(entry, name) or not value)):
            continue
        if name not in entry.edited:
            setattr(entry, name, value)
        elif name in ("title", "authors"):
            entry.listed[name] = value
    _fill_identifiers(entry, item)


def _fill_identifiers(entry: Entry, item: DigestItem) -> bool:
    """Give the entry what identifies the paper (arXiv id and link, category, DOI, journal
    reference) where it has none; whether it changed."""
    before = (entry.arxiv, entry.url, entry.primary_class, list(entry.categories), dict(entry.extra))
    if item.arxiv and not entry.arxiv and "arxiv" not in entry.edited:
        entry.arxiv = item.arxiv
    if item.url and not entry.url and "url" not in entry.edited:
        entry.url = item.url
    if item.categories and not entry.primary_class:
        entry.primary_class = item.categories[0]
    if item.categories and not entry.categories:
        entry.categories = list(item.categories)
    for name, value in (("doi", item.doi), ("journal_ref", item.journal_ref)):
        if value and not entry.extra.get(name) and not _set_by_hand(entry, name):
            entry.extra[name] = value
    return (entry.arxiv, entry.url, entry.primary_class, entry.categories, entry.extra) != before
