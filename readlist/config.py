"""The config file: `config.toml` in the user config dir, or the file `READLIST_CONFIG` names.

Read only when a command needs a setting, so `readlist --help` never pays for it. A missing
file means the defaults; a file readlist cannot use (bad TOML, a setting it does not know, a
value of the wrong kind) is a `ConfigError` naming the file and line, never a guess.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from readlist.choices import LIST_COLUMNS, PROFILE_USES, one_of
from readlist.errors import ConfigError
from readlist.tomltext import decode_error, line_of

CONFIG_ENV = "READLIST_CONFIG"

#: Every setting the file may hold, by table ("" is the top level), for messages and checks.
KNOWN = {"": ("db", "editor", "profile", "list"), "list": ("columns",)}


@dataclass(frozen=True, slots=True)
class Settings:
    """What the config file sets; None where it sets nothing."""

    file: Path
    exists: bool
    db: Path | None = None  # the store, relative paths from the config file's folder
    editor: str | None = None
    profile: str | None = None  # `export --profile` when none is given
    list_columns: tuple[str, ...] | None = None  # the columns of `list`, in this order


def config_path() -> Path:
    """`READLIST_CONFIG`, else `config.toml` in the user config dir (~/.config/readlist on Linux)."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_path

    return user_config_path("readlist", appauthor=False) / "config.toml"


def load(path: Path | None = None) -> Settings:
    """The settings of the config file (`config_path()` unless given); defaults if it is missing."""
    path = path if path is not None else config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings(file=path, exists=False)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8-sig")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: the config file is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        line, reason = decode_error(exc)
        raise ConfigError(
            f"{path}:{line}: not valid TOML: {reason}" if line else f"{path}: not valid TOML: {reason}"
        ) from exc
    return _settings(path, text, data)


def _settings(path: Path, text: str, data: dict[str, Any]) -> Settings:
    def fail(key: str, table: str | None, reason: str) -> ConfigError:
        line = line_of(text, key, table)
        return ConfigError(f"{path}:{line}: {reason}" if line else f"{path}: {reason}")

    if not isinstance(data.get("list", {}), dict):
        raise fail("list", None, "list must be a table: [list] on a line of its own, then columns = [...]")
    for table, names in KNOWN.items():
        values = data if not table else data.get(table, {})
        unknown = [name for name in values if name not in names]
        if unknown:
            where = f"[{table}] " if table else ""
            raise fail(
                unknown[0],
                table or None,
                f"unknown setting {where}{', '.join(unknown)}; the settings are db, editor, profile and [list] columns",
            )

    def text_setting(name: str) -> str | None:
        value = data.get(name)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise fail(name, None, f"{name} must be a non-empty string in quotes")
        return value

    db, editor, profile = text_setting("db"), text_setting("editor"), text_setting("profile")
    if profile is not None and profile not in PROFILE_USES:
        raise fail("profile", None, f"unknown profile {profile!r}; use {one_of(list(PROFILE_USES))}")
    columns = data.get("list", {}).get("columns")
    if columns is not None:
        if not isinstance(columns, list) or not columns or not all(isinstance(c, str) for c in columns):
            raise fail("columns", "list", 'columns must be a list of column names, like ["key", "title", "year"]')
        unknown_columns = [c for c in columns if c not in LIST_COLUMNS]
        if unknown_columns:
            raise fail(
                "columns",
                "list",
                f"unknown column {', '.join(map(repr, unknown_columns))}; the columns are {one_of(LIST_COLUMNS)}",
            )
        if len(set(columns)) < len(columns):
            raise fail("columns", "list", "columns names a column twice")
    store = Path(db).expanduser() if db is not None else None
    return Settings(
        file=path,
        exists=True,
        db=path.parent / store if store is not None and not store.is_absolute() else store,
        editor=editor.strip() if editor else None,
        profile=profile,
        list_columns=tuple(columns) if columns is not None else None,
    )


def editor_choice() -> tuple[str | None, str]:
    """The editor to open and where that choice comes from: `$VISUAL`, `$EDITOR`, the config
    file's `editor` (read only then), else none: the caller falls back to vi in a terminal."""
    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "").strip()
        if value:
            return value, f"${variable}"
    editor = load().editor
    return (editor, "config") if editor else (None, "default")
