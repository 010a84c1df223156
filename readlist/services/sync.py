"""`readlist sync`: the store's directory as a git repository, merged entry by entry.

The store file is the only file of the repository readlist looks after (with `.gitignore` and
`.gitattributes`); its lock, undo journal, index and temporary files stay on each machine.
A cycle holds the store's lock throughout and never lets git write the store: when both sides
changed, the three versions are read from git, merged by `readlist.merge.merge_stores`,
checked, and the result is written atomically before the branch is moved to the merge commit.
A crash at any point leaves a readable store, and the next sync loses nothing: a store written
but not committed is committed as a local change and merged again (the merge is idempotent).

A plain `git pull` merges the store through the same merge (`_merge-driver`), configured in
the clone's `.git/config` and `.git/info/attributes`.
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from readlist import storefile
from readlist.clock import now_iso
from readlist.errors import InvalidInput, MergeRefused, NotFound, RemoteUnreachable, StoreError, SyncError
from readlist.fsutil import real_path, write_atomically
from readlist.gitrepo import Repo, last_line
from readlist.models import Synced, SyncState
from readlist.services.session import store_path
from readlist.store import check_store_bytes, locked, open_store

REMOTE = "origin"
DEFAULT_BRANCH = "main"
#: A push the remote refused because another machine pushed first: fetch, merge, try again.
PUSH_ATTEMPTS = 5
#: For tests only: `after-fetch`, `after-write` (the merged store written, the branch not yet
#: moved), `after-merge` or `in-driver` (the merge driver, before it writes) make readlist kill
#: itself (SIGKILL) there, as a power cut would, so that tests can check what the next sync finds.
TEST_KILL_VARIABLE = "READLIST_TEST_SYNC_KILL_AT"
#: git's `gc --auto` counts loose objects, and a sync adds only a few (one store blob, a tree,
#: a commit), however large: the store's copies pile up loose, each compressed whole. A sync
#: repacks once the loose objects take more room than this many KiB and twice the packs.
#: Measured at 10,000 papers (a 19 MB store): each sync adds a 4.5 MB loose copy, the packed
#: history of a dozen syncs is 3 MB (copies differ by a line), and a repack costs 1.3 s,
#: nearly half a sync: this repacks every seventh sync there, so that `.git` stays under
#: 40 MB (it would grow by 4.5 MB a sync) and most syncs do not pay for it. At 100,000 papers
#: (a 187 MB store, 45 MB a copy) it repacks every third sync.
LOOSE_KIB_LIMIT = 32 * 1024
#: File names `.gitignore` and `.gitattributes` can hold without quoting.
_UNSAFE_NAME = set(" \t\"'\\*?[]!#")


# -- setting up -----------------------------------------------------------------------
def _target(db: Path | None) -> Path:
    return real_path(store_path(db))


def _own_repository(directory: Path) -> Repo:
    """The store directory's repository; an error unless the directory is one of its own."""
    repo = Repo(directory)
    top = repo.toplevel() if directory.is_dir() else None
    if top != directory.resolve():
        raise SyncError(
            f"{directory} is not set up for sync; `readlist sync init` or `readlist sync clone REMOTE` does it"
        )
    return repo


def _refuse_foreign_tree(directory: Path) -> None:
    top = Repo(directory).toplevel()
    if top is not None and top != directory.resolve():
        raise SyncError(
            f"{directory} is inside the git work tree {top}; give the store a directory of its own with "
            f"--db (e.g. --db ~/readlist-sync/readlist.json)"
        )


def _check_name(name: str) -> None:
    if _UNSAFE_NAME & set(name) or name.startswith("."):
        raise InvalidInput(f"the store's file name {name!r} cannot be synced; use a plain name such as readlist.json")


def _remote_argument(remote: str) -> str:
    """A local path as an absolute one: git reads a relative path from where it runs."""
    if "://" not in remote and Path(remote).expanduser().exists():
        return str(Path(remote).expanduser().resolve())
    return remote


def _driver_command() -> str:
    return f"{shlex.quote(sys.executable)} -m readlist _merge-driver %O %A %B %P"


