"""The superbill as a PDF, drawn by fpdf2 from the JSON document (``superbill_view``).

fpdf2 is pure Python and maintained (py-pdf); its PDF core fonts need no font file, so
the page draws the same on any machine. Text is written in Windows-1252 (the core fonts'
WinAnsi encoding, which has the title's em dash); a character outside it is written
without its accent where it has one, else as "?".
"""

from __future__ import annotations

import unicodedata
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from interface.presentation.superbill_view import dollars

TITLE = "Superbill \u2014 statement for out-of-network reimbursement"
FONT = "helvetica"
ENCODING = "windows-1252"
COLUMNS = (
    "Date",
    "Code",
    "Mod",
    "Description",
    "POS",
    "Rendering clinician",
    "Units",
    "Fee",
    "Amount",
)
WIDTHS = (20, 13, 10, 50, 10, 42, 11, 18, 20)
ALIGN = ("LEFT",) * 6 + ("RIGHT",) * 3


def superbill_pdf(document: dict[str, Any]) -> bytes:
    """The PDF of a superbill document (US Letter, portrait)."""
    pdf = FPDF(format="letter", unit="mm")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_title(TITLE)
    pdf.set_creator("KAP Journeys")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(FONT, "B", 15)
    _text(pdf, TITLE, height=9)
    pdf.set_font(FONT, size=9)
    _text(pdf, f"Patient reference: {document['patient_ref']}   Journey: {document['journey_id']}")
    _text(pdf, f"Period: {_period(document['period'])}")
    pdf.ln(2)
    _provider(pdf, document)
    _diagnoses(pdf, document["diagnoses"])
    _lines(pdf, document)
    _notes(pdf, document)
    return bytes(pdf.output())


def _provider(pdf: FPDF, document: dict[str, Any]) -> None:
    clinic = document["clinic"]
    address = clinic.get("address") or {}
    _heading(pdf, "Provider")
    _text(pdf, clinic.get("display_name") or "")
    street = ", ".join(x for x in (address.get("line1"), address.get("line2")) if x)
    city = f"{address.get('city', '')}, {address.get('state', '')} {address.get('postal_code', '')}"
    _text(pdf, street)
    _text(pdf, city)
    if clinic.get("phone"):
        _text(pdf, f"Phone: {clinic['phone']}")
    _text(pdf, f"Billing NPI: {clinic.get('billing_npi')}   Tax ID (EIN): {clinic.get('tax_id')}")
    place = document["place_of_service"]
    _text(pdf, f"Place of service: {place['code']} ({place['name']})")
    _heading(pdf, "Rendering clinicians")
    for c in document["clinicians"]:
        credentials = f", {c['credentials']}" if c.get("credentials") else ""
        _text(pdf, f"{c['name']}{credentials}   NPI: {c.get('npi') or 'not on file'}")
    if not document["clinicians"]:
        _text(pdf, "None in this period.")


def _diagnoses(pdf: FPDF, diagnoses: list[dict[str, Any]]) -> None:
    _heading(pdf, "Diagnoses (ICD-10-CM)")
    for letter, d in zip("ABCDEFGHIJKL", diagnoses, strict=False):
        _text(pdf, f"{letter}. {d['code']}  {d.get('description') or ''}".rstrip())
    if not diagnoses:
        _text(pdf, "None recorded at the consultation.")


def _lines(pdf: FPDF, document: dict[str, Any]) -> None:
    _heading(pdf, "Services")
    pdf.set_font(FONT, size=8)
    bold = FontFace(emphasis="BOLD")
    with pdf.table(
        col_widths=WIDTHS, headings_style=bold, line_height=4.5, text_align=ALIGN
    ) as table:
        table.row([_safe(c) for c in COLUMNS])
        for line in document["lines"]:
            clinician = line["rendering"]
            npi = clinician.get("npi")
            table.row(
                [
                    line["date_of_service"],
                    line["code"],
                    " ".join(line["modifiers"]),
                    _safe(f"{line['description']} ({line['service']})"),
                    line["place_of_service"],
                    _safe(f"{clinician['name']}" + (f" (NPI {npi})" if npi else "")),
                    str(line["units"]),
                    dollars(line["fee_cents"]),
                    dollars(line["amount_cents"]),
                ]
            )
    pdf.ln(2)
    pdf.set_font(FONT, "B", 10)
    _text(pdf, f"Total charges: {dollars(document['total_cents'])} {document['currency']}")
    pdf.set_font(FONT, size=9)


def _notes(pdf: FPDF, document: dict[str, Any]) -> None:
    if document["notes"]:
        _heading(pdf, "Notes")
        for note in document["notes"]:
            _text(pdf, f"- {note}")
    pdf.ln(3)
    pdf.set_font(FONT, "I", 9)
    _text(pdf, document["statement"])


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, "B", 10)
    _text(pdf, text, height=6)
    pdf.set_font(FONT, size=9)


def _text(pdf: FPDF, text: str, height: float = 5) -> None:
    pdf.multi_cell(0, height, _safe(text), new_x="LMARGIN", new_y="NEXT")


def _period(period: dict[str, str | None]) -> str:
    start, end = period["from"], period["to"]
    if not start and not end:
        return "the whole journey"
    return f"{start or 'the start'} to {end or 'today'}"


def _safe(text: str) -> str:
    """``text`` in characters Windows-1252 has (accents dropped where needed, else ?)."""
    try:
        text.encode(ENCODING)
    except UnicodeEncodeError:
        return "".join(_char(c) for c in text)
    return text


def _char(c: str) -> str:
    try:
        c.encode(ENCODING)
    except UnicodeEncodeError:
        bare = unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode()
        return bare or "?"
    return c
