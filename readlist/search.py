"""The engine of `readlist search`: a small query language, matched in memory.

Pure (no I/O) so that the CLI, tests and benchmarks share it. It has to stay fast over
100,000 entries, so cheap checks (status, tags, year, title) run first and an entry's text
is folded only when a term needs it: the abstract only for a plain word.

Syntax (every term must hold; matching ignores case and accents):
    word  "a phrase"                      at the start of a word in any text field
    title:word  title:"a phrase"          the same, in the title only
    author:name                           a substring of any one author
    tag:name                              a whole tag, compared by textnorm.tag_key
    topic:name                            a substring of any digest topic
    year:2022  year:2022..2024  year:2022..  year:..2021
    status:read                           one of models.STATUSES
    -term                                 excludes entries the term matches
A `word:value` whose `word` is not one of these fields is an ordinary word (URLs, DOIs).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import total_ordering
from typing import Any

from readlist.errors import InvalidInput
from readlist.models import STATUSES, Entry
from readlist.textnorm import fold, is_plain, tag_key

FIELD_PREFIXES = ("title", "author", "tag", "topic", "cat", "year", "status")

#: Weights of the text fields a plain word searches, in `_text_fields` order, best first.
_TEXT_WEIGHTS = (
    8.0,  # title
    4.0,  # authors
    2.0,  # tags
    1.0,  # comment
    1.0,  # notes
    1.0,  # abstract
)
_FIELD_WEIGHT = {"title": 8.0, "author": 4.0, "tag": 2.0, "topic": 2.0, "cat": 2.0, "year": 0.0, "status": 0.0}
#: Cheapest and most selective checks first; a plain word may need every field folded.
_COST = {"status": 0, "tag": 1, "cat": 1, "year": 2, "title": 3, "author": 4, "topic": 5, "any": 6}

#: Shown when a field is given no value.
_EXAMPLES = {
    "title": "transformer",
    "author": "hinton",
    "tag": "ml",
    "topic": "vision",
    "cat": "cs.CV",
    "year": "2022..2024",
    "status": "read",
}
_TOKEN = re.compile(r'(?P<exclude>-)?(?:(?P<prefix>\w+):)?(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]*))')
_UNSPACED_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_ASCII_RUN_OR_CHAR = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]")
_YEARS = re.compile(r"(?P<first>\d{4})?(?P<range>\.\.)?(?P<last>\d{4})?")
#: Join the values of a list field, and the fields, so that no word or phrase matches across
#: two of them: neither is whitespace nor a word character.
_SEPARATOR = "\x00"
_FIELD_BREAK = "\x01"


@dataclass(frozen=True, slots=True)
class Term:
    """One condition of a query.

    `field` is "any" for a plain word or phrase, else one of FIELD_PREFIXES. `value` is folded
    text with single spaces (a phrase is whitespace-insensitive), a normalised tag, a status,
    or the year range as written; `years` is the parsed range, either end open.
    """

    field: str
    value: str
    exclude: bool = False
    years: tuple[int | None, int | None] | None = None


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: an entry matches when every term holds."""

    terms: tuple[Term, ...]


@dataclass(slots=True)
class Hit:
    """A matching entry; `highlights` holds spans of the original title and of the authors
    joined with ", ", so that the renderer can mark what matched without folding again, and,
    when a plain word is in neither (nor in the tags), the spans of the words in the first of
    comment, notes (joined by line breaks) and abstract that has it: the renderer's snippet.

    They are found when first asked for: a search that hits every paper draws a hundred rows
    and prints the rest as plain lines, so most hits never need them.
    """

    entry: Entry
    score: float
    _highlighter: _Highlighter = field(repr=False, compare=False)
    _found: dict[str, list[tuple[int, int]]] | None = field(default=None, repr=False, compare=False)

    @property
    def highlights(self) -> dict[str, list[tuple[int, int]]]:
        if self._found is None:
            self._found = self._highlighter(self.entry)
        return self._found


