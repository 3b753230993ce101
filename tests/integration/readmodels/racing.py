"""A projection target that records each batch it applies, and can hold two projectors
at the door of ``apply`` so that both try the same batch at once."""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Sequence

from application.projections.projector import ProjectionFailure, ProjectionTarget, ReadModelPosition
from domain.journey import Journey


class RecordingTarget:
    def __init__(self, target: ProjectionTarget, gate: threading.Barrier | None = None) -> None:
        self.target = target
        self.name = target.name
        self.gate = gate
        self.lock = threading.Lock()
        self.applied: list[tuple[int, int]] = []
        """(from, to) of every batch applied."""
        self.refused = 0
        """Batches another projector applied first."""

    def current_position(self) -> ReadModelPosition:
        return self.target.current_position()

    def apply(
        self,
        journeys: Sequence[Journey],
        since: ReadModelPosition,
        position: int,
        failures: Sequence[ProjectionFailure] = (),
        loaded_upto: int | None = None,
    ) -> bool:
        if self.gate is not None and not self.gate.broken:
            # Both projectors arrive with the same checkpoint; once the other one has
            # finished (a broken gate), go on alone.
            with contextlib.suppress(threading.BrokenBarrierError):
                self.gate.wait()
        done = self.target.apply(journeys, since, position, failures, loaded_upto)
        with self.lock:
            if done:
                self.applied.append((since.position, position))
            else:
                self.refused += 1
        return done


def assert_a_chain(applied: list[tuple[int, int]], end: int) -> None:
    """Batches that follow each other from 0 to ``end``: none twice, none skipped."""
    steps = sorted(applied)
    starts = [start for start, _ in steps]
    assert len(starts) == len(set(starts)), "a batch was applied twice"
    assert steps[0][0] == 0
    for (_, reached), (start, _) in itertools.pairwise(steps):
        assert start == reached, f"a gap between {reached} and {start}"
    assert steps[-1][1] == end
