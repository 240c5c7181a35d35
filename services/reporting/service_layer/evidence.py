"""Evidence handlers and queries: the implementation ledger, adaptations, staff surveys, feedback and early
indicators, outcomes like for like, and a cohort's open data and council report, over one unit of work."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID, uuid4

from contracts.calendar import HalfTermCalendar
from contracts.programme import ProgrammePlan
from runtime.unit_of_work import UnitOfWork
from services.reporting.domain.adaptations import Adaptation, AdaptedPart, check_adaptation
from services.reporting.domain.early_indicators import (
    EarlyIndicators,
    Feedback,
    FeedbackOccasion,
    QuoteStatus,
    check_feedback,
    early_indicators,
    quote_status_on_arrival,
)
from services.reporting.domain.errors import InvalidEvidence, NoSuchCohort, NoSuchEvidence, NoSuchSchool
from services.reporting.domain.impact_returns import ImpactReturn
from services.reporting.domain.ledger import Ledger, combine, ledger_of
from services.reporting.domain.like_for_like import Comparison, comparisons_of
from services.reporting.domain.open_data import PublishedRow, published_table
from services.reporting.domain.progress import ReportedSchool
from services.reporting.domain.surveys import (
    DEFAULT_INSTRUMENT,
    WAVES,
    Instrument,
    ScaleChange,
    Tally,
    Wave,
    change_between,
    pooled_tally,
    release,
    score_response,
)
from services.reporting.service_layer.unit_of_work import ImpactReturns, ReadModels

__all__ = [
    "CohortEvidence",
    "Evidence",
    "EvidenceUnitOfWork",
    "SchoolLedger",
    "answer_survey",
    "cohort_evidence",
    "decide_quote",
    "give_feedback",
    "instrument_of",
    "instruments",
    "like_for_like_of",
    "load_instrument",
    "log_adaptation",
    "school_adaptations",
    "school_ledger",
    "school_surveys",
]


class Evidence(Protocol):
    async def cohort(self, cohort_id: str) -> tuple[str, ProgrammePlan] | None: ...
    async def add_adaptation(self, adaptation: Adaptation) -> None: ...
    async def adaptations(self, urns: list[str]) -> list[Adaptation]: ...
    async def instruments(self) -> list[Instrument]: ...
    async def add_instrument(self, instrument: Instrument) -> bool: ...
    async def tallies_for_update(
        self, instrument_id: str, urn: str, cohort_id: str, wave: Wave
    ) -> tuple[Tally, Tally]: ...
    async def save_tallies(
        self, instrument_id: str, urn: str, cohort_id: str, wave: Wave, pending: Tally, released: Tally
    ) -> None: ...
    async def released_tallies(
        self, instrument_id: str, urns: list[str], cohort_id: str
    ) -> dict[tuple[str, str], Tally]: ...
    async def add_feedback(self, feedback: Feedback) -> None: ...
    async def feedback_of(self, cohort_id: str) -> list[Feedback]: ...
    async def feedback_for_update(self, feedback_id: UUID) -> Feedback | None: ...
    async def set_quote_status(self, feedback_id: UUID, status: QuoteStatus) -> None: ...


class EvidenceUnitOfWork(UnitOfWork, Protocol):
    @property
    def read_models(self) -> ReadModels: ...
    @property
    def impact(self) -> ImpactReturns: ...
    @property
    def evidence(self) -> Evidence: ...


async def _school(uow: EvidenceUnitOfWork, urn: str) -> ReportedSchool:
    found = await uow.read_models.schools(urn=urn)
    if not found:
        raise NoSuchSchool(urn)
    return found[0]


# The implementation ledger.


@dataclass(frozen=True)
class SchoolLedger:
    school: ReportedSchool
    ledger: Ledger
    adaptations: list[Adaptation]


async def school_ledger(uow: EvidenceUnitOfWork, urn: str, calendar: HalfTermCalendar, today: date) -> SchoolLedger:
    async with uow:
        school = await _school(uow, urn)
        cohort = await uow.evidence.cohort(school.cohort_id)
        if cohort is None:
            raise NoSuchCohort(school.cohort_id)
        facts = (await uow.read_models.facts([school]))[urn]
        adaptations = [a for a in await uow.evidence.adaptations([urn]) if a.cohort_id == school.cohort_id]
    return SchoolLedger(school, ledger_of(cohort[1], school.enrolled_on, facts, calendar, today), adaptations)


# Adaptations.


async def log_adaptation(
    uow: EvidenceUnitOfWork,
    urn: str,
    part: AdaptedPart,
    what_changed: str,
    reason: str,
    decided_on: date,
    recorded_at: datetime,
) -> Adaptation:
    async with uow:
        school = await _school(uow, urn)
        check_adaptation(what_changed, reason, decided_on, school.enrolled_on, recorded_at.date())
        adaptation = Adaptation(uuid4(), urn, school.cohort_id, part, what_changed, reason, decided_on, recorded_at)
        await uow.evidence.add_adaptation(adaptation)
        await uow.commit()
    return adaptation


async def school_adaptations(uow: EvidenceUnitOfWork, urn: str) -> list[Adaptation]:
    async with uow:
        school = await _school(uow, urn)
        return [a for a in await uow.evidence.adaptations([urn]) if a.cohort_id == school.cohort_id]


# Staff surveys.


async def instruments(uow: EvidenceUnitOfWork) -> list[Instrument]:
    async with uow:
        loaded = await uow.evidence.instruments()
    return [DEFAULT_INSTRUMENT, *(i for i in loaded if i.instrument_id != DEFAULT_INSTRUMENT.instrument_id)]


async def instrument_of(uow: EvidenceUnitOfWork, instrument_id: str | None) -> Instrument:
    if instrument_id is None:
        return DEFAULT_INSTRUMENT
    found = next((i for i in await instruments(uow) if i.instrument_id == instrument_id), None)
    if found is None:
        raise NoSuchEvidence(f"no survey instrument {instrument_id!r} is loaded")
    return found


async def load_instrument(uow: EvidenceUnitOfWork, instrument: Instrument) -> bool:
    if instrument.instrument_id == DEFAULT_INSTRUMENT.instrument_id:
        raise InvalidEvidence("instrument_id", "is the programme's own instrument's; give yours an id of its own")
    async with uow:
        added = await uow.evidence.add_instrument(instrument)
        await uow.commit()
    return added


async def answer_survey(
    uow: EvidenceUnitOfWork, urn: str, instrument_id: str | None, wave: Wave, answers: dict[str, int], min_group: int
) -> None:
    """Score a response and add it to its school's tallies; nothing of the response itself is kept."""
    instrument = await instrument_of(uow, instrument_id)
    scored = score_response(instrument, answers)
    async with uow:
        school = await _school(uow, urn)
        key = (instrument.instrument_id, urn, school.cohort_id, wave)
        pending, released = await uow.evidence.tallies_for_update(*key)
        pending, released = release(pending.add(scored), released, min_group)
        await uow.evidence.save_tallies(*key, pending, released)
        await uow.commit()