class Highlights(Mapping[str, dict[str, list[tuple[int, int]]]]):
    """The highlights of hits by key, each found when a renderer asks for it."""

    def __init__(self, hits: list[Hit]) -> None:
        self._hits = {hit.entry.key: hit for hit in hits}

    def __getitem__(self, key: str) -> dict[str, list[tuple[int, int]]]:
        return self._hits[key].highlights

    def __iter__(self) -> Iterator[str]:
        return iter(self._hits)

    def __len__(self) -> int:
        return len(self._hits)


def parse_query(text: str) -> Query:
    """Read the query language above; raise InvalidInput with a one-line reason if it is wrong."""
    terms: list[Term] = []
    position = 0
    while (position := _skip_space(text, position)) < len(text):
        match = _TOKEN.match(text, position)
        assert match is not None  # every group is optional, so the pattern always matches
        opens_quote = text[match.end() : match.end() + 1] == '"'
        if match["phrase"] is None and not match["word"] and opens_quote:
            raise InvalidInput(f"unclosed quote in search query: {text[position:]}")
        terms.append(_term(match))
        position = match.end()
    if not terms:
        raise InvalidInput('empty search query: give a word, a "phrase" or a field like tag:ml')
    return Query(tuple(terms))


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _term(match: re.Match[str]) -> Term:
    exclude = match["exclude"] is not None
    prefix, phrase, word = match["prefix"], match["phrase"], match["word"]
    value = phrase if phrase is not None else word
    field = prefix.lower() if prefix and prefix.lower() in FIELD_PREFIXES else "any"
    if prefix and field == "any":
        if not value[:1].isdigit() and not value.startswith("/"):
            fields = ", ".join(f"{name}:" for name in FIELD_PREFIXES)
            raise InvalidInput(f"unknown field {prefix + ':'!r} in search query; fields are {fields}")
        value = f"{prefix}:{value}"  # an identifier, not a field: keep "doi:10.1/x" or "http://..." whole
    if not value.strip():
        if phrase is not None:
            raise InvalidInput(f"empty phrase in search query: {match[0]}")
        if field != "any":
            raise InvalidInput(f"{field}: needs a value, e.g. {field}:{_EXAMPLES[field]}")
        raise InvalidInput("a lone '-' excludes nothing: write -word or -\"a phrase\"")
    if field == "year":
        return Term("year", value, exclude, _year_range(value))
    if field == "status":
        status = fold(value)
        if status not in STATUSES:
            raise InvalidInput(f"unknown status {value!r}: use one of {', '.join(STATUSES)}")
        return Term("status", status, exclude)
    if field == "tag":
        tag = tag_key(value)
        if not tag:
            raise InvalidInput(f"tag {value!r} is empty once normalised")
        return Term("tag", tag, exclude)
    folded = " ".join(fold(value).split())
    if not folded:
        raise InvalidInput(f"nothing to search for in {match[0]!r}")
    return Term(field, folded, exclude)


def _year_range(value: str) -> tuple[int | None, int | None]:
    match = _YEARS.fullmatch(value)
    has_year = match is not None and (match["first"] or match["last"])
    if match is None or not has_year or (match["last"] and not match["range"]):
        raise InvalidInput(f"bad year {value!r}: use year:2022, year:2022..2024, year:2022.. or year:..2021")
    first = int(match["first"]) if match["first"] else None
    last = int(match["last"]) if match["last"] else None
    if not match["range"]:
        return first, first
    if first is not None and last is not None and first > last:
        raise InvalidInput(f"year range {value!r} runs backwards: write year:{last}..{first}")
    return first, last


