"""readlist side by side with pubs, papis and cobib on the same papers (used by run.py --peers).

Every tool gets the same BibTeX file (benchmarks/digestgen.py's papers, with arXiv ids) and
its own home: HOME and the XDG directories point into the benchmark's work dir and each tool
has its own config file there, so nothing reads or writes the real home. The peers are
pip-installed into venvs of their own (``--peers-dir``, reused when present); readlist is the
console script the rest of the benchmark times, with a store of its own imported from the
same BibTeX file.

Then, operation by operation, every tool runs the operation once untimed (warm-up, also the
run whose output is checked), and the timed runs go in rounds: each round runs every tool
once, in a rotating order, so that a shared machine's load falls on all of them alike.

The commands, per operation (F: the BibTeX file, K: an entry's key, another one each run,
N: the number of papers, FMT: ``[{doc[ref]}] {doc[author]} "{doc[title]}" ({doc[year]})``)::

    import        readlist import F
                  pubs import F
                  papis bibtex read F import --all --batch
                  cobib import --skip-download --bibtex -- F
    list all      readlist list --limit N
                  pubs list
                  papis list --all --format FMT
                  cobib list
    search ~100%  readlist search learning --limit N
                  pubs list abstract:learning
                  papis list --all --format FMT abstract:learning
                  cobib search -i learning
    search ~20%   readlist search diffusion --limit N
                  pubs list title:diffusion
                  papis list --all --format FMT diffusion
                  cobib search -i diffusion
    two words     readlist search "diffusion learning" --limit N
                  pubs list title:diffusion abstract:learning
                  papis list --all --format FMT "diffusion abstract:learning"
                  cobib search -i learning -- -i ++title diffusion
    export        readlist export -o OUT  (again on an unchanged store: its cached BibTeX;
                  "export_cold": the same with the store's index removed first)
                  pubs export  (to stdout)
                  papis export --all --batch --format bibtex -o OUT
                  cobib export --bibtex -- OUT
    tag one       readlist tag K -t benchx
                  pubs tag K benchx
                  papis tag --add benchx --all ref:K
                  cobib modify -a tags:benchx -s -- K

pubs and papis match words only within a field they are told (pubs has no all-fields search;
papis's plain words match its ``match-format``: title, authors, year, tags), so the ~100%
word, which is in every abstract, is asked for in the abstract, and the ~20% word, which is in
the title and abstract of its papers, in the title (papis: a plain word). cobib's ``search``
ORs several words, so "two words" searches the one word among entries whose title has the
other. Every query was checked to return the same papers in every tool: the hit counts are
in the output.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import digestgen

TAG = "benchx"  # no hyphen: pubs reads "+a-b" as "add a, remove b"
PAPIS_FORMAT = '[{doc[ref]}] {doc[author]} "{doc[title]}" ({doc[year]})'


@dataclass(frozen=True)
class PeerSpec:
    name: str
    version: str
    pip: tuple[str, ...]  # what `pip install` gets
    why: str = ""


PEERS: dict[str, PeerSpec] = {
    "pubs": PeerSpec(
        "pubs",
        "0.9.0",
        ("pubs==0.9.0", "bibtexparser>=1.4,<2"),
        "pubs 0.9.0 asks for bibtexparser>=1.0 without a cap, but imports pyparsing, which only "
        "bibtexparser 1.x brings: with 2.x (what pip picks) every command fails",
    ),
    "papis": PeerSpec("papis", "0.16.1", ("papis==0.16.1",)),
    "cobib": PeerSpec("cobib", "6.0.3", ("cobib==6.0.3",)),
}

#: Runs a command after removing a file: `[*COLD, FILE, *command]`.
COLD = ["/bin/sh", "-c", 'rm -f -- "$0" && exec "$@"']


def index_of(store: Path) -> Path:
    """The derived index readlist keeps beside a store (readlist.index.index_path)."""
    return store.with_name(store.name + ".index.sqlite")


# (id, label); the label is what the tables show
OPERATIONS: tuple[tuple[str, str], ...] = (
    ("import", "import BibTeX (all, empty library)"),
    ("list", "list all, printed"),
    ("search_all", f"search '{digestgen.SEARCH_WIDE}' (~100%), all printed"),
    ("search_some", f"search '{digestgen.SEARCH_SOME}' (~20%), all printed"),
    ("search_two", f"search '{digestgen.SEARCH_SOME} {digestgen.SEARCH_WIDE}' (~20%), all printed"),
    ("export", "export BibTeX (all; readlist: again, unchanged)"),
    ("export_cold", "export BibTeX (all; readlist: first time, no index)"),
    ("tag", "tag one entry"),
)

# Lines of output that are one entry each, per tool and operation (checked on the warm-up run).
READLIST_ROW = re.compile(r"^ (?!key\s)[^\s─━]\S*\s{2,}\S", re.MULTILINE)


def readlist_rows(text: str) -> int:
    """Entries readlist printed: tab-separated lines (what it prints to a pipe since the output
    rework) or, else, the rows of a Rich table (a terminal, or earlier versions)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if any("\t" in line for line in lines):
        return sum(1 for line in lines if "\t" in line)
    return len(READLIST_ROW.findall(text))


