"""Time `readlist sync` on a large list, against plain git doing the same in the same run.

Two machines (A, B) share a list of N generated papers (`digestgen`, realistic abstracts and
author lists) through a bare repository; each changes `--edits` papers (a tag and a note on
each, a hand-set venue on every tenth; a fifth of B's papers are A's too), then:

| step | command | floor (plain git, same change, same run) |
|---|---|---|
| send | `sync` on A: commit, fetch, push | `git add` + `git commit` + `git push` |
| merge | `sync` on B: commit, fetch, three-way merge, push | `git add`, `commit`, `fetch`, `merge` (text), `push` |
| receive | `sync` on A: fast-forward | `git fetch` + `git merge --ff-only` |
| no-op | `sync` on A again | `git fetch` |

The floor's repositories are copies of the two machines' with the changed files of the list
already written into `store/` (as `sync` writes them; not timed), so that plain git moves
exactly the files `sync` moves. Then `--history` rounds of one `tag` and one `sync` on A, and the size of A's `.git`.
Peak RSS is each command's own (`wait4`); this script stays small (the papers are generated and
listed by processes of their own), as a child forked from a large parent would count the
parent's memory as its own peak. Needs `git`, and readlist installed in the running
interpreter's environment.

    python benchmarks/sync_bench.py --n 10000 --edits 200 --history 100
    python benchmarks/sync_bench.py --n 100000 --edits 200 --history 0
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
READLIST = [sys.executable, "-m", "readlist"]


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, int]:
    """Seconds and peak RSS (MB) of one command, which must succeed."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr}")
    return elapsed, usage.ru_maxrss // 1024


def git(repo: Path, *args: str) -> list[str]:
    return ["git", "-C", str(repo), *args]


