"""A batch's events read one by one, and each refusal answered as a single append's.

Shared by POST /v1/journeys/events:batch and ``kap-journeys import``: an event is checked
against the same wire models as a single append (``data_model_for``, ``payload_of``), so a
malformed one is refused alone, and a refusal's body is the problem the app's handlers
(``interface.http.problems``) give the same error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any
from uuid import UUID

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError

from application.answers import NewEntry
from application.batch_import import ImportItem, InvalidItemError, ItemResult
from domain.entries import Actor, Entry
from interface.http.payloads import checked_correction, payload_of
from interface.http.presenters import append_public
from interface.http.problems import install_problem_handlers, problem
from interface.http.schemas import EventCreate, WireModel
from interface.http.schemas.batch import IdempotencyKey

ITEM_FIELDS = ("journey_id", "idempotency_key")
"""What a batch's event carries beyond the single append's envelope."""

_ENVELOPE: TypeAdapter[Any] = TypeAdapter(EventCreate)


class _ItemHead(WireModel):
    journey_id: UUID
    idempotency_key: IdempotencyKey | None = None


def _invalid(errors: list[Any], journey_id: UUID | None, index: int) -> ImportItem:
    return ImportItem(
        index, journey_id, invalid=RequestValidationError([_plain(e) for e in errors])
    )


def _plain(error: Any) -> dict[str, Any]:
    return {"loc": tuple(error["loc"]), "msg": error["msg"], "type": error["type"]}


def _journey_of(raw: Mapping[str, Any]) -> UUID | None:
    try:
        return UUID(str(raw.get("journey_id")))
    except ValueError:
        return None


def import_item(index: int, raw: Any) -> ImportItem:
    """The event at ``index`` as the use case takes it, or why it is malformed."""
    if not isinstance(raw, dict):
        return _invalid(
            [{"loc": (), "msg": "an event is a JSON object", "type": "dict_type"}], None, index
        )
    journey_id = _journey_of(raw)
    try:
        head = _ItemHead.model_validate({k: raw[k] for k in ITEM_FIELDS if k in raw})
        event = _ENVELOPE.validate_python({k: v for k, v in raw.items() if k not in ITEM_FIELDS})
    except ValidationError as error:
        return _invalid(error.errors(), journey_id, index)
    return ImportItem(
        index,
        head.journey_id,
        NewEntry(event.type, payload_of(event.type, event.data)),
        occurred_at=event.occurred_at,
        recorded_by=Actor(event.recorded_by.id, event.recorded_by.role),
        idempotency_key=head.idempotency_key,
    )


def corrected_data(original: Entry, data: dict[str, Any]) -> dict[str, Any]:
    """A correction's data checked as a single correction is (``checked_correction``);
    a refusal names the item's ``data.data`` field."""
    try:
        return checked_correction(original, data)
    except ValidationError as error:
        raise InvalidItemError(
            RequestValidationError(
                [{**_plain(e), "loc": ("data", "data", *e["loc"])} for e in error.errors()]
            )
        ) from None


@cache
def _handlers() -> FastAPI:
    """The service's error mapping, for answers made outside a request (the CLI)."""
    app = FastAPI()
    install_problem_handlers(app)
    return app


_NO_REQUEST = Request({"type": "http", "method": "POST", "path": "/", "headers": []})


def refusal_body(error: Exception, index: int, app: FastAPI | None = None) -> dict[str, Any]:
    """The problem a single append answers for ``error``; validation errors locate the
    field within the batch (``body.events.<index>...``)."""
    if isinstance(error, InvalidItemError):
        error = error.cause
    if isinstance(error, RequestValidationError):
        error = RequestValidationError(
            [{**e, "loc": ("body", "events", index, *e["loc"])} for e in error.errors()]
        )
    handlers = (app or _handlers()).exception_handlers
    handler = next(
        (handlers[kind] for kind in type(error).__mro__ if kind in handlers), handlers[Exception]
    )
    response = handler(_NO_REQUEST, error)  # the handlers are plain functions
    assert isinstance(response, Response)
    body: dict[str, Any] = json.loads(bytes(response.body))
    return body


def skipped_body(refused_index: int) -> dict[str, Any]:
    response = problem(
        409,
        "skipped_after_refusal",
        f"Not recorded: event {refused_index} of this batch, for the same journey, was "
        "refused, and a journey's later events wait for it. Fix that event and send both "
        "again (their idempotency keys make the stored ones answer 200).",
        refused_index=refused_index,
    )
    skipped: dict[str, Any] = json.loads(bytes(response.body))
    return skipped


def item_public(result: ItemResult, app: FastAPI | None = None) -> dict[str, Any]:
    """One result as the batch answers it (a ``BatchItemPublic``): the status and body a
    single append of the event would answer."""
    if result.answer is not None:
        status = 200 if result.answer.replayed else 201
        answer = append_public(result.answer).model_dump(mode="json")
        return {"index": result.index, "status": status, "body": answer}
    if result.refusal is not None:
        body = refusal_body(result.refusal, result.index, app)
    else:
        assert result.skipped_after is not None
        body = skipped_body(result.skipped_after)
    return {"index": result.index, "status": body["status"], "body": body}


def counts_of(results: list[ItemResult]) -> dict[str, int]:
    """How many events were created, replayed, refused and skipped (``BatchCounts``)."""
    outcomes = [r.outcome for r in results]
    return {kind: outcomes.count(kind) for kind in ("created", "replayed", "refused", "skipped")}
