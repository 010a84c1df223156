"""The search engine: query syntax, matching, ranking and highlight spans, with no store."""

from __future__ import annotations

import itertools
import string
from collections.abc import Callable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from readlist.errors import InvalidInput
from readlist.models import Entry, Note, Sighting
from readlist.search import Query, Term, parse_query, search
from readlist.textnorm import fold


def make(
    key: str,
    title: str = "Untitled",
    *,
    authors: tuple[str, ...] = (),
    abstract: str = "",
    comment: str | None = None,
    tags: tuple[str, ...] = (),
    topic: str = "Machine Learning",
    date: str = "2022-03-11",
    status: str = "unread",
    notes: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
) -> Entry:
    return Entry(
        key=key,
        title=title,
        authors=list(authors),
        abstract=abstract,
        comment=comment,
        tags=list(tags),
        status=status,
        sightings=[Sighting("digest.txt", topic, date)],
        notes=[Note("2024-01-02T10:00:00+01:00", text) for text in notes],
        categories=list(categories),
    )


def no_year(entry: Entry) -> int | None:
    return None


def keys(query: str, entries: list[Entry], year_of: Callable[[Entry], int | None] = no_year) -> list[str]:
    return [hit.entry.key for hit in search(entries, parse_query(query), year_of)]


# -- parsing ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "terms"),
    [
        pytest.param("transformer", [Term("any", "transformer")], id="word"),
        pytest.param(
            "vision  transformer",
            [Term("any", "vision"), Term("any", "transformer")],
            id="words_are_anded",
        ),
        pytest.param("ViT", [Term("any", "vit")], id="word_is_case_folded"),
        pytest.param(
            "Clément ÉCOLE",
            [Term("any", "clement"), Term("any", "ecole")],
            id="word_is_accent_folded",
        ),
        pytest.param(
            '"vision \t transformer"',
            [Term("any", "vision transformer")],
            id="phrase_spacing_normalised",
        ),
        pytest.param("title:ViT", [Term("title", "vit")], id="title"),
        pytest.param('title:"Vision Transformer"', [Term("title", "vision transformer")], id="title_phrase"),
        pytest.param("Title:vit", [Term("title", "vit")], id="prefix_any_case"),
        pytest.param("author:Clément", [Term("author", "clement")], id="author"),
        pytest.param('tag:"Machine  Learning"', [Term("tag", "machine-learning")], id="tag_normalised"),
        pytest.param("topic:Vision", [Term("topic", "vision")], id="topic"),
        pytest.param("year:2022", [Term("year", "2022", years=(2022, 2022))], id="year"),
        pytest.param("year:2022..2024", [Term("year", "2022..2024", years=(2022, 2024))], id="year_range"),
        pytest.param("year:2022..", [Term("year", "2022..", years=(2022, None))], id="year_from"),
        pytest.param("year:..2021", [Term("year", "..2021", years=(None, 2021))], id="year_until"),
        pytest.param("status:Read", [Term("status", "read")], id="status"),
        pytest.param("-survey", [Term("any", "survey", exclude=True)], id="exclude_word"),
        pytest.param("-title:survey", [Term("title", "survey", exclude=True)], id="exclude_field"),
        pytest.param('-"a survey"', [Term("any", "a survey", exclude=True)], id="exclude_phrase"),
        pytest.param("doi:10.1000/x", [Term("any", "doi:10.1000/x")], id="identifier_prefix_is_a_word"),
        pytest.param("https://example.org/x", [Term("any", "https://example.org/x")], id="url_is_a_word"),
        pytest.param("cat:cs.CV", [Term("cat", "cs.cv")], id="category"),
        pytest.param(
            "https://arxiv.org/abs/2101.00001",
            [Term("any", "https://arxiv.org/abs/2101.00001")],
            id="url_is_a_word",
        ),
        pytest.param(
            '"title:x" "-y"',
            [Term("any", "title:x"), Term("any", "-y")],
            id="quotes_make_syntax_literal",
        ),
        pytest.param(
            "self-supervised",
            [Term("any", "self-supervised")],
            id="inner_hyphen_is_not_an_exclusion",
        ),
        pytest.param(
            'gan"vision transformer"',
            [Term("any", "gan"), Term("any", "vision transformer")],
            id="phrase_right_after_a_word",
        ),
    ],
)
def test_parse(text: str, terms: list[Term]) -> None:
    assert parse_query(text) == Query(tuple(terms))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "empty search query", id="empty"),
        pytest.param("  \t ", "empty search query", id="blank"),
        pytest.param("year:abc", "bad year 'abc'", id="year_not_a_number"),
        pytest.param(
            "autor:xie", "unknown field 'autor:' in search query; fields are title:, author:", id="unknown_field"
        ),
        pytest.param("year:22", "bad year '22'", id="year_not_four_digits"),
        pytest.param("year:..", "bad year '..'", id="year_both_ends_open"),
        pytest.param("year:20222024", "bad year", id="year_without_dots"),
        pytest.param("year:2024..2022", "runs backwards: write year:2022..2024", id="year_backwards"),
        pytest.param("status:done", "unknown status 'done': use one of unread, queued", id="status_unknown"),
        pytest.param("title:", "title: needs a value", id="prefix_without_value"),
        pytest.param("-year: x", "year: needs a value", id="excluded_prefix_without_value"),
        pytest.param("tag:-", "tag '-' is empty", id="tag_empty_once_normalised"),
        pytest.param("-", "lone '-'", id="lone_dash"),
        pytest.param('"vision transformer', "unclosed quote", id="unclosed_quote"),
        pytest.param('title:"vision', "unclosed quote", id="unclosed_quote_after_prefix"),
        pytest.param('a ""', "empty phrase", id="empty_phrase"),
        pytest.param("\u0301", "nothing to search for", id="folds_to_nothing"),
    ],
)
def test_parse_rejects(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as error:
        parse_query(text)
    assert "\n" not in error.value.message


# -- matching --------------------------------------------------------------------------------
CORPUS = [
    make(
        "vit",
        "An Image is Worth 16x16 Words: Transformers for Image Recognition",
        authors=("Alexey Dosovitskiy", "Lucas Beyer"),
        topic="Computer Vision",
        abstract="We apply a pure transformer directly to image patches.",
        tags=("vision", "to-read"),
        status="read",
        categories=("cs.CV", "cs.LG"),
    ),
    make(
        "clement",
        "Sparse coding in the wild",
        authors=("Clément Dupont", "Ana Núñez"),
        abstract="Une étude menée à l'École normale.",
        comment="doi:10.1000/xyz123",
        tags=("vision-language",),
    ),
    make(
        "strasse",
        "Die Straße der Modelle",
        abstract="Robust  vision\ntransformer models.",
        notes=("Compare with the ViT paper",),
        topic="Robotics",
    ),
    make(
        "organ",
        "Organ segmentation with U-Nets",
        authors=("Bo Li",),
        abstract="A survey of medical imaging.",
        status="queued",
        categories=("eess.IV", "cs.CV"),
    ),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("recognition", ["vit"], id="word_in_title"),
        pytest.param("beyer", ["vit"], id="word_in_authors"),
        pytest.param("patches", ["vit"], id="word_in_abstract"),
        pytest.param("10.1000", ["clement"], id="word_in_comment"),
        pytest.param("paper", ["strasse"], id="word_in_notes"),
        pytest.param("to-read", ["vit"], id="word_in_tags"),
        pytest.param("robotics", [], id="plain_word_is_not_searched_in_topic"),
        pytest.param("topic:robotics", ["strasse"], id="topic_prefix_searches_topic"),
        pytest.param("cat:cs.CV", ["vit", "organ"], id="category_primary_or_not"),
        pytest.param("cat:CS.lg", ["vit"], id="category_ignores_case"),
        pytest.param("cat:eess", ["organ"], id="archive"),
        pytest.param("cat:cs.C", [], id="category_is_whole"),
        pytest.param("Clement", ["clement"], id="unaccented_finds_accented"),
        pytest.param("ECOLE", ["clement"], id="upper_case_finds_accented"),
        pytest.param("nunez", ["clement"], id="tilde_and_acute_folded"),
        pytest.param("STRASSE", ["strasse"], id="sharp_s_matches_ss"),
        pytest.param("transform", ["vit", "strasse"], id="word_matches_a_word_start"),
        pytest.param("former", [], id="word_does_not_match_mid_word"),
        pytest.param("image transformer", ["vit"], id="all_words_must_match"),
        pytest.param('"vision transformer"', ["strasse"], id="phrase_across_newline"),
        pytest.param('"transformer vision"', [], id="phrase_keeps_word_order"),
        pytest.param("title:transformers", ["vit"], id="title_only"),
        pytest.param('title:"the wild"', ["clement"], id="title_phrase"),
        pytest.param("author:upon", ["clement"], id="author_substring"),
        pytest.param("tag:vision", ["vit"], id="tag_is_whole"),
        pytest.param('tag:"Vision Language"', ["clement"], id="tag_normalised"),
        pytest.param("topic:vision", ["vit"], id="topic_substring"),
        pytest.param("status:queued", ["organ"], id="status"),
        pytest.param("doi:10.1000/xyz123", ["clement"], id="unknown_prefix_searched_as_word"),
        pytest.param("vision -transformer", ["clement"], id="exclude_word"),
        pytest.param("vision -title:die", ["vit", "clement"], id="exclude_title_only"),
        pytest.param('-"robust vision"', ["vit", "clement", "organ"], id="exclude_phrase"),
        pytest.param("-tag:vision -status:queued", ["clement", "strasse"], id="exclude_filters"),
    ],
)
def test_search_matches(query: str, expected: list[str]) -> None:
    assert sorted(keys(query, CORPUS)) == sorted(expected)


