"""The benchmark keeps working: every command it times runs and does what it should.

No timing is asserted here (numbers come from `benchmarks/run.py` itself, on purpose runs).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs readlist as a process (or the whole CLI) end to end

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runs_every_operation_without_error(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--n",
            "90",
            "--runs",
            "1",
            "--import-runs",
            "1",
            "--json",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    report = json.loads(out.read_text())
    operations = [row["operation"].split("  ")[0] for row in report["rows"]]
    for expected in (
        "readlist --help",
        "import (all files, empty store)",
        "list --limit 20",
        "show KEY",
        "tag KEY -t X",
        "note KEY TEXT",
        "status KEY read",
    ):
        assert expected in operations
    assert [
        row["operation"]
        for row in report["rows"]
        if row["error"] or any(report_code != 0 for report_code in row["exit_codes"])
    ] == []
    assert report["notes"] == []  # the benchmark's own checks (tag, note, status landed; hit counts)
