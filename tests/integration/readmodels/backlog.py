"""A backlog of events written quickly: journeys built with the domain's commands and
saved many at a time, with no projector running."""

from __future__ import annotations

import random

from domain.identity import journey_id_for
from domain.journey import Journey, command_for
from domain.protocols import profile_named
from tests.integration.readmodels.harness import ReadModels, opening_of, posting_of
from tests.integration.readmodels.stories import Script, random_script

SAVE_EVERY = 10
"""Journeys per save: one transaction, a few hundred events."""


def journey_of(script: Script, id_key: bytes) -> Journey:
    command, posting = opening_of(script)
    journey = Journey.open(
        journey_id=journey_id_for(id_key, script.clinic, command.patient_ref, command.episode),
        clinic_id=script.clinic,
        patient_ref=command.patient_ref,
        episode=command.episode,
        profile=profile_named(command.protocol),
        primary_clinician=command.primary_clinician,
        presenting_concerns=command.presenting_concerns,
        posting=posting,
    )
    for line in script.lines:
        command_for(line.step.type)(journey, line.step.data, posting_of(line))
    return journey


def write_backlog(
    models: ReadModels, journeys: int, first: int = 0, seed: int = 41
) -> dict[str, int]:
    """Save scripted journeys numbered from ``first``; each one's id and last version."""
    rng = random.Random(seed + first)
    numbers = range(first, first + journeys)
    built = [
        journey_of(random_script(rng, n, corrections=False), models.app.id_key) for n in numbers
    ]
    for start in range(0, len(built), SAVE_EVERY):
        models.app.save(*built[start : start + SAVE_EVERY])
    return {str(journey.id): journey.version for journey in built}
