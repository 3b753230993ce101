"""GET /v1/journeys/{id}/superbill: the statement for out-of-network reimbursement, as
JSON and as a PDF whose text says what the JSON says, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pypdf
import pypdfium2
import pytest
from httpx import Response

from interface.presentation.superbill_view import dollars
from tests.integration.http.conftest import CLINIC, OTHER_CLINIC, Api, assert_problem
from tests.story import START, dosing_session, intake, step
from tests.unit.billing.billing_story import FEES, PRESCRIBER_NPI, SETTINGS, THERAPIST_NPI

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "superbill"
FIRST_DOSE = START + timedelta(days=5, hours=1)
STAFF = [
    {
        "staff_id": "prescriber-1",
        "name": "Dr Ana Ruiz",
        "role": "prescriber",
        "credentials": "MD",
        "npi": PRESCRIBER_NPI,
    },
    {
        "staff_id": "therapist-1",
        "name": "Sam Okafor",
        "role": "therapist",
        "credentials": "LCSW",
        "npi": THERAPIST_NPI,
    },
    {"staff_id": "nurse-1", "name": "Kim Lee", "role": "nurse", "credentials": "RN"},
    {"staff_id": "coordinator-1", "name": "Jo Park", "role": "coordinator"},
]


def set_up_billing(api: Api, clinic: str = CLINIC) -> None:
    clinics = api.app.state.services.clinics
    clinics.change_settings(clinic, SETTINGS, "test-setup")
    for member in STAFF:
        clinics.record_staff_member(clinic, member, "test-setup")
    clinics.set_fee_schedule(clinic, {"fees": FEES}, "test-setup")


@pytest.fixture(scope="module")
def billed(shared_api: Api) -> str:
    """A KAP journey through two sessions, its clinic set up to bill."""
    journey_id = shared_api.journey("MRN-SB1", primary_clinician="prescriber-1")
    consultation = step(
        "ConsultationCompleted", START + timedelta(hours=1), diagnoses=[{"code": "F33.1"}]
    )
    steps = [consultation, *intake(START)[1:]]
    for n in range(2):
        steps += dosing_session(n + 1, FIRST_DOSE + timedelta(days=3 * n))
    shared_api.post_all(journey_id, steps)
    set_up_billing(shared_api)
    return journey_id


def superbill(api: Api, journey_id: str, role: str = "staff", **query: str) -> Response:
    headers = api.headers(api.tokens[role], **query.pop("headers", {}))  # type: ignore[arg-type]
    return api.client.get(f"/v1/journeys/{journey_id}/superbill", params=query, headers=headers)


def test_staff_read_the_superbill_as_json(shared_api: Api, billed: str) -> None:
    answer = superbill(shared_api, billed)

    assert answer.status_code == 200, answer.text
    bill: dict[str, Any] = answer.json()
    assert bill["journey_id"] == billed
    assert bill["patient_ref"] == "MRN-SB1"
    assert [line["code"] for line in bill["lines"]] == [
        "90792",
        "90837",
        *["99215", "90832", "96372", "90837"] * 2,
    ]
    assert bill["clinic"]["billing_npi"] == SETTINGS["billing_npi"]
    assert bill["diagnoses"][0]["code"] == "F33.1"
    assert bill["total_cents"] == sum(line["amount_cents"] for line in bill["lines"])
    assert bill["period"] == {"from": None, "to": None}


def test_the_period_is_of_local_dates_both_included(shared_api: Api, billed: str) -> None:
    answer = superbill(shared_api, billed, **{"from": "2026-10-06", "to": "2026-10-06"})

    assert answer.status_code == 200, answer.text
    assert [line["code"] for line in answer.json()["lines"]] == ["99215", "90832", "96372"]


def test_the_pdf_says_what_the_json_says(shared_api: Api, billed: str) -> None:
    bill = superbill(shared_api, billed).json()
    answer = superbill(shared_api, billed, format="pdf")

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(answer.content)).pages)
    assert "Superbill \u2014 statement for out-of-network reimbursement" in text
    rows = [f"{line['date_of_service']} {line['code']}" for line in bill["lines"]]
    positions = [text.index(row) for row in rows]
    assert positions == sorted(positions)
    for line in bill["lines"]:
        assert dollars(line["amount_cents"]) in text
    assert f"Total charges: {dollars(bill['total_cents'])} USD" in text
    for expected in (SETTINGS["billing_npi"], SETTINGS["tax_id"], PRESCRIBER_NPI, "MRN-SB1"):
        assert expected in text
    assert "F33.1" in text
    assert "submits this statement to their insurer" in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = pypdfium2.PdfDocument(answer.content)[0]
    picture = ARTIFACTS / "superbill-page-1.png"
    page.render(scale=2).to_pil().save(picture)
    assert picture.stat().st_size > 10_000


def test_accept_application_pdf_asks_for_the_pdf(shared_api: Api, billed: str) -> None:
    answer = superbill(shared_api, billed, headers={"accept": "application/pdf"})
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")
    json_anyway = superbill(
        shared_api, billed, format="json", headers={"accept": "application/pdf"}
    )
    assert json_anyway.headers["content-type"] == "application/json"


@pytest.mark.parametrize("role", ["clinic_system", "auditor", "admin"])
def test_only_staff_read_a_superbill(shared_api: Api, billed: str, role: str) -> None:
    assert_problem(superbill(shared_api, billed, role=role), 403, "forbidden")


def test_another_clinics_journey_is_not_found(shared_api: Api, billed: str) -> None:
    answer = shared_api.client.get(
        f"/v1/journeys/{billed}/superbill",
        headers=shared_api.headers(shared_api.other_clinic["staff"]),
    )
    assert_problem(answer, 404, "journey_not_found")


@pytest.mark.parametrize(
    ("query", "where"),
    [
        ({"from": "2026-10-07", "to": "2026-10-06"}, "query.from"),
        ({"from": "2026-13-01"}, "query.from"),
        ({"to": "yesterday"}, "query.to"),
        ({"format": "html"}, "query.format"),
    ],
)
def test_a_bad_period_or_format_is_refused(
    shared_api: Api, billed: str, query: dict[str, str], where: str
) -> None:
    body = assert_problem(superbill(shared_api, billed, **query), 422, "invalid_request")
    assert body["detail"].startswith(where)


def test_a_clinic_without_its_settings_is_told_what_a_claim_needs(shared_api: Api) -> None:
    journey_id = shared_api.journey("MRN-SB2", token=shared_api.other_clinic["clinic_system"])
    answer = shared_api.client.get(
        f"/v1/journeys/{journey_id}/superbill",
        headers=shared_api.headers(shared_api.other_clinic["staff"]),
    )
    body = assert_problem(answer, 422, "billing_not_ready")
    assert body["missing"] == [
        "display_name",
        "address.line1",
        "address.city",
        "address.state",
        "address.postal_code",
        "billing_npi",
        "tax_id",
    ]
    assert OTHER_CLINIC  # clinic-b has its REMS certification only: no settings


def test_a_superbill_is_logged_as_a_read_of_the_journey_and_a_refusal_is_not(
    shared_api: Api, billed: str
) -> None:
    log = shared_api.app.state.services.access_log
    before = len(log.entries(CLINIC, journey_id=UUID(billed), limit=1000))
    superbill(shared_api, billed, headers={"x_purpose_of_use": "payment"})
    superbill(shared_api, billed, role="auditor")

    entries = log.entries(CLINIC, journey_id=UUID(billed), limit=1000)
    assert len(entries) == before + 1
    assert (entries[0].action, entries[0].role, entries[0].purpose) == (
        "superbill",
        "staff",
        "payment",
    )


def test_a_spravato_induction_bills_g2082_then_g2083(api: Api) -> None:
    """Through the service: the clinic holds its REMS certification (J-18)."""
    journey_id = api.journey("MRN-SB3", protocol="spravato-rems", primary_clinician="prescriber-1")
    second = FIRST_DOSE + timedelta(days=3)
    first_session = dosing_session(1, FIRST_DOSE, protocol="spravato-rems", integrate=False)
    second_session = dosing_session(2, second, protocol="spravato-rems", integrate=False)
    second_session[1].data["dose_mg"] = 84
    api.post_all(journey_id, [*intake(route="intranasal"), *first_session, *second_session])
    set_up_billing(api)

    answer = superbill(api, journey_id)

    assert answer.status_code == 200, answer.text
    lines = answer.json()["lines"]
    assert [(line["code"], line["amount_cents"]) for line in lines[2:]] == [
        ("G2082", FEES["G2082"]),
        ("G2083", FEES["G2083"]),
    ]
    assert {line["rendering"]["npi"] for line in lines[2:]} == {PRESCRIBER_NPI}
