"""What reporting's evidence API takes and answers: the implementation ledger, adaptations, staff surveys,
feedback and early indicators, and outcomes like for like."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.reporting.domain.adaptations import Adaptation, AdaptedPart
from services.reporting.domain.early_indicators import EarlyIndicators, Feedback, FeedbackOccasion, QuoteStatus
from services.reporting.domain.ledger import Ledger
from services.reporting.domain.like_for_like import ABSENCE_PERCENTS, Comparison, shown
from services.reporting.domain.surveys import Instrument, ScaleChange, Wave

__all__ = [
    "AdaptationView",
    "EarlyIndicatorsView",
    "FeedbackView",
    "InstrumentView",
    "LedgerView",
    "LikeForLikeView",
    "NewAdaptation",
    "NewFeedback",
    "QuoteDecision",
    "SurveyChangesView",
    "SurveyResponse",
]

_LEDGER = "Dosage, reach and fidelity: exact counts, percentages to 1 decimal place (null where nothing was due)"


class DosageView(BaseModel):
    part: str
    unit: str
    planned: int = Field(description="What the cohort's plan offers over the school's 18 months")
    due: int = Field(description="What the plan had offered by today")
    received: int = Field(description="What the school received so far")
    received_percent_of_due: float | None


class ReachView(BaseModel):
    current_staff: int
    started: int
    completed_1_to_5: int
    completed_1_to_10: int
    completed_all: int
    started_percent: float | None
    completed_1_to_5_percent: float | None
    completed_1_to_10_percent: float | None
    completed_all_percent: float | None


class ItemFidelityView(BaseModel):
    key: str
    text: str
    done: int
    answered: int
    done_percent: float | None


class FidelityView(BaseModel):
    occasion: str
    held: int
    recorded: int = Field(description="How many had their fidelity checklist recorded")
    items_answered: int
    items_done: int
    done_percent: float | None
    items: list[ItemFidelityView]


class LedgerView(BaseModel):
    """An implementation ledger: a school's or a cohort's."""

    dosage: list[DosageView] = Field(description=_LEDGER)
    reach: ReachView
    fidelity: list[FidelityView]
    adaptations_logged: int

    @classmethod
    def of(cls, ledger: Ledger, adaptations: int) -> LedgerView:
        reach = ledger.reach
        return cls(
            dosage=[
                DosageView(
                    part=d.part,
                    unit=d.unit,
                    planned=d.planned,
                    due=d.due,
                    received=d.received,
                    received_percent_of_due=d.received_percent_of_due,
                )
                for d in ledger.dosage
            ],
            reach=ReachView(
                current_staff=reach.current_staff,
                started=reach.started,
                completed_1_to_5=reach.completed_1_to_5,
                completed_1_to_10=reach.completed_1_to_10,
                completed_all=reach.completed_all,
                started_percent=reach.share(reach.started),
                completed_1_to_5_percent=reach.share(reach.completed_1_to_5),
                completed_1_to_10_percent=reach.share(reach.completed_1_to_10),
                completed_all_percent=reach.share(reach.completed_all),
            ),
            fidelity=[
                FidelityView(
                    occasion=f.occasion,
                    held=f.held,
                    recorded=f.recorded,
                    items_answered=f.items_answered,
                    items_done=f.items_done,
                    done_percent=f.done_percent,
                    items=[
                        ItemFidelityView(
                            key=i.key, text=i.text, done=i.done, answered=i.answered, done_percent=i.done_percent
                        )
                        for i in f.items
                    ],
                )
                for f in ledger.fidelity
            ],
            adaptations_logged=adaptations,
        )


class NewAdaptation(BaseModel):
    """A departure from the plan, logged by a facilitator. The reason stays in reporting: no event carries it."""

    model_config = ConfigDict(extra="forbid")

    part: AdaptedPart = Field(description="The part of the programme adapted")
    what_changed: str = Field(min_length=1, max_length=2000, description="What the school did instead")
    reason: str = Field(min_length=1, max_length=2000, description="Why (kept in reporting, never published)")
    decided_on: date = Field(description="When the change was decided (not in the future)")


class AdaptationView(BaseModel):
    adaptation_id: UUID
    urn: str
    cohort_id: str
    part: AdaptedPart
    what_changed: str
    reason: str
    decided_on: date

    @classmethod
    def of(cls, adaptation: Adaptation) -> AdaptationView:
        return cls(
            adaptation_id=adaptation.adaptation_id,
            urn=adaptation.urn,
            cohort_id=adaptation.cohort_id,
            part=adaptation.part,
            what_changed=adaptation.what_changed,
            reason=adaptation.reason,
            decided_on=adaptation.decided_on,
        )


class InstrumentView(BaseModel):
    """A survey instrument as data: its items, scales, reverse-scored items, scoring rule and licence."""

    model_config = ConfigDict(extra="forbid")

    instrument_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    title: str = Field(min_length=1, max_length=2000)
    licence: str = Field(min_length=1, max_length=2000, description="Who may use it, on what terms")
    lowest: int = Field(ge=0, le=100, description="The lowest answer")
    highest: int = Field(ge=0, le=100, description="The highest answer")
    answer_labels: list[str] = Field(default_factory=list, max_length=101)
    scoring: Literal["mean", "sum"] = Field(description="A respondent's scale score: mean or sum of item points")
    scales: list[dict[str, str]] = Field(min_length=1, max_length=50, description="Each `{key, title}`")
    items: list[dict[str, Any]] = Field(
        min_length=1, max_length=200, description="Each `{key, text, scale, reverse}`; reverse-scored when true"
    )

    @classmethod
    def of(cls, instrument: Instrument) -> InstrumentView:
        return cls.model_validate(instrument.as_data())


class SurveyResponse(BaseModel):
    """One person's answers. Nothing about who answered is taken or kept."""

    model_config = ConfigDict(extra="forbid")

    instrument_id: str | None = Field(default=None, max_length=64, description="Left out: the programme's own")
    wave: Wave = Field(description="before, after or follow_up")
    answers: dict[str, int] = Field(description="Every item's key and its answer on the instrument's scale")


