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

import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from readlist import digest, textnorm
from readlist.errors import InvalidInput
from readlist.models import DigestItem, Entry, ImportReport, Problem, Sighting
from readlist.store import Store

DIGEST_SUFFIXES = {".txt", ".md"}
BIBTEX_SUFFIXES = {".bib", ".bibtex"}
STDIN = "-"

ProgressCallback = Callable[[int, int], None]


@dataclass(slots=True)
class _Source:
    name: str  # what the user sees in messages
    path: Path | None  # None for stdin


def expand_paths(paths: Iterable[str]) -> tuple[list[_Source], list[Problem]]:
    """Files as given, directories searched recursively for digests and .bib files."""
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
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in DIGEST_SUFFIXES | BIBTEX_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)  # .git, editor backups
            )
            if not found:
                problems.append(Problem(raw, None, "no .txt, .md or .bib files in this directory"))
            sources.extend(_Source(str(p), p) for p in found)
        elif path.is_file():
            sources.append(_Source(raw, path))
        else:
            problems.append(Problem(raw, None, "no such file or directory"))
    return sources, problems


def _read_bytes(source: _Source) -> bytes:
    if source.path is None:
        return sys.stdin.buffer.read()
    try:
        return source.path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{source.name}: cannot read ({exc.strerror})") from exc


def _is_bibtex(source: _Source, text: str) -> bool:
    if source.path is not None and source.path.suffix.lower() in BIBTEX_SUFFIXES:
        return True
    return source.path is None and text.lstrip().startswith("@")


