"""``after_position``: a client that has just posted (and was told the log position of
its entry) asks a read model to include it. The read waits, briefly, for the projection
to get there; past the wait it answers anyway, its ``read_model_position`` saying how far
it got, rather than holding a request thread."""

from __future__ import annotations

import time
from collections.abc import Callable

READ_YOUR_WRITES_WAIT = 2.0
"""At most this many seconds of waiting per read."""

POLL_EVERY = 0.02


def wait_for_position(
    position: Callable[[], int | None],
    after_position: int | None,
    wait: float = READ_YOUR_WRITES_WAIT,
) -> None:
    """Return once ``position()`` has reached ``after_position`` (None: a read model not
    built yet, position 0), or ``wait`` seconds have passed; at once without one asked."""
    if after_position is None:
        return
    deadline = time.monotonic() + wait
    while (position() or 0) < after_position and time.monotonic() < deadline:
        time.sleep(POLL_EVERY)
