"""A session's records (vitals and the like) stay in version order: a newer one is added
at the end, an older one (folded out of order) goes in its place, and one of the same
version (a correction) replaces it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.fold import upsert


def versions(records: list[dict[str, int]]) -> list[int]:
    return [r["version"] for r in records]


def test_a_newer_record_goes_at_the_end() -> None:
    records = [{"version": 3}, {"version": 5}]
    upsert(records, {"version": 6})
    assert versions(records) == [3, 5, 6]


def test_an_older_record_goes_in_its_place() -> None:
    records = [{"version": 3}, {"version": 5}]
    upsert(records, {"version": 4})
    assert versions(records) == [3, 4, 5]


def test_a_record_of_the_last_version_replaces_it() -> None:
    records = [{"version": 3, "n": 1}, {"version": 5, "n": 1}]
    upsert(records, {"version": 5, "n": 2})
    assert records == [{"version": 3, "n": 1}, {"version": 5, "n": 2}]


@given(st.lists(st.tuples(st.integers(1, 30), st.integers(0, 9)), max_size=40))
def test_any_order_of_upserts_keeps_the_last_of_each_version_in_order(
    writes: list[tuple[int, int]],
) -> None:
    records: list[dict[str, int]] = []
    last: dict[int, int] = {}
    for version, n in writes:
        upsert(records, {"version": version, "n": n})
        last[version] = n
    assert records == [{"version": v, "n": last[v]} for v in sorted(last)]
