"""Where one readlist command spends its time: cProfile and -X importtime (stdlib + orjson).

    python benchmarks/profile_cmd.py --n 10000 -- search quaternion
    python benchmarks/profile_cmd.py --db /tmp/store.json --top 30 -- status KEY read

Without --db it generates N papers (benchmarks/digestgen.py) into a temp dir and imports them
into a fresh store first (not profiled). ``KEY`` in the command is replaced by a key from the
middle of the store. The command then runs once unprofiled (warm-up), once under cProfile
(top functions by own time and by cumulative time) and once under ``-X importtime``
(slowest imports, cumulative).
"""

from __future__ import annotations

import argparse
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import digestgen  # noqa: E402
from run import DEFAULT_SEED, DROPPED_ENV  # noqa: E402

PROFILED = """
import cProfile, sys
sys.argv = ["readlist"] + sys.argv[2:]
from readlist.cli import main
prof = cProfile.Profile()
code = 0
prof.enable()
try:
    main()
except SystemExit as exc:
    code = exc.code
finally:
    prof.disable()
    prof.dump_stats(OUT)
sys.exit(code)
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--db", help="profile against this existing store instead of generating one")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("command", nargs=argparse.REMAINDER, help="-- then the readlist arguments")
    args = ap.parse_args()
    cmd = [c for c in args.command if c != "--"] if args.command else []
    if not cmd:
        ap.error("give the readlist command after --, e.g. -- search quaternion")

    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "readlist-bench-pycache")
    work = Path(tempfile.mkdtemp(prefix="readlist-prof-"))
    py = sys.executable
    try:
        if args.db:
            store = Path(args.db)
        else:
            store = work / "store.json"
            digestgen.write_digests(args.n, args.seed, str(work / "digests"))
            t0 = time.perf_counter()
            subprocess.run(
                [py, "-m", "readlist", "--db", str(store), "import", str(work / "digests")],
                env=env, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            print(f"# imported {args.n} papers in {time.perf_counter() - t0:.1f}s")
        if "KEY" in cmd:
            keys = subprocess.run(
                [py, "-m", "readlist", "--db", str(store), "list", "--keys"],
                env=env, check=True, capture_output=True, text=True,
            ).stdout.split()  # fmt: skip
            cmd = [keys[len(keys) // 2] if c == "KEY" else c for c in cmd]
        full = ["--db", str(store), *cmd]
        print(f"# readlist {' '.join(cmd)}")

        t0 = time.perf_counter()
        subprocess.run([py, "-m", "readlist", *full], env=env, stdout=subprocess.DEVNULL)
        print(f"# warm-up run: {time.perf_counter() - t0:.3f}s wall")

        out = work / "prof.out"
        code = PROFILED.replace("OUT", repr(str(out)))
        t0 = time.perf_counter()
        subprocess.run([py, "-c", code, "x", *full], env=env, stdout=subprocess.DEVNULL)
        print(f"# profiled run: {time.perf_counter() - t0:.3f}s wall (profiling adds overhead)\n")
        stats = pstats.Stats(str(out))
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)

        r = subprocess.run(
            [py, "-X", "importtime", "-m", "readlist", *full],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        rows = []  # (cumulative us, self us, indented name)
        for line in r.stderr.splitlines():
            if not line.startswith("import time:") or "cumulative" in line:
                continue
            self_us, cum_us, name = line[len("import time:") :].split("|", 2)
            rows.append((int(cum_us), int(self_us), name[1:]))
        total = sum(c for c, _, n in rows if not n.startswith(" "))
        print(f"# -X importtime: {total / 1e3:.0f} ms in top-level imports; slowest (cumulative):")
        for cum, _self, name in sorted(rows, reverse=True)[: args.top]:
            print(f"  {cum / 1e3:8.1f} ms  {name.strip()}")
    finally:
        if args.keep:
            print(f"# kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
