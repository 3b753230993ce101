"""The caseload query at 1,000, 10,000 and 100,000 journeys.

A caseload generation is filled directly with synthetic rows (bulk INSERT through
SQLAlchemy; a projection would take far longer and give the same table), made live,
and ANALYZEd. The rows follow a clinic's real spread: one clinic holds 85 % of the
journeys, four others the rest; 20 clinicians per clinic; most journeys in treatment,
complete or closed; a few percent with an adverse event, an override, a late entry or
a safety hold; integrations and REMS forms due, some of them overdue; last activity
over the past year. ``Caseloads.page(...)`` (what ``GET /v1/journeys`` calls: registry
lookup, query, flags) is then timed for a mix of queries on the big clinic, the
queries taking turns, and each one's p50 and p95 reported. A what-if follows: the same
mix with the table objects kept between calls (``_CachedTables``), to show how much of
a call is spent declaring the table and compiling the statement again.
"""

from __future__ import annotations

import random
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, Table, insert

import interface.readmodels.caseload as caseload_module
from application.projections.caseload_rows import _attention_key
from interface.readmodels.caseload import CaseloadQuery, Caseloads
from interface.storage.readmodels.generations import Generations
from interface.storage.readmodels.tables import CASELOAD, ReadModelShape

NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
MAIN_CLINIC = "clinic-main"
OTHER_CLINICS = ("clinic-north", "clinic-south", "clinic-east", "clinic-west")
CLINICIANS = tuple(f"dr-{name}" for name in "abcdefghijklmnopqrst")
STAGES = {  # share of a clinic's journeys, and the next step shown
    "opened": (0.02, "complete_consultation"),
    "consulted": (0.03, "record_baseline"),
    "screened": (0.03, "sign_consent"),
    "consented": (0.03, "complete_preparation"),
    "prepared": (0.05, "administer_dose"),
    "in_treatment": (0.30, "administer_dose"),
    "series_complete": (0.25, "update_treatment_plan"),
    "maintenance": (0.12, "administer_dose"),
    "paused": (0.03, "none"),
    "closed": (0.12, "none"),
    "ineligible": (0.02, "none"),
}
INSERT_CHUNK = 10_000
DEEP_PAGES = 20  # the deep page is the 21st page of the default sort (or the last)
DEEP = "attention, page 21 (cursor)"


def synthetic_rows(count: int, seed: int = 11) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    names = list(STAGES)
    weights = [share for share, _ in STAGES.values()]
    rows = []
    for number in range(count):
        stage = rng.choices(names, weights)[0]
        spravato = rng.random() < 0.1
        active = stage in ("in_treatment", "maintenance", "prepared")
        last = NOW - timedelta(minutes=rng.randrange(60 * 24 * (14 if active else 365)))
        flags = {
            "safety_hold": stage == "in_treatment" and rng.random() < 0.03,
            "adverse_event": rng.random() < 0.05,
            "override_used": rng.random() < 0.02,
            "late_entry": rng.random() < 0.08,
            "interaction_review": rng.random() < 0.04,
            "measure_due": active and rng.random() < 0.1,
        }
        integration_due = rems_due = None
        if stage == "in_treatment" and rng.random() < 0.4:
            due = last + timedelta(days=7)  # discharged at the last activity
            if spravato:
                rems_due = due
            else:
                integration_due = due
        sessions = rng.randint(1, 5) if stage == "in_treatment" else 0
        if stage in ("series_complete", "maintenance"):
            sessions = 8 if spravato else 6
        phq9 = rng.randint(2, 24) if stage not in ("opened", "consulted") else None
        listed = [name for name, on in flags.items() if on]
        rows.append(
            {
                "journey_id": uuid.UUID(int=rng.getrandbits(128), version=4),
                "clinic_id": MAIN_CLINIC if rng.random() < 0.85 else rng.choice(OTHER_CLINICS),
                "patient_ref": f"MRN-{number:07d}",
                "episode": 1,
                "protocol": "spravato-rems" if spravato else "kap-standard",
                "primary_clinician": rng.choice(CLINICIANS),
                "stage": stage,
                **flags,
                "next_step_code": STAGES[stage][1],
                "next_step_text": f"Next: {STAGES[stage][1].replace('_', ' ')}.",
                "sessions_completed": sessions,
                "phq9_latest": phq9,
                "phq9_band": None if phq9 is None else ("moderate" if phq9 >= 10 else "mild"),
                "last_event_at": last,
                "version": 6 + 5 * sessions,
                "integration_due_at": integration_due,
                "rems_form_due_at": rems_due,
                "attention_key": _attention_key(listed, [integration_due, rems_due]),
            }
        )
    return rows


def fill(engine: Engine, registry: Generations, rows: list[dict[str, Any]]) -> float:
    """A new live caseload generation holding ``rows``; the seconds the INSERTs took."""
    fresh = registry.start(CASELOAD)
    table = CASELOAD.table(fresh.generation)
    started = time.perf_counter()
    with engine.begin() as connection:
        for start in range(0, len(rows), INSERT_CHUNK):
            connection.execute(insert(table), rows[start : start + INSERT_CHUNK])
    seconds = time.perf_counter() - started
    registry.activate(CASELOAD, fresh.generation)  # retires and drops the previous size
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(f'ANALYZE "{table.name}"')
        else:
            connection.exec_driver_sql("ANALYZE")
    return seconds


