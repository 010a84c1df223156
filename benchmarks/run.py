"""End-to-end benchmark of the readlist CLI on synthetic digests (stdlib + orjson only).

    python benchmarks/run.py --n 10000
    python benchmarks/run.py --n 100000 --json /tmp/bench-100k.json

Every operation is timed as a whole ``readlist`` process, the way a user runs it, and set
against a floor measured in the same run on the same data. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import digestgen  # noqa: E402
import peers  # noqa: E402

DEFAULT_SEED = 20240501
#: Rows of one screen: what the first-screen rows ask for (`--limit`).
SCREEN = 40
TAG_X = "bench-x"
NOTE_TEXT = "Benchmark note: compare with the baseline in section 4."
SMALL_N = 10_000  # at or below: absolute targets; above: targets relative to the floors
RSS_LIMIT_MB = 1.5 * 1024  # 1.5 GiB, in MiB (ru_maxrss is KiB on Linux)
PTY_SIZE = (120, 40)  # columns, rows of the pseudo-terminal the "(terminal)" rows print to
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")

DROPPED_ENV = frozenset(
    {
        "READLIST_DB",
        "PYTHONUNBUFFERED",
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONPYCACHEPREFIX",
        "PYTHONDEVMODE",
        "PYTHONTRACEMALLOC",
        "PYTHONPROFILEIMPORTTIME",
        "PYTHONMALLOC",
        "PYTHONMALLOCSTATS",
        "PYTHONASYNCIODEBUG",
        "PYTHONFAULTHANDLER",
        "PYTHONWARNINGS",
        "PYTHONVERBOSE",
        "PYTHONINSPECT",
        "PYTHONSTARTUP",
    }
)

# The floors, as programs run by the same interpreter.
READ_FLOOR = "import sys, orjson\nwith open(sys.argv[1], 'rb') as f:\n    data = orjson.loads(f.read())\n"
WRITE_FLOOR = READ_FLOOR.replace("import sys, orjson", "import os, sys, orjson") + (
    "out = orjson.dumps(data)\n"
    "with open(sys.argv[2], 'wb') as f:\n"
    "    f.write(out)\n"
    "    f.flush()\n"
    "    os.fsync(f.fileno())\n"
)


# --------------------------------------------------------------------------------------------
# running one process


@dataclass(slots=True)
class Run:
    seconds: float
    rss_mb: float
    rc: int  # exit code; negative: killed by that signal
    timed_out: bool
    stderr_tail: str
    cpu_s: float = 0.0  # user + system time of the process


# Why a separate spawner process: on Linux a child's ru_maxrss starts from the high-water RSS
# of the memory it had before exec, which for fork/vfork/posix_spawn is the *parent's*. Spawned
# from this script (orjson, the generator, a 200 MB JSON file loaded to check the import) every
# command would report at least this script's peak. The spawner is a bare `python -I -S`
# (about 8 MiB) that forks, execs, times the child and reads wait4's rusage for it alone.
SPAWNER = r"""
import fcntl, json, os, signal, struct, sys, termios, time
killed = []
def on_alarm(signum, frame):
    killed.append(1)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