class Candidate:
    """What the search reads of one entry: its key, newest digest date and text folded once.

    The entry itself is built only when a term or the caller needs it (`entry`): a derived
    index hands over the folded text it keeps, so a plain-word search builds entries only for
    the rows it shows.
    """

    __slots__ = ("_build", "_entry", "_everything", "key", "last_date")

    def __init__(
        self,
        key: str,
        last_date: str | None,
        build: Callable[[], Entry],
        everything: str | None = None,
    ) -> None:
        self.key = key
        self.last_date = last_date
        self._build = build
        self._entry: Entry | None = None
        self._everything = everything

    @classmethod
    def of(cls, entry: Entry) -> Candidate:
        candidate = cls(entry.key, entry.last_date, lambda: entry)
        candidate._entry = entry
        return candidate

    @property
    def entry(self) -> Entry:
        if self._entry is None:
            self._entry = self._build()
        return self._entry

    def provide(self, entry: Entry) -> None:
        """Hand over the entry, built with others in one go (`rank`'s `preload`)."""
        self._entry = entry

    def everything(self) -> str:
        """The text fields, folded, in _TEXT_WEIGHTS order and split by _FIELD_BREAK."""
        if self._everything is None:
            self._everything = searchable_text(self.entry)
        return self._everything

    def folded_field(self, number: int, raw: Callable[[Entry], str]) -> str:
        """One text field folded (0 title, 1 authors): cut from the folded text when there is
        one and it splits cleanly into its fields, else folded from the entry."""
        if self._everything is not None:
            parts = self._everything.split(_FIELD_BREAK)
            if len(parts) == len(_TEXT_WEIGHTS):
                return parts[number]
        return fold(raw(self.entry))


def searchable_text(entry: Entry) -> str:
    """An entry's text fields folded for search, in _TEXT_WEIGHTS order, split by _FIELD_BREAK:
    what a derived index keeps so that no search folds it again."""
    fields = _text_fields(entry)
    joined = _FIELD_BREAK.join(fields)
    # One C-speed lower() in the common plain case; else fold field by field so that only
    # the field with the accent (usually a name) takes fold's slow path.
    return fold(joined) if is_plain(joined) else _FIELD_BREAK.join(map(fold, fields))


def prefilter(query: Query) -> Callable[[Mapping[str, Any]], bool] | None:
    """A test on an entry's stored form that every match passes, for plain-word queries.

    It folds the same fields as `searchable_text` and looks for each word's longest part, so the
    search proper builds and scores only the few entries that pass. None when the query has
    field prefixes or exclusions (those need the entry itself).
    """
    if not all(term.field == "any" and not term.exclude for term in query.terms):
        return None
    needles = [max(term.value.split(" "), key=len) for term in query.terms]

    def may_match(doc: Mapping[str, Any]) -> bool:
        fields = (
            doc.get("title") or "",
            _SEPARATOR.join(doc.get("authors") or ()),
            _SEPARATOR.join(doc.get("tags") or ()),
            doc.get("comment") or "",
            _SEPARATOR.join([note.get("text") or "" for note in doc.get("notes") or ()]),
            doc.get("abstract") or "",
        )
        joined = _FIELD_BREAK.join(fields)
        text = fold(joined) if is_plain(joined) else _FIELD_BREAK.join(map(fold, fields))
        return all(needle in text for needle in needles)

    return may_match


def _text_fields(entry: Entry) -> tuple[str, ...]:
    return (
        entry.title,
        _SEPARATOR.join(entry.authors),
        _SEPARATOR.join(entry.tags),
        entry.comment or "",
        _SEPARATOR.join([note.text for note in entry.notes]),
        entry.abstract,
    )


def _topics(entry: Entry) -> str:
    return _SEPARATOR.join([sighting.topic for sighting in entry.sightings])


def _word_pattern(value: str) -> re.Pattern[str]:
    """A word or phrase matches where a word starts ("transform" finds "Transformers",
    "gan" does not find "organ"); the words of a phrase may be split by any whitespace."""
    words = r"\s+".join(re.escape(word) for word in value.split(" "))
    if _UNSPACED_SCRIPT.match(value):  # Chinese, Japanese, Korean: words are not space-separated
        return re.compile(words)
    return re.compile(r"(?<!\w)" + words)


