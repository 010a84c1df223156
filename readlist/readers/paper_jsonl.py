"""Daily paper lists as JSON Lines (daily-arXiv-ai-enhanced and its forks): one paper per line.

    {"id": "2405.01234", "categories": ["cs.CV"], "authors": ["Ann Lee", "Bo Chen"],
     "title": "...", "comment": "12 pages" or null, "summary": "the abstract", "AI": {...}}

The file's name gives the day (`data/2024-05-06.jsonl`, `2024-05-06_AI_enhanced_English.jsonl`);
the categories give the topic. The "AI" summary is the list's own and is not kept.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePath
from typing import Any

from readlist import arxiv
from readlist.models import DigestItem, Problem, ReadResult
from readlist.readers.base import Reader, collapse_spaces, iso_date

_FIRST_OBJECT = re.compile(r'\s*\{\s*"id"\s*:\s*"[^"]+"\s*,')
_DAY_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


def sniff(text: str) -> bool:
    """A first line that is a JSON object opening with `"id"` and holding `"title"` and `"authors"`."""
    first = text.lstrip()[:100_000].split("\n", 1)[0]
    return _FIRST_OBJECT.match(first) is not None and '"title"' in first and '"authors"' in first


def read(text: str, file: str) -> ReadResult:
    result = ReadResult()
    found = _DAY_IN_NAME.search(PurePath(file).name)
    day = (iso_date(found[1]) or "") if found else ""
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            result.problems.append(Problem(file, number, f"not a JSON object ({exc.args[0]}); skipped"))
            continue
        item = _item(record, day, number)
        if isinstance(item, str):
            result.problems.append(Problem(file, number, item))
        else:
            result.items.append(item)
    return result


def _item(record: Any, day: str, number: int) -> DigestItem | str:
    """The listing of one line, or why there is none."""
    if not isinstance(record, dict):
        return "not a JSON object; skipped"
    title, authors, summary, comment = (record.get(name) for name in ("title", "authors", "summary", "comment"))
    categories = record.get("categories") or []
    if not isinstance(title, str) or not title.strip():
        return "no title; skipped"
    if not (isinstance(authors, list) and all(isinstance(a, str) for a in authors)):
        return f"{title[:40]!r}: 'authors' is not a list of names; skipped"
    if not (isinstance(categories, list) and all(isinstance(c, str) for c in categories)):
        return f"{title[:40]!r}: 'categories' is not a list; skipped"
    arxiv_id = arxiv.parse_id(str(record.get("id", "")))
    return DigestItem(
        title=collapse_spaces(title),
        authors=[collapse_spaces(a) for a in authors if a.strip()],
        abstract=collapse_spaces(summary) if isinstance(summary, str) else "",
        comment=collapse_spaces(comment) if isinstance(comment, str) and comment.strip() else None,
        topic=categories[0] if categories else "",
        date=day,
        line=number,
        arxiv=arxiv_id,
        url=arxiv.abs_url(arxiv_id) if arxiv_id else None,
        categories=tuple(categories),
        partial=not isinstance(summary, str) or not summary.strip(),
    )


READER = Reader(
    name="paper-jsonl",
    description="daily paper lists as JSON Lines (daily-arXiv-ai-enhanced style: one paper object per line)",
    looks_for='a first line that is a JSON object starting with "id" and holding "title" and "authors"',
    suffixes=(".jsonl",),
    sniff=sniff,
    read=read,
)