YEARS = {"vit": 2020, "clement": 2022, "strasse": 2024}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("year:2022", ["clement"], id="one_year"),
        pytest.param("year:2021..2024", ["clement", "strasse"], id="range_inclusive"),
        pytest.param("year:2022..", ["clement", "strasse"], id="open_end"),
        pytest.param("year:..2021", ["vit"], id="open_start"),
        pytest.param("-year:2022", ["vit", "strasse", "organ"], id="excluded_keeps_unknown_year"),
    ],
)
def test_search_years_come_from_the_callable(query: str, expected: list[str]) -> None:
    assert sorted(keys(query, CORPUS, lambda entry: YEARS.get(entry.key))) == sorted(expected)


def test_cheap_filters_run_before_year_of() -> None:
    asked: list[str] = []

    def year_of(entry: Entry) -> int:
        asked.append(entry.key)
        return 2022

    assert keys("year:2022 status:read", CORPUS, year_of) == ["vit"]
    assert asked == ["vit"]


def test_ranking_by_field_then_newest_digest_then_key() -> None:
    entries = [
        make("abstract", abstract="graph networks"),
        make("tags", tags=("graph",)),
        make("authors", authors=("Graph Smith",)),
        make("title-b", "Graph networks", date="2022-01-01"),
        make("title-a", "Graph neural nets", date="2022-01-01"),
        make("title-new", "Graph kernels", date="2023-05-05"),
    ]
    assert keys("graph", entries) == [
        "title-new",
        "title-a",
        "title-b",
        "authors",
        "tags",
        "abstract",
    ]


