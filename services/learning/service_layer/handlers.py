"""Learning's handlers for the roster and the online modules: plain functions over a unit of work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import TypeVar
from uuid import UUID, uuid4

from contracts import Envelope, Event, SchoolEnrolled, SchoolWithdrawn, StaffLeft, StaffRegistered
from contracts.events.enrolment import CohortCreated, LeadershipDayRescheduled, SchoolCompleted
from runtime.errors import RetryLater
from runtime.handler_table import HandlerTable, on
from services.learning.domain.errors import CompletionAlreadyWithdrawn, CompletionNotFound, LearningError
from services.learning.domain.model import (
    CompletionWithdrawal,
    EnrolledSchool,
    ModuleCompletion,
    ModuleStart,
    SchoolStatus,
    StaffMember,
    learner_of,
)
from services.learning.service_layer.commands import RecordModuleCompletion, RecordModuleStart, WithdrawCompletion
from services.learning.service_layer.sessions import follow_leadership_day_moved, note_cohort_plan
from services.learning.service_layer.unit_of_work import LearningUnitOfWork

__all__ = [
    "EVENT_HANDLERS",
    "complete_module",
    "note_school_ended",
    "note_school_enrolled",
    "note_staff_left",
    "note_staff_registered",
    "record_module_completion",
    "record_module_completions",
    "record_module_start",
    "withdraw_completion",
]


_Recorded = TypeVar("_Recorded")
_Command = TypeVar("_Command")


async def _first_recorded(
    uow: LearningUnitOfWork,
    stored: bool,
    new: _Recorded,
    event: Callable[[], Event],
    first: Callable[[], Awaitable[_Recorded | None]],
) -> tuple[_Recorded, bool]:
    """`new` and True if storage took it (its event is recorded); else the one a concurrent request stored first."""
    if not stored:
        earlier = await first()
        assert earlier is not None
        return earlier, False
    await uow.record(event())
    return new, True


async def _committed_if_new(
    uow: LearningUnitOfWork,
    step: Callable[[LearningUnitOfWork, _Command], Awaitable[tuple[_Recorded, bool]]],
    command: _Command,
) -> tuple[_Recorded, bool]:
    """Run `step` in its own unit of work, committing only what is new (a repeat changes nothing)."""
    async with uow:
        recorded, is_new = await step(uow, command)
        if is_new:
            await uow.commit()
    return recorded, is_new


def _new_completion(learner: StaffMember, command: RecordModuleCompletion) -> ModuleCompletion:
    return ModuleCompletion(
        completion_id=uuid4(),
        staff_id=learner.staff_id,
        urn=learner.urn,
        cohort_id=learner.cohort_id,
        module_number=command.module_number,
        completed_at=command.completed_at,
        statement_id=command.statement_id,
    )


async def complete_module(uow: LearningUnitOfWork, command: RecordModuleCompletion) -> tuple[ModuleCompletion, bool]:
    """Inside an open unit of work: the completion and whether it is new (a repeat changes nothing)."""
    known = await uow.completions.context(command.urn, command.staff_id, command.module_number)
    learner = learner_of(known.school, known.member, command.urn, command.staff_id, command.completed_at.date())
    if known.existing is not None:
        return known.existing, False
    completion = _new_completion(learner, command)
    stored = await uow.completions.add(completion)
    raced = partial(uow.completions.find, command.staff_id, command.module_number)
    return await _first_recorded(uow, stored, completion, completion.completed_event, raced)


async def record_module_completion(
    uow: LearningUnitOfWork, command: RecordModuleCompletion
) -> tuple[ModuleCompletion, bool]:
    """Record a completion; returns it and whether it is new (a repeat changes nothing and publishes nothing)."""
    return await _committed_if_new(uow, complete_module, command)


def _completed_by(completion: ModuleCompletion) -> tuple[UUID, int]:
    return completion.staff_id, completion.module_number


async def record_module_completions(
    uow: LearningUnitOfWork,
    commands: Sequence[RecordModuleCompletion],
    trace_contexts: Sequence[dict[str, str]] | None = None,
) -> list[tuple[ModuleCompletion, bool] | LearningError]:
    """Record many completions in one unit of work: a few statements and one commit whatever their number.

    Each command gets what `record_module_completion` would have answered it, in order: its completion and whether
    it is new, or the refusal it alone earned (the others are recorded all the same). A repeat within the batch
    answers with the batch's first. `trace_contexts`, one per command, say whose trace each event continues.
    """
    async with uow:
        asked = [(c.urn, c.staff_id, c.module_number) for c in commands]
        outcomes: list[tuple[ModuleCompletion, bool] | LearningError] = []
        first_here: dict[tuple[UUID, int], ModuleCompletion] = {}
        for command, known in zip(commands, await uow.completions.contexts(asked), strict=True):
            try:
                learner = learner_of(
                    known.school, known.member, command.urn, command.staff_id, command.completed_at.date()
                )
            except LearningError as refused:
                outcomes.append(refused)
                continue
            key = (command.staff_id, command.module_number)
            earlier = known.existing or first_here.get(key)
            if earlier is not None:
                outcomes.append((earlier, False))
                continue
            first_here[key] = _new_completion(learner, command)
            outcomes.append((first_here[key], True))
        if not first_here:
            return outcomes
        # In one order whatever the batch's, so two writers inserting the same completions wait, never deadlock.
        stored = await uow.completions.add_all(sorted(first_here.values(), key=_completed_by))
        for key, completion in first_here.items():
            if completion.completion_id not in stored:  # a concurrent request recorded it first; that one stands
                raced = await uow.completions.find(*key)
                assert raced is not None
                outcomes = [(raced, False) if isinstance(o, tuple) and o[0] is completion else o for o in outcomes]
        recorded = [(n, o[0]) for n, o in enumerate(outcomes) if isinstance(o, tuple) and o[1]]
        await uow.record_all(
            [completion.completed_event() for _, completion in recorded],
            None if trace_contexts is None else [trace_contexts[n] for n, _ in recorded],
        )
        await uow.commit()
    return outcomes


async def start_module(uow: LearningUnitOfWork, command: RecordModuleStart) -> tuple[ModuleStart, bool]:
    """Inside an open unit of work: the first start of the module by this person, and whether it is new."""
    school = await uow.schools.get(command.urn)
    member = await uow.staff.get(command.staff_id)
    learner = learner_of(school, member, command.urn, command.staff_id, command.started_at.date())
    start = ModuleStart(learner.staff_id, learner.urn, learner.cohort_id, command.module_number, command.started_at)
    stored = await uow.starts.add(start)
    first = partial(uow.starts.find, command.staff_id, command.module_number)
    return await _first_recorded(uow, stored, start, start.started_event, first)


async def record_module_start(uow: LearningUnitOfWork, command: RecordModuleStart) -> tuple[ModuleStart, bool]:
    return await _committed_if_new(uow, start_module, command)


async def withdraw_recorded(
    uow: LearningUnitOfWork, completion: ModuleCompletion, command: WithdrawCompletion
) -> CompletionWithdrawal:
    """Inside an open unit of work: take the completion back and say so in an event."""
    withdrawal = CompletionWithdrawal(completion, command.reason, command.withdrawn_at)
    await uow.completions.withdraw(withdrawal)
    await uow.record(withdrawal.withdrawn_event())
    return withdrawal


async def completion_to_withdraw(uow: LearningUnitOfWork, completion_id: UUID) -> ModuleCompletion:
    completion = await uow.completions.get(completion_id)
    if completion is None:
        if await uow.completions.was_withdrawn(completion_id):
            raise CompletionAlreadyWithdrawn(completion_id)
        raise CompletionNotFound(completion_id)
    return completion


async def withdraw_completion(uow: LearningUnitOfWork, command: WithdrawCompletion) -> CompletionWithdrawal:
    """Correct a completion away; it stops counting everywhere and the person may complete the module again."""
    async with uow:
        completion = await completion_to_withdraw(uow, command.completion_id)
        withdrawal = await withdraw_recorded(uow, completion, command)
        await uow.commit()
    return withdrawal


# Event handlers run inside the unit of work the inbox opened for the event (see `EVENT_HANDLERS`), which commits.


async def note_school_enrolled(uow: LearningUnitOfWork, event: SchoolEnrolled, _: Envelope) -> None:
    """Keep learning's copy of enrolled schools."""
    await uow.schools.save(EnrolledSchool(urn=event.urn, cohort_id=event.cohort_id))


