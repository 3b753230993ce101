"""The superbill's PDF, drawn from its JSON document: what a reader extracts from it."""

from __future__ import annotations

import io
from uuid import UUID

import pypdf

from domain.billing import superbill
from interface.presentation.superbill_pdf import superbill_pdf
from interface.presentation.superbill_view import dollars, superbill_document
from tests.unit.billing.billing_story import AT, clinic, entries_of, journey, kap_series

JOURNEY = UUID("5f0c8a52-6d1e-4c55-9a77-3f1b2f0c9e11")


def pdf_text(document: dict) -> str:
    reader = pypdf.PdfReader(io.BytesIO(superbill_pdf(document)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_a_long_series_runs_onto_more_pages_and_keeps_every_line():
    document = superbill_document(JOURNEY, superbill(entries_of(journey(kap_series(6))), clinic()))

    text = pdf_text(document)

    assert len(pypdf.PdfReader(io.BytesIO(superbill_pdf(document))).pages) >= 2
    for line in document["lines"]:
        assert f"{line['date_of_service']} {line['code']}" in text
    assert f"Total charges: {dollars(document['total_cents'])} USD" in text


def test_a_name_outside_the_fonts_encoding_is_written_without_its_accents():
    c = clinic()
    c.record_staff_member(
        {"staff_id": "therapist-1", "name": "Nguy\u1ec5n Th\u1ecb Lan", "role": "therapist"},
        "admin",
        AT,
    )
    document = superbill_document(JOURNEY, superbill(entries_of(journey(kap_series(1))), c))

    assert "Nguyen Thi Lan" in pdf_text(document)


def test_an_empty_period_says_so():
    document = superbill_document(JOURNEY, superbill([], clinic()))

    text = pdf_text(document)

    assert "None in this period." in text
    assert "None recorded at the consultation." in text
    assert "Total charges: $0.00 USD" in text


def test_dollars_are_written_with_thousands_and_cents():
    assert [dollars(c) for c in (0, 5, 100, 123456789)] == [
        "$0.00",
        "$0.05",
        "$1.00",
        "$1,234,567.89",
    ]
