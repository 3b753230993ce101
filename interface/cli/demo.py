"""``kap-journeys demo``: seed the demo clinic (once) and print a fresh token per role."""

from __future__ import annotations

import typer

from interface.auth.roles import Role
from interface.demo.cases import SHOWCASE
from interface.demo.seed import DEMO_CLINIC, demo_journey_id, seed_demo_clinic
from interface.services import Services
from interface.settings import Settings


def demo_command() -> None:
    """Seed a demo clinic of about 25 journeys (first run only); print one token per role.

    Each run revokes the tokens the previous run printed: only the newest set works."""
    settings = Settings()
    services = Services(settings)
    try:
        seeded = seed_demo_clinic(services.journeys, services.clinics, DEMO_CLINIC)
        if seeded:
            typer.echo(f"Seeded {seeded} demo journeys in clinic {DEMO_CLINIC}.")
        else:
            typer.echo(f"Demo clinic {DEMO_CLINIC} already seeded.")
        typer.echo(
            "Fresh demo tokens (shown once; only their hashes are stored; "
            "the previous run's are revoked):"
        )
        for role in Role:
            token = services.tokens.replace(role, DEMO_CLINIC, f"demo-{role.value}")
            typer.echo(f"  {role.value:14} {token}")
        base = f"http://{settings.host}:{settings.port}"
        typer.echo("Journeys worth a look (GET with the staff token):")
        for case, patient_ref in SHOWCASE.items():
            typer.echo(
                f"  {case:24} {base}/v1/journeys/{demo_journey_id(services.journeys, patient_ref)}"
            )
        billed = demo_journey_id(services.journeys, SHOWCASE["six_sessions"])
        typer.echo(f"A superbill (PDF): kap-journeys superbill {billed} --pdf superbill.pdf")
        typer.echo(f"Dashboard (sign in with the staff or auditor token): {base}/")
        typer.echo(f"API and its docs: {base}/docs")
    finally:
        services.close()