def _write_setup(repo: Repo, name: str) -> None:
    """`.gitignore`, `.gitattributes` and this clone's merge driver (a plain `git pull` uses it)."""
    ignore = (
        "# readlist sync: only the store and these two files are shared; the store's lock, undo\n"
        "# journal, index and temporary files stay on each machine.\n"
        f"/*\n!/{name}\n!/.gitignore\n!/.gitattributes\n"
    )
    attributes = f"{name} merge=readlist\n"
    for file, text in ((".gitignore", ignore), (".gitattributes", attributes)):
        path = repo.root / file
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            write_atomically(path, text.encode())
    repo.run("config", "merge.readlist.name", "readlist: merge reading lists entry by entry")
    repo.run("config", "merge.readlist.driver", _driver_command())
    info = repo.git_dir() / "info"
    info.mkdir(exist_ok=True)
    existing = (info / "attributes").read_text(encoding="utf-8") if (info / "attributes").exists() else ""
    if attributes not in existing:
        write_atomically(info / "attributes", (existing + attributes).encode())


def _identity_env(repo: Repo) -> dict[str, str]:
    """A name for commits when git has none configured (a fresh machine)."""
    env: dict[str, str] = {}
    if repo.config("user.name") is None:
        env["GIT_AUTHOR_NAME"] = env["GIT_COMMITTER_NAME"] = "readlist"
    if repo.config("user.email") is None:
        env["GIT_AUTHOR_EMAIL"] = env["GIT_COMMITTER_EMAIL"] = f"readlist@{socket.gethostname()}"
    return env


def _stamp() -> str:
    return f"{socket.gethostname()} {now_iso()}"


def init(db: Path | None, remote: str | None) -> Synced:
    """Make the store's directory a repository of its own, commit the store, and with a
    remote, sync with it (its list, if it has one, is merged with this one)."""
    path = store_path(db)
    target = _target(db)
    remote = _remote_argument(remote) if remote is not None else None
    _check_name(target.name)
    directory = target.parent
    directory.mkdir(parents=True, exist_ok=True)
    _refuse_foreign_tree(directory)
    repo = Repo(directory)
    with locked(path) as target:
        if target.exists():  # a store this readlist cannot read is neither committed nor set up
            check_store_bytes(target, target.read_bytes())
        if repo.toplevel() is None:
            repo.run("init", "-q", f"--initial-branch={DEFAULT_BRANCH}")
        _write_setup(repo, target.name)
        if not target.exists():
            write_atomically(target, storefile.dumps(storefile.new_data()))
            sys.stderr.write(f"Started a new reading list at {path}.\n")
        names = [target.name, ".gitignore", ".gitattributes"]
        committed = False
        if repo.changed(names) or repo.commit_of("HEAD") is None:
            repo.run("add", "--", *names)
            repo.run("commit", "-q", "-m", f"readlist: start syncing on {_stamp()}", env=_identity_env(repo))
            committed = True
        if remote is None:
            return Synced("init", directory, _remote_url(repo), repo.branch(), committed, 0, 0, False, 0)
        if _remote_url(repo) is None:
            repo.run("remote", "add", REMOTE, remote)
        else:
            repo.run("remote", "set-url", REMOTE, remote)
        result = _cycle(repo, target, adopt_branch=True)
    return _as(result, "init", committed=committed or result.committed)


