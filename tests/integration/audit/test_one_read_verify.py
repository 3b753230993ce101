"""``audit verify`` reads the log once for the chains and the signed Merkle roots: for
every kind of tampering, that one read names exactly what the chain scan and the
checkpoint check, each reading the log on its own, named — on SQLite and PostgreSQL,
by raw SQL, protection dropped, including entries written after the last checkpoint."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from application.audit.chain_scan import scan_chains, scan_store
from interface.audit.anchors import all_anchors
from interface.services import Services
from tests.integration.audit.intruder import Intruder, forged_seal
from tests.integration.journeys_app import open_journey, post
from tests.integration.signed import signed_settings
from tests.story import START, dosing_session, intake

STORY = intake() + dosing_session(1, START + timedelta(days=10))
LAST = 1 + len(STORY)
Scene = tuple[Services, UUID, UUID, Intruder]


def flipped(state: bytes, at: int) -> bytes:
    return state[:at] + bytes([state[at] ^ 0x01]) + state[at + 1 :]


def rewrite(scene: Scene, version: int, change: Callable[[bytes, str], tuple[bytes, str]]) -> None:
    _, _, altered, intruder = scene
    state, topic = intruder.row(altered, version)
    intruder.overwrite(altered, version, *change(state, topic))


def resealed_body(state: bytes, topic: str) -> tuple[bytes, str]:
    """The body changed and ``stored`` recomputed: only the signed roots can tell."""
    changed = flipped(state, len(state) - 1)
    return forged_seal(changed, topic), topic


TAMPERINGS: dict[str, Callable[[Scene], None]] = {
    "a body byte": lambda s: rewrite(s, 3, lambda st, t: (flipped(st, len(st) - 2), t)),
    "a seal byte": lambda s: rewrite(s, 3, lambda st, t: (flipped(st, 40), t)),
    "the magic": lambda s: rewrite(s, 3, lambda st, t: (b"KAPSEAL3" + st[8:], t)),
    "the topic": lambda s: rewrite(s, 3, lambda st, t: (st, t + "X")),
    "a forged digest": lambda s: rewrite(
        s, 3, lambda st, t: (forged_seal(st, t, digest="0" * 64), t)
    ),
    "a resealed body": lambda s: rewrite(s, 3, resealed_body),
    "a state cut in its header": lambda s: rewrite(s, 3, lambda st, t: (st[:100], t)),
    "an entry removed": lambda s: s[3].delete(s[2], 4, 4),
    "the tail cut": lambda s: s[3].delete(s[2], LAST - 1),
    "a journey removed": lambda s: s[3].delete(s[2], 1),
    "two entries swapped": lambda s: s[3].swap(s[2], 2, 3),
    "an entry after the checkpoint": lambda s: rewrite(
        s, LAST + 2, lambda st, t: (flipped(st, len(st) - 2), t)
    ),
}


@pytest.fixture
def scene(database_url):
    services = Services(signed_settings(database_url, run_projections=False))
    journeys = services.journeys
    kept = open_journey(journeys, patient_ref="MRN-KEPT")
    altered = open_journey(journeys, patient_ref="MRN-ALTERED")
    for journey_id in (kept, altered):
        for s in STORY:
            post(journeys, journey_id, s)
    services.checkpoints.create()
    for s in intake()[:2]:  # after the checkpoint: read by the chains, not by the tree
        post(journeys, altered, s)
    intruder = Intruder(database_url, journeys)
    intruder.drop_protection()
    yield services, kept, altered, intruder
    services.close()


def two_reads(services: Services) -> tuple[Any, Any]:
    anchors = all_anchors(services)
    return scan_chains(services.journeys, anchors), services.checkpoints.verify_all(True)


def one_read(services: Services) -> tuple[Any, Any]:
    return scan_store(services.journeys, all_anchors(services), services.checkpoints)


def test_an_untouched_store_passes_in_one_read(scene):
    services = scene[0]
    chains, roots = one_read(services)

    assert chains.ok
    assert roots is not None
    assert roots.ok
    assert (chains, roots) == two_reads(services)
    assert chains.events_checked == services.journeys.log_position()


@pytest.mark.parametrize("tampering", sorted(TAMPERINGS))
def test_one_read_names_what_two_reads_name(scene, tampering):
    services = scene[0]
    TAMPERINGS[tampering](scene)

    chains, roots = one_read(services)

    assert (chains, roots) == two_reads(services)
    assert not (chains.ok and roots is not None and roots.ok), tampering


def test_every_byte_of_a_header_changed_is_named_as_two_reads_name_it(scene):
    services, _, altered, intruder = scene
    original, _ = intruder.row(altered, LAST)
    for at in range(0, original.index(b"\n") + 1, 3):
        intruder.overwrite(altered, LAST, flipped(original, at))
        chains, roots = one_read(services)
        assert (chains, roots) == two_reads(services), at
        assert not chains.ok, at
    intruder.overwrite(altered, LAST, original)


def test_without_a_signing_key_the_chains_are_still_read(scene):
    services, _, altered, intruder = scene
    intruder.delete(altered, 4, 4)

    chains, roots = scan_store(services.journeys, all_anchors(services), None)

    assert roots is None
    assert chains == scan_chains(services.journeys, all_anchors(services))
    assert [p.kind for f in chains.failed for p in f.problems] == ["missing"]