#: What a term gives an entry: the weight it adds to the score, or None if it does not match.
_Matcher = Callable[[Candidate], float | None]


def _matcher(term: Term, year_of: Callable[[Entry], int | None]) -> _Matcher:
    weight = _FIELD_WEIGHT.get(term.field, 0.0)
    if term.field == "status":
        return lambda hay: weight if hay.entry.status == term.value else None
    if term.field == "tag":
        return lambda hay: weight if any(tag_key(tag) == term.value for tag in hay.entry.tags) else None
    if term.field == "year":
        assert term.years is not None
        first, last = term.years
        return lambda hay: weight if _within(year_of(hay.entry), first, last) else None
    if term.field == "author":
        return lambda hay: weight if term.value in hay.folded_field(1, _joined_authors) else None
    if term.field == "topic":
        return lambda hay: weight if term.value in fold(_topics(hay.entry)) else None
    if term.field == "cat":  # a category (cat:cs.CV) or a whole archive (cat:cs)
        prefix = term.value + "."
        return lambda hay: weight if any(_in_category(c, term.value, prefix) for c in hay.entry.categories) else None
    # A substring test (C speed) rejects most entries before the word-start regex runs.
    needle = max(term.value.split(" "), key=len)
    pattern = _word_pattern(term.value)
    if term.field == "any" and " " not in term.value and not _UNSPACED_SCRIPT.match(term.value):
        word = term.value

        def best_field_weight_of_word(hay: Candidate) -> float | None:
            """As `best_field_weight` below for one word, without the regex engine."""
            text = hay.everything()
            start = _word_start(text, word)
            return None if start < 0 else _TEXT_WEIGHTS[text.count(_FIELD_BREAK, 0, start)]

        return best_field_weight_of_word
    if term.field == "title":
        return lambda hay: weight if needle in (text := hay.folded_field(0, _title)) and pattern.search(text) else None

    def best_field_weight(hay: Candidate) -> float | None:
        """The leftmost match lies in the best field, as fields are joined best first."""
        text = hay.everything()
        match = pattern.search(text) if needle in text else None
        if match is None:
            return None
        return _TEXT_WEIGHTS[text.count(_FIELD_BREAK, 0, match.start())]

    return best_field_weight


def _word_start(text: str, word: str) -> int:
    """Where `word` first occurs in `text` at the start of a word (as `_word_pattern`'s
    `(?<!\\w)`: not after a letter, digit or underscore), else -1."""
    start = text.find(word)
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start = text.find(word, start + 1)
    return start


def required_substrings(query: Query) -> list[str]:
    """Text that every entry the query matches has in its `searchable_text`: a pre-filter
    (an index runs it in SQL) before the terms are tested one by one."""
    needles = []
    for term in query.terms:
        if term.exclude:
            continue
        if term.field in ("any", "title"):
            needles.append(max(term.value.split(" "), key=len))
        elif term.field == "author":
            needles.append(term.value)
    return needles


def _joined_authors(entry: Entry) -> str:
    return _SEPARATOR.join(entry.authors)


def _title(entry: Entry) -> str:
    return entry.title


def _in_category(category: str, wanted: str, archive: str) -> bool:
    folded = category.casefold()
    return folded == wanted or folded.startswith(archive)


def _within(year: int | None, first: int | None, last: int | None) -> bool:
    return year is not None and (first is None or year >= first) and (last is None or year <= last)


def search(entries: Iterable[Entry], query: Query, year_of: Callable[[Entry], int | None]) -> list[Hit]:
    """Entries matching every term of `query`, best first (see `rank`)."""
    return rank(map(Candidate.of, entries), query, year_of)


