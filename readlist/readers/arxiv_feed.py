"""arXiv's own XML: the daily feeds of rss.arxiv.org, and the answers of arXiv's search API.

One format, `arxiv-feed`, for every shape arXiv serves: a saved file says by its root element
and its feed id which one it is, so nobody need know, or tell `--format`, which they saved.

A day's feed: one day's announcements in one category (rss.arxiv.org, RSS 2.0 or Atom):

    <rss> <channel> <title>cs.CV updates on arXiv.org</title>       the topic
      <pubDate>Fri, 10 May 2024 00:00:00 -0400</pubDate>            the date (Atom: <updated>)
      <item> <title>, <link>https://arxiv.org/abs/ID</link>,
        <description>arXiv:IDvN Announce Type: new|cross|replace|replace-cross
                     Abstract: the abstract</description>           (Atom: <entry>, <summary>)
        <category>cs.CV</category>..., <dc:creator>A One, B Two</dc:creator>,
        <arxiv:DOI>, <arxiv:journal_reference> (both optional)

  or, before 2024, RSS 1.0 (`<rdf:RDF>`, the date in the channel's `<dc:date>`): the title
  ends `. (arXiv:IDvN [cs.CV] UPDATED)`, the description is HTML (`<p>...</p>`) and dc:creator
  a list of HTML links to the authors' pages.

An answer of the API (export.arxiv.org/api/query): a search result, not a day's listing.

    <feed> <title>ArXiv Query: search_query=cat:cs.CV&...</title>  the topic: the categories asked for
      <opensearch:totalResults>, <entry> <id>http://arxiv.org/abs/IDvN</id>,
        <published> (the date), <title> and <summary> wrapped over lines,
        <author><name>...</name></author>..., <arxiv:comment>, <arxiv:journal_ref>,
        <arxiv:doi>, <arxiv:primary_category term=.../>, <category term=.../>...

A replacement announced without an abstract gives only what it carries (a partial listing).

A feed is untrusted input. It is parsed by lxml with entities never expanded, no DTD and no
network loaded, and libxml2's limits on huge documents kept; a document that declares entities
(no arXiv feed does) is not read at all, so that none can be expanded or point at a file.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote

from readlist import arxiv
from readlist.models import DigestItem, Problem, ReadResult
from readlist.names import split_author_line
from readlist.readers.base import Reader, collapse_spaces, quote

_SNIFF_SIZE = 8192
#: The start of an XML document whose root is a feed: declaration, comments, doctype, then the root.
_FEED_START = re.compile(
    r"\s*(?:<\?xml\b[^>]*\?>\s*)?(?:(?:<!--.*?-->|<\?[^>]*\?>|<!DOCTYPE\b[^\[>]*(?:\[.*?\])?\s*>)\s*)*"
    r"<(?:rss|rdf:RDF|feed)\b",
    re.DOTALL,
)
_ARXIV_MARK = re.compile(r"arxiv\.org", re.IGNORECASE)
_ROOT_START = re.compile(r"<(?:rss|rdf:RDF|feed)\b")
_ENTITY_DECLARATION = re.compile(r"<!ENTITY\b")
_ENTITIES_REFUSED = "the document declares XML entities (<!ENTITY>), which no arXiv feed does; not read"

_LISTING_TITLE = re.compile(r"(?P<topic>.+?)\s+updates on arXiv\.org", re.IGNORECASE)
_FEED_URL = re.compile(r"arxiv\.org/(?:rss|atom)/(?P<topic>[^/?#\s]+)", re.IGNORECASE)
#: "arXiv:2405.01234v2 Announce Type: replace" opening a description; "Abstract:" then follows.
_ANNOUNCEMENT = re.compile(r"\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>[\w-]*)\s*", re.IGNORECASE)
_ABSTRACT_LABEL = re.compile(r"\s*Abstract:\s*", re.IGNORECASE)
#: RSS 1.0: "Title. (arXiv:1507.00001v2 [cs.CV] UPDATED)" or "... [hep-ex] CROSS LISTED)".
_LEGACY_TITLE = re.compile(r"(?P<title>.*?)\.?\s*\(arXiv:(?P<id>[^\s()\[\]]+)\s*\[(?P<category>[^\]]+)\][A-Z ]*\)\s*")
_HTML_LINK = re.compile(r"<a\b[^>]*>(?P<name>.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"<[^>]*>")
_ET_AL = re.compile(r"\bet\.?\s+al\b", re.IGNORECASE)
_OAI_PREFIX = re.compile(r"oai:arXiv\.org:", re.IGNORECASE)
_SEARCH_QUERY = re.compile(r"search_query=(?P<query>[^&]*)")
_CATEGORY_IN_QUERY = re.compile(r"\bcat:\s*\"?(?P<category>[A-Za-z-]+(?:\.[A-Za-z-]+)?)")


def sniff(text: str) -> bool:
    """An `<rss>`, `<rdf:RDF>` or `<feed>` document that names arxiv.org in its first few kB."""
    head = text[:_SNIFF_SIZE]
    return _FEED_START.match(head) is not None and _ARXIV_MARK.search(head) is not None


def read(text: str, file: str) -> ReadResult:
    """The papers of a feed or an API answer, in file order; what could not be read, with lines."""
    parsed = _parse(text, file)
    if isinstance(parsed, Problem):
        return ReadResult(problems=[parsed])
    root, offset = parsed
    shape = _shape(root)
    if shape is None:
        message = f"not an arXiv feed: the document is <{_local(root)}>, not <rss>, <rdf:RDF> or <feed>"
        return ReadResult(problems=[Problem(file, (root.sourceline or 1) + offset, message)])
    if shape == "api":
        return _read_api(root, offset, file)
    return _read_listing(root, shape, offset, file)


@dataclass(slots=True)
class _Paper:
    """What one `<item>`/`<entry>` says, before it is checked."""

    tag: str
    line: int
    title: str
    authors: list[str]
    abstract: str
    candidate_ids: list[str]  # links, guids and ids, in order of trust
    categories: list[str]
    day: str | None = None
    comment: str | None = None
    doi: str | None = None
    journal_ref: str | None = None


def _parse(text: str, file: str) -> tuple[Any, int] | Problem:
    """The document's root element and the number of blank lines before it, or why it cannot be read."""
    from lxml import etree

    declared = _declared_entities(text)
    if declared is not None:
        return Problem(file, declared, _ENTITIES_REFUSED)
    body = text.lstrip()  # an XML declaration must open the document; a saved file may not start with it
    offset = text[: len(text) - len(body)].count("\n")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        encoding="utf-8",  # the text is already decoded: whatever the declaration says, it is UTF-8 now
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(body.encode("utf-8"), parser)
    except etree.XMLSyntaxError as exc:
        return Problem(file, (exc.lineno or 1) + offset, f"not well-formed XML ({exc.msg}); nothing read")
    dtd = root.getroottree().docinfo.internalDTD  # what the look before the root missed
    if dtd is not None and any(True for _ in dtd.iterentities()):
        return Problem(file, _line_at(text, max(text.find("<!DOCTYPE"), 0)), _ENTITIES_REFUSED)
    return root, offset