async def note_school_ended(uow: LearningUnitOfWork, event: SchoolWithdrawn | SchoolCompleted, _: Envelope) -> None:
    """A withdrawn or completed school records no more learning."""
    status: SchoolStatus = "withdrawn" if isinstance(event, SchoolWithdrawn) else "completed"
    if await uow.schools.get(event.urn) is None:
        # Each event type has its own consumer, so the enrolment may simply not have arrived yet.
        raise RetryLater(f"school {event.urn} {status} before learning saw it enrolled")
    await uow.schools.end(event.urn, event.cohort_id, status)


async def note_staff_registered(uow: LearningUnitOfWork, event: StaffRegistered, _: Envelope) -> None:
    known = await uow.staff.get(event.staff_id)
    await uow.staff.save(
        StaffMember(
            staff_id=event.staff_id,
            urn=event.urn,
            cohort_id=event.cohort_id,
            role=event.role,
            starts_on=event.starts_on,
            left_on=known.left_on if known is not None else None,
        )
    )


async def note_staff_left(uow: LearningUnitOfWork, event: StaffLeft, _: Envelope) -> None:
    if not await uow.staff.record_leaving(event.staff_id, event.left_on):
        raise RetryLater(f"staff {event.staff_id} left before learning saw them registered")


# What learning does with each event it consumes; the runtime claims each in the inbox of the same transaction.
EVENT_HANDLERS: HandlerTable[LearningUnitOfWork] = HandlerTable(
    "learning",
    on(SchoolEnrolled, note_school_enrolled),
    on(SchoolWithdrawn, note_school_ended),
    on(SchoolCompleted, note_school_ended),
    on(StaffRegistered, note_staff_registered),
    on(StaffLeft, note_staff_left),
    on(CohortCreated, note_cohort_plan),
    on(LeadershipDayRescheduled, follow_leadership_day_moved),
)
