"""A clinic's webhook endpoints and their deliveries: its admin manages them."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Path, Response, status

from interface.http.clinic_access import CLINIC_ERRORS, Admin, ClinicId, own_clinic
from interface.http.deps import ServicesDep
from interface.http.schemas import Problem
from interface.webhooks.schemas import (
    DeliveriesPublic,
    DeliveryPublic,
    RedeliveryPublic,
    WebhookCreate,
    WebhookCreated,
    WebhookPublic,
    WebhooksPublic,
)

router = APIRouter(prefix="/v1/clinics", tags=["webhooks"])

REFUSED: dict[int | str, dict[str, Any]] = {
    422: {
        "model": Problem,
        "description": "invalid_request (the body's shape) or clinic_setting_invalid: the "
        "detail names the field (url, event_types, description) and what it must be.",
    }
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {
        "model": Problem,
        "description": "not_found: another clinic than the token's, or no such endpoint "
        "(or delivery) for this clinic.",
    },
    422: {"model": Problem, "description": "invalid_request: an id in the path is malformed."},
}
WebhookId = Annotated[UUID, Path(description="The endpoint's id.")]
DeliveryId = Annotated[
    str, Path(pattern=r"^msg_[0-9a-f]{32}$", description="The delivery's `webhook-id`.")
]


def _no_endpoint(webhook_id: UUID) -> HTTPException:
    return HTTPException(404, f"No webhook {webhook_id} for this clinic.")


@router.post(
    "/{clinic}/webhooks",
    operation_id="registerWebhook",
    status_code=status.HTTP_201_CREATED,
    responses={**CLINIC_ERRORS, **REFUSED},
)
def register_webhook(
    clinic: ClinicId, body: WebhookCreate, principal: Admin, services: ServicesDep
) -> WebhookCreated:
    """Register an endpoint for the clinic's notices; its secret is in this answer only."""
    own_clinic(principal, clinic)
    made = services.webhooks.register(
        clinic, body.url, body.event_types, body.description, principal.token_name
    )
    return WebhookCreated(**WebhookPublic.of(made.endpoint).model_dump(), secret=made.secret)


@router.get(
    "/{clinic}/webhooks",
    operation_id="listWebhooks",
    responses={**CLINIC_ERRORS, 422: NOT_FOUND[422]},
)
def list_webhooks(clinic: ClinicId, principal: Admin, services: ServicesDep) -> WebhooksPublic:
    """The clinic's endpoints (their secrets are never shown again)."""
    own_clinic(principal, clinic)
    found = services.webhooks.endpoints(clinic)
    return WebhooksPublic(clinic_id=clinic, webhooks=[WebhookPublic.of(e) for e in found])


@router.delete(
    "/{clinic}/webhooks/{webhook_id}",
    operation_id="removeWebhook",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses={**CLINIC_ERRORS, **NOT_FOUND},
)
def remove_webhook(
    clinic: ClinicId, webhook_id: WebhookId, principal: Admin, services: ServicesDep
) -> Response:
    """Disable the endpoint: nothing more is sent to it, and its secret is erased."""
    own_clinic(principal, clinic)
    if not services.webhooks.remove(clinic, webhook_id, principal.token_name):
        raise _no_endpoint(webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{clinic}/webhooks/{webhook_id}/deliveries",
    operation_id="listWebhookDeliveries",
    responses={**CLINIC_ERRORS, **NOT_FOUND},
)
def list_deliveries(
    clinic: ClinicId, webhook_id: WebhookId, principal: Admin, services: ServicesDep
) -> DeliveriesPublic:
    """The endpoint's newest deliveries, each with every attempt made."""
    own_clinic(principal, clinic)
    found = services.webhooks.deliveries(clinic, webhook_id)
    if found is None:
        raise _no_endpoint(webhook_id)
    return DeliveriesPublic(webhook_id=webhook_id, deliveries=[DeliveryPublic.of(d) for d in found])


@router.post(
    "/{clinic}/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    operation_id="redeliverWebhook",
    status_code=status.HTTP_202_ACCEPTED,
    responses={**CLINIC_ERRORS, **NOT_FOUND},
)
def redeliver(
    clinic: ClinicId,
    webhook_id: WebhookId,
    delivery_id: DeliveryId,
    principal: Admin,
    services: ServicesDep,
) -> RedeliveryPublic:
    """Send the delivery again (the same `webhook-id`), now, with a fresh 24 h of retries."""
    own_clinic(principal, clinic)
    if not services.webhooks.redeliver(clinic, webhook_id, delivery_id):
        raise HTTPException(404, f"No delivery {delivery_id} of webhook {webhook_id}.")
    services.wake_webhooks()
    return RedeliveryPublic(id=delivery_id, status="pending")
