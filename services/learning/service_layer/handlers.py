"""Learning's handlers: plain functions over a unit of work."""

from __future__ import annotations

from uuid import uuid4

from contracts import Envelope, SchoolEnrolled
from services.learning.domain.errors import SchoolNotEnrolled
from services.learning.domain.model import EnrolledSchool, ModuleCompletion
from services.learning.service_layer.commands import RecordModuleCompletion
from services.learning.service_layer.unit_of_work import LearningUnitOfWork

__all__ = ["note_school_enrolled", "record_module_completion"]

CONSUMER = "learning"


async def record_module_completion(
    uow: LearningUnitOfWork, command: RecordModuleCompletion
) -> tuple[ModuleCompletion, bool]:
    """Record a completion; returns it and whether it is new (a repeat changes nothing and publishes nothing)."""
    async with uow:
        school = await uow.schools.get(command.urn)
        if school is None:
            raise SchoolNotEnrolled(command.urn)
        existing = await uow.completions.find(command.staff_id, command.module_number)
        if existing is not None:
            return existing, False
        completion = ModuleCompletion(
            completion_id=uuid4(),
            staff_id=command.staff_id,
            urn=school.urn,
            cohort_id=school.cohort_id,
            module_number=command.module_number,
            completed_at=command.completed_at,
        )
        if not await uow.completions.add(completion):
            raced = await uow.completions.find(command.staff_id, command.module_number)
            assert raced is not None
            return raced, False
        await uow.record(completion.completed_event())
        await uow.commit()
    return completion, True


async def note_school_enrolled(uow: LearningUnitOfWork, event: SchoolEnrolled, envelope: Envelope) -> None:
    """Keep learning's copy of enrolled schools; a redelivered event changes nothing."""
    async with uow:
        if not await uow.claim(CONSUMER, envelope):
            return
        await uow.schools.save(EnrolledSchool(urn=event.urn, cohort_id=event.cohort_id))
        await uow.commit()
