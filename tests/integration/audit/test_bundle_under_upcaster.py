"""An evidence bundle carries each entry as stored, not as upcast: after a payload
upcaster ships (ConsentSigned's ``form`` read as ``form_name``), a bundle of the old
entries still verifies offline, and its lines hold the content the seals were made over."""

from __future__ import annotations

import json
import zipfile
from typing import Any

import pytest

from application.audit.evidence import journey_entries
from domain.journey import Journey
from interface.audit.bundle import build_bundle
from interface.audit.bundle_verifier import verify_bundle
from interface.services import Services
from tests.integration.journeys_app import open_journey, post
from tests.integration.signed import signed_settings
from tests.story import intake


def upcast_v3_v4(state: dict[str, Any]) -> None:
    state["data"] = {**state["data"], "form_name": state["data"]["form"]}
    del state["data"]["form"]


@pytest.fixture
def scene(database_url, monkeypatch):
    settings = signed_settings(
        database_url,
        run_projections=False,
    )
    services = Services(settings)
    journey_id = open_journey(services.journeys)
    for s in intake():
        post(services.journeys, journey_id, s)
    monkeypatch.setattr(Journey.ConsentSigned, "class_version", 4)
    monkeypatch.setattr(
        Journey.ConsentSigned, "upcast_v3_v4", staticmethod(upcast_v3_v4), raising=False
    )
    yield services, journey_id
    services.close()


def test_the_bundle_lines_hold_the_content_as_stored(scene):
    services, journey_id = scene
    (consent,) = [
        e for e in journey_entries(services.journeys, journey_id) if e["type"] == "ConsentSigned"
    ]
    assert "form" in consent["data"]
    assert "form_name" not in consent["data"]


def test_a_bundle_of_old_entries_verifies_under_the_upcaster(scene, tmp_path):
    services, journey_id = scene
    path = tmp_path / "bundle.zip"
    path.write_bytes(build_bundle(services, [journey_id], {"clinic_id": "clinic-a"}))

    report = verify_bundle(path)

    assert report.problems == []
    assert report.events_checked == 6
    with zipfile.ZipFile(path) as bundle:
        names = [n for n in bundle.namelist() if n.endswith(".ndjson")]
        lines = [json.loads(line) for n in names for line in bundle.read(n).splitlines()]
    assert any("form" in line.get("data", {}) for line in lines)