def _declared_entities(text: str) -> int | None:
    """The line of the DOCTYPE that declares entities before the root element, if one does."""
    root = _ROOT_START.search(text)
    prolog = text[: root.start()] if root else text
    declaration = _ENTITY_DECLARATION.search(prolog)
    if declaration is None:
        return None
    doctype = prolog.rfind("<!DOCTYPE", 0, declaration.start())
    return _line_at(text, doctype if doctype >= 0 else declaration.start())


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _shape(root: Any) -> str | None:
    name = _local(root)
    if name == "rss":
        return "rss"
    if name == "RDF":
        return "rdf"
    if name != "feed":
        return None
    feed_id = _text(_child(root, "id"))
    title = _text(_child(root, "title"))
    is_api = (
        "/api/" in feed_id
        or title.lower().startswith("arxiv query")
        or any("opensearch" in _namespace(child) for child in _elements(root))
    )
    return "api" if is_api else "atom"


# --- A day's feed ----------------------------------------------------------------------------


def _read_listing(root: Any, shape: str, offset: int, file: str) -> ReadResult:
    channel = root if shape == "atom" else _child(root, "channel")
    if channel is None:
        return ReadResult(problems=[Problem(file, (root.sourceline or 1) + offset, "the feed has no <channel>")])
    topic = _listing_topic(channel)
    day = _first_day(channel, "pubDate", "updated", "date", "lastBuildDate")
    holder = root if shape == "rdf" else channel  # RSS 1.0 puts its items beside the channel
    result = ReadResult()
    for element in _elements(holder, "entry" if shape == "atom" else "item"):
        paper = _listing_paper(element, (element.sourceline or 1) + offset, legacy=shape == "rdf")
        _add(result, paper, file, topic, day)
    return result