def clone(db: Path | None, remote: str) -> Synced:
    """Take the remote's list as this machine's store (none with entries may exist here)."""
    path = store_path(db)
    target = _target(db)
    remote = _remote_argument(remote)
    directory = target.parent
    if target.exists():
        with open_store(target) as store:
            if len(store):
                raise InvalidInput(
                    f"{path} already holds {len(store)} entries; `readlist sync init {remote}` merges them "
                    f"with the remote's list instead"
                )
    directory.mkdir(parents=True, exist_ok=True)
    repo = Repo(directory)
    if repo.toplevel() == directory.resolve():
        raise SyncError(f"{directory} is already set up for sync; `readlist sync` syncs it")
    if (directory / ".git").exists():
        raise SyncError(f"{directory / '.git'} is in the way (not a repository git can use); move it aside")
    _refuse_foreign_tree(directory)
    with locked(path) as target:
        with tempfile.TemporaryDirectory(prefix=".readlist-clone-", dir=directory) as temporary:
            try:
                done = Repo(Path(temporary)).remote_call("clone", "-q", "--no-checkout", remote, "repo")
            except RemoteUnreachable as exc:
                raise RemoteUnreachable(
                    f"cannot reach the remote {remote} ({exc.message}); nothing was changed"
                ) from None
            if done.returncode != 0:
                raise SyncError(f"git clone failed: {last_line(done.stderr.decode('utf-8', 'replace'))}")
            cloned = Repo(Path(temporary) / "repo")
            head = cloned.commit_of("HEAD") or _follow_remote_branch(cloned)
            if head is not None:
                _check_remote_store(cloned, head, target.name, remote)
            os.replace(cloned.root / ".git", directory / ".git")
        if head is None:  # an empty remote: this machine's (empty) list starts it
            _check_name(target.name)
            result = None
        else:
            raw = repo.blob(head, target.name)
            assert raw is not None  # checked above
            write_atomically(target, raw)
            repo.run("reset", "-q")
            _checkout_others(repo, target.name)
            _write_setup(repo, target.name)
            result = Synced("clone", directory, remote, repo.branch(), False, 0, repo.count("HEAD"), False, 0)
    if result is None:
        return _as(init(db, remote), "clone")
    return _as(result, "clone", conflicts=_conflicts_in(target.read_bytes()))


def _follow_remote_branch(repo: Repo) -> str | None:
    """A remote whose HEAD names a branch it lacks (a bare repository made with another default
    branch): take its `main`, else its only branch. The commit, or None for an empty remote."""
    branches = repo.out("for-each-ref", "--format=%(refname:strip=3)", f"refs/remotes/{REMOTE}/").split()
    branches = [b for b in branches if b != "HEAD"]
    if not branches:
        return None
    branch = DEFAULT_BRANCH if DEFAULT_BRANCH in branches else branches[0]
    repo.run("update-ref", f"refs/heads/{branch}", f"refs/remotes/{REMOTE}/{branch}")
    repo.run("symbolic-ref", "HEAD", f"refs/heads/{branch}")
    return repo.commit_of("HEAD")


def _check_remote_store(repo: Repo, commit: str, name: str, remote: str) -> None:
    files = repo.files(commit)
    if name in files:
        raw = repo.blob(commit, name)
        check_store_bytes(Path(f"{remote}:{name}"), raw or b"")
        return
    stores = [f for f in files if f.endswith(".json")]
    theirs = f"its list is {stores[0]}" if len(stores) == 1 else f"it holds {', '.join(stores) or 'no .json file'}"
    raise SyncError(
        f"the remote {remote} has no {name} ({theirs}); name the local store the same, e.g. --db DIR/"
        f"{stores[0] if len(stores) == 1 else name}"
    )


def _as(result: Synced, action: str, **changes: Any) -> Synced:
    return dataclasses.replace(result, action=action, **changes)


# -- the cycle ----------------------------------------------------------------------------
def sync(db: Path | None) -> Synced:
    """Commit what changed here, take what changed there, merge, send: one locked cycle."""
    path = store_path(db)
    target = _target(db)
    repo = _own_repository(target.parent)
    with locked(path) as target:
        return _cycle(repo, target)


def _remote_url(repo: Repo) -> str | None:
    return repo.config(f"remote.{REMOTE}.url")


