"""What learning's API reads: the catalogue, completions, progress, sessions and statements still unmatched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from runtime.lookups import found
from services.learning.domain.errors import (
    CohortNotKnown,
    SchoolNotEnrolled,
    SessionNotFound,
    StaffNotRegistered,
    StatementNotFound,
)
from services.learning.domain.model import EnrolledSchool, Module, ModuleCompletion
from services.learning.domain.progress import SchoolModuleProgress, StaffModuleProgress, school_progress, staff_progress
from services.learning.domain.sessions import Session
from services.learning.domain.xapi import StoredStatement
from services.learning.service_layer.unit_of_work import LearningUnitOfWork

__all__ = [
    "SchoolFigures",
    "cohort_module_progress",
    "cohort_sessions",
    "module_catalogue",
    "recorded_completion",
    "school_completions",
    "school_module_progress",
    "school_sessions",
    "session",
    "staff_module_progress",
    "stored_statement",
    "unmatched_statements",
]


@dataclass(frozen=True)
class SchoolFigures:
    """A school and how its current staff stand in the modules."""

    school: EnrolledSchool
    figures: SchoolModuleProgress


async def module_catalogue(uow: LearningUnitOfWork) -> list[Module]:
    async with uow:
        return await uow.modules.all()


async def recorded_completion(uow: LearningUnitOfWork, completion_id: UUID) -> ModuleCompletion | None:
    async with uow:
        return await uow.completions.get(completion_id)


async def _enrolled(uow: LearningUnitOfWork, urn: str) -> EnrolledSchool:
    return found(await uow.schools.get(urn), SchoolNotEnrolled(urn))


async def school_completions(uow: LearningUnitOfWork, urn: str) -> list[ModuleCompletion]:
    async with uow:
        await _enrolled(uow, urn)
        return await uow.completions.of_school(urn)


async def staff_module_progress(uow: LearningUnitOfWork, urn: str, staff_id: UUID, today: date) -> StaffModuleProgress:
    async with uow:
        member = await uow.staff.get(staff_id)
        if member is None or member.urn != urn:
            raise StaffNotRegistered(staff_id, urn)
        return staff_progress(member, await uow.starts.of_school(urn), await uow.completions.of_school(urn), today)


async def _school_figures(uow: LearningUnitOfWork, school: EnrolledSchool, today: date) -> SchoolFigures:
    urn = school.urn
    figures = school_progress(
        await uow.staff.of_school(urn), await uow.starts.of_school(urn), await uow.completions.of_school(urn), today
    )
    return SchoolFigures(school, figures)


async def school_module_progress(uow: LearningUnitOfWork, urn: str, today: date) -> SchoolFigures:
    async with uow:
        return await _school_figures(uow, await _enrolled(uow, urn), today)


async def cohort_module_progress(uow: LearningUnitOfWork, cohort_id: str, today: date) -> list[SchoolFigures]:
    """Every school of the cohort; a cohort with no school is not known here."""
    async with uow:
        schools = [await _school_figures(uow, s, today) for s in await uow.schools.in_cohort(cohort_id)]
    if not schools:
        raise CohortNotKnown(cohort_id)
    return schools


async def session(uow: LearningUnitOfWork, session_id: UUID) -> Session:
    async with uow:
        stored = await uow.sessions.get(session_id)
    return found(stored, SessionNotFound(session_id))


async def cohort_sessions(uow: LearningUnitOfWork, cohort_id: str) -> list[Session]:
    async with uow:
        return await uow.sessions.of_cohort(cohort_id)


async def school_sessions(uow: LearningUnitOfWork, urn: str) -> list[Session]:
    async with uow:
        school = await _enrolled(uow, urn)
        return await uow.sessions.of_school(urn, school.cohort_id)


async def unmatched_statements(uow: LearningUnitOfWork) -> list[StoredStatement]:
    async with uow:
        return await uow.statements.unmatched()


async def stored_statement(uow: LearningUnitOfWork, statement_id: UUID, *, voided: bool) -> StoredStatement:
    """A statement by its id as xAPI looks it up: a voided one only as `voidedStatementId`, a live one only as
    `statementId`."""
    async with uow:
        statement = await uow.statements.get(statement_id)
    if statement is None or statement.document is None or (statement.voided_by is not None) != voided:
        raise StatementNotFound(statement_id, voided=voided)
    return statement
