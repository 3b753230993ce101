"""Database triggers that make a write fail, on SQLite and PostgreSQL alike: a read
model's rows the database refuses, or a generation's position it will not move."""

from __future__ import annotations

from sqlalchemy import Engine

REFUSED_REF = "MRN-REFUSED"
"""The patient whose caseload row a ``refuse_rows_of`` trigger refuses."""


def _create(engine: Engine, name: str, table: str, when: str, timing: str) -> None:
    """A row trigger on ``table`` that raises when ``when`` holds: IntegrityError on
    SQLite (RAISE ABORT), DataError on PostgreSQL (SQLSTATE 22000, a data exception)."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql(
                f'CREATE TRIGGER "{name}" {timing} ON "{table}" WHEN {when} '
                f"BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"
            )
            return
        connection.exec_driver_sql(
            f'CREATE FUNCTION "{name}"() RETURNS trigger AS $$ BEGIN '
            f"IF {when} THEN RAISE EXCEPTION 'refused by test trigger' "
            "USING ERRCODE = '22000'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        connection.exec_driver_sql(
            f'CREATE TRIGGER "{name}" {timing} ON "{table}" '
            f'FOR EACH ROW EXECUTE FUNCTION "{name}"()'
        )


def drop(engine: Engine, name: str, table: str) -> None:
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
            return
        connection.exec_driver_sql(f'DROP TRIGGER "{name}" ON "{table}"')
        connection.exec_driver_sql(f'DROP FUNCTION "{name}"()')


def refuse_rows_of(engine: Engine, table: str, patient_ref: str = REFUSED_REF) -> str:
    """Refuse every row of ``patient_ref`` written to a read model's table; its name."""
    name = f"refuse_{table}"
    _create(engine, name, table, f"NEW.patient_ref = '{patient_ref}'", "BEFORE INSERT")
    return name


def refuse_position_moves(engine: Engine, read_model: str) -> str:
    """Refuse to move any generation of ``read_model`` forward; the trigger's name."""
    name = f"refuse_{read_model}_moves"
    when = f"NEW.name = '{read_model}' AND NEW.position <> OLD.position"
    _create(engine, name, "read_model_generations", when, "BEFORE UPDATE")
    return name
