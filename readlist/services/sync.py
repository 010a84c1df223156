"""`readlist sync`: the store's directory as a git repository, merged entry by entry.

The store file stays the record every command reads and writes; the repository holds it cut
into small files (`readlist.shards`, in `store/`), so that git's work follows what changed and
not the size of the list. The store file itself, its lock, undo journal, index and temporary
files stay on each machine (`.gitignore`).

A cycle holds the store's lock throughout and never lets git write the store: it first takes
in what git brought since the last cycle (a plain `git pull`), writes the store's files into
the work tree and commits them; when both sides changed, the three versions are read from
git, merged by `readlist.merge`, checked, and the result is written atomically (the store
file, then its files in the work tree) before the branch is moved to the merge commit.
`refs/readlist/synced` names the commit the store file was last brought in line with: a crash
at any point leaves a readable store, and the next sync loses nothing (the merge is
idempotent, and what git moved meanwhile is merged in again).

A plain `git pull` merges file by file through the same merge (`_merge-driver`, set in the
clone's `.git/config` and `.git/info/attributes`); the `post-merge` hook then redoes that
merge over the whole store (papers that met under one key may live in different files) and
takes it into the store file (`_absorb`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from readlist import shards, storefile
from readlist.clock import now_iso
from readlist.errors import InvalidInput, MergeRefused, NotFound, RemoteUnreachable, StoreError, SyncError
from readlist.fsutil import real_path, write_atomically
from readlist.gitrepo import Repo, last_line
from readlist.merge import Layout, MergedLayout, check_layout, dump_layout, merge_layouts, read_layout
from readlist.models import Synced, SyncState
from readlist.services.session import store_path
from readlist.store import check_store_bytes, locked, open_store

REMOTE = "origin"
#: In the clone's git config: the store file the repository shares (`_check_bound`).
STORE_NAME_SETTING = "readlist.store"
#: The commit the store file was last brought in line with (`_absorb` takes in what came after).
SYNCED_REF = "refs/readlist/synced"
#: In the git directory: the store file and HEAD as the last cycle left them (`_note_cycle_end`).
CYCLE_NOTE = "readlist-cycle"
DEFAULT_BRANCH = "main"
#: A push the remote refused because another machine pushed first: fetch, merge, try again.
PUSH_ATTEMPTS = 5
#: For tests only: `after-fetch`, `after-write` (the merged store written, the branch not yet
#: moved), `after-merge` or `in-driver` (the merge driver, before it writes) make readlist kill
#: itself (SIGKILL) there, as a power cut would, so that tests can check what the next sync finds.
TEST_KILL_VARIABLE = "READLIST_TEST_SYNC_KILL_AT"
#: git's `gc --auto` counts loose objects (6,700 of them), not bytes: a sync adds one a file
#: it changed, a few KB each, so the count may take hundreds of syncs while the bytes pile up.
#: A sync repacks once the loose objects take more room than this many KiB and twice the
#: packs. Measured at 100,000 papers: a sync of 200 changed papers adds 3.4 MB loose, the
#: packed list is 38 MB, so it repacks about every 20th such sync, in 2 s (the deltas found
#: before are kept). At 10,000 papers, after 100 syncs of one change, `.git` is 11 MB.
LOOSE_KIB_LIMIT = 32 * 1024


# -- setting up -----------------------------------------------------------------------
def _target(db: Path | None) -> Path:
    return real_path(store_path(db))


def _own_repository(target: Path) -> Repo:
    """The repository of the store's directory; an error unless the directory is one of its
    own, set up for this store file."""
    directory = target.parent
    repo = Repo(directory)
    top = repo.toplevel() if directory.is_dir() else None
    if top != directory.resolve():
        raise SyncError(
            f"{directory} is not set up for sync; `readlist sync init` or `readlist sync clone REMOTE` does it"
        )
    _check_bound(repo, target)
    return repo


def _check_bound(repo: Repo, target: Path) -> None:
    """One directory, one shared list: another store file beside the synced one would
    otherwise be committed over it, and its removals sent to every machine."""
    bound = repo.config(STORE_NAME_SETTING)
    if bound is not None and bound != target.name:
        raise SyncError(
            f"{repo.root} is set up to sync {bound}, not {target.name}: use --db {repo.root / bound}, or give "
            f"{target.name} a directory of its own"
        )


def _refuse_foreign_tree(directory: Path) -> None:
    top = Repo(directory).toplevel()
    if top is not None and top != directory.resolve():
        raise SyncError(
            f"{directory} is inside the git work tree {top}; give the store a directory of its own with "
            f"--db (e.g. --db ~/readlist-sync/readlist.json)"
        )


def _check_name(name: str) -> None:
    """The store file shares its directory with the repository's own names."""
    if name.startswith(".") or name.casefold() == shards.DIRECTORY:
        raise InvalidInput(
            f"the store's file name {name!r} is one the repository needs; use a plain name such as readlist.json"
        )


