"""Use cases that ask arXiv itself: `add arXiv:ID` and `refresh`.

The network is asked before the store is locked, so a slow or absent network never holds
other commands up, and nothing is written when it fails. What the user set by hand still wins.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readlist.clock import now_iso
from readlist.errors import InvalidInput, NotFound
from readlist.models import DigestItem, Entry, Fetched, FieldChange, Refreshed
from readlist.services import library
from readlist.services.importing import merge_listings
from readlist.services.session import reading, writing

if TYPE_CHECKING:
    from readlist.arxiv_api import ArxivClient, ProgressCallback

#: Where a paper looked up on arXiv was "listed": its own page, under its primary category.
ARXIV_SOURCE = "arxiv.org"
#: Fields a refresh brings up to date unless they were set by hand.
_PAPER_FIELDS = ("title", "authors", "abstract", "comment")
#: What arXiv says of publication, kept with the entry's other bibliographic fields.
_EXTRA_FIELDS = ("doi", "journal_ref")


def add_from_arxiv(
    db: Path | None,
    papers: list[str],
    tags: list[str],
    priority: int | None = None,
    client: ArxivClient | None = None,
    progress: ProgressCallback | None = None,
) -> Fetched:
    """Entries for papers named by arXiv id or link, with what arXiv knows of them.

    A paper already in the list (same id) is completed, not duplicated; one removed with `rm`
    comes back, since asking for it by name says it is wanted.
    """
    ids = [library.parse_arxiv_id(paper) for paper in papers]
    library.check_priority(priority)
    lookup = (client or _client()).lookup(ids, progress)
    if not lookup.found:
        raise NotFound(f"arXiv has no paper {', '.join(lookup.missing)}")
    listings = [(ARXIV_SOURCE, _as_listing(item)) for item in lookup.found.values()]
    with writing(db) as store:
        for item in lookup.found.values():
            library.bring_back(store, _identity(item), item.arxiv)  # whole, notes and all
        report = merge_listings(store, listings, now_iso(), [library.normalise_tag(t) for t in tags])
        entries = {e.key: e for e in store.entries()}
        if priority is not None:
            for key in report.new:
                entries[key].priority = priority
            store.save([entries[key] for key in report.new])
    by_arxiv = {entry.arxiv: entry for entry in entries.values() if entry.arxiv}
    touched = set(report.new) | set(report.merged)
    known = [entry for arxiv_id in lookup.found if (entry := by_arxiv.get(arxiv_id)) and entry.key not in touched]
    return Fetched([entries[k] for k in report.new], [entries[k] for k in report.merged], known, lookup.missing)


def refresh(
    db: Path | None,
    keys: list[str],
    everything: bool = False,
    dry_run: bool = False,
    client: ArxivClient | None = None,
    progress: ProgressCallback | None = None,
    use_cache: bool = True,
) -> Refreshed:
    """Bring entries with an arXiv id up to arXiv's latest version: title, authors, abstract,
    comment, categories, DOI and journal reference (which tells export where it was published)."""
    if not keys and not everything:
        raise InvalidInput("name the entries to refresh, or give --all")
    with reading(db) as store:
        chosen = library.resolve_all(store, keys) if keys else store.entries()
    ids = {entry.key: entry.arxiv for entry in chosen if entry.arxiv}
    if keys and len(ids) < len(chosen):
        without = ", ".join(entry.key for entry in chosen if not entry.arxiv)
        raise InvalidInput(f"no arXiv id to refresh from: {without} (set one with `readlist edit KEY --arxiv ID`)")
    lookup = (client or _client(use_cache)).lookup(ids.values(), progress)
    changes: list[FieldChange] = []
    with writing(db) as store:
        changed = []
        for entry in (entry for entry in store.entries() if entry.key in ids):
            item = lookup.found.get(entry.arxiv or "")
            found = _changes(entry, item) if item is not None else []
            if found and not dry_run:
                _apply(entry, found)
                changed.append(entry)
            changes.extend(found)
        store.save(changed)
    return Refreshed(changes, len(ids), lookup.missing, dry_run)


def _changes(entry: Entry, item: DigestItem) -> list[FieldChange]:
    """How arXiv's latest version differs from the entry, leaving what was set by hand."""
    wanted: dict[str, Any] = {name: getattr(item, name) for name in _PAPER_FIELDS if name not in entry.edited}
    if "authors" in wanted:
        wanted["authors"] = list(item.authors)
    if item.categories:
        wanted["categories"] = list(item.categories)
    extra = {name: value for name in _EXTRA_FIELDS if (value := getattr(item, name)) and name not in entry.edited}
    changes = [FieldChange(entry.key, name, getattr(entry, name), value) for name, value in wanted.items()]
    changes += [FieldChange(entry.key, name, entry.extra.get(name), value) for name, value in extra.items()]
    return [change for change in changes if change.new != change.old]


def _apply(entry: Entry, changes: list[FieldChange]) -> None:
    for change in changes:
        if change.field in _EXTRA_FIELDS:
            entry.extra[change.field] = change.new
        else:
            setattr(entry, change.field, change.new)
        if change.field == "categories" and change.new and not entry.primary_class:
            entry.primary_class = change.new[0]


def _as_listing(item: DigestItem) -> DigestItem:
    """A looked-up paper files under its primary category."""
    return replace(item, topic=item.topic or (item.categories[0] if item.categories else ""))


def _identity(item: DigestItem) -> str:
    from readlist import textnorm

    return textnorm.identity(item.title, item.authors)


def _client(use_cache: bool = True) -> ArxivClient:
    """Answers are cached for a day: a second run within it needs no network."""
    from readlist.arxiv_api import ArxivClient, default_cache_dir

    return ArxivClient(cache_dir=default_cache_dir(), use_cache=use_cache)
