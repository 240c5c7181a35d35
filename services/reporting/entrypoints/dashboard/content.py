"""What the dashboard's pages show: a section per cohort, a page per school, their tables and charts."""

from __future__ import annotations

from html import escape

from services.reporting.domain.impact_reports import CohortRow
from services.reporting.domain.progress import SchoolProgress
from services.reporting.domain.timeline import MonthPoint, add_timelines
from services.reporting.entrypoints.dashboard import charts
from services.reporting.entrypoints.dashboard.pages import table_html
from services.reporting.entrypoints.dashboard.tables import (
    Table,
    cohort_impact_table,
    cohort_schools_table,
    school_figures_table,
    school_impact_table,
    timeline_table,
)
from services.reporting.service_layer.queries import CohortOverview

__all__ = ["cohort_section", "cohort_tables", "school_content", "school_tables"]


def cohort_tables(view: CohortOverview) -> dict[str, Table]:
    rows = [view.impact[p.school.urn] for p in view.schools if p.school.urn in view.impact]
    return {
        "schools": cohort_schools_table(view.cohort_id, view.schools, view.impact),
        "progress-over-time": timeline_table(
            f"Progress over time, cohort {view.cohort_id} (running totals at the end of each month)",
            add_timelines(p.timeline for p in view.schools),
        ),
        "impact-change": cohort_impact_table(view.cohort_id, [row for row in rows if row.compared]),
    }


def _progress_chart(chart_id: str, who: str, points: tuple[MonthPoint, ...] | list[MonthPoint]) -> str:
    if not points:
        return f"<p>No module completions or circles recorded for {escape(who)} yet.</p>"
    last = points[-1]
    description = (
        f"Running totals for {who} from {points[0].month:%B %Y} to {last.month:%B %Y}: by the end, "
        f"{last.module_completions} module completions, {last.staff_completed_all} staff who completed every "
        f"module and {last.circles_held} circles held. The same figures are in the table below."
    )
    return charts.line_chart(
        chart_id,
        f"Progress over time, {who}",
        description,
        [f"{point.month:%b %Y}" for point in points],
        [
            charts.Series("Module completions", [point.module_completions for point in points]),
            charts.Series("Staff who completed all modules", [point.staff_completed_all for point in points]),
            charts.Series("Circles held", [point.circles_held for point in points]),
        ],
    )


def _number(cell: object) -> float | None:
    return float(cell) if isinstance(cell, int | float) and not isinstance(cell, bool) else None


def _cohort_impact_chart(chart_id: str, table: Table) -> str:
    if not table.rows:
        return "<p>No school has both a baseline and a term's return yet, so there is no change to show.</p>"
    groups = [charts.Bars(str(row[1]), [_number(row[3]), _number(row[5])]) for row in table.rows]
    described = "; ".join(
        f"{row[0]}: suspension rate {row[3]}, overall absence {row[5]} percentage points" for row in table.rows
    )
    return charts.bar_chart(
        chart_id,
        "Change against baseline by school",
        f"Change of each school's latest term against its baseline (c: suppressed). {described}.",
        ["Suspension rate change", "Overall absence change"],
        groups,
    )


def _school_impact_chart(chart_id: str, table: Table) -> str:
    if all(row[1] is None for row in table.rows):
        return "<p>No baseline return yet, so there is no impact to compare.</p>"
    groups = [charts.Bars(str(row[0]).removesuffix(" rate"), [_number(row[1]), _number(row[2])]) for row in table.rows]
    described = "; ".join(f"{row[0]}: {row[1]} at baseline, {row[2]} in the latest term" for row in table.rows)
    return charts.bar_chart(
        chart_id,
        "Impact against baseline",
        f"Rates per 100 at baseline and in the latest term (c: suppressed). {described}.",
        ["Baseline", table.header[2]],
        groups,
    )