def queries(caseloads: Caseloads, count: int) -> tuple[dict[str, CaseloadQuery], int]:
    """The mix, on the big clinic, and the deep page's number: its cursor is found by
    paging first (at 1,000 journeys the big clinic has fewer than 21 pages: its last)."""
    base = CaseloadQuery(clinic_id=MAIN_CLINIC, now=NOW)
    prefix = f"MRN-{count // 2:07d}"[:-2]  # 100 patient refs share it
    mix = {
        "attention (default)": base,
        "stage=in_treatment": CaseloadQuery(MAIN_CLINIC, NOW, stage="in_treatment"),
        "stage=paused": CaseloadQuery(MAIN_CLINIC, NOW, stage="paused"),
        "flag=adverse_event": CaseloadQuery(MAIN_CLINIC, NOW, flag="adverse_event"),
        "flag=integration_overdue": CaseloadQuery(MAIN_CLINIC, NOW, flag="integration_overdue"),
        "flag=rems_form_overdue": CaseloadQuery(MAIN_CLINIC, NOW, flag="rems_form_overdue"),
        "clinician": CaseloadQuery(MAIN_CLINIC, NOW, clinician="dr-c"),
        "q (patient prefix)": CaseloadQuery(MAIN_CLINIC, NOW, q=prefix),
        "sort=recent": CaseloadQuery(MAIN_CLINIC, NOW, sort="recent"),
        "sort=patient": CaseloadQuery(MAIN_CLINIC, NOW, sort="patient"),
    }
    cursor, pages = None, 1
    for _ in range(DEEP_PAGES):
        page = caseloads.page(CaseloadQuery(MAIN_CLINIC, NOW, cursor=cursor))
        if page.next_cursor is None:
            break  # a small clinic: its last page
        cursor, pages = page.next_cursor, pages + 1
    mix[DEEP] = CaseloadQuery(MAIN_CLINIC, NOW, cursor=cursor)
    return mix, pages


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_queries(caseloads: Caseloads, mix: dict[str, CaseloadQuery], runs: int) -> dict[str, Any]:
    samples: dict[str, list[float]] = {name: [] for name in mix}
    returned = {name: len(caseloads.page(query).journeys) for name, query in mix.items()}
    for _ in range(3):  # warm-up
        for query in mix.values():
            caseloads.page(query)
    for _ in range(runs):
        for name, query in mix.items():
            started = time.perf_counter()
            caseloads.page(query)
            samples[name].append((time.perf_counter() - started) * 1000)
    every = [s for values in samples.values() for s in values]
    return {
        "queries": {
            name: {
                "rows_returned": returned[name],
                "p50_ms": statistics.median(values),
                "p95_ms": percentile(values, 0.95),
                "max_ms": max(values),
            }
            for name, values in samples.items()
        },
        "all": {
            "p50_ms": statistics.median(every),
            "p95_ms": percentile(every, 0.95),
            "worst_query_p95_ms": max(percentile(v, 0.95) for v in samples.values()),
        },
    }


class _CachedTables:
    """A what-if, not the project's code: the caseload shape with its ``Table`` objects
    kept per generation, instead of declared anew by every ``page()`` call (a new
    ``Table`` also misses SQLAlchemy's compiled-statement cache)."""

    def __init__(self, shape: ReadModelShape) -> None:
        self.name, self.schema_version = shape.name, shape.schema_version
        self.shape = shape
        self.tables: dict[int, Table] = {}

    def table(self, generation: int) -> Table:
        if generation not in self.tables:
            self.tables[generation] = self.shape.table(generation)
        return self.tables[generation]


def time_with_cached_tables(
    caseloads: Caseloads, mix: dict[str, CaseloadQuery], runs: int
) -> dict[str, Any]:
    # The query module's own global is what ``page()`` reads; vars() replaces exactly it.
    original = vars(caseload_module)["CASELOAD"]
    vars(caseload_module)["CASELOAD"] = _CachedTables(original)
    try:
        all_queries: dict[str, Any] = time_queries(caseloads, mix, runs)["all"]
        return all_queries
    finally:
        vars(caseload_module)["CASELOAD"] = original


def run(engine: Engine, sizes: list[int], runs: int, say: Callable[[str], None]) -> dict[str, Any]:
    registry = Generations(engine)
    caseloads = Caseloads(engine, registry)
    by_size: dict[str, Any] = {}
    for size in sizes:
        rows = synthetic_rows(size)
        say(f"  {engine.dialect.name}: {size:,} journeys: filling ...")
        insert_seconds = fill(engine, registry, rows)
        main = sum(1 for r in rows if r["clinic_id"] == MAIN_CLINIC)
        say(f"  {engine.dialect.name}: {size:,} journeys: {runs} rounds of the mix ...")
        mix, deep_page = queries(caseloads, size)
        timed = time_queries(caseloads, mix, runs)
        timed["deep_page"] = deep_page
        timed["what_if_cached_tables"] = time_with_cached_tables(caseloads, mix, runs)
        timed["journeys"] = size
        timed["main_clinic_journeys"] = main
        timed["insert_rows_per_second"] = size / insert_seconds
        by_size[str(size)] = timed
    return {"runs_per_query": runs, "page_size": 50, "now": NOW.isoformat(), "sizes": by_size}