_PUBS_ROW = re.compile(r"^\[[^\]]+\] ", re.MULTILINE)
_PAPIS_ROW = re.compile(r"^\[[^\]]*\] ", re.MULTILINE)
_COBIB_ROW = re.compile(r"^│ \S", re.MULTILINE)
_COBIB_HIT = re.compile(r"^\S+ - \d+ match", re.MULTILINE)
_BIB_ENTRY = re.compile(r"^@\w+\{", re.MULTILINE)


# --------------------------------------------------------------------------------------------
# installing


@dataclass
class Install:
    name: str
    bin: Path | None
    version: str | None
    error: str | None = None
    seconds: float = 0.0
    packages: dict[str, str] = field(default_factory=dict)


def venv_dir(root: Path, spec: PeerSpec) -> Path:
    return root / f"{spec.name}-{spec.version}"


def install_commands(root: Path, spec: PeerSpec, python: str) -> list[list[str]]:
    """The commands that make the peer's venv (run only when it is not there yet)."""
    venv = venv_dir(root, spec)
    pip = str(venv / "bin" / "pip")
    return [
        [python, "-m", "venv", str(venv)],
        [pip, "install", "--disable-pip-version-check", "-q", *spec.pip],
    ]


def ensure_peer(root: Path, spec: PeerSpec, python: str, timeout: float) -> Install:
    venv = venv_dir(root, spec)
    exe = venv / "bin" / spec.name
    marker = venv / ".bench-installed"
    t0 = time.perf_counter()
    if not (marker.exists() and exe.exists()):
        shutil.rmtree(venv, ignore_errors=True)
        root.mkdir(parents=True, exist_ok=True)
        for cmd in install_commands(root, spec, python):
            try:
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                return Install(spec.name, None, None, f"`{' '.join(cmd[:3])} ...` timed out after {timeout:.0f} s")
            if r.returncode != 0:
                lines = [ln for ln in (r.stderr or r.stdout).splitlines() if ln.strip() and "WARNING" not in ln]
                return Install(spec.name, None, None, f"`{' '.join(cmd[:3])} ...` failed: {(lines or ['?'])[-1]}")
        marker.write_text(" ".join(spec.pip) + "\n")
    seconds = time.perf_counter() - t0
    packages: dict[str, str] = {}
    r = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "freeze", "--disable-pip-version-check"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    for line in r.stdout.splitlines():
        if "==" in line:
            k, v = line.split("==", 1)
            packages[k.lower()] = v
    version = packages.get(spec.name)
    if not exe.exists():
        return Install(spec.name, None, version, f"no `{spec.name}` script in {venv}/bin", seconds, packages)
    return Install(spec.name, venv / "bin", version, None, seconds, packages)


# --------------------------------------------------------------------------------------------
# the tools: how each runs each operation


class Tool:
    """One program under test, with its own home and libraries in the work dir."""

    name = "?"

    def __init__(self, home: Path, base_env: dict[str, str]) -> None:
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        self.env = dict(base_env)
        self.env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            XDG_CACHE_HOME=str(home / ".cache"),
            XDG_STATE_HOME=str(home / ".local" / "state"),
            EDITOR="true",
            VISUAL="true",
        )
        self.lib = "main"  # the library the read commands use
        self.error: str | None = None

    # setting up (untimed) ----------------------------------------------------------------------
    def prepare(self, lib: str) -> list[list[str]]:
        """Commands (untimed) that make an empty library called lib; may also write files."""
        return []

    def adopt(self, lib: str) -> None:
        """Make lib the library the other operations use."""
        self.lib = lib

    # the operations ---------------------------------------------------------------------------
    def command(self, op: str, lib: str, *, bib: Path, out: Path, key: str, n: int) -> list[str] | None:
        raise NotImplementedError

    def count(self, op: str, stdout: str, out: Path) -> int | None:
        """Entries the operation printed or wrote (None: cannot tell)."""
        raise NotImplementedError

    def tagged_command(self) -> list[str]:
        """An untimed command whose output counts the entries tagged TAG."""
        raise NotImplementedError

    def count_tagged(self, stdout: str) -> int | None:
        raise NotImplementedError

    def library_size(self, lib: str) -> int | None:
        return None


