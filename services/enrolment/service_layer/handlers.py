"""Enrolment's handlers: plain functions over a unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from uuid import uuid4

from contracts import Envelope
from contracts.events.journey import JourneyCompleted, JourneyWithdrawn
from runtime.handler_table import HandlerTable, on
from runtime.lookups import found
from services.enrolment.domain.errors import CohortAlreadyExists, CohortNotFound, SchoolNotFound, StaffNotFound
from services.enrolment.domain.gias import assess
from services.enrolment.domain.model import (
    Cohort,
    SchoolEnrolment,
    StaffMember,
    enrol,
    new_cohort,
    personal_data_expired,
    programme_plan,
)
from services.enrolment.service_layer.commands import (
    ChangeUrn,
    CompleteSchool,
    CreateCohort,
    EnrolSchool,
    EraseExpiredPersonalData,
    ImportSchools,
    RecordStaffLeaving,
    RegisterStaff,
    RescheduleLeadershipDay,
    WithdrawSchool,
)
from services.enrolment.service_layer.unit_of_work import EnrolmentUnitOfWork

__all__ = [
    "EVENT_HANDLERS",
    "ImportReport",
    "change_urn",
    "complete_at_journey_end",
    "complete_school",
    "create_cohort",
    "enrol_school",
    "erase_expired_personal_data",
    "import_schools",
    "record_staff_leaving",
    "register_staff",
    "reschedule_leadership_day",
    "withdraw_school",
]


async def create_cohort(uow: EnrolmentUnitOfWork, command: CreateCohort) -> Cohort:
    async with uow:
        if await uow.cohorts.get(command.cohort_id) is not None:
            raise CohortAlreadyExists(command.cohort_id)
        plan = programme_plan(command.starts_on, command.targets, command.leadership_days)
        cohort = new_cohort(command.cohort_id, command.name, command.local_authority, command.starts_on, plan)
        await uow.cohorts.add(cohort)
        await uow.record(cohort.created_event())
        await uow.commit()
    return cohort


async def _cohort(uow: EnrolmentUnitOfWork, cohort_id: str) -> Cohort:
    return found(await uow.cohorts.get(cohort_id), CohortNotFound(cohort_id))


async def reschedule_leadership_day(uow: EnrolmentUnitOfWork, command: RescheduleLeadershipDay) -> Cohort:
    async with uow:
        cohort = await _cohort(uow, command.cohort_id)
        moved, event = cohort.reschedule_leadership_day(command.number, command.held_on)
        if event is not None:
            await uow.cohorts.save_plan(moved)
            await uow.record(event)
        await uow.commit()
    return moved


async def enrol_school(uow: EnrolmentUnitOfWork, command: EnrolSchool) -> SchoolEnrolment:
    async with uow:
        cohort = await _cohort(uow, command.cohort_id)
        history = await uow.schools.history(command.urn)
        enrolment = enrol(
            cohort,
            command.urn,
            command.school_name,
            command.phase,
            command.local_authority,
            history,
            command.enrolled_on,
            command.back_dated,
        )
        headteacher = None
        if command.headteacher is not None:
            headteacher = StaffMember(
                staff_id=uuid4(),
                urn=command.urn,
                name=command.headteacher.name,
                email=command.headteacher.email,
                role="headteacher",
                starts_on=command.enrolled_on,
            )
            enrolment = replace(enrolment, headteacher_id=headteacher.staff_id)
        await uow.schools.add(enrolment)
        await uow.record(enrolment.enrolled_event())
        if headteacher is not None:
            # The headteacher is staff like any other, so their name and email live (and are erased) with staff.
            await uow.staff.add(headteacher)
            await uow.record(headteacher.registered_event(cohort.cohort_id))
        await uow.commit()
    return enrolment


@dataclass
class ImportReport:
    """What an import of a GIAS extract did with each establishment."""

    enrolled: list[SchoolEnrolment] = field(default_factory=list)
    skipped: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, URN, name, why


async def import_schools(uow: EnrolmentUnitOfWork, command: ImportSchools) -> ImportReport:
    """Enrol every open school of the extract not already enrolled; one transaction, so a failure enrols none.
    Re-running the same file enrols nothing more: each school it enrolled is now in this cohort. With
    `check_only` the same report is made and nothing is written."""
    report = ImportReport()
    async with uow:
        cohort = await _cohort(uow, command.cohort_id)
        cohort.require_running(command.enrolled_on)
        seen: set[str] = set()
        for establishment in command.establishments:
            assessment = assess(establishment)
            reason = assessment.skipped_because
            if reason is None and establishment.urn in seen:
                reason = "the URN appears earlier in the file"
            seen.add(establishment.urn)
            history = [] if reason is not None else await uow.schools.history(establishment.urn)
            before = next((earlier for earlier in history if earlier.cohort_id == cohort.cohort_id), None)
            active = next((earlier for earlier in history if earlier.status == "active"), None)
            if reason is None and before is not None:
                reason = (
                    "already enrolled in this cohort"
                    if before.status == "active"
                    else f"{before.status} from this cohort"
                )
            elif reason is None and active is not None:
                reason = f"already in active cohort {active.cohort_id!r}"
            if reason is not None:
                report.skipped.append((establishment.line, establishment.urn, establishment.name, reason))
                continue
            enrolment = enrol(
                cohort,
                establishment.urn,
                establishment.name.strip(),
                assessment.phase,
                establishment.local_authority.strip() or None,
                history,
                command.enrolled_on,
            )
            enrolment = replace(enrolment, headteacher_name=establishment.headteacher_name or None)
            report.enrolled.append(enrolment)
            if not command.check_only:
                await uow.schools.add(enrolment)
                await uow.record(enrolment.enrolled_event())
        if not command.check_only:
            await uow.commit()
    return report


async def complete_school(uow: EnrolmentUnitOfWork, command: CompleteSchool) -> SchoolEnrolment:
    async with uow:
        school = await _current_school(uow, command.urn)
        cohort = await _cohort(uow, school.cohort_id)
        completed, event = school.complete(cohort, command.completed_on)
        await uow.schools.end(completed, None)
        await uow.record(event)
        await uow.commit()
    return completed


async def complete_at_journey_end(uow: EnrolmentUnitOfWork, event: JourneyCompleted, _: Envelope) -> None:
    """The school's journey completed: its enrolment completes too, unless it already ended another way.

    Runs inside the unit of work the inbox opened for the event (see `EVENT_HANDLERS`), which commits.
    """
    school = await uow.schools.current(event.urn)
    if school is not None and school.status == "active" and school.cohort_id == event.cohort_id:
        cohort = await _cohort(uow, school.cohort_id)
        completed, completion = school.complete(cohort, event.completed_on, journey_ended=True)
        await uow.schools.end(completed, None)
        await uow.record(completion)


# Why enrolment withdrew a school whose journey an admin withdrew or cancelled in the Temporal UI.
WITHDRAWN_IN_TEMPORAL = "withdrawn through its journey in the Temporal UI"


async def withdraw_at_journey_end(uow: EnrolmentUnitOfWork, event: JourneyWithdrawn, _: Envelope) -> None:
    """The school's journey ended as a withdrawal. Enrolment owns withdrawal: a journey withdrawn in the Temporal
    UI (an update or a signal sent there, or the workflow cancelled) withdraws the school here, and learning, circles
    and reporting follow enrolment's event. A journey that ended because enrolment withdrew the school changes
    nothing (the school is no longer active)."""
    school = await uow.schools.current(event.urn)
    if school is not None and school.status == "active" and school.cohort_id == event.cohort_id:
        withdrawn, withdrawal = school.withdraw(event.withdrawn_on)
        await uow.schools.end(withdrawn, WITHDRAWN_IN_TEMPORAL)
        await uow.record(withdrawal)


async def change_urn(uow: EnrolmentUnitOfWork, command: ChangeUrn) -> SchoolEnrolment:
    """Record an academy conversion: the school continues under its successor URN, with its staff."""
    async with uow:
        school = await _current_school(uow, command.urn)
        successor_current = await uow.schools.current(command.successor_urn)
        predecessor, successor, event = school.change_urn(command.successor_urn, command.changed_on, successor_current)
        await uow.schools.end(predecessor, "URN changed")
        await uow.schools.add(successor)
        await uow.staff.move_school(predecessor.urn, successor.urn)
        await uow.record(event)
        await uow.commit()
    return successor


async def _current_school(uow: EnrolmentUnitOfWork, urn: str) -> SchoolEnrolment:
    return found(await uow.schools.current(urn), SchoolNotFound(urn))


async def register_staff(uow: EnrolmentUnitOfWork, command: RegisterStaff) -> StaffMember:
    async with uow:
        school = await _current_school(uow, command.urn)
        school.require_active()
        member = StaffMember(
            staff_id=uuid4(),
            urn=command.urn,
            name=command.name,
            email=command.email,
            role=command.role,
            starts_on=command.starts_on,
        )
        await uow.staff.add(member)
        await uow.record(member.registered_event(school.cohort_id))
        await uow.commit()
    return member


async def record_staff_leaving(uow: EnrolmentUnitOfWork, command: RecordStaffLeaving) -> StaffMember:
    async with uow:
        member = found(await uow.staff.get(command.urn, command.staff_id), StaffNotFound(command.staff_id))
        school = await uow.schools.current(command.urn)
        left, event = member.leave(command.left_on, None if school is None else school.cohort_id)
        await uow.staff.record_leaving(left)
        await uow.record(event)
        await uow.commit()
    return left


async def withdraw_school(uow: EnrolmentUnitOfWork, command: WithdrawSchool) -> SchoolEnrolment:
    async with uow:
        school = await _current_school(uow, command.urn)
        withdrawn, event = school.withdraw(command.withdrawn_on)
        await uow.schools.end(withdrawn, command.reason)
        await uow.record(event)
        await uow.commit()
    return withdrawn


async def erase_expired_personal_data(
    uow: EnrolmentUnitOfWork, command: EraseExpiredPersonalData
) -> tuple[list[str], int]:
    """Erase staff names and emails, and headteacher names from GIAS extracts, of schools that ended more than
    `keep_days` ago and are not back in the programme; ids, roles and dates stay, so every aggregate stays true.
    Returns the schools and how many staff."""
    async with uow:
        expired: list[str] = []
        for school in await uow.schools.ended():
            current = await uow.schools.current(school.urn)
            if (
                current is not None
                and current.status != "active"
                and personal_data_expired(current, command.today, command.keep_days)
            ):
                expired.append(school.urn)
        urns = sorted(set(expired))
        erased = await uow.staff.erase_personal_data(urns)
        # The headteacher's name a GIAS extract gave is the same personal data, kept on the school's record.
        await uow.schools.erase_headteacher_names(urns)
        await uow.commit()
    return urns, erased


# What enrolment does with each event it consumes; the runtime claims each in the inbox of the same transaction.
EVENT_HANDLERS: HandlerTable[EnrolmentUnitOfWork] = HandlerTable(
    "enrolment",
    on(JourneyCompleted, complete_at_journey_end),
    on(JourneyWithdrawn, withdraw_at_journey_end),
)
