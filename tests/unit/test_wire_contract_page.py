"""docs/events.md is the wire contract as the schemas define it, never a stale copy."""

from __future__ import annotations

import re
from pathlib import Path

from interface.http.schemas import EVENT_TYPES
from interface.http.wire_contract import wire_contract

ROOT = Path(__file__).resolve().parents[2]


def test_the_checked_in_page_is_what_the_schemas_generate():
    page = (ROOT / "docs" / "events.md").read_text()

    assert page == wire_contract(), (
        "docs/events.md is stale: python -m interface.http.wire_contract > docs/events.md"
    )


def test_every_appendable_event_type_has_its_section():
    page = wire_contract()

    for event_type in EVENT_TYPES:
        assert f"## `{event_type}`" in page


def test_every_document_the_readme_links_exists():
    readme = (ROOT / "README.md").read_text()

    for target in re.findall(r"\]\(([^)#:]+)\)", readme):
        assert (ROOT / target).exists(), f"README links {target}, which is not in the repository"
    assert "EVENTS.md" not in readme.replace("docs/events.md", "")
