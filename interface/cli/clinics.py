"""``kap-journeys clinics show|set`` and ``kap-journeys staff add|deactivate|list``: the
operator's side of ``/v1/clinics/{clinic}`` and its staff directory.

``clinics set`` changes only the settings it is given (``PUT`` over HTTP replaces them
all); every change is recorded as an event of the clinic, attributed to the operator.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from application.clinics import ClinicNotRegisteredError, Clinics
from domain.clinic import Clinic
from domain.errors import ClinicSettingError
from interface.cli.clinic_options import ClinicOption, clinic_id_of, fail
from interface.cli.operator import operator
from interface.services import Services
from interface.settings import Settings

clinics_app = typer.Typer(
    name="clinics",
    help="Show and set a clinic's settings (time zone, address, identifiers, REMS).",
    no_args_is_help=True,
    add_completion=False,
)
staff_app = typer.Typer(
    name="staff",
    help="Keep a clinic's staff directory (who may record what, J-17).",
    no_args_is_help=True,
    add_completion=False,
)

Text = Annotated[str | None, typer.Option()]


@contextmanager
def clinics_of_settings() -> Iterator[Clinics]:
    """The clinics' store; a refusal is one line naming the setting, exit 2."""
    services = Services(Settings())
    try:
        yield services.clinics
    except ClinicSettingError as error:
        fail(str(error))
    except ClinicNotRegisteredError as error:
        fail(str(error))
    finally:
        services.close()


@clinics_app.command("show")
def show(
    clinic: ClinicOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print the clinic as JSON.")] = False,
) -> None:
    """The clinic's settings, certification, staff directory and protocols."""
    clinic_id = clinic_id_of(clinic)
    with clinics_of_settings() as clinics:
        found = clinics.clinic(clinic_id)
    if as_json:
        typer.echo(json.dumps(clinic_document(found), indent=2, default=str))
        return
    typer.echo("\n".join(clinic_lines(found)))


@clinics_app.command("set")
def set_settings(
    clinic: ClinicOption,
    display_name: Text = None,
    time_zone: Annotated[str | None, typer.Option(help="IANA name, e.g. America/Denver.")] = None,
    address_line1: Text = None,
    address_line2: Text = None,
    city: Text = None,
    state: Annotated[str | None, typer.Option(help="Two-letter USPS code.")] = None,
    postal_code: Text = None,
    phone: Text = None,
    billing_npi: Annotated[str | None, typer.Option(help="The clinic's NPI (Luhn).")] = None,
    tax_id: Annotated[str | None, typer.Option(help="EIN, NN-NNNNNNN.")] = None,
    place_of_service: Annotated[str | None, typer.Option(help="CMS code, e.g. 11.")] = None,
    rems_certification_id: Text = None,
    rems_certified_on: Annotated[str | None, typer.Option(help="YYYY-MM-DD.")] = None,
    no_rems_certification: Annotated[
        bool, typer.Option(help="Record that the certification lapsed or was withdrawn.")
    ] = False,
) -> None:
    """Set the settings given (the first set registers the clinic); others stay."""
    clinic_id = clinic_id_of(clinic)
    given = {
        "display_name": display_name,
        "time_zone": time_zone,
        "phone": phone,
        "billing_npi": billing_npi,
        "tax_id": tax_id,
        "place_of_service": place_of_service,
    }
    changes: dict[str, Any] = {name: value for name, value in given.items() if value is not None}
    address = {
        "line1": address_line1,
        "line2": address_line2,
        "city": city,
        "state": state,
        "postal_code": postal_code,
    }
    certification = rems_certification_id is not None or rems_certified_on is not None
    if certification and no_rems_certification:
        fail("rems_certification: give its id and date, or --no-rems-certification, not both")
    with clinics_of_settings() as clinics:
        current = _current_or_none(clinics, clinic_id)
        if any(value is not None for value in address.values()):
            before = current.settings.get("address", {}) if current else {}
            changes["address"] = {**before, **{k: v for k, v in address.items() if v}}
        if current is None and "display_name" not in changes:
            fail("display_name: a new clinic needs a name (--display-name)")
        updates: list[Callable[[], Clinic]] = []
        if changes:
            updates.append(lambda: clinics.change_settings(clinic_id, changes, operator()))
        if certification:
            values = {"certification_id": rems_certification_id, "certified_on": rems_certified_on}
            updates.append(lambda: clinics.record_rems_certification(clinic_id, values, operator()))
        if no_rems_certification:
            updates.append(lambda: clinics.record_rems_certification(clinic_id, None, operator()))
        if not updates:
            fail("nothing to set: give at least one setting (see --help)")
        for update in updates:
            found = update()
    typer.echo("\n".join(clinic_lines(found)))