def _cycle(repo: Repo, target: Path, adopt_branch: bool = False) -> Synced:
    name = target.name
    _recover_merge(repo, target)
    url = _remote_url(repo)
    if url is None:
        _commit_local(repo, name)
        raise SyncError(f"{repo.root} has no remote; `readlist sync init REMOTE` adds one")
    # Changes made here are committed on their own only when the remote has nothing new;
    # else they go into the merge commit: one copy of the store less to write and to send.
    pending = repo.changed([name])
    committed = pending
    branch = repo.branch()
    received, merged, sent = 0, False, 0
    renamed: dict[str, str] = {}
    for _attempt in range(PUSH_ATTEMPTS):
        try:
            _fetch(repo, url)
        except RemoteUnreachable:
            if pending:
                _commit_local(repo, name)
            raise
        if adopt_branch:
            branch = _adopt_remote_branch(repo, branch)
            adopt_branch = False
        _test_kill("after-fetch")
        took, did_merge, moved = _integrate(repo, target, branch, pending)
        if pending and not took:
            _commit_local(repo, name)
        pending = False
        received += took
        merged = merged or did_merge
        renamed.update(moved)
        _test_kill("after-merge")
        theirs = repo.commit_of(f"refs/remotes/{REMOTE}/{branch}")
        ahead = repo.count(f"{theirs}..HEAD" if theirs else "HEAD")
        if not ahead:
            break
        if _push(repo, url, branch):
            sent = ahead
            break
    else:
        raise SyncError(f"the remote kept changing while this sync pushed ({PUSH_ATTEMPTS} tries); run it again")
    _keep_small(repo)
    if sent:
        _keep_remote_small(url)
    conflicts = _conflicts_in(target.read_bytes())
    return Synced("sync", repo.root, url, branch, committed, sent, received, merged, conflicts, renamed)


def _test_kill(point: str) -> None:
    if os.environ.get(TEST_KILL_VARIABLE) == point:
        os.kill(os.getpid(), signal.SIGKILL)


def _fetch(repo: Repo, url: str) -> None:
    try:
        done = repo.remote_call("fetch", "-q", REMOTE)
    except RemoteUnreachable as exc:
        raise RemoteUnreachable(
            f"cannot reach the remote {url} ({exc.message}); your changes are committed here and the next "
            f"`readlist sync` sends them"
        ) from None
    if done.returncode != 0:
        raise SyncError(f"git fetch from {url} failed: {last_line(done.stderr.decode('utf-8', 'replace'))}")


def _adopt_remote_branch(repo: Repo, branch: str) -> str:
    """A first sync with a remote whose list lives on another branch (`master`): use that one."""
    if repo.commit_of(f"refs/remotes/{REMOTE}/{branch}") is not None:
        return branch
    theirs = repo.out("for-each-ref", "--format=%(refname:strip=3)", f"refs/remotes/{REMOTE}/").split()
    theirs = [b for b in theirs if b != "HEAD"]
    if len(theirs) == 1:
        repo.run("branch", "-m", branch, theirs[0])
        return theirs[0]
    return branch


def _push(repo: Repo, url: str, branch: str) -> bool:
    """Push fast-forward only; False when the remote moved meanwhile (fetch and merge again)."""
    try:
        done = repo.remote_call("push", "-q", REMOTE, f"HEAD:refs/heads/{branch}")
    except RemoteUnreachable as exc:
        raise RemoteUnreachable(
            f"cannot reach the remote {url} ({exc.message}); your changes are committed here and the next "
            f"`readlist sync` sends them"
        ) from None
    if done.returncode == 0:
        repo.run("update-ref", f"refs/remotes/{REMOTE}/{branch}", "HEAD")
        return True
    message = done.stderr.decode("utf-8", "replace")
    _fetch(repo, url)
    theirs = repo.commit_of(f"refs/remotes/{REMOTE}/{branch}")
    if theirs is not None and not repo.is_ancestor(theirs, "HEAD"):
        return False  # another machine pushed first
    raise SyncError(f"the remote refused the push: {last_line(message)}")


def _commit_local(repo: Repo, name: str) -> bool:
    if not repo.changed([name]):
        return False
    repo.run("add", "--", name)
    repo.run("commit", "-q", "-m", f"readlist: {_stamp()}", "--", name, env=_identity_env(repo))
    return True


