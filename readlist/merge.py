"""Three-way merge of two versions of a store file against their common ancestor (`sync`).

A document both sides left alone, or changed the same way, or only one side changed, is
taken as it is, compared line by line: a store of 100k papers is parsed only where the two
sides changed the same paper differently. There the rules of the reading list decide:

- tags and notes are three-way sets: what one side added stays, what one side removed goes,
  whatever the other side did to other members;
- the history (status, priority and edit events) is the union of both, in time order, and the
  current status or priority is the one of the side whose change is the latest;
- sightings are the union of both; the side that saw the newest digest supplies the fields a
  digest gives (title, authors, abstract, comment), unless a field was set by hand;
- a field set by hand, or one no rule settles, is merged three-way; changed differently on
  both sides, it keeps this side's value and becomes a row of the `conflicts` table, which
  `readlist resolve` settles (and the next sync clears on the other machines);
- a paper removed on one side and changed on the other stays, with the change;
- two different papers under one key: the one added first keeps it, the other gets a free
  suffix (as BibTeX keys of two papers with the same base do).

Pure: bytes in, bytes out, the same result on every machine for the same three inputs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from readlist import storefile
from readlist.errors import StoreError
from readlist.models import EXTRA_EDITABLE, Entry, MalformedEntry
from readlist.storefile import CONFLICTS, ENTRIES, META, REMOVED, TABLES
from readlist.textnorm import identity, tag_key

Doc = dict[str, Any]
Line = bytes | memoryview  # a document as the file holds it
Lines = dict[str, dict[str, Line]]  # table -> document id -> the document's bytes
Layout = tuple[Doc, Lines]  # a store file read a document a line: its meta document, its tables

#: The fields the newest digest supplies (`services.importing._take_fields`).
DIGEST_FIELDS = ("title", "authors", "abstract", "comment")
#: The other fields an entry's paper is described by, merged three-way.
OTHER_FIELDS = ("year", "venue", "url", "arxiv", "primary_class", "categories")
#: `extra` names of the fields set by hand under another name (`type`, `doi`).
_HAND_NAME_OF_EXTRA = {stored: name for name, stored in EXTRA_EDITABLE.items()}


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    data: bytes  # the merged store file, in the layout of `storefile`
    conflicts: int  # fields changed differently on both sides, now rows of the conflicts table
    renamed: dict[str, str]  # key -> new key of a paper that met another paper under its key
    united: dict[str, str] = field(default_factory=dict)  # key -> key of a paper both sides added


@dataclass(frozen=True, slots=True)
class MergedLayout:
    layout: Layout
    conflicts: int
    renamed: dict[str, str]
    united: dict[str, str]


def merge_stores(base: bytes | None, ours: bytes, theirs: bytes, *, label: str = "store") -> MergeOutcome:
    """The merge of `ours` and `theirs` (store file bytes) against `base` (None or empty: no
    common ancestor); `readlist.errors.StoreError`, naming the version, when one is not a
    store readlist reads."""
    merged = merge_layouts(
        read_layout(Path(f"{label} (common ancestor)"), base or b""),
        read_layout(Path(f"{label} (ours)"), ours),
        read_layout(Path(f"{label} (theirs)"), theirs),
        label=label,
    )
    return MergeOutcome(b"".join(dump_layout(merged.layout)), merged.conflicts, merged.renamed, merged.united)


def merge_layouts(base: Layout, ours: Layout, theirs: Layout, *, label: str = "store") -> MergedLayout:
    """`merge_stores` over versions already read (`read_layout`, or `shards.join`)."""
    theirs_path = Path(f"{label} (theirs)")
    _check_taken(theirs_path, theirs[1], ours[1])  # what the other side changed, before it is used
    merger = _Merger(base, ours, theirs)
    merged = merger.run()
    _check_taken(theirs_path, merged[1], ours[1])
    return MergedLayout(merged, merger.conflict_count, merger.renamed, merger.united)


def check_store_file(path: Path, raw: bytes) -> None:
    """`StoreError` unless `raw` is a store file readlist reads: in `storefile`'s layout a line
    at a time, without holding the parsed store; any other shape as `storefile.parse` reads it."""
    layout = _split_layout(raw) if raw.strip() else None
    if layout is None:
        data = storefile.parse(path, raw)
        lines: Lines = {table: _encode(data[table]) for table in TABLES}
    else:
        storefile.parse(path, _dump_meta_only(layout[0]))
        lines = layout[1]
    _check_taken(path, lines, {})


def check_layout(path: Path, layout: Layout, known: Layout | None = None) -> None:
    """`StoreError` unless every document of `layout` that `known` does not hold as it is
    (all of them, without `known`) is one readlist reads."""
    _check_taken(path, layout[1], known[1] if known is not None else {})


def _check_taken(path: Path, merged: Lines, ours: Lines) -> None:
    """`StoreError` unless every document the merge did not take from this side as it was is
    one readlist reads: the result is a store every command can open, checked a document at a
    time (a whole 100k-paper store parsed at once would take gigabytes)."""
    for table, rows in merged.items():
        mine = ours.get(table, {})
        for doc_id, line in rows.items():
            if mine.get(doc_id) == line:
                continue
            try:
                doc = orjson.loads(line)
                problem = storefile.document_problem(table, doc_id, doc)
                if problem is None and table == ENTRIES:
                    Entry.check_stored(doc)
            except (orjson.JSONDecodeError, MalformedEntry) as exc:
                problem = f"document {doc_id!r}: {exc}"
            if problem is not None:
                raise StoreError(f"{path}: not a readlist store ({problem}); it was left unchanged")


# -- the file as lines ---------------------------------------------------------------------
_ROW = re.compile(rb'"((?:[^"\\]|\\.)*)":')


def read_layout(path: Path, raw: bytes) -> Layout:
    """The meta document and each table's documents as bytes, straight from the file's lines
    when it is in `storefile`'s layout; else (an older schema, a file formatted by hand) from
    parsing it whole."""
    fast = _split_layout(raw) if raw.strip() else None
    if fast is not None:
        meta, lines = fast
        storefile.parse(path, _dump_meta_only(meta))  # the schema version: refuse a newer one
        return meta, lines
    data = storefile.parse(path, raw)
    return data[META], {table: _encode(data[table]) for table in TABLES}


def _encode(rows: dict[str, Doc]) -> dict[str, Line]:
    return {doc_id: storefile.document_line(doc) for doc_id, doc in rows.items()}


def _dump_meta_only(meta: Doc) -> bytes:
    return orjson.dumps({META: meta, ENTRIES: {}})


def _split_layout(raw: bytes) -> Layout | None:
    """Read a file in `storefile`'s layout line by line; None when it is in any other shape.

    The lines are views into `raw`, not copies: three versions of a 100k-paper store are held
    once each, not twice.
    """
    view = memoryview(raw)
    lines: list[memoryview] = []
    start = 0
    while (end := raw.find(b"\n", start)) >= 0:
        lines.append(view[start:end])
        start = end + 1
    lines.append(view[start:])
    first = bytes(lines[0])
    if not first.startswith(b'{"meta":') or not first.endswith(b","):
        return None
    try:
        meta = orjson.loads(first[8:-1])
    except orjson.JSONDecodeError:
        return None
    tables: Lines = {}
    at = 1
    for position, table in enumerate(TABLES):
        end_line = b"}}" if position == len(TABLES) - 1 else b"},"
        head = orjson.dumps(table) + b":{"
        if at >= len(lines):
            return None
        if lines[at] == head + end_line:
            tables[table] = {}
            at += 1
            continue
        if lines[at] != head:
            return None
        rows: dict[str, Line] = {}
        at += 1
        while at < len(lines) and lines[at] != end_line:
            line = lines[at][:-1] if bytes(lines[at][-1:]) == b"," else lines[at]
            found = _ROW.match(line)  # re reads any buffer
            if found is None:
                return None
            doc_id = orjson.loads(b'"' + found.group(1) + b'"')
            if doc_id in rows:
                return None  # named twice: `storefile.parse` says where
            rows[doc_id] = line[found.end() :]
            at += 1
        if at >= len(lines):
            return None
        tables[table] = rows
        at += 1
    if len(lines) != at + 1 or len(lines[at]) != 0:
        return None
    return meta, tables


def dump_layout(merged: Layout) -> Iterable[bytes]:
    """`storefile.dump` over documents that are bytes already."""
    meta, tables = merged
    yield b'{"meta":' + orjson.dumps(meta, option=orjson.OPT_SORT_KEYS) + b",\n"
    for position, table in enumerate(TABLES):
        rows = tables.get(table) or {}
        end = b"}}\n" if position == len(TABLES) - 1 else b"},\n"
        if not rows:
            yield orjson.dumps(table) + b":{" + end
            continue
        yield orjson.dumps(table) + b":{\n"
        ids = sorted(rows)
        for number, doc_id in enumerate(ids):
            yield orjson.dumps(doc_id) + b":" + rows[doc_id] + (b"\n" if number == len(ids) - 1 else b",\n")
        yield end


# -- the merge -----------------------------------------------------------------------------
def _load(line: Line | None) -> Doc | None:
    return None if line is None else orjson.loads(line)


class _Merger:
    def __init__(self, base: Layout, ours: Layout, theirs: Layout) -> None:
        self.meta = (base[0], ours[0], theirs[0])
        self.tables = (base[1], ours[1], theirs[1])
        self.conflict_rows: dict[str, Line] = {}
        self._paper = ""
        self.conflict_count = 0
        self.renamed: dict[str, str] = {}
        self.united: dict[str, str] = {}
        self.kept_despite_removal: list[Doc] = []

    def run(self) -> Layout:
        self._unite_papers_added_on_both_sides()
        merged: Lines = {}
        merged[ENTRIES] = self._entries()
        merged[REMOVED] = self._rows(REMOVED, _later_removal)
        self._forget_removals_of_kept_papers(merged[REMOVED])
        conflicts = self._rows(CONFLICTS, _greater)
        for kept in self.kept_despite_removal:  # the removing side dropped its rows with it
            prefix = kept["key"] + " "
            for side in (self.tables[1], self.tables[2], self.tables[0]):
                for row_id, row in side.get(CONFLICTS, {}).items():
                    if row_id.startswith(prefix):
                        conflicts.setdefault(row_id, row)
        conflicts.update(self.conflict_rows)
        merged[CONFLICTS] = self._with_their_papers(conflicts, merged[ENTRIES])
        return self._merged_meta(), merged

    def _unite_papers_added_on_both_sides(self) -> None:
        """One paper added on both sides under different keys (each machine handed out a key
        base's suffixes in the order it met the papers, or one renamed it) is one paper. The
        copies of the side that added the first of these papers keep their keys; the other
        side's move to them (where that key is free or its paper moves too) before the merge
        by key, which then merges each pair as one paper changed on both sides. Which side
        that is does not depend on which machine merges."""
        base, ours, theirs = (side.get(ENTRIES, {}) for side in self.tables)
        ours_new = {key: orjson.loads(line) for key, line in ours.items() if key not in base}
        if not ours_new:
            return
        by_arxiv = {str(doc["arxiv"]): key for key, doc in ours_new.items() if doc.get("arxiv")}
        by_identity = {_identity(doc): key for key, doc in ours_new.items()}
        pairs: list[tuple[str, str]] = []  # (our key, their key)
        first: tuple[tuple[str, str, str], int] | None = None  # the earliest paper, and its side
        for their_key, line in theirs.items():
            if their_key in base:
                continue
            paper = orjson.loads(line)
            our_key = by_arxiv.get(str(paper.get("arxiv"))) if paper.get("arxiv") else None
            if our_key is None:
                our_key = by_identity.get(_identity(paper))
            if our_key is None or our_key == their_key or not _same_paper(ours_new[our_key], paper):
                continue
            pairs.append((our_key, their_key))
            for side, key, doc in ((1, our_key, ours_new[our_key]), (2, their_key, paper)):
                rank = (str(doc.get("added") or ""), key, _identity(doc))
                if first is None or rank < first[0]:
                    first = (rank, side)
        if first is None:
            return
        side = 2 if first[1] == 1 else 1  # the side whose copies move
        moving = dict(pairs) if side == 1 else {their_key: our_key for our_key, their_key in pairs}
        entries = self.tables[side].get(ENTRIES, {})
        while True:  # a key another paper holds is free only if that paper moves too
            kept = {old: new for old, new in moving.items() if new not in entries or new in moving}
            if kept == moving:
                break
            moving = kept
        if not moving:
            return
        moved = dict(entries)
        lines = {old: moved.pop(old) for old in moving}
        for old, new in moving.items():
            moved[new] = storefile.document_line({**orjson.loads(lines[old]), "key": new})
            self.united[old] = new
        tables = list(self.tables)
        tables[side] = {**tables[side], ENTRIES: moved}
        self.tables = (tables[0], tables[1], tables[2])

    def _with_their_papers(self, conflicts: dict[str, Line], papers: dict[str, Line]) -> dict[str, Line]:
        """A conflict goes with its paper: to the key this merge moved the paper to, and away
        with a paper that is gone."""
        result: dict[str, Line] = {}
        for row_id, line in conflicts.items():
            key = row_id.split(" ", 1)[0]
            moved_to = self.renamed.get(key)
            if moved_to is not None and moved_to in papers:
                row = orjson.loads(line)
                paper = row.get("paper")
                if paper == _identity(orjson.loads(papers[moved_to])) != _identity(orjson.loads(papers[key])):
                    key = row["key"] = moved_to
                    row_id, line = storefile.conflict_id(key, row["field"]), storefile.document_line(row)
            if key in papers:
                result[row_id] = line
        return result

    def _ids(self, table: str) -> list[str]:
        base, ours, theirs = (side.get(table, {}) for side in self.tables)
        return sorted({*base, *ours, *theirs})

    def _rows(self, table: str, settle: Callable[[Line, Line], Line]) -> dict[str, Line]:
        """A table of records: three-way by line, `settle` choosing when both sides changed one."""
        base, ours, theirs = (side.get(table, {}) for side in self.tables)
        result: dict[str, Line] = {}
        for doc_id in self._ids(table):
            b, o, t = base.get(doc_id), ours.get(doc_id), theirs.get(doc_id)
            line = _three_way(b, o, t)
            if line is _DIFFERENT:
                line = settle(o, t) if o is not None and t is not None else (o if o is not None else t)
            if line is not None:
                result[doc_id] = line
        return result

    def _entries(self) -> dict[str, Line]:
        base, ours, theirs = (side.get(ENTRIES, {}) for side in self.tables)
        result: dict[str, Line] = {}
        clashes: list[tuple[str, Doc, bool, Doc | None]] = []  # (key, paper that moves, from ours?, its base)
        for key in self._ids(ENTRIES):
            b, o, t = base.get(key), ours.get(key), theirs.get(key)
            line = _three_way(b, o, t)
            if line is not _DIFFERENT:
                if line is not None:
                    result[key] = line
                continue
            if o is None or t is None:  # removed on one side, changed on the other: the change stays
                kept = self._kept_despite_removal(key, _load(b), _load(o), _load(t))
                self.kept_despite_removal.append(kept)
                result[key] = storefile.document_line(kept)
                continue
            bd, od, td = _load(b), _load(o), _load(t)
            assert od is not None and td is not None
            if _same_paper(od, td):
                result[key] = storefile.document_line(self._entry(key, bd, od, td))
                continue
            # Two papers under one key. One side replaced the paper both had (removed it and
            # gave its key to a new one) while the other changed it: it stays, with the
            # removing side's last changes to it, as a removed paper does.
            if bd is not None and _same_paper(bd, od) != _same_paper(bd, td):
                if _same_paper(bd, od):
                    od = self._kept_despite_removal(key, bd, od, None)
                    self.kept_despite_removal.append(od)
                else:
                    td = self._kept_despite_removal(key, bd, None, td)
                    self.kept_despite_removal.append(td)
            # One moves: a paper an earlier merge already moved (the other side has it under
            # another key) goes there; else the one added first stays (the one both had first).
            if _twin(theirs, key, od) is not None:
                second = od
            elif _twin(ours, key, td) is not None:
                second = td
            else:
                second = max(
                    (od, td),
                    key=lambda d: (bd is None or not _same_paper(bd, d), str(d.get("added") or ""), _identity(d)),
                )
            result[key] = storefile.document_line(td if second is od else od)
            clashes.append((key, second, second is od, bd if bd is not None and _same_paper(bd, second) else None))
        taken = {key.casefold() for side in self.tables for key in side.get(ENTRIES, {})}
        for key, paper, from_ours, paper_base in clashes:
            self._place(result, key, paper, from_ours, paper_base, taken)
        return result

    def _kept_despite_removal(self, key: str, base: Doc | None, ours: Doc | None, theirs: Doc | None) -> Doc:
        """A paper one side removed and the other changed: the change, merged with what the
        removing side had done to the paper before it removed it (kept in its `removed` row)."""
        changed = ours if ours is not None else theirs
        assert changed is not None
        if base is None or not _same_paper(base, changed):  # both removed it; a new paper took its key
            return changed
        remover = self.tables[2] if ours is not None else self.tables[1]
        row = _load(remover.get(REMOVED, {}).get(storefile.removed_id(_identity(base))))
        last = row.get("entry") if row is not None else None
        if not isinstance(last, dict) or last.get("key") != key:
            return changed
        return self._entry(key, base, changed, last) if ours is not None else self._entry(key, base, last, changed)

    def _place(
        self, result: dict[str, Line], key: str, paper: Doc, from_ours: bool, base: Doc | None, taken: set[str]
    ) -> None:
        """Put the paper that lost its key to another paper under a key of its own: where an
        earlier merge (on this side or the other) already moved it, merged with what is there;
        else under the first free suffix of its key."""
        twin = _twin(result, key, paper)
        if twin is not None:
            there = orjson.loads(result[twin])
            moved = {**paper, "key": twin}
            ours, theirs = (moved, there) if from_ours else (there, moved)
            earlier = {**base, "key": twin} if base is not None else None
            result[twin] = storefile.document_line(self._entry(twin, earlier, ours, theirs))
            self.renamed[key] = twin
            return
        new_key = storefile.free_key(key, taken)
        self.renamed[key] = new_key
        result[new_key] = storefile.document_line({**paper, "key": new_key})

    def _entry(self, key: str, base: Doc | None, ours: Doc, theirs: Doc) -> Doc:
        """One paper changed differently on both sides (or added on both)."""
        self._paper = _identity(ours)  # whose conflicts `_conflict` records
        b = base or {}
        result = dict(ours)
        result["tags"] = _three_way_set(b.get("tags"), ours.get("tags"), theirs.get("tags"), tag_key)
        result["notes"] = sorted(
            _three_way_set(b.get("notes"), ours.get("notes"), theirs.get("notes"), _record_id),
            key=lambda note: str(note.get("at")),
        )
        result["log"] = sorted(
            _union(ours.get("log"), theirs.get("log"), _record_id), key=lambda event: str(event.get("at"))
        )
        result["sightings"] = _merged_sightings(ours.get("sightings"), theirs.get("sightings"))
        result["edited"] = list(dict.fromkeys([*(ours.get("edited") or []), *(theirs.get("edited") or [])]))
        added = [a for a in (ours.get("added"), theirs.get("added")) if a]
        result["added"] = min(added) if added else ""
        for name, kind in (("status", "status"), ("priority", "priority")):
            value = _three_way(b.get(name), ours.get(name), theirs.get(name))
            if value is _DIFFERENT:
                known = {_record_id(e) for e in b.get("log") or []}
                value = (
                    theirs.get(name) if _latest(theirs, kind, known) > _latest(ours, kind, known) else ours.get(name)
                )
            result[name] = value
        authority = _authority(b, ours, theirs)
        hand = set(result["edited"])
        listed = dict(ours.get("listed") or {})
        for name in (*DIGEST_FIELDS, *OTHER_FIELDS):
            vb, vo, vt = b.get(name), ours.get(name), theirs.get(name)
            hand_o, hand_t = name in (ours.get("edited") or []), name in (theirs.get("edited") or [])
            if hand_o != hand_t:  # set by hand on one side only: an import never overrides that
                result[name] = vo if hand_o else vt
                other = vt if hand_o else vo
                if name in ("title", "authors") and other != vb and other != result[name]:
                    listed[name] = other  # the name newer digests list it under
                continue
            value = _three_way(vb, vo, vt)
            if value is _DIFFERENT:
                if name not in hand and authority is not None and name in DIGEST_FIELDS:
                    value = authority.get(name)
                else:
                    value = vo
                    self._conflict(key, name, vb, vo, vt)
            result[name] = value
        result["extra"] = self._extra(key, b.get("extra") or {}, ours.get("extra") or {}, theirs.get("extra") or {})
        for name in ("title", "authors"):
            listed_value = _three_way(
                (b.get("listed") or {}).get(name),
                (ours.get("listed") or {}).get(name),
                (theirs.get("listed") or {}).get(name),
            )
            if listed_value is not _DIFFERENT and listed_value is not None and name not in listed:
                listed[name] = listed_value
            if name not in hand or listed.get(name) == result.get(name):
                listed.pop(name, None)
        result["listed"] = listed
        return result

    def _extra(self, key: str, base: Doc, ours: Doc, theirs: Doc) -> Doc:
        result: Doc = {}
        for name in sorted({*base, *ours, *theirs}):
            value = _three_way(base.get(name), ours.get(name), theirs.get(name))
            if value is _DIFFERENT:
                value = ours.get(name) if name in ours else theirs.get(name)
                if name in ours and name in theirs:
                    self._conflict(key, _HAND_NAME_OF_EXTRA.get(name, name), base.get(name), ours[name], theirs[name])
            if value is not None:
                result[name] = value
        return result

    def _conflict(self, key: str, field: str, base: Any, ours: Any, theirs: Any) -> None:
        row = {"key": key, "paper": self._paper, "field": field, "base": base, "ours": ours, "theirs": theirs}
        self.conflict_rows[storefile.conflict_id(key, field)] = storefile.document_line(row)
        self.conflict_count += 1

    def _forget_removals_of_kept_papers(self, removed: dict[str, Line]) -> None:
        """A paper kept because one side changed it is no longer a removed paper, or imports
        would skip it and `add` would call it removed."""
        for doc in self.kept_despite_removal:
            removed.pop(storefile.removed_id(_identity(doc)), None)
            if doc.get("arxiv"):
                for row_id, line in list(removed.items()):
                    if orjson.loads(line).get("arxiv") == doc["arxiv"]:
                        del removed[row_id]

    def _merged_meta(self) -> Doc:
        """The newest schema, and the later of the two imports `list --new` shows."""
        ours, theirs = (dict(meta.get("1") or {}) for meta in self.meta[1:])
        result = {**ours, "schema": storefile.SCHEMA_VERSION}
        imports: list[Doc] = [
            side["last_import"] for side in (ours, theirs) if isinstance(side.get("last_import"), dict)
        ]
        if imports:
            result["last_import"] = max(imports, key=lambda last: (str(last.get("at")), orjson.dumps(last)))
        return {"1": result}


# -- the rules, on values ------------------------------------------------------------------
class _Different:
    """Marks a value the two sides changed differently (None is a value: a field emptied)."""


_DIFFERENT: Any = _Different()


def _three_way(base: Any, ours: Any, theirs: Any) -> Any:
    """The value both agree on, or the one side's change; `_DIFFERENT` when they changed it differently."""
    if ours == theirs:
        return ours
    if base == ours:
        return theirs
    if base == theirs:
        return ours
    return _DIFFERENT


def _three_way_set(
    base: list[Any] | None, ours: list[Any] | None, theirs: list[Any] | None, key: Callable[[Any], Any]
) -> list[Any]:
    """Members both keep, and those one side added; what one side removed goes. In our order,
    then theirs."""
    in_base = {key(member) for member in base or []}
    in_ours = {key(member) for member in ours or []}
    in_theirs = {key(member) for member in theirs or []}
    result, seen = [], set()
    for member in [*(ours or []), *(theirs or [])]:
        name = key(member)
        if name in seen:
            continue
        both = name in in_ours and name in in_theirs
        added = name not in in_base
        if both or added:
            result.append(member)
            seen.add(name)
    return result


def _union(ours: list[Any] | None, theirs: list[Any] | None, key: Callable[[Any], Any]) -> list[Any]:
    seen: dict[Any, Any] = {}
    for member in [*(ours or []), *(theirs or [])]:
        seen.setdefault(key(member), member)
    return list(seen.values())


def _record_id(record: Any) -> bytes:
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS)