class Readlist(Tool):
    name = "readlist"

    def __init__(self, home: Path, base_env: dict[str, str], runner: list[str]) -> None:
        super().__init__(home, base_env)
        self.rl = list(runner)

    def store(self, lib: str) -> Path:
        return self.home / f"{lib}.json"

    def prepare(self, lib: str) -> list[list[str]]:
        store = self.store(lib)
        for p in (store, store.with_name(store.name + ".lock"), index_of(store)):
            if p.exists():
                p.unlink()
        return []

    def command(self, op: str, lib: str, *, bib: Path, out: Path, key: str, n: int) -> list[str] | None:
        db = [*self.rl, "--db", str(self.store(lib))]
        lim = ["--limit", str(n)]
        return {
            "import": [*db, "import", str(bib)],
            "list": [*db, "list", *lim],
            "search_all": [*db, "search", digestgen.SEARCH_WIDE, *lim],
            "search_some": [*db, "search", digestgen.SEARCH_SOME, *lim],
            "search_two": [*db, "search", f"{digestgen.SEARCH_SOME} {digestgen.SEARCH_WIDE}", *lim],
            "export": [*db, "export", "-o", str(out)],
            # the first export of the store: its index (and the BibTeX cached in it) removed first
            "export_cold": [*COLD, str(index_of(self.store(lib))), *db, "export", "-o", str(out)],
            "tag": [*db, "tag", key, "-t", TAG],
        }.get(op)

    def count(self, op: str, stdout: str, out: Path) -> int | None:
        if op in ("list", "search_all", "search_some", "search_two"):
            return readlist_rows(stdout)
        if op == "export":
            return _count_bib(out)
        return None

    def tagged_command(self) -> list[str]:
        return [*self.rl, "--db", str(self.store(self.lib)), "list", "--tag", TAG, "--keys"]

    def count_tagged(self, stdout: str) -> int | None:
        return len(stdout.split())

    def library_size(self, lib: str) -> int | None:
        try:
            with self.store(lib).open("rb") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            return None
        entries = data.get("entries") if isinstance(data, dict) else None
        return len(entries) if isinstance(entries, dict) else None

    def keys_command(self) -> list[str]:
        return [*self.rl, "--db", str(self.store(self.lib)), "list", "--keys"]


class Pubs(Tool):
    name = "pubs"

    def __init__(self, home: Path, base_env: dict[str, str], bindir: Path) -> None:
        super().__init__(home, base_env)
        self.exe = str(bindir / "pubs")

    def rc(self, lib: str) -> Path:
        return self.home / f"pubsrc-{lib}"

    def prepare(self, lib: str) -> list[list[str]]:
        shutil.rmtree(self.home / f"repo-{lib}", ignore_errors=True)
        if self.rc(lib).exists():
            self.rc(lib).unlink()
        return [[self.exe, "-c", str(self.rc(lib)), "init", "-p", str(self.home / f"repo-{lib}")]]

    def command(self, op: str, lib: str, *, bib: Path, out: Path, key: str, n: int) -> list[str] | None:
        p = [self.exe, "-c", str(self.rc(lib))]
        return {
            "import": [*p, "import", str(bib)],
            "list": [*p, "list"],
            "search_all": [*p, "list", f"abstract:{digestgen.SEARCH_WIDE}"],
            "search_some": [*p, "list", f"title:{digestgen.SEARCH_SOME}"],
            "search_two": [*p, "list", f"title:{digestgen.SEARCH_SOME}", f"abstract:{digestgen.SEARCH_WIDE}"],
            "export": [*p, "export"],
            "export_cold": [*p, "export"],
            "tag": [*p, "tag", key, TAG],
        }.get(op)

    def count(self, op: str, stdout: str, out: Path) -> int | None:
        if op in ("list", "search_all", "search_some", "search_two"):
            return len(_PUBS_ROW.findall(stdout))
        if op == "export":
            return len(_BIB_ENTRY.findall(stdout))
        return None

    def tagged_command(self) -> list[str]:
        return [self.exe, "-c", str(self.rc(self.lib)), "list", f"tag:{TAG}"]

    def count_tagged(self, stdout: str) -> int | None:
        return len(_PUBS_ROW.findall(stdout))

    def library_size(self, lib: str) -> int | None:
        d = self.home / f"repo-{lib}" / "bib"
        return sum(1 for p in d.glob("*.bib")) if d.is_dir() else None


