"""Timing helpers: medians of many runs, interleaved so drift hits every variant alike."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping


def interleaved_medians(
    variants: Mapping[str, Callable[[], object]], runs: int, warmup: int = 3
) -> dict[str, float]:
    """Median seconds per call of each variant, running them round-robin ``runs`` times."""
    for _ in range(warmup):
        for call in variants.values():
            call()
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(runs):
        for name, call in variants.items():
            started = time.perf_counter()
            call()
            samples[name].append(time.perf_counter() - started)
    return {name: statistics.median(times) for name, times in samples.items()}


def elapsed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def per_call(call: Callable[[], object], repeats: int = 5, min_seconds: float = 0.2) -> float:
    """Seconds per call: calls batched to at least ``min_seconds``, median over repeats."""

    def batch(number: int) -> float:
        started = time.perf_counter()
        for _ in range(number):
            call()
        return time.perf_counter() - started

    number = 1
    while batch(number) < min_seconds / 10:
        number *= 2
    number *= 10
    return statistics.median(batch(number) / number for _ in range(repeats))