def _latest(doc: Doc, kind: str, known: set[bytes]) -> str:
    """When this side last logged a `kind` change the common ancestor does not have."""
    times = [str(e.get("at")) for e in doc.get("log") or [] if e.get("kind") == kind and _record_id(e) not in known]
    return max(times, default="")


def _source(sighting: Doc) -> tuple[Any, ...]:
    """`models.Sighting.source_id` of a stored sighting."""
    return (sighting.get("topic"), sighting.get("date")) if sighting.get("date") else (sighting.get("file"),)


def _recency(sighting: Doc) -> tuple[str, str, int]:
    return (str(sighting.get("date") or ""), str(sighting.get("file") or ""), int(sighting.get("line") or 0))


def _merged_sightings(ours: list[Doc] | None, theirs: list[Doc] | None) -> list[Doc]:
    """Every source either side saw, once (the most recent record of it), in time order."""
    by_source: dict[tuple[Any, ...], Doc] = {}
    for sighting in [*(ours or []), *(theirs or [])]:
        source = _source(sighting)
        if source not in by_source or _recency(sighting) > _recency(by_source[source]):
            by_source[source] = sighting
    return sorted(by_source.values(), key=_recency)


def _newest(doc: Doc) -> tuple[str, str, int]:
    full = [_recency(s) for s in doc.get("sightings") or [] if not s.get("partial")]
    return max(full, default=("", "", 0))