class Papis(Tool):
    name = "papis"

    def __init__(self, home: Path, base_env: dict[str, str], bindir: Path) -> None:
        super().__init__(home, base_env)
        self.exe = str(bindir / "papis")
        self.python = str(bindir / "python")

    def libdir(self, lib: str) -> Path:
        return self.home / f"library-{lib}"

    def prepare(self, lib: str) -> list[list[str]]:
        shutil.rmtree(self.libdir(lib), ignore_errors=True)
        self.libdir(lib).mkdir(parents=True)
        # a config file where papis looks for one (its commands name the library with -l DIR)
        conf = self.home / ".config" / "papis" / "config"
        conf.parent.mkdir(parents=True, exist_ok=True)
        conf.write_text(f"[settings]\ndefault-library = bench\n\n[bench]\ndir = {self.libdir(lib)}\n", "utf-8")
        # papis keeps its cache under XDG_CACHE_HOME, named after the library's path: a new
        # library dir of an old name would find an old cache
        shutil.rmtree(self.home / ".cache" / "papis", ignore_errors=True)
        return []

    def command(self, op: str, lib: str, *, bib: Path, out: Path, key: str, n: int) -> list[str] | None:
        p = [self.exe, "-l", str(self.libdir(lib))]
        fmt = ["--all", "--format", PAPIS_FORMAT]
        return {
            "import": [*p, "bibtex", "read", str(bib), "import", "--all", "--batch"],
            "list": [*p, "list", *fmt],
            "search_all": [*p, "list", *fmt, f"abstract:{digestgen.SEARCH_WIDE}"],
            "search_some": [*p, "list", *fmt, digestgen.SEARCH_SOME],
            "search_two": [*p, "list", *fmt, f"{digestgen.SEARCH_SOME} abstract:{digestgen.SEARCH_WIDE}"],
            "export": [*p, "export", "--all", "--batch", "--format", "bibtex", "-o", str(out)],
            "export_cold": [*p, "export", "--all", "--batch", "--format", "bibtex", "-o", str(out)],
            "tag": [*p, "tag", "--add", TAG, "--all", f"ref:{key}"],
        }.get(op)

    def count(self, op: str, stdout: str, out: Path) -> int | None:
        if op in ("list", "search_all", "search_some", "search_two"):
            return len(_PAPIS_ROW.findall(stdout))
        if op == "export":
            return _count_bib(out)
        return None

    def tagged_command(self) -> list[str]:
        return [self.exe, "-l", str(self.libdir(self.lib)), "list", "--all", "--format", PAPIS_FORMAT, f"tags:{TAG}"]

    def count_tagged(self, stdout: str) -> int | None:
        return len(_PAPIS_ROW.findall(stdout))

    def library_size(self, lib: str) -> int | None:
        d = self.libdir(lib)
        return sum(1 for p in d.glob("*/info.yaml")) if d.is_dir() else None

    def build_command(self, lib: str, bib: Path) -> list[str]:
        """Untimed, when papis's own import cannot finish: papis's own parser and Document.save
        write each paper's folder and info.yaml (what `papis add` writes), without the queries of
        the whole library that `add` makes for every paper (quadratic: 300 papers take 36 s,
        2,000 about 10 minutes)."""
        return [self.python, "-c", PAPIS_BUILD, str(bib), str(self.libdir(lib))]


PAPIS_BUILD = """
import os, sys
import papis.bibtex, papis.document, papis.id
bib, lib = sys.argv[1], sys.argv[2]
n = 0
for data in papis.bibtex.bibtex_to_dict(bib):
    doc = papis.document.from_data(data)
    doc[papis.id.ID_KEY_NAME] = papis.id.compute_an_id(doc)
    folder = os.path.join(lib, doc[papis.id.ID_KEY_NAME])
    os.makedirs(folder)
    doc.set_folder(folder)
    doc.save()
    n += 1
print(n)
"""