def _recover_merge(repo: Repo, target: Path) -> None:
    """A `git merge`/`pull` left unfinished: conclude it when the store is a good merge, else
    abort it (this cycle then merges again)."""
    if repo.commit_of("MERGE_HEAD") is None:
        return
    # Merged by the driver, the store is staged; left unmerged (the driver refused, or git ran
    # without it), it may hold only this side's list, which must not be committed as the merge.
    good = not repo.out("ls-files", "--unmerged", "--", target.name)
    try:
        check_store_bytes(target, target.read_bytes())
    except (StoreError, OSError):
        good = False
    if good:
        repo.run("add", "--", target.name)
        unmerged = repo.out("diff", "--name-only", "--diff-filter=U")
        if not unmerged:
            repo.run("commit", "-q", "--no-edit", env=_identity_env(repo))
            sys.stderr.write("Concluded an unfinished merge.\n")
            return
    # As `git merge --abort`, but the store is written atomically (and a store git cannot
    # reset because it changed meanwhile is no obstacle): back to HEAD's.
    write_atomically(target, repo.blob("HEAD", target.name) or b"")
    repo.run("reset", "-q")
    _checkout_others(repo, target.name)
    sys.stderr.write("Aborted an unfinished merge whose store could not be read; this sync merges again.\n")


def _integrate(repo: Repo, target: Path, branch: str, pending: bool) -> tuple[int, bool, dict[str, str]]:
    """Take the remote branch into HEAD, with the store's uncommitted changes (`pending`):
    the commits received, whether both sides' changes were merged, and the keys the merge
    gave papers that met another paper under their key."""
    theirs = repo.commit_of(f"refs/remotes/{REMOTE}/{branch}")
    head = repo.commit_of("HEAD")
    if theirs is None or head is None or repo.is_ancestor(theirs, head):
        return 0, False, {}
    name = target.name
    received = repo.count(f"{head}..{theirs}")
    their_raw = repo.blob(theirs, name)
    if their_raw is None:
        raise SyncError(f"the remote's branch {branch} has no {name}; it holds {', '.join(repo.files(theirs))}")
    behind_only = repo.is_ancestor(head, theirs)
    if behind_only and not pending:
        check_store_bytes(Path(f"{REMOTE}/{branch}:{name}"), their_raw)
        write_atomically(target, their_raw)
        _move_branch(repo, branch, theirs, head, name)
        return received, False, {}
    from readlist.merge import merge_stores

    base = head if behind_only else repo.merge_base(head, theirs)
    base_raw = repo.blob(base, name) if base else None
    our_raw = target.read_bytes() if pending else repo.blob(head, name) or b""
    # The merge refuses a newer schema and checks every document it takes from the remote.
    outcome = merge_stores(base_raw, our_raw, their_raw, label=name)
    del base_raw, our_raw, their_raw
    blob = _hash(repo, outcome.data)
    tree = _tree_with(repo, head, name, blob)
    message = f"readlist: merge {REMOTE}/{branch} on {_stamp()}"
    parents = ["-p", theirs] if behind_only else ["-p", head, "-p", theirs]
    commit = repo.out("commit-tree", tree, *parents, "-m", message, env=_identity_env(repo))
    write_atomically(target, outcome.data)
    _test_kill("after-write")
    _move_branch(repo, branch, commit, head, name)
    return received, True, dict(outcome.renamed)


def _hash(repo: Repo, data: bytes) -> str:
    return repo.run("hash-object", "-w", "--no-filters", "--stdin", input=data).stdout.decode().strip()


def _tree_with(repo: Repo, commit: str, name: str, blob: str) -> str:
    """`commit`'s tree with the store replaced by `blob`, built in a temporary index."""
    with _temporary_index(repo) as env:
        repo.run("read-tree", commit, env=env)
        repo.run("update-index", "--add", "--cacheinfo", f"100644,{blob},{name}", env=env)
        return repo.out("write-tree", env=env)


@contextmanager
def _temporary_index(repo: Repo) -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="readlist-index-") as folder:
        yield {"GIT_INDEX_FILE": str(Path(folder) / "index")}