_WAVE_PAIRS: tuple[tuple[Wave, Wave], ...] = (("before", "after"), ("before", "follow_up"))


def _changes(
    instrument: Instrument, by_wave: Mapping[str, Tally], min_group: int
) -> dict[str, tuple[ScaleChange, ...]]:
    return {
        f"{earlier} to {later}": change_between(
            instrument, by_wave.get(earlier, Tally()), by_wave.get(later, Tally()), min_group
        )
        for earlier, later in _WAVE_PAIRS
    }


async def school_surveys(
    uow: EvidenceUnitOfWork, urn: str, instrument_id: str | None, min_group: int
) -> tuple[Instrument, dict[str, tuple[ScaleChange, ...]]]:
    instrument = await instrument_of(uow, instrument_id)
    async with uow:
        school = await _school(uow, urn)
        tallies = await uow.evidence.released_tallies(instrument.instrument_id, [school.urn], school.cohort_id)
    return instrument, _changes(instrument, {wave: t for (_, wave), t in tallies.items()}, min_group)


# Feedback and early indicators.


async def give_feedback(
    uow: EvidenceUnitOfWork,
    urn: str,
    occasion: FeedbackOccasion,
    occasion_id: UUID,
    impacts: list[str],
    quote: str | None,
    consent: bool,
) -> Feedback:
    check_feedback(impacts, quote)
    async with uow:
        school = await _school(uow, urn)
        feedback = Feedback(
            uuid4(),
            school.cohort_id,
            urn,
            occasion,
            occasion_id,
            tuple(impacts),
            quote,
            consent,
            quote_status_on_arrival(quote, consent),
        )
        await uow.evidence.add_feedback(feedback)
        await uow.commit()
    return feedback