def rank(
    candidates: Iterable[Candidate],
    query: Query,
    year_of: Callable[[Entry], int | None],
    limit: int | None = None,
    preload: Callable[[list[Candidate]], None] | None = None,
) -> list[Hit]:
    """The candidates matching every term of `query`, best first, at most `limit` of them.

    Ranking: the score (title > authors > tags/topic > abstract/comment/notes), then the
    newest digest date, then the key, so the same store always gives the same order. Only
    the hits kept become entries, when a plain-word query needed none to match; `preload`,
    if given, builds those in one go.
    """
    order = sorted(query.terms, key=lambda t: (_COST[t.field], t.exclude, -len(t.value)))
    plan = [(_matcher(term, year_of), term.exclude) for term in order]
    highlight = _Highlighter([term for term in query.terms if not term.exclude])
    matched: list[tuple[float, str, str, Candidate]] = []
    for candidate in candidates:
        score = 0.0
        for matcher, exclude in plan:
            weight = matcher(candidate)
            if (weight is None) != exclude:  # a wanted term missed, or an excluded one matched
                break
            score += weight or 0.0
        else:
            matched.append((score, candidate.last_date or "", candidate.key, candidate))
    matched.sort(key=lambda found: found[2])
    matched.sort(key=lambda found: (found[0], found[1]), reverse=True)
    kept = matched[:limit] if limit is not None else matched
    if preload is not None:
        preload([candidate for _, _, _, candidate in kept])
    return [Hit(candidate.entry, score, highlight) for score, _, _, candidate in kept]


def bounds_by_first_occurrence(query: Query) -> list[str] | None:
    """For a query of plain words and phrases only: the word of each term whose first
    occurrence in `searchable_text` bounds the term's weight from above (the field it falls
    in is the best field the term can match in, as fields are joined best first). None for
    other queries. See `rank_first`."""
    if not all(term.field == "any" and not term.exclude for term in query.terms):
        return None
    return [max(term.value.split(" "), key=len) for term in query.terms]


#: How `searchable_text` is made: its fields, split by FIELD_BREAK, and their weights.
FIELD_WEIGHTS = _TEXT_WEIGHTS
FIELD_BREAK = _FIELD_BREAK


def rank_first(
    bounded: Iterable[tuple[float, Candidate]],
    query: Query,
    year_of: Callable[[Entry], int | None],
    limit: int,
    preload: Callable[[list[Candidate]], None] | None = None,
) -> list[Hit]:
    """`rank(...)[:limit]` over candidates that come with an upper bound of their score,
    ordered by (bound, newest date) descending, then key: it stops as soon as no later
    candidate can rank among the first `limit`, so a search that hits every paper looks at
    a few rows more than it shows."""
    if limit <= 0:
        return []
    plan = [_matcher(term, year_of) for term in query.terms]
    highlight = _Highlighter(list(query.terms))
    kept: list[tuple[float, str, _KeyLast, Candidate]] = []  # a heap: the last-ranked kept hit first
    for bound, candidate in bounded:
        date = candidate.last_date or ""
        if len(kept) >= limit and (bound, date, _KeyLast(candidate.key)) <= kept[0][:3]:
            break  # this candidate, and every one after it, ranks after all that are kept
        score = 0.0
        for matcher in plan:
            weight = matcher(candidate)
            if weight is None:
                break
            score += weight
        else:
            found = (score, date, _KeyLast(candidate.key), candidate)
            if len(kept) < limit:
                heapq.heappush(kept, found)
            elif found[:3] > kept[0][:3]:
                heapq.heapreplace(kept, found)
    best = sorted(kept, key=lambda found: found[:3], reverse=True)
    if preload is not None:
        preload([candidate for _, _, _, candidate in best])
    return [Hit(candidate.entry, score, highlight) for score, _, _, candidate in best]