def test_score_adds_each_terms_best_field() -> None:
    entries = [
        make("title-and-abstract", "Graph", abstract="kernels on graphs"),
        make("title-only", "Graph kernels", abstract="graph kernels"),
        make("missing-a-term", "Graph"),
    ]
    hits = search(entries, parse_query("graph kernels"), no_year)
    assert [(hit.entry.key, hit.score) for hit in hits] == [
        ("title-only", 16.0),
        ("title-and-abstract", 9.0),
    ]


# -- highlights ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "query", "marked"),
    [
        pytest.param("Vision Transformers", "transformer", ["Transformer"], id="ascii_prefix"),
        pytest.param("Élan d'école", "elan ECOLE", ["Élan", "école"], id="precomposed_accents"),
        pytest.param(
            "E\u0301lan d'e\u0301cole",
            "elan ecole",
            ["E\u0301lan", "e\u0301cole"],
            id="combining_accents_stay_with_their_letter",
        ),
        pytest.param(
            "Die Straße und die Strasse",
            "strasse",
            ["Straße", "Strasse"],
            id="sharp_s_is_two_folded_letters",
        ),
        pytest.param("Die Straße", "stras", ["Straß"], id="span_ends_inside_sharp_s"),
        pytest.param("ﬁne ﬁbres", "fi", ["ﬁ", "ﬁ"], id="ligature"),
        pytest.param("Ωmega café au lait", '"cafe au"', ["café au"], id="phrase"),
        pytest.param("Deep deep learning", "deep", ["Deep", "deep"], id="every_occurrence"),
        pytest.param(
            "Deep learning",
            '"deep learning" learn',
            ["Deep learning"],
            id="overlapping_spans_merge",
        ),
    ],
)
def test_title_highlights_are_spans_of_the_original(title: str, query: str, marked: list[str]) -> None:
    [hit] = search([make("k", title)], parse_query(query), no_year)
    assert [title[start:end] for start, end in hit.highlights["title"]] == marked