@staff_app.command("add")
def add(
    clinic: ClinicOption,
    staff_id: Annotated[str, typer.Argument(help="The id entries are recorded by.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    role: Annotated[str, typer.Option(help="prescriber, nurse, therapist or coordinator.")],
    credentials: Annotated[str, typer.Option(help="e.g. MD, RN, LCSW.")] = "",
    npi: Annotated[str | None, typer.Option(help="Individual NPI (Luhn).")] = None,
) -> None:
    """Add a staff member, or change one (and make them active)."""
    clinic_id = clinic_id_of(clinic)
    values = {
        "staff_id": staff_id,
        "name": name,
        "role": role,
        "credentials": credentials,
        "npi": npi,
        "active": True,
    }
    with clinics_of_settings() as clinics:
        clinics.clinic(clinic_id)  # the clinic is set up first (its name, its zone)
        found = clinics.record_staff_member(clinic_id, values, operator())
    typer.echo(_member_line(found.staff[staff_id]))


@staff_app.command("deactivate")
def deactivate(
    clinic: ClinicOption,
    staff_id: Annotated[str, typer.Argument(help="The staff member's id.")],
) -> None:
    """Deactivate a staff member: they record nothing more; the record keeps who they were."""
    clinic_id = clinic_id_of(clinic)
    with clinics_of_settings() as clinics:
        found = clinics.deactivate_staff_member(clinic_id, staff_id, operator())
    typer.echo(_member_line(found.staff[staff_id]))


@staff_app.command("list")
def list_staff(clinic: ClinicOption) -> None:
    """The staff directory, active or not."""
    clinic_id = clinic_id_of(clinic)
    with clinics_of_settings() as clinics:
        found = clinics.clinic(clinic_id)
    for _, member in sorted(found.staff.items()):
        typer.echo(_member_line(member))


def _current_or_none(clinics: Clinics, clinic_id: str) -> Clinic | None:
    try:
        return clinics.clinic(clinic_id)
    except ClinicNotRegisteredError:
        return None


def clinic_document(clinic: Clinic) -> dict[str, Any]:
    return {
        "clinic_id": clinic.clinic_id,
        "version": clinic.version,
        **clinic.settings,
        "rems_certification": clinic.rems_certification,
        "staff": [member for _, member in sorted(clinic.staff.items())],
        "protocols": [f"{p['name']} {p['version']}" for p in clinic.protocols],
        "fee_schedule_set": clinic.fee_schedule is not None,
    }


def clinic_lines(clinic: Clinic) -> list[str]:
    settings = clinic.settings
    address = settings.get("address")
    certification = clinic.rems_certification
    protocols = ", ".join(f"{p['name']} {p['version']}" for p in clinic.protocols)
    return [
        f"Clinic {clinic.clinic_id}: {settings.get('display_name', '(no name)')} "
        f"(version {clinic.version})",
        f"  time zone         {settings.get('time_zone', 'UTC (not set)')}",
        f"  address           {_address(address) if address else '-'}",
        f"  phone             {settings.get('phone', '-')}",
        f"  billing NPI       {settings.get('billing_npi', '-')}",
        f"  tax id            {settings.get('tax_id', '-')}",
        f"  place of service  {settings.get('place_of_service', '-')}",
        "  REMS certification "
        + (
            f"{certification['certification_id']} since {certification['certified_on']}"
            if certification
            else "none (spravato-rems doses are refused, J-18)"
        ),
        f"  staff             {sum(m['active'] for m in clinic.staff.values())} active "
        f"of {len(clinic.staff)}",
        f"  protocols         {protocols or '-'}",
        f"  fee schedule      {'set' if clinic.fee_schedule is not None else 'defaults'}",
    ]


def _address(address: dict[str, str]) -> str:
    street = ", ".join(v for v in (address.get("line1"), address.get("line2")) if v)
    return f"{street}, {address['city']}, {address['state']} {address['postal_code']}"


def _member_line(member: dict[str, Any]) -> str:
    state = "active" if member["active"] else "inactive"
    npi = f", NPI {member['npi']}" if member.get("npi") else ""
    credentials = f", {member['credentials']}" if member.get("credentials") else ""
    return f"{member['staff_id']}: {member['name']}{credentials} ({member['role']}{npi}), {state}"
