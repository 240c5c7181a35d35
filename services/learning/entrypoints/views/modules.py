"""What learning's module and progress endpoints take and answer."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from contracts.events.learning import MODULE_COUNT
from contracts.identifiers import URN_PATTERN
from services.learning.domain.progress import SchoolModuleProgress, StaffModuleProgress
from services.learning.service_layer.queries import SchoolFigures

__all__ = [
    "CohortProgressView",
    "CompletionView",
    "Correction",
    "ModuleFigures",
    "ModuleView",
    "NewCompletion",
    "NewStart",
    "SchoolProgressView",
    "StaffProgressView",
    "StartView",
    "WithdrawalView",
]


class _View(BaseModel):
    """Read from a domain object's attributes of the same names."""

    model_config = ConfigDict(from_attributes=True)


class _StaffInModule(BaseModel):
    """Who, of which school, in which module: what a start and a completion both say."""

    model_config = ConfigDict(extra="forbid")

    staff_id: UUID = Field(description="The staff member's id from enrolment (no names here)")
    urn: str = Field(pattern=URN_PATTERN, description="The staff member's school")
    module_number: int = Field(ge=1, le=MODULE_COUNT, description="Which module, 1 to 15")


class NewCompletion(_StaffInModule):
    """A staff member completed a module."""

    completed_at: AwareDatetime | None = Field(default=None, description="When; defaults to now")


class NewStart(_StaffInModule):
    """A staff member started a module."""

    started_at: AwareDatetime | None = Field(default=None, description="When; defaults to now")


class Correction(BaseModel):
    """Why a completion no longer counts. Kept in learning only; the event carries ids."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000, description="Why the completion is withdrawn")


class ModuleView(_View):
    number: int
    title: str
    summary: str
    expected_minutes: int


class CompletionView(_View):
    completion_id: UUID
    staff_id: UUID
    urn: str
    cohort_id: str
    module_number: int
    completed_at: datetime


class StartView(_View):
    staff_id: UUID
    urn: str
    cohort_id: str
    module_number: int
    started_at: datetime


class WithdrawalView(_View):
    completion: CompletionView
    reason: str
    withdrawn_at: datetime


class StaffProgressView(BaseModel):
    staff_id: UUID
    urn: str
    current: bool = Field(description="Counts towards the school's figures today (started, not left)")
    modules_started: list[int]
    modules_completed: list[int]
    completed_all: bool

    @classmethod
    def of(cls, urn: str, progress: StaffModuleProgress) -> StaffProgressView:
        return cls(
            staff_id=progress.staff_id,
            urn=urn,
            current=progress.current,
            modules_started=list(progress.started),
            modules_completed=list(progress.completed),
            completed_all=progress.completed_all,
        )


class ModuleFigures(_View):
    current_staff: int = Field(description="Staff counted today: registered, started, not left")
    staff_started: int = Field(description="Current staff who started at least one module")
    staff_completed_all: int = Field(description="Current staff who completed all 15 modules")
    completions_by_module: dict[int, int] = Field(description="Module number -> current staff who completed it")


class SchoolProgressView(ModuleFigures):
    urn: str
    cohort_id: str
    status: str

    @classmethod
    def of(cls, school: SchoolFigures) -> SchoolProgressView:
        # The school's fields and its figures', by name.
        return cls.model_validate({**asdict(school.school), **asdict(school.figures)})


class CohortProgressView(ModuleFigures):
    cohort_id: str
    schools: list[SchoolProgressView]

    @classmethod
    def of(cls, cohort_id: str, schools: list[SchoolFigures]) -> CohortProgressView:
        total = SchoolModuleProgress.combine(s.figures for s in schools)
        return cls(
            cohort_id=cohort_id,
            schools=[SchoolProgressView.of(s) for s in schools],
            **ModuleFigures.model_validate(total).model_dump(),
        )