class ScaleChangeView(BaseModel):
    scale: str
    title: str
    responses_from: int
    responses_to: int
    score_from: float | None = Field(description="Null below the minimum group")
    score_to: float | None = Field(description="Null below the minimum group")
    change: float | None = Field(description="Later minus earlier, 2 dp; null when either group is below the minimum")


class SurveyChangesView(BaseModel):
    instrument_id: str
    minimum_group: int
    changes: dict[str, list[ScaleChangeView]] = Field(description="`before to after`, `before to follow_up`")

    @classmethod
    def of(
        cls, instrument: Instrument, changes: dict[str, tuple[ScaleChange, ...]], min_group: int
    ) -> SurveyChangesView:
        return cls(
            instrument_id=instrument.instrument_id,
            minimum_group=min_group,
            changes={
                waves: [
                    ScaleChangeView(
                        scale=c.scale,
                        title=c.title,
                        responses_from=c.respondents_from,
                        responses_to=c.respondents_to,
                        score_from=c.score_from,
                        score_to=c.score_to,
                        change=c.change,
                    )
                    for c in found
                ]
                for waves, found in changes.items()
            },
        )


class NewFeedback(BaseModel):
    """A participant's feedback after a leadership day or circle; who gave it is not taken."""

    model_config = ConfigDict(extra="forbid")

    occasion: FeedbackOccasion
    occasion_id: UUID = Field(description="The leadership day's session id or the circle's id")
    impacts: list[str] = Field(max_length=20, description="Keys from the seed list (`GET /early-indicators/impacts`)")
    quote: str | None = Field(default=None, max_length=1000, description="In their own words, without names")
    consent_to_publish: bool = Field(description="Whether the quote may be published without their name")


class FeedbackView(BaseModel):
    feedback_id: UUID
    cohort_id: str
    urn: str
    occasion: FeedbackOccasion
    occasion_id: UUID
    impacts: list[str]
    quote: str | None
    consent_to_publish: bool
    quote_status: QuoteStatus

    @classmethod
    def of(cls, feedback: Feedback) -> FeedbackView:
        return cls(**{**feedback.__dict__, "impacts": list(feedback.impacts)})


class QuoteDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approved: bool = Field(description="True publishes the quote (its author consented); false keeps it back")


class ImpactCountView(BaseModel):
    impact: str
    label: str
    reported: int


class EarlyIndicatorsView(BaseModel):
    cohort_id: str
    responses: int
    impacts: list[ImpactCountView]
    quotes: list[str] = Field(description="Only quotes whose authors consented and a programme admin approved")
    quotes_awaiting_approval: int

    @classmethod
    def of(cls, found: EarlyIndicators) -> EarlyIndicatorsView:
        return cls(
            cohort_id=found.cohort_id,
            responses=found.responses,
            impacts=[ImpactCountView(impact=k, label=label, reported=n) for k, label, n in found.impact_counts],
            quotes=list(found.quotes),
            quotes_awaiting_approval=found.quotes_awaiting_approval,
        )


class ComparisonView(BaseModel):
    term: str
    compared_with: str
    basis: Literal["termly", "annual"] = Field(
        description="termly: the same term of the baseline year; annual: the baseline year (event rates / 3)"
    )
    persistent_absence_denominator: str
    term_rates: dict[str, float | None]
    baseline_rates: dict[str, float | None]
    change: dict[str, float | None] = Field(description="Percentage points; null where not comparable")


class LikeForLikeView(BaseModel):
    """A school's terms against their like-for-like baselines. Rates 2 dp; absence percentages 1 dp. Figures from
    counts of 1 or 2 pupils are withheld here (null) as in the published tables."""

    urn: str
    comparisons: list[ComparisonView]

    @classmethod
    def of(cls, urn: str, comparisons: list[Comparison], published: dict[str, dict[str, object]]) -> LikeForLikeView:
        def rates(found: object, hidden: set[str]) -> dict[str, float | None]:
            values = {}
            for name in (
                "suspension_rate",
                "one_or_more_suspension_rate",
                "repeat_suspension_rate",
                "permanent_exclusion_rate",
                *ABSENCE_PERCENTS,
            ):
                value = getattr(found, name)
                places = 1 if name in ABSENCE_PERCENTS else 2
                values[name] = None if value is None or name in hidden else shown(value, places)
            return values

        views = []
        for c in comparisons:
            term_hidden = {k for k, v in published.get(c.term.label, {}).items() if v == "c"}
            base_hidden = {k for k, v in published.get(c.baseline.label, {}).items() if v == "c"}
            hidden = term_hidden | base_hidden
            views.append(
                ComparisonView(
                    term=c.term.label,
                    compared_with=c.baseline.label,
                    basis=c.basis,
                    persistent_absence_denominator=c.term_rates.persistent_absence_denominator,
                    term_rates=rates(c.term_rates, term_hidden),
                    baseline_rates=rates(c.baseline_rates, base_hidden),
                    change={
                        name: None
                        if value is None or name in hidden
                        else shown(value, 1 if name in ABSENCE_PERCENTS else 2)
                        for name, value in c.change.items()
                    },
                )
            )
        return cls(urn=urn, comparisons=views)