def _listing_topic(channel: Any) -> str:
    """ "cs.CV updates on arXiv.org" -> "cs.CV"; else the feed's URL's category, or its whole title."""
    title = collapse_spaces(_text(_child(channel, "title")))
    listing = _LISTING_TITLE.fullmatch(title)
    if listing:
        return listing["topic"]
    for link in _elements(channel, "link"):
        found = _FEED_URL.search(link.get("href") or _text(link))
        if found:
            return found["topic"]
    return title


def _listing_paper(element: Any, line: int, legacy: bool) -> _Paper:
    title = collapse_spaces(_text(_child(element, "title")))
    description = _text(_child(element, "description", "summary"))
    creators = [_text(creator) for creator in _elements(element, "creator")]
    categories = [collapse_spaces(c.get("term") or _text(c)) for c in _elements(element, "category")]
    ids = [*_links(element), _text(_child(element, "guid")), _text(_child(element, "id"))]
    if legacy:
        ids.append(element.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about") or "")
        suffix = _LEGACY_TITLE.fullmatch(title)
        if suffix:
            title = suffix["title"].strip()
            ids.append(suffix["id"])
            categories.append(collapse_spaces(suffix["category"]))
        abstract = _html_text(description)
        authors = [name for creator in creators for name in _html_names(creator)]
    else:
        announcement = _ANNOUNCEMENT.match(description)
        if announcement:
            ids.append(announcement["id"])
            description = description[announcement.end() :]
        label = _ABSTRACT_LABEL.match(description)
        abstract = collapse_spaces(description[label.end() :] if label else description)
        authors = [name for creator in creators for name in split_author_line(creator)]
    return _Paper(
        tag=_local(element),
        line=line,
        title=title,
        authors=authors,
        abstract=abstract,
        candidate_ids=ids,
        categories=categories,
        day=_first_day(element, "pubDate", "published", "date", "updated"),
        doi=_optional(element, "DOI", "doi"),
        journal_ref=_optional(element, "journal_reference", "journal_ref"),
    )


def _html_text(fragment: str) -> str:
    """RSS 1.0's description, HTML as text: `<p>An abstract.</p>` -> "An abstract."."""
    return collapse_spaces(html.unescape(_HTML_TAG.sub(" ", fragment)))


def _html_names(creator: str) -> list[str]:
    """RSS 1.0's dc:creator: each author a link to their page, and for long lists a trailing
    `et al. (909 additional authors not shown)`, kept as a last "et al." as digests keep it."""
    linked = [name for found in _HTML_LINK.finditer(creator) if (name := _html_text(found["name"]))]
    if not linked:
        return split_author_line(_html_text(creator))
    return linked + (["et al."] if _ET_AL.search(_HTML_LINK.sub(" ", creator)) else [])


# --- An API answer ---------------------------------------------------------------------------


def _read_api(root: Any, offset: int, file: str) -> ReadResult:
    topic = _query_categories(root)
    result = ReadResult()
    for entry in _elements(root, "entry"):
        line = (entry.sourceline or 1) + offset
        entry_id = _text(_child(entry, "id"))
        if "/api/errors" in entry_id:  # how the API answers a malformed query
            message = collapse_spaces(_text(_child(entry, "summary"))) or entry_id
            result.problems.append(Problem(file, line, f"the arXiv API answered with an error: {message}"))
            continue
        primary = _child(entry, "primary_category")
        categories = [primary.get("term") or ""] if primary is not None else []
        categories += [c.get("term") or _text(c) for c in _elements(entry, "category")]
        paper = _Paper(
            tag=_local(entry),
            line=line,
            title=collapse_spaces(_text(_child(entry, "title"))),
            authors=[collapse_spaces(_text(_child(a, "name"))) for a in _elements(entry, "author")],
            abstract=collapse_spaces(_text(_child(entry, "summary"))),
            candidate_ids=[*_links(entry), entry_id],
            categories=categories,
            day=_first_day(entry, "published", "updated"),
            comment=_optional(entry, "comment"),
            doi=_optional(entry, "doi", "DOI"),
            journal_ref=_optional(entry, "journal_ref", "journal_reference"),
        )
        _add(result, paper, file, topic, None)
    return result


def _query_categories(root: Any) -> str:
    """The categories the query asked for (`cat:cs.CV OR cat:cs.LG` -> "cs.CV, cs.LG"), else ""."""
    sources = [_text(_child(root, "title"))] + [unquote(link.get("href") or "") for link in _elements(root, "link")]
    for source in sources:
        query = _SEARCH_QUERY.search(source)
        if query:
            found = [m["category"] for m in _CATEGORY_IN_QUERY.finditer(unquote(query["query"]))]
            return ", ".join(dict.fromkeys(found))
    return ""


# --- Shared ----------------------------------------------------------------------------------


def _add(result: ReadResult, paper: _Paper, file: str, topic: str, feed_day: str | None) -> None:
    """The paper as a listing, or the problem that keeps it out."""
    arxiv_id = next((found for text in paper.candidate_ids if (found := _arxiv_id(text))), None)
    day = feed_day or paper.day
    if not paper.title:
        reason = f"<{paper.tag}> has no title; entry skipped"
    elif arxiv_id is None:
        reason = f"{quote(paper.title)} has no arXiv id (no arxiv.org link or oai:arXiv.org id); entry skipped"
    elif not [name for name in paper.authors if name]:
        reason = f"{quote(paper.title)} has no authors; entry skipped"
    elif day is None:
        reason = f"{quote(paper.title)} has no date (the feed gives none, nor the {paper.tag}); entry skipped"
    else:
        result.items.append(
            DigestItem(
                title=paper.title,
                authors=[name for name in paper.authors if name],
                abstract=paper.abstract,
                comment=paper.comment,
                topic=topic,
                date=day,
                line=paper.line,
                arxiv=arxiv_id,
                url=arxiv.abs_url(arxiv_id),
                categories=tuple(dict.fromkeys(c for c in paper.categories if c)),
                doi=paper.doi,
                journal_ref=paper.journal_ref,
                partial=not paper.abstract,  # a replacement announced without its abstract
                lacks=("comment",) if feed_day else (),  # a day's feed never gives arXiv's comment
            )
        )
        return
    result.problems.append(Problem(file, paper.line, reason))


def _arxiv_id(text: str) -> str | None:
    """The id in an abs/pdf link, an `oai:arXiv.org:ID` guid or a bare `arXiv:ID`."""
    text = text.strip()
    if not text:
        return None
    if "arxiv.org/" in text.lower():
        return arxiv.id_in_url(text)
    return arxiv.parse_id(_OAI_PREFIX.sub("", text, count=1))


def _first_day(element: Any, *names: str) -> str | None:
    """The ISO day of the first of `names` that holds a date (RFC 822 or ISO 8601)."""
    for name in names:
        day = _day(_text(_child(element, name)))
        if day:
            return day
    return None


def _day(value: str) -> str | None:
    """ "Fri, 10 May 2024 00:00:00 -0400" or "2024-05-10T04:00:02.1+00:00" -> "2024-05-10", as written."""
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _links(element: Any) -> list[str]:
    """An item's links: RSS's `<link>` text or Atom's `href`, the abstract page before the PDF."""
    links = [(link.get("href") or _text(link), link.get("rel") or "alternate") for link in _elements(element, "link")]
    return [href for href, rel in links if rel == "alternate"] + [href for href, rel in links if rel != "alternate"]


def _optional(element: Any, *names: str) -> str | None:
    for name in names:
        value = collapse_spaces(_text(_child(element, name)))
        if value:
            return value
    return None


def _elements(parent: Any, *names: str) -> Iterator[Any]:
    """Child elements (named one of `names`, in any namespace): arXiv's feeds mix RSS, Atom,
    Dublin Core and its own elements, and files saved by hand sometimes drop a namespace."""
    for child in parent:
        if isinstance(child.tag, str) and (not names or _local(child) in names):
            yield child


def _child(parent: Any, *names: str) -> Any:
    """The first child element named one of `names`, or None."""
    return next(_elements(parent, *names), None)


def _text(element: Any) -> str:
    return "".join(element.itertext()) if element is not None else ""


def _local(element: Any) -> str:
    tag: str = element.tag
    return tag.rpartition("}")[2]


def _namespace(element: Any) -> str:
    tag: str = element.tag
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


READER = Reader(
    name="arxiv-feed",
    description=(
        "an arXiv feed: a day's listing saved from rss.arxiv.org (RSS 2.0 or Atom) or the older "
        "arxiv.org/rss (RSS 1.0), or an answer of export.arxiv.org/api/query"
    ),
    looks_for="an <rss>, <rdf:RDF> or <feed> document naming arxiv.org",
    suffixes=(".xml", ".rss", ".atom"),
    sniff=sniff,
    read=read,
)
