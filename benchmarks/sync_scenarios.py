"""Seeded two-machine sync scenarios: what `readlist sync` must never lose.

Each scenario makes a bare repository and two clones of a small reading list (machines A and
B), then runs 1-4 rounds of: A does some commands and syncs, B does some commands and syncs;
then A, B and A sync once more. Each side does 1-40 commands in all, drawn from tag, untag,
note, note --delete, status, edit (venue, comment), rm and add (papers whose keys often clash
with the other machine's). Every tag and note is new text, so that an oracle can tell:

- every note and tag added is in the end result, unless someone deleted it, or removed its
  paper having seen it; every deleted note and removed tag is gone;
- every paper added and never removed is there exactly once (no lost entry, no duplicate,
  no two keys equal but for case);
- both store files are byte-identical after the last three syncs;
- every field the two machines changed differently in concurrent rounds is a row of the
  conflicts table, and every row is such a field.

    python benchmarks/sync_scenarios.py --scenarios 1000 --seed 20241128 [--jobs 2]

Exit status 0 when every scenario holds, 1 otherwise (the failures are printed with their
seed, which `--only SEED` replays).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

STATES = ("queued", "reading", "read", "skipped", "unread")
AUTHORS = ("Amélie Lefèvre", "Jun Wang", "Chidi Okafor")


def _environment(home: Path) -> None:
    """Git as a fresh machine has it: no user or system configuration but a name."""
    config = home / "gitconfig"
    config.write_text("[user]\n\tname = Scenario\n\temail = scenario@example.org\n[init]\n\tdefaultBranch = main\n")
    os.environ.update(
        {"HOME": str(home), "GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1", "READLIST_NO_INDEX": "1"}
    )
    os.environ.pop("READLIST_DB", None)
    os.environ["READLIST_CONFIG"] = str(home / "no-config.toml")


@dataclass
class Oracle:
    """What the commands did, by paper title (keys may move when two papers clash)."""

    papers: set[str] = field(default_factory=set)
    removed: dict[str, list[set[str]]] = field(default_factory=dict)  # title -> what each `rm` saw
    notes: dict[str, str] = field(default_factory=dict)  # note text -> paper title
    tags: dict[str, str] = field(default_factory=dict)  # tag -> paper title
    deleted_notes: set[str] = field(default_factory=set)
    untagged: set[str] = field(default_factory=set)
    added_round: dict[str, int] = field(default_factory=dict)
    # (side, round) -> {(title, field): the last value that side gave it in that round}
    edits: dict[tuple[str, int], dict[tuple[str, str], str]] = field(default_factory=dict)


class Machine:
    def __init__(self, name: str, db: Path) -> None:
        self.name, self.db = name, db

    def entries(self) -> dict[str, object]:
        from readlist.store import open_store

        with open_store(self.db) as store:
            return {e.key: e for e in store.entries()}


def run_scenario(seed: int) -> tuple[list[str], Counter[str]]:
    """The problems one scenario found (none when every rule held), and what it did."""
    import contextlib
    import io

    with contextlib.redirect_stderr(io.StringIO()):  # "Started a new reading list ..."
        return _scenario(seed)


def _scenario(seed: int) -> tuple[list[str], Counter[str]]:
    from readlist.services import curate, library
    from readlist.services import sync as sync_service
    from readlist.store import open_store

    rng = random.Random(seed)
    _seeded_clock(rng)
    with tempfile.TemporaryDirectory(prefix="readlist-scenario-") as tmp:
        root = Path(tmp)
        _environment(root)
        remote = root / "remote.git"
        subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
        a = Machine("A", root / "a" / "readlist.json")
        b = Machine("B", root / "b" / "readlist.json")
        oracle = Oracle()
        done: Counter[str] = Counter()
        counter = iter(range(10**6))

        def add(machine: Machine, round_number: int, title: str | None = None) -> None:
            number = next(counter)
            title = title or f"Sparse {rng.choice(['coding', 'models', 'graphs'])} paper {machine.name}{number}"
            fields = library.Fields(title=title, authors=[rng.choice(AUTHORS)], year=rng.choice([2023, 2024]))
            curate.add(machine.db, fields, [])
            oracle.papers.add(title)
            oracle.added_round[title] = round_number

        a.db.parent.mkdir(parents=True)
        for _ in range(rng.randint(2, 6)):
            add(a, 0)
        sync_service.init(a.db, remote.as_uri())
        sync_service.clone(b.db, remote.as_uri())

        rounds = rng.randint(1, 4)
        plans = {m.name: _split(rng.randint(1, 40), rounds, rng) for m in (a, b)}

        def act(machine: Machine, round_number: int, count: int) -> None:
            edits = oracle.edits.setdefault((machine.name, round_number), {})
            for _ in range(count):
                entries = machine.entries()
                kind = rng.choices(
                    ["tag", "untag", "note", "unnote", "status", "edit", "rm", "add"],
                    weights=[5, 3, 5, 2, 3, 4, 1, 2],
                )[0]
                done["commands"] += 1
                if kind == "add" or not entries:
                    add(machine, round_number)
                    done["add"] += 1
                    continue
                done[kind] += 1
                key = rng.choice(sorted(entries))
                entry = entries[key]
                title = entry.title  # type: ignore[attr-defined]
                number = next(counter)
                if kind == "tag":
                    tag = f"t{machine.name.lower()}{number}"
                    curate.tag(machine.db, [key], [tag])
                    oracle.tags[tag] = title
                elif kind == "untag" and entry.tags:  # type: ignore[attr-defined]
                    tag = rng.choice(entry.tags)  # type: ignore[attr-defined]
                    curate.untag(machine.db, [key], [tag])
                    oracle.untagged.add(tag)
                elif kind == "note":
                    text = f"note {machine.name}{number}"
                    curate.note(machine.db, key, text)
                    oracle.notes[text] = title
                elif kind == "unnote" and entry.notes:  # type: ignore[attr-defined]
                    index = rng.randrange(len(entry.notes))  # type: ignore[attr-defined]
                    oracle.deleted_notes.add(entry.notes[index].text)  # type: ignore[attr-defined]
                    curate.delete_note(machine.db, key, index + 1, lambda _: None)
                elif kind == "status":
                    curate.status(machine.db, [key], rng.choice(STATES))
                elif kind == "edit":
                    name = rng.choice(["venue", "comment"])
                    value = f"{name} {machine.name}{number}"
                    curate.edit(machine.db, key, library.Fields(**{name: value}))
                    edits[(title, name)] = value
                elif kind == "rm":
                    seen = {n.text for n in entry.notes} | set(entry.tags)  # type: ignore[attr-defined]
                    curate.rm(machine.db, [key], lambda _: None)
                    oracle.removed.setdefault(title, []).append(seen)

        for round_number in range(1, rounds + 1):
            for machine in (a, b):
                act(machine, round_number, plans[machine.name][round_number - 1])
                synced = sync_service.sync(machine.db)
                done["syncs"] += 1
                done["merges"] += synced.merged
        for machine in (a, b, a):
            sync_service.sync(machine.db)
            done["syncs"] += 1

        problems: list[str] = []
        raw_a, raw_b = a.db.read_bytes(), b.db.read_bytes()
        if raw_a != raw_b:
            problems.append("the two store files differ after syncs A, B, A")
        final = a.entries()
        with open_store(a.db) as store:
            rows = {(r["key"], r["field"]) for r in store.conflicts()}
        problems += _check(oracle, final, rows, rounds)
        done["conflict rows"] += len(rows)
        done["papers at the end"] += len(final)
        return [f"seed {seed}: {problem}" for problem in problems], done


def _seeded_clock(rng: random.Random) -> None:
    """The time commands stamp notes, events and `added` with: a clock that moves by 0 or 1
    second per reading, so that a scenario replays exactly and two changes often share a second,
    as they do on two fast machines."""
    import readlist.services.curate
    import readlist.services.sync
    import readlist.store

    start = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
    ticks = itertools.accumulate(rng.choice((0, 1)) for _ in itertools.count())

    def now_iso() -> str:
        return (start + timedelta(seconds=next(ticks))).isoformat(timespec="seconds")

    for module in (readlist.services.curate, readlist.services.sync, readlist.store):
        module.now_iso = now_iso  # type: ignore[attr-defined]


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [high - low for low, high in zip([0, *cuts], [*cuts, total], strict=True)]


def _check(oracle: Oracle, final: dict[str, object], rows: set[tuple[str, str]], rounds: int) -> list[str]:
    problems = []
    keys = list(final)
    if len({k.casefold() for k in keys}) != len(keys):
        problems.append(f"two keys equal but for case: {sorted(keys)}")
    titles = Counter(e.title for e in final.values())  # type: ignore[attr-defined]
    by_title = {e.title: e for e in final.values()}  # type: ignore[attr-defined]
    for title, count in titles.items():
        if count > 1:
            problems.append(f"{title!r} is in the list {count} times")
    for title in oracle.papers:
        if title not in oracle.removed and title not in by_title:
            problems.append(f"lost the paper {title!r}")
    seen_by_removal = {title: set().union(*seen) for title, seen in oracle.removed.items()}
    for kind, made, gone in (("note", oracle.notes, oracle.deleted_notes), ("tag", oracle.tags, oracle.untagged)):
        for text, title in made.items():
            entry = by_title.get(title)
            values = (
                set()
                if entry is None
                else {n.text for n in entry.notes}  # type: ignore[attr-defined]
                if kind == "note"
                else set(entry.tags)  # type: ignore[attr-defined]
            )
            if text in gone:
                if text in values:
                    problems.append(f"the {kind} {text!r} was deleted and is back")
            elif text not in values and text not in seen_by_removal.get(title, set()):
                problems.append(f"lost the {kind} {text!r} of {title!r}")
    expected = set()
    for i in range(1, rounds + 1):
        for a_round in (i, i + 1):
            ours, theirs = oracle.edits.get(("A", a_round), {}), oracle.edits.get(("B", i), {})
            for (title, name), value in ours.items():
                other = theirs.get((title, name))
                if other is None or other == value or oracle.added_round.get(title, 0) >= i:
                    continue
                entry = by_title.get(title)
                if entry is not None:
                    expected.add((entry.key, name))  # type: ignore[attr-defined]
    if expected - rows:
        problems.append(f"fields changed differently but not in conflicts: {sorted(expected - rows)}")
    if rows - expected:
        problems.append(f"conflicts that no concurrent change explains: {sorted(rows - expected)}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20241128)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", type=int, help="replay the scenario of this seed")
    args = parser.parse_args()
    seeds = [args.only] if args.only is not None else [args.seed * 10_000 + n for n in range(args.scenarios)]
    started = time.monotonic()
    problems: list[str] = []
    totals: Counter[str] = Counter()
    if args.jobs > 1 and len(seeds) > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            outcomes = list(pool.map(run_scenario, seeds, chunksize=4))
    else:
        outcomes = [run_scenario(seed) for seed in seeds]
    for found, done in outcomes:
        problems += found
        totals += done
    for problem in problems:
        print(problem)
    print("in all:", ", ".join(f"{count} {what}" for what, count in sorted(totals.items())))
    elapsed = time.monotonic() - started
    failed = len({p.split(":", 1)[0] for p in problems})
    print(f"{len(seeds)} scenarios, {failed} failed, {elapsed:.0f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
