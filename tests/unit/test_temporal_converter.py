"""The platform's payload converter: pydantic-aware, with one type adapter per type for the whole process.

The SDK makes a new payload converter for every workflow run; a bulk enrolment starts thousands of journeys, and
each run building `JourneyStart`'s schema again was a third of the worker's CPU.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from temporalio.api.common.v1 import Payload

from contracts.programme import PlanTargets
from runtime.temporal import DATA_CONVERTER
from services.enrolment.domain.model import programme_plan
from workflows.journey import messages as m
from workflows.journey.plan import journey_plan


def _start() -> m.JourneyStart:
    enrolled_on = date(2026, 9, 1)
    return m.JourneyStart(
        event_id=str(uuid.uuid4()),
        urn="123456",
        cohort_id="oxon-2026",
        local_authority="Oxfordshire",
        enrolled_on=enrolled_on,
        plan=journey_plan(programme_plan(enrolled_on, PlanTargets(), None)),
        half_terms=[m.HalfTermSpan("2026-27-autumn-1", date(2026, 9, 1), date(2026, 10, 23))],
    )


def test_every_run_reads_a_journey_start_as_it_was_written() -> None:
    start = _start()
    [payload] = DATA_CONVERTER.payload_converter.to_payloads([start])

    # Two workflow runs, each with the converter the SDK makes for a run.
    for _ in range(2):
        [read] = DATA_CONVERTER._new_payload_converter().from_payloads([payload], [m.JourneyStart])
        assert read == start


def test_a_second_run_builds_no_schema_the_first_one_built(monkeypatch: pytest.MonkeyPatch) -> None:
    [payload] = DATA_CONVERTER.payload_converter.to_payloads([_start()])
    DATA_CONVERTER._new_payload_converter().from_payloads([payload], [m.JourneyStart])
    built: list[object] = []
    monkeypatch.setattr("pydantic.TypeAdapter.__init__", lambda *args, **kwargs: built.append(args))

    DATA_CONVERTER._new_payload_converter().from_payloads([payload], [m.JourneyStart])

    assert built == []


def test_a_payload_that_does_not_fit_the_type_is_refused_with_the_field_named() -> None:
    bad = Payload(metadata={"encoding": b"json/plain"}, data=b'{"urn": "123456"}')

    with pytest.raises(ValueError, match="cohort_id"):
        DATA_CONVERTER._new_payload_converter().from_payloads([bad], [m.JourneyStart])
