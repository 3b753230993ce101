"""The benchmarks still run (quickly, on SQLite); their figures are read by people, not tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_quick_benchmark_runs_and_reports_ratios(tmp_path):
    output = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--no-postgres", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(output.read_text())
    assert {"machine", "snapshot_load", "append", "derive"} <= set(results)