def _remote_argument(remote: str) -> str:
    """A local path as an absolute one: git reads a relative path from where it runs."""
    if "://" not in remote and Path(remote).expanduser().exists():
        return str(Path(remote).expanduser().resolve())
    return remote


def _driver_command() -> str:
    return f"{shlex.quote(sys.executable)} -m readlist _merge-driver %O %A %B %P"


def _write_setup(repo: Repo, target: Path) -> None:
    """`.gitignore`, `.gitattributes`, and this clone's merge driver and `post-merge` hook (a
    plain `git pull` uses them)."""
    ignore = (
        "# readlist sync: only the store's files (store/) and these two are shared; the store file\n"
        "# itself, its lock, undo journal, index and temporary files stay on each machine.\n"
        f"/*\n!/{shards.DIRECTORY}/\n!/.gitignore\n!/.gitattributes\n"
    )
    attributes = f"/{shards.DIRECTORY}/** merge=readlist\n"
    for file, text in ((".gitignore", ignore), (".gitattributes", attributes)):
        path = repo.root / file
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            write_atomically(path, text.encode())
    _check_bound(repo, target)
    repo.run("config", STORE_NAME_SETTING, target.name)
    repo.run("config", "merge.readlist.name", "readlist: merge reading lists entry by entry")
    repo.run("config", "merge.readlist.driver", _driver_command())
    git_dir = repo.git_dir()
    (git_dir / "info").mkdir(exist_ok=True)
    info = git_dir / "info" / "attributes"
    existing = info.read_text(encoding="utf-8") if info.exists() else ""
    if attributes not in existing:
        write_atomically(info, (existing + attributes).encode())
    script = (
        "#!/bin/sh\n# readlist sync: take what `git pull`, `git merge` or `git rebase` brought into the list.\n"
        f"exec {shlex.quote(sys.executable)} -m readlist --db {shlex.quote(str(target))} _absorb\n"
    )
    for name in ("post-merge", "post-rewrite"):  # a pull that merges, one that rebases
        hook = git_dir / "hooks" / name
        if not hook.exists() or hook.read_text(encoding="utf-8", errors="replace").startswith("#!/bin/sh\n# readlist"):
            hook.parent.mkdir(exist_ok=True)
            write_atomically(hook, script.encode())
            hook.chmod(0o755)


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
        _write_setup(repo, target)
        if not target.exists():
            write_atomically(target, storefile.dumps(storefile.new_data()))
            sys.stderr.write(f"Started a new reading list at {path}.\n")
        _recover_merge(repo, target)
        _absorb(repo, target)
        committed = False
        if _export(repo, target) or repo.commit_of("HEAD") is None:
            repo.run("commit", "-q", "-m", f"readlist: start syncing on {_stamp()}", env=_identity_env(repo))
            _mark_synced(repo)
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
    _check_name(target.name)
    directory = target.parent
    if target.exists():
        with open_store(target) as store:
            if len(store):
                raise InvalidInput(
                    f"{path} already holds {len(store)} entries; `readlist sync init {remote}` merges them "
                    f"with the remote's list instead"
                )
    created = not directory.exists()
    directory.mkdir(parents=True, exist_ok=True)
    try:
        return _clone_into(db, path, directory, remote)
    except BaseException:
        if created:  # a failed clone leaves no directory behind (its lock file is all it wrote there)
            for lock in directory.glob("*.lock"):
                lock.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                directory.rmdir()
        raise


