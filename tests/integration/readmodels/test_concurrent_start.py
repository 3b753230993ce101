"""Two processes starting their projectors on an empty database at the same moment
(an API worker with in-process projections beside ``kap-journeys project``)."""

from __future__ import annotations

import contextlib
import threading

from sqlalchemy import MetaData, Table

from interface.storage.readmodels.generations import Generations
from interface.storage.readmodels.tables import CASELOAD, ReadModelShape


def test_two_processes_preparing_at_once_both_follow_one_generation(models):
    both_chose = threading.Barrier(2, timeout=2)

    def declare(metadata: MetaData, name: str) -> Table:
        # Each has read max(generation) before either creates; a registry that
        # serializes the start lets only one through here (the gate then breaks).
        with contextlib.suppress(threading.BrokenBarrierError):
            both_chose.wait()
        return CASELOAD.declare(metadata, name)

    shape = ReadModelShape(CASELOAD.name, CASELOAD.schema_version, declare)
    prepared, errors = [], []

    def start() -> None:
        try:
            prepared.append(Generations(models.engine).prepare(shape).generation)
        except Exception as error:  # reported by the test
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert prepared == [1, 1]
