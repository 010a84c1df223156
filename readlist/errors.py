"""Typed errors; `cli` is the one place that turns them into a message and an exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    PROBLEMS = 1  # the command ran but some input could not be read
    USAGE = 2  # bad arguments (typer's own code), or a config file readlist cannot use
    INVALID_INPUT = 3
    NOT_FOUND = 4
    STORE = 5
    CANCELLED = 6
    UNAVAILABLE = 7  # a network service (the arXiv API) could not be reached or answered badly
    OFFLINE = 8  # `sync`: the git remote could not be reached; what changed here is committed locally
    SYNC = 9  # `sync`: git failed otherwise (a push refused, a repository readlist cannot use)


class ReadlistError(Exception):
    exit_code = ExitCode.INVALID_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(ReadlistError):
    """The user's input (a file, an option value) cannot be used."""

    exit_code = ExitCode.INVALID_INPUT


class UnreadableFile(InvalidInput):
    """An input file that cannot be read at all; where, as data, so that a report can list it."""

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        super().__init__(f"{file}:{line}: {reason}" if line else f"{file}: {reason}")
        self.file = file
        self.line = line
        self.reason = reason


class NotFound(ReadlistError):
    """No entry (or note, or file) by that name."""

    exit_code = ExitCode.NOT_FOUND


class StoreError(ReadlistError):
    """The store cannot be read or written; it is left as it was."""

    exit_code = ExitCode.STORE


class ConfigError(ReadlistError):
    """The config file cannot be used: a setting it does not know, a value of the wrong kind."""

    exit_code = ExitCode.USAGE


class Cancelled(ReadlistError):
    exit_code = ExitCode.CANCELLED


class ArxivUnavailable(ReadlistError):
    """The arXiv API could not be reached, or its answer could not be read; nothing was changed."""

    exit_code = ExitCode.UNAVAILABLE


class RemoteUnreachable(ReadlistError):
    """`sync` could not reach the git remote; the local commit is kept and sent by the next sync."""

    exit_code = ExitCode.OFFLINE


class SyncError(ReadlistError):
    """git failed in a way `sync` cannot work around; the store is left as it was."""

    exit_code = ExitCode.SYNC


class MergeRefused(ReadlistError):
    """The merge driver could not read one of the stores: git leaves the file in conflict."""

    exit_code = ExitCode.PROBLEMS
