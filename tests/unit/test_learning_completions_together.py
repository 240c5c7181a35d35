"""Completions recorded together: each gets the answer it would have had alone, in one unit of work."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from contracts import Envelope, Event, ModuleCompleted, SchoolEnrolled, StaffRegistered
from services.learning.bootstrap import bootstrap
from services.learning.domain.errors import SchoolNotEnrolled, StaffNotRegistered
from services.learning.domain.model import CompletionContext, ModuleCompletion
from services.learning.service_layer.commands import RecordModuleCompletion
from services.learning.service_layer.completions_together import CompletionsTogether
from services.learning.service_layer.handlers import record_module_completion, record_module_completions
from tests.unit.learning_fakes import FakeLearningUnitOfWork

WHEN = datetime(2026, 10, 1, 15, 30, tzinfo=UTC)
URN = "123456"


async def _deliver(uow: FakeLearningUnitOfWork, event: Event) -> None:
    envelope = Envelope(id=uuid4(), source=event.source, type=event.subject, time=WHEN, subject=event.entity())
    await bootstrap(lambda: uow).handle(event, envelope)


async def _school_with_staff(uow: FakeLearningUnitOfWork, count: int) -> list[UUID]:
    await _deliver(
        uow,
        SchoolEnrolled(urn=URN, cohort_id="oxon-2026", school_name="Cherwell Primary", enrolled_on=date(2026, 9, 1)),
    )
    staff = [uuid4() for _ in range(count)]
    for staff_id in staff:
        await _deliver(
            uow,
            StaffRegistered(
                staff_id=staff_id, urn=URN, cohort_id="oxon-2026", role="teacher", starts_on=date(2026, 9, 1)
            ),
        )
    return staff


def _completions(uow: FakeLearningUnitOfWork) -> list[ModuleCompleted]:
    return [event for event in uow.published if isinstance(event, ModuleCompleted)]


async def test_a_batch_records_each_new_completion_once_with_one_event_each_in_one_commit() -> None:
    uow = FakeLearningUnitOfWork()
    staff = await _school_with_staff(uow, 5)
    commits = uow.commits

    outcomes = await record_module_completions(uow, [RecordModuleCompletion(s, URN, 3, WHEN) for s in staff])

    assert all(isinstance(o, tuple) and o[1] for o in outcomes)
    assert sorted(e.staff_id for e in _completions(uow)) == sorted(staff)
    assert uow.commits == commits + 1


async def test_a_repeat_in_the_same_batch_answers_with_the_first_and_publishes_nothing_more() -> None:
    uow = FakeLearningUnitOfWork()
    (staff_id,) = await _school_with_staff(uow, 1)
    command = RecordModuleCompletion(staff_id, URN, 3, WHEN)

    first, again = await record_module_completions(uow, [command, command])

    assert isinstance(first, tuple)
    assert isinstance(again, tuple)
    assert first[1]
    assert again == (first[0], False)
    assert [e.completion_id for e in _completions(uow)] == [first[0].completion_id]


async def test_a_completion_recorded_before_the_batch_is_answered_unchanged() -> None:
    uow = FakeLearningUnitOfWork()
    (staff_id,) = await _school_with_staff(uow, 1)
    earlier, _ = await record_module_completion(uow, RecordModuleCompletion(staff_id, URN, 3, WHEN))

    (outcome,) = await record_module_completions(uow, [RecordModuleCompletion(staff_id, URN, 3, WHEN)])

    assert outcome == (earlier, False)
    assert len(_completions(uow)) == 1


async def test_a_refused_completion_gets_its_own_error_and_the_others_are_recorded() -> None:
    uow = FakeLearningUnitOfWork()
    staff = await _school_with_staff(uow, 2)
    stranger = uuid4()

    outcomes = await record_module_completions(
        uow,
        [
            RecordModuleCompletion(staff[0], URN, 1, WHEN),
            RecordModuleCompletion(stranger, URN, 1, WHEN),
            RecordModuleCompletion(staff[1], "999999", 1, WHEN),
            RecordModuleCompletion(staff[1], URN, 1, WHEN),
        ],
    )

    assert isinstance(outcomes[1], StaffNotRegistered)
    assert str(stranger) in str(outcomes[1])
    assert isinstance(outcomes[2], SchoolNotEnrolled)
    assert sorted(e.staff_id for e in _completions(uow)) == sorted(staff)


async def test_a_batch_of_refusals_only_commits_nothing() -> None:
    uow = FakeLearningUnitOfWork()
    commits = uow.commits

    (outcome,) = await record_module_completions(uow, [RecordModuleCompletion(uuid4(), URN, 1, WHEN)])

    assert isinstance(outcome, SchoolNotEnrolled)
    assert (uow.commits, _completions(uow)) == (commits, [])


async def test_concurrent_requests_get_the_answers_they_would_get_alone() -> None:
    uow = FakeLearningUnitOfWork()
    staff = await _school_with_staff(uow, 3)
    together = CompletionsTogether(lambda: uow)
    commands = [RecordModuleCompletion(s, URN, 2, WHEN) for s in (*staff, staff[0])]

    answers = await asyncio.gather(*(together.record(c) for c in commands))

    recorded: list[ModuleCompletion] = [completion for completion, _ in answers]
    assert [is_new for _, is_new in answers] == [True, True, True, False]
    assert recorded[3] == recorded[0]
    assert len(_completions(uow)) == 3


async def test_a_completion_recorded_by_a_concurrent_request_meanwhile_answers_every_repeat_with_that_one() -> None:
    uow = FakeLearningUnitOfWork()
    (staff_id,) = await _school_with_staff(uow, 1)
    command = RecordModuleCompletion(staff_id, URN, 6, WHEN)
    # Another request stores the same completion after the batch read what was recorded, before it inserts.
    meanwhile = ModuleCompletion(uuid4(), staff_id, URN, "oxon-2026", 6, WHEN)
    read_contexts = uow.completions.contexts

    async def contexts_then_a_race(asked: Sequence[tuple[str, UUID, int]]) -> list[CompletionContext]:
        known = await read_contexts(asked)
        await uow.completions.add(meanwhile)
        return known

    uow.completions.contexts = contexts_then_a_race  # type: ignore[method-assign]

    outcomes = await record_module_completions(uow, [command, command])

    assert outcomes == [(meanwhile, False), (meanwhile, False)]
    assert _completions(uow) == []
