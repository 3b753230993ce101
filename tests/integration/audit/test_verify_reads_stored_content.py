"""The verifier recomputes each seal over the content as stored, not as upcast.

A payload upcaster reshapes what today's code reads; the seal was made over what was
written. So after ConsentSigned's ``form`` became ``form_name`` (a version 4 upcaster),
its old entries still verify, and an entry altered in storage still reads as changed.
"""

from __future__ import annotations

from typing import Any

import pytest

from application.audit.verify import ChainVerifier
from application.sealed_mapper import SealedMapper
from domain.journey import Journey
from tests.integration.audit.intruder import Intruder
from tests.integration.journeys_app import build_app, new_key, open_journey, post
from tests.story import intake

CONSENT = 5  # opened, consultation, baseline, screening, consent


def upcast_v3_v4(state: dict[str, Any]) -> None:
    state["data"] = {**state["data"], "form_name": state["data"]["form"]}
    del state["data"]["form"]


@pytest.fixture
def scene(database_url):
    app = build_app(database_url, new_key())
    journey_id = open_journey(app)
    for s in intake():
        post(app, journey_id, s)
    intruder = Intruder(database_url, app)
    intruder.drop_protection()
    yield app, journey_id, intruder
    app.close()


def upcasting_consent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Journey.ConsentSigned, "class_version", 4)
    monkeypatch.setattr(
        Journey.ConsentSigned, "upcast_v3_v4", staticmethod(upcast_v3_v4), raising=False
    )


def found(app, journey_id):
    return [(p.version, p.kind) for p in ChainVerifier(app).verify(journey_id).problems]


def test_the_stored_state_is_the_content_before_upcasting(scene, monkeypatch):
    app, journey_id, _ = scene
    upcasting_consent(monkeypatch)
    (row,) = app.recorder.select_events(journey_id, gt=CONSENT - 1, lte=CONSENT)
    mapper = app.mapper
    assert isinstance(mapper, SealedMapper)

    stored = mapper.stored_state(row)
    event = mapper.to_domain_event(row)

    assert set(stored["data"]) - set(event.data) == {"form"}  # type: ignore[attr-defined]
    assert set(event.data) - set(stored["data"]) == {"form_name"}  # type: ignore[attr-defined]
    assert stored["originator_id"] == journey_id
    assert stored["originator_version"] == CONSENT
    assert stored["digest"] == event.digest  # type: ignore[attr-defined]


def test_old_entries_verify_under_the_upcaster(scene, monkeypatch):
    app, journey_id, _ = scene
    upcasting_consent(monkeypatch)

    assert found(app, journey_id) == []


def test_content_rewritten_with_the_key_is_still_changed_under_the_upcaster(scene, monkeypatch):
    """An insider with the key re-encrypts the consent with another form, keeping the
    seal: upcast or not, its content no longer matches the digest."""
    app, journey_id, intruder = scene
    (row,) = app.recorder.select_events(journey_id, gt=CONSENT - 1, lte=CONSENT)
    event = app.mapper.to_domain_event(row)
    event.data["form"] = "another-form"  # type: ignore[attr-defined]
    intruder.overwrite(journey_id, CONSENT, app.mapper.to_stored_event(event).state)
    upcasting_consent(monkeypatch)

    assert found(app, journey_id) == [(CONSENT, "changed")]


def test_a_swapped_pair_is_still_reordered_under_the_upcaster(scene, monkeypatch):
    app, journey_id, intruder = scene
    intruder.swap(journey_id, CONSENT - 1, CONSENT)
    upcasting_consent(monkeypatch)

    assert found(app, journey_id) == [(CONSENT - 1, "reordered"), (CONSENT, "reordered")]
