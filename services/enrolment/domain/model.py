"""Cohorts and school enrolments, as the programme team thinks of them. Pure Python, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from uuid import UUID

from contracts import SchoolEnrolled, SchoolWithdrawn, StaffLeft, StaffRegistered
from contracts.events.enrolment import (
    CohortCreated,
    LeadershipDayRescheduled,
    SchoolCompleted,
    SchoolPhase,
    SchoolUrnChanged,
    StaffRole,
)
from contracts.programme import LeadershipDay, PlanTargets, ProgrammePlan, default_leadership_days, programme_end
from services.enrolment.domain.errors import (
    CohortEnded,
    CohortNotOver,
    EnrolmentDateRefused,
    LeadershipDayNotFound,
    LeadershipDayOutOfPlace,
    LeavingBeforeStarting,
    PlanDoesNotFit,
    SameUrn,
    SchoolAlreadyEnrolled,
    SchoolNotActive,
    SchoolWasInCohort,
    StaffAlreadyLeft,
    UrnChangedBeforeEnrolment,
)

__all__ = [
    "Cohort",
    "SchoolEnrolment",
    "StaffMember",
    "enrol",
    "new_cohort",
    "personal_data_expired",
    "programme_plan",
]


@dataclass(frozen=True)
class Cohort:
    """A group of schools that run the 18-month programme together, to one programme plan."""

    cohort_id: str
    name: str
    local_authority: str
    starts_on: date
    plan: ProgrammePlan

    @property
    def ends_on(self) -> date:
        return programme_end(self.starts_on)

    def created_event(self) -> CohortCreated:
        return CohortCreated.of(self)

    def reschedule_leadership_day(self, number: int, held_on: date) -> tuple[Cohort, LeadershipDayRescheduled | None]:
        """Move day `number` to `held_on`; it must stay inside the programme and between its neighbours.
        Moving a day to the date it already has changes nothing and tells no one."""
        day = self.plan.leadership_day(number)
        if day is None:
            raise LeadershipDayNotFound(self.cohort_id, number, len(self.plan.leadership_days))
        if day.held_on == held_on:
            return self, None
        before = self.plan.leadership_day(number - 1)
        after = self.plan.leadership_day(number + 1)
        if not self.starts_on <= held_on <= self.ends_on:
            raise LeadershipDayOutOfPlace(held_on, f"is outside the programme ({self.starts_on} to {self.ends_on})")
        if before is not None and held_on <= before.held_on:
            raise LeadershipDayOutOfPlace(held_on, f"is not after leadership day {before.number} ({before.held_on})")
        if after is not None and held_on >= after.held_on:
            raise LeadershipDayOutOfPlace(held_on, f"is not before leadership day {after.number} ({after.held_on})")
        days = [
            LeadershipDay(number=d.number, held_on=held_on) if d.number == number else d
            for d in self.plan.leadership_days
        ]
        moved = self.plan.model_copy(update={"leadership_days": days})
        event = LeadershipDayRescheduled(
            cohort_id=self.cohort_id, day_number=number, previous_date=day.held_on, held_on=held_on
        )
        return replace(self, plan=moved), event

    def require_running(self, today: date) -> None:
        if today > self.ends_on:
            raise CohortEnded(self.cohort_id, self.ends_on)


def new_cohort(cohort_id: str, name: str, local_authority: str, starts_on: date, plan: ProgrammePlan) -> Cohort:
    """A cohort whose plan fits its 18 months; `PlanDoesNotFit` names every field that does not."""
    problems = plan.problems(starts_on)
    if problems:
        raise PlanDoesNotFit(problems)
    return Cohort(cohort_id, name, local_authority, starts_on, plan)


@dataclass(frozen=True)
class SchoolEnrolment:
    """A school's place in a cohort; `status` is active until it is withdrawn or completes."""

    urn: str
    school_name: str
    cohort_id: str
    enrolled_on: date
    phase: SchoolPhase | None
    local_authority: str | None
    status: str = "active"
    ended_on: date | None = None
    headteacher_id: UUID | None = None
    predecessor_urn: str | None = None
    successor_urn: str | None = None
    # From the GIAS extract it was enrolled from; personal data, erased with staff names.
    headteacher_name: str | None = None

    def enrolled_event(self) -> SchoolEnrolled:
        return SchoolEnrolled.of(self)

    def require_active(self) -> None:
        if self.status != "active":
            raise SchoolNotActive(self.urn, self.status)

    def withdraw(self, today: date) -> tuple[SchoolEnrolment, SchoolWithdrawn]:
        self.require_active()
        withdrawn = replace(self, status="withdrawn", ended_on=today)
        return withdrawn, SchoolWithdrawn(urn=self.urn, cohort_id=self.cohort_id, withdrawn_on=today)

    def complete(
        self, cohort: Cohort, today: date, journey_ended: bool = False
    ) -> tuple[SchoolEnrolment, SchoolCompleted]:
        """The school's 18 months are over: it completes when its journey ends, or by hand never before its
        cohort's last day."""
        self.require_active()
        if not journey_ended and today < cohort.ends_on:
            raise CohortNotOver(self.urn, cohort.cohort_id, cohort.ends_on)
        completed = replace(self, status="completed", ended_on=today)
        return completed, SchoolCompleted(urn=self.urn, cohort_id=self.cohort_id, completed_on=today)

    def change_urn(
        self, successor_urn: str, changed_on: date, successor_current: SchoolEnrolment | None
    ) -> tuple[SchoolEnrolment, SchoolEnrolment, SchoolUrnChanged]:
        """An academy conversion: the school carries on in its cohort under `successor_urn`, and its history
        (enrolment date, staff) follows it. Returns the closed predecessor, the successor and the event."""
        self.require_active()
        if successor_urn == self.urn:
            raise SameUrn(self.urn)
        if changed_on < self.enrolled_on:
            raise UrnChangedBeforeEnrolment(changed_on, self.enrolled_on)
        if successor_current is not None and successor_current.status == "active":
            raise SchoolAlreadyEnrolled(successor_urn, successor_current.cohort_id)
        predecessor = replace(self, status="converted", ended_on=changed_on, successor_urn=successor_urn)
        successor = replace(self, urn=successor_urn, predecessor_urn=self.urn)
        event = SchoolUrnChanged(
            predecessor_urn=self.urn, successor_urn=successor_urn, cohort_id=self.cohort_id, changed_on=changed_on
        )
        return predecessor, successor, event


