"""How journey state is written into snapshots (the library's JSON transcoder)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from eventsourcing.persistence import Transcoding

from domain.journey_facts import JourneyFacts


class JourneyFactsAsDict(Transcoding):
    type = JourneyFacts
    name = "journey_facts"

    def encode(self, obj: JourneyFacts) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in fields(obj)}

    def decode(self, data: dict[str, Any]) -> JourneyFacts | dict[str, Any]:
        """The facts; or, from a snapshot stored in an older shape that no longer fits
        ``JourneyFacts``, the plain dict, for ``Journey``'s upcasters to bring to today's
        shape (``domain.journey_facts.stored_facts``) before ``Journey.facts`` reads it."""
        try:
            return JourneyFacts(**data)
        except TypeError:
            return data