def import_paths(
    store: Store,
    paths: list[str],
    now: str,
    tags: list[str] | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    sources, problems = expand_paths(paths)
    report = ImportReport(problems=problems)
    items: list[tuple[str, DigestItem]] = []
    bib_entries: list[Entry] = []
    for done, source in enumerate(sources, start=1):
        try:
            text = digest.decode(_read_bytes(source), source.name)
        except InvalidInput as exc:
            report.problems.append(_problem_from(exc, source.name))
            continue
        report.files.append(source.name)
        if _is_bibtex(source, text):
            from readlist.bib import read as bibtex

            entries, bib_problems = bibtex.parse_bibtex(text, source.name)
            entries = _usable_bib_entries(entries, source.name, bib_problems)
            for entry in entries:
                entry.sightings = [replace(s, file=Path(source.name).name) for s in entry.sightings]
            bib_entries.extend(entries)
            report.problems.extend(bib_problems)
        else:
            parsed = digest.parse(text, source.name)
            items.extend((Path(source.name).name, item) for item in parsed.items)
            report.problems.extend(parsed.problems)
        if progress:
            progress(done, len(sources))
    _Merger(store, report, tags or [], now).run(
        items, bib_entries, source_names={Path(name).name: name for name in report.files}
    )
    return report


def _usable_bib_entries(entries: list[Entry], name: str, problems: list[Problem]) -> list[Entry]:
    """Entries a reading list can hold: a title is required; a year must be a year."""
    usable = []
    for entry in entries:
        line = entry.sightings[0].line if entry.sightings else None
        if not entry.title.strip():
            problems.append(Problem(name, line, f"entry '{entry.key}' has no title; skipped"))
            continue
        bad_year = entry.extra.pop("year", None)
        if bad_year is not None:
            problems.append(Problem(name, line, f"entry '{entry.key}': year {bad_year!r} is not a year; left out"))
        usable.append(entry)
    return usable


def _problem_from(exc: InvalidInput, name: str) -> Problem:
    """`name[:line]: reason` from the decoder, as a Problem that prints the same way."""
    match = re.match(rf"{re.escape(name)}(?::(\d+))?: (.*)", exc.message, flags=re.S)
    if match is None:
        return Problem(name, None, exc.message)
    return Problem(name, int(match[1]) if match[1] else None, match[2])


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
        self.taken = {key.casefold() for key in self.entries}
        self.removed_identities, self.removed_arxiv = store.removed_papers()
        self.listed: dict[str, Entry] = {}  # every entry the imported files mention
        self.changed: dict[str, Entry] = {}

    def run(self, items: list[tuple[str, DigestItem]], bib_entries: list[Entry], source_names: dict[str, str]) -> None:
        """Digests first, so that a .bib entry of a paper a digest just added merges into it."""
        new_sightings: dict[str, list[Sighting]] = {}
        newest_item: dict[str, DigestItem] = {}
        for file_name, item in sorted(items, key=lambda pair: _sighting(*pair).recency()):
            ident = textnorm.identity(item.title, item.authors)
            sighting = _sighting(file_name, item)
            key = self.by_identity.get(ident)
            if key is None and ident in self.removed_identities:
                self.report.skipped += 1
            elif key is None:
                new_sightings.setdefault(ident, []).append(sighting)
                newest_item[ident] = item  # items come oldest first: the newest wins
            else:
                self._merge_sighting(self.entries[key], sighting, item)
        self._create(new_sightings, newest_item)
        for entry in bib_entries:
            self._merge_bib(entry, source_names)
        for entry in self.listed.values():
            missing = [t for t in self.tags if t not in entry.tags]
            if missing:
                entry.tags.extend(missing)
                self.changed[entry.key] = entry
        self.store.save(list(self.changed.values()))

    def _mark_merged(self, entry: Entry) -> None:
        self.changed[entry.key] = entry
        if entry.key not in self.report.merged and entry.key not in self.report.new:
            self.report.merged.append(entry.key)

    def _merge_sighting(self, entry: Entry, sighting: Sighting, item: DigestItem) -> None:
        self.listed[entry.key] = entry
        if any(s.same_source(sighting) for s in entry.sightings):
            self.report.unchanged += 1
            return
        newest = max((s.recency() for s in entry.sightings), default=None)
        entry.sightings.append(sighting)
        if newest is None or sighting.recency() > newest:
            _take_fields(entry, item)
        self._mark_merged(entry)

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
        for name in ("year", "venue", "url", "arxiv", "primary_class", "abstract", "comment"):
            if not getattr(entry, name) and getattr(incoming, name):
                setattr(entry, name, getattr(incoming, name))
                filled = True
        for name, value in incoming.extra.items():
            if name not in entry.extra:
                entry.extra[name] = value
                filled = True
        if filled:
            self._mark_merged(entry)
        else:
            self.report.unchanged += 1

    def _create(self, sightings: dict[str, list[Sighting]], newest_item: dict[str, DigestItem]) -> None:
        fresh = []
        for ident, seen in sightings.items():
            item = newest_item[ident]
            unique = list({s.source_id(): s for s in seen}.values())
            entry = Entry(key="", title=item.title, sightings=unique)
            _take_fields(entry, item)
            fresh.append(entry)
        fresh.sort(key=lambda e: (e.first_date or "", e.arxiv or "", e.title))
        for entry in fresh:
            self._add_new(entry)

    def _add_new(self, entry: Entry, preferred_key: str = "") -> None:
        entry.key = assign_key(entry, self.taken, preferred_key)
        entry.added = entry.added or self.now
        self.taken.add(entry.key.casefold())
        self.entries[entry.key] = entry
        self.by_identity[_identity(entry)] = entry.key
        if entry.arxiv:
            self.by_arxiv[entry.arxiv] = entry.key
        self.listed[entry.key] = entry
        self.changed[entry.key] = entry
        self.report.new.append(entry.key)


def assign_key(entry: Entry, taken: set[str], preferred: str = "") -> str:
    """A key free in `taken` (casefolded): the preferred one if free, else a generated one."""
    from readlist.bib.keys import base_key, unique_key
    from readlist.bib.venues import publication_year

    if preferred and preferred.casefold() not in taken:
        return preferred
    return unique_key(base_key(entry.authors, publication_year(entry), entry.title), taken)


def _sighting(file_name: str, item: DigestItem) -> Sighting:
    return Sighting(file=file_name, topic=item.topic, date=item.date, line=item.line)


def _identity(entry: Entry) -> str:
    return textnorm.identity(*entry.match_identity_fields())


def _take_fields(entry: Entry, item: DigestItem) -> None:
    """Copy a digest's fields onto an entry, except those the user set by hand."""
    for name in ("title", "authors", "abstract", "comment"):
        value = list(item.authors) if name == "authors" else getattr(item, name)
        if name not in entry.edited:
            setattr(entry, name, value)
        elif name in ("title", "authors"):
            entry.listed[name] = value