async def decide_quote(uow: EvidenceUnitOfWork, feedback_id: UUID, approved: bool) -> Feedback:
    async with uow:
        found = await uow.evidence.feedback_for_update(feedback_id)
        if found is None:
            raise NoSuchEvidence(f"no feedback {feedback_id}")
        if found.quote_status not in ("awaiting_approval", "approved", "rejected"):
            raise InvalidEvidence("approved", "only a quote its author consented to publish can be approved")
        status: QuoteStatus = "approved" if approved else "rejected"
        await uow.evidence.set_quote_status(feedback_id, status)
        await uow.commit()
    return Feedback(**{**found.__dict__, "quote_status": status})


# Outcomes like for like, and a cohort's evidence as a whole.


async def like_for_like_of(
    uow: EvidenceUnitOfWork, urn: str
) -> tuple[ReportedSchool, list[Comparison], dict[str, dict[str, object]]]:
    """The school's terms against their baselines, and its published figures by period label (suppressed within
    its cohort's table, so what this shows and what the cohort's files show agree)."""
    async with uow:
        school = await _school(uow, urn)
        schools = await uow.read_models.schools(cohort_id=school.cohort_id)
        returns = await uow.impact.of_schools([s.urn for s in schools])
    mine = [(s, [r for r in returns.get(s.urn, []) if r.cohort_id == school.cohort_id]) for s in schools]
    published: dict[str, dict[str, object]] = {
        row.period.label: dict(row.values)
        for row in published_table(mine)
        if row.school is not None and row.school.urn == urn
    }
    own = next(rs for s, rs in mine if s.urn == urn)
    return school, comparisons_of(own, school.enrolled_on), published


@dataclass(frozen=True)
class CohortEvidence:
    cohort_id: str
    name: str
    instrument: Instrument
    schools: list[SchoolLedger]
    ledger: Ledger
    school_surveys: dict[str, dict[str, tuple[ScaleChange, ...]]]
    surveys: dict[str, tuple[ScaleChange, ...]]
    indicators: EarlyIndicators
    feedback: list[Feedback]
    comparisons: dict[str, list[Comparison]]
    published: list[PublishedRow]


async def cohort_evidence(
    uow: EvidenceUnitOfWork,
    cohort_id: str,
    calendar: HalfTermCalendar,
    today: date,
    min_group: int,
    instrument_id: str | None = None,
) -> CohortEvidence:
    instrument = await instrument_of(uow, instrument_id)
    async with uow:
        schools = await uow.read_models.schools(cohort_id=cohort_id)
        cohort = await uow.evidence.cohort(cohort_id)
        if not schools or cohort is None:
            raise NoSuchCohort(cohort_id)
        urns = [school.urn for school in schools]
        facts = await uow.read_models.facts(schools)
        adaptations = await uow.evidence.adaptations(urns)
        tallies = await uow.evidence.released_tallies(instrument.instrument_id, urns, cohort_id)
        feedback = await uow.evidence.feedback_of(cohort_id)
        returns = await uow.impact.of_schools(urns)
    name, plan = cohort
    ledgers = [
        SchoolLedger(
            school,
            ledger_of(plan, school.enrolled_on, facts[school.urn], calendar, today),
            [a for a in adaptations if a.urn == school.urn and a.cohort_id == cohort_id],
        )
        for school in schools
    ]
    days = [
        (session.session_id, session.fidelity)
        for school in schools
        for session in facts[school.urn].sessions
        if session.kind == "leadership_day"
    ]
    by_school: dict[str, dict[str, Tally]] = {}
    for (urn, wave), tally in tallies.items():
        by_school.setdefault(urn, {})[wave] = tally
    pooled: dict[str, Tally] = {
        wave: pooled_tally(by_school.get(urn, {}).get(wave, Tally()) for urn in urns) for wave in WAVES
    }
    mine: list[tuple[ReportedSchool, list[ImpactReturn]]] = [
        (school, [r for r in returns.get(school.urn, []) if r.cohort_id == cohort_id]) for school in schools
    ]
    return CohortEvidence(
        cohort_id=cohort_id,
        name=name,
        instrument=instrument,
        schools=ledgers,
        ledger=combine([ledger.ledger for ledger in ledgers], days),
        school_surveys={urn: _changes(instrument, by_school.get(urn, {}), min_group) for urn in urns},
        surveys=_changes(instrument, pooled, min_group),
        indicators=early_indicators(cohort_id, feedback),
        feedback=feedback,
        comparisons={school.urn: comparisons_of(rs, school.enrolled_on) for school, rs in mine},
        published=published_table(mine),
    )
