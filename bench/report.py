"""The readable table printed at the end of a run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

KINDS = ("sqlite", "postgres")


def _row(label: str, values: list[str]) -> str:
    return f"  {label:<50}" + "".join(f"{v:>10}" for v in values)


def _cells(results: dict[str, Any], path: tuple[str, str], fmt: str) -> list[str]:
    cells = []
    for kind in KINDS:
        value = results.get(kind, {}).get(path[0], {}).get(path[1])
        cells.append("-" if value is None else format(value, fmt))
    return cells


def _section(
    title: str, results: dict[str, Any], rows: list[tuple[str, tuple[str, str] | None, str]]
) -> list[str]:
    lines = ["", title, _row("", list(KINDS))]
    for label, path, fmt in rows:
        lines.append(_row(label, _cells(results, path, fmt)) if path else f"  {label}")
    return lines


def _load(load: dict[str, Any]) -> list[str]:
    some = next(iter(load.values()))
    n = some["events"]
    big, typ, worst, small = n["big"], n["typical"], n["worst"], n["small"]
    ms, ratio = "median_ms", "ratios"
    return _section(
        f"1. Load + derive status, Journeys.status(), median of {some['loads']} (ms)",
        load,
        [
            (f"journey of {small} events (no snapshot yet)", (ms, "small"), ".2f"),
            (f"journey of {big} events (snapshot, 0 after)", (ms, "big"), ".2f"),
            (f"journey of {typ} events (snapshot, 12 after)", (ms, "typical"), ".2f"),
            (f"journey of {worst} events (snapshot, 24 after)", (ms, "worst"), ".2f"),
            (f"journey of {big} events, no snapshot store", (ms, "big_all_events"), ".2f"),
            (f"baseline: bare aggregate, {big} events", (ms, "bare_big"), ".2f"),
            ("ratios", None, ""),
            (f"load({big}) / load({small})", (ratio, "big_over_small"), ".2f"),
            (f"load({typ}) / load({small})", (ratio, "typical_over_small"), ".2f"),
            (f"load({worst}) / load({small})", (ratio, "worst_over_small"), ".2f"),
            (
                f"snapshot gain: all events / snapshot ({big})",
                (ratio, "all_events_over_snapshot"),
                ".1f",
            ),
            (
                f"ours with snapshot / bare all events ({big})",
                (ratio, "snapshot_over_bare_all_events"),
                ".2f",
            ),
        ],
    )


def _append(append: dict[str, Any]) -> list[str]:
    some = next(iter(append.values()))
    rate, ratio = "events_per_second", "ratios"
    return _section(
        f"2. Single-event appends: {some['events']} events, "
        f"{some['writers']} writers in turn (events/s)",
        append,
        [
            ("Journeys.append (load, rules, encrypt, save)", (rate, "journeys"), ".0f"),
            ("baseline: bare library save of one event", (rate, "bare_save"), ".0f"),
            ("baseline: raw psycopg INSERT, one commit each", (rate, "raw_psycopg"), ".0f"),
            ("ratios", None, ""),
            ("Journeys / bare save", (ratio, "journeys_over_bare"), ".2f"),
            ("Journeys / raw psycopg", (ratio, "journeys_over_raw"), ".2f"),
            ("bare save / raw psycopg", (ratio, "bare_over_raw"), ".2f"),
        ],
    )


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['platform']}, "
        f"load average {m['load_average_1m_at_start']} at start",
        f"Python {m['python']}, eventsourcing {m['eventsourcing']}, psycopg {m['psycopg']}, "
        f"SQLite {m['sqlite']}, PostgreSQL {m['postgresql'] or 'not measured'}",
        f"Mode: {'quick' if results['quick'] else 'full'}, {results['seconds']:.1f} s in all",
    ]
    if results["snapshot_load"]:
        lines += _load(results["snapshot_load"])
    if results["append"]:
        lines += _append(results["append"])
    derive = results["derive"]
    lines += [
        "",
        "3. Status derivation from facts in memory (no database)",
        f"  journey_status, {derive['sessions']} sessions ({derive['events']} events): "
        f"{derive['us_per_call']:.0f} us per call",
    ]
    share = derive.get("share_of_sqlite_load")
    if share is not None:
        lines.append(f"  = {share:.0%} of one SQLite status() of the snapshotted big journey")
    return "\n".join(lines)


def write_key(output: Path, key: str, results: dict[str, Any]) -> None:
    """Store ``results`` under ``key`` of the results file, keeping the other keys (the
    base run, --readmodels, --verify and --http each write their own)."""
    merged: dict[str, Any] = {}
    if output.exists():
        try:
            merged = json.loads(output.read_text())
        except ValueError:
            merged = {}
    merged[key] = results
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(merged, indent=2, default=str) + "\n")
