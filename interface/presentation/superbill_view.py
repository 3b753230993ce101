"""A superbill as the API answers it and the PDF prints it: one plain JSON document, so
the two never disagree (the PDF is drawn from this document alone)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from domain.billing import Superbill
from domain.billing.superbill import place_name

CURRENCY = "USD"
STATEMENT = (
    "The patient submits this statement to their insurer for out-of-network "
    "reimbursement. It is not a claim filed by the clinic."
)


def superbill_document(journey_id: UUID, bill: Superbill) -> dict[str, Any]:
    """The superbill as JSON: dates ISO 8601, amounts in integer cents of ``currency``."""
    return {
        "journey_id": str(journey_id),
        "patient_ref": bill.patient_ref,
        "period": {
            "from": bill.period_from.isoformat() if bill.period_from else None,
            "to": bill.period_to.isoformat() if bill.period_to else None,
        },
        "currency": CURRENCY,
        "clinic": dict(bill.clinic),
        "place_of_service": {
            "code": bill.place_of_service,
            "name": place_name(bill.place_of_service),
        },
        "clinicians": [asdict(c) for c in bill.clinicians],
        "diagnoses": [dict(d) for d in bill.diagnoses],
        "lines": [
            {**asdict(line), "date_of_service": line.date_of_service.isoformat()}
            for line in bill.lines
        ],
        "total_cents": bill.total_cents,
        "notes": list(bill.notes),
        "statement": STATEMENT,
    }


def dollars(cents: int) -> str:
    """``$1,234.50``."""
    return f"${cents // 100:,}.{cents % 100:02d}"
