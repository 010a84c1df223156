"""Writing files so that a crash leaves the old content or the new, never a mix."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


def real_path(path: Path) -> Path:
    """Where a write must land: through symlinks, so a linked store stays the shared file."""
    return Path(os.path.realpath(path))


def check_writable(path: Path) -> None:
    """Refuse a file (or a directory to create one in) the user made read-only, even where
    root could write it anyway."""
    if path.exists() and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
        raise PermissionError(13, "the file is read-only", str(path))
    parent = path.parent
    if parent.is_dir() and (not os.access(parent, os.W_OK) or not parent.stat().st_mode & 0o222):
        raise PermissionError(13, "the directory is read-only", str(parent))


def kind_of(path: Path) -> str | None:
    """What `path` is when it is not a regular file (`a directory`, `a FIFO` ...), else None;
    symlinks are followed, and a path that does not exist is None too."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    if stat.S_ISREG(mode):
        return None
    kinds = [(stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device")]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def write_file(path: Path, payload: bytes) -> None:
    """Write an output file: a regular (or new) file atomically; a FIFO, a terminal or another
    character device (`/dev/stdout`) in place, since a rename would replace the node itself."""
    kind = kind_of(path)
    if kind in ("a FIFO", "a character device"):
        fd = os.open(path, os.O_WRONLY)
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
        return
    if kind is not None:
        raise IsADirectoryError(21, f"it is {kind}", str(path))
    write_atomically(path, payload)


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def remove_stale_temp_files(path: Path) -> None:
    """Delete temp files a killed writer left next to `path`; call only while holding its lock."""
    for leftover in path.parent.glob(f"{_temp_prefix(path)}*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: Path, payload: bytes | Iterable[bytes]) -> None:
    """Temp file beside the target, fsync, rename over it, fsync the directory.

    `payload` is the bytes, or chunks of them written one after the other (a large store
    is never one buffer).

    The target's directory must exist; symlinks are followed. A new file gets the usual
    permissions (0666 less the umask), an existing one keeps its own.
    """
    path = real_path(path)
    check_writable(path)
    kind = kind_of(path)
    if kind is not None:  # a rename would replace a device node, a FIFO or a directory
        raise IsADirectoryError(21, f"it is {kind}", str(path))
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_current_umask()
    fd, tmp_name = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as tmp:
            if isinstance(payload, bytes):
                tmp.write(payload)
            else:
                tmp.writelines(payload)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
