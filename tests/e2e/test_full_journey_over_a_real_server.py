"""A clinic system walks one kap-standard journey through a real server process,
and staff read the right stage and next step after every step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.e2e.server import running_server
from tests.story import Step, dosing_session, intake, step

SESSIONS = 6


def story(now: datetime) -> list[tuple[Step, str, str]]:
    """Every step with the stage and next step the clinic should see after it."""
    start = now - timedelta(days=22)
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
        last = n == SESSIONS
        expected = [
            ("prepared" if n == 1 else "in_treatment", "administer_dose"),
            ("in_treatment", "discharge"),
            ("in_treatment", "discharge"),
            ("in_treatment", "integrate_session"),
            ("series_complete", "update_treatment_plan")
            if last
            else ("in_treatment", "pre_dose_check"),
        ]
        steps += list(zip(dosing_session(n, dose_at), expected, strict=True))
    plan = step(
        "TreatmentPlanUpdated",
        start + timedelta(days=19),
        phase="maintenance",
        further_sessions=2,
        interval_weeks=4,
    )
    steps.append((plan, ("maintenance", "pre_dose_check")))
    maintenance = [
        ("maintenance", "administer_dose"),
        ("maintenance", "discharge"),
        ("maintenance", "discharge"),
        ("maintenance", "integrate_session"),
        ("maintenance", "pre_dose_check"),
    ]
    steps += list(
        zip(dosing_session(SESSIONS + 1, start + timedelta(days=20)), maintenance, strict=True)
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
            "occurred_at": (now - timedelta(days=22)).isoformat(),
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
