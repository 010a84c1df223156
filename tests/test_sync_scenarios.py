"""The two-machine scenario script: a seeded sample passes, and its oracle catches a bad merge.

The full run (1,000 scenarios) and its figures are in benchmarks/README.md; this keeps the
script working and its checks honest, in a run small enough for the suite.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "sync_scenarios.py"

pytestmark = pytest.mark.slow  # real git, two clones per scenario


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TMPDIR": str(tmp_path)}  # every scenario's repositories in this test's dir
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)


def test_a_seeded_sample_of_scenarios_loses_nothing(tmp_path: Path) -> None:
    done = run(tmp_path, str(SCRIPT), "--scenarios", "12", "--seed", "3", "--jobs", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "12 scenarios, 0 failed" in done.stdout
    summary = next(line for line in done.stdout.splitlines() if line.startswith("in all: "))
    counts = {what: int(n) for n, what in (item.split(" ", 1) for item in summary.removeprefix("in all: ").split(", "))}
    assert counts["merges"] > 0 and counts["rm"] > 0 and counts["untag"] > 0 and counts["conflict rows"] > 0


def test_the_oracle_catches_a_merge_that_undoes_removals(tmp_path: Path) -> None:
    """With tags and notes merged as plain unions, removals come back: the script must say so."""
    driver = (
        "import sys\n"
        f"sys.path.insert(0, {str(SCRIPT.parent)!r})\n"
        "import sync_scenarios, readlist.merge as merge\n"
        "merge._three_way_set = lambda base, ours, theirs, key: merge._union(ours, theirs, key)\n"
        "found = [p for seed in range(8) for p in sync_scenarios.run_scenario(seed)[0]]\n"
        "print('\\n'.join(found))\n"
    )
    done = run(tmp_path, "-c", driver)
    assert done.returncode == 0, done.stderr
    assert re.search(r"the (tag|note) '[^']+' was deleted and is back", done.stdout), done.stdout
