"""Plain data: what a digest holds, what the store keeps, what a command reports.

Pure and stdlib-only so that parsers, exporters and tests can use it without a disk.
Text is kept exactly as written; normalising is the job of `textnorm`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

from readlist.choices import PROFILE_USES
from readlist.choices import STATUSES as STATUSES  # re-exported: the states are part of the model

#: Fields a person may set by hand (``add``/``edit``); an import never overwrites them.
EDITABLE_FIELDS = ("title", "authors", "year", "type", "venue", "doi", "arxiv", "url", "comment", "abstract")
#: Editable fields kept in `Entry.extra` (under this name) rather than as attributes.
EXTRA_EDITABLE = {"type": "ENTRYTYPE", "doi": "doi"}


@dataclass(frozen=True, slots=True)
class Profile:
    """A BibTeX dialect for export, resolved once from `--profile` (see `PROFILES`)."""

    name: str
    keep_letters: bool  # UTF-8 letters stay (biber); else pure ASCII LaTeX (any BibTeX, pdflatex)
    arxiv_howpublished: bool  # preprints say `arXiv preprint arXiv:ID` (plainnat/IEEEtran ignore eprint)


BIBTEX = Profile("bibtex", keep_letters=False, arxiv_howpublished=True)
BIBLATEX = Profile("biblatex", keep_letters=True, arxiv_howpublished=False)
#: Every export profile by name, in the order of `choices.PROFILE_USES` (the default first).
PROFILES = {profile.name: profile for profile in (BIBTEX, BIBLATEX)}
assert list(PROFILES) == list(PROFILE_USES), "a profile needs both its meaning and its use"


@dataclass(frozen=True, slots=True)
class JournalLine:
    """One line of `readlist log`: a note or a logged change of one entry."""

    at: datetime  # in the viewer's local time zone
    key: str
    title: str
    kind: str  # "note" or an Event kind
    text: str


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in an input file that could not be read; the rest of the file still counts."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One paper as one digest lists it (a title line, its authors, abstract and comment)."""

    title: str
    authors: list[str]
    abstract: str
    comment: str | None
    topic: str
    date: str  # ISO date of the digest section, e.g. "2022-03-11"
    line: int  # line of the title in the file, 1-based
    arxiv: str | None = None  # arXiv id without version, when the digest links the paper
    url: str | None = None
    categories: tuple[str, ...] = ()  # arXiv categories, the primary one first ("cs.CV", "cs.LG")
    doi: str | None = None
    journal_ref: str | None = None  # arXiv's journal reference, as the authors wrote it
    # A listing that gives only part of a paper (a table row naming the first author "et al.",
    # a replacement notice without abstract) fills what an entry lacks and never replaces.
    partial: bool = False
    # Fields this kind of listing never carries (arXiv's daily feeds have no comment): an import
    # leaves them as they are, where a listing that carries a field may also empty it.
    lacks: tuple[str, ...] = ()


@dataclass(slots=True)
class ReadResult:
    """What a reader found in one file: digest listings, BibTeX records, and what it could not read."""

    items: list[DigestItem] = field(default_factory=list)
    records: list[Entry] = field(default_factory=list)  # complete entries, as a .bib file gives them
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Sighting:
    """Where and when a digest (or a .bib file, with no topic and date) listed a paper."""

    file: str
    topic: str
    date: str
    line: int = 0
    partial: bool = False  # the listing gave only part of the paper (see `DigestItem.partial`)

    def source_id(self) -> tuple[str, ...]:
        """What makes two sightings one: a digest is its topic and day, whichever file (or
        stdin) brought it; a .bib file (no date) is its file name."""
        return (self.topic, self.date) if self.date else (self.file,)

    def same_source(self, other: Sighting) -> bool:
        return self.source_id() == other.source_id()

    def recency(self) -> tuple[str, str, int]:
        """Order of authority: the newest digest supplies an entry's fields.

        File name and line break ties so that the result never depends on import order.
        """
        return (self.date, self.file, self.line)


@dataclass(frozen=True, slots=True)
class Note:
    at: str  # ISO 8601 local time with offset
    text: str


@dataclass(frozen=True, slots=True)
class Event:
    """A line in an entry's history, such as a status change."""

    at: str
    kind: str
    text: str


class MalformedEntry(ValueError):
    """A stored entry whose fields do not have the types `Entry` needs."""


