"""Learning's rules for module completions and the roster, on in-memory storage."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest

from contracts import Envelope, Event, ModuleCompleted, SchoolEnrolled, SchoolWithdrawn, StaffLeft, StaffRegistered
from contracts.events.learning import ModuleCompletionWithdrawn
from runtime.errors import RetryLater
from services.learning.bootstrap import bootstrap
from services.learning.domain.errors import (
    CompletionAlreadyWithdrawn,
    SchoolNotActive,
    SchoolNotEnrolled,
    StaffHasLeft,
    StaffNotRegistered,
)
from services.learning.service_layer.commands import RecordModuleCompletion, WithdrawCompletion
from services.learning.service_layer.handlers import (
    record_module_completion,
    withdraw_completion,
)
from tests.unit.learning_fakes import FakeLearningUnitOfWork

WHEN = datetime(2026, 10, 1, 15, 30, tzinfo=UTC)


async def _deliver(uow: FakeLearningUnitOfWork, event: Event, envelope: Envelope) -> None:
    """Hand the event to learning's handler table, as its consumer does (inbox claim, handler, commit)."""
    await bootstrap(lambda: uow).handle(event, envelope)


def _envelope(event: Event) -> Envelope:
    return Envelope(id=uuid4(), source=event.source, type=event.subject, time=WHEN, subject=event.entity())


def _enrolled(urn: str = "123456") -> tuple[SchoolEnrolled, Envelope]:
    event = SchoolEnrolled(urn=urn, cohort_id="oxon-2026", school_name="Cherwell Primary", enrolled_on=date(2026, 9, 1))
    return event, _envelope(event)


async def _school_with_staff(uow: FakeLearningUnitOfWork, urn: str = "123456") -> UUID:
    await _deliver(uow, *_enrolled(urn))
    staff_id = uuid4()
    event = StaffRegistered(
        staff_id=staff_id, urn=urn, cohort_id="oxon-2026", role="teacher", starts_on=date(2026, 9, 1)
    )
    await _deliver(uow, event, _envelope(event))
    return staff_id


async def test_completion_by_registered_staff_is_published_with_ids_only() -> None:
    uow = FakeLearningUnitOfWork()
    staff_id = await _school_with_staff(uow)

    completion, is_new = await record_module_completion(uow, RecordModuleCompletion(staff_id, "123456", 4, WHEN))

    assert is_new
    assert uow.published[-1] == ModuleCompleted(
        completion_id=completion.completion_id,
        staff_id=staff_id,
        urn="123456",
        cohort_id="oxon-2026",
        module_number=4,
        completed_at=WHEN,
    )


async def test_second_completion_of_the_same_module_changes_nothing() -> None:
    uow = FakeLearningUnitOfWork()
    command = RecordModuleCompletion(await _school_with_staff(uow), "123456", 4, WHEN)
    first, _ = await record_module_completion(uow, command)
    published = len(uow.published)

    again, is_new = await record_module_completion(uow, command)

    assert (again, is_new) == (first, False)
    assert len(uow.published) == published


async def test_completion_for_a_school_not_enrolled_is_refused() -> None:
    uow = FakeLearningUnitOfWork()

    with pytest.raises(SchoolNotEnrolled, match="123456"):
        await record_module_completion(uow, RecordModuleCompletion(uuid4(), "123456", 1, WHEN))

    assert uow.published == []


async def test_completion_by_someone_not_registered_there_is_refused_naming_them() -> None:
    uow = FakeLearningUnitOfWork()
    elsewhere = await _school_with_staff(uow, "654321")
    await _deliver(uow, *_enrolled("123456"))

    for stranger in (uuid4(), elsewhere):
        with pytest.raises(StaffNotRegistered, match=str(stranger)):
            await record_module_completion(uow, RecordModuleCompletion(stranger, "123456", 1, WHEN))


async def test_learning_after_the_last_day_does_not_count_but_before_it_does() -> None:
    uow = FakeLearningUnitOfWork()
    staff_id = await _school_with_staff(uow)
    left = StaffLeft(staff_id=staff_id, urn="123456", left_on=WHEN.date())
    await _deliver(uow, left, _envelope(left))

    _, on_last_day = await record_module_completion(uow, RecordModuleCompletion(staff_id, "123456", 1, WHEN))
    with pytest.raises(StaffHasLeft, match=str(staff_id)):
        await record_module_completion(uow, RecordModuleCompletion(staff_id, "123456", 2, WHEN.replace(day=2)))

    assert on_last_day


async def test_withdrawn_school_records_no_more_learning() -> None:
    uow = FakeLearningUnitOfWork()
    staff_id = await _school_with_staff(uow)
    withdrawn = SchoolWithdrawn(urn="123456", cohort_id="oxon-2026", withdrawn_on=WHEN.date())
    await _deliver(uow, withdrawn, _envelope(withdrawn))

    with pytest.raises(SchoolNotActive, match="withdrawn"):
        await record_module_completion(uow, RecordModuleCompletion(staff_id, "123456", 1, WHEN))


async def test_departure_seen_before_the_registration_is_retried_not_lost() -> None:
    uow = FakeLearningUnitOfWork()
    left = StaffLeft(staff_id=uuid4(), urn="123456", left_on=WHEN.date())

    with pytest.raises(RetryLater):
        await _deliver(uow, left, _envelope(left))

    assert uow.inbox == set()


async def test_withdrawn_completion_is_published_once_and_may_be_earned_again() -> None:
    uow = FakeLearningUnitOfWork()
    command = RecordModuleCompletion(await _school_with_staff(uow), "123456", 4, WHEN)
    first, _ = await record_module_completion(uow, command)

    await withdraw_completion(uow, WithdrawCompletion(first.completion_id, "wrong person", WHEN))
    with pytest.raises(CompletionAlreadyWithdrawn):
        await withdraw_completion(uow, WithdrawCompletion(first.completion_id, "again", WHEN))
    second, is_new = await record_module_completion(uow, command)

    withdrawn = [e for e in uow.published if isinstance(e, ModuleCompletionWithdrawn)]
    assert [e.completion_id for e in withdrawn] == [first.completion_id]
    assert "wrong person" not in withdrawn[0].model_dump_json()
    assert is_new
    assert second.completion_id != first.completion_id


async def test_redelivered_enrolment_is_applied_once() -> None:
    uow = FakeLearningUnitOfWork()
    event, envelope = _enrolled()

    await _deliver(uow, event, envelope)
    await _deliver(uow, event, envelope)

    assert uow.commits == 1
