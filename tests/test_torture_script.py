"""The torture script's smoke run finds nothing: no crash, hang, leak, changed store or lost write.

The full run's figures are in benchmarks/README.md; this keeps the script working and the
guarantees it checks true, in a run small enough for the suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # runs readlist as a process a few hundred times
def test_quick_torture_run_finds_nothing(tmp_path: Path) -> None:
    out = tmp_path / "torture.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "torture.py"),
            "--quick",
            "--tmp",
            str(tmp_path),
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    parts = {part["name"]: part for part in report["parts"]}
    assert len(parts) == 7, done.stdout
    for name, part in parts.items():
        assert part["tried"] > 0, name
        counts = {k: part[k] for k in ("crashes", "hangs", "leaks", "bytes_changed")}
        assert counts == dict.fromkeys(counts, 0), (name, part["findings"])
        assert part["findings"] == [], name
    assert parts["1 concurrency"]["facts"]["lost updates"] == 0
    assert "torn stores" not in parts["2 crash safety"]["facts"]
    assert parts["2 crash safety"]["facts"]["temp files left"] == 0
    assert done.returncode == 0, done.stdout