def test_author_highlights_span_the_joined_authors() -> None:
    authors = ("Ana Núñez", "Clément Dupont", "Straße Jürgen")
    [hit] = search([make("k", authors=authors)], parse_query("author:nunez clement jurgen"), no_year)
    joined = ", ".join(authors)
    assert [joined[start:end] for start, end in hit.highlights["authors"]] == [
        "Núñez",
        "Clément",
        "Jürgen",
    ]


def test_only_wanted_text_terms_are_highlighted() -> None:
    entry = make("k", "Graph kernels for vision", authors=("Graph Smith",), tags=("vision",))
    [hit] = search([entry], parse_query("title:graph tag:vision -survey status:unread"), no_year)
    assert hit.highlights == {"title": [(0, 5)], "authors": []}


# -- properties ------------------------------------------------------------------------------
LETTERS = st.sampled_from([*string.ascii_letters, "é", "e\u0301", "ß", "ﬁ", "Ø", "Ł", "ç", "Ü"])
WORDS = st.lists(LETTERS, min_size=1, max_size=8).map("".join)


@given(title_words=st.lists(WORDS, min_size=1, max_size=6), data=st.data())
def test_any_title_word_finds_its_entry_and_excluding_it_does_not(title_words: list[str], data: st.DataObject) -> None:
    title = " ".join(title_words)
    word = data.draw(st.sampled_from(title_words))
    typed = data.draw(st.sampled_from([word, word.upper(), word.lower()]))
    entries = [make("k", title)]
    [hit] = search(entries, parse_query(typed), no_year)
    assert hit.highlights["title"], "a match in the title is highlighted"
    for start, end in hit.highlights["title"]:
        assert fold(word) in fold(title[start:end])
    assert search(entries, parse_query(f"-{typed}"), no_year) == []
    assert search(entries, parse_query(f"{typed} -{typed}"), no_year) == []


@given(title=st.text(max_size=40), data=st.data())
def test_highlight_spans_are_ordered_and_inside_any_text(title: str, data: st.DataObject) -> None:
    words = fold(title).split()
    assume(words)
    word = data.draw(st.sampled_from(words))
    hits = search([make("k", title)], Query((Term("any", word),)), no_year)
    spans = hits[0].highlights["title"] if hits else []
    assert all(0 <= start < end <= len(title) for start, end in spans)
    assert all(before[1] < after[0] for before, after in itertools.pairwise(spans))


def test_words_in_unspaced_scripts_match_inside_a_title() -> None:
    entry = Entry(key="k", title="基于视觉变换器的图像分割", authors=["李 明"])
    assert [hit.entry.key for hit in search([entry], parse_query("图像"), year_of=lambda e: None)] == ["k"]


@given(
    titles=st.lists(st.text(alphabet="abcdeéøßł ABC-", min_size=1, max_size=30), min_size=1, max_size=6),
    words=st.lists(st.sampled_from(["ab", "cé", "e", "oss", "l", "b-c", '"a b"', "ø"]), min_size=1, max_size=3),
)
def test_prefilter_never_drops_an_entry_the_search_finds(titles: list[str], words: list[str]) -> None:
    from readlist.search import prefilter

    entries = [
        Entry(key=f"k{i}", title=t, authors=["Ørjan Åsen", "Łukasz Ćwik"], abstract=f"{t} — ‘x’", tags=["ß"])
        for i, t in enumerate(titles)
    ]
    query = parse_query(" ".join(words))
    where = prefilter(query)
    assert where is not None
    kept = [e for e in entries if where(e.to_dict())]
    found = [hit.entry.key for hit in search(entries, query, year_of=lambda e: None)]
    assert [hit.entry.key for hit in search(kept, query, year_of=lambda e: None)] == found


def test_prefilter_only_for_plain_word_queries() -> None:
    from readlist.search import prefilter

    assert prefilter(parse_query("vision transformer")) is not None
    assert prefilter(parse_query("vision -video")) is None
    assert prefilter(parse_query("author:lee")) is None