@dataclass(frozen=True)
class StaffMember:
    """Someone at an enrolled school. Their name and email never leave enrolment; `staff_id` does."""

    staff_id: UUID
    urn: str
    name: str | None
    email: str | None
    role: StaffRole
    starts_on: date
    left_on: date | None = None

    def registered_event(self, cohort_id: str) -> StaffRegistered:
        return StaffRegistered(
            staff_id=self.staff_id, urn=self.urn, cohort_id=cohort_id, role=self.role, starts_on=self.starts_on
        )

    def leave(self, left_on: date, cohort_id: str | None) -> tuple[StaffMember, StaffLeft]:
        if self.left_on is not None:
            raise StaffAlreadyLeft(self.staff_id, self.left_on)
        if left_on < self.starts_on:
            raise LeavingBeforeStarting(left_on, self.starts_on)
        event = StaffLeft(staff_id=self.staff_id, urn=self.urn, left_on=left_on, cohort_id=cohort_id)
        return replace(self, left_on=left_on), event


def enrol(
    cohort: Cohort,
    urn: str,
    school_name: str,
    phase: SchoolPhase | None,
    local_authority: str | None,
    history: list[SchoolEnrolment],
    today: date,
    back_dated: bool = False,
) -> SchoolEnrolment:
    """Enrol a school into a running `cohort`, given its earlier enrolments. A school is in at most one active
    cohort at a time, and joins a cohort once (its journey there has run). Its local authority defaults to the
    cohort's. `today` is the enrolment's day; a `back_dated` one must fall within the cohort."""
    active = next((earlier for earlier in history if earlier.status == "active"), None)
    if active is not None:
        raise SchoolAlreadyEnrolled(urn, active.cohort_id)
    before = next((earlier for earlier in history if earlier.cohort_id == cohort.cohort_id), None)
    if before is not None:
        raise SchoolWasInCohort(urn, cohort.cohort_id, before.status)
    cohort.require_running(today)
    if back_dated and today < cohort.starts_on:
        raise EnrolmentDateRefused(today, f"is before cohort {cohort.cohort_id!r} started on {cohort.starts_on}")
    return SchoolEnrolment(
        urn=urn,
        school_name=school_name,
        cohort_id=cohort.cohort_id,
        enrolled_on=today,
        phase=phase,
        local_authority=local_authority or cohort.local_authority,
    )


def programme_plan(starts_on: date, targets: PlanTargets, leadership_days: Sequence[date] | None) -> ProgrammePlan:
    """The plan a cohort asked for: its targets, and its own leadership-day dates or the programme's defaults."""
    days = (
        default_leadership_days(starts_on)
        if leadership_days is None
        else [LeadershipDay(number=number, held_on=held_on) for number, held_on in enumerate(leadership_days, 1)]
    )
    return ProgrammePlan(leadership_days=days, **targets.model_dump())


def personal_data_expired(school: SchoolEnrolment, today: date, keep_days: int) -> bool:
    """Whether a school's staff names and emails are past keeping: it ended more than `keep_days` ago."""
    return school.status != "active" and school.ended_on is not None and (today - school.ended_on).days > keep_days
