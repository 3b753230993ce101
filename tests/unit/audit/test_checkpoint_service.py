"""Checkpoints over a log of plain hashes (a fake log), on a throwaway SQLite database:
signed, chained by consistency proofs, refused when the signed past was altered."""

from __future__ import annotations

import base64
from itertools import pairwise
from uuid import UUID, uuid4

import pytest
import sqlalchemy

from application.audit.checkpoints import CheckpointService, InconsistentLogError
from domain.audit.checkpoint_format import checkpoint_message
from domain.audit.merkle import leaf_hash, root, verify_consistency, verify_inclusion
from interface.audit.signing import SigningKey, verify_signature
from interface.storage.appendonly import trigger_names
from interface.storage.checkpoints import SqlCheckpointStore, checkpoints_table
from tests.unit.audit.checkpoint_scene import Clock, entry, service_for


def rewrite_checkpoints(engine, *statements) -> None:
    """What an intruder with the database's rights does: drop the guard, then UPDATE."""
    with engine.begin() as connection:
        for name in trigger_names(engine, "audit_checkpoints"):
            connection.execute(sqlalchemy.text(f"DROP TRIGGER IF EXISTS {name}"))
        for statement in statements:
            connection.execute(statement)


def test_an_empty_log_has_nothing_to_sign(engine, key, log):
    service = service_for(engine, key, log)
    assert service.create() is None
    assert service.all() == []
    assert service.latest() is None
    assert service.verify_all().ok


def test_a_checkpoint_signs_the_rfc6962_root_of_every_event(engine, key, log):
    log.add(5)
    made = service_for(engine, key, log).create()

    assert made is not None
    assert (made.id, made.tree_size, made.log_position) == (1, 5, 5)
    assert made.root == root(log.hashes()).hex()
    assert made.signed_at == "2026-10-01T09:05:00Z"
    assert made.key_id == key.key_id
    assert made.consistency_proof == []
    message = checkpoint_message(5, made.root, made.signed_at, key.key_id)
    assert verify_signature(key.public_key, message, base64.b64decode(made.signature))


def test_nothing_new_signs_nothing_and_reads_no_log(engine, key, log):
    log.add(3)
    service = service_for(engine, key, log)
    service.create()
    reads = log.reads
    assert service.create() is None
    assert log.reads == reads, "an idle tick only asks the store's size"
    assert len(service.all()) == 1


def test_each_checkpoint_carries_a_consistency_proof_from_the_one_before(engine, key, log):
    service = service_for(engine, key, log)
    sizes = [1, 2, 5, 8, 13, 21]
    for size in sizes:
        log.add(size - len(log.entries))
        service.create()

    made = service.all()
    assert [c.tree_size for c in made] == sizes
    assert [c.id for c in made] == list(range(1, len(sizes) + 1))
    for before, after in pairwise(made):
        assert verify_consistency(
            before.tree_size,
            after.tree_size,
            bytes.fromhex(before.root),
            bytes.fromhex(after.root),
            [bytes.fromhex(node) for node in after.consistency_proof],
        )
    assert service.latest() == made[-1]
    assert service.verify_all().ok


def test_tree_size_counts_events_even_where_store_positions_skip(engine, key, log):
    log.add(3, gap=1)  # positions 2, 4, 6
    service = service_for(engine, key, log)
    made = service.create()
    assert (made.tree_size, made.log_position) == (3, 6)
    log.position += 2  # a rolled-back write used positions 7 and 8
    assert service.create() is None
    assert service.verify_all().ok


@pytest.mark.parametrize("where", [0, 3, 6])
def test_a_changed_event_in_the_signed_past_is_refused_and_nothing_is_stored(
    engine, key, log, where
):
    log.add(7)
    service = service_for(engine, key, log)
    service.create()
    log.add(2)
    position, _ = log.entries[where]
    log.entries[where] = (position, entry(999))

    with pytest.raises(InconsistentLogError, match="checkpoint 1"):
        service.create()
    assert len(service.all()) == 1


def test_events_removed_from_the_signed_past_are_refused(engine, key, log):
    log.add(6)
    service = service_for(engine, key, log)
    service.create()
    del log.entries[2:4]
    log.add(1)
    with pytest.raises(InconsistentLogError, match="removed"):
        service.create()


def test_a_cut_tail_is_refused_even_with_nothing_new(engine, key, log):
    log.add(5)
    service = service_for(engine, key, log)
    service.create()
    del log.entries[-1]
    log.position -= 1
    with pytest.raises(InconsistentLogError, match="end of the log"):
        service.create()


def test_reordered_events_are_refused(engine, key, log):
    log.add(4)
    service = service_for(engine, key, log)
    service.create()
    (p1, e1), (p2, e2) = log.entries[1], log.entries[2]
    log.entries[1], log.entries[2] = (p1, e2), (p2, e1)
    log.add(1)
    with pytest.raises(InconsistentLogError):
        service.create()


def test_a_tampered_stored_checkpoint_is_refused_as_a_base(engine, key, log):
    log.add(4)
    service = service_for(engine, key, log)
    service.create()
    rewrite_checkpoints(engine, sqlalchemy.update(checkpoints_table).values(root="00" * 32))
    log.add(1)
    with pytest.raises(InconsistentLogError, match="signature"):
        service.create()