class Cobib(Tool):
    name = "cobib"

    def __init__(self, home: Path, base_env: dict[str, str], bindir: Path) -> None:
        super().__init__(home, base_env)
        self.exe = str(bindir / "cobib")

    def config(self, lib: str) -> Path:
        return self.home / f"cobib-{lib}.py"

    def database(self, lib: str) -> Path:
        return self.home / f"literature-{lib}.yaml"

    def prepare(self, lib: str) -> list[list[str]]:
        for p in (self.database(lib), self.config(lib)):
            if p.exists():
                p.unlink()
        shutil.rmtree(self.home / f"cache-{lib}", ignore_errors=True)
        self.config(lib).write_text(
            "from cobib.config import config\n"
            f"config.database.file = {str(self.database(lib))!r}\n"
            f"config.database.cache = {str(self.home / f'cache-{lib}') + '/'!r}\n"
            "config.database.git = False\n"
            "config.logging.version = None\n"
            f"config.logging.logfile = {str(self.home / 'cobib.log')!r}\n"
            "config.commands.import_.skip_download = True\n",
            "utf-8",
        )
        return [[self.exe, "-c", str(self.config(lib)), "init"]]

    def command(self, op: str, lib: str, *, bib: Path, out: Path, key: str, n: int) -> list[str] | None:
        c = [self.exe, "-c", str(self.config(lib))]
        return {
            "import": [*c, "import", "--skip-download", "--bibtex", "--", str(bib)],
            "list": [*c, "list"],
            "search_all": [*c, "search", "-i", digestgen.SEARCH_WIDE],
            "search_some": [*c, "search", "-i", digestgen.SEARCH_SOME],
            "search_two": [*c, "search", "-i", digestgen.SEARCH_WIDE, "--", "-i", "++title", digestgen.SEARCH_SOME],
            "export": [*c, "export", "--bibtex", "--", str(out)],
            "export_cold": [*c, "export", "--bibtex", "--", str(out)],
            "tag": [*c, "modify", "-a", f"tags:{TAG}", "-s", "--", key],
        }.get(op)

    def count(self, op: str, stdout: str, out: Path) -> int | None:
        if op == "list":
            return len(_COBIB_ROW.findall(stdout))
        if op in ("search_all", "search_some", "search_two"):
            return len(_COBIB_HIT.findall(stdout))
        if op == "export":
            return _count_bib(out)
        return None

    def tagged_command(self) -> list[str]:
        return [self.exe, "-p", "-c", str(self.config(self.lib)), "list", "++tags", TAG]

    def count_tagged(self, stdout: str) -> int | None:
        return sum(1 for line in stdout.splitlines() if "::" in line and line.endswith(TAG) and "label::" not in line)

    def library_size(self, lib: str) -> int | None:
        db = self.database(lib)
        if not db.exists():
            return None
        with db.open(encoding="utf-8", errors="replace") as fh:
            return sum(1 for line in fh if line[:1] not in (" ", "-", "\n", "") and line.rstrip().endswith(":"))


def _count_bib(path: Path) -> int | None:
    try:
        return len(_BIB_ENTRY.findall(path.read_text("utf-8", "replace")))
    except OSError:
        return None


# --------------------------------------------------------------------------------------------
# measuring


@dataclass
class Cell:
    """One operation of one tool: its runs and what it was checked to do."""

    op: str
    tool: str
    command: str = ""
    runs: list[Any] = field(default_factory=list)  # run.Run
    count: int | None = None  # entries printed / written / imported / tagged (checked untimed)
    expected: int | None = None
    note: str = ""
    error: str | None = None

    @property
    def ok_runs(self) -> list[Any]:
        return [r for r in self.runs if r.rc == 0 and not r.timed_out]

    @property
    def median(self) -> float | None:
        ok = self.ok_runs
        return statistics.median(r.seconds for r in ok) if ok and not self.error else None

    def to_json(self) -> dict[str, Any]:
        ok = self.ok_runs
        return {
            "operation": self.op,
            "tool": self.tool,
            "command": self.command,
            "median_s": self.median,
            "min_s": min((r.seconds for r in ok), default=None),
            "max_s": max((r.seconds for r in ok), default=None),
            "times_s": [round(r.seconds, 4) for r in self.runs],
            "cpu_s": [round(r.cpu_s, 4) for r in self.runs],
            "exit_codes": [r.rc for r in self.runs],
            "timed_out": [r.timed_out for r in self.runs],
            "peak_rss_mb": max((r.rss_mb for r in self.runs), default=None),
            "count": self.count,
            "expected": self.expected,
            "note": self.note,
            "error": self.error,
        }


