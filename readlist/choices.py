"""The words options accept: one place, read by the code that checks them and by `--help`.

Plain tuples, no imports: the CLI reads them while it builds `readlist --help`.
"""

#: Reading states, in the order a paper usually goes through them.
STATUSES = ("unread", "queued", "reading", "read", "skipped")

#: Orders of `list --sort`, the default first.
SORTS = ("date", "added", "title", "key", "year", "priority", "status")

#: What `export --format` writes, the default first.
EXPORT_FORMATS = ("bibtex", "json", "csv", "markdown")

#: BibTeX profiles of `export --profile` and what each is for, the default first
#: (`readlist.models.PROFILES` holds what each one means for the output).
PROFILE_USES = {"bibtex": "ASCII, any BibTeX style", "biblatex": "UTF-8, biber"}

#: Columns `list` can show (`[list] columns` in the config file), in the table's order.
LIST_COLUMNS = ("key", "title", "authors", "year", "date", "topic", "tags", "priority", "status")

#: The fields of `list --format`/`search --format` templates (`readlist.output.shapes` fills them).
TEMPLATE_FIELDS = (
    "key",
    "title",
    "authors",
    "author",
    "year",
    "date",
    "status",
    "priority",
    "tags",
    "topics",
    "venue",
    "arxiv",
    "url",
    "abstract",
    "added",
)

#: Priorities: 1 is the most urgent.
MOST_URGENT, LEAST_URGENT = 1, 5


def one_of(words: tuple[str, ...] | list[str]) -> str:
    """`a, b or c`, for help and error messages."""
    return ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else "".join(words)
