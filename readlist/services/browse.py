"""Use cases that read the list: list, show, search, tags, log, next."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from readlist import arxiv
from readlist.errors import NotFound
from readlist.models import EntryList, Journal, Link, NextUp, Shown, Stats, TagCounts
from readlist.services import library
from readlist.services.library import Selection
from readlist.services.session import indexed, reading


def list_entries(db: Path | None, selection: Selection, new_only: bool = False) -> EntryList:
    """The entries `selection` picks; with `new_only`, among those the last import added."""
    from readlist import config

    library.check_selection(selection)
    columns = config.load().list_columns
    order = None if new_only else library.order_only(selection)
    if order is not None:
        with indexed(db) as index:
            if index is not None:
                listed = index.listed(*order, selection.limit)
                return EntryList(listed, limited=selection.limit is not None, columns=columns)
    with reading(db) as store:
        if new_only:
            selection = replace(selection, keys=frozenset(store.last_import()))
        entries = library.select(store.entries(), selection)
    return EntryList(entries, limited=selection.limit is not None, columns=columns)


def show(db: Path | None, key: str) -> Shown:
    with indexed(db) as index:
        if index is not None:
            return Shown(library.resolve(index, key))
    with reading(db) as store:
        return Shown(library.resolve(store, key))


def link(db: Path | None, key: str, pdf: bool = False) -> Link:
    """The paper's arXiv page (or PDF), else the entry's own URL."""
    with reading(db) as store:
        entry = library.resolve(store, key)
    if entry.arxiv:
        return Link(entry.key, arxiv.pdf_url(entry.arxiv) if pdf else entry.url or arxiv.abs_url(entry.arxiv))
    if entry.url and not pdf:
        return Link(entry.key, entry.url)
    what = "no arXiv id, so no PDF link" if pdf and entry.url else "no link (neither an arXiv id nor a URL)"
    raise NotFound(f"{entry.key} has {what}; set one with `readlist edit {entry.key} --arxiv ID` or --url")


#: Up to this many rows, `search --limit` ranks on score bounds and stops early.
FIRST_SCREEN_ROWS = 1000


def search(db: Path | None, query: str, limit: int | None = None) -> EntryList:
    """Entries matching `query` (the language of `readlist.search`), best first."""
    from readlist import search as engine
    from readlist.bib.venues import publication_year

    parsed = engine.parse_query(query)
    library.check_limit(limit)
    # A screenful stops early on score bounds; a long --limit reads every hit in one scan.
    screen = limit is not None and limit <= FIRST_SCREEN_ROWS
    bounds = engine.bounds_by_first_occurrence(parsed) if screen else None
    with indexed(db) as index:
        if index is not None and limit is not None and bounds is not None:
            bounded = index.bounded_candidates(bounds)
            hits = engine.rank_first(bounded, parsed, publication_year, limit, preload=index.preload)
        elif index is not None:
            candidates = index.candidates(engine.required_substrings(parsed))
            hits = engine.rank(candidates, parsed, publication_year, limit, preload=index.preload)
    if index is None:
        with reading(db) as store:
            entries = store.entries(where=engine.prefilter(parsed))
        hits = engine.rank(map(engine.Candidate.of, entries), parsed, publication_year, limit)
    return EntryList([hit.entry for hit in hits], engine.Highlights(hits), limited=limit is not None)


def tags(db: Path | None) -> TagCounts:
    with reading(db) as store:
        return TagCounts(library.tag_counts(store.entries()))


def stats(db: Path | None, top: int = 10) -> Stats:
    """How the list is made up: by reading status, digest topic, tag and month first seen."""
    from collections import Counter

    from readlist.models import STATUSES

    with reading(db) as store:
        entries = store.entries()
    statuses = Counter(entry.status for entry in entries)
    topics = Counter(topic for entry in entries for topic in entry.topics)
    months = Counter(entry.first_date[:7] for entry in entries if entry.first_date)
    return Stats(
        total=len(entries),
        by_status=[(status, statuses[status]) for status in STATUSES if statuses[status]],
        by_topic=topics.most_common(top),
        by_tag=library.tag_counts(entries)[:top],
        by_month=sorted(months.items()),
    )


def log(
    db: Path | None,
    since: date | None = None,
    until: date | None = None,
    tags: list[str] | None = None,
    keys: list[str] | None = None,
) -> Journal:
    with reading(db) as store:
        wanted = [library.resolve(store, key).key for key in keys or []]
        return Journal(library.journal(store.entries(), since, until, tags, wanted))


def next_up(db: Path | None) -> NextUp:
    with reading(db) as store:
        return NextUp(library.next_queued(store.entries()))
