"""Running a benchmark as people do, and checking that the ratios it prints are honest.

A ratio is worth reading only if both of its terms were measured in the same run: a
baseline that quietly did nothing would make the project's cost look like anything at
all. The benchmark tests name every ratio with the two figures it divides, and check
that nothing else in the output looks like a ratio, so a new one cannot go unchecked.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.databases import ADMIN_URL

ROOT = Path(__file__).resolve().parents[2]
RATIO_NAME = re.compile(r"(^|_)over_|share_of")

Where = tuple[str, ...]


@dataclass(frozen=True)
class Run:
    results: dict[str, Any]
    seconds: float
    stdout: str


def run_bench(output: Path, *args: str, timeout: float) -> Run:
    """``python -m bench *args`` on the tests' PostgreSQL server; its JSON output.

    Past ``timeout`` the whole process group is interrupted (its ``finally`` blocks
    drop the throwaway databases), then killed: no child process outlives the test."""
    env = {**os.environ, "KAP_BENCH_POSTGRES_URL": ADMIN_URL}
    started = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-m", "bench", *args, "--output", str(output)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop_group(process)
            pytest.fail(f"python -m bench {' '.join(args)} took over {timeout:.0f} s")
    seconds = time.perf_counter() - started
    assert process.returncode == 0, stdout[-2000:] + stderr[-4000:]
    return Run(json.loads(output.read_text()), seconds, stdout)


def _stop_group(process: subprocess.Popen[str]) -> None:
    os.killpg(process.pid, signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.communicate(timeout=10)
    with contextlib.suppress(ProcessLookupError):  # or the whole group has ended
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def at(results: dict[str, Any], where: Where) -> Any:
    value: Any = results
    for key in where:
        assert isinstance(value, dict), f"{'.'.join(where)}: no mapping at {key}"
        assert key in value, f"{'.'.join(where)}: no {key}"
        value = value[key]
    return value


def figure(results: dict[str, Any], where: Where) -> float:
    """A measured figure: a number, finite and above zero."""
    value = at(results, where)
    name = ".".join(where)
    assert isinstance(value, int | float), (name, value)
    assert not isinstance(value, bool), (name, value)
    assert math.isfinite(value), (name, value)
    assert value > 0, (name, value)
    return float(value)


def ratios_in(tree: Any, prefix: Where = ()) -> set[Where]:
    """Where every number named like a ratio (``x_over_y``, ``share_of``) sits."""
    found: set[Where] = set()
    if isinstance(tree, dict):
        for key, value in tree.items():
            where = (*prefix, str(key))
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            if is_number and RATIO_NAME.search(str(key)):
                found.add(where)
            else:
                found |= ratios_in(value, where)
    return found


@dataclass(frozen=True)
class Ratio:
    """``at`` holds ``measured * scale / baseline``, both figures of the same output
    (``scale`` turns the measured figure into the baseline's unit)."""

    at: Where
    measured: Where
    baseline: Where
    scale: float = 1.0


def assert_honest(results: dict[str, Any], ratios: list[Ratio]) -> None:
    assert ratios_in(results) == {r.at for r in ratios}, "a ratio printed but not checked"
    for r in ratios:
        quotient = figure(results, r.measured) * r.scale / figure(results, r.baseline)
        assert figure(results, r.at) == pytest.approx(quotient, rel=1e-9), r
