"""What this process was asked to do: the command line, as the undo journal records it."""

from __future__ import annotations

from contextvars import ContextVar

#: Arguments longer than this are cut in the journal (a long note, a pasted abstract).
_ARGUMENT_WIDTH = 60

_command_line: ContextVar[str] = ContextVar("command_line", default="")


def set_command_line(args: list[str]) -> None:
    """Remember the arguments the CLI was given, quoted as a shell would need them."""
    import shlex

    from readlist.textnorm import strip_controls  # an undecodable byte must not break the journal

    cut = [arg if len(arg) <= _ARGUMENT_WIDTH else arg[: _ARGUMENT_WIDTH - 1] + "…" for arg in args]
    shown = [strip_controls(arg) for arg in cut]
    _command_line.set(" ".join(["readlist", *map(shlex.quote, shown)]))


def command_line() -> str:
    """`readlist tag KEY -t x` for the running command; empty outside the CLI (tests, scripts)."""
    return _command_line.get()