def _move_branch(repo: Repo, branch: str, new: str, old: str, name: str) -> None:
    """Point the branch at `new` (the store is already written), then bring the index and the
    other shared files (`.gitignore`, `.gitattributes`) in line with it."""
    repo.run("update-ref", "-m", "readlist sync", f"refs/heads/{branch}", new, old)
    repo.run("reset", "-q")
    _checkout_others(repo, name)


def _checkout_others(repo: Repo, name: str) -> None:
    others = [f for f in repo.files("HEAD") if f != name]
    if others:
        repo.run("checkout", "-q", "HEAD", "--", *others)


def _keep_small(repo: Repo, packs: int = 2) -> None:
    """Repack once the loose objects pass `LOOSE_KIB_LIMIT` and `packs` times the packs."""
    counts = dict(line.split(": ", 1) for line in repo.out("count-objects", "-v").splitlines() if ": " in line)
    loose, packed = int(counts.get("size", "0")), int(counts.get("size-pack", "0"))
    if loose > LOOSE_KIB_LIMIT and loose > packs * packed:
        repo.run("repack", "-a", "-d", "-q")
        repo.run("prune", "--expire=now")


def _keep_remote_small(url: str) -> None:
    """A bare repository on a disk grows by a copy of the store a push, as a clone does, and
    nothing else repacks it (a git host does its own upkeep; readlist leaves those alone)."""
    from urllib.parse import unquote, urlparse

    parsed = urlparse(url)
    if parsed.scheme == "file":
        folder = Path(unquote(parsed.path))
    elif "://" in url or ":" in url.split("/", 1)[0]:  # another machine: ssh, https, host:path
        return
    else:
        folder = Path(url)
    if (folder / "objects").is_dir() and (folder / "HEAD").is_file():
        # Half as often as a clone: at 100,000 papers a repack there costs 13 s, and this
        # bytes-on-a-disk copy has no size to keep to but the disk's.
        _keep_small(Repo(folder), packs=4)


def _conflicts_in(raw: bytes) -> int:
    try:
        return len(storefile.parse(Path("store"), raw).get(storefile.CONFLICTS, {}))
    except StoreError:
        return 0


# -- looking --------------------------------------------------------------------------------
def status(db: Path | None) -> SyncState:
    """Where this clone stands as of its last fetch; nothing is fetched or changed."""
    target = _target(db)
    if not target.exists():
        raise NotFound(f"no reading list at {store_path(db)} yet (a typo in --db?)")
    repo = _own_repository(target.parent)
    branch = repo.branch()
    theirs = repo.commit_of(f"refs/remotes/{REMOTE}/{branch}")
    head = repo.commit_of("HEAD")
    ahead = behind = None
    if theirs is not None and head is not None:
        ahead, behind = repo.count(f"{theirs}..{head}"), repo.count(f"{head}..{theirs}")
    return SyncState(
        directory=repo.root,
        store=target.name,
        remote=_remote_url(repo),
        branch=branch,
        ahead=ahead,
        behind=behind,
        uncommitted=repo.changed([target.name]),
        conflicts=_conflicts_in(target.read_bytes()),
    )


def git(db: Path | None, args: list[str]) -> int:
    """Run git in the store's repository, attached to the terminal; git's exit code."""
    directory = _own_repository(_target(db).parent).root
    try:
        return subprocess.run(["git", "-C", str(directory), *args]).returncode
    except FileNotFoundError as exc:
        raise SyncError("git is not installed (or not on PATH)") from exc


# -- git's merge driver -------------------------------------------------------------------------
def merge_files(base: Path, ours: Path, theirs: Path, label: str) -> int:
    """`git merge`'s driver: merge the three versions into `ours`; the number of conflicts."""
    from readlist.merge import merge_stores

    try:
        raw = [p.read_bytes() for p in (base, ours, theirs)]
        outcome = merge_stores(raw[0] or None, raw[1], raw[2], label=label)
    except StoreError as exc:
        raise MergeRefused(f"readlist cannot merge {label}: {exc.message}; git leaves it in conflict") from None
    except OSError as exc:
        raise MergeRefused(f"readlist cannot merge {label}: {exc}") from None
    _test_kill("in-driver")
    write_atomically(ours, outcome.data)
    return outcome.conflicts
