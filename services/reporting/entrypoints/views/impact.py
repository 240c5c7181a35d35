"""What reporting's impact endpoints take and answer."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field
from pydantic.dataclasses import dataclass as pydantic_dataclass

from contracts.events.reporting import ACADEMIC_YEAR_PATTERN, ReturnPeriod
from services.reporting.domain.impact_reports import CohortImpact, SchoolImpact
from services.reporting.domain.impact_returns import ImpactFigures, ImpactReturn
from services.reporting.domain.periods import Period, academic_year_label
from services.reporting.domain.rates import SuspensionsHalved, rounded
from services.reporting.domain.suppression import PublishedChange, PublishedFigures, Shown
from services.reporting.entrypoints.views.progress import ReportedSchoolView

__all__ = [
    "ChangeView",
    "CohortImpactView",
    "CohortRowView",
    "NewImpactReturn",
    "PeriodView",
    "PublishedFiguresView",
    "PublishedPeriodView",
    "ReturnHistoryView",
    "ReturnVersionView",
    "SchoolImpactView",
    "SubmittedReturnView",
    "SuspensionsHalvedView",
]

_PUPILS = 1_000_000  # far above any school's roll; keeps a typo from overflowing a column
_SESSIONS = 1_000_000_000


class NewImpactReturn(BaseModel):
    """A school's figures for one period. Sending a period again corrects it; the earlier version is kept."""

    model_config = ConfigDict(extra="forbid")

    period: ReturnPeriod = Field(description="`baseline` (the academic year before joining) or the term covered")
    academic_year: str | None = Field(
        default=None,
        pattern=ACADEMIC_YEAR_PATTERN,
        description="The academic year covered, e.g. `2026/27`; may be left out for the baseline",
    )
    pupils_on_roll: int = Field(ge=0, le=_PUPILS, description="Pupils on roll: the January census headcount")
    suspensions: int = Field(ge=0, le=_PUPILS, description="Suspensions in the period")
    pupils_suspended: int = Field(ge=0, le=_PUPILS, description="Pupils with one or more suspensions")
    permanent_exclusions: int = Field(ge=0, le=_PUPILS, description="Permanent exclusions")
    possible_sessions: int = Field(ge=0, le=_SESSIONS, description="Possible sessions (half days), all pupils")
    sessions_missed: int = Field(ge=0, le=_SESSIONS, description="Sessions missed through absence, all pupils")
    pupils_persistently_absent: int = Field(
        ge=0, le=_PUPILS, description="Pupils who missed 10% or more of their possible sessions"
    )
    pupils_with_absence_records: int | None = Field(
        default=None,
        ge=0,
        le=_PUPILS,
        description="Pupils with absence records (DfE's denominator of persistent absence), if the school has it",
    )

    def figures(self) -> ImpactFigures:
        return ImpactFigures(**{f.name: getattr(self, f.name) for f in fields(ImpactFigures)})


class PeriodView(BaseModel):
    academic_year: str = Field(description="e.g. `2026/27`")
    period: ReturnPeriod
    label: str = Field(description="e.g. `autumn 2026/27`")

    @classmethod
    def of(cls, period: Period) -> PeriodView:
        return cls(academic_year=academic_year_label(period.academic_year), period=period.name, label=period.label)


class ReturnVersionView(BaseModel):
    """One version of a return, as the school submitted it."""

    return_id: UUID
    version: int
    replaces: UUID | None = Field(description="The version this one corrected")
    submitted_at: datetime
    pupils_on_roll: int
    suspensions: int
    pupils_suspended: int
    permanent_exclusions: int
    possible_sessions: int
    sessions_missed: int
    pupils_persistently_absent: int

    @classmethod
    def of(cls, found: ImpactReturn) -> ReturnVersionView:
        # The return's fields and its figures', by name.
        return cls.model_validate({**asdict(found), **asdict(found.figures)})


class SubmittedReturnView(PeriodView):
    urn: str
    cohort_id: str
    current: ReturnVersionView

    @classmethod
    def of_return(cls, found: ImpactReturn) -> SubmittedReturnView:
        return cls(
            **PeriodView.of(found.period).model_dump(),
            urn=found.urn,
            cohort_id=found.cohort_id,
            current=ReturnVersionView.of(found),
        )


class ReturnHistoryView(PeriodView):
    current: ReturnVersionView
    earlier: list[ReturnVersionView] = Field(description="Versions it replaced, newest first")


