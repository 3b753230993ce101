"""Dose limits under protocol 2027-1 (J-07, J-08) over HTTP, on SQLite and PostgreSQL:
the recorded weight, IV infusion minutes, an in-session booster, the medication
reconciliation Spravato needs and the interaction review it asks of a prescriber."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.integration.http.conftest import Api, assert_problem
from tests.story import START, Step, dosing_session, intake, step

DOSE_AT = START + timedelta(days=10)
MIN = timedelta(minutes=1)
BENZODIAZEPINE = [{"name": "lorazepam", "class": "benzodiazepine", "dose": "1 mg at night"}]


def checked(api: Api, protocol: str = "kap-standard", steps: list[Step] | None = None) -> str:
    """Intake (``steps`` instead where given), then session 1's pre-dose check."""
    spravato = protocol == "spravato-rems"
    journey_id = api.journey(protocol=protocol)
    before = steps if steps is not None else intake(route="intranasal" if spravato else "im")
    api.post_all(journey_id, [*before, dosing_session(1, DOSE_AT, protocol=protocol)[0]])
    return journey_id


def kap_dose(at=DOSE_AT, **changes: Any) -> Step:
    return step("KetamineAdministered", at, session=1, **changes)


def refused_under(api: Api, journey_id: str, s: Step, rule: str) -> str:
    """The step is refused under ``rule`` and the journey keeps its version."""
    version = api.version(journey_id)
    problem = assert_problem(api.post(journey_id, s), 409, "protocol_violation")
    assert problem["rule"] == rule, problem
    assert api.version(journey_id) == version
    return str(problem["detail"])


def status(api: Api, journey_id: str) -> dict[str, Any]:
    answer = api.status(journey_id)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_a_dose_weight_more_than_5_percent_from_the_record_is_409_j07(api: Api) -> None:
    journey_id = checked(api)

    detail = refused_under(api, journey_id, kap_dose(weight_kg=74), "J-07")
    accepted = api.post(journey_id, kap_dose(weight_kg=73.5))

    assert "more than 5 % from the recorded 70 kg" in detail
    assert accepted.status_code == 201, accepted.text


def test_an_iv_dose_without_its_infusion_minutes_is_409_j07(api: Api) -> None:
    journey_id = checked(api)

    detail = refused_under(api, journey_id, kap_dose(route="iv"), "J-07")
    accepted = api.post(journey_id, kap_dose(route="iv", infusion_minutes=40))

    assert "infusion_minutes of 40 or more" in detail
    assert accepted.status_code == 201, accepted.text


def test_a_kap_booster_is_recorded_in_the_session_and_a_second_is_409(api: Api) -> None:
    journey_id = checked(api)
    api.post_all(journey_id, [kap_dose(dose_mg=35)])

    beyond = refused_under(
        api, journey_id, kap_dose(DOSE_AT + 20 * MIN, booster=True, dose_mg=18), "J-07"
    )
    api.post_all(journey_id, [kap_dose(DOSE_AT + 20 * MIN, booster=True, dose_mg=17.5)])
    second = refused_under(
        api, journey_id, kap_dose(DOSE_AT + 30 * MIN, booster=True, dose_mg=1), "J-07"
    )
    not_booster = refused_under(api, journey_id, kap_dose(DOSE_AT + 30 * MIN), "J-08")

    assert "give at most 17.5 mg" in beyond
    assert "already has 1 booster(s)" in second
    assert "booster (booster true)" in not_booster
    doses = [e for e in api.history(journey_id) if e["type"] == "KetamineAdministered"]
    assert [e["data"].get("booster", False) for e in doses] == [False, True]
    assert status(api, journey_id)["session_state"] == "dosed"


def test_a_spravato_booster_is_409_j07(api: Api) -> None:
    journey_id = checked(api, "spravato-rems")
    first = dosing_session(1, DOSE_AT, protocol="spravato-rems")[1]
    api.post_all(journey_id, [first])
    booster = Step(first.type, DOSE_AT + 20 * MIN, {**first.data, "booster": True}, first.role)

    detail = refused_under(api, journey_id, booster, "J-07")

    assert "allows no boosters" in detail


def test_a_spravato_dose_without_a_recent_reconciliation_is_409_j07(api: Api) -> None:
    without = [s for s in intake(route="intranasal") if s.type != "MedicationsReconciled"]
    journey_id = checked(api, "spravato-rems", without)
    first = dosing_session(1, DOSE_AT, protocol="spravato-rems")[1]

    detail = refused_under(api, journey_id, first, "J-07")
    blockers = status(api, journey_id)["blockers"]
    api.post_all(journey_id, [step("MedicationsReconciled", DOSE_AT - 5 * MIN), first])

    assert "record MedicationsReconciled" in detail
    assert any("MedicationsReconciled" in b["text"] for b in blockers)


def test_an_interacting_medication_is_flagged_until_a_prescriber_reviews_it(api: Api) -> None:
    journey_id = api.journey()
    reconciled = step(
        "MedicationsReconciled", START + timedelta(days=1), medications=BENZODIAZEPINE
    )
    api.post_all(journey_id, [*intake()[:1], reconciled])
    flagged = status(api, journey_id)

    review = step("SafetyReviewCompleted", START + timedelta(days=2), interactions_reviewed=True)
    api.post_all(journey_id, [review])
    reviewed = status(api, journey_id)
    relisted = Step(reconciled.type, START + timedelta(days=3), reconciled.data, reconciled.role)
    api.post_all(journey_id, [relisted])

    assert "interaction_review" in flagged["flags"]
    [detail] = flagged["flag_details"]["interaction_review"]
    assert "Benzodiazepines may blunt the response" in detail["text"]
    assert "interaction_review" not in reviewed["flags"]
    assert "interaction_review" in status(api, journey_id)["flags"]


def test_an_empty_medication_list_raises_no_flag(api: Api) -> None:
    journey_id = api.journey()
    empty = step("MedicationsReconciled", START + timedelta(days=2), medications=[])

    api.post_all(journey_id, [*intake()[:1], empty])

    assert "interaction_review" not in status(api, journey_id)["flags"]
