"""A cohort's forecast as reporting keeps and serves it: what `rsp forecast` sends, checked at the edge."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from contracts.identifiers import COHORT_ID_PATTERN, URN_PATTERN

__all__ = ["ForecastDocument", "KeptForecast"]

_PHASE = r"^(launch|foundations|deepening|embedding)$"
_STRICT = ConfigDict(extra="forbid")


class Band(BaseModel):
    """A projected figure on a day: the mean of the runs and the 5th to 95th percentile of them."""

    model_config = _STRICT
    on: date
    mean: float = Field(ge=0)
    low: float = Field(ge=0)
    high: float = Field(ge=0)


class FailingCriterion(BaseModel):
    model_config = _STRICT
    criterion: str = Field(min_length=1, max_length=60, description="modules, circles, mentoring, ...")
    share: float = Field(ge=0, le=1, description="Share of the runs in which it was not met")


class PhaseOutlook(BaseModel):
    model_config = _STRICT
    phase: str = Field(pattern=_PHASE)
    judged_on: date
    probability_at_risk: float = Field(ge=0, le=1)
    likely_failing: list[FailingCriterion] = Field(max_length=10)


class HistoryUsed(BaseModel):
    """What the school's rates were learned from: its journey's state on the day of the forecast."""

    model_config = _STRICT
    months: float = Field(ge=0)
    staff: int = Field(ge=0)
    module_completions: int = Field(ge=0)
    half_terms_ended: int = Field(ge=0)
    circles_held: int = Field(ge=0)
    terms_ended: int = Field(ge=0)
    mentoring_sessions: int = Field(ge=0)
    leadership_days_held: int = Field(ge=0)
    leadership_days_attended: int = Field(ge=0)
    impact_returns: int = Field(ge=0)


class SchoolOutlook(BaseModel):
    model_config = _STRICT
    urn: str = Field(pattern=URN_PATTERN)
    phase: str = Field(max_length=20, description="The journey's phase on the day of the forecast")
    at_risk_now: bool
    phases: list[PhaseOutlook] = Field(max_length=4, description="Each coming phase end")
    completions: list[Band] = Field(max_length=40, description="The school's module completions, month by month")
    history: HistoryUsed


class ShareBand(Band):
    """A projected share of schools: every figure between 0 and 1 (a page shows it as a percentage)."""

    mean: float = Field(ge=0, le=1)
    low: float = Field(ge=0, le=1)
    high: float = Field(ge=0, le=1)


class PhaseShare(BaseModel):
    model_config = _STRICT
    phase: str = Field(pattern=_PHASE)
    share_at_risk: ShareBand = Field(description="Share of the cohort's schools flagged at this phase's end")


class ForecastDocument(BaseModel):
    """A Monte Carlo projection of a cohort: not a measurement."""

    model_config = _STRICT
    cohort_id: str = Field(pattern=COHORT_ID_PATTERN, max_length=60)
    made_on: date
    runs: int = Field(ge=1, le=100_000, description="Simulated runs per school")
    seed: int
    statement: str = Field(min_length=1, max_length=1000, description="What the forecast is, in plain words")
    flagged_share: list[PhaseShare] = Field(max_length=4)
    completions: list[Band] = Field(max_length=40, description="The cohort's module completions, month by month")
    schools: list[SchoolOutlook] = Field(max_length=500)


class KeptForecast(BaseModel):
    """The cohort's latest forecast and when reporting kept it."""

    made_at: datetime
    document: ForecastDocument
