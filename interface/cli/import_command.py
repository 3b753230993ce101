"""``kap-journeys import FILE.ndjson --clinic C``: a clinic's history from another system.

One event per line, as POST /v1/journeys/events:batch takes each (journey_id, type,
occurred_at, recorded_by, data, optional idempotency_key), sent in chunks of up to 1,000
through the same use case (``application.batch_import``), each chunk one transaction.
A line without an idempotency key gets one made from its content, so a re-run (after an
interruption, or after fixing refused lines) answers 200 for what is stored and goes on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import typer
from fastapi.exceptions import RequestValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from application.batch_import import MAX_ITEMS, BatchImport, ImportItem, ItemResult
from interface.cli.clinic_options import ClinicOption, clinic_id_of, fail
from interface.http.batch_items import corrected_data, import_item, refusal_body
from interface.http.json_body import refusal_of
from interface.services import Services
from interface.settings import Settings

SHOWN_REFUSALS = 10


def _key_of(item: dict[str, Any]) -> str:
    """A key made from the line's content: the same line, sent again, is the same event."""
    canonical = json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "import-" + hashlib.sha256(canonical.encode()).hexdigest()[:40]


def _item(number: int, line: bytes) -> ImportItem:
    refused = refusal_of(line)
    if refused is not None:
        detail = json.loads(bytes(refused.body))["detail"]
        error = RequestValidationError([{"loc": (), "msg": detail, "type": "json_invalid"}])
        return ImportItem(number, None, invalid=error)
    raw = json.loads(line)
    if isinstance(raw, dict) and "idempotency_key" not in raw:
        raw["idempotency_key"] = _key_of(raw)
    return import_item(number, raw)


def _numbered_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                yield number, line


def _chunks(path: Path) -> Iterator[list[ImportItem]]:
    lines = _numbered_lines(path)
    while chunk := list(islice(lines, MAX_ITEMS)):
        yield [_item(number, line) for number, line in chunk]


def _refusal_line(result: ItemResult) -> str:
    if result.refusal is None:
        return (
            f"line {result.index}: skipped: line {result.skipped_after} of its journey was refused"
        )
    body = refusal_body(result.refusal, result.index)
    return f"line {result.index}: {body['status']} {body['code']}: {body['detail']}"


def import_command(
    file: Annotated[
        Path, typer.Argument(help="NDJSON: one event per line.", exists=True, dir_okay=False)
    ],
    clinic: ClinicOption,
    source: Annotated[
        str, typer.Option(help="The source the events are recorded with (as a token's name).")
    ] = "import",
) -> None:
    """Import events into the clinic's open journeys, in chunks of 1,000; resumable."""
    clinic_id = clinic_id_of(clinic)
    total = sum(1 for _ in _numbered_lines(file))
    services = Services(Settings(run_projections=False))
    batch = BatchImport(services.journeys, corrected_data)
    stopped: dict[UUID, int] = {}
    counts = dict.fromkeys(("created", "replayed", "refused", "skipped"), 0)
    refusals: list[str] = []
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    try:
        with Progress(*columns, console=None, transient=False) as progress:
            task = progress.add_task("import", total=total)
            for items in _chunks(file):
                for result in batch.import_chunk(clinic_id, source, items, stopped):
                    counts[result.outcome] += 1
                    if result.outcome in ("refused", "skipped") and len(refusals) < SHOWN_REFUSALS:
                        refusals.append(_refusal_line(result))
                progress.advance(task, len(items))
    finally:
        services.close()
    typer.echo(", ".join(f"{n} {kind}" for kind, n in counts.items()) + f" of {total} lines")
    if refusals:
        typer.echo("first refusals:", err=True)
        for line in refusals:
            typer.echo(f"  {line}", err=True)
        fail(f"{counts['refused']} refused, {counts['skipped']} skipped after them", 1)
