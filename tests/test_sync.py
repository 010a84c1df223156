"""`readlist sync` with a real git: a bare remote and clones in tmp_path, `file://` remotes only.

Each machine is a store of its own (`--db`), run as a process (`python -m readlist`) the way
two computers would run it; git's global config is a file in tmp_path.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from readlist.errors import ExitCode

pytestmark = pytest.mark.slow  # real git and readlist processes


@pytest.fixture(autouse=True)
def private_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Tester\n\temail = tester@example.org\n[init]\n\tdefaultBranch = main\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "READLIST_TEST_SYNC_KILL_AT"):
        monkeypatch.delenv(name, raising=False)


def git(*args: str, cwd: Path, input: bytes | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True, check=True)
    return done.stdout.decode().strip()


@pytest.fixture
def remote(tmp_path: Path) -> str:
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    return bare.as_uri()


class Machine:
    """One computer's reading list: `readlist --db <dir>/readlist.json ...` as a process."""

    def __init__(self, folder: Path) -> None:
        self.dir = folder
        self.store = folder / "readlist.json"

    def run(self, *args: str, ok: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "readlist", "--db", str(self.store), *args],
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
        )
        if ok and done.returncode != 0:
            raise AssertionError(f"readlist {' '.join(args)} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done

    def add(self, title: str, author: str, year: int = 2024) -> str:
        return self.run("add", "--title", title, "--author", author, "--year", str(year)).stdout.strip()

    def listed(self) -> list[str]:
        return self.run("list", "--keys").stdout.split()

    def tags(self, key: str) -> list[str]:
        return json.loads(self.run("show", key, "--json").stdout)["tags"]

    def notes(self, key: str) -> list[str]:
        return [n["text"] for n in json.loads(self.run("show", key, "--json").stdout)["notes"]]

    def head(self) -> str:
        return git("rev-parse", "HEAD", cwd=self.dir)

    def commit_offline(self, remote: str) -> None:
        """Commit this machine's changes without sending them: a sync while the remote is away."""
        self.run("git", "remote", "set-url", "origin", str(self.dir / "nowhere.git"))
        assert self.run("sync", ok=False).returncode == ExitCode.OFFLINE
        self.run("git", "remote", "set-url", "origin", remote)


def shared_text(folder: Path, revision: str = "HEAD") -> str:
    """Every file of the list as `revision` holds it, one after the other."""
    paths = git("ls-tree", "-r", "--name-only", revision, "--", "store", cwd=folder).split()
    return "".join(git("show", f"{revision}:{path}", cwd=folder) for path in paths)


@pytest.fixture
def a(tmp_path: Path) -> Machine:
    return Machine(tmp_path / "a")


@pytest.fixture
def b(tmp_path: Path) -> Machine:
    return Machine(tmp_path / "b")


def pair(a: Machine, b: Machine, remote: str) -> tuple[str, str]:
    """A starts the list with two papers and shares it; B clones it."""
    first = a.add("Sparse Attention for Everyone", "Ana Aubert")
    second = a.add("Dense Retrieval Revisited", "Bo Chen")
    a.run("sync", "init", remote)
    b.run("sync", "clone", remote)
    return first, second


def test_init_and_clone_round_trip(a: Machine, b: Machine, remote: str) -> None:
    first, second = pair(a, b, remote)
    assert b.listed() == a.listed() == sorted([first, second])

    a.run("tag", first, "-t", "to-read")
    assert "sent 1 commit" in a.run("sync").stderr
    assert "received 1 commit" in b.run("sync").stderr
    assert b.tags(first) == ["to-read"]

    # Only the store's files and the two setup files are shared: never the store file itself
    # (each machine's record), its lock, journal or index.
    for machine in (a, b):
        shared = set(git("ls-files", cwd=machine.dir).split())
        assert {".gitignore", ".gitattributes", "store/meta.json"} < shared
        assert all(
            re.fullmatch(r"store/[0-9a-f]{2}/[0-9a-f]\.json", f)
            for f in shared - {".gitignore", ".gitattributes", "store/meta.json"}
        )
        assert len(shared) == 5  # two papers, a file each (or one, in one bucket)
        assert (machine.dir / "readlist.json.undo").exists() or machine is b
        assert "_merge-driver %O %A %B %P" in git("config", "merge.readlist.driver", cwd=machine.dir)
        assert "/store/** merge=readlist" in (machine.dir / ".git" / "info" / "attributes").read_text()
        assert "_absorb" in (machine.dir / ".git" / "hooks" / "post-merge").read_text()
        assert git("status", "--porcelain", cwd=machine.dir) == ""
    assert a.store.read_bytes() == b.store.read_bytes()


def test_changes_to_different_entries_on_both_sides_are_both_kept(a: Machine, b: Machine, remote: str) -> None:
    first, second = pair(a, b, remote)
    a.run("tag", first, "-t", "from-a")
    b.run("note", second, "written on b")
    third = b.add("Graph Networks at Scale", "Cy Dahl")

    a.run("sync")
    assert "merged both sides" in b.run("sync").stderr
    a.run("sync")

    for machine in (a, b):
        assert machine.tags(first) == ["from-a"]
        assert machine.notes(second) == ["written on b"]
        assert third in machine.listed()
    assert a.store.read_bytes() == b.store.read_bytes()
    assert a.head() == b.head()
    # B had not committed its changes: they were merged onto A's commit, one commit, no fork.
    assert len(git("rev-list", "--merges", "HEAD", cwd=a.dir).split()) == 0
    assert len(git("rev-list", "HEAD", cwd=a.dir).split()) == 3


def test_commits_made_on_both_sides_are_joined_by_a_merge_commit(a: Machine, b: Machine, remote: str) -> None:
    first, second = pair(a, b, remote)
    a.run("tag", first, "-t", "from-a")
    b.run("tag", second, "-t", "from-b")
    a.run("sync")
    b.commit_offline(remote)
    assert "merged both sides" in b.run("sync").stderr
    a.run("sync")
    assert len(git("rev-list", "--merges", "HEAD", cwd=a.dir).split()) == 1
    assert a.tags(first) == b.tags(first) == ["from-a"] and a.tags(second) == ["from-b"]


def test_unreachable_remote_exits_8_and_keeps_the_local_commit(
    a: Machine, b: Machine, remote: str, tmp_path: Path
) -> None:
    first, _ = pair(a, b, remote)
    a.run("git", "remote", "set-url", "origin", (tmp_path / "nowhere.git").as_uri())
    a.run("tag", first, "-t", "offline")

    done = a.run("sync", ok=False)
    assert done.returncode == ExitCode.OFFLINE == 8
    error_lines = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(error_lines) == 1 and "cannot reach the remote" in error_lines[0]
    assert "offline" in shared_text(a.dir)  # committed locally
    assert json.loads(a.run("sync", "status", "--json").stdout)["uncommitted"] is False

    a.run("git", "remote", "set-url", "origin", remote)
    assert "sent 1 commit" in a.run("sync").stderr
    b.run("sync")
    assert b.tags(first) == ["offline"]


def test_a_push_race_is_merged_and_retried(a: Machine, b: Machine, remote: str, tmp_path: Path) -> None:
    first, second = pair(a, b, remote)
    b.run("tag", second, "-t", "from-b")
    a.run("tag", first, "-t", "from-a")
    # B pushes between A's fetch and A's push: A's pre-push hook runs B's sync once.
    marker = tmp_path / "raced"
    hook = a.dir / ".git" / "hooks" / "pre-push"
    hook.write_text(
        f"#!/bin/sh\nif [ ! -e '{marker}' ]; then touch '{marker}'; "
        f"'{sys.executable}' -m readlist --db '{b.store}' sync >'{tmp_path / 'hook.log'}' 2>&1 || exit 1; fi\n"
    )
    hook.chmod(0o755)

    done = a.run("sync")
    assert marker.exists() and "sent 1 commit" in (tmp_path / "hook.log").read_text()
    assert "merged both sides" in done.stderr
    b.run("sync")
    for machine in (a, b):
        assert machine.tags(first) == ["from-a"]
        assert machine.tags(second) == ["from-b"]
    assert a.store.read_bytes() == b.store.read_bytes()


def test_plain_git_pull_merges_through_the_driver(a: Machine, b: Machine, remote: str) -> None:
    first, second = pair(a, b, remote)
    a.run("tag", first, "-t", "from-a")
    a.run("sync")
    b.run("tag", first, "-t", "from-b")  # the same paper: the same file, merged by the driver
    b.commit_offline(remote)
    b.run("note", second, "not committed yet")

    pulled = b.run("git", "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")

    assert "made outside readlist" in pulled.stderr  # the post-merge hook
    assert "<<<<<<<" not in shared_text(b.dir)
    assert sorted(b.tags(first)) == ["from-a", "from-b"] and b.notes(second) == ["not committed yet"]
    assert len(git("rev-list", "--parents", "-n", "1", "HEAD", cwd=b.dir).split()) == 3  # a merge commit
    b.run("sync")
    a.run("sync")
    assert a.notes(second) == ["not committed yet"] and sorted(a.tags(first)) == ["from-a", "from-b"]
    assert a.store.read_bytes() == b.store.read_bytes()


def test_a_plain_git_pull_settles_a_key_clash_as_sync_does(a: Machine, b: Machine, remote: str, tmp_path: Path) -> None:
    pair(a, b, remote)
    # The same two papers, added in the opposite order: each machine gave each paper the
    # other's key. The keys live in different files, so git's file-by-file merge cannot see
    # that; the merge is redone over the whole list.
    attention = ("Sparse Attention Is Enough", "Ana Aubert", 2021)
    coding = ("Sparse Coding Revisited", "Ana Aubert", 2021)
    keys_a = [a.add(*attention), a.add(*coding)]
    keys_b = [b.add(*coding), b.add(*attention)]
    assert keys_a == keys_b
    a.run("sync")
    b.commit_offline(remote)
    c = Machine(tmp_path / "c")  # what `readlist sync` makes of the same two commits
    c.run("sync", "clone", str(b.dir))
    c.run("git", "remote", "set-url", "origin", remote)
    done = c.run("sync")
    assert done.stderr.count("One paper was added on both machines") == 2
    assert done.stderr.count("now names another paper") == 2  # the two keys swapped papers

    b.run("git", "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")

    assert len(b.listed()) == 4  # each paper once
    assert b.store.read_bytes() == c.store.read_bytes()
    assert git("status", "--porcelain", cwd=b.dir) == ""
    assert shared_text(b.dir) == shared_text(c.dir)


def test_two_lists_started_apart_are_united(a: Machine, b: Machine, remote: str) -> None:
    mine = a.add("Sparse Attention for Everyone", "Ana Aubert")
    theirs = b.add("Graph Networks at Scale", "Cy Dahl")
    a.run("sync", "init")
    b.run("sync", "init")

    a.run("sync", "init", remote)
    assert "merged both sides" in b.run("sync", "init", remote).stderr
    a.run("sync")

    assert a.listed() == b.listed() == sorted([mine, theirs])
    assert a.store.read_bytes() == b.store.read_bytes()


def push_store_with_schema(remote: str, folder: Path, schema: int) -> None:
    """A commit on the remote whose list says `schema`: what a newer readlist would push."""
    git("clone", "-q", remote, str(folder), cwd=folder.parent)
    meta = folder / "store" / "meta.json"
    raw = meta.read_bytes()
    newer = re.sub(rb'"schema":\s*\d+', f'"schema":{schema}'.encode(), raw, count=1)
    assert newer != raw
    meta.write_bytes(newer)
    git("commit", "-q", "-am", "a newer readlist", cwd=folder)
    git("push", "-q", "origin", "HEAD:main", cwd=folder)


@pytest.mark.parametrize("local_change", [False, True], ids=["fast_forward", "diverged"])
def test_a_store_of_a_newer_schema_from_the_remote_is_refused(
    a: Machine, b: Machine, remote: str, local_change: bool
) -> None:
    first, _ = pair(a, b, remote)
    push_store_with_schema(remote, b.dir.parent / "newer", 999)
    if local_change:
        a.run("tag", first, "-t", "mine")
        a.commit_offline(remote)
    before, head = a.store.read_bytes(), a.head()

    done = a.run("sync", ok=False)

    assert done.returncode == ExitCode.STORE == 5
    assert "schema" in done.stderr
    assert a.store.read_bytes() == before
    assert a.head() == head
    assert git("status", "--porcelain", cwd=a.dir) == ""


@pytest.mark.parametrize("point", ["after-fetch", "after-write", "after-merge"])
def test_a_sync_killed_midway_loses_nothing(a: Machine, b: Machine, remote: str, point: str) -> None:
    first, second = pair(a, b, remote)
    b.run("tag", second, "-t", "from-b")
    b.run("sync")
    a.run("tag", first, "-t", "from-a")

    killed = a.run("sync", ok=False, env={"READLIST_TEST_SYNC_KILL_AT": point})
    assert killed.returncode == -9
    assert a.tags(first) == ["from-a"]  # the store is readable and has the local change
    if point != "after-fetch":  # the merged store was written before the kill
        assert a.tags(second) == ["from-b"]

    a.run("sync")
    b.run("sync")
    for machine in (a, b):
        assert machine.tags(first) == ["from-a"]
        assert machine.tags(second) == ["from-b"]
    assert a.store.read_bytes() == b.store.read_bytes()
    assert git("status", "--porcelain", cwd=a.dir) == ""


def test_a_git_pull_whose_merge_driver_is_killed_loses_nothing(a: Machine, b: Machine, remote: str) -> None:
    first, _ = pair(a, b, remote)
    b.run("tag", first, "-t", "from-b")
    b.run("sync")
    a.run("tag", first, "-t", "from-a")  # the same paper, so the same file: the driver merges it
    a.commit_offline(remote)
    pulled = a.run(
        "git", "pull", "-q", "--no-rebase", "origin", "main", ok=False, env={"READLIST_TEST_SYNC_KILL_AT": "in-driver"}
    )
    assert pulled.returncode != 0 and (a.dir / ".git" / "MERGE_HEAD").exists()
    assert a.tags(first) == ["from-a"]  # git never writes the store file: as it was

    a.run("sync")
    b.run("sync")
    for machine in (a, b):
        assert sorted(machine.tags(first)) == ["from-a", "from-b"]
    assert a.store.read_bytes() == b.store.read_bytes()


@pytest.mark.parametrize("store_after", ["merged", "broken", "unmerged"])
def test_an_interrupted_git_merge_is_concluded_or_aborted(
    a: Machine, b: Machine, remote: str, store_after: str
) -> None:
    first, second = pair(a, b, remote)
    b.run("tag", first, "-t", "from-b")
    b.run("note", second, "from b")
    b.run("sync")
    a.run("tag", first, "-t", "from-a")  # the same paper, so the same file: the driver merges it
    a.commit_offline(remote)
    a.run("git", "fetch", "-q", "origin")
    if store_after == "unmerged":  # the driver failed: git keeps this side's store, in conflict
        a.run("git", "-c", "merge.readlist.driver=false", "merge", "-q", "--no-commit", "origin/main", ok=False)
    else:
        a.run("git", "merge", "-q", "--no-commit", "origin/main")
    assert (a.dir / ".git" / "MERGE_HEAD").exists()
    if store_after == "broken":  # a merged file spoiled before the merge was committed
        merged = git("diff", "--cached", "--name-only", "HEAD", "--", "store", cwd=a.dir).split()[0]
        (a.dir / merged).write_bytes(b'{"meta":')

    done = a.run("sync")

    assert ("Concluded" if store_after == "merged" else "Aborted") in done.stderr
    assert not (a.dir / ".git" / "MERGE_HEAD").exists()
    b.run("sync")
    for machine in (a, b):
        assert sorted(machine.tags(first)) == ["from-a", "from-b"]
        assert machine.notes(second) == ["from b"]
    assert a.store.read_bytes() == b.store.read_bytes()
    assert git("status", "--porcelain", cwd=a.dir) == ""


def test_status_reports_position_changes_and_conflicts(a: Machine, b: Machine, remote: str) -> None:
    first, _ = pair(a, b, remote)
    state = json.loads(a.run("sync", "status", "--json").stdout)
    assert state == {
        "directory": str(a.dir),
        "store": "readlist.json",
        "remote": remote,
        "branch": "main",
        "ahead": 0,
        "behind": 0,
        "uncommitted": False,
        "conflicts": 0,
    }
    a.run("tag", first, "-t", "new")
    b.run("tag", first, "-t", "other")
    b.run("sync")
    a.run("git", "fetch", "-q")
    state = json.loads(a.run("sync", "status", "--json").stdout)
    assert (state["ahead"], state["behind"], state["uncommitted"]) == (0, 1, True)
    assert "status does not fetch" in a.run("sync", "status").stdout


def test_setup_mistakes_are_refused_with_a_way_out(a: Machine, b: Machine, remote: str, tmp_path: Path) -> None:
    pair(a, b, remote)
    project = tmp_path / "project"
    (project / "papers").mkdir(parents=True)
    git("init", "-q", cwd=project)
    inside = Machine(project / "papers")
    done = inside.run("sync", "init", ok=False)
    assert done.returncode == ExitCode.SYNC and "--db" in done.stderr and "inside the git work tree" in done.stderr
    assert not (project / "papers" / ".git").exists()

    clashing = Machine(tmp_path / "s")
    clashing.store = clashing.dir / "store"  # the repository's folder of list files has that name
    for command in (["sync", "init"], ["sync", "clone", remote]):
        done = clashing.run(*command, ok=False)
        assert done.returncode == ExitCode.INVALID_INPUT and "'store'" in done.stderr
    assert not (clashing.dir / ".git").exists()

    c = Machine(tmp_path / "c")
    c.add("Something Else", "Di Eng")
    done = c.run("sync", "clone", remote, ok=False)
    assert done.returncode == ExitCode.INVALID_INPUT and "sync init" in done.stderr
    assert not (c.dir / ".git").exists()

    other = Machine(tmp_path / "d")
    other.store = other.dir / "papers.json"  # the list is shared as files of its own: any name takes it
    other.run("sync", "clone", remote)
    assert other.store.read_bytes() == a.store.read_bytes()
    assert not (other.dir / "readlist.json").exists()

    git("init", "-q", "--bare", str(tmp_path / "not-a-list.git"), cwd=tmp_path)
    git("clone", "-q", str(tmp_path / "not-a-list.git"), str(tmp_path / "e"), cwd=tmp_path)
    (tmp_path / "e" / "notes.json").write_text("{}")
    git("add", "notes.json", cwd=tmp_path / "e")
    git("commit", "-q", "-m", "not a list", cwd=tmp_path / "e")
    git("push", "-q", "origin", "HEAD:main", cwd=tmp_path / "e")
    f = Machine(tmp_path / "f")
    done = f.run("sync", "clone", str(tmp_path / "not-a-list.git"), ok=False)
    assert done.returncode == ExitCode.SYNC and "has no store/" in done.stderr and "notes.json" in done.stderr
    assert not (f.dir / ".git").exists()


def test_the_merge_driver_refuses_what_it_cannot_read(a: Machine, tmp_path: Path) -> None:
    a.add("Sparse Attention for Everyone", "Ana Aubert")
    raw = a.store.read_bytes()
    newer = re.sub(rb'"schema":\s*\d+', b'"schema":999', raw, count=1)
    base, ours, theirs = tmp_path / "base", tmp_path / "ours", tmp_path / "theirs"
    base.write_bytes(b"")
    ours.write_bytes(raw)
    theirs.write_bytes(newer)

    done = a.run("_merge-driver", str(base), str(ours), str(theirs), "readlist.json", ok=False)

    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and "readlist.json" in done.stderr
    assert ours.read_bytes() == raw

    theirs.write_bytes(raw)
    assert a.run("_merge-driver", str(base), str(ours), str(theirs), "readlist.json").returncode == 0


def test_git_passes_through_with_its_exit_code(a: Machine, remote: str) -> None:
    a.add("Sparse Attention for Everyone", "Ana Aubert")
    refused = a.run("git", "log", ok=False)
    assert refused.returncode == 9 and "is not set up for sync; `readlist sync init`" in refused.stderr
    a.run("sync", "init")
    assert "start syncing" in a.run("git", "log", "--oneline").stdout
    assert a.run("git", "rev-parse", "--verify", "no-such-branch", ok=False).returncode == 128


def test_a_field_set_differently_on_both_machines_is_a_conflict_to_resolve(a: Machine, b: Machine, remote: str) -> None:
    first, _ = pair(a, b, remote)
    a.run("edit", first, "--venue", "ICLR 2024")
    b.run("edit", first, "--venue", "NeurIPS 2024")
    a.run("sync")

    done = b.run("sync")

    assert "1 conflict" in done.stderr and "readlist conflicts" in done.stderr
    assert json.loads(b.run("sync", "status", "--json").stdout)["conflicts"] == 1
    assert b"<<<<<<<" not in b.store.read_bytes()
    b.run("resolve", first, "venue", "--theirs")
    b.run("sync")
    a.run("sync")
    for machine in (a, b):
        assert json.loads(machine.run("sync", "status", "--json").stdout)["conflicts"] == 0
        assert json.loads(machine.run("show", first, "--json").stdout)["venue"] == "ICLR 2024"


def test_an_init_with_a_missing_remote_says_why_in_gits_words(a: Machine, tmp_path: Path) -> None:
    a.add("Sparse Attention for Everyone", "Ana Aubert")
    done = a.run("sync", "init", str(tmp_path / "nowhere.git"), ok=False)
    assert done.returncode == 8
    assert "does not appear to be a git repository" in done.stderr
    assert "and the repository exists" not in done.stderr


def test_cloning_an_unreachable_remote_exits_8_and_changes_nothing(b: Machine, tmp_path: Path) -> None:
    done = b.run("sync", "clone", (tmp_path / "nowhere.git").as_uri(), ok=False)
    assert done.returncode == ExitCode.OFFLINE
    assert "cannot reach the remote" in done.stderr
    assert not b.dir.exists()  # nor its lock file, in a directory the clone had to make


def test_loose_copies_of_the_store_are_repacked_past_the_limit(
    cli, tmp_path: Path, remote: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readlist.services import sync as service

    db = str(tmp_path / "m" / "readlist.json")
    key = cli("--db", db, "add", "--title", "Sparse Attention for Everyone", "--author", "Ana Aubert").stdout.strip()
    cli("--db", db, "sync", "init", remote)

    def loose_objects(folder: Path) -> int:
        counts = dict(line.split(": ") for line in git("count-objects", "-v", cwd=folder).splitlines())
        return int(counts["count"])

    bare = tmp_path / "remote.git"
    cli("--db", db, "tag", key, "-t", "one")
    cli("--db", db, "sync")
    assert loose_objects(tmp_path / "m") > 0  # a small list stays under the limit: nothing to do yet
    assert loose_objects(bare) > 0

    monkeypatch.setattr(service, "LOOSE_KIB_LIMIT", 0)
    cli("--db", db, "tag", key, "-t", "two")
    cli("--db", db, "sync")
    assert loose_objects(tmp_path / "m") == 0
    assert loose_objects(bare) == 0  # a bare repository on this disk is kept small too
    assert "two" in shared_text(tmp_path / "m")
    assert "two" in shared_text(bare, "main")


def test_two_papers_added_under_one_key_on_two_machines_both_stay(a: Machine, b: Machine, remote: str) -> None:
    pair(a, b, remote)
    first = a.add("Sparse Attention Is Enough", "Ana Aubert", 2021)
    second = b.add("Sparse Coding Revisited", "Ana Aubert", 2021)
    assert first == second  # the same key, given on two machines
    a.run("sync")

    done = b.run("sync")

    assert f"Two papers had the key {first}" in done.stderr
    a.run("sync")
    titles = {json.loads(a.run("show", key, "--json").stdout)["title"] for key in a.listed()}
    assert {"Sparse Attention Is Enough", "Sparse Coding Revisited"} <= titles
    assert len(a.listed()) == 4
    assert a.store.read_bytes() == b.store.read_bytes()


def test_a_remote_whose_list_lives_on_another_branch_is_followed(
    a: Machine, b: Machine, remote: str, tmp_path: Path
) -> None:
    theirs = b.add("Graph Networks at Scale", "Cy Dahl")
    b.run("sync", "init")
    b.run("git", "branch", "-q", "-m", "master")  # made by a git whose first branch is master
    b.run("sync", "init", remote)
    mine = a.add("Sparse Attention for Everyone", "Ana Aubert")

    a.run("sync", "init", remote)
    b.run("sync")
    c = Machine(tmp_path / "c")
    c.run("sync", "clone", remote)

    assert a.run("git", "branch", "--show-current").stdout.strip() == "master"
    assert git("branch", "--show-current", cwd=c.dir) == "master"
    for machine in (a, b, c):
        assert machine.listed() == sorted([mine, theirs])
    assert a.store.read_bytes() == b.store.read_bytes() == c.store.read_bytes()


def test_a_clone_of_an_empty_remote_starts_it(a: Machine, b: Machine, remote: str) -> None:
    assert "holds no list yet" in a.run("sync", "clone", remote).stderr
    key = a.add("Sparse Attention for Everyone", "Ana Aubert")
    a.run("sync")
    assert "Took the list" in b.run("sync", "clone", remote).stderr
    assert b.listed() == [key]


def test_init_leaves_a_store_it_cannot_read_alone(a: Machine) -> None:
    a.add("Sparse Attention for Everyone", "Ana Aubert")
    newer = re.sub(rb'"schema":\s*\d+', b'"schema":999', a.store.read_bytes(), count=1)
    a.store.write_bytes(newer)

    done = a.run("sync", "init", ok=False)

    assert done.returncode == ExitCode.STORE
    assert not (a.dir / ".git").exists() and not (a.dir / ".gitignore").exists()
    assert a.store.read_bytes() == newer


def test_a_list_shared_as_one_file_by_an_earlier_readlist_is_taken_and_cut_into_files(
    a: Machine, b: Machine, remote: str
) -> None:
    key = a.add("Sparse Attention for Everyone", "Ana Aubert")
    (a.dir / ".gitignore").write_text("/*\n!/readlist.json\n!/.gitignore\n!/.gitattributes\n")
    (a.dir / ".gitattributes").write_text("readlist.json merge=readlist\n")
    git("init", "-q", cwd=a.dir)
    git("add", "readlist.json", ".gitignore", ".gitattributes", cwd=a.dir)
    git("commit", "-q", "-m", "shared as one file", cwd=a.dir)
    git("remote", "add", "origin", remote, cwd=a.dir)
    git("push", "-q", "origin", "HEAD:main", cwd=a.dir)

    b.run("sync", "clone", remote)  # the remote's one file is read as the list
    assert b.listed() == [key]
    b.run("tag", key, "-t", "from-b")
    b.run("sync")
    a.run("tag", key, "-t", "from-a")
    assert "merged both sides" in a.run("sync").stderr
    b.run("sync")

    for machine in (a, b):
        shared = git("ls-files", cwd=machine.dir).split()
        assert "readlist.json" not in shared and "store/meta.json" in shared
        assert sorted(machine.tags(key)) == ["from-a", "from-b"]
        assert git("status", "--porcelain", cwd=machine.dir) == ""
    assert a.store.read_bytes() == b.store.read_bytes()


def test_the_store_file_wins_over_a_shared_file_edited_by_hand(a: Machine, b: Machine, remote: str) -> None:
    first, _ = pair(a, b, remote)
    a.run("sync")  # nothing to do: the next sync need not cut the store again
    edited = a.dir / git("ls-files", "store/*/*.json", cwd=a.dir).split()[0]
    edited.write_text(edited.read_text().replace('"tags":[]', '"tags":["by-hand"]'))
    assert "by-hand" in edited.read_text()

    a.run("sync")

    assert "by-hand" not in edited.read_text() and "by-hand" not in shared_text(a.dir)
    assert git("status", "--porcelain", cwd=a.dir) == ""
    b.run("sync")
    assert b.tags(first) == [] and a.store.read_bytes() == b.store.read_bytes()


def test_another_store_file_beside_the_synced_one_is_refused(a: Machine, b: Machine, remote: str) -> None:
    pair(a, b, remote)
    head = a.head()
    other = Machine(a.dir)
    other.store = a.dir / "other.json"  # a second list in the synced directory
    other.add("Graph Networks at Scale", "Cy Dahl")
    for command in (["sync"], ["sync", "init"], ["sync", "status"]):
        done = other.run(*command, ok=False)
        assert done.returncode == ExitCode.SYNC
        assert "set up to sync readlist.json, not other.json" in done.stderr
    assert a.head() == head and git("rev-parse", "main", cwd=a.dir.parent / "remote.git") == head

    # A list cloned beside an unsynced store binds the directory to the clone's file.
    c = Machine(a.dir.parent / "c")
    c.add("Sparse Coding Revisited", "Ana Aubert")
    cloned = Machine(c.dir)
    cloned.store = c.dir / "papers.json"
    cloned.run("sync", "clone", remote)
    assert c.run("sync", ok=False).returncode == ExitCode.SYNC
    assert len(cloned.listed()) == 2 and len(c.listed()) == 1


def test_plain_git_finds_the_branch_and_the_remote_head(a: Machine, b: Machine, tmp_path: Path) -> None:
    """A bare repository made by a git whose first branch is `master` names a branch that does
    not exist until the first push: a plain `git clone` would check nothing out, and a clone's
    `git pull` would not know what to take."""
    bare = tmp_path / "old.git"
    git("init", "-q", "--bare", "--initial-branch=master", str(bare), cwd=tmp_path)
    first, _ = pair(a, b, bare.as_uri())

    git("clone", "-q", bare.as_uri(), str(tmp_path / "plain"), cwd=tmp_path)
    assert (tmp_path / "plain" / "store" / "meta.json").exists()
    a.run("tag", first, "-t", "from-a")
    a.run("sync")
    for machine in (a, b):
        assert git("rev-parse", "--abbrev-ref", "@{upstream}", cwd=machine.dir) == "origin/main"
    b.run("git", "pull", "-q", "--no-rebase", "--no-edit")
    assert b.tags(first) == ["from-a"]


def test_a_plain_git_pull_that_rebases_is_taken_in_too(a: Machine, b: Machine, remote: str) -> None:
    first, second = pair(a, b, remote)
    a.run("tag", first, "-t", "from-a")
    a.run("sync")
    b.run("tag", second, "-t", "from-b")
    b.commit_offline(remote)

    pulled = b.run("git", "pull", "-q", "--rebase")

    assert "made outside readlist" in pulled.stderr  # the post-rewrite hook
    assert b.tags(first) == ["from-a"] and b.tags(second) == ["from-b"]
    assert len(git("rev-list", "--merges", "HEAD", cwd=b.dir).split()) == 0  # rebased, not merged
    b.run("sync")
    a.run("sync")
    assert a.store.read_bytes() == b.store.read_bytes()
    assert git("status", "--porcelain", cwd=b.dir) == ""
