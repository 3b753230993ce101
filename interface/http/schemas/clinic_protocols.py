"""Wire shapes of a clinic's own protocols: ``POST`` and ``GET /v1/clinics/{clinic}/protocols``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from interface.http.schemas.common import WireModel

PARAMETERS_MAX = 60
"""More changes than the profile has parameters is never a protocol."""


class ClinicProtocolCreate(WireModel):
    """A new version of the clinic's protocol ``name``: ``base``'s current version with
    ``changes``, each checked against the safety envelope (docs/protocols.md)."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=100)] = Field(
        description="A lowercase slug that is not a built-in's name, e.g. denver-kap.",
        examples=["denver-kap"],
    )
    base: Annotated[str, StringConstraints(min_length=1, max_length=100)] = Field(
        description="The built-in it derives from: kap-standard or spravato-rems.",
        examples=["kap-standard"],
    )
    changes: dict[str, Any] = Field(
        default_factory=dict,
        max_length=PARAMETERS_MAX,
        description="Parameter name to the clinic's value (see docs/protocols.md).",
        examples=[
            {
                "max_mg_per_kg_injected": 1.0,
                "min_observation_minutes": 90,
                "fasting_rule": "advisory",
            }
        ],
    )


class ParameterChangePublic(WireModel):
    """One parameter where the clinic's version differs from its base."""

    parameter: str
    """The parameter's name."""
    base_value: Any
    """Its value in the base version."""
    clinic_value: Any
    """The clinic's value."""


class ClinicProtocolPublic(WireModel):
    """One published version; versions never change."""

    name: str
    """The protocol's name (a slug)."""
    version: str = Field(description="<clinic>-<n>: the n-th version of this name.")
    base: str
    """The built-in it derives from."""
    base_version: str = Field(description="The built-in version it was derived from.")
    published_at: datetime
    """When it was published."""
    published_by: str
    """The name of the admin token that published it."""
    diff: list[ParameterChangePublic] = Field(
        description="Each parameter that differs from the base version, in profile order."
    )
    profile: dict[str, Any] = Field(description="Every parameter, as journeys copy it.")


class ClinicProtocolsPublic(WireModel):
    """Every version the clinic published, oldest first."""

    clinic_id: str
    """The clinic."""
    protocols: list[ClinicProtocolPublic]
    """Every published version, oldest first."""
