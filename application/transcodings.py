"""How journey state is written into snapshots (the library's JSON transcoder)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from eventsourcing.persistence import Transcoding

from domain.state import JourneyFacts


class JourneyFactsAsDict(Transcoding):
    type = JourneyFacts
    name = "journey_facts"

    def encode(self, obj: JourneyFacts) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in fields(obj)}

    def decode(self, data: dict[str, Any]) -> JourneyFacts:
        return JourneyFacts(**data)