def cohort_section(view: CohortOverview, detailed: bool = True, evidence: bool = False) -> str:
    """A cohort's part of the overview; without `detailed` (aggregate figures only) no school is named; with
    `evidence`, a link to the cohort's evidence page."""
    tables, prefix = cohort_tables(view), f"cohort-{view.cohort_id}"
    csv = f"/dashboard/cohorts/{view.cohort_id}"
    at_risk = [p for p in view.schools if p.journey.at_risk]
    timeline = add_timelines(p.timeline for p in view.schools)
    progress_chart = _progress_chart(f"{prefix}-progress-chart", f"cohort {view.cohort_id}", timeline)
    flags = (
        "<ul>"
        + "".join(
            f'<li><a href="/dashboard/schools/{p.school.urn}">{escape(p.school.school_name)}</a>: '
            f"{escape('; '.join(p.journey.reasons) or 'no reason given')}</li>"
            for p in at_risk
        )
        + "</ul>"
        if at_risk
        else "<p>No school is flagged at risk.</p>"
    )
    return (
        f'<section aria-labelledby="{prefix}-heading"><h2 id="{prefix}-heading">{escape(view.name)} '
        f"({escape(view.cohort_id)})</h2>"
        f'<p id="{prefix}-count">{len(view.schools)} schools, {len(at_risk)} flagged at risk.</p>'
        + (
            f'<p><a href="/dashboard/cohorts/{escape(view.cohort_id)}/evidence">Evidence for this cohort: '
            "implementation, staff surveys, early indicators and outcome figures</a></p>"
            if evidence
            else ""
        )
        + (
            f"<h3>Schools</h3>{table_html(tables['schools'], prefix, f'{csv}/schools.csv')}"
            f'<h3>Schools at risk</h3><div class="at-risk">{flags}</div>'
            if detailed
            else ""
        )
        + f"<h3>Progress over time</h3>{progress_chart}"
        f"{table_html(tables['progress-over-time'], prefix, f'{csv}/progress-over-time.csv')}"
        f"<h3>Impact against baseline</h3>{_cohort_impact_chart(f'{prefix}-impact-chart', tables['impact-change'])}"
        f"{table_html(tables['impact-change'], prefix, f'{csv}/impact-change.csv')}</section>"
    )


def school_tables(progress: SchoolProgress, row: CohortRow | None) -> dict[str, Table]:
    school = progress.school
    return {
        "figures": school_figures_table(progress),
        "progress-over-time": timeline_table(
            f"Progress over time, {school.school_name} (running totals at the end of each month)", progress.timeline
        ),
        "impact": school_impact_table(row),
    }


def school_content(progress: SchoolProgress, row: CohortRow | None) -> str:
    school, journey = progress.school, progress.journey
    tables, prefix, csv = school_tables(progress, row), f"school-{school.urn}", f"/dashboard/schools/{school.urn}"
    progress_chart = _progress_chart(f"{prefix}-progress-chart", school.school_name, progress.timeline)
    risk = (
        '<div class="at-risk"><h2>At risk</h2><p>Flagged at risk in the '
        f"{escape(journey.flagged_phase or '')} phase on {journey.flagged_on}, because:</p><ul>"
        + "".join(f"<li>{escape(reason)}</li>" for reason in journey.reasons)
        + "</ul></div>"
        if journey.at_risk
        else "<p>Not flagged at risk.</p>"
    )
    return (
        f"<h1>{escape(school.school_name)} ({school.urn})</h1>"
        f"<p>Cohort {escape(school.cohort_id)}; joined {school.enrolled_on}; "
        f"{escape(progress.status)}; journey phase: {escape(journey.phase or 'not started')}.</p>{risk}"
        f"<h2>Progress</h2>{table_html(tables['figures'], prefix, f'{csv}/figures.csv')}"
        f"<h2>Progress over time</h2>{progress_chart}"
        f"{table_html(tables['progress-over-time'], prefix, f'{csv}/progress-over-time.csv')}"
        f"<h2>Impact against baseline</h2>{_school_impact_chart(f'{prefix}-impact-chart', tables['impact'])}"
        f"{table_html(tables['impact'], prefix, f'{csv}/impact.csv')}"
    )
