"""An integrator's client, generated from the schema alone: ``openapi-python-client``
reads /openapi.json of a real server, and the README's walk-through (docs/walkthrough.sh)
runs through the generated package against that server, on SQLite and PostgreSQL, each
answer parsed into its model."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from interface.demo.content import CONTRAINDICATIONS
from tests.databases import throwaway_postgres
from tests.e2e.server import Server, running_server
from tests.integration.journeys_app import new_key

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "kap_journeys_client"
VITALS = {"systolic": 128, "diastolic": 82, "heart_rate": 74, "spo2": 98}
RECORDER = {
    "ConsultationCompleted": ("dr-lee", "prescriber"),
    "ScreeningCompleted": ("dr-lee", "prescriber"),
    "ConsentSigned": ("dr-lee", "prescriber"),
    "OutcomeMeasureRecorded": ("ther-ana", "therapist"),
    "PreparationCompleted": ("ther-ana", "therapist"),
    "GuidedTherapyNoted": ("ther-ana", "therapist"),
    "IntegrationCompleted": ("ther-ana", "therapist"),
}
"""Who records each type, as the walk-through has it (rule J-17); the nurse otherwise."""


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp("generated-client")
    with ExitStack() as stack:
        url = (
            f"sqlite:///{workdir / 'kap.db'}"
            if request.param == "sqlite"
            else stack.enter_context(throwaway_postgres())
        )
        env = {"KAP_CIPHER_KEY": new_key()}  # PostgreSQL needs one; SQLite may have one
        yield stack.enter_context(running_server(url, workdir, env))


@pytest.fixture(scope="module")
def client_package(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The package generated from the server's /openapi.json, imported."""
    out = tmp_path_factory.mktemp("client")
    done = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--url",
            f"{server.url}/openapi.json",
            "--meta",
            "none",
            "--output-path",
            str(out / PACKAGE),
        ],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout, done.stdout  # no schema left out of the client
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def _module(package: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{package.__name__}.{name}")


class Walk:
    """The walk-through's steps through the generated client."""

    def __init__(self, package: ModuleType, server: Server) -> None:
        self.package = package
        self.models = _module(package, "models")
        self.append = _module(package, "api.events.append_event")
        client_class = _module(package, "client").AuthenticatedClient
        self.ehr = client_class(
            base_url=server.url, token=server.token("clinic_system", "clinic-a", "ehr")
        )
        self.staff = client_class(
            base_url=server.url, token=server.token("staff", "clinic-a", "front-desk")
        )
        self.now = datetime.now(UTC)
        self.journey_id: Any = None

    def at(self, **ago: float) -> str:
        return (self.now - timedelta(**ago)).isoformat()

    def post(self, event_type: str, occurred_at: str, data: dict[str, Any], **headers: str) -> Any:
        who, role = RECORDER.get(event_type, ("nurse-kim", "nurse"))
        envelope = getattr(self.models, f"{event_type}Create").from_dict(
            {
                "type": event_type,
                "occurred_at": occurred_at,
                "recorded_by": {"id": who, "role": role},
                "data": data,
            }
        )
        return self.append.sync_detailed(self.journey_id, client=self.ehr, body=envelope, **headers)


def _recorded(answer: Any, walk: Walk, status: int = 201) -> Any:
    assert answer.status_code == status, answer.content
    assert isinstance(answer.parsed, walk.models.AppendPublic), answer.parsed
    return answer.parsed


def _refused(answer: Any, walk: Walk, rule: str) -> None:
    assert answer.status_code == 409, answer.content
    assert isinstance(answer.parsed, walk.models.Problem), answer.parsed
    assert answer.parsed.rule == rule


@pytest.mark.e2e
def test_the_readme_walkthrough_runs_through_a_client_generated_from_the_schema(
    client_package: ModuleType, server: Server
) -> None:
    walk = Walk(client_package, server)
    open_journey = _module(client_package, "api.journeys.open_journey")

    # 1. The clinic system opens the journey.
    opened = open_journey.sync_detailed(
        client=walk.ehr,
        body=walk.models.JourneyCreate.from_dict(
            {
                "patient_ref": "MRN-CLIENT-1",
                "episode": 1,
                "protocol": "kap-standard",
                "primary_clinician": "dr-lee",
                "presenting_concerns": ["treatment_resistant_depression"],
                "occurred_at": walk.at(days=3),
                "recorded_by": {"id": "coord-sam", "role": "coordinator"},
            }
        ),
    )
    walk.journey_id = _recorded(opened, walk).journey_id

    # 2. Consent before screening: refused by J-03.
    consent = {"form": "kap-consent", "form_version": "2026-01", "risks_discussed": True}
    _refused(walk.post("ConsentSigned", walk.at(days=3), consent), walk, "J-03")

    # 3. Consultation, baseline, screening, consent, preparation.
    for event_type, hours, data in (
        (
            "ConsultationCompleted",
            70,
            {
                "modality": "in_person",
                "medical_history": "none relevant",
                "current_symptoms": "low mood",
                "treatment_goals": ["return to work"],
                "adequate_antidepressant_trials": 3,
                "mental_status_exam": {"suicidal_ideation": False},
                "vitals": VITALS,
                "weight_kg": 70,
            },
        ),
        (
            "OutcomeMeasureRecorded",
            69,
            {"instrument": "PHQ-9", "items": [2, 3, 2, 2, 2, 2, 2, 2, 0], "timepoint": "baseline"},
        ),
        (
            "ScreeningCompleted",
            68,
            {
                "contraindications": dict.fromkeys(CONTRAINDICATIONS, False),
                "medical_clearance": True,
                "decision": "eligible",
                "rationale": "no contraindications",
            },
        ),
        ("ConsentSigned", 67, consent),
        (
            "PreparationCompleted",
            66,
            {
                "modality": "telehealth",
                "education_topics": ["dissociation"],
                "intentions": ["understand my grief"],
                "dosing_plan": {"route": "im", "planned_dose_mg": 35},
                "expectations_discussed": True,
            },
        ),
    ):
        _recorded(walk.post(event_type, walk.at(hours=hours), data), walk)

    # 4. The pre-dose check of session 1.
    pre_dose = {
        "session": 1,
        "last_food_at": walk.at(hours=34),
        "last_clear_liquid_at": walk.at(hours=29),
        "alcohol_or_drugs_last_24h": False,
        "transport": {"arranged": True, "escort_name": "Jo", "mode": "car"},
        "vitals": VITALS,
        "pregnancy_test": "not_applicable",
    }
    _recorded(walk.post("PreDoseCheckCompleted", walk.at(hours=26, minutes=20), pre_dose), walk)

    # 5. A dose without the therapist in the room: refused by J-05.
    dose_at = walk.at(hours=26)
    dose = {
        "session": 1,
        "route": "im",
        "dose_mg": 35,
        "weight_kg": 70,
        "administered_by": "nurse-kim",
        "therapist_present": None,
        "prescriber_on_site": None,
        "lot_number": "KET-118",
        "override": None,
    }
    _refused(walk.post("KetamineAdministered", dose_at, dose), walk, "J-05")

    # 6. With the therapist (201); the retry with the same key answers the first (200).
    dose["therapist_present"] = "ther-ana"
    first = _recorded(
        walk.post("KetamineAdministered", dose_at, dose, idempotency_key="dose-1"), walk
    )
    again = walk.post("KetamineAdministered", dose_at, dose, idempotency_key="dose-1")
    assert _recorded(again, walk, 200).version == first.version

    # 7. Guided therapy, the vitals, then a discharge after 30 minutes: refused by J-10.
    therapy = {"session": 1, "techniques": ["grounding"], "note": "settled"}
    _recorded(walk.post("GuidedTherapyNoted", walk.at(hours=25, minutes=40), therapy), walk)
    vitals = {"session": 1, "vitals": VITALS}
    _recorded(walk.post("VitalsRecorded", walk.at(hours=25, minutes=20), vitals), walk)
    discharge = {
        "session": 1,
        "vitals": VITALS,
        "alert_and_oriented": True,
        "released_to": "Jo",
        "instructions": ["no driving until tomorrow"],
        "override": None,
        "sedation_resolved": True,
        "dissociation_resolved": True,
    }
    early = walk.post("PatientDischarged", walk.at(hours=25, minutes=30), discharge)
    _refused(early, walk, "J-10")

    # 8. Discharge after 75 minutes, and the integration session.
    discharged = walk.post("PatientDischarged", walk.at(hours=24, minutes=45), discharge)
    assert _recorded(discharged, walk).next_step.code == "integrate_session"
    integration = {
        "session": 1,
        "modality": "telehealth",
        "insights": "felt lighter",
        "practices": ["journaling"],
    }
    _recorded(walk.post("IntegrationCompleted", walk.at(hours=2), integration), walk)

    # 9. Staff read where the journey stands.
    read_status = _module(client_package, "api.journeys.get_journey_status")
    status = read_status.sync_detailed(walk.journey_id, client=walk.staff)
    assert status.status_code == 200, status.content
    assert isinstance(status.parsed, walk.models.JourneyPublic)
    assert status.parsed.sessions_completed == 1
    assert status.parsed.outcomes["PHQ-9"].baseline == 17

    # 10. And the full history, each event with who recorded it, from which system.
    read_history = _module(client_package, "api.journeys.get_journey_history")
    history = read_history.sync_detailed(walk.journey_id, client=walk.staff)
    assert history.status_code == 200, history.content
    last = history.parsed.events[-1]
    assert (last.version, last.type_, last.recorded_by.id, last.source) == (
        12,
        "IntegrationCompleted",
        "ther-ana",
        "ehr",
    )