def _clone_into(db: Path | None, path: Path, directory: Path, remote: str) -> Synced:
    """`clone` once the store's directory exists."""
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
            layout = _remote_store(cloned, head, target.name, remote) if head is not None else None
            os.replace(cloned.root / ".git", directory / ".git")
        if layout is None:  # an empty remote: this machine's (empty) list starts it
            result = None
        else:
            write_atomically(target, dump_layout(layout))
            repo.run("reset", "-q")
            repo.run("checkout", "-q", "HEAD", "--", ".")
            _write_setup(repo, target)
            _track(repo, repo.branch())
            _mark_synced(repo)
            result = Synced("clone", directory, remote, repo.branch(), False, 0, repo.count("HEAD"), False, 0)
    if result is None:
        return _as(init(db, remote), "clone")
    return _as(result, "clone", conflicts=_conflicts_in(target))


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


def _remote_store(repo: Repo, commit: str, name: str, remote: str) -> Layout:
    """The list a remote's commit holds, every document checked."""
    listing = repo.listing(commit, shards.DIRECTORY)
    if shards.META_FILE in listing or name in repo.files(commit):
        layout = _layout_at(repo, commit, name, {}, label=f"{remote}:")
        check_layout(Path(f"{remote}:{shards.DIRECTORY}"), layout)
        return layout
    files = repo.files(commit)
    stores = [f for f in files if f.endswith(".json")]
    theirs = f"its list is {stores[0]}" if len(stores) == 1 else f"it holds {', '.join(stores) or 'no list'}"
    raise SyncError(
        f"the remote {remote} has no {shards.DIRECTORY}/ and no {name} ({theirs}); name the local store the "
        f"same, e.g. --db DIR/{stores[0] if len(stores) == 1 else name}"
    )


def _as(result: Synced, action: str, **changes: Any) -> Synced:
    return dataclasses.replace(result, action=action, **changes)


# -- the store in the repository -----------------------------------------------------------
def _layout_at(repo: Repo, commit: str, name: str, blobs: dict[str, bytes], label: str = "") -> Layout:
    """The store as `commit` holds it: its files in `store/` joined, or, in a commit made
    before the store was cut into files, its one file `name`. `blobs` caches file contents
    by blob id (versions of a store share most of their files)."""
    listing = repo.listing(commit, shards.DIRECTORY)
    if shards.META_FILE not in listing:
        raw = repo.blob(commit, name)
        if raw is None:
            raise SyncError(f"{label or commit[:12] + ':'}{shards.DIRECTORY}/ is missing: not a list readlist shares")
        return read_layout(Path(f"{label}{name}"), raw)
    blobs.update(repo.read_blobs(oid for oid in listing.values() if oid not in blobs))
    return shards.join(((path, blobs[oid]) for path, oid in listing.items()), prefix=label)


def _read_store(target: Path) -> Layout:
    return read_layout(target, target.read_bytes())


def _write_work_tree(repo: Repo, files: dict[str, bytes]) -> None:
    """Make the work tree's `store/` hold exactly `files`: only the files that differ are
    written (git then rehashes only those). Not atomic, and need not be: the store file is the
    record, and the next cycle writes these again from it."""
    present = _work_tree_files(repo)
    for path, data in files.items():
        file = repo.root / path
        try:
            if file.read_bytes() == data:
                continue
        except FileNotFoundError:
            file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)
    for path in present.keys() - files.keys():
        present[path].unlink()


def _work_tree_files(repo: Repo) -> dict[str, Path]:
    """The files in the work tree's `store/`, by their path in the repository."""
    folder = repo.root / shards.DIRECTORY
    return {f"{shards.DIRECTORY}/{p.relative_to(folder).as_posix()}": p for p in folder.rglob("*") if p.is_file()}


def _export(repo: Repo, target: Path) -> bool:
    """Write the store file's files into the work tree and stage them; whether that changes
    anything against HEAD (the store's local changes, to commit)."""
    if _unchanged_since_cycle(repo, target):
        return False
    _write_work_tree(repo, shards.split(_read_store(target)))
    repo.run("add", "-A", "--", shards.DIRECTORY, ".gitignore", ".gitattributes")
    if repo.out("ls-files", "--", target.name):  # shared as one file by an earlier readlist
        repo.run("rm", "-q", "--cached", "--", target.name)
    return repo.commit_of("HEAD") is None or not repo.ok("diff", "--cached", "--quiet", "HEAD", "--")