def _authority(base: Doc, ours: Doc, theirs: Doc) -> Doc | None:
    """The side that saw a newer digest than the ancestor and the other side did, if one did."""
    newest = {"ours": _newest(ours), "theirs": _newest(theirs)}
    if newest["ours"] == newest["theirs"]:
        return None
    side, doc = ("ours", ours) if newest["ours"] > newest["theirs"] else ("theirs", theirs)
    return doc if newest[side] > _newest(base) else None


def _same_paper(one: Doc, other: Doc) -> bool:
    if one.get("arxiv") and other.get("arxiv"):
        return bool(one["arxiv"] == other["arxiv"])
    return _identity(one) == _identity(other)


def _identity(doc: Doc) -> str:
    """`textnorm.identity` of the title and authors digests list the paper under."""
    listed = doc.get("listed") or {}
    return identity(
        str(listed.get("title", doc.get("title") or "")), list(listed.get("authors", doc.get("authors")) or [])
    )


def _seniority(doc: Doc, base: Doc | None) -> tuple[bool, str, str]:
    """Orders two papers that want one key: the one the common ancestor had first, then the
    one added first, then by identity (so that every machine decides alike)."""
    return (base is None or not _same_paper(base, doc), str(doc.get("added") or ""), _identity(doc))


def _twin(table: dict[str, Line], key: str, paper: Doc) -> str | None:
    """Another key of `table` holding the same paper, among those a clash over `key` gives out
    (`key` and a suffix)."""
    prefix = key.casefold()
    for other_key in table:
        if (
            other_key != key
            and other_key.casefold().startswith(prefix)
            and _same_paper(orjson.loads(table[other_key]), paper)
        ):
            return other_key
    return None


def _later_removal(ours: Line, theirs: Line) -> Line:
    return max((ours, theirs), key=lambda line: (str(orjson.loads(line).get("at")), bytes(line)))


def _greater(ours: Line, theirs: Line) -> Line:
    """Of two versions of a record that no rule orders, the same one on every machine."""
    return max((ours, theirs), key=bytes)
