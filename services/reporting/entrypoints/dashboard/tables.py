"""The tables the dashboard shows, each defined once: the page renders it as HTML and offers it as CSV."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from contracts.events.learning import MODULE_COUNT
from services.reporting.domain.impact_reports import CohortRow
from services.reporting.domain.progress import SchoolProgress
from services.reporting.domain.suppression import PublishedFigures, Shown
from services.reporting.domain.timeline import MonthPoint
from services.reporting.entrypoints.csv_export import Cell

__all__ = [
    "RATES",
    "Table",
    "cohort_impact_table",
    "cohort_schools_table",
    "school_figures_table",
    "school_impact_table",
    "timeline_table",
]

# Rates shown against the baseline, in the DfE's words.
RATES: dict[str, str] = {
    "suspension_rate": "Suspension rate",
    "permanent_exclusion_rate": "Permanent exclusion rate",
    "overall_absence_rate": "Overall absence rate",
    "persistent_absence_rate": "Persistent absence rate",
}


@dataclass(frozen=True)
class Table:
    """Column names, rows of cells and a caption; `ids` name each row for live updates and links."""

    name: str
    caption: str
    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    ids: list[str] = field(default_factory=list)
    links: dict[int, str] = field(default_factory=dict)  # row index -> where its first cell links to


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole}" if whole else str(part)


def _change(row: CohortRow | None, rate: str) -> Cell:
    if row is None or row.change is None:
        return None
    shown: Shown = getattr(row.change, rate)
    return shown


def cohort_schools_table(cohort_id: str, schools: Sequence[SchoolProgress], impact: dict[str, CohortRow]) -> Table:
    rows: list[tuple[Cell, ...]] = []
    for progress in schools:
        school, journey, modules = progress.school, progress.journey, progress.modules
        rows.append(
            (
                school.school_name,
                school.urn,
                progress.status,
                journey.phase or "not started",
                ("Yes: " + "; ".join(journey.reasons)) if journey.at_risk else "No",
                progress.staff_counted,
                modules.staff_completed_all,
                modules.module_completions,
                len(progress.half_terms_with_circle),
                progress.circles_held,
                progress.leadership_days_headteacher_attended,
                progress.mentoring_sessions,
                progress.immersion_days,
                progress.practitioners_trained,
                _change(impact.get(school.urn), "suspension_rate"),
                _change(impact.get(school.urn), "overall_absence_rate"),
            )
        )
    return Table(
        name="schools",
        caption=f"Schools in cohort {cohort_id}: journey, progress and impact change",
        header=(
            "School",
            "URN",
            "Status",
            "Journey phase",
            "At risk",
            "Staff counted",
            f"Staff who completed all {MODULE_COUNT} modules",
            "Module completions",
            "Half-terms with a circle",
            "Circles held",
            "Leadership days the headteacher attended",
            "Mentoring sessions",
            "Immersion days",
            "Practitioners trained",
            "Suspension rate change (percentage points)",
            "Overall absence change (percentage points)",
        ),
        rows=rows,
        ids=[progress.school.urn for progress in schools],
        links={index: f"/dashboard/schools/{progress.school.urn}" for index, progress in enumerate(schools)},
    )


def timeline_table(caption: str, points: Sequence[MonthPoint]) -> Table:
    return Table(
        name="progress-over-time",
        caption=caption,
        header=("Month", "Module completions", f"Staff who completed all {MODULE_COUNT}", "Circles held"),
        rows=[
            (point.month.strftime("%Y-%m"), point.module_completions, point.staff_completed_all, point.circles_held)
            for point in points
        ],
        ids=[point.month.strftime("%Y-%m") for point in points],
    )


def cohort_impact_table(cohort_id: str, rows: Sequence[CohortRow]) -> Table:
    return Table(
        name="impact-change",
        caption=f"Change against baseline by school, cohort {cohort_id} (percentage points; c: suppressed)",
        header=("School", "URN", "Latest term", *RATES.values()),
        rows=[
            (
                row.school.school_name,
                row.school.urn,
                row.latest_period.label if row.latest_period else None,
                *(_change(row, rate) for rate in RATES),
            )
            for row in rows
        ],
        ids=[row.school.urn for row in rows],
    )


def school_figures_table(progress: SchoolProgress) -> Table:
    modules, journey = progress.modules, progress.journey
    figures: list[tuple[Cell, ...]] = [
        ("Status", progress.status),
        ("Journey phase", journey.phase or "not started"),
        ("At risk", "Yes" if journey.at_risk else "No"),
        ("Times flagged at risk", journey.times_flagged),
        ("Staff counted (registered, not left)", progress.staff_counted),
        ("Module completions", modules.module_completions),
        ("Staff with a completion", modules.staff_with_completions),
        (f"Staff who completed all {MODULE_COUNT} modules", modules.staff_completed_all),
        ("Circles held", progress.circles_held),
        ("Half-terms with a circle", len(progress.half_terms_with_circle)),
        ("Leadership days attended", progress.leadership_days_attended),
        ("Leadership days the headteacher attended", progress.leadership_days_headteacher_attended),
        ("Mentoring sessions", progress.mentoring_sessions),
        ("Immersion days", progress.immersion_days),
        ("Practitioners trained", progress.practitioners_trained),
    ]
    return Table(
        name="figures",
        caption=f"{progress.school.school_name}: progress in every part of the programme",
        header=("Figure", "Value"),
        rows=figures,
        ids=[
            "status",
            "phase",
            "at-risk",
            "times-flagged",
            "staff-counted",
            "module-completions",
            "staff-with-completions",
            "staff-completed-all",
            "circles-held",
            "half-terms-with-circle",
            "leadership-days",
            "headteacher-leadership-days",
            "mentoring",
            "immersion",
            "practitioners",
        ],
    )


def school_impact_table(row: CohortRow | None) -> Table:
    baseline: PublishedFigures | None = row.baseline if row else None
    latest: PublishedFigures | None = row.latest if row else None
    term = row.latest_period.label if row and row.latest_period else "latest term"
    return Table(
        name="impact",
        caption=f"Rates at baseline and in the {term}, and the change (per 100; c: suppressed)",
        header=("Rate", "Baseline", term.capitalize(), "Change (percentage points)"),
        rows=[
            (
                label,
                getattr(baseline, rate) if baseline else None,
                getattr(latest, rate) if latest else None,
                _change(row, rate),
            )
            for rate, label in RATES.items()
        ],
        ids=list(RATES),
    )