def pick_tag_keys(keys: list[str], start: int, count: int) -> list[str]:
    """count keys from start on, none of which is part of another key (papis finds `ref:K` by
    regex, so K must not match a longer key too)."""
    chosen: list[str] = []
    span = len(keys)
    i = start
    while len(chosen) < count and i < start + span:
        k = keys[i % span]
        if not any(k in other for other in keys if other != k):
            chosen.append(k)
        i += 1
    return chosen


class SideBySide:
    """Runs the operations on every tool in rounds, with the Bench's spawner and settings."""

    def __init__(self, bench: Any, tools: list[Tool], bib: Path, keys: list[str], n: int) -> None:
        self.b = bench
        self.tools = tools
        self.bib = bib
        self.keys = keys
        self.n = n
        self.cells: dict[tuple[str, str], Cell] = {}
        self.notes: list[str] = []
        self.work = bench.work / "peers-out"
        self.work.mkdir(exist_ok=True)
        self.t0 = time.monotonic()
        self.expected = {
            "import": n,
            "list": n,
            "export": n,
            "export_cold": n,
            "search_all": digestgen.expected_hits(n)[digestgen.SEARCH_WIDE],
            "search_some": digestgen.expected_hits(n)[digestgen.SEARCH_SOME],
            "search_two": digestgen.expected_hits(n)[digestgen.SEARCH_SOME],
        }

    def left(self) -> float:
        return max(self.b.args.peers_budget - (time.monotonic() - self.t0), 0.0)

    def exec(self, tool: Tool, cmd: list[str], *, out: Path | None = None, timeout: float | None = None) -> Any:
        return self.b.spawner.run(
            cmd, tool.env, stdout_path=str(out) if out else None, err_path=str(self.work / f"{tool.name}.err"),
            timeout=timeout or self.b.args.timeout,
        )  # fmt: skip

    def untimed(self, tool: Tool, cmds: list[list[str]], what: str) -> bool:
        for cmd in cmds:
            r = self.exec(tool, cmd, out=self.work / f"{tool.name}-setup.out")
            if r.rc != 0 or r.timed_out:
                self.notes.append(f"{tool.name}: {what} failed ({_why(r)})")
                return False
        return True

    def run(self, ops: list[str]) -> None:
        import_runs = self.b.args.peers_import_runs
        for j, op in enumerate(ops):
            if op == "import":
                self.run_import(import_runs, len(ops) - j)
            else:
                self.run_op(op, len(ops) - j)

    # -- import: each run into a new empty library ------------------------------------------------
    def run_import(self, planned: int, ops_left: int) -> None:
        small = self.work / "warm.bib"
        digestgen.write_bibtex(min(30, self.n), self.b.args.seed, str(small))
        live: list[Tool] = []
        for tool in self.tools:
            cell = self.cell("import", tool)
            cell.command = _show(tool.command("import", "X", bib=self.bib, out=Path("OUT"), key="K", n=self.n), self)
            if not self.untimed(tool, tool.prepare("warm"), "making an empty library"):
                cell.error = "could not make an empty library"
                continue
            r = self.exec(tool, tool.command("import", "warm", bib=small, out=Path("x"), key="", n=self.n) or [],
                          out=self.work / f"{tool.name}-import.out")  # fmt: skip
            if r.rc != 0 or r.timed_out:
                cell.runs.append(r)
                cell.error = f"warm-up import of 30 papers failed: {_why(r)}"
                continue
            live.append(tool)
        timeout = self.b.args.peers_import_timeout
        runs = planned
        done: dict[str, str] = {}
        r_i = 0
        while r_i < runs:
            for tool in _rotate(live, r_i):
                cell = self.cell("import", tool)
                if cell.error:
                    continue
                lib = f"import{r_i}"
                if not self.untimed(tool, tool.prepare(lib), "making an empty library"):
                    cell.error = "could not make an empty library"
                    continue
                cmd = tool.command("import", lib, bib=self.bib, out=Path("x"), key="", n=self.n) or []
                r = self.exec(tool, cmd, out=self.work / f"{tool.name}-import.out", timeout=timeout)
                cell.runs.append(r)
                if r.rc != 0 or r.timed_out:
                    cell.error = _why(r, timeout)
                    continue
                if tool.name in done:
                    self.drop_library(tool, done[tool.name])
                done[tool.name] = lib
            if r_i == 0:  # the import may take a third of the peers' budget
                first = sum(self.cell("import", t).runs[0].seconds for t in live if self.cell("import", t).runs)
                fit = int(self.left() / 3 / max(first, 1e-3))
                runs = max(1, min(planned, fit))
            r_i += 1
        for tool in self.tools:
            cell = self.cell("import", tool)
            cell.expected = self.n
            if tool.name in done:
                tool.adopt(done[tool.name])
                cell.count = tool.library_size(tool.lib)
            if len(cell.runs) < planned and not cell.error:
                cell.note = f"{len(cell.runs)} of {planned} runs (time budget)"
            self.b.say(f"peers: import: {tool.name}: {_fmt(cell.median)}" + (f"  [{cell.error}]" if cell.error else ""))
        # a library for the other operations, for a tool whose import failed
        for tool in self.tools:
            if tool.name in done or tool.error:
                continue
            if isinstance(tool, Papis):
                lib = "built"
                tool.prepare(lib)
                t0 = time.perf_counter()
                ok = self.untimed(tool, [tool.build_command(lib, self.bib)], "building the library")
                if ok:
                    tool.adopt(lib)
                    self.notes.append(
                        f"papis: its import did not finish; the library for the other operations was "
                        f"written untimed by papis's own BibTeX parser and Document.save ({tool.library_size(lib)} "
                        f"papers in {time.perf_counter() - t0:.0f} s), without `papis add`'s per-paper "
                        "queries of the whole library"
                    )
                    continue
            tool.error = "no library (import failed)"

    def drop_library(self, tool: Tool, lib: str) -> None:
        """Free the disk of a library no longer needed (the last import's is kept)."""
        if isinstance(tool, Pubs):
            shutil.rmtree(tool.home / f"repo-{lib}", ignore_errors=True)
        elif isinstance(tool, Papis):
            shutil.rmtree(tool.libdir(lib), ignore_errors=True)
        elif isinstance(tool, Cobib):
            tool.database(lib).unlink(missing_ok=True)
        elif isinstance(tool, Readlist):
            tool.store(lib).unlink(missing_ok=True)

    # -- every other operation on the library the import left ------------------------------------
    def run_op(self, op: str, ops_left: int) -> None:
        live: list[Tool] = []
        warm_total = 0.0
        tag_keys: dict[str, list[str]] = {}
        for tool in self.tools:
            cell = self.cell(op, tool)
            cell.expected = self.expected.get(op)
            if tool.error:
                cell.error = tool.error
                continue
            keys = self.keys if not isinstance(tool, Readlist) else getattr(tool, "keys", self.keys)
            # the tag runs: the warm-up and each timed run on another entry, none a no-op
            start = len(keys) * {"readlist": 1, "pubs": 2, "papis": 3, "cobib": 4}.get(tool.name, 5) // 6
            tag_keys[tool.name] = pick_tag_keys(keys, start, self.b.args.peers_runs + 1) if op == "tag" else []
            out = self.work / f"{tool.name}-{op}.out"
            stdout = self.work / f"{tool.name}-{op}.stdout"
            cmd = self.command(tool, op, out, tag_keys[tool.name], -1)
            if cmd is None:
                cell.error = "not supported"
                continue
            cell.command = _show(self.command(tool, op, Path("OUT"), ["K"], -1) or [], self)
            r = self.exec(tool, cmd, out=stdout)
            if r.rc != 0 or r.timed_out:
                cell.runs.append(r)
                cell.error = f"warm-up failed: {_why(r)}"
                continue
            text = stdout.read_text("utf-8", "replace") if stdout.exists() else ""
            cell.count = tool.count(op.removesuffix("_cold"), text, out) if op != "tag" else None
            warm_total += r.seconds
            live.append(tool)
        share = self.left() / max(ops_left, 1)
        runs = max(1, min(self.b.args.peers_runs, int(share / max(warm_total, 1e-3))))
        for r_i in range(runs):
            for tool in _rotate(live, r_i):
                cell = self.cell(op, tool)
                if cell.error:
                    continue
                out = self.work / f"{tool.name}-{op}.out"
                cmd = self.command(tool, op, out, tag_keys[tool.name], r_i)
                r = self.exec(tool, cmd or [], out=self.work / f"{tool.name}-{op}.stdout")
                cell.runs.append(r)
                if r.rc != 0 or r.timed_out:
                    cell.error = _why(r)
        for tool in self.tools:
            cell = self.cell(op, tool)
            if op == "tag" and tool in live:
                probe = self.work / f"{tool.name}-tagged.out"
                r = self.exec(tool, tool.tagged_command(), out=probe)
                cell.count = tool.count_tagged(probe.read_text("utf-8", "replace")) if r.rc == 0 else None
                cell.expected = len(cell.runs) + 1  # each timed run and the warm-up tag another entry
            if len(cell.ok_runs) < self.b.args.peers_runs and not cell.error and tool in live:
                cell.note = f"{len(cell.ok_runs)} of {self.b.args.peers_runs} runs (time budget)"
            if cell.count is not None and cell.expected is not None and cell.count != cell.expected:
                self.notes.append(f"{tool.name}: {op}: {cell.count} entries, expected {cell.expected}")
        self.b.say(f"peers: {op}: " + ", ".join(f"{t.name} {_fmt(self.cell(op, t).median)}" for t in self.tools))

    def command(self, tool: Tool, op: str, out: Path, keys: list[str], i: int) -> list[str] | None:
        key = keys[i + 1] if op == "tag" and len(keys) > i + 1 else (keys[0] if keys else "")
        return tool.command(op, tool.lib, bib=self.bib, out=out, key=key, n=self.n)

    def cell(self, op: str, tool: Tool) -> Cell:
        return self.cells.setdefault((op, tool.name), Cell(op, tool.name))

    # -- output ----------------------------------------------------------------------------------
    def table(self) -> list[list[str]]:
        names = [t.name for t in self.tools]
        head = ["operation", *[f"{n} s" for n in names], "readlist vs fastest peer", "entries (each tool)"]
        rows = [head]
        for op, label in OPERATIONS:
            if not any((op, n) in self.cells for n in names):
                continue
            cells = [self.cells.get((op, n)) for n in names]
            shown = [_cell_text(c, self.b.args) for c in cells]
            rl = self.cells.get((op, "readlist"))
            peers = [c.median for c in cells if c and c.tool != "readlist" and c.median is not None]
            ratio = "-"
            if rl and rl.median is not None and peers:
                ratio = f"{rl.median / min(peers):.2f}x"
            counts = "/".join("-" if not c or c.count is None else str(c.count) for c in cells)
            rows.append([label, *shown, ratio, counts])
        return rows

    def to_json(self) -> dict[str, Any]:
        return {"cells": [c.to_json() for c in self.cells.values()], "notes": self.notes}


