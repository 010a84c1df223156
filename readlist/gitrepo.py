"""The git binary, run in one repository: `git -C <dir> ...` without a shell.

Messages are read in the C locale (`LC_ALL=C`) so that they can be recognised; git never
prompts (`GIT_TERMINAL_PROMPT=0`), and variables a surrounding git sets for its hooks and
drivers (`GIT_DIR`, `GIT_INDEX_FILE` ...) never point a command at another repository.
A failure is a typed error: `RemoteUnreachable` when the remote cannot be reached, else
`SyncError` with git's own last line.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from readlist.errors import RemoteUnreachable, SyncError

#: Variables a git process hands to its hooks and drivers; a git run here must not inherit them.
_REPOSITORY_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_COMMON_DIR")

#: What git says (in the C locale) when it cannot talk to a remote at all.
_UNREACHABLE = (
    "does not appear to be a git repository",
    "could not read from remote repository",
    "unable to access",
    "could not resolve host",
    "connection refused",
    "connection timed out",
    "network is unreachable",
    "no route to host",
    "operation timed out",
    "could not connect",
)


#: What git (or ssh) says when the remote answered but refused this machine: not being offline.
_REFUSED = (
    "permission denied",
    "authentication failed",
    "access denied",
    "repository not found",
    "terminal prompts disabled",
)


def clean_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in _REPOSITORY_VARIABLES}
    env.update({"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"})
    env.update(extra or {})
    return env


def last_line(text: str) -> str:
    """git's own reason, in one line: its `fatal:` line (git goes on with advice after it),
    else its last line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    refusal = [line for line in lines if any(sign in line.lower() for sign in _REFUSED)]
    if refusal:  # ssh says why before git's "Could not read from remote repository"
        return refusal[0].removeprefix("fatal: ")
    fatal = [line for line in lines if line.startswith("fatal: ")]
    if fatal:
        return fatal[0].removeprefix("fatal: ")
    return lines[-1] if lines else "no message"


def unreachable(message: str) -> bool:
    lowered = message.lower()
    if any(sign in lowered for sign in _REFUSED):
        return False
    return any(sign in lowered for sign in _UNREACHABLE)


class Repo:
    """A git work tree (`root`), or the directory that is to become one."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        check: bool = True,
        env: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            done = subprocess.run(
                ["git", "-C", str(self.root), *args],
                input=input,
                capture_output=True,
                env=clean_environment(env),
                stdin=None if input is not None else subprocess.DEVNULL,
            )
        except FileNotFoundError as exc:
            raise SyncError("git is not installed (or not on PATH); `readlist sync` needs it") from exc
        if check and done.returncode != 0:
            raise SyncError(f"git {args[0]} failed: {last_line(done.stderr.decode('utf-8', 'replace'))}")
        return done

    def out(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        """git's stdout, without the final line break."""
        return self.run(*args, env=env).stdout.decode("utf-8", "surrogateescape").rstrip("\n")

    def ok(self, *args: str) -> bool:
        """Whether git succeeds (a question such as `merge-base --is-ancestor`)."""
        return self.run(*args, check=False).returncode == 0

    def remote_call(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        """A command that talks to the remote: `RemoteUnreachable` when it cannot."""
        done = self.run(*args, check=False)
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace")
            if unreachable(message):
                raise RemoteUnreachable(last_line(message))
        return done

    # -- questions ----------------------------------------------------------------------
    def toplevel(self) -> Path | None:
        """The work tree `root` is in (itself or a directory above), if any."""
        done = self.run("rev-parse", "--show-toplevel", check=False)
        if done.returncode != 0:
            return None
        return Path(done.stdout.decode("utf-8", "surrogateescape").strip()).resolve()

    def git_dir(self) -> Path:
        return (self.root / self.out("rev-parse", "--git-dir")).resolve()

    def commit_of(self, ref: str) -> str | None:
        done = self.run("rev-parse", "-q", "--verify", f"{ref}^{{commit}}", check=False)
        return done.stdout.decode().strip() if done.returncode == 0 else None

    def branch(self) -> str:
        """The branch HEAD is on (it may have no commit yet)."""
        return self.out("symbolic-ref", "--short", "HEAD")

    def blob(self, commit: str, name: str) -> bytes | None:
        """The file `name` at the top of `commit`'s tree, or None when it has none."""
        done = self.run("cat-file", "blob", f"{commit}:{name}", check=False)
        return done.stdout if done.returncode == 0 else None

    def listing(self, commit: str, directory: str) -> dict[str, str]:
        """The files under `directory` in `commit`'s tree: path -> blob id."""
        found: dict[str, str] = {}
        raw = self.run("ls-tree", "-r", "-z", "--full-tree", commit, "--", directory).stdout
        for record in raw.split(b"\0"):
            if record:
                info, path = record.split(b"\t", 1)
                _mode, kind, oid = info.split()
                if kind == b"blob":
                    found[path.decode("utf-8", "surrogateescape")] = oid.decode()
        return found

    def read_blobs(self, oids: Iterable[str]) -> dict[str, bytes]:
        """The contents of these blobs, by id, read by one `git cat-file --batch`."""
        wanted = list(dict.fromkeys(oids))
        if not wanted:
            return {}
        out = self.run("cat-file", "--batch", input="".join(f"{oid}\n" for oid in wanted).encode()).stdout
        blobs: dict[str, bytes] = {}
        at = 0
        for oid in wanted:
            end = out.index(b"\n", at)
            header = out[at:end].split()
            if len(header) != 3:  # "<oid> missing"
                raise SyncError(f"git has no object {oid} (a damaged repository?)")
            size = int(header[2])
            blobs[oid] = out[end + 1 : end + 1 + size]
            at = end + 1 + size + 1
        return blobs

    def files(self, commit: str) -> list[str]:
        return self.out("ls-tree", "--name-only", commit).splitlines()

    def count(self, revisions: str) -> int:
        return int(self.out("rev-list", "--count", revisions))

    def merge_base(self, one: str, other: str) -> str | None:
        done = self.run("merge-base", one, other, check=False)
        return done.stdout.decode().strip() if done.returncode == 0 else None

    def is_ancestor(self, one: str, other: str) -> bool:
        return self.ok("merge-base", "--is-ancestor", one, other)

    def config(self, name: str) -> str | None:
        done = self.run("config", "--get", name, check=False)
        return done.stdout.decode("utf-8", "surrogateescape").strip() if done.returncode == 0 else None

    def changed(self, paths: Sequence[str]) -> bool:
        """Whether any of `paths` differs from HEAD (or is new)."""
        return bool(self.out("status", "--porcelain", "--untracked-files=all", "--", *paths))
