"""The caseload at a glance: how many journeys per stage and per flag, and the clinicians,
counted in the live caseload read model (the rows ``Caseloads.page`` lists)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, case, func, select

from interface.readmodels.caseload import DUE_FLAGS, STATIC_FLAGS, ReadModelNotReadyError
from interface.services import Services
from interface.storage.readmodels.tables import CASELOAD


@dataclass(frozen=True)
class ClinicSummary:
    stages: dict[str, int]
    flags: dict[str, int]
    clinicians: list[str]
    total: int


def _live_table(services: Services) -> Table:
    live = services.registry.live(CASELOAD)
    if live is None:
        raise ReadModelNotReadyError("The caseload is being built; retry shortly.")
    return CASELOAD.table(live.generation)


def clinic_summary(services: Services, clinic_id: str, now: datetime) -> ClinicSummary:
    table = _live_table(services)
    mine = table.c.clinic_id == clinic_id
    flag_counts = [func.sum(case((table.c[f].is_(True), 1), else_=0)) for f in STATIC_FLAGS]
    due_counts = [func.sum(case((table.c[c] < now, 1), else_=0)) for c in DUE_FLAGS.values()]
    with services.engine.connect() as connection:
        stages: dict[str, int] = dict(
            connection.execute(
                select(table.c.stage, func.count()).where(mine).group_by(table.c.stage)
            ).all()
        )
        flags_row = connection.execute(select(*flag_counts, *due_counts).where(mine)).one()
        clinicians = (
            connection.execute(
                select(table.c.primary_clinician)
                .where(mine)
                .distinct()
                .order_by(table.c.primary_clinician)
            )
            .scalars()
            .all()
        )
    names = [*STATIC_FLAGS, *DUE_FLAGS]
    flags = {name: int(count or 0) for name, count in zip(names, flags_row, strict=True)}
    return ClinicSummary(
        {stage: int(count) for stage, count in stages.items()},
        flags,
        list(clinicians),
        sum(stages.values()),
    )