def _cell_text(c: Cell | None, args: Any) -> str:
    if c is None:
        return "-"
    if c.error:
        if any(r.timed_out for r in c.runs):
            t = max(r.seconds for r in c.runs)
            return f"timed out (> {t:.0f})"
        return "ERROR"
    return _fmt(c.median)


def _rotate(items: list[Any], k: int) -> list[Any]:
    if not items:
        return []
    k %= len(items)
    return items[k:] + items[:k]


def _why(r: Any, timeout: float | None = None) -> str:
    if r.timed_out:
        return f"timed out after {r.seconds:.0f} s"
    return f"exit {r.rc}" + (f": {r.stderr_tail}" if r.stderr_tail else "")


def _fmt(s: float | None) -> str:
    return "-" if s is None else f"{s:.3f}"


def _show(cmd: list[str], side: SideBySide) -> str:
    out: list[str] = []
    for c in cmd:
        tool = "/" in c and Path(c).name in ("pubs", "papis", "cobib", "readlist", "python")
        if c.startswith(str(side.b.work)) or tool:
            out.append(Path(c).name)
        else:
            out.append(c if " " not in c else repr(c))
    return " ".join(out)


def make_tools(
    bench: Any, peers_dir: Path, names: list[str], log: Callable[[str], None]
) -> tuple[list[Tool], dict[str, Install]]:
    """readlist, then each peer whose venv is (or can be made) ready."""
    work = bench.work / "homes"
    tools: list[Tool] = [Readlist(work / "readlist", bench.env, bench.rl)]
    installs: dict[str, Install] = {}
    for name in names:
        spec = PEERS[name]
        log(f"peers: {name}: venv in {venv_dir(peers_dir, spec)}")
        inst = ensure_peer(peers_dir, spec, sys.executable, timeout=bench.args.peers_install_timeout)
        installs[name] = inst
        if inst.error or inst.bin is None:
            log(f"peers: {name}: cannot install: {inst.error}")
            continue
        cls = {"pubs": Pubs, "papis": Papis, "cobib": Cobib}[name]
        tools.append(cls(work / name, bench.env, inst.bin))
    return tools, installs
