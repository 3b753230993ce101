"""Data of the events that steer the journey itself: pause, resume, close, correct."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StrictInt

from interface.http.schemas.common import WHOLE, ClosingReason, EventEnvelope, Text, WireModel
from interface.http.schemas.event_examples import examples_config
from interface.http.wire_text import refused_character, why_refused


def _no_control_characters(data: dict[str, Any]) -> dict[str, Any]:
    """Free-form data is checked as free text throughout (its keys as names), since the
    typed check of the corrected entry's model sees only the fields it knows."""
    pending: list[Any] = [data]
    while pending:  # not recursive: JSON may nest deeper than Python's stack
        value = pending.pop()
        if isinstance(value, str):
            found = refused_character(value, free_text=True)
        elif isinstance(value, dict):
            pending.extend(value.values())
            found = next(filter(None, (refused_character(str(k)) for k in value)), None)
        else:
            if isinstance(value, list):
                pending.extend(value)
            found = None
        if found is not None:
            raise ValueError(why_refused(found))
    return data


class JourneyPausedData(WireModel):
    """The journey is paused; dosing is refused until it resumes."""

    reason: Text
    """Why the journey is paused."""


class JourneyResumedData(WireModel):
    """The journey resumes; carries no data."""


class JourneyClosedData(WireModel):
    """The journey is closed; nothing clinical is accepted after it."""

    reason: ClosingReason
    """completed, withdrawn, ineligible, transferred or lost_to_follow_up."""
    summary: Text
    """A closing summary for the record."""


class EntryCorrectedData(WireModel):
    """Corrects the fields of an earlier entry, named by its version, with a reason."""

    corrects_version: Annotated[StrictInt, Field(ge=1, le=10**9), WHOLE]
    """The version of the journey's entry corrected (1 or more; not a correction itself)."""
    reason: Text
    """Why the entry is corrected."""
    data: Annotated[
        dict[str, Any], Field(min_length=1, max_length=50), AfterValidator(_no_control_characters)
    ]
    """The corrected fields only, each as the corrected entry's type takes it (1-50 fields); the
    fields that identify the entry (its session) cannot be corrected."""


# --- envelopes ------------------------------------------------------------------------


class JourneyPausedCreate(EventEnvelope):
    """Pause the journey."""

    model_config = examples_config("JourneyPaused")

    type: Literal["JourneyPaused"]
    """The event type: `JourneyPaused` selects this envelope and its data."""
    data: JourneyPausedData
    """What the entry records (`JourneyPausedData`)."""


class JourneyResumedCreate(EventEnvelope):
    """Resume a paused journey."""

    model_config = examples_config("JourneyResumed")

    type: Literal["JourneyResumed"]
    """The event type: `JourneyResumed` selects this envelope and its data."""
    data: JourneyResumedData = Field(default_factory=JourneyResumedData)
    """What the entry records (`JourneyResumedData`)."""


class JourneyClosedCreate(EventEnvelope):
    """Close the journey."""

    model_config = examples_config("JourneyClosed")

    type: Literal["JourneyClosed"]
    """The event type: `JourneyClosed` selects this envelope and its data."""
    data: JourneyClosedData
    """What the entry records (`JourneyClosedData`)."""


class EntryCorrectedCreate(EventEnvelope):
    """Correct an earlier entry of this journey."""

    model_config = examples_config("EntryCorrected")

    type: Literal["EntryCorrected"]
    """The event type: `EntryCorrected` selects this envelope and its data."""
    data: EntryCorrectedData
    """What the entry records (`EntryCorrectedData`)."""