@total_ordering
class _KeyLast:
    """A key that sorts backwards, so that (score, date, _KeyLast(key)) sorts in the ranking's
    order: a higher score, a newer date, then a key earlier in A-Z rank before."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _KeyLast) and self.key == other.key

    def __lt__(self, other: _KeyLast) -> bool:
        return self.key > other.key

    def __hash__(self) -> int:
        return hash(self.key)


class _Highlighter:
    """Finds the positive terms in an entry's title and authors (compiled once per search),
    and, for a plain word that neither shows, in the first text field the table does not show
    (comment, notes, abstract): the renderer makes a snippet of it."""

    def __init__(self, terms: list[Term]) -> None:
        self.title_patterns = [_word_pattern(t.value) for t in terms if t.field in ("any", "title")]
        self.author_patterns = [
            _word_pattern(t.value) if t.field == "any" else re.compile(re.escape(t.value))
            for t in terms
            if t.field in ("any", "author")
        ]
        self.word_patterns = [_word_pattern(t.value) for t in terms if t.field == "any"]

    def __call__(self, entry: Entry) -> dict[str, list[tuple[int, int]]]:
        title = _spans(entry.title, self.title_patterns) if self.title_patterns else []
        authors = self._author_spans(entry.authors) if self.author_patterns else []
        found = {"title": title, "authors": authors}
        if self.word_patterns:
            found.update(self._unseen(entry))
        return found

    def _unseen(self, entry: Entry) -> dict[str, list[tuple[int, int]]]:
        """Spans of the plain words in the first hidden field that holds a word the title,
        authors and tags do not: `{"notes": [...]}` (notes joined by line breaks), or nothing."""
        seen = fold(_FIELD_BREAK.join([entry.title, _SEPARATOR.join(entry.authors), _SEPARATOR.join(entry.tags)]))
        unseen = [pattern for pattern in self.word_patterns if not pattern.search(seen)]
        if not unseen:
            return {}
        hidden = {
            "comment": entry.comment or "",
            "notes": "\n".join(note.text for note in entry.notes),
            "abstract": entry.abstract,
        }
        for name, text in hidden.items():
            if text and unseen[0].search(fold(text)):
                return {name: _spans(text, self.word_patterns)}
        return {}

    def _author_spans(self, authors: list[str]) -> list[tuple[int, int]]:
        """Spans over `", ".join(authors)`; each author is matched on its own, once one look
        at them all (folded together, split by a character no term matches) finds a match."""
        everyone = fold(_SEPARATOR.join(authors))
        if not any(pattern.search(everyone) for pattern in self.author_patterns):
            return []
        found: list[tuple[int, int]] = []
        offset = 0
        for author in authors:
            spans = _spans(author, self.author_patterns)
            found += [(start + offset, end + offset) for start, end in spans]
            offset += len(author) + len(", ")
        return found


def _spans(text: str, patterns: list[re.Pattern[str]]) -> list[tuple[int, int]]:
    """Where `patterns` match the folded `text`, as merged spans of the original `text`."""
    folded, origins = _fold_with_origins(text)
    found = sorted(
        _original_span(text, origins, match.start(), match.end())
        for pattern in patterns
        for match in pattern.finditer(folded)
    )
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _fold_with_origins(text: str) -> tuple[str, list[int] | None]:
    """`fold(text)` plus, for each folded character, the index of the character it came from
    (None when every character folds to one, as in ASCII text).

    Folding changes lengths ("ß" -> "ss", "ﬁ" -> "fi", "é" written as e + U+0301 -> "e"), so
    folded offsets cannot be used on the original text as they are. ASCII runs fold at C speed;
    only the other characters are folded one by one.
    """
    if is_plain(text):
        return fold(text), None
    pieces: list[str] = []
    origins: list[int] = []
    for run in _ASCII_RUN_OR_CHAR.finditer(text):
        piece = fold(run[0])
        pieces.append(piece)
        if run[0].isascii():
            origins += range(run.start(), run.end())
        else:
            origins += [run.start()] * len(piece)
    return "".join(pieces), origins


def _original_span(text: str, origins: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """Map a folded span back, widening it to whole original characters and the combining
    marks that follow them, so a highlight never splits "é" or "ß"."""
    if origins is None:
        return start, end
    original_end = origins[end - 1] + 1
    while original_end < len(text) and not fold(text[original_end]):
        original_end += 1
    return origins[start], original_end
