"""The read-your-writes wait and the compliance report each have one home that the API,
the pages and the CLI share (issue 9): their behaviour here, and a check that no second
copy grows back."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from interface.http.read_your_writes import READ_YOUR_WRITES_WAIT, wait_for_position

ROOT = Path(__file__).resolve().parents[3]


class Projection:
    """A read model's position that moves on by ``step`` each time it is asked."""

    def __init__(self, start: int | None, step: int = 0) -> None:
        self.at, self.step, self.asked = start, step, 0

    def position(self) -> int | None:
        self.asked += 1
        at = self.at
        if self.at is not None:
            self.at += self.step
        return at


def timed(projection: Projection, after: int | None, wait: float = 0.2) -> float:
    started = time.monotonic()
    wait_for_position(projection.position, after, wait)
    return time.monotonic() - started


def test_without_after_position_it_does_not_ask():
    projection = Projection(0)
    assert timed(projection, None) < 0.05
    assert projection.asked == 0


def test_a_position_already_reached_answers_at_once():
    projection = Projection(7)
    assert timed(projection, 7) < 0.05
    assert projection.asked == 1


def test_a_position_one_short_waits_the_whole_wait():
    assert 0.2 <= timed(Projection(6), 7) < 1.0


def test_an_unbuilt_read_model_counts_as_position_zero():
    assert timed(Projection(None), 0) < 0.05
    assert 0.2 <= timed(Projection(None), 1) < 1.0


def test_it_stops_waiting_once_the_projection_gets_there():
    projection = Projection(0, step=1)
    assert timed(projection, 3, wait=5.0) < 1.0
    assert projection.asked == 4


def test_the_api_waits_at_most_two_seconds():
    assert pytest.approx(2.0) == READ_YOUR_WRITES_WAIT


def interface_sources() -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text() for path in (ROOT / "interface").rglob("*.py")
    }


def test_no_route_keeps_its_own_wait_loop():
    looping = [
        name
        for name, text in interface_sources().items()
        if "time.sleep(" in text and ("position" in text and "monotonic" in text)
    ]
    assert looping == ["interface/http/read_your_writes.py"]


def test_the_compliance_report_is_built_in_one_place():
    building = [
        name
        for name, text in interface_sources().items()
        if re.search(r"\bFindingsQuery\(|\brule_counts\(", text)
        and name != "interface/readmodels/findings.py"
    ]
    assert building == ["interface/presentation/compliance_report.py"]