def edit(db: Path, keys: list[str], machine: str) -> None:
    """Change papers as `tag`, `note` and `edit` would, in one process (the edits are not timed)."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from readlist.models import Event, Note\n"
        "from readlist.store import open_store\n"
        "db, machine, keys = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]\n"
        "with open_store(db, write=True) as store:\n"
        "    entries = [store.get(k) for k in keys]\n"
        "    for n, e in enumerate(entries):\n"
        "        at = f'2024-06-01T10:{n // 60 % 60:02d}:{n % 60:02d}+00:00'\n"
        "        e.tags.append(f'from-{machine}')\n"
        "        e.notes.append(Note(at, f'a note from {machine} on {e.key}'))\n"
        "        if n % 10 == 0:\n"
        "            e.venue = f'Venue {machine}'\n"
        "            e.edited = [*e.edited, 'venue']\n"
        "            e.log.append(Event(at, 'edit', 'changed venue'))\n"
        "    store.save(entries)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db), machine, *keys], check=True)


def write_files(db: Path) -> None:
    """Write the list's files into the repository's `store/`, as `sync` does (not timed)."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from readlist import shards\n"
        "from readlist.merge import read_layout\n"
        "db = Path(sys.argv[1])\n"
        "for path, data in shards.split(read_layout(db, db.read_bytes())).items():\n"
        "    (db.parent / path).parent.mkdir(parents=True, exist_ok=True)\n"
        "    (db.parent / path).write_bytes(data)\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db)], check=True)


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--history", type=int, default=100, help="one-edit syncs for the .git size")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--json", help="write the results here as JSON")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="readlist-syncbench-"))
    home = work / "home"
    home.mkdir()
    (home / "gitconfig").write_text("[user]\n\tname = Bench\n\temail = bench@example.org\n")
    os.environ.update(
        {
            "HOME": str(home),
            "GIT_CONFIG_GLOBAL": str(home / "gitconfig"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "READLIST_CONFIG": str(home / "none.toml"),
        }
    )
    os.environ.pop("READLIST_DB", None)
    results: dict[str, object] = {"n": args.n, "edits": args.edits, "cpus": os.cpu_count()}
    rows: list[tuple[str, float, int, float | None]] = []
    try:
        digests = work / "digests"
        generate = [sys.executable, str(HERE / "digestgen.py"), "--n", str(args.n), "--seed", str(args.seed)]
        subprocess.run([*generate, "--out", str(digests)], check=True, capture_output=True)
        a, b = work / "a" / "readlist.json", work / "b" / "readlist.json"
        subprocess.run([*READLIST, "--db", str(a), "import", str(digests)], check=True, capture_output=True)
        store_mb = a.stat().st_size / 1e6
        remote = work / "remote.git"
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
        seconds, rss = timed([*READLIST, "--db", str(a), "sync", "init", remote.as_uri()])
        rows.append(("sync init (first push)", seconds, rss, None))
        seconds, rss = timed([*READLIST, "--db", str(b), "sync", "clone", remote.as_uri()])
        rows.append(("sync clone", seconds, rss, None))

        # The keys from a process of their own: a child forked from a parent holding the parsed
        # store would count the parent's memory as its own peak.
        listed = subprocess.run([*READLIST, "--db", str(a), "list", "--keys"], check=True, capture_output=True)
        keys = sorted(listed.stdout.decode().split())
        rng = random.Random(args.seed)
        ours = rng.sample(keys, args.edits)
        theirs = rng.sample(ours, args.edits // 5) + rng.sample(keys, args.edits - args.edits // 5)
        edit(a, ours, "A")
        edit(b, list(dict.fromkeys(theirs)), "B")

        # The floor: the same two changes, moved by plain git in copies of the same repositories.
        floor = work / "floor"
        for name in ("a", "b", "remote.git"):
            shutil.copytree(work / name, floor / name, symlinks=True)
        for name in ("a", "b"):
            subprocess.run(
                git(floor / name, "remote", "set-url", "origin", (floor / "remote.git").as_uri()), check=True
            )
            subprocess.run(git(floor / name, "config", "--unset-all", "merge.readlist.driver"), check=False)
            (floor / name / ".git" / "info" / "attributes").unlink(missing_ok=True)
            (floor / name / ".gitattributes").unlink(missing_ok=True)
            write_files(floor / name / "readlist.json")
        fa, fb = floor / "a", floor / "b"
        send_floor = sum(
            timed(c)[0]
            for c in (
                git(fa, "add", "-A", "store"),
                git(fa, "commit", "-qm", "floor"),
                git(fa, "push", "-q", "origin", "HEAD:main"),
            )
        )
        merge_floor = sum(
            timed(c)[0]
            for c in (
                git(fb, "add", "-A", "store"),
                git(fb, "commit", "-qm", "floor"),
                git(fb, "fetch", "-q", "origin"),
                git(fb, "merge", "-q", "-X", "ours", "--no-edit", "origin/main"),
                git(fb, "push", "-q", "origin", "HEAD:main"),
            )
        )
        receive_floor = sum(
            timed(c)[0] for c in (git(fa, "fetch", "-q", "origin"), git(fa, "merge", "-q", "--ff-only", "origin/main"))
        )
        noop_floor = timed(git(fa, "fetch", "-q", "origin"))[0]

        for label, db, step_floor in (
            (f"sync A: send {args.edits} edits", a, send_floor),
            (f"sync B: merge {args.edits} edits a side", b, merge_floor),
            ("sync A: receive (fast-forward)", a, receive_floor),
            ("sync A: nothing to do", a, noop_floor),
        ):
            seconds, rss = timed([*READLIST, "--db", str(db), "sync"])
            rows.append((label, seconds, rss, seconds / step_floor if step_floor else None))
        if a.read_bytes() != b.read_bytes():
            raise SystemExit("the two stores differ after syncs A, B, A")

        if args.history:
            started = time.perf_counter()
            for n in range(args.history):
                subprocess.run(
                    [*READLIST, "--db", str(a), "tag", keys[n % len(keys)], "-t", f"h{n}"],
                    check=True,
                    capture_output=True,
                )
                subprocess.run([*READLIST, "--db", str(a), "sync"], check=True, capture_output=True)
            results["history_seconds"] = round(time.perf_counter() - started, 1)
            results["git_dir_mb_after_history"] = round(du(a.parent / ".git") / 1e6, 1)
            results["remote_mb_after_history"] = round(du(remote) / 1e6, 1)
        results["store_mb"] = round(store_mb, 1)
        results["floors"] = {
            "send": round(send_floor, 3),
            "merge": round(merge_floor, 3),
            "receive": round(receive_floor, 3),
            "noop": round(noop_floor, 3),
        }
        results["rows"] = [
            {"step": s, "seconds": round(t, 3), "peak_rss_mb": r, "x_floor": None if f is None else round(f, 2)}
            for s, t, r, f in rows
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"{args.n} papers, store {results['store_mb']} MB, {os.cpu_count()} CPUs")
    print(f"{'step':44} {'seconds':>8} {'peak RSS':>9} {'x floor':>8}")
    for step, seconds, rss, ratio in rows:
        print(f"{step:44} {seconds:8.2f} {rss:6d} MB {'' if ratio is None else f'{ratio:7.1f}x':>8}")
    print("floors (plain git, same change):", results["floors"])
    if args.history:
        print(
            f"{args.history} one-edit syncs: {results['history_seconds']} s; "
            f".git {results['git_dir_mb_after_history']} MB, remote {results['remote_mb_after_history']} MB"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
