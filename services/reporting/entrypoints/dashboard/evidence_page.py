"""The dashboard's evidence page for a cohort: the implementation ledger (dosage, reach, fidelity), staff
survey change with response counts, early indicators with approved quotes, and the impact figures as published
(suppressed, with each period's total). Every table downloads as CSV."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path
from fastapi.responses import HTMLResponse, Response

from contracts.calendar import HalfTermCalendar
from contracts.identifiers import COHORT_ID_PATTERN
from runtime.auth import Authenticator, Principal
from services.reporting.domain.open_data import INDICATORS
from services.reporting.entrypoints.authorisation import POLICY
from services.reporting.entrypoints.csv_export import Cell, csv_response
from services.reporting.entrypoints.dashboard.pages import page, table_html
from services.reporting.entrypoints.dashboard.tables import Table
from services.reporting.service_layer.evidence import CohortEvidence, EvidenceUnitOfWork, cohort_evidence

__all__ = ["build_evidence_dashboard", "evidence_tables"]

EvidenceTable = Literal["dosage", "reach", "fidelity", "surveys", "early-indicators", "impact-figures"]
_COHORT_PATH = Path(pattern=COHORT_ID_PATTERN, description="The cohort's id")


def _rows(rows: Iterable[Sequence[Any]]) -> list[tuple[Cell, ...]]:
    return [tuple(row) for row in rows]


def _none(value: float | None) -> Cell:
    return "n/a" if value is None else value


def evidence_tables(found: CohortEvidence) -> dict[str, Table]:
    ledger = found.ledger
    reach = ledger.reach
    dosage = Table(
        "dosage",
        f"Dosage, cohort {found.cohort_id}: offered by the plan against received",
        ("Part", "Unit", "Planned (18 months)", "Due by today", "Received", "Received, % of due"),
        _rows(
            (d.part.replace("_", " "), d.unit, d.planned, d.due, d.received, _none(d.received_percent_of_due))
            for d in ledger.dosage
        ),
    )
    reach_rows: list[tuple[Cell, ...]] = [
        (label, count, reach.current_staff, _none(reach.share(count)))
        for label, count in (
            ("Started the modules", reach.started),
            ("Completed modules 1-5", reach.completed_1_to_5),
            ("Completed modules 1-10", reach.completed_1_to_10),
            ("Completed all 15", reach.completed_all),
        )
    ]
    reach_table = Table(
        "reach", f"Reach, cohort {found.cohort_id}: share of current staff", ("Measure", "Staff", "Of", "%"),
        reach_rows,
    )  # fmt: skip
    fidelity = Table(
        "fidelity",
        f"Fidelity, cohort {found.cohort_id}: checklist items done",
        ("Occasion and item", "Held", "Checklists recorded", "Items answered", "Items done", "% done"),
        _rows(
            row
            for f in ledger.fidelity
            for row in (
                (
                    f.occasion.replace("_", " "),
                    f.held,
                    f.recorded,
                    f.items_answered,
                    f.items_done,
                    _none(f.done_percent),
                ),
                *((f"  {i.text}", "", "", i.answered, i.done, _none(i.done_percent)) for i in f.items),
            )
        ),
    )
    surveys = Table(
        "surveys",
        f"Staff surveys, cohort {found.cohort_id} ({found.instrument.title}; no score below the minimum group)",
        ("Scale", "Waves", "Responses from", "Score from", "Responses to", "Score to", "Change"),
        _rows(
            (
                c.title,
                waves,
                c.respondents_from,
                _none(c.score_from),
                c.respondents_to,
                _none(c.score_to),
                _none(c.change),
            )
            for waves, changes in found.surveys.items()
            for c in changes
        ),
    )
    indicators = Table(
        "early-indicators",
        f"Early indicators, cohort {found.cohort_id}: impacts reported in {found.indicators.responses} responses",
        ("Impact", "Responses reporting it"),
        _rows((label, count) for _, label, count in found.indicators.impact_counts),
    )
    figures = Table(
        "impact-figures",
        f"Impact figures, cohort {found.cohort_id}, as published (c: suppressed; x: not available)",
        ("School", "Period", *(INDICATORS[name][0] for name in INDICATORS)),
        _rows(
            (row.school.urn if row.school else "Total", row.period.label, *row.values.values())
            for row in found.published
        ),
    )
    return {t.name: t for t in (dosage, reach_table, fidelity, surveys, indicators, figures)}


def build_evidence_dashboard(
    unit_of_work: Callable[[], EvidenceUnitOfWork],
    authenticate: Authenticator,
    calendar: HalfTermCalendar,
    min_group: int,
) -> APIRouter:
    router = APIRouter(tags=["dashboard"])
    viewer_of = Depends(authenticate.with_cookie())

    async def evidence_of(cohort_id: str) -> CohortEvidence:
        today = datetime.now(UTC).date()
        return await cohort_evidence(unit_of_work(), cohort_id, calendar, today, min_group)

    @router.get(
        "/dashboard/cohorts/{cohort_id}/evidence", response_class=HTMLResponse, summary="A cohort's evidence page"
    )
    async def evidence_page(caller: Principal = viewer_of, cohort_id: str = _COHORT_PATH) -> HTMLResponse:
        POLICY.check(caller, "read_cohort_evidence")
        found = await evidence_of(cohort_id)
        prefix = f"evidence-{cohort_id}"
        sections = []
        headings = {
            "dosage": "Implementation: dosage",
            "reach": "Implementation: reach",
            "fidelity": "Implementation: fidelity",
            "surveys": "Staff surveys",
            "early-indicators": "Early indicators of impact",
            "impact-figures": "Outcome figures",
        }
        for name, table in evidence_tables(found).items():
            href = f"/dashboard/cohorts/{cohort_id}/evidence/{name}.csv"
            sections.append(f"<h2>{escape(headings[name])}</h2>{table_html(table, prefix, href)}")
            if name == "early-indicators":
                quotes = "".join(f"<blockquote><p>{escape(q)}</p></blockquote>" for q in found.indicators.quotes)
                sections.append(
                    "<h3>What participants said (published with their consent, approved by the programme team)</h3>"
                    + (quotes or "<p>No approved quotes yet.</p>")
                )
        downloads = (
            f'<p><a href="/cohorts/{escape(cohort_id)}/open-data/ees.csv">EES data file</a>, '
            f'<a href="/cohorts/{escape(cohort_id)}/open-data/ees.meta.csv">its metadata</a> and the '
            f'<a href="/cohorts/{escape(cohort_id)}/council-report.ods">council report (.ods)</a> '
            "are in the API, with a bearer token.</p>"
        )
        content = f"<h1>Evidence: {escape(found.name)}</h1>{downloads}{''.join(sections)}"
        return HTMLResponse(page(f"Evidence, {found.name}", content))

    @router.get(
        "/dashboard/cohorts/{cohort_id}/evidence/{table}.csv",
        response_class=Response,
        summary="A table of a cohort's evidence page as CSV",
    )
    async def evidence_csv(
        table: EvidenceTable, caller: Principal = viewer_of, cohort_id: str = _COHORT_PATH
    ) -> Response:
        POLICY.check(caller, "read_cohort_evidence")
        chosen = evidence_tables(await evidence_of(cohort_id))[table]
        return csv_response(f"cohort-{cohort_id}-evidence-{table}.csv", chosen.header, chosen.rows)

    return router
