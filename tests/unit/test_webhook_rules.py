"""What an endpoint may be, what it hears, and when a failed delivery is tried again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import ClinicSettingError
from domain.webhooks import (
    DOSE_REFUSED,
    JourneyNotice,
    WebhookEndpoint,
    checked_event_types,
    checked_url,
)
from domain.webhooks_retries import RetryPolicy

NOW = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "url",
    [
        "https://ehr.example.org/hooks",
        "https://ehr.example.org:8443/hooks?clinic=a",
        "http://localhost:9000/hooks",
        "http://127.0.0.1:9000/hooks",
        "http://[::1]:9000/hooks",
    ],
)
def test_https_anywhere_and_plain_http_to_this_machine_are_accepted(url: str) -> None:
    assert checked_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://ehr.example.org/hooks",
        "ftp://ehr.example.org/",
        "https://",
        "https://user:pw@ehr.example.org/",
        "https://ehr.example.org/#part",
        "https://ehr.example.org:port/",
        "https://ehr.example.org/" + "x" * 2000,
    ],
)
def test_other_urls_are_refused_naming_the_url(url: str) -> None:
    with pytest.raises(ClinicSettingError) as refused:
        checked_url(url)
    assert refused.value.field == "url"


def test_event_types_are_known_names_each_once_or_everything() -> None:
    assert checked_event_types(["dose_refused", "ConsentSigned", "ConsentSigned"]) == (
        "ConsentSigned",
        "dose_refused",
    )
    assert checked_event_types(["*"]) == ("*",)
    for bad in ([], ["Nope"], ["*", "ConsentSigned"]):
        with pytest.raises(ClinicSettingError):
            checked_event_types(bad)


def test_an_endpoint_hears_what_it_asked_for() -> None:
    endpoint = WebhookEndpoint(
        uuid4(), "clinic-a", "https://x.example/", ("dose_refused",), "", NOW, "ops", 0
    )
    assert endpoint.accepts(DOSE_REFUSED)
    assert not endpoint.accepts("KetamineAdministered")


def test_a_notice_carries_ids_stage_and_next_step_only() -> None:
    journey_id = uuid4()
    notice = JourneyNotice(
        DOSE_REFUSED, journey_id, "clinic-a", 4, None, "prepared", "pre_dose_check", NOW,
        rule="J-06", refused_type="KetamineAdministered",
    )  # fmt: skip
    assert notice.body() == {
        "type": "dose_refused",
        "timestamp": NOW.isoformat(),
        "data": {
            "journey_id": str(journey_id),
            "clinic_id": "clinic-a",
            "event_type": "KetamineAdministered",
            "version": 4,
            "position": None,
            "stage": "prepared",
            "next_step": "pre_dose_check",
            "rule": "J-06",
        },
    }


def test_retries_wait_twice_as_long_each_time_up_to_the_cap() -> None:
    policy = RetryPolicy(first_seconds=5, cap_seconds=60, window_seconds=24 * 3600)
    waits = [policy.delay(n).total_seconds() for n in range(1, 7)]
    assert waits == [5, 10, 20, 40, 60, 60]


def test_a_delivery_is_given_up_once_its_next_try_would_fall_past_the_window() -> None:
    policy = RetryPolicy()  # 24 h
    created = NOW
    assert policy.next_attempt(created, 3, NOW + timedelta(hours=1)) is not None
    assert policy.next_attempt(created, 30, NOW + timedelta(hours=23, minutes=30)) is None
