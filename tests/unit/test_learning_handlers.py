"""Learning's rules, on in-memory storage."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from contracts import Envelope, ModuleCompleted, SchoolEnrolled
from services.learning.domain.errors import SchoolNotEnrolled
from services.learning.service_layer.commands import RecordModuleCompletion
from services.learning.service_layer.handlers import note_school_enrolled, record_module_completion
from tests.unit.fakes import FakeLearningUnitOfWork

WHEN = datetime(2026, 10, 1, 15, 30, tzinfo=UTC)


def _enrolled(urn: str = "123456") -> tuple[SchoolEnrolled, Envelope]:
    event = SchoolEnrolled(urn=urn, cohort_id="oxon-2026", school_name="Cherwell Primary", enrolled_on=date(2026, 9, 1))
    return event, Envelope(id=uuid4(), source=event.source, type=event.subject, time=WHEN, subject=urn)


async def test_completion_for_an_enrolled_school_is_published_with_ids_only() -> None:
    uow = FakeLearningUnitOfWork()
    await note_school_enrolled(uow, *_enrolled())
    staff_id = uuid4()

    completion, is_new = await record_module_completion(uow, RecordModuleCompletion(staff_id, "123456", 4, WHEN))

    assert is_new
    assert uow.published == [
        ModuleCompleted(
            completion_id=completion.completion_id,
            staff_id=staff_id,
            urn="123456",
            cohort_id="oxon-2026",
            module_number=4,
            completed_at=WHEN,
        )
    ]


async def test_second_completion_of_the_same_module_changes_nothing() -> None:
    uow = FakeLearningUnitOfWork()
    await note_school_enrolled(uow, *_enrolled())
    command = RecordModuleCompletion(uuid4(), "123456", 4, WHEN)
    first, _ = await record_module_completion(uow, command)

    again, is_new = await record_module_completion(uow, command)

    assert (again, is_new) == (first, False)
    assert len(uow.published) == 1


async def test_completion_for_a_school_not_enrolled_is_refused() -> None:
    uow = FakeLearningUnitOfWork()

    with pytest.raises(SchoolNotEnrolled, match="123456"):
        await record_module_completion(uow, RecordModuleCompletion(uuid4(), "123456", 1, WHEN))

    assert uow.published == []


async def test_redelivered_enrolment_is_applied_once() -> None:
    uow = FakeLearningUnitOfWork()
    event, envelope = _enrolled()

    await note_school_enrolled(uow, event, envelope)
    await note_school_enrolled(uow, event, envelope)

    assert uow.commits == 1
