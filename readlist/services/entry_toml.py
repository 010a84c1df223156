"""An entry's editable fields as a TOML document for `readlist edit KEY`, and what a person
changed in it.

Only the fields whose text differs from what was written are changes, and only they are
checked (`library.check_field`, the rule of `edit --title ...`): a stored value readlist would
now refuse blocks nothing until it is touched. Errors name the line of the document.
"""

from __future__ import annotations

import tomllib
from typing import Any

from readlist import tomltext
from readlist.errors import Cancelled, InvalidInput
from readlist.models import EDITABLE_FIELDS, Entry
from readlist.services.library import check_field, field_value

_ERROR_MARK = "# Error: "


def document(entry: Entry) -> str:
    """The TOML a person edits: a header saying how to save and cancel, then each field."""
    lines = [
        f"# readlist: the entry {entry.key}. Save and close the editor to apply your changes; they",
        "# are kept as your edits (later imports and `refresh` never overwrite them).",
        "# Cancel: close without saving, or delete everything and save.",
        '# "" clears a field. type: a BibTeX entry type (article, inproceedings, misc ...), or ""',
        "# to let the export choose from the venue. The key does not change here (`readlist rekey`).",
        "",
    ]
    for name in EDITABLE_FIELDS:
        value = field_value(entry, name)
        if name == "year" and value is None:
            lines += ["# No year set (exports take the venue's or the first digest's); to set one:", "# year = 2024"]
        else:
            lines.append(tomltext.assignment(name, value if value is not None else ""))
    return "\n".join(lines) + "\n"


def changes(text: str, original: str) -> dict[str, Any]:
    """The checked values of the fields `text` changes from `original` (both `document`s);
    `Cancelled` when `text` holds nothing but comments, `InvalidInput` naming the line when it
    cannot be used."""
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        raise Cancelled("the file was emptied; nothing was changed")
    try:
        edited = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, reason = tomltext.decode_error(exc)
        raise InvalidInput(f"line {line}: not valid TOML: {reason}" if line else f"not valid TOML: {reason}") from None
    before = tomllib.loads(original)
    unknown = [name for name in edited if name not in EDITABLE_FIELDS]
    if unknown:
        raise _at(
            text,
            unknown[0],
            f"unknown field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
            f"the fields are {', '.join(EDITABLE_FIELDS)}",
        )
    found: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        value = edited.get(name, _absent(name))
        if value == before.get(name, _absent(name)):
            continue
        _check_type(text, name, value)
        try:
            found[name] = check_field(name, value)
        except InvalidInput as exc:
            raise _at(text, name, exc.message) from None
    return found


def with_error(text: str, message: str) -> str:
    """`text` to open again, with `message` as a comment at the top (replacing an older one)."""
    kept = [line for line in text.splitlines(keepends=True) if not line.startswith(_ERROR_MARK)]
    return f"{_ERROR_MARK}{message}\n" + "".join(kept)


def _absent(name: str) -> Any:
    """What a field deleted from the document means: no year, no authors, empty text."""
    return None if name == "year" else [] if name == "authors" else ""


def _check_type(text: str, name: str, value: Any) -> None:
    if name == "authors":
        if not isinstance(value, list) or not all(isinstance(author, str) for author in value):
            raise _at(text, name, 'authors must be a list of names in quotes, like ["Ada Lovelace", "Alan Turing"]')
    elif name == "year":
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise _at(text, name, "year must be a whole number without quotes, like 2024")
    elif not isinstance(value, str):
        raise _at(text, name, f"{name} must be text in quotes")


def _at(text: str, name: str, reason: str) -> InvalidInput:
    line = tomltext.line_of(text, name)
    return InvalidInput(f"line {line}: {reason}" if line else reason)
