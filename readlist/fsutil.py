"""Writing files so that a crash leaves the old content or the new, never a mix."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def real_path(path: Path) -> Path:
    """Where a write must land: through symlinks, so a linked store stays the shared file."""
    return Path(os.path.realpath(path))


def check_writable(path: Path) -> None:
    """Refuse a file the user made read-only, even where root could overwrite it anyway."""
    if path.exists() and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
        raise PermissionError(13, "the file is read-only", str(path))


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


def write_atomically(path: Path, payload: bytes) -> None:
    """Temp file beside the target, fsync, rename over it, fsync the directory.

    The target's directory must exist; symlinks are followed. A new file gets the usual
    permissions (0666 less the umask), an existing one keeps its own.
    """
    path = real_path(path)
    check_writable(path)
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_current_umask()
    fd, tmp_name = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(payload)
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