def test_stored_checkpoints_cannot_be_updated_or_deleted(engine, key, log):
    log.add(2)
    service = service_for(engine, key, log)
    service.create()
    for statement in (
        sqlalchemy.update(checkpoints_table).values(root="00" * 32),
        sqlalchemy.delete(checkpoints_table),
    ):
        with (
            pytest.raises(sqlalchemy.exc.IntegrityError, match="append-only"),
            engine.begin() as connection,
        ):
            connection.execute(statement)
    assert service.verify_all().ok


def test_verify_all_names_a_bad_signature_an_unknown_key_and_a_broken_chain(engine, key, log):
    service = service_for(engine, key, log)
    for _ in range(3):
        log.add(3)
        service.create()
    rewrite_checkpoints(
        engine,
        sqlalchemy.update(checkpoints_table)
        .where(checkpoints_table.c.id == 2)
        .values(consistency_proof='["' + "11" * 32 + '"]'),
        sqlalchemy.update(checkpoints_table)
        .where(checkpoints_table.c.id == 3)
        .values(signed_at="2030-01-01T00:00:00Z"),
    )

    report = service.verify_all()
    assert not report.ok
    assert report.checkpoints == 3
    assert {(p.checkpoint, p.kind) for p in report.problems} == {
        (2, "inconsistent"),
        (3, "bad_signature"),
    }

    stranger = service_for(engine, SigningKey.generate(), log)
    kinds = {p.kind for p in stranger.verify_all(against_log=False).problems}
    assert "unknown_key" in kinds
    trusting = service_for(
        engine, SigningKey.generate(), log, other_keys={key.key_id: key.public_key}
    )
    assert {p.kind for p in trusting.verify_all(against_log=False).problems} == {
        "inconsistent",
        "bad_signature",
    }


def test_verify_all_recomputes_every_signed_root_and_names_the_first_that_differs(engine, key, log):
    service = service_for(engine, key, log)
    for _ in range(4):
        log.add(5)
        service.create()
    assert service.verify_all().ok

    position, _ = log.entries[12]  # the 13th event: signed first by checkpoint 3 (11..15)
    log.entries[12] = (position, entry(999))
    report = service.verify_all()
    assert [(p.checkpoint, p.kind) for p in report.problems] == [(3, "log_differs")]
    assert "11 to 15" in report.problems[0].detail

    del log.entries[12:]
    report = service.verify_all()
    assert [(p.checkpoint, p.kind) for p in report.problems] == [(3, "log_differs")]
    assert "removed" in report.problems[0].detail


def test_inclusion_proofs_of_single_events_verify_against_signed_roots(engine, key, log):
    service = service_for(engine, key, log)
    log.add(6)
    first = service.create()
    log.add(5)
    second = service.create()

    for index in range(11):
        found = service.inclusion(index)
        assert found.checkpoint == second
        assert found.entry == log.entries[index][1].hex()
        assert found.leaf_hash == leaf_hash(log.entries[index][1]).hex()
        assert verify_inclusion(
            bytes.fromhex(found.leaf_hash),
            index,
            11,
            [bytes.fromhex(node) for node in found.proof],
            bytes.fromhex(second.root),
        )
    old = service.inclusion(2, tree_size=6)
    assert (old.checkpoint, old.root) == (first, first.root)

    with pytest.raises(LookupError):
        service.inclusion(6, tree_size=6)
    with pytest.raises(LookupError):
        service.inclusion(0, tree_size=7)


def test_two_writers_never_fork_the_chain(engine, key, log):
    """A checkpoint stored by another process in between: ours is retried on top of it."""
    log.add(4)
    other = service_for(engine, key, log)
    raced = {"done": False}

    def leaves_with_a_rival(upto):
        if not raced["done"]:
            raced["done"] = True
            log.add(2)
            other.create()
        return log.leaves(upto)

    ours = CheckpointService(
        SqlCheckpointStore(engine), key, leaves_with_a_rival, log.store_size, clock=Clock()
    )
    made = ours.create()

    stored = ours.all()
    assert [c.id for c in stored] == [1]
    assert made is None, "the rival signed the same events first"
    assert ours.verify_all().ok


def test_heads_record_where_each_journey_stood(engine, key, log):
    a, b = uuid4(), uuid4()
    seen: list[tuple[int, int]] = []

    def heads(after: int, upto: int) -> dict[UUID, tuple[int, str]]:
        seen.append((after, upto))
        return {a: (upto, "aa" * 32)} if after else {a: (1, "11" * 32), b: (2, "22" * 32)}

    service = service_for(engine, key, log, heads=heads)
    log.add(2)
    service.create()
    log.add(3)
    service.create()

    assert seen == [(0, 2), (2, 5)]
    found = service.heads()
    assert (found[a].checkpoint, found[a].version, found[a].hash) == (2, 5, "aa" * 32)
    assert (found[b].checkpoint, found[b].version) == (1, 2)
    assert service.heads(b) == {b: found[b]}
