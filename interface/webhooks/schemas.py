"""Webhook endpoints and deliveries on the wire."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from application.webhooks import Delivery
from domain.webhooks import MAX_DESCRIPTION_LENGTH, MAX_URL_LENGTH, WebhookEndpoint


class WebhookCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://ehr.example.org/kap-webhooks",
                    "event_types": ["KetamineAdministered", "dose_refused"],
                    "description": "EHR inbox",
                }
            ]
        },
    )
    url: str = Field(
        min_length=1,
        max_length=MAX_URL_LENGTH,
        description="Where notices are posted: https (plain http only to localhost).",
    )
    event_types: list[str] = Field(
        min_length=1,
        max_length=64,
        description="Event type names (as stored, e.g. KetamineAdministered), "
        "`dose_refused`, or `*` alone for all.",
    )
    description: str | None = Field(
        default=None, max_length=MAX_DESCRIPTION_LENGTH, description="What the endpoint is for."
    )


class WebhookPublic(BaseModel):
    id: UUID = Field(description="The endpoint's id.")
    clinic_id: str = Field(description="The clinic whose notices it hears.")
    url: str = Field(description="Where notices are posted.")
    event_types: list[str] = Field(description="What it hears (`*`: everything).")
    description: str = Field(description="What the endpoint is for (may be empty).")
    created_at: datetime = Field(description="When it was registered.")
    created_by: str = Field(description="The token (or operator) that registered it.")

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> WebhookPublic:
        return cls(
            id=endpoint.id,
            clinic_id=endpoint.clinic_id,
            url=endpoint.url,
            event_types=list(endpoint.event_types),
            description=endpoint.description,
            created_at=endpoint.created_at,
            created_by=endpoint.created_by,
        )


class WebhookCreated(WebhookPublic):
    secret: str = Field(
        description="The signing secret (`whsec_` and base64), shown this once: keep it "
        "to verify the `webhook-signature` header."
    )


class WebhooksPublic(BaseModel):
    clinic_id: str = Field(description="The clinic.")
    webhooks: list[WebhookPublic] = Field(description="Its endpoints not removed.")


class AttemptPublic(BaseModel):
    attempted_at: datetime = Field(description="When the delivery was posted.")
    status_code: int | None = Field(description="The receiver's HTTP status (None: no answer).")
    error: str | None = Field(description="Why it failed, in a few words.")
    duration_ms: int = Field(description="How long the attempt took.")


class DeliveryPublic(BaseModel):
    id: str = Field(description="The `webhook-id` it is sent with (the same on every attempt).")
    type: str = Field(description="The notice's type: an event type or `dose_refused`.")
    journey_id: UUID = Field(description="The journey it is about.")
    position: int | None = Field(description="The event's log position (None for a refusal).")
    status: str = Field(description="`pending`, `delivered` or `failed` (after 24 h).")
    created_at: datetime = Field(description="When it was queued.")
    next_attempt_at: datetime | None = Field(description="When it is tried next, if pending.")
    attempts: list[AttemptPublic] = Field(description="Every attempt, oldest first.")

    @classmethod
    def of(cls, delivery: Delivery) -> DeliveryPublic:
        return cls(
            id=delivery.id,
            type=delivery.type,
            journey_id=delivery.journey_id,
            position=delivery.position,
            status=delivery.status,
            created_at=delivery.created_at,
            next_attempt_at=delivery.next_attempt_at,
            attempts=[AttemptPublic(**vars(a)) for a in delivery.attempts],
        )


class DeliveriesPublic(BaseModel):
    webhook_id: UUID = Field(description="The endpoint.")
    deliveries: list[DeliveryPublic] = Field(description="The newest 100, newest first.")


class RedeliveryPublic(BaseModel):
    id: str = Field(description="The delivery queued again.")
    status: str = Field(description="`pending`: it is tried again now, with 24 h of retries.")