def _store_stamp(target: Path) -> list[int]:
    """Changes whenever the store file does: every write renames a new file over it."""
    found = target.stat()
    return [found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns]


def _note_cycle_end(repo: Repo, target: Path) -> None:
    """The store file, HEAD and the work tree's files agree: note the store file and HEAD, so
    that the next cycle need not cut a store that has not changed (100k papers: a second)."""
    note = {"store": _store_stamp(target), "head": repo.commit_of("HEAD")}
    (repo.git_dir() / CYCLE_NOTE).write_text(json.dumps(note), encoding="utf-8")


def _unchanged_since_cycle(repo: Repo, target: Path) -> bool:
    """The store file and HEAD are as the last cycle left them, and git sees no change in
    the work tree's files (none edited by hand)."""
    try:
        note = json.loads((repo.git_dir() / CYCLE_NOTE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    same = isinstance(note, dict) and note.get("store") == _store_stamp(target)
    if not same or note.get("head") is None or note.get("head") != repo.commit_of("HEAD"):
        return False
    return not repo.out("status", "--porcelain", "--untracked-files=all", "--", shards.DIRECTORY)


def _mark_synced(repo: Repo) -> None:
    """The store file is now HEAD's list (and changes made here since, if any)."""
    repo.run("update-ref", SYNCED_REF, "HEAD")


# -- the cycle ----------------------------------------------------------------------------
def sync(db: Path | None) -> Synced:
    """Commit what changed here, take what changed there, merge, send: one locked cycle."""
    path = store_path(db)
    target = _target(db)
    repo = _own_repository(target)
    with locked(path) as target:
        return _cycle(repo, target)


def _remote_url(repo: Repo) -> str | None:
    return repo.config(f"remote.{REMOTE}.url")


def _cycle(repo: Repo, target: Path, adopt_branch: bool = False) -> Synced:
    _recover_merge(repo, target)
    _absorb(repo, target)
    _write_setup(repo, target)  # as this readlist shares the list (an earlier one shared one file)
    url = _remote_url(repo)
    # Changes made here are committed on their own only when the remote has nothing new;
    # else they go into the merge commit: one version of the store less to write and to send.
    pending = _export(repo, target)
    if url is None:
        _commit_local(repo, pending)
        raise SyncError(f"{repo.root} has no remote; `readlist sync init REMOTE` adds one")
    committed = pending
    branch = repo.branch()
    received, merged, sent = 0, False, 0
    renamed: dict[str, str] = {}
    united: dict[str, str] = {}
    for _attempt in range(PUSH_ATTEMPTS):
        try:
            _fetch(repo, url)
        except RemoteUnreachable:
            _commit_local(repo, pending)
            raise
        if adopt_branch:
            branch = _adopt_remote_branch(repo, branch)
            adopt_branch = False
        _test_kill("after-fetch")
        if repo.commit_of(f"refs/remotes/{REMOTE}/{branch}") is not None:
            _track(repo, branch)
        took, outcome = _integrate(repo, target, branch, pending)
        if not took:
            _commit_local(repo, pending)
        pending = False
        received += took
        if outcome is not None:
            merged = True
            renamed.update(outcome.renamed)
            united.update(outcome.united)
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
    _note_cycle_end(repo, target)
    conflicts = _conflicts_in(target)
    return Synced("sync", repo.root, url, branch, committed, sent, received, merged, conflicts, renamed, united)


def _test_kill(point: str) -> None:
    if os.environ.get(TEST_KILL_VARIABLE) == point:
        os.kill(os.getpid(), signal.SIGKILL)


def _fetch(repo: Repo, url: str) -> None:
    try:
        done = repo.remote_call("fetch", "-q", REMOTE)
    except RemoteUnreachable as exc:
        raise _offline(url, exc) from None
    if done.returncode != 0:
        raise SyncError(f"git fetch from {url} failed: {last_line(done.stderr.decode('utf-8', 'replace'))}")


def _track(repo: Repo, branch: str) -> None:
    """Make the branch follow the remote's, so that a plain `git pull` knows what to take; the
    settings `git clone` left for a branch that does not exist here go."""
    if repo.config(f"branch.{branch}.merge") != f"refs/heads/{branch}":
        repo.run("config", f"branch.{branch}.remote", REMOTE)
        repo.run("config", f"branch.{branch}.merge", f"refs/heads/{branch}")
    listed = repo.run("config", "--name-only", "--get-regexp", r"^branch\..*\.merge$", check=False)
    for setting in listed.stdout.decode("utf-8", "surrogateescape").split():
        other = setting.removeprefix("branch.").removesuffix(".merge")
        if other != branch and repo.commit_of(f"refs/heads/{other}") is None:
            repo.run("config", "--remove-section", f"branch.{other}", check=False)


def _offline(url: str, exc: RemoteUnreachable) -> RemoteUnreachable:
    hint = ""
    if "does not appear to be a git repository" in exc.message:  # a disk not mounted, or a typo
        hint = " (if the remote is mistyped, `readlist sync init REMOTE` sets the right one)"
    return RemoteUnreachable(
        f"cannot reach the remote {url} ({exc.message}); your changes are committed here and the next "
        f"`readlist sync` sends them{hint}"
    )


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
    # A first push sends every file of the list, and git would try each against ten others for
    # a delta: at 100k papers 20 s of work for nothing (different papers share no lines).
    first = repo.commit_of(f"refs/remotes/{REMOTE}/{branch}") is None
    try:
        done = repo.remote_call(
            *(("-c", "pack.window=0") if first else ()), "push", "-q", REMOTE, f"HEAD:refs/heads/{branch}"
        )
    except RemoteUnreachable as exc:
        raise _offline(url, exc) from None
    if done.returncode == 0:
        repo.run("update-ref", f"refs/remotes/{REMOTE}/{branch}", "HEAD")
        _track(repo, branch)
        bare = _bare_on_disk(url)
        if bare is not None and bare.commit_of("HEAD") is None:  # its HEAD names a branch it lacks
            bare.run("symbolic-ref", "HEAD", f"refs/heads/{branch}")  # so that `git clone` checks ours out
        return True
    message = done.stderr.decode("utf-8", "replace")
    _fetch(repo, url)
    theirs = repo.commit_of(f"refs/remotes/{REMOTE}/{branch}")
    if theirs is not None and not repo.is_ancestor(theirs, "HEAD"):
        return False  # another machine pushed first
    raise SyncError(f"the remote refused the push: {last_line(message)}")


def _commit_local(repo: Repo, staged: bool) -> None:
    """Commit the store's files `_export` staged, when they differ from HEAD."""
    if staged:
        repo.run("commit", "-q", "-m", f"readlist: {_stamp()}", env=_identity_env(repo))
        _mark_synced(repo)


def _recover_merge(repo: Repo, target: Path) -> None:
    """A `git merge`/`pull` left unfinished: conclude it when every file of the store is
    merged and readable (`_absorb` then takes it in), else abort it (this cycle merges
    again). The store file is not git's to write, so it is as it was either way."""
    if repo.commit_of("MERGE_HEAD") is None:
        return
    good = not repo.out("ls-files", "--unmerged")
    if good:
        files = {path: file.read_bytes() for path, file in _work_tree_files(repo).items()}
        try:
            check_layout(repo.root / shards.DIRECTORY, shards.join(files))
        except StoreError:
            good = False
    if good:
        repo.run("add", "-A", "--", shards.DIRECTORY)
        if not repo.out("diff", "--name-only", "--diff-filter=U"):
            repo.run("commit", "-q", "--no-edit", env=_identity_env(repo))
            sys.stderr.write("Concluded an unfinished merge.\n")
            return
    repo.run("reset", "-q")  # as `git merge --abort`; the store's files are written again from the store
    _checkout_others(repo)
    sys.stderr.write("Aborted an unfinished merge whose files could not be read; this sync merges again.\n")


def absorb(db: Path | None) -> int:
    """`post-merge`: take what a plain `git pull` or `git merge` brought into the store file;
    the commits taken."""
    path = store_path(db)
    target = _target(db)
    repo = _own_repository(target)
    with locked(path) as target:
        return _absorb(repo, target)


def _absorb(repo: Repo, target: Path) -> int:
    """HEAD moved without readlist (a plain `git pull`, `git reset`): merge what it brought
    with the store file's own changes since the last cycle; the commits taken. A merge commit
    git made file by file is first redone over the whole store."""
    head = repo.commit_of("HEAD")
    synced = repo.commit_of(SYNCED_REF)
    if head is None or synced == head:
        return 0
    if synced is None:  # set up by an earlier readlist, whose store file was the shared one
        _mark_synced(repo)
        return 0
    blobs: dict[str, bytes] = {}
    theirs = _redone_merge(repo, target.name, head, synced, blobs)
    if theirs is None:
        theirs = _layout_at(repo, "HEAD", target.name, blobs, label="HEAD:")
    base = _layout_at(repo, synced, target.name, blobs, label=f"{synced[:12]}:")
    merged = merge_layouts(base, _read_store(target), theirs, label=target.name).layout
    write_atomically(target, dump_layout(merged))
    _mark_synced(repo)
    taken = repo.count(f"{synced}..HEAD") if repo.is_ancestor(synced, "HEAD") else 1
    commits = f"{taken} commit{'s' if taken != 1 else ''}"
    sys.stderr.write(f"Took {commits} made outside readlist (git pull, merge, commit) into {target.name}.\n")
    return taken


def _redone_merge(repo: Repo, name: str, head: str, synced: str, blobs: dict[str, bytes]) -> Layout | None:
    """A merge commit git made on top of the synced one merged file by file; papers that met
    under one key may sit in different files. Merge its two sides again over the whole store
    and, when that differs, replace the commit by one with the whole merge: its list."""
    parents = repo.out("rev-list", "--parents", "-n", "1", head).split()[1:]
    message = repo.out("log", "-1", "--format=%s", head)
    if len(parents) != 2 or parents[0] != synced or message.startswith("readlist:"):
        return None
    ours, theirs = parents
    base = repo.merge_base(ours, theirs)
    merged = merge_layouts(
        _layout_at(repo, base, name, blobs) if base else read_layout(Path(name), b""),
        _layout_at(repo, ours, name, blobs),
        _layout_at(repo, theirs, name, blobs, label="MERGE_HEAD:"),
        label=name,
    ).layout
    _write_work_tree(repo, shards.split(merged))
    repo.run("add", "-A", "--", shards.DIRECTORY)
    tree = repo.out("write-tree")
    if tree != repo.out("rev-parse", f"{head}^{{tree}}"):
        body = repo.out("log", "-1", "--format=%B", head)
        commit = repo.out("commit-tree", tree, "-p", ours, "-p", theirs, "-m", body, env=_identity_env(repo))
        branch = repo.branch()
        repo.run("update-ref", "-m", "readlist: merge redone over the whole list", f"refs/heads/{branch}", commit, head)
    return merged


def _integrate(repo: Repo, target: Path, branch: str, pending: bool) -> tuple[int, MergedLayout | None]:
    """Take the remote branch into HEAD, with the store's uncommitted changes (`pending`):
    the commits received, and the merge when both sides had changed."""
    theirs = repo.commit_of(f"refs/remotes/{REMOTE}/{branch}")
    head = repo.commit_of("HEAD")
    if theirs is None or head is None or repo.is_ancestor(theirs, head):
        return 0, None
    name = target.name
    received = repo.count(f"{head}..{theirs}")
    blobs: dict[str, bytes] = {}
    label = f"{REMOTE}/{branch}:"
    their_layout = _layout_at(repo, theirs, name, blobs, label=label)
    behind_only = repo.is_ancestor(head, theirs)
    if behind_only and not pending:
        check_layout(Path(f"{label}{shards.DIRECTORY}"), their_layout, _layout_at(repo, head, name, blobs))
        write_atomically(target, dump_layout(their_layout))
        _write_work_tree(repo, shards.split(their_layout))
        _move_branch(repo, branch, theirs, head)
        return received, None
    base = head if behind_only else repo.merge_base(head, theirs)
    base_layout = _layout_at(repo, base, name, blobs) if base else read_layout(Path(name), b"")
    our_layout = _read_store(target) if pending else _layout_at(repo, head, name, blobs)
    # The merge refuses a newer schema and checks every document it takes from the remote.
    outcome = merge_layouts(base_layout, our_layout, their_layout, label=name)
    del base_layout, our_layout, their_layout, blobs
    write_atomically(target, dump_layout(outcome.layout))
    _test_kill("after-write")
    _write_work_tree(repo, shards.split(outcome.layout))
    repo.run("add", "-A", "--", shards.DIRECTORY)
    tree = repo.out("write-tree")
    message = f"readlist: merge {REMOTE}/{branch} on {_stamp()}"
    parents = ["-p", theirs] if behind_only else ["-p", head, "-p", theirs]
    commit = repo.out("commit-tree", tree, *parents, "-m", message, env=_identity_env(repo))
    _move_branch(repo, branch, commit, head)
    return received, outcome


def _move_branch(repo: Repo, branch: str, new: str, old: str) -> None:
    """Point the branch at `new` (the store and its files are already written), then bring
    the index and the other shared files (`.gitignore`, `.gitattributes`) in line with it."""
    repo.run("update-ref", "-m", "readlist sync", f"refs/heads/{branch}", new, old)
    _mark_synced(repo)
    repo.run("reset", "-q")
    _checkout_others(repo)


def _checkout_others(repo: Repo) -> None:
    others = [f for f in repo.files("HEAD") if f != shards.DIRECTORY]
    if others:
        repo.run("checkout", "-q", "HEAD", "--", *others)


def _keep_small(repo: Repo, packs: int = 2) -> None:
    """Repack once the loose objects pass `LOOSE_KIB_LIMIT` and `packs` times the packs."""
    counts = dict(line.split(": ", 1) for line in repo.out("count-objects", "-v").splitlines() if ": " in line)
    loose, packed = int(counts.get("size", "0")), int(counts.get("size-pack", "0"))
    if loose > LOOSE_KIB_LIMIT and loose > packs * packed:
        # The first pack holds one version of each file: no delta to find between different
        # papers, and looking costs 13 s at 100k papers. Later repacks keep the deltas found.
        window = ("-c", "pack.window=0") if packed == 0 else ()
        repo.run(*window, "repack", "-a", "-d", "-q")
        repo.run("prune", "--expire=now")


def _bare_on_disk(url: str) -> Repo | None:
    """The remote, when it is a bare repository on this machine's disks (a path, `file://`)."""
    from urllib.parse import unquote, urlparse

    parsed = urlparse(url)
    if parsed.scheme == "file":
        folder = Path(unquote(parsed.path))
    elif "://" in url or ":" in url.split("/", 1)[0]:  # another machine: ssh, https, host:path
        return None
    else:
        folder = Path(url)
    return Repo(folder) if (folder / "objects").is_dir() and (folder / "HEAD").is_file() else None


def _keep_remote_small(url: str) -> None:
    """A bare repository on a disk grows by the files of each push, as a clone does, and
    nothing else repacks it (a git host does its own upkeep; readlist leaves those alone)."""
    bare = _bare_on_disk(url)
    if bare is not None:
        # Half as often as a clone: this bytes-on-a-disk copy has no size to keep to but the disk's.
        _keep_small(bare, packs=4)


def _conflicts_in(target: Path) -> int:
    try:
        return storefile.conflict_count(target, target.read_bytes())
    except StoreError:
        return 0


# -- looking --------------------------------------------------------------------------------
def status(db: Path | None) -> SyncState:
    """Where this clone stands as of its last fetch; nothing is fetched or changed."""
    target = _target(db)
    if not target.exists():
        raise NotFound(f"no reading list at {store_path(db)} yet (a typo in --db?)")
    repo = _own_repository(target)
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
        uncommitted=_uncommitted(repo, target),
        conflicts=_conflicts_in(target),
    )


def _uncommitted(repo: Repo, target: Path) -> bool:
    """Whether the store file differs from HEAD's list, found without writing anything: the
    files it cuts into, hashed as git does, against HEAD's."""
    import hashlib

    if repo.commit_of("HEAD") is None:
        return True
    algorithm = repo.out("rev-parse", "--show-object-format")
    ids = {
        path: hashlib.new(algorithm, b"blob %d\0" % len(data) + data).hexdigest()
        for path, data in shards.split(_read_store(target)).items()
    }
    return ids != repo.listing("HEAD", shards.DIRECTORY)


def git(db: Path | None, args: list[str]) -> int:
    """Run git in the store's repository, attached to the terminal; git's exit code."""
    directory = _own_repository(_target(db)).root
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
