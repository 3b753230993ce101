"""A clinic system walks one kap-standard journey through a real server process,
and staff read the right stage and next step after every step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.e2e.server import running_server
from tests.story import Step, dosing_session, intake, phq9, step

SESSIONS = 6
STARTED_AGO = timedelta(days=30)
"""When the journey opened: room for the series, a weekly plan's wait and one more dose."""
AFTER_SESSION_3 = [2, 2, 2, 1, 1, 1, 1, 1, 0]
END_OF_SERIES = [1, 1, 1, 1, 1, 0, 0, 0, 0]


def session_rows(
    n: int, dose_at: datetime, stage: str, after: tuple[str, str]
) -> list[tuple[Step, tuple[str, str]]]:
    """One session's steps, each with what the clinic should see after it: dosed, the
    in-session reading is due before the discharge (2027-1)."""
    expected = [
        ("prepared" if n == 1 else stage, "administer_dose"),
        (stage, "record_vitals"),
        (stage, "record_vitals"),
        (stage, "discharge"),
        (stage, "integrate_session"),
        after,
    ]
    return list(zip(dosing_session(n, dose_at), expected, strict=True))


def story(now: datetime) -> list[tuple[Step, str, str]]:
    """Every step with the stage and next step the clinic should see after it."""
    start = now - STARTED_AGO
    steps = list(
        zip(
            intake(start),
            [
                ("consulted", "record_baseline"),
                ("consulted", "complete_screening"),
                ("screened", "sign_consent"),
                ("consented", "complete_preparation"),
                ("prepared", "pre_dose_check"),
            ],
            strict=True,
        )
    )
    for n in range(1, SESSIONS + 1):
        dose_at = start + timedelta(days=4) + timedelta(hours=60) * (n - 1)
        after = ("in_treatment", "pre_dose_check")
        if n == 3:  # the PHQ-9 the profile schedules after session 3 comes first
            after = ("in_treatment", "record_measure")
        if n == SESSIONS:  # and the end-of-series PHQ-9 before the plan
            after = ("series_complete", "record_measure")
        steps += session_rows(n, dose_at, "in_treatment", after)
        if n == 3:
            taken = phq9(AFTER_SESSION_3, dose_at + timedelta(days=1, hours=2), "follow_up")
            steps.append((taken, ("in_treatment", "pre_dose_check")))
    last_dose = start + timedelta(days=4) + timedelta(hours=60) * (SESSIONS - 1)
    measured = phq9(END_OF_SERIES, last_dose + timedelta(days=1, hours=2), "end_of_series")
    steps.append((measured, ("series_complete", "update_treatment_plan")))
    plan = step(
        "TreatmentPlanUpdated",
        last_dose + timedelta(days=2),
        phase="maintenance",
        further_sessions=2,
        interval_weeks=1,
    )
    steps.append((plan, ("maintenance", "pre_dose_check")))
    maintenance_dose = last_dose + timedelta(days=7)  # a week on, as the plan says
    steps += session_rows(
        SESSIONS + 1, maintenance_dose, "maintenance", ("maintenance", "pre_dose_check")
    )
    return [(s, stage, nxt) for s, (stage, nxt) in steps]


@pytest.mark.e2e
def test_a_full_kap_standard_journey_over_http(tmp_path):
    with running_server(f"sqlite:///{tmp_path / 'kap.db'}", tmp_path) as server:
        ehr = server.token("clinic_system", "clinic-a", "ehr")
        staff = server.token("staff", "clinic-a", "front-desk")
        now = datetime.now(UTC)
        client = httpx.Client(base_url=server.url, timeout=10)
        opening = {
            "patient_ref": "MRN-0042",
            "episode": 1,
            "protocol": "kap-standard",
            "primary_clinician": "dr-lee",
            "presenting_concerns": ["treatment_resistant_depression"],
            "occurred_at": (now - STARTED_AGO).isoformat(),
            "recorded_by": {"id": "coord-sam", "role": "coordinator"},
        }
        opened = client.post(
            "/v1/journeys", json=opening, headers={"Authorization": f"Bearer {ehr}"}
        )
        assert opened.status_code == 201, opened.text
        journey_id = opened.json()["journey_id"]
        assert opened.json()["next_step"]["code"] == "complete_consultation"

        for number, (s, stage, next_step) in enumerate(story(now), start=2):
            answer = client.post(
                f"/v1/journeys/{journey_id}/events",
                json=s.envelope(),
                headers={"Authorization": f"Bearer {ehr}", "Idempotency-Key": f"step-{number}"},
            )
            assert answer.status_code == 201, (s.type, answer.text)
            body = answer.json()
            assert (body["version"], body["stage"], body["next_step"]["code"]) == (
                number,
                stage,
                next_step,
            ), s.type

        status = client.get(
            f"/v1/journeys/{journey_id}", headers={"Authorization": f"Bearer {staff}"}
        ).json()
        assert status["stage"] == "maintenance"
        assert status["sessions_completed"] == SESSIONS + 1
        assert [row["session"] for row in status["sessions"]] == list(range(1, SESSIONS + 2))
        (blocker,) = status["blockers"]
        assert blocker["rule"] == "J-04"
        assert blocker["text"].startswith(f"No pre-dose check for session {SESSIONS + 2}")
        history = client.get(
            f"/v1/journeys/{journey_id}/history", headers={"Authorization": f"Bearer {staff}"}
        ).json()["events"]
        assert len(history) == status["version"]
        assert all(e["source"] == "ehr" for e in history[1:])