@pydantic_dataclass(frozen=True)
class PublishedFiguresView(PublishedFigures):
    """Figures and rates as published: `c` marks a suppressed count or a rate worked out from one. Rates are per
    100 pupils on roll (overall absence: per 100 possible sessions), to two decimal places."""

    @classmethod
    def of(cls, figures: PublishedFigures) -> PublishedFiguresView:
        return cls(**asdict(figures))


class ChangeView(BaseModel):
    """Latest term's rate minus the baseline's, in percentage points (below zero: fewer, or less absence).
    Suspension and exclusion rates of a term are set against a third of the baseline year's."""

    suspension_rate: Shown
    permanent_exclusion_rate: Shown
    overall_absence_rate: Shown
    persistent_absence_rate: Shown

    @classmethod
    def of(cls, change: PublishedChange) -> ChangeView:
        return cls(**asdict(change))


class PublishedPeriodView(PeriodView):
    figures: PublishedFiguresView


class SchoolImpactView(ReportedSchoolView):
    programme_ends_on: date
    returns_due: list[PeriodView] = Field(description="The baseline and every term of the school's 18 months")
    returns: list[ReturnHistoryView] = Field(description="What the school returned, with every earlier version")
    published: list[PublishedPeriodView] = Field(description="Current returns' figures and rates, suppressed")
    latest_term: PeriodView | None
    change_against_baseline: ChangeView | None = Field(description="Latest term against the baseline")

    @classmethod
    def of(cls, impact: SchoolImpact) -> SchoolImpactView:
        return cls(
            **ReportedSchoolView.model_validate(impact.school).model_dump(),
            programme_ends_on=impact.programme_ends_on,
            returns_due=[PeriodView.of(period) for period in impact.periods_due],
            returns=[
                ReturnHistoryView(
                    **PeriodView.of(history.period).model_dump(),
                    current=ReturnVersionView.of(history.current),
                    earlier=[ReturnVersionView.of(found) for found in history.earlier],
                )
                for history in impact.returns
            ],
            published=[
                PublishedPeriodView(
                    **PeriodView.of(shown.period).model_dump(), figures=PublishedFiguresView.of(shown.figures)
                )
                for shown in impact.published
            ],
            latest_term=PeriodView.of(impact.latest) if impact.latest else None,
            change_against_baseline=ChangeView.of(impact.change) if impact.change else None,
        )


class CohortRowView(BaseModel):
    urn: str
    school_name: str
    compared: bool = Field(description="Has a baseline and a term, so counts in the totals and the change")
    baseline: PublishedFiguresView | None
    latest_term: PeriodView | None
    latest: PublishedFiguresView | None
    change_against_baseline: ChangeView | None


class SuspensionsHalvedView(BaseModel):
    """Early indicator: compared schools whose latest suspension rate is half or less of their baseline's."""

    schools_counted: int = Field(description="Compared schools that had suspensions in their baseline year")
    schools_halved: int
    share_percent: float | None = Field(description="schools_halved / schools_counted x 100")

    @classmethod
    def of(cls, halved: SuspensionsHalved) -> SuspensionsHalvedView:
        share = halved.share
        return cls(
            schools_counted=halved.schools_counted,
            schools_halved=halved.schools_halved,
            share_percent=None if share is None else rounded(share),
        )


class CohortImpactView(BaseModel):
    cohort_id: str
    schools: list[CohortRowView]
    schools_compared: int
    baseline_total: PublishedFiguresView | None = Field(description="Compared schools' baselines added up")
    latest_total: PublishedFiguresView | None = Field(description="Compared schools' latest terms added up")
    change_against_baseline: ChangeView | None = Field(description="Pupil-weighted: rates of the totals")
    suspensions_halved: SuspensionsHalvedView

    @classmethod
    def of(cls, impact: CohortImpact) -> CohortImpactView:
        return cls(
            cohort_id=impact.cohort_id,
            schools=[
                CohortRowView(
                    urn=row.school.urn,
                    school_name=row.school.school_name,
                    compared=row.compared,
                    baseline=PublishedFiguresView.of(row.baseline) if row.baseline else None,
                    latest_term=PeriodView.of(row.latest_period) if row.latest_period else None,
                    latest=PublishedFiguresView.of(row.latest) if row.latest else None,
                    change_against_baseline=ChangeView.of(row.change) if row.change else None,
                )
                for row in impact.rows
            ],
            schools_compared=impact.schools_compared,
            baseline_total=PublishedFiguresView.of(impact.baseline_total) if impact.baseline_total else None,
            latest_total=PublishedFiguresView.of(impact.latest_total) if impact.latest_total else None,
            change_against_baseline=ChangeView.of(impact.change) if impact.change else None,
            suspensions_halved=SuspensionsHalvedView.of(impact.suspensions_halved),
        )
