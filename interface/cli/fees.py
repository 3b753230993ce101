"""``kap-journeys fees``: set and show a clinic's fee schedule (``domain.billing``).

Fees are written in dollars, in a YAML file or as ``--code CODE=DOLLARS``; the clinic
keeps them as integer cents::

    fees:
      "90792": "350.00"
      "90837": "200.00"
    telehealth_place_of_service: "10"
    standard_minutes: {preparation: 60, integration: 60}

``fees set FILE`` replaces the schedule with the file's (what it omits takes the
default); ``--code`` changes single fees on top of the file, or of the schedule in force
without one. ``fees show`` prints the schedule in that same form. A refusal is one line
naming the field, exit 2.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from application.clinics import ClinicNotRegisteredError
from domain.billing import CODES, check_fee_schedule, effective_schedule
from domain.errors import ClinicSettingError
from interface.cli.clinic_options import ClinicOption, clinic_id_of, fail
from interface.cli.operator import operator
from interface.presentation.superbill_view import dollars
from interface.services import Services
from interface.settings import Settings

fees_app = typer.Typer(
    name="fees",
    help="Set and show a clinic's fee schedule (fees in dollars).",
    no_args_is_help=True,
    add_completion=False,
)


def cents(value: Any, where: str) -> int:
    """Dollars (``350``, ``350.5``, ``"350.00"``) as integer cents; at most 2 decimals."""
    if isinstance(value, bool):
        fail(f"{where}: {value!r} is not an amount in dollars, like 350.00")
    try:
        amount = Decimal(str(value).strip().lstrip("$").replace(",", ""))
    except InvalidOperation:
        fail(f"{where}: {value!r} is not an amount in dollars, like 350.00")
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        fail(f"{where}: {value!r} has more than 2 decimals (cents)")
    return int(amount * 100)


def _from_file(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror or error}")
    except yaml.YAMLError as error:
        fail(f"{path} is not YAML: {error}")
    if not isinstance(loaded, dict):
        fail(f"{path} holds a map with fees, telehealth_place_of_service, standard_minutes")
    schedule = dict(loaded)
    schedule.pop("unpriced", None)  # what `fees show` lists for reading, not a setting
    fees = schedule.get("fees") or {}
    if not isinstance(fees, dict):
        fail("fees: a map of code to dollars, like 90837: 200.00")
    schedule["fees"] = {str(code): cents(fee, f"fees.{code}") for code, fee in fees.items()}
    place = schedule.get("telehealth_place_of_service")
    if isinstance(place, int) and not isinstance(place, bool):
        schedule["telehealth_place_of_service"] = f"{place:02d}"
    return schedule


def _code_fees(pairs: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for pair in pairs:
        code, sep, amount = pair.partition("=")
        if not sep:
            fail(f"--code {pair!r}: write CODE=DOLLARS, like 90837=200.00")
        found[code.strip().upper()] = cents(amount, f"fees.{code.strip()}")
    return found


@fees_app.command("set")
def set_fees(
    clinic: ClinicOption,
    file: Annotated[
        Path | None, typer.Argument(help="A YAML fee schedule (replaces the clinic's).")
    ] = None,
    code: Annotated[
        list[str] | None, typer.Option("--code", help="CODE=DOLLARS, e.g. 90837=200.00.")
    ] = None,
) -> None:
    """Set the clinic's fee schedule from a YAML file and/or single --code fees."""
    clinic = clinic_id_of(clinic)
    if file is None and not code:
        fail("give a FILE.yaml, or --code CODE=DOLLARS (or both)")
    services = Services(Settings(run_projections=False))
    try:
        schedule = _from_file(file) if file is not None else _current(services, clinic)
        schedule["fees"] = {**schedule.get("fees", {}), **_code_fees(code or [])}
        try:
            checked = check_fee_schedule(schedule)
        except ClinicSettingError as error:
            fail(str(error))
        services.clinics.set_fee_schedule(clinic, checked, operator())
    finally:
        services.close()
    typer.echo(f"{clinic}: {len(checked['fees'])} fees set")


@fees_app.command("show")
def show_fees(clinic: ClinicOption) -> None:
    """Print the clinic's fee schedule as `fees set` reads it (the default if none)."""
    clinic = clinic_id_of(clinic)
    services = Services(Settings(run_projections=False))
    try:
        schedule = _current(services, clinic)
    finally:
        services.close()
    typer.echo(yaml.safe_dump(as_written(schedule), sort_keys=False), nl=False)


def _plain(fee: int) -> str:
    return dollars(fee).lstrip("$").replace(",", "")


def _current(services: Services, clinic: str) -> dict[str, Any]:
    try:
        stored = services.clinics.clinic(clinic).fee_schedule
    except ClinicNotRegisteredError:
        stored = None
    return effective_schedule(stored)


def as_written(schedule: dict[str, Any]) -> dict[str, Any]:
    """The schedule as ``fees show`` prints it: fees in dollars, and under ``unpriced``
    the codes a superbill may bill that have no fee yet (``fees set`` ignores it)."""
    fees = {code: _plain(fee) for code, fee in schedule["fees"].items()}
    return {
        "fees": fees,
        "telehealth_place_of_service": schedule["telehealth_place_of_service"],
        "standard_minutes": dict(schedule["standard_minutes"]),
        "unpriced": [code for code in CODES if code not in fees],
    }
