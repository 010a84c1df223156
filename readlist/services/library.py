"""The rules the use cases share, over an open `Store` or a list of entries: keys, selection,
tags, notes, status, the journal, add, edit and rm. `browse`, `curate` and `export` open the
store and call these; tests call them on a store or on plain entries."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

from readlist import arxiv, textnorm
from readlist.choices import LEAST_URGENT, MOST_URGENT, SORTS
from readlist.errors import InvalidInput, NotFound, StoreError
from readlist.models import EDITABLE_FIELDS, EXTRA_EDITABLE, STATUSES, Entry, Event, JournalLine, Note
from readlist.names import split_author_line
from readlist.readers.base import strip_controls
from readlist.store import Store
from readlist.undo_journal import ENTRIES

_SORTABLE = re.compile(r"[^\w\s]|\\[a-z]+")


class Keyed(Protocol):
    """Where entries are found by key: the store, or its derived index."""

    def get(self, key: str) -> Entry | None: ...

    def keys(self) -> list[str]: ...


# -- keys ------------------------------------------------------------------------------------
def resolve(store: Keyed, key: str) -> Entry:
    """The entry for a key typed by a person: exact, else case-insensitive, else an error."""
    entry = store.get(key)
    if entry is not None:
        return entry
    keys = store.keys()
    folded = {k.casefold(): k for k in keys}
    found = store.get(folded[key.casefold()]) if key.casefold() in folded else None
    if found is not None:
        return found
    close = difflib.get_close_matches(key, keys, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise NotFound(f"no entry with key '{key}'{hint}")


def resolve_all(store: Store, keys: Iterable[str]) -> list[Entry]:
    entries: dict[str, Entry] = {}
    for key in keys:
        entry = resolve(store, key)
        entries.setdefault(entry.key, entry)
    if not entries:
        raise InvalidInput("no keys given")
    return list(entries.values())


# -- selection -------------------------------------------------------------------------------
@dataclass(slots=True)
class Selection:
    """The filters shared by `list` and `export`."""

    topic: str | None = None
    since: date | None = None
    until: date | None = None
    tags: list[str] = field(default_factory=list)
    status: str | None = None
    sort: str = "date"
    reverse: bool = False
    limit: int | None = None
    keys: frozenset[str] | None = None  # only these (`list --new`: what the last import added)


def _sort_key(sort: str) -> Callable[[Entry], Any]:
    from readlist.bib.venues import publication_year

    keys: dict[str, Callable[[Entry], Any]] = {
        "date": lambda e: e.last_date or e.added[:10],
        "added": lambda e: e.added,
        "title": lambda e: _SORTABLE.sub("", textnorm.fold(e.title)),  # "$\ell_1$ ..." sorts as "ell1"
        "key": lambda e: e.key.casefold(),
        "year": lambda e: publication_year(e) or 0,
        "priority": lambda e: -(e.priority or LEAST_URGENT + 1),
        "status": lambda e: STATUSES.index(e.status),
    }
    return keys[sort]


#: The sorts whose order the derived index keeps (`readlist.index.SORT_COLUMNS`).
_INDEXED_SORTS = ("date", "added", "key")
_DESCENDING = ("date", "added", "year", "priority")


def order_only(sel: Selection) -> tuple[str, bool] | None:
    """(sort, descending) when `sel` filters nothing and sorts as the index can; else None."""
    if not _filters_nothing(sel) or sel.sort not in _INDEXED_SORTS:
        return None
    return sel.sort, (sel.sort in _DESCENDING) != sel.reverse


def chooses_everything(sel: Selection) -> bool:
    """Whether `sel` keeps every entry (in some order)."""
    return _filters_nothing(sel) and sel.limit is None


def _filters_nothing(sel: Selection) -> bool:
    return not any((sel.topic, sel.since, sel.until, sel.tags, sel.status, sel.keys is not None))


def check_selection(sel: Selection) -> Selection:
    """Refuse a selection no entry can be chosen by, before the store is read."""
    if sel.sort not in SORTS:
        raise InvalidInput(f"unknown sort {sel.sort!r}; use one of: {', '.join(SORTS)}")
    check_limit(sel.limit)
    return sel


def check_limit(limit: int | None) -> int | None:
    if limit is not None and limit < 0:
        raise InvalidInput("--limit must be 0 or more")
    return limit


def select(entries: list[Entry], sel: Selection) -> list[Entry]:
    if sel.status is not None:
        check_status(sel.status)
    wanted_tags = {textnorm.tag_key(normalise_tag(t)) for t in sel.tags}
    topic = textnorm.fold(sel.topic) if sel.topic else None
    since = sel.since.isoformat() if sel.since else None
    until = sel.until.isoformat() if sel.until else None
    chosen = []
    for entry in entries:
        if sel.keys is not None and entry.key not in sel.keys:
            continue
        if sel.status and entry.status != sel.status:
            continue
        if wanted_tags and not wanted_tags <= {textnorm.tag_key(x) for x in entry.tags}:
            continue
        if topic and not any(topic in textnorm.fold(t) for t in entry.topics):
            continue
        if since or until:  # digest dates: a paper added by hand has none
            dates = entry.dates
            if not any((not since or d >= since) and (not until or d <= until) for d in dates):
                continue
        chosen.append(entry)
    # "Newest first" is what people expect from dates and priorities; names read A to Z.
    # Ties keep key order (the sort is stable), whichever way the main order runs.
    descending = sel.sort in _DESCENDING
    chosen.sort(key=lambda e: e.key.casefold())
    chosen.sort(key=_sort_key(sel.sort), reverse=descending != sel.reverse)
    return chosen[: sel.limit] if sel.limit is not None else chosen


# -- tags ------------------------------------------------------------------------------------
def normalise_tag(tag: str) -> str:
    """Lower case, runs of spaces to one hyphen: `Deep Learning` -> `deep-learning`."""
    normal = textnorm.tag_form(strip_controls(tag))
    if not normal or "," in normal:
        raise InvalidInput(f"tag {tag!r} is not usable (empty after normalising, or has a comma)")
    return normal


def _by_key(tags: Iterable[str]) -> dict[str, str]:
    """Tags by `textnorm.tag_key`, the first spelling of each kept."""
    result: dict[str, str] = {}
    for tag in tags:
        result.setdefault(textnorm.tag_key(tag), tag)
    return result


def add_tags(store: Store, keys: list[str], tags: list[str]) -> list[Entry]:
    """Add tags an entry does not have yet (by `tag_key`: `cafe` does not add a second `café`)."""
    wanted = _by_key(normalise_tag(t) for t in tags)
    entries = resolve_all(store, keys)
    for entry in entries:
        present = _by_key(entry.tags)
        entry.tags.extend(tag for key, tag in wanted.items() if key not in present)
    store.save(entries)
    return entries


def remove_tags(store: Store, keys: list[str], tags: list[str]) -> list[Entry]:
    """Remove tags by `tag_key`: `untag -t cafe` removes `café`."""
    unwanted = set(_by_key(normalise_tag(t) for t in tags))
    entries = resolve_all(store, keys)
    for entry in entries:
        entry.tags = [t for t in entry.tags if textnorm.tag_key(t) not in unwanted]
    store.save(entries)
    return entries


def tag_counts(entries: list[Entry]) -> list[tuple[str, int]]:
    """Each tag (one row per `tag_key`, under its most used spelling) and how many entries carry it."""
    spellings: dict[str, dict[str, int]] = {}
    for entry in entries:
        for key, tag in _by_key(entry.tags).items():
            forms = spellings.setdefault(key, {})
            forms[tag] = forms.get(tag, 0) + 1
    counts = [(min(forms, key=lambda t: (-forms[t], t)), sum(forms.values())) for forms in spellings.values()]
    return sorted(counts, key=lambda tc: (-tc[1], tc[0]))


# -- notes and status ------------------------------------------------------------------------
def add_note(store: Store, key: str, text: str, now: str) -> tuple[Entry, Note]:
    text = strip_controls(text)  # the rule for all text entering the store
    if not text.strip():
        raise InvalidInput("the note is empty; nothing was added")
    entry = resolve(store, key)
    note = Note(at=now, text=text.strip())
    entry.notes.append(note)
    store.save([entry])
    return entry, note


def delete_note(store: Store, key: str, number: int) -> tuple[Entry, Note]:
    entry = resolve(store, key)
    if not 1 <= number <= len(entry.notes):
        raise NotFound(f"{entry.key} has no note {number} (it has {len(entry.notes)})")
    note = entry.notes.pop(number - 1)
    store.save([entry])
    return entry, note


def check_status(state: str) -> str:
    if state not in STATUSES:
        raise InvalidInput(f"unknown status {state!r}; use one of: {', '.join(STATUSES)}")
    return state


def check_priority(priority: int | None) -> int | None:
    if priority is not None and not MOST_URGENT <= priority <= LEAST_URGENT:
        raise InvalidInput(f"priority must be {MOST_URGENT} (most urgent) to {LEAST_URGENT}, not {priority}")
    return priority


def set_status(store: Store, keys: list[str], state: str | None, now: str, priority: int | None = None) -> list[Entry]:
    if state is None and priority is None:
        raise InvalidInput("give a status, --priority, or both")
    if state is not None:
        check_status(state)
    check_priority(priority)
    entries = resolve_all(store, keys)
    for entry in entries:
        if state is not None and state != entry.status:
            entry.log.append(Event(at=now, kind="status", text=f"{entry.status} -> {state}"))
            entry.status = state
        if priority is not None and priority != entry.priority:
            entry.log.append(Event(at=now, kind="priority", text=f"set to {priority}"))
            entry.priority = priority
    store.save(entries)
    return entries


def next_queued(entries: list[Entry]) -> Entry | None:
    """The queued paper to read next: most urgent priority first, then queued the longest."""

    def queued_at(entry: Entry) -> str:
        times = [e.at for e in entry.log if e.kind == "status" and e.text.endswith("-> queued")]
        return _instant(times[-1] if times else entry.added)

    queued = [e for e in entries if e.status == "queued"]
    return min(queued, key=lambda e: (e.priority or LEAST_URGENT + 1, queued_at(e), e.key), default=None)


# -- the journal -----------------------------------------------------------------------------
def _instant(stamp: str) -> str:
    """A sortable UTC form of an ISO stamp written with any offset."""
    return datetime.fromisoformat(stamp).astimezone(UTC).isoformat()


def journal(
    entries: list[Entry],
    since: date | None = None,
    until: date | None = None,
    tags: list[str] | None = None,
    keys: list[str] | None = None,
) -> list[JournalLine]:
    """Notes and status changes across entries, newest first, days in local time."""
    wanted_tags = {textnorm.tag_key(normalise_tag(t)) for t in tags or []}
    wanted_keys = {k.casefold() for k in keys or []}
    lines = []
    for entry in entries:
        if wanted_keys and entry.key.casefold() not in wanted_keys:
            continue
        if wanted_tags and not wanted_tags <= {textnorm.tag_key(t) for t in entry.tags}:
            continue
        stamped = [(n.at, "note", n.text) for n in entry.notes]
        stamped += [(e.at, e.kind, e.text) for e in entry.log]
        for at, kind, text in stamped:
            try:
                local = datetime.fromisoformat(at).astimezone()
            except (TypeError, ValueError) as exc:
                raise StoreError(f"{entry.key} has a note or log line with a bad time ({at!r})") from exc
            day = local.date()
            if (since and day < since) or (until and day > until):
                continue
            lines.append(JournalLine(local, entry.key, entry.title, kind, text))
    lines.sort(key=lambda line: (line.at, line.key), reverse=True)
    return lines


# -- add, edit, remove -----------------------------------------------------------------------
def parse_arxiv_id(raw: str) -> str:
    """`2201.00814v2`, `arXiv:2201.00814` or an abs/pdf URL -> `2201.00814` (no version)."""
    found = arxiv.parse_id(raw.strip().rstrip("/"))
    if found is None:
        raise InvalidInput(f"{raw!r} is not an arXiv id (like 2201.00814 or hep-th/9901001)")
    return found


def split_authors(values: list[str]) -> list[str]:
    """`--author` may repeat, or hold one author list as papers and digests write it."""
    return [name for value in values for name in split_author_line(value)]


@dataclass(slots=True)
class Fields:
    """Metadata typed by a person for `add` and `edit` (None: not given; "" clears a field)."""

    title: str | None = None
    authors: list[str] | None = None
    year: int | None = None
    type: str | None = None  # the BibTeX entry type; "" lets the export choose from the venue
    venue: str | None = None
    doi: str | None = None
    arxiv: str | None = None
    url: str | None = None
    comment: str | None = None
    abstract: str | None = None

    def given(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in EDITABLE_FIELDS if getattr(self, name) is not None}


_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"(?i)^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)")


def check_field(name: str, value: Any) -> Any:
    """A hand-set value as it is stored, or `InvalidInput`: the one rule of `add`, `edit` and the
    editor. Text loses control characters and outer spaces; empty text clears an optional field
    (None), `year` None clears the year."""
    if isinstance(value, str):
        value = strip_controls(value).strip()  # the rule for all text entering the store
    if name == "title":
        if not value:
            raise InvalidInput("the title is empty")
        return value
    if name == "authors":
        authors = [clean for author in value if (clean := strip_controls(author).strip())]
        if not authors:
            raise InvalidInput("the author list is empty")
        return authors
    if name == "year":
        if value is not None and not 1000 <= value <= 2999:
            raise InvalidInput(f"year {value} is not a plausible year")
        return value
    if name == "abstract":
        return value
    if not value:
        return None
    if name == "arxiv":
        return parse_arxiv_id(value)
    if name == "doi":
        doi = _DOI_PREFIX.sub("", value)
        if not _DOI.fullmatch(doi):
            raise InvalidInput(f"{value!r} is not a DOI (like 10.1109/CVPR.2024.01234)")
        return doi
    if name == "type":
        from readlist.bib.write import BIBTEX_TYPES

        if value.lower() not in BIBTEX_TYPES:
            raise InvalidInput(f"unknown entry type {value!r}; use one of: {', '.join(sorted(BIBTEX_TYPES))}")
        return value.lower()
    return value


def field_value(entry: Entry, name: str) -> Any:
    """An editable field of `entry`, wherever it is kept (`EXTRA_EDITABLE`: in `extra`)."""
    if name in EXTRA_EDITABLE:
        wanted = EXTRA_EDITABLE[name].casefold()
        return next((value for key, value in entry.extra.items() if key.casefold() == wanted), None)
    return getattr(entry, name)


def _set_field(entry: Entry, name: str, value: Any) -> None:
    if name in EXTRA_EDITABLE:
        stored = EXTRA_EDITABLE[name]
        for key in [key for key in entry.extra if key.casefold() == stored.casefold()]:
            del entry.extra[key]  # a .bib import may have kept `DOI` as written
        if value is not None:
            entry.extra[stored] = value
    else:
        setattr(entry, name, value)


def find_duplicate(entries: list[Entry], title: str, authors: list[str], arxiv: str | None) -> Entry | None:
    ident = textnorm.identity(title, authors)
    for entry in entries:
        if (arxiv and entry.arxiv == arxiv) or ident in (
            textnorm.identity(entry.title, entry.authors),
            textnorm.identity(*entry.match_identity_fields()),
        ):
            return entry
    return None


def add_entry(
    store: Store, fields: Fields, tags: list[str], now: str, priority: int | None = None, force: bool = False
) -> tuple[Entry, str | None, list[str] | None]:
    """A new entry; or, for a paper `rm` took out, the entry back as it was (when the undo
    journal still holds it), the typed fields filling only what it lacked.

    Returns the entry, when the paper was removed (None: it was not), and for an entry that
    came back whole the typed fields it kept its own value of (None: it is new)."""
    from readlist.bib.keys import KeyAllocator, assign_key

    if fields.title is None:
        raise InvalidInput("a title is required (--title)")
    given = {name: check_field(name, value) for name, value in fields.given().items()}
    check_priority(priority)
    wanted_tags = [normalise_tag(t) for t in tags]
    existing = store.entries()
    duplicate = find_duplicate(existing, given["title"], given.get("authors") or [], given.get("arxiv"))
    if duplicate is not None and not force:
        raise InvalidInput(f"already in the reading list as {duplicate.key} (use --force to add it again)")
    removed_at, restored = bring_back(
        store, textnorm.identity(given["title"], given.get("authors") or []), given.get("arxiv")
    )
    if restored is not None:  # what it had wins; what it lacked, the typed fields fill as hand edits
        present = _by_key(restored.tags)
        restored.tags.extend(tag for key, tag in _by_key(wanted_tags).items() if key not in present)
        restored.priority = priority if priority is not None else restored.priority
        missing = {name: value for name, value in given.items() if not field_value(restored, name)}
        _apply_edits(restored, missing, now)
        store.save([restored])
        differing = [
            name for name, value in given.items() if name not in missing and field_value(restored, name) != value
        ]
        return restored, removed_at, differing
    entry = Entry(key="", title=given["title"], added=now, priority=priority)
    for name, value in given.items():
        _set_field(entry, name, value)
    entry.edited = list(given)
    entry.tags = list(_by_key(wanted_tags).values())
    if entry.arxiv and not entry.url:
        entry.url = f"https://arxiv.org/abs/{entry.arxiv}"
    entry.key = assign_key(entry, KeyAllocator(e.key for e in existing))
    store.save([entry])
    store.forget_removed(textnorm.identity(entry.title, entry.authors), entry.arxiv)
    return entry, removed_at, None


def bring_back(store: Store, paper_identity: str, arxiv: str | None) -> tuple[str | None, Entry | None]:
    """A paper `rm` took out and that is asked for again: imports stop skipping it, and its
    entry comes back as it was removed, notes and all, while the undo journal holds it.

    Returns when it was removed (None: it was not) and the entry put back (None: not found).
    """
    from readlist.bib.keys import KeyAllocator, assign_key

    row = store.removed_paper(paper_identity, arxiv)
    if row is None:
        return None, None
    store.forget_removed(row["identity"], row.get("arxiv"))
    removed_at = str(row.get("at") or "")
    for record in reversed(store.journal().records):
        for change in record.changes if not record.undone else ():
            if change.table != ENTRIES or change.before is None or change.after is not None:
                continue
            entry = Entry.from_dict(change.before)
            same_arxiv = row.get("arxiv") is not None and entry.arxiv == row.get("arxiv")
            if same_arxiv or textnorm.identity(*entry.match_identity_fields()) == row["identity"]:
                taken = store.keys()
                if entry.key.casefold() in {key.casefold() for key in taken}:  # by another paper since
                    entry.key = assign_key(entry, KeyAllocator(taken))
                store.save([entry])
                return removed_at, entry
    return removed_at, None


def edit_entry(store: Store, key: str, fields: Fields, now: str) -> Entry:
    given = fields.given()
    if not given:
        raise InvalidInput("nothing to change: give at least one of --title, --author, --year, ...")
    return change_fields(store, resolve(store, key), {name: check_field(name, v) for name, v in given.items()}, now)


def change_fields(store: Store, entry: Entry, changes: dict[str, Any], now: str) -> Entry:
    """Set fields already checked by `check_field`, as hand edits: recorded in `edited` (imports
    and `refresh` keep them) and in the entry's log. Values it already has change nothing."""
    if _apply_edits(entry, changes, now):
        store.save([entry])
    return entry


def _apply_edits(entry: Entry, changes: dict[str, Any], now: str) -> bool:
    """Set the checked fields that differ as hand edits, logged; False if none differ."""
    changes = {name: value for name, value in changes.items() if field_value(entry, name) != value}
    if not changes:
        return False
    for name, value in changes.items():
        if name in ("title", "authors") and entry.sightings and name not in entry.listed:
            entry.listed[name] = getattr(entry, name)
        _set_field(entry, name, value)
    entry.edited = list(dict.fromkeys([*entry.edited, *changes]))
    entry.log.append(Event(at=now, kind="edit", text="changed " + ", ".join(changes)))
    return True


def remove_entries(store: Store, keys: list[str], now: str) -> list[Entry]:
    """Remove entries; later imports of digests that list them skip them."""
    entries = resolve_all(store, keys)
    store.remove([e.key for e in entries], now)
    return entries
