"""docs/protocols.md is what the profiles hold, with a meaning and source for each parameter."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from domain.protocols import ProtocolProfile
from interface.presentation.protocol_sources import SOURCES
from interface.presentation.protocol_table import protocol_table

ROOT = Path(__file__).resolve().parents[2]


def test_the_checked_in_page_is_what_the_profiles_generate():
    page = (ROOT / "docs" / "protocols.md").read_text()

    assert page == protocol_table(), (
        "docs/protocols.md is stale: "
        "python -m interface.presentation.protocol_table > docs/protocols.md"
    )


def test_every_parameter_has_a_meaning_and_a_source():
    assert set(SOURCES) == {f.name for f in fields(ProtocolProfile)}


def test_the_page_shows_both_versions_of_each_profile():
    page = protocol_table()

    for head in ("kap-standard 2026-11-01", "kap-standard 2027-1", "spravato-rems 2027-1"):
        assert head in page
