"""A Journeys application on a test database with its read models: post scripted
journeys, run projectors, read whole generations, rebuild beside the live copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import inspect, select

from application.answers import AppendResult, NewEntry, OpenJourney
from application.journeys import Journeys
from application.projections.projector import Projector
from domain.entries import Actor, Posting
from interface.readmodels.runtime import projector_for
from interface.storage.engine import create_sql_engine
from interface.storage.readmodels.generations import Generations
from interface.storage.readmodels.tables import SHAPES, ReadModelShape, generations
from tests.integration.journeys_app import FixedClock, build_app
from tests.integration.readmodels.stories import MIN, Line, Script
from tests.story import START

Rows = list[dict[str, Any]]


def posting_of(line: Line) -> Posting:
    role = line.step.role
    return Posting(line.step.occurred_at, line.recorded_at, Actor(f"{role}-1", role), "ehr")


def opening_of(script: Script) -> tuple[OpenJourney, Posting]:
    command = OpenJourney(
        script.patient_ref, 1, script.protocol, "dr-lee", ["treatment_resistant_depression"]
    )
    return command, Posting(START, START + MIN, Actor("coord-sam", "coordinator"), "ehr")


def journey_id_of(app: Journeys, script: Script) -> UUID:
    return app.journey_id_for(script.clinic, script.patient_ref, 1)


class ReadModels:
    """Everything a read-model test touches, on one database."""

    def __init__(self, url: str, key: str, clock: FixedClock | None = None) -> None:
        self.url, self.key = url, key
        self.clock = clock or FixedClock(START)
        self.app = build_app(url, key, self.clock)
        self.engine = create_sql_engine(url)
        self.registry = Generations(self.engine)

    def close(self) -> None:
        self.app.close()
        self.engine.dispose()

    # Writing journeys.

    def open(self, script: Script) -> UUID:
        command, posting = opening_of(script)
        return self.app.open_journey(script.clinic, command, posting).journey_id

    def post(self, script: Script, line: Line) -> AppendResult:
        entry = NewEntry(line.step.type, line.step.data)
        return self.app.append(
            script.clinic, journey_id_of(self.app, script), entry, posting_of(line)
        )

    def tell(self, script: Script) -> UUID:
        """Open the journey and post its whole script."""
        journey_id = self.open(script)
        for line in script.lines:
            self.post(script, line)
        return journey_id

    def store_position(self) -> int:
        return self.app.log_position()

    # Projecting and reading.

    def live_projector(self, shape: ReadModelShape, batch_size: int = 500) -> Projector:
        """A projector of the generation followed live (as ``Projections`` runs them)."""
        self.registry.prepare(shape)
        return projector_for(self.app, self.engine, self.registry, shape, batch_size=batch_size)

    def project_all(self) -> None:
        for shape in SHAPES.values():
            self.live_projector(shape).catch_up()

    def fixed_projector(
        self, shape: ReadModelShape, generation: int, batch_size: int = 500
    ) -> Projector:
        return projector_for(
            self.app, self.engine, self.registry, shape, generation, batch_size=batch_size
        )

    def build_fresh(self, shape: ReadModelShape, batch_size: int = 500) -> int:
        """A new generation beside the live one, caught up event by event; its number."""
        fresh = self.registry.start(shape)
        self.fixed_projector(shape, fresh.generation, batch_size).catch_up()
        return fresh.generation

    def rows(self, shape: ReadModelShape, generation: int) -> Rows:
        """Every row of a generation, in primary-key order."""
        table = shape.table(generation)
        with self.engine.connect() as connection:
            found = [dict(r) for r in connection.execute(select(table)).mappings()]
        keys = [c.name for c in table.primary_key.columns]
        return sorted(found, key=lambda row: tuple(str(row[k]) for k in keys))

    def live_rows(self, shape: ReadModelShape) -> Rows:
        live = self.registry.live(shape)
        assert live is not None, f"no live generation of {shape.name}"
        return self.rows(shape, live.generation)

    def positions(self) -> dict[tuple[str, int], tuple[str, int]]:
        """(name, generation) -> (status, position), straight from the registry table."""
        with self.engine.connect() as connection:
            found = connection.execute(select(generations)).mappings()
            return {(r["name"], r["generation"]): (r["status"], r["position"]) for r in found}

    def has_table(self, name: str) -> bool:
        return inspect(self.engine).has_table(name)


def cli_env(models: ReadModels) -> dict[str, str | None]:
    """The environment a ``kap-journeys`` command needs to open this database: the URL,
    and the cipher key from KAP_CIPHER_KEY (PostgreSQL) or the key file beside SQLite."""
    if models.url.startswith("sqlite:///"):
        database = Path(models.url.removeprefix("sqlite:///"))
        key_file = database.with_name(database.name + ".key")
        key_file.write_text(models.key + "\n")
        key_file.chmod(0o600)
        return {"KAP_DATABASE_URL": models.url, "KAP_CIPHER_KEY": None}
    return {"KAP_DATABASE_URL": models.url, "KAP_CIPHER_KEY": models.key}
