"""Rating scales shaped like US Core's Screening Assessment: a QuestionnaireResponse of the
answers, an Observation per item, one for the total, and a panel Observation whose
``hasMember`` holds them all (category ``survey``).

The total is the service's own score as the journey's facts keep it (a client's total is
never trusted, J-14); LOINC codes where LOINC has the instrument, this service's own
codes for the rest (docs/fhir.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.fact_records import MeasureFact
from interface.fhir.builder import Builder, instant
from interface.fhir.codes import (
    LOINC,
    OBSERVATION_CATEGORY,
    UCUM,
    coding,
    concept,
    local_system,
)
from interface.fhir.journey_record import ClinicalEntry


@dataclass(frozen=True)
class Instrument:
    system: str
    panel: tuple[str, str]
    total: tuple[str, str]
    items: tuple[str, ...]
    answers: tuple[tuple[str, str], ...] = ()
    """LOINC answer codes by points (0, 1, ...), where LOINC has the answer list."""
    self_reported: bool = True
    """The patient answers it (the QuestionnaireResponse's source, the Observations'
    performer); the C-SSRS screener is asked by a clinician."""


FREQUENCY = (
    ("LA6568-5", "Not at all"),
    ("LA6569-3", "Several days"),
    ("LA6570-1", "More than half the days"),
    ("LA6571-9", "Nearly every day"),
)
"""LOINC answer list LL358-3, shared by PHQ-9 and GAD-7 items."""


def _local(name: str, count: int, self_reported: bool) -> Instrument:
    system = local_system("scale")
    return Instrument(
        system,
        (name, f"{name} panel"),
        (f"{name}-total", f"{name} total score"),
        tuple(f"{name}-{n}" for n in range(1, count + 1)),
        self_reported=self_reported,
    )


INSTRUMENTS = {
    "PHQ-9": Instrument(
        LOINC,
        ("44249-1", "PHQ-9 quick depression assessment panel"),
        ("44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"),
        (
            "44250-9",
            "44255-8",
            "44259-0",
            "44254-1",
            "44251-7",
            "44258-2",
            "44252-5",
            "44253-3",
            "44260-8",
        ),
        FREQUENCY,
    ),
    "GAD-7": Instrument(
        LOINC,
        ("69737-5", "Generalized anxiety disorder 7 item (GAD-7)"),
        ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"),
        ("69725-0", "68509-9", "69733-4", "69734-2", "69735-9", "69689-8", "69736-7"),
        FREQUENCY,
    ),
    "PCL-5": _local("PCL-5", 20, self_reported=True),
    "C-SSRS": _local("C-SSRS", 6, self_reported=False),
}


def scale_resources(builder: Builder) -> None:
    measures = {m["version"]: m for m in builder.record.facts.measures}
    for entry in builder.record.of_type("OutcomeMeasureRecorded"):
        measure = measures.get(entry.version)
        instrument = INSTRUMENTS.get(str(entry.data.get("instrument")))
        if measure is not None and instrument is not None:
            _scale(builder, entry, measure, instrument)


def _scale(
    builder: Builder, entry: ClinicalEntry, measure: MeasureFact, instrument: Instrument
) -> None:
    key = f"scale/{entry.version}"
    answers = [_answer(instrument, points) for points in measure["items"]]
    response = builder.add(
        {
            "resourceType": "QuestionnaireResponse",
            "id": builder.id_for(f"QuestionnaireResponse/{key}"),
            "status": "completed",
            "subject": builder.patient(),
            "authored": instant(entry.occurred_at),
            "author": builder.recorder(entry),
            **({"source": builder.patient()} if instrument.self_reported else {}),
            "item": [
                {"linkId": code, "answer": [answer]}
                for code, answer in zip(instrument.items, answers, strict=True)
            ],
        },
        entry.sources,
    )
    common: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [concept(OBSERVATION_CATEGORY, "survey", "Survey")],
        "subject": builder.patient(),
        "effectiveDateTime": instant(entry.occurred_at),
        "derivedFrom": [builder.ref(response)],
    }
    performer = builder.patient() if instrument.self_reported else builder.person(entry)
    if performer is not None:
        common["performer"] = [performer]
    encounter = builder.session_encounter(measure["session"])
    if encounter is not None:
        common["encounter"] = encounter
    members = []
    for number, (code, answer) in enumerate(zip(instrument.items, answers, strict=True), 1):
        value = (
            {"valueCodeableConcept": {"coding": [answer["valueCoding"]]}}
            if "valueCoding" in answer
            else {"valueInteger": answer["valueInteger"]}
        )
        members.append(
            builder.add(
                {
                    **common,
                    "id": builder.id_for(f"Observation/{key}/item/{number}"),
                    "code": {"coding": [coding(instrument.system, code)]},
                    **value,
                },
                entry.sources,
            )
        )
    total = builder.add(
        {
            **common,
            "id": builder.id_for(f"Observation/{key}/total"),
            "code": concept(instrument.system, *instrument.total),
            "valueQuantity": {
                "value": measure["total"],
                "unit": "{score}",
                "system": UCUM,
                "code": "{score}",
            },
            "interpretation": [{"text": measure["band"]}],
        },
        entry.sources,
    )
    members.append(total)
    builder.add(
        {
            **common,
            "id": builder.id_for(f"Observation/{key}/panel"),
            "code": concept(instrument.system, *instrument.panel),
            "hasMember": [builder.ref(m) for m in members],
        },
        entry.sources,
    )


def _answer(instrument: Instrument, points: int) -> dict[str, Any]:
    if instrument.answers:
        code, display = instrument.answers[points]
        return {"valueCoding": coding(LOINC, code, display)}
    return {"valueInteger": points}