@dataclass(slots=True)
class Entry:
    key: str
    title: str
    authors: list[str] = field(default_factory=list)
    abstract: str = ""
    comment: str | None = None
    year: int | None = None  # set by hand or by a .bib import; else derived on export
    venue: str | None = None
    url: str | None = None
    arxiv: str | None = None  # arXiv id without version
    primary_class: str | None = None
    categories: list[str] = field(default_factory=list)  # arXiv categories, the primary one first
    sightings: list[Sighting] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    status: str = "unread"
    priority: int | None = None
    notes: list[Note] = field(default_factory=list)
    log: list[Event] = field(default_factory=list)
    edited: list[str] = field(default_factory=list)  # fields set by hand
    # Title/authors as the newest digest lists them, kept only once a hand edit differs:
    # imports must still recognise the paper under the name the digests use.
    listed: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)  # other fields of an imported .bib entry
    added: str = ""

    def match_identity_fields(self) -> tuple[str, list[str]]:
        """Title and authors under which digests list this paper."""
        return self.listed.get("title", self.title), self.listed.get("authors", self.authors)

    @property
    def topics(self) -> list[str]:
        return list(dict.fromkeys(s.topic for s in self.sightings if s.topic))

    @property
    def dates(self) -> list[str]:
        return sorted({s.date for s in self.sightings if s.date})

    @property
    def first_date(self) -> str | None:
        dates = self.dates
        return dates[0] if dates else None

    @property
    def last_date(self) -> str | None:
        dates = self.dates
        return dates[-1] if dates else None

    def to_dict(self) -> dict[str, Any]:
        """The stored form (also the base of the ``--json`` form)."""
        return {
            "key": self.key,
            "title": self.title,
            "authors": list(self.authors),
            "abstract": self.abstract,
            "comment": self.comment,
            "year": self.year,
            "venue": self.venue,
            "url": self.url,
            "arxiv": self.arxiv,
            "primary_class": self.primary_class,
            "categories": list(self.categories),
            "sightings": [_sighting_dict(s) for s in self.sightings],
            "tags": list(self.tags),
            "status": self.status,
            "priority": self.priority,
            "notes": [{"at": n.at, "text": n.text} for n in self.notes],
            "log": [{"at": e.at, "kind": e.kind, "text": e.text} for e in self.log],
            "edited": list(self.edited),
            "listed": dict(self.listed),
            "extra": dict(self.extra),
            "added": self.added,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Entry:
        """An entry from its stored form; `MalformedEntry`, naming the entry and the field,
        if any field has the wrong type (a missing list, text or number field is empty)."""
        if not _well_typed(data):
            raise MalformedEntry(_stored_form_problem(data) or f"entry {data.get('key')!r} is malformed")
        return cls._from_dict(data)

    @staticmethod
    def check_stored(data: Any) -> None:
        """`MalformedEntry` where `from_dict` would raise it, without building the entry."""
        if not _well_typed(data):
            raise MalformedEntry(_stored_form_problem(data) or f"entry {data.get('key')!r} is malformed")

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> Entry:
        return cls(
            key=data["key"],
            title=data["title"],
            authors=list(data.get("authors") or []),
            abstract=data.get("abstract") or "",
            comment=data.get("comment"),
            year=data.get("year"),
            venue=data.get("venue"),
            url=data.get("url"),
            arxiv=data.get("arxiv"),
            primary_class=data.get("primary_class"),
            categories=list(data.get("categories") or []),
            sightings=[Sighting(**s) for s in data.get("sightings") or []],
            tags=list(data.get("tags") or []),
            status=data.get("status") or "unread",
            priority=data.get("priority"),
            notes=[Note(**n) for n in data.get("notes") or []],
            log=[Event(**e) for e in data.get("log") or []],
            edited=list(data.get("edited") or []),
            listed=dict(data.get("listed") or {}),
            extra=dict(data.get("extra") or {}),
            added=data.get("added") or "",
        )


def _sighting_dict(sighting: Sighting) -> dict[str, Any]:
    stored: dict[str, Any] = {
        "file": sighting.file,
        "topic": sighting.topic,
        "date": sighting.date,
        "line": sighting.line,
    }
    if sighting.partial:  # only then: stores written before partial listings read the same
        stored["partial"] = True
    return stored


_TEXT_FIELDS = ("abstract", "added")  # None or missing: empty
_OPTIONAL_TEXT_FIELDS = ("comment", "venue", "url", "arxiv", "primary_class")
_OPTIONAL_NUMBER_FIELDS = ("year", "priority")
_TEXT_LIST_FIELDS = ("authors", "tags", "edited", "categories")


@dataclass(frozen=True, slots=True)
class _RecordShape:
    """The stored form of a record class (`Sighting`, `Note`, `Event`), read from its fields."""

    names: frozenset[str]
    text: tuple[str, ...]  # required text fields
    others: tuple[tuple[str, type, object], ...]  # (name, type, default) of fields with a default
    text_of: Callable[[Any], Any]  # the required text values of a record, at C speed

    @classmethod
    def of(cls, record: type) -> _RecordShape:
        kinds = {"str": str, "int": int, "bool": bool}
        parts = fields(record)
        kind = {f.name: kinds[f.type if isinstance(f.type, str) else f.type.__name__] for f in parts}
        text = tuple(f.name for f in parts if kind[f.name] is str and f.default is MISSING)
        others = tuple((f.name, kind[f.name], f.default) for f in parts if f.name not in text)
        # itemgetter of one name gives the value itself, not a tuple: ask for it twice.
        text_of = itemgetter(*text) if len(text) > 1 else itemgetter(*text, *text)
        return cls(frozenset(f.name for f in parts), text, others, text_of)

    def fits(self, value: Any) -> bool:
        return (
            type(value) is dict
            and not value.keys() - self.names
            and all(type(value.get(name)) is str for name in self.text)
            and all(type(value.get(name, default)) is kind for name, kind, default in self.others)
        )


#: Lists of records, by field.
_RECORD_FIELDS = {"sightings": _RecordShape.of(Sighting), "notes": _RecordShape.of(Note), "log": _RecordShape.of(Event)}
_SIGHTING, _NOTE, _EVENT = _RECORD_FIELDS["sightings"], _RECORD_FIELDS["notes"], _RECORD_FIELDS["log"]


_TEXT_OR_NONE = frozenset({str, type(None)})
_NUMBER_OR_NONE = frozenset({int, type(None)})
_LIST_OR_NONE = frozenset({list, type(None)})
_OBJECT_OR_NONE = frozenset({dict, type(None)})
_STATUS_OR_NONE = frozenset({*STATUSES, None})


def _well_typed(data: Any) -> bool:
    """`_stored_form_problem(data) is None`, fast: `list` checks every entry of the store.

    Straight-line type checks, and `str.join` to check a list holds only text (it raises
    TypeError otherwise) at C speed.
    """
    if type(data) is not dict:
        return False
    get = data.get
    try:
        if not (
            type(get("key")) is str
            and type(get("title")) is str
            and type(get("abstract")) in _TEXT_OR_NONE
            and type(get("added")) in _TEXT_OR_NONE
            and type(get("comment")) in _TEXT_OR_NONE
            and type(get("venue")) in _TEXT_OR_NONE
            and type(get("url")) in _TEXT_OR_NONE
            and type(get("arxiv")) in _TEXT_OR_NONE
            and type(get("primary_class")) in _TEXT_OR_NONE
            and type(get("year")) in _NUMBER_OR_NONE
            and type(get("priority")) in _NUMBER_OR_NONE
            and get("status") in _STATUS_OR_NONE
            and type(authors := get("authors")) in _LIST_OR_NONE
            and type(tags := get("tags")) in _LIST_OR_NONE
            and type(edited := get("edited")) in _LIST_OR_NONE
            and type(categories := get("categories")) in _LIST_OR_NONE
            and type(sightings := get("sightings")) in _LIST_OR_NONE
            and type(notes := get("notes")) in _LIST_OR_NONE
            and type(log := get("log")) in _LIST_OR_NONE
            and type(listed := get("listed")) in _OBJECT_OR_NONE
            and type(extra := get("extra")) in _OBJECT_OR_NONE
        ):
            return False
        "".join(authors or ())
        "".join(tags or ())
        "".join(edited or ())
        "".join(categories or ())
        if extra:
            "".join(extra.values())
        for shape, records in ((_SIGHTING, sightings), (_NOTE, notes), (_EVENT, log)):
            if not records:
                continue
            text_of, others, names = shape.text_of, shape.others, shape.names
            for record in records:
                if not record.keys() <= names:
                    return False
                "".join(text_of(record))  # KeyError: missing; TypeError: not text
                for name, kind, default in others:
                    if type(record.get(name, default)) is not kind:
                        return False
        if listed:
            if type(listed.get("authors", [])) is not list:
                return False
            "".join([listed.get("title", ""), *listed.get("authors", ())])
    except (TypeError, KeyError, AttributeError):
        return False
    return True


def _kind(value: Any) -> str:
    names = {str: "text", int: "a number", float: "a number", bool: "true/false", list: "a list", dict: "an object"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _stored_form_problem(data: Any) -> str | None:
    """What is wrong with a stored entry, naming it and the field; None if nothing.

    Every field is checked: an entry read with a wrong type would misbehave later, far from
    the cause (`"tags": "ml"` would become the tags `m` and `l`). Kept to cheap type checks:
    `list` reads every entry of a 100k-entry store.
    """
    if type(data) is not dict:
        return f"an entry is {_kind(data)}, not an object"
    key = data.get("key")
    if type(key) is not str:
        return f"an entry has {_kind(key)} as its key, not text"
    name = f"entry {key!r}"
    if type(data.get("title")) is not str:
        return f"{name}: field 'title' is {_kind(data.get('title'))}, not text"
    for field_name in _TEXT_FIELDS + _OPTIONAL_TEXT_FIELDS:
        value = data.get(field_name)
        if value is not None and type(value) is not str:
            return f"{name}: field {field_name!r} is {_kind(value)}, not text"
    for field_name in _OPTIONAL_NUMBER_FIELDS:
        value = data.get(field_name)
        if value is not None and type(value) is not int:
            return f"{name}: field {field_name!r} is {_kind(value)}, not a whole number"
    for field_name in _TEXT_LIST_FIELDS:
        value = data.get(field_name)
        if value is not None and (type(value) is not list or not all(type(v) is str for v in value)):
            return f"{name}: field {field_name!r} is {_kind(value)}, not a list of text"
    status = data.get("status")
    if status is not None and status not in STATUSES:
        return f"{name}: field 'status' is {status!r}, not one of {', '.join(STATUSES)}"
    for field_name, shape in _RECORD_FIELDS.items():
        records = data.get(field_name)
        if records is None:
            continue
        if type(records) is not list:
            return f"{name}: field {field_name!r} is {_kind(records)}, not a list"
        for record in records:
            if not shape.fits(record):
                parts = ", ".join(sorted(shape.names))
                return f"{name}: field {field_name!r} holds {record!r}, not an object of {parts}"
    for field_name in ("listed", "extra"):
        value = data.get(field_name)
        if value is not None and type(value) is not dict:
            return f"{name}: field {field_name!r} is {_kind(value)}, not an object"
    if not all(type(v) is str for v in (data.get("extra") or {}).values()):
        return f"{name}: field 'extra' holds a value that is not text"
    listed = data.get("listed") or {}
    title, authors = listed.get("title", ""), listed.get("authors", [])
    if type(title) is not str or type(authors) is not list or not all(type(a) is str for a in authors):
        return f"{name}: field 'listed' holds a title or authors of the wrong type"
    return None


@dataclass(slots=True)
class ImportReport:
    files: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)  # keys
    merged: list[str] = field(default_factory=list)  # keys that gained a sighting or fields
    unchanged: int = 0
    skipped: int = 0  # listings of papers the user removed
    repeated: int = 0  # listings of a new paper that another file of the same import listed too
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# -- what a command reports (`readlist.output.emit` shows each as a table, text or JSON) --------
@dataclass(slots=True)
class EntryList:
    """Entries of `list` or `search`, in order; `highlights` marks what a search matched."""

    entries: list[Entry]
    highlights: Mapping[str, dict[str, list[tuple[int, int]]]] = field(default_factory=dict)
    limited: bool = False  # the user chose how many (--limit): a table shows them all
    columns: tuple[str, ...] | None = None  # the table's columns (config file), else its own choice


@dataclass(frozen=True, slots=True)
class Shown:
    """One entry in full (`show`)."""

    entry: Entry


@dataclass(frozen=True, slots=True)
class NextUp:
    """The paper to read next (`next`), or None when nothing is queued."""

    entry: Entry | None


@dataclass(slots=True)
class TagCounts:
    counts: list[tuple[str, int]]  # most used first


@dataclass(slots=True)
class Journal:
    lines: list[JournalLine]  # newest first


@dataclass(slots=True)
class Changed:
    """Entries a command changed: `action` is tag, untag, status, edit, rekey or rm."""

    action: str
    entries: list[Entry]


@dataclass(frozen=True, slots=True)
class Added:
    entry: Entry
    removed_at: str | None = None  # the paper was removed (`rm`) then, and is back
    restored: bool = False  # with all it had then (notes, tags, status), from the undo journal
    kept: list[str] = field(default_factory=list)  # typed fields it kept its own value of


@dataclass(frozen=True, slots=True)
class CommandChanges:
    """One command of the undo journal, as `undo --list` shows it."""

    at: str
    command: str
    added: list[str]  # keys
    changed: list[str]
    removed: list[str]
    undone: bool  # undone already: `undo --redo` does it again


@dataclass(slots=True)
class UndoHistory:
    done: list[CommandChanges]  # newest first: `undo N` undoes the first N
    undone: list[CommandChanges]  # newest first: `undo --redo N` redoes the first N


@dataclass(slots=True)
class Undone:
    """What `undo` (or `undo --redo`) did, newest command first."""

    redo: bool
    commands: list[CommandChanges]


@dataclass(frozen=True, slots=True)
class Noted:
    key: str
    number: int  # 1-based, as `show` numbers notes
    note: Note


@dataclass(frozen=True, slots=True)
class NoteDeleted:
    key: str
    number: int


@dataclass(slots=True)
class Exported:
    """An export: its text, and where it went (`output` None: it is for stdout)."""

    text: str
    count: int
    warnings: list[str]
    output: Path | None


@dataclass(frozen=True, slots=True)
class Citation:
    command: str  # \cite{a,b}
    bib: str | None  # the entries' BibTeX, when asked for


@dataclass(frozen=True, slots=True)
class Fetched:
    """Papers looked up on arXiv by `add ID`: the entries added or completed, ids arXiv lacks."""

    new: list[Entry]
    merged: list[Entry]  # already in the list, completed from arXiv
    known: list[Entry]  # already in the list with all arXiv gave
    missing: list[str]


@dataclass(frozen=True, slots=True)
class FieldChange:
    key: str
    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class Refreshed:
    """What `refresh` changed (or would change, `dry_run`) from arXiv's latest metadata."""

    changes: list[FieldChange]
    checked: int  # entries with an arXiv id that were looked up
    missing: list[str]  # their ids arXiv no longer knows
    dry_run: bool


@dataclass(frozen=True, slots=True)
class Link:
    """Where an entry's paper is read: its arXiv page or PDF, or its own URL."""

    key: str
    url: str
    opened: bool = False  # a browser was asked to show it


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts over the whole list, each most frequent first (months in time order)."""

    total: int
    by_status: list[tuple[str, int]]
    by_topic: list[tuple[str, int]]
    by_tag: list[tuple[str, int]]
    by_month: list[tuple[str, int]]  # "YYYY-MM" of the first digest that listed the paper


@dataclass(frozen=True, slots=True)
class Setting:
    """One effective setting and where it comes from (`--db`, `$READLIST_DB`, `config`, `default` ...)."""

    name: str
    value: str | list[str] | None  # None: readlist decides (the list's columns by the width)
    source: str


@dataclass(frozen=True, slots=True)
class ConfigShown:
    """`readlist config`: the config file and the settings in effect."""

    file: Path
    exists: bool
    settings: list[Setting]


@dataclass(frozen=True, slots=True)
class Synced:
    """`readlist sync` (and `sync init`, `sync clone`): what one cycle did."""

    action: str  # "sync", "init" or "clone"
    directory: Path  # the git work tree: the store's directory
    remote: str | None  # origin's URL; None before one is set
    branch: str
    committed: bool  # local changes of the store were committed
    sent: int  # commits pushed
    received: int  # commits taken from the remote
    merged: bool  # both sides had changed: a merge commit was made
    conflicts: int  # rows of the store's conflicts table after the cycle
    renamed: dict[str, str] = field(default_factory=dict)  # key -> new key: two papers met under one key
    united: dict[str, str] = field(default_factory=dict)  # key -> key: one paper both machines added


@dataclass(frozen=True, slots=True)
class SyncState:
    """`readlist sync status`: as of the last fetch (status itself never fetches)."""

    directory: Path
    store: str  # the store file's name in the repository
    remote: str | None
    branch: str
    ahead: int | None  # commits to send; None when the remote branch is not known yet
    behind: int | None  # commits to take
    uncommitted: bool  # the store changed since the last sync
    conflicts: int


@dataclass(frozen=True, slots=True)
class Conflict:
    """A field two machines changed differently, as a sync found it: the list keeps `ours`
    (the value of the machine that merged) until `resolve` settles it."""

    key: str
    field: str
    base: Any  # the value both had before
    ours: Any
    theirs: Any


@dataclass(slots=True)
class Conflicts:
    conflicts: list[Conflict]  # by key, then field


@dataclass(frozen=True, slots=True)
class Resolved:
    conflict: Conflict
    value: Any  # what the field holds now


Result = (
    EntryList
    | Shown
    | NextUp
    | TagCounts
    | Journal
    | Changed
    | Added
    | Noted
    | NoteDeleted
    | Exported
    | Citation
    | ImportReport
    | Fetched
    | Refreshed
    | Link
    | Stats
    | ConfigShown
    | UndoHistory
    | Undone
    | Synced
    | SyncState
    | Conflicts
    | Resolved
)
