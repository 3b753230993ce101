"""``kap-journeys audit``: the auditor's toolkit on the command line."""

from __future__ import annotations

import typer

from interface.cli.audit import checkpoints, compliance, export, replay, verify

audit_app = typer.Typer(
    name="audit",
    help="Verify, replay, report and export: the auditor's toolkit.",
    no_args_is_help=True,
    add_completion=False,
)
for module in (checkpoints, compliance, export, replay, verify):
    module.register(audit_app)
