"""What reporting publishes about impact: a school's returns and rates, and a cohort's table with its totals,
pupil-weighted change and early indicators, every figure suppressed where it must be. Pure Python."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from contracts.programme import programme_end
from services.reporting.domain.impact_returns import ImpactFigures, ImpactReturn, current_returns
from services.reporting.domain.periods import Period, baseline_of, periods_due
from services.reporting.domain.progress import ReportedSchool
from services.reporting.domain.rates import SuspensionsHalved, change_against_baseline, pooled, suspensions_halved
from services.reporting.domain.suppression import (
    RATE_OF_COUNT,
    PublishedChange,
    PublishedFigures,
    publish_change,
    publish_figures,
    suppress_column,
)

__all__ = [
    "CohortImpact",
    "CohortRow",
    "PublishedPeriod",
    "ReturnHistory",
    "SchoolImpact",
    "cohort_impact",
    "latest_term",
    "school_impact",
]


@dataclass(frozen=True)
class ReturnHistory:
    """A period's current return and the versions it replaced, newest first."""

    period: Period
    current: ImpactReturn
    earlier: tuple[ImpactReturn, ...]


@dataclass(frozen=True)
class PublishedPeriod:
    period: Period
    figures: PublishedFigures


@dataclass(frozen=True)
class SchoolImpact:
    """One school's impact evidence: what it returned, and what may be published from it."""

    school: ReportedSchool
    programme_ends_on: date
    periods_due: tuple[Period, ...]
    returns: tuple[ReturnHistory, ...]
    published: tuple[PublishedPeriod, ...]
    latest: Period | None
    change: PublishedChange | None


def latest_term(current: dict[Period, ImpactReturn], enrolled_on: date) -> Period | None:
    """The latest term of the programme returned (terms of the baseline year are baselines, never the latest)."""
    baseline_year = baseline_of(enrolled_on).academic_year
    terms = [period for period in current if period.name != "baseline" and period.academic_year > baseline_year]
    return max(terms, key=lambda period: period.sort_key) if terms else None


def _baseline(current: dict[Period, ImpactReturn]) -> ImpactReturn | None:
    return next((found for period, found in current.items() if period.name == "baseline"), None)


def school_impact(school: ReportedSchool, returns: list[ImpactReturn]) -> SchoolImpact:
    versions: dict[Period, list[ImpactReturn]] = defaultdict(list)
    for found in returns:
        versions[found.period].append(found)
    order = sorted(versions, key=lambda period: period.sort_key)
    history = []
    for period in order:
        newest_first = sorted(versions[period], key=lambda found: found.version, reverse=True)
        history.append(ReturnHistory(period, newest_first[0], tuple(newest_first[1:])))
    current = current_returns(returns)
    published = {period: publish_figures(current[period].figures) for period in order}
    baseline, latest = _baseline(current), latest_term(current, school.enrolled_on)
    change = None
    if baseline is not None and latest is not None:
        change = publish_change(
            change_against_baseline(baseline.figures, current[latest].figures),
            published[baseline.period],
            published[latest],
        )
    return SchoolImpact(
        school=school,
        programme_ends_on=programme_end(school.enrolled_on),
        periods_due=tuple(periods_due(school.enrolled_on)),
        returns=tuple(history),
        published=tuple(PublishedPeriod(period, published[period]) for period in order),
        latest=latest,
        change=change,
    )


@dataclass(frozen=True)
class CohortRow:
    """One school in the cohort table. `compared` schools have a baseline and a term and make up the totals."""

    school: ReportedSchool
    baseline: PublishedFigures | None
    latest_period: Period | None
    latest: PublishedFigures | None
    change: PublishedChange | None
    compared: bool


@dataclass(frozen=True)
class CohortImpact:
    """A cohort's impact table: totals and change are over the compared schools, pupil-weighted (rates of the
    summed counts, each school's latest term against its baseline)."""

    cohort_id: str
    rows: tuple[CohortRow, ...]
    schools_compared: int
    baseline_total: PublishedFigures | None
    latest_total: PublishedFigures | None
    change: PublishedChange | None
    suspensions_halved: SuspensionsHalved


def _publish_column_set(figures: list[ImpactFigures]) -> tuple[list[PublishedFigures], PublishedFigures | None]:
    """Rows and their total (None for no rows), with primary and secondary suppression in every suppressible
    column."""
    if not figures:
        return [], None
    also_hidden: list[set[str]] = [set() for _ in figures]
    total_hidden: set[str] = set()
    for count in RATE_OF_COUNT:
        column = suppress_column([getattr(row, count) for row in figures])
        for index, hidden in enumerate(column.hidden):
            if hidden:
                also_hidden[index].add(count)
        if column.total_hidden:
            total_hidden.add(count)
    rows = [publish_figures(row, frozenset(hidden)) for row, hidden in zip(figures, also_hidden, strict=True)]
    return rows, publish_figures(pooled(figures), frozenset(total_hidden))


def cohort_impact(cohort_id: str, schools: list[tuple[ReportedSchool, list[ImpactReturn]]]) -> CohortImpact:
    """`schools` are the cohort's schools, each with its returns (any versions)."""
    sides: list[tuple[ReportedSchool, ImpactReturn | None, Period | None, ImpactReturn | None]] = []
    for school, returns in schools:
        current = current_returns([found for found in returns if found.cohort_id == cohort_id])
        term = latest_term(current, school.enrolled_on)
        sides.append((school, _baseline(current), term, current[term] if term else None))
    compared = [(b, t) for _, b, _, t in sides if b is not None and t is not None]
    baseline_rows, baseline_total = _publish_column_set([b.figures for b, _ in compared])
    latest_rows, latest_total = _publish_column_set([t.figures for _, t in compared])
    published = iter(zip(baseline_rows, latest_rows, strict=True))
    rows = []
    for school, baseline, period, latest in sides:
        if baseline is not None and latest is not None:
            shown_baseline, shown_latest = next(published)
            change = publish_change(
                change_against_baseline(baseline.figures, latest.figures), shown_baseline, shown_latest
            )
            rows.append(CohortRow(school, shown_baseline, period, shown_latest, change, True))
        else:
            rows.append(
                CohortRow(
                    school,
                    publish_figures(baseline.figures) if baseline else None,
                    period,
                    publish_figures(latest.figures) if latest else None,
                    None,
                    False,
                )
            )
    cohort_change = None
    if baseline_total is not None and latest_total is not None:
        exact = change_against_baseline(pooled(b.figures for b, _ in compared), pooled(t.figures for _, t in compared))
        cohort_change = publish_change(exact, baseline_total, latest_total)
    return CohortImpact(
        cohort_id=cohort_id,
        rows=tuple(rows),
        schools_compared=len(compared),
        baseline_total=baseline_total,
        latest_total=latest_total,
        change=cohort_change,
        suspensions_halved=suspensions_halved((b.figures, t.figures) for b, t in compared),
    )