signal.signal(signal.SIGALRM, on_alarm)
out = sys.stdout
for line in sys.stdin:
    req = json.loads(line)
    killed.clear()
    size = req.get("pty")  # [columns, rows]: stdout is a terminal of that size, which we drain
    if size:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            for fd, path, flags in (
                (0, req["stdin"] or os.devnull, os.O_RDONLY),
                (1, req["stdout"] or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                (2, req["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
            ):
                if fd == 1 and size:
                    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                    os.dup2(slave, 1)
                    continue
                os.dup2(os.open(path, flags, 0o644), fd)
            os.closerange(3, 256)
            os.execvpe(req["cmd"][0], req["cmd"], req["env"])
        except BaseException as exc:
            os.write(2, ("cannot start: %s\n" % exc).encode())
        os._exit(127)
    signal.setitimer(signal.ITIMER_REAL, req["timeout"])
    if size:
        os.close(slave)
        with open(req["stdout"] or os.devnull, "wb") as sink:
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child has closed the terminal (exited or killed)
                    break
                if not chunk:
                    break
                sink.write(chunk)
        os.close(master)
    _, status, ru = os.wait4(pid, 0)
    elapsed = time.perf_counter() - t0
    signal.setitimer(signal.ITIMER_REAL, 0)
    out.write(json.dumps([elapsed, ru.ru_maxrss, os.waitstatus_to_exitcode(status),
                          bool(killed), ru.ru_utime + ru.ru_stime]) + "\n")
    out.flush()
"""


class Spawner:
    """A small long-lived process that runs commands for us and reports wall time and rusage."""

    def __init__(self, python: str) -> None:
        self.proc = subprocess.Popen(
            [python, "-I", "-S", "-c", SPAWNER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def run(
        self,
        cmd: list[str],
        env: dict[str, str],
        *,
        stdout_path: str | None = None,
        stdin_path: str | None = None,
        err_path: str,
        timeout: float,
        pty: tuple[int, int] | None = None,
    ) -> Run:
        req = {
            "cmd": cmd, "env": env, "stdin": stdin_path, "stdout": stdout_path,
            "stderr": err_path, "timeout": timeout, "pty": pty,
        }  # fmt: skip
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(orjson.dumps(req).decode() + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the spawner process died")
        elapsed, maxrss_kib, rc, timed_out, cpu = orjson.loads(line)
        tail = ""
        if rc != 0:
            lines = Path(err_path).read_text("utf-8", "replace").strip().splitlines()
            tail = lines[-1].strip() if lines else ""
        return Run(elapsed, maxrss_kib / 1024, rc, timed_out, tail, cpu)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


# --------------------------------------------------------------------------------------------
# rows of the table


@dataclass(slots=True)
class Row:
    name: str
    kind: str  # floor | help | read | write | import | export
    command: str
    runs: list[Run] = field(default_factory=list)
    planned: int = 0
    floor: str | None = None  # name of the floor row the ratio is taken against
    ratio: float | None = None
    target: str = "-"
    result: str = "-"  # PASS | FAIL | ERROR | -
    why: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def ok_runs(self) -> list[Run]:
        return [r for r in self.runs if r.rc == 0 and not r.timed_out]

    @property
    def median(self) -> float | None:
        ok = self.ok_runs
        return statistics.median(r.seconds for r in ok) if ok else None

    @property
    def spread(self) -> tuple[float, float] | None:
        ok = self.ok_runs
        return (min(r.seconds for r in ok), max(r.seconds for r in ok)) if ok else None

    @property
    def cpu(self) -> float | None:
        ok = self.ok_runs
        return statistics.median(r.cpu_s for r in ok) if ok else None

    @property
    def rss(self) -> float | None:
        return max(r.rss_mb for r in self.runs) if self.runs else None

    @property
    def error(self) -> str | None:
        bad = [r for r in self.runs if r.rc != 0 or r.timed_out]
        if not bad:
            return None
        r = bad[-1]
        what = "timed out" if r.timed_out else f"exit {r.rc}"
        return f"{what} in {len(bad)}/{len(self.runs)} runs" + (f": {r.stderr_tail}" if r.stderr_tail else "")

    def to_json(self) -> dict[str, Any]:
        spread = self.spread
        return {
            "operation": self.name,
            "kind": self.kind,
            "command": self.command,
            "runs": len(self.runs),
            "planned_runs": self.planned,
            "median_s": self.median,
            "min_s": spread[0] if spread else None,
            "max_s": spread[1] if spread else None,
            "times_s": [round(r.seconds, 4) for r in self.runs],
            "cpu_median_s": self.cpu,
            "cpu_s": [round(r.cpu_s, 4) for r in self.runs],
            "exit_codes": [r.rc for r in self.runs],
            "floor": self.floor,
            "ratio": self.ratio,
            "peak_rss_mb": self.rss,
            "target": self.target,
            "result": self.result,
            "failures": self.why,
            "error": self.error,
            "note": self.note,
        }


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.n: int = args.n
        self.py = sys.executable
        self.rl, self.runner = resolve_runner(args.runner)
        self.t_start = time.monotonic()
        self.spawner = Spawner(self.py)  # first, while this process is still small
        self.rows: list[Row] = []
        self.notes: list[str] = []
        self.work = Path(tempfile.mkdtemp(prefix="readlist-bench-", dir=args.tmp))
        self.err = str(self.work / "stderr.txt")
        # The timed processes get the environment of a user's shell: variables that change how
        # Python runs (unbuffered output, no bytecode cache, ...) are dropped.
        self.env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
        self.dropped_env = sorted(k for k in os.environ if k in DROPPED_ENV)
        self.env.setdefault("COLUMNS", "120")
        # a terminal of PTY_SIZE: Rich takes COLUMNS/LINES over the terminal's own size
        self.pty_env = dict(self.env, COLUMNS=str(PTY_SIZE[0]), LINES=str(PTY_SIZE[1]))
        self.pty_env.setdefault("TERM", "xterm-256color")
        # what is timed is printing every row, not a person paging through them
        self.pty_env["READLIST_PAGER"] = ""
        self.side: peers.SideBySide | None = None
        self.installs: dict[str, peers.Install] = {}
        if args.pycache_prefix:
            # Bytecode is cached (as after a pip install) in a temp dir rather than next to the
            # sources, which may be an editable install in a work tree. The warm-up run fills it.
            self.env["PYTHONPYCACHEPREFIX"] = args.pycache_prefix

    # -- bookkeeping -------------------------------------------------------------------------
    def elapsed(self) -> float:
        return time.monotonic() - self.t_start

    def say(self, msg: str) -> None:
        if not self.args.quiet:
            print(f"[{self.elapsed():6.1f}s] {msg}", file=sys.stderr, flush=True)

    def exec(self, cmd: list[str], *, terminal: bool = False, **kw: Any) -> Run:
        if terminal:
            return self.spawner.run(cmd, self.pty_env, err_path=self.err, timeout=self.args.timeout, pty=PTY_SIZE, **kw)
        return self.spawner.run(cmd, self.env, err_path=self.err, timeout=self.args.timeout, **kw)

    def runs_for(self, warm: Run, planned: int, ops_left: int, frac: float | None = None) -> int:
        """How many timed runs fit: the plan, unless what is left of the budget cannot hold it.

        The operations still to come are reserved (runs + warm-up) at twice the read floor
        each once that is known, else an equal share of what is left.
        """
        left = max(self.args.budget - self.elapsed(), 0.0)
        floor = next((r.median for r in self.rows if r.name.startswith("read floor")), None)
        if frac is not None:
            share = left * frac
        elif floor:
            share = left - (ops_left - 1) * (self.args.runs + 1) * max(2 * floor, 0.2)
        else:
            share = left / max(ops_left, 1)
        fit = int(share / max(warm.seconds, 1e-3))
        return max(1, min(planned, fit))

    def measure(
        self,
        name: str,
        kind: str,
        make_cmd: Any,  # list[str] or callable(run_index) -> list[str]
        *,
        ops_left: int,
        planned: int | None = None,
        warm_cmd: list[str] | None = None,
        stdout_path: str | None = None,
        before_each: Any = None,
        shown: str | None = None,
        terminal: bool = False,
    ) -> Row:
        planned = planned or self.args.runs
        cmd_at = make_cmd if callable(make_cmd) else (lambda i, c=make_cmd: c)
        row = Row(name, kind, shown or " ".join(cmd_display(cmd_at(0), self)), planned=planned)
        self.rows.append(row)
        out = stdout_path or str(self.work / "stdout.txt")
        if before_each:
            before_each(-1)
        warm = self.exec(warm_cmd or cmd_at(-1), stdout_path=out, terminal=terminal)
        if warm.rc != 0 or warm.timed_out:
            row.runs.append(warm)  # no point repeating a command that fails; record it
            row.note = "warm-up failed; not repeated"
            self.say(f"{name}: FAILED ({row.error})")
            return row
        # a warm-up on other input (import: one file) cannot tell the cost: use the first run
        runs = self.runs_for(warm, planned, ops_left) if warm_cmd is None else planned
        i = 0
        while i < runs:
            if before_each:
                before_each(i)
            r = self.exec(cmd_at(i), stdout_path=out, terminal=terminal)
            row.runs.append(r)
            if r.rc != 0 or r.timed_out:
                break
            if i == 0 and warm_cmd is not None:
                # the import may take a third of what is left; the other operations share the rest
                runs = 1 + self.runs_for(r, planned - 1, ops_left, frac=1 / 3) if planned > 1 else 1
            i += 1
        if len(row.runs) < planned and not row.error:
            row.note = f"{len(row.runs)} of {planned} runs (time budget)"
            self.notes.append(f"{name}: only {len(row.runs)} timed run(s), the time budget could not hold {planned}")
        med = row.median
        self.say(
            f"{name}: median {fmt_s(med)} over {len(row.ok_runs)} run(s)" + (f"  [{row.error}]" if row.error else "")
        )
        return row

    # -- the run -----------------------------------------------------------------------------
    def run(self) -> int:
        a = self.args
        n = self.n
        rl = self.rl
        work = self.work
        meta = machine_info()
        meta.update(
            n=n,
            seed=a.seed,
            runner=self.runner,
            runs=a.runs,
            import_runs=a.import_runs,
            started=_dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            readlist_commit=git_commit(),
            env_dropped=self.dropped_env,
            pycache_prefix=a.pycache_prefix or None,
            loadavg_start=os.getloadavg(),
        )
        self.meta = meta
        self.say(f"readlist via: {self.runner}")

        # 1. data
        t0 = time.perf_counter()
        digests = work / "digests"
        files, size = digestgen.write_digests(n, a.seed, str(digests))
        gen_s = time.perf_counter() - t0
        meta.update(files=files, digest_mb=round(size / 1e6, 1), generate_s=round(gen_s, 2))
        self.say(f"generated {n} papers in {files} files ({size / 1e6:.1f} MB) in {gen_s:.1f}s")
        ops_total = 25

        # 2. start-up floors and --help
        py = self.py
        self.measure("python -c pass", "floor", [py, "-c", "pass"], ops_left=ops_total)
        self.measure("python -c 'import typer'", "floor", [py, "-c", "import typer"], ops_left=ops_total - 1)
        self.measure("readlist --help", "help", [*rl, "--help"], ops_left=ops_total - 2)

        # 3. import into empty stores; the last one is kept as the store for the rest
        store = work / "store.json"
        one_file = sorted(digests.iterdir())[0]
        stores: list[Path] = []

        def fresh_store(i: int) -> None:
            for old in stores:
                remove(old)
            stores.clear()
            stores.append(work / f"import-{i + 1}.json")

        imp = self.measure(
            "import (all files, empty store)",
            "import",
            lambda i: [*rl, "--db", str(stores[-1]), "import", str(digests)],
            ops_left=ops_total - 3,
            planned=a.import_runs,
            warm_cmd=[*rl, "--db", str(work / "warm.json"), "import", str(one_file)],
            before_each=fresh_store,
            shown=f"readlist --db S import DIR  ({files} files)",
            stdout_path=str(work / "import-out.txt"),
        )
        said = (work / "import-out.txt").read_text("utf-8", "replace").strip().splitlines()
        meta["import_said"] = said[-1].strip() if said else None
        remove(work / "warm.json")
        if stores and stores[-1].exists():
            stores[-1].replace(store)
            meta["store_mb"] = round(store.stat().st_size / 1e6, 1)
        if imp.error:
            self.notes.append("import failed: the commands below run on whatever store exists (maybe none)")

        # 4. the floor file and the keys (outside timing)
        floor_file = work / "all.json"
        r = self.exec([*rl, "--db", str(store), "list", "--json"], stdout_path=str(floor_file))
        entries: list[dict[str, Any]] = []
        if r.rc == 0:
            try:
                entries = orjson.loads(floor_file.read_bytes())
                meta["floor_file"] = "readlist list --json"
            except orjson.JSONDecodeError as exc:
                self.notes.append(f"`list --json` did not print JSON ({exc}); read floor uses the store file")
        else:
            self.notes.append(f"`list --json` failed (exit {r.rc}: {r.stderr_tail}); read floor uses the store file")
        if not entries and store.exists():
            shutil.copyfile(store, floor_file)
            meta["floor_file"] = "the store file (list --json unavailable)"
        meta["entries_listed"] = len(entries) if entries else None
        entry_keys = [e["key"] for e in entries if isinstance(e, dict) and "key" in e]
        del entries
        if meta["entries_listed"] and meta["entries_listed"] != n:
            self.notes.append(f"`list --json` lists {meta['entries_listed']} entries, {n} papers were generated")
        meta["floor_file_mb"] = round(floor_file.stat().st_size / 1e6, 1) if floor_file.exists() else None

        keys_out = work / "keys.txt"
        r = self.exec([*rl, "--db", str(store), "list", "--keys"], stdout_path=str(keys_out))
        keys = keys_out.read_text("utf-8").split() if r.rc == 0 else []
        if r.rc != 0:
            self.notes.append(f"`list --keys` failed (exit {r.rc}: {r.stderr_tail}); keys taken from list --json")
            keys = entry_keys
        if not keys:
            keys = ["no-such-key"]
            self.notes.append("no entry keys available: show/tag/note/status run on a missing key")

        # 5. read and write floors
        rf = self.measure(
            "read floor (orjson.loads all)", "floor", [py, "-c", READ_FLOOR, str(floor_file)], ops_left=ops_total - 4
        )
        rf.command = "python -c 'orjson.loads(open(F).read())'  F = list --json"
        wf = self.measure(
            "write floor (loads+dumps+fsync)",
            "floor",
            [py, "-c", WRITE_FLOOR, str(floor_file), str(work / "rewrite.json")],
            ops_left=ops_total - 5,
        )
        wf.command = "read floor + orjson.dumps + write + fsync"

        # 6. tag ~1% of entries with X (outside timing): list --keys --limit K | tag - -t X
        k = max(1, n // 100)
        head = work / "head-keys.txt"
        r1 = self.exec([*rl, "--db", str(store), "list", "--keys", "--limit", str(k)], stdout_path=str(head))
        if r1.rc != 0:
            head.write_text("\n".join(keys[:k]) + "\n", "utf-8")
        r2 = self.exec([*rl, "--db", str(store), "tag", "-", "-t", TAG_X], stdin_path=str(head))
        if r2.rc != 0:
            self.notes.append(
                f"bulk `tag - -t {TAG_X}` failed (exit {r2.rc}: {r2.stderr_tail}); `list --tag` lists fewer"
            )
        meta["tagged_for_list_tag"] = k

        # 7. read commands
        db = ["--db", str(store)]
        show_key = keys[len(keys) // 4]
        all_n = ["--limit", str(max(n, 1))]
        wide, some = digestgen.SEARCH_WIDE, digestgen.SEARCH_SOME
        self.measure("list --limit 20", "read", rl + db + ["list", "--limit", "20"], ops_left=ops_total - 6)
        self.measure(f"list --tag X  (~1%: {k})", "read", rl + db + ["list", "--tag", TAG_X], ops_left=ops_total - 7)
        self.measure(
            f"search {digestgen.SEARCH_WORD}  (~1%)", "read",
            rl + db + ["search", digestgen.SEARCH_WORD], ops_left=ops_total - 8,
        )  # fmt: skip
        # every row printed, the first screen, and the wide searches
        printed = work / "printed.txt"
        lst = self.measure(
            "list --limit N  (all printed, pipe)", "read-all", rl + db + ["list", *all_n],
            ops_left=ops_total - 9, stdout_path=str(printed),
        )  # fmt: skip
        meta["list_all_rows_pipe"] = count_rows(printed) if not lst.error else None
        lst_t = self.measure(
            f"list --limit N  (all printed, terminal {PTY_SIZE[0]}x{PTY_SIZE[1]})", "read-all",
            rl + db + ["list", *all_n], ops_left=ops_total - 10, stdout_path=str(printed), terminal=True,
        )  # fmt: skip
        meta["list_all_rows_terminal"] = count_rows(printed) if not lst_t.error else None
        for i, (word, share) in enumerate(((wide, "~100%"), (some, "~20%"))):
            first = self.measure(
                f"search {word} --limit {SCREEN}  ({share}, first screen)", "read",
                rl + db + ["search", word, "--limit", str(SCREEN)], ops_left=ops_total - 11 - 2 * i,
                stdout_path=str(printed),
            )  # fmt: skip
            meta[f"search_{word}_rows_first_screen"] = count_rows(printed) if not first.error else None
            every = self.measure(
                f"search {word}  ({share}, all printed)", "read-all",
                rl + db + ["search", word, *all_n], ops_left=ops_total - 12 - 2 * i, stdout_path=str(printed),
            )  # fmt: skip
            meta[f"search_{word}_rows_all"] = count_rows(printed) if not every.error else None
        self.measure("show KEY", "read", rl + db + ["show", show_key], ops_left=ops_total - 15)

        # export: cold (the first export of a store just written: a fresh copy, no output file
        # yet) and warm (the same store exported again, unchanged, over its last output)
        export_file = work / "export.bib"
        cold_store = work / "cold-store.json"

        def fresh_copy(i: int) -> None:
            remove(cold_store)  # and its index: no cached BibTeX either
            export_file.unlink(missing_ok=True)
            if store.exists():  # else the export fails, and says so in its row
                shutil.copyfile(store, cold_store)

        self.measure(
            "export -o FILE (all, cold)", "export",
            [*rl, "--db", str(cold_store), "export", "-o", str(export_file)], ops_left=ops_total - 16,
            before_each=fresh_copy,
        )  # fmt: skip
        remove(cold_store)
        ex = self.measure(
            "export -o FILE (all, warm)", "export",
            rl + db + ["export", "-o", str(export_file)], ops_left=ops_total - 17,
        )  # fmt: skip
        if export_file.exists():
            meta["export_mb"] = round(export_file.stat().st_size / 1e6, 1)
            if not ex.error:
                text = export_file.read_text("utf-8", "replace")
                meta["export_entries"] = text.count("\n@") + text.startswith("@")
                del text

        # hit counts (outside timing), to show what the read commands returned
        meta["search_hits"] = self.count_json(rl + db + ["search", digestgen.SEARCH_WORD, "--json"])
        expected = digestgen.expected_hits(n)
        for word in (wide, some):
            hits = self.count_json(rl + db + ["search", word, "--json"])
            meta[f"search_{word}_hits"] = hits
            if hits != expected[word]:
                self.notes.append(f"`search {word}` found {hits} entries; {expected[word]} papers carry the word")
            if meta.get(f"search_{word}_rows_all") not in (None, hits):
                self.notes.append(
                    f"`search {word} --limit N` printed {meta[f'search_{word}_rows_all']} rows for {hits} hits"
                )
        for where in ("pipe", "terminal"):
            rows = meta.get(f"list_all_rows_{where}")
            if rows is not None and rows != n:
                self.notes.append(f"`list --limit N` to a {where} printed {rows} rows for {n} entries")
        meta["list_tag_hits"] = self.count_json(rl + db + ["list", "--tag", TAG_X, "--json"])

        # 8. single-entry changes, each timed run on a different entry so that none is a no-op
        span = max(1, len(keys))

        def pick(offset: int) -> Any:
            return lambda i: keys[(offset + i + 1) % span]

        tag_key, note_key, status_key = pick(span - 10), pick(span // 2), pick(span // 3)
        self.measure(
            "tag KEY -t X", "write", lambda i: rl + db + ["tag", tag_key(i), "-t", TAG_X], ops_left=ops_total - 18
        )
        self.measure(
            "note KEY TEXT", "write", lambda i: rl + db + ["note", note_key(i), NOTE_TEXT], ops_left=ops_total - 19
        )
        self.measure(
            "status KEY read", "write", lambda i: rl + db + ["status", status_key(i), "read"], ops_left=ops_total - 20
        )
        self.check_writes(db, status_key(0), note_key(0), tag_key(0))
        # the first read after a change: the store's index is brought up to date first
        after_key = pick(span // 5)

        def change_one(i: int) -> None:
            self.exec(rl + db + ["status", after_key(i), "queued"])

        self.measure(
            f"search {digestgen.SEARCH_WORD}  (first read after a change)", "read",
            rl + db + ["search", digestgen.SEARCH_WORD], ops_left=ops_total - 21, before_each=change_one,
        )  # fmt: skip

        # the floors once more, after the commands: the machine may be shared, and a floor
        # measured only at one moment would carry that moment's load into every ratio
        self.more_runs(rf, [py, "-c", READ_FLOOR, str(floor_file)], ops_left=2)
        self.more_runs(wf, [py, "-c", WRITE_FLOOR, str(floor_file), str(work / "rewrite.json")], ops_left=1)
        remove(work / "rewrite.json")

        if a.peers:
            self.run_peers()

        meta["loadavg_end"] = os.getloadavg()
        meta["total_s"] = round(self.elapsed(), 1)
        self.judge()
        return 0

    def run_peers(self) -> None:
        """readlist, pubs, papis and cobib on the same BibTeX file, in the same rounds."""
        a, n, meta = self.args, self.n, self.meta
        bib = self.work / "papers.bib"
        count, size = digestgen.write_bibtex(n, a.seed, str(bib))
        meta["peers_bib_mb"] = round(size / 1e6, 1)
        names = [x for x in a.peers.split(",") if x]
        unknown = [x for x in names if x not in peers.PEERS]
        if unknown:
            self.notes.append(f"--peers: unknown {', '.join(unknown)} (known: {', '.join(peers.PEERS)})")
        names = [x for x in names if x in peers.PEERS]
        peers_dir = Path(a.peers_dir) if a.peers_dir else self.work / "peer-venvs"
        tools, self.installs = peers.make_tools(self, peers_dir, names, self.say)
        for name, inst in self.installs.items():
            if inst.error:
                self.notes.append(f"peer {name} not run: {inst.error}")
        meta["peers"] = {
            name: {"version": i.version, "error": i.error, "packages": i.packages, "install_s": round(i.seconds, 1)}
            for name, i in self.installs.items()
        }
        keys = digestgen.bibtex_keys(n, a.seed)
        side = peers.SideBySide(self, tools, bib, keys, n)
        self.side = side
        self.say(f"peers: {', '.join(t.name for t in tools)} on {count} papers ({size / 1e6:.1f} MB of BibTeX)")
        ops = [op for op, _ in peers.OPERATIONS]
        side.run(ops[:1])
        rl = tools[0]
        if isinstance(rl, peers.Readlist) and not rl.error:
            out = self.work / "peer-keys.txt"
            r = self.exec(rl.keys_command(), stdout_path=str(out))
            rl_keys = out.read_text("utf-8").split() if r.rc == 0 else []
            if rl_keys:
                rl.keys = rl_keys  # type: ignore[attr-defined]
        side.run(ops[1:])
        self.notes.extend(f"peers: {x}" for x in side.notes)

    def more_runs(self, row: Row, cmd: list[str], ops_left: int) -> None:
        if row.error or not row.runs:
            return
        runs = self.runs_for(row.runs[-1], self.args.runs, ops_left)
        row.planned += self.args.runs
        for _ in range(runs):
            row.runs.append(self.exec(cmd))
        self.say(f"{row.name} (again): median {fmt_s(row.median)} over {len(row.ok_runs)} run(s)")

    def count_json(self, cmd: list[str]) -> int | None:
        out = self.work / "count.json"
        r = self.exec(cmd, stdout_path=str(out))
        if r.rc != 0:
            return None
        try:
            data = orjson.loads(out.read_bytes())
        except orjson.JSONDecodeError:
            return None
        if isinstance(data, dict):  # a wrapper object such as {"results": [...]}
            data = next((v for v in data.values() if isinstance(v, list)), [])
        return len(data) if isinstance(data, list) else None

    def check_writes(self, db: list[str], status_key: str, note_key: str, tag_key: str) -> None:
        """Outside timing: did the timed changes land?"""
        out = self.work / "check.json"
        for key, test, what in (
            (status_key, lambda e: e.get("status") == "read", "status read"),
            (note_key, lambda e: bool(e.get("notes")), "note"),
            (tag_key, lambda e: TAG_X in (e.get("tags") or []), f"tag {TAG_X}"),
        ):
            r = self.exec(self.rl + db + ["show", key, "--json"], stdout_path=str(out))
            try:
                entry = orjson.loads(out.read_bytes()) if r.rc == 0 else None
            except orjson.JSONDecodeError:
                entry = None
            if isinstance(entry, list) and entry:
                entry = entry[0]
            if not isinstance(entry, dict):
                self.notes.append(f"could not check that `{what}` was stored (show --json: exit {r.rc})")
            elif not test(entry):
                self.notes.append(f"`{what}` on {key} does not show in `show --json` afterwards")

    # -- targets -----------------------------------------------------------------------------
    def judge(self) -> None:
        by = {r.name: r for r in self.rows}
        typer_floor = by.get("python -c 'import typer'")
        read_floor = by.get("read floor (orjson.loads all)")
        write_floor = by.get("write floor (loads+dumps+fsync)")
        small = self.n <= SMALL_N

        def ratio(row: Row, floor: Row | None) -> None:
            if floor is not None:
                row.floor = floor.name
                if row.median is not None and floor.median:
                    row.ratio = row.median / floor.median

        for row in self.rows:
            checks: list[tuple[str, bool]] = []
            if row.kind == "help":
                ratio(row, typer_floor)
                checks.append(("<= 1.3x import typer", row.ratio is not None and row.ratio <= 1.3))
            elif row.kind == "read-all":  # every row printed: measured against the floor, no target
                ratio(row, read_floor)
            elif row.kind == "read":
                ratio(row, read_floor)
                if small:
                    checks.append(("< 0.3 s", row.median is not None and row.median < 0.3))
                else:
                    checks.append(("<= 2x read floor", row.ratio is not None and row.ratio <= 2.0))
            elif row.kind == "write":
                ratio(row, write_floor)
                if small:
                    checks.append(("< 0.4 s", row.median is not None and row.median < 0.4))
                else:
                    checks.append(("<= 2x write floor", row.ratio is not None and row.ratio <= 2.0))
            elif row.kind == "import":
                ratio(row, read_floor)
                if not small:
                    checks.append(("< 30 s", row.median is not None and row.median < 30))
            elif row.kind == "export":
                ratio(row, read_floor)
                if not small:
                    checks.append(("< 15 s", row.median is not None and row.median < 15))
            if row.kind != "floor":
                checks.append(("RSS < 1.5 GiB", row.rss is not None and row.rss < RSS_LIMIT_MB))
            row.target = ", ".join(c for c, _ in checks) or "-"
            if row.kind == "floor":
                row.result = "-" if not row.error else "ERROR"
                continue
            if row.error or row.median is None:
                row.result = "ERROR"
                row.why.append(row.error or "no successful run")
                continue
            failed = [c for c, ok in checks if not ok]
            row.result = "FAIL" if failed else "PASS"
            for c in failed:
                row.why.append(self.explain(row, c))

    def explain(self, row: Row, check: str) -> str:
        med, rss, ratio = row.median or 0.0, row.rss or 0.0, row.ratio or 0.0
        if check.startswith("RSS"):
            return f"peak RSS {rss:.0f} MiB vs {RSS_LIMIT_MB:.0f} MiB ({rss / RSS_LIMIT_MB:.2f}x the limit)"
        if "floor" in check or "typer" in check:
            limit = 1.3 if "typer" in check else 2.0
            return f"{ratio:.3f}x its floor vs {limit}x allowed ({ratio / limit:.2f}x the limit)"
        limit = float(check.split()[1])
        return f"median {med:.3f} s vs < {limit:g} s ({med / limit:.2f}x the target)"

    # -- output ------------------------------------------------------------------------------
    def table(self) -> list[list[str]]:
        out = [
            ["operation", "median s", "min-max s", "cpu s", "ratio (floor)", "peak RSS MiB", "runs", "target", "result"]
        ]
        short = {
            "python -c 'import typer'": "typer",
            "read floor (orjson.loads all)": "read",
            "write floor (loads+dumps+fsync)": "write",
        }
        for r in self.rows:
            spread = r.spread
            out.append(
                [
                    r.name,
                    fmt_s(r.median),
                    f"{spread[0]:.3f}-{spread[1]:.3f}" if spread else "-",
                    fmt_s(r.cpu),
                    f"{r.ratio:.2f}x {short.get(r.floor or '', '')}" if r.ratio is not None else "-",
                    f"{r.rss:.0f}" if r.rss is not None else "-",
                    f"{len(r.ok_runs)}/{r.planned}",
                    r.target,
                    r.result,
                ]
            )
        return out

    def report(self) -> str:
        m = self.meta
        lines = [
            f"readlist benchmark: N={self.n:,} papers in {m['files']:,} digest files "
            f"({m['digest_mb']} MB), seed {m['seed']}",
            f"machine: {m['nproc']} cores, {m['cpu']}, Python {m['python']}, {m['date']}; "
            f"load average {fmt_load(m['loadavg_start'])} at start, {fmt_load(m.get('loadavg_end'))} at end",
            f"readlist: {self.runner}" + (f", commit {m['readlist_commit']}" if m.get("readlist_commit") else ""),
            f"timing: wall clock of each whole process, median of {self.args.runs} runs after 1 warm-up; "
            f"import: {self.args.import_runs} run(s), each into a fresh empty store; "
            "peak RSS from wait4 (max over runs)",
            f"child env: bytecode cache in {m['pycache_prefix'] or 'the default place'}; "
            f"dropped {', '.join(m['env_dropped']) or 'nothing'}",
            f"store {m.get('store_mb', '?')} MB; floor file ({m.get('floor_file', '?')}) "
            f"{m.get('floor_file_mb', '?')} MB with {m.get('entries_listed')} entries; "
            f"export {m.get('export_mb', '?')} MB ({m.get('export_entries', '?')} @entries); "
            f"search hits {m.get('search_hits')}, list --tag hits {m.get('list_tag_hits')}",
            "",
        ]
        rows = self.table()
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for j, r in enumerate(rows):
            cells = (
                c.ljust(w) if i in (0, 7) else c.rjust(w) if i < 7 else c
                for i, (c, w) in enumerate(zip(r, widths, strict=False))
            )
            lines.append("  ".join(cells).rstrip())
            if j == 0:
                lines.append("  ".join("-" * w for w in widths))
        lines.append("")
        lines.append(
            "targets: N <= 10,000: read < 0.3 s, single-entry change < 0.4 s; N > 10,000: read <= 2x read floor, "
            "change <= 2x write floor, import < 30 s, export < 15 s; always: --help <= 1.3x import typer, RSS < 1.5 GiB"
        )
        lines.append("read and write floors: runs before the read commands and again after the changes, pooled")
        if m.get("import_said"):
            lines.append(f"import said: {m['import_said']}")
        if m.get("list_all_rows_pipe") is not None or m.get(f"search_{digestgen.SEARCH_WIDE}_hits") is not None:
            lines.append(
                f"rows printed: list --limit N {m.get('list_all_rows_pipe')} (pipe), "
                f"{m.get('list_all_rows_terminal')} (terminal); "
                + "; ".join(
                    f"search {w}: {m.get(f'search_{w}_hits')} hits, {m.get(f'search_{w}_rows_first_screen')} rows "
                    f"on the first screen, {m.get(f'search_{w}_rows_all')} with --limit N"
                    for w in (digestgen.SEARCH_WIDE, digestgen.SEARCH_SOME)
                )
            )
        lines.append(f"total benchmark time {m['total_s']} s (generation {m['generate_s']} s)")
        for note in self.notes:
            lines.append(f"note: {note}")
        ops = [r for r in self.rows if r.kind != "floor"]
        bad = [r for r in ops if r.result in ("FAIL", "ERROR")]
        lines.append("")
        for row in self.rows:
            if row.kind == "floor" and row.error:
                lines.append(f"FLOOR FAILED: {row.name}: {row.error} (ratios against it are missing)")
        if bad:
            lines.append(f"TARGETS MISSED: {len(bad)} of {len(ops)} operations")
            for row in bad:
                lines.extend(f"  {row.result}  {row.name}: {why}" for why in row.why)
        else:
            lines.append("all targets met")
        if self.side is not None:
            lines.append("")
            lines.extend(self.side_report())
        return "\n".join(lines)

    def side_report(self) -> list[str]:
        assert self.side is not None
        m = self.meta
        versions = ", ".join(
            f"{k} {v['version'] or '?'}" + (f" (not run: {v['error']})" if v["error"] else "")
            for k, v in m.get("peers", {}).items()
        )
        lines = [
            f"SIDE BY SIDE: the same {self.n:,} papers as one BibTeX file ({m.get('peers_bib_mb')} MB), "
            f"each tool in its own home; {versions}",
            f"median of up to {self.args.peers_runs} rounds after 1 warm-up (import: up to "
            f"{self.args.peers_import_runs}, each into an empty library); a round runs every tool once",
            "",
        ]
        rows = self.side.table()
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for j, r in enumerate(rows):
            cells = (c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=False)))
            lines.append("  ".join(cells).rstrip())
            if j == 0:
                lines.append("  ".join("-" * w for w in widths))
        lines.append("entries: what each tool printed, wrote, imported or tagged (checked on its warm-up run)")
        for (op, tool), cell in self.side.cells.items():
            if cell.error and cell.error not in ("no library (import failed)",):
                lines.append(f"  {tool} {op}: {cell.error}")
        return lines

    def markdown(self) -> str:
        rows = self.table()
        md = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join("---" for _ in rows[0]) + "|"]
        for r in rows[1:]:
            md.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
        if self.side is not None:
            side = self.side.table()
            md += ["", "| " + " | ".join(side[0]) + " |", "|" + "|".join("---" for _ in side[0]) + "|"]
            md += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in side[1:]]
        return "\n".join(md) + "\n"

    def to_json(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "rows": [r.to_json() for r in self.rows],
            "notes": self.notes,
            "side_by_side": self.side.to_json() if self.side is not None else None,
            "failures": [
                {"operation": r.name, "result": r.result, "why": r.why}
                for r in self.rows
                if r.result in ("FAIL", "ERROR")
            ],
        }


# --------------------------------------------------------------------------------------------
# helpers


def resolve_runner(choice: str) -> tuple[list[str], str]:
    if choice not in ("auto", "script", "module"):  # an explicit command
        return shlex.split(choice), f"command {choice!r}"
    script = Path(sys.executable).parent / "readlist"  # the venv's console script, unresolved
    if choice in ("auto", "script") and script.exists():
        return [str(script)], f"console script {script}"
    if choice == "script":
        sys.exit(f"no readlist script next to {sys.executable}")
    return [sys.executable, "-m", "readlist"], f"{sys.executable} -m readlist"


def cmd_display(cmd: list[str], bench: Bench) -> list[str]:
    out: list[str] = []
    for i, c in enumerate(cmd):
        if i < len(bench.rl) and c == bench.rl[i]:
            if i == 0:
                out.append("readlist")
            continue
        if c == sys.executable:
            out.append("python")
        elif c.startswith(str(bench.work)):
            out.append(Path(c).name)
        else:
            out.append(c if " " not in c else repr(c))
    return out


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count() or 0
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "nproc": nproc,
        "cpu": cpu,
        "mem_gib": mem,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": _dt.date.today().isoformat(),
    }


def git_commit() -> str | None:
    try:
        r = subprocess.run(
            ["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, timeout=10,
        )  # fmt: skip
        if r.returncode != 0:
            return None
        dirty = subprocess.run(
            # --no-optional-locks: never take the index lock of a work tree someone else uses
            ["git", "--no-optional-locks", "-C", str(HERE.parent), "status", "--porcelain", "--", "readlist"],
            capture_output=True, text=True, timeout=10,
        )  # fmt: skip
        return r.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def index_of(store: Path) -> Path:
    """The derived index readlist keeps beside a store (readlist.index.index_path)."""
    return store.with_name(store.name + ".index.sqlite")


def count_rows(path: Path) -> int | None:
    """Entry rows in a table readlist printed (to a file or, with escapes, to a terminal)."""
    try:
        text = ANSI.sub("", path.read_text("utf-8", "replace"))
    except OSError:
        return None
    return peers.readlist_rows(text)


def remove(path: Path) -> None:
    """A store file, its lock and its derived index."""
    for p in (path, path.with_name(path.name + ".lock"), index_of(path)):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def fmt_s(s: float | None) -> str:
    return "-" if s is None else f"{s:.3f}"


def fmt_load(load: Any) -> str:
    return "?" if not load else "/".join(f"{x:.2f}" for x in load)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Time readlist commands on N synthetic papers against measured floors.",
    )
    ap.add_argument("--n", type=int, default=10_000, help="papers to generate (default 10000)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"generator seed (default {DEFAULT_SEED})")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per operation after one warm-up (default 5)")
    ap.add_argument(
        "--import-runs",
        type=int,
        default=None,
        help="timed imports, each into a fresh store (default 5 for N <= 20000, else 3)",
    )
    ap.add_argument(
        "--runner",
        default="auto",
        metavar="auto|script|module|COMMAND",
        help="script: the `readlist` console script next to this Python; module: "
        "`python -m readlist`; auto (default): script if it exists, else module; "
        "anything else is a command line to run instead (e.g. another install)",
    )
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    ap.add_argument("--markdown", metavar="PATH", help="also write the table as Markdown")
    ap.add_argument("--tmp", default=None, help="parent of the temporary work dir (default: system temp)")
    ap.add_argument("--keep", action="store_true", help="keep the work dir (digests, store, export)")
    ap.add_argument("--timeout", type=float, default=300.0, help="kill one command after this many seconds")
    ap.add_argument(
        "--budget",
        type=float,
        default=800.0,
        help="seconds the timed part may take; an operation gets fewer runs when it cannot fit (default 800)",
    )
    ap.add_argument(
        "--pycache-prefix",
        default=os.path.join(tempfile.gettempdir(), "readlist-bench-pycache"),
        help="PYTHONPYCACHEPREFIX for the timed processes ('' to leave unset)",
    )
    ap.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    ap.add_argument(
        "--peers",
        nargs="?",
        const=",".join(peers.PEERS),
        default="",
        metavar="LIST",
        help="also run pubs, papis and cobib (or the comma-separated LIST) side by side with readlist "
        "on the same papers, each installed into a venv of its own (see --peers-dir)",
    )
    ap.add_argument(
        "--peers-dir",
        default=None,
        help="where the peers' venvs live and are reused (default: inside the work dir, made anew)",
    )
    ap.add_argument("--peers-runs", type=int, default=3, help="timed rounds per operation (default 3)")
    ap.add_argument("--peers-import-runs", type=int, default=2, help="timed import rounds (default 2)")
    ap.add_argument(
        "--peers-import-timeout", type=float, default=300.0, help="kill one import after this many seconds (300)"
    )
    ap.add_argument(
        "--peers-budget", type=float, default=2400.0, help="seconds the side-by-side part may take (default 2400)"
    )
    ap.add_argument("--peers-install-timeout", type=float, default=900.0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.import_runs is None:
        args.import_runs = 5 if args.n <= 20_000 else 3
    if args.n < 1 or args.runs < 1 or args.import_runs < 1 or args.peers_runs < 1 or args.peers_import_runs < 1:
        ap.error("--n and the --runs options must be positive")

    bench = Bench(args)
    try:
        bench.run()
    finally:
        bench.spawner.close()
        if args.keep:
            print(f"work dir kept: {bench.work}", file=sys.stderr)
        else:
            shutil.rmtree(bench.work, ignore_errors=True)
    print(bench.report())
    if args.json:
        Path(args.json).write_bytes(orjson.dumps(bench.to_json(), option=orjson.OPT_INDENT_2))
    if args.markdown:
        Path(args.markdown).write_text(bench.markdown(), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
