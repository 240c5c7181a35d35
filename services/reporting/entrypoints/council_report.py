"""A cohort's council report as an OpenDocument spreadsheet: a sheet for each part of the evidence
(implementation ledger, staff surveys, early indicators, outcomes like for like) and the impact figures with their
totals, every figure suppressed as the open data file is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from services.reporting.domain.early_indicators import EarlyIndicators
from services.reporting.domain.ledger import Ledger
from services.reporting.domain.like_for_like import Comparison, shown
from services.reporting.domain.open_data import COUNTS, INDICATORS, PublishedRow
from services.reporting.domain.surveys import ScaleChange
from services.reporting.entrypoints.ods_export import Sheet, ods_bytes

__all__ = ["CouncilReport", "SchoolEvidence", "council_report_ods", "like_for_like_cells"]

Cell = str | int | float | None


@dataclass(frozen=True)
class SchoolEvidence:
    urn: str
    school_name: str
    ledger: Ledger
    surveys: dict[str, tuple[ScaleChange, ...]]  # "before -> after" etc. -> scale changes
    comparisons: list[Comparison]
    adaptations: int


@dataclass(frozen=True)
class CouncilReport:
    cohort_id: str
    cohort_name: str
    made_on: date
    schools: list[SchoolEvidence]
    cohort_ledger: Ledger
    cohort_surveys: dict[str, tuple[ScaleChange, ...]]
    indicators: EarlyIndicators
    published: list[PublishedRow]
    min_group: int


def _or(value: float | None, symbol: str = "z") -> Cell:
    return symbol if value is None else value


def _ledger_rows(who: str, name: str, ledger: Ledger) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for d in ledger.dosage:
        rows.append([who, name, "dosage", d.part, d.unit, d.planned, d.due, d.received, _or(d.received_percent_of_due)])
    reach = ledger.reach
    for label, count in (
        ("started the modules", reach.started),
        ("completed modules 1-5", reach.completed_1_to_5),
        ("completed modules 1-10", reach.completed_1_to_10),
        ("completed all 15 modules", reach.completed_all),
    ):
        rows.append(
            [who, name, "reach", label, "current staff", reach.current_staff, "", count, _or(reach.share(count))]
        )
    for f in ledger.fidelity:
        rows.append(
            [
                who,
                name,
                "fidelity",
                f.occasion,
                "checklist items",
                f.items_answered,
                "",
                f.items_done,
                _or(f.done_percent),
            ]
        )
        for item in f.items:
            rows.append(
                [
                    who,
                    name,
                    "fidelity item",
                    f.occasion,
                    item.text,
                    item.answered,
                    "",
                    item.done,
                    _or(item.done_percent),
                ]
            )
    return rows


def _survey_rows(who: str, name: str, surveys: dict[str, tuple[ScaleChange, ...]]) -> list[list[Cell]]:
    return [
        [
            who,
            name,
            waves,
            c.title,
            c.respondents_from,
            _or(c.score_from, "c"),
            c.respondents_to,
            _or(c.score_to, "c"),
            _or(c.change, "c"),
        ]
        for waves, changes in surveys.items()
        for c in changes
    ]


def like_for_like_cells(
    comparison: Comparison, published: Mapping[tuple[str, str, int], dict[str, str | int | float]], urn: str
) -> list[Cell]:
    """A comparison's rates and changes, `c` wherever the published figures of either side hide the rate."""
    term = published.get((urn, comparison.term.name, comparison.term.academic_year), {})
    base = published.get((urn, comparison.baseline.name, comparison.baseline.academic_year), {})
    cells: list[Cell] = []
    for rate in (*COUNTS.values(), "overall_absence_percent"):
        places = INDICATORS[rate][2]
        after, before = getattr(comparison.term_rates, rate), getattr(comparison.baseline_rates, rate)
        change = comparison.change.get(rate)
        hidden = term.get(rate) == "c" or base.get(rate) == "c"
        cells += [
            "c" if term.get(rate) == "c" else (term.get(rate, "x") if after is not None else "z"),
            "c" if hidden and before is not None else ("z" if before is None else shown(before, places)),
            "c" if hidden and change is not None else ("z" if change is None else shown(change, places)),
        ]
    return cells


LIKE_FOR_LIKE_HEADER: list[Cell] = [
    "school_urn",
    "school_name",
    "term",
    "compared_with",
    "basis",
    *[
        f"{rate}_{side}"
        for rate in (*COUNTS.values(), "overall_absence_percent")
        for side in ("term", "baseline", "change")
    ],
]


def council_report_ods(report: CouncilReport) -> bytes:
    published: dict[tuple[str, str, int], dict[str, str | int | float]] = {
        (row.school.urn, row.period.name, row.period.academic_year): row.values
        for row in report.published
        if row.school is not None
    }
    about: list[list[Cell]] = [
        ["Relational Schools Programme: evidence for a council"],
        ["Cohort", report.cohort_name, report.cohort_id],
        ["Made on", report.made_on.isoformat()],
        [
            "Symbols",
            "c: suppressed (1 or 2 pupils, or a cell that would give one back); x: not available; z: not applicable",
        ],
        ["Surveys", f"no score for a group of fewer than {report.min_group} responses; responses are anonymous"],
        [
            "Outcomes",
            "a term against the same term of the baseline year (termly) or a third of the baseline year (annual)",
        ],
        ["Rates", "per 100 pupils to 2 decimal places; absence percentages to 1"],
    ]
    ledger: list[list[Cell]] = [
        ["level", "name", "measure", "part", "unit", "planned_or_base", "due", "received", "percent"]
    ]
    ledger += _ledger_rows("cohort", report.cohort_name, report.cohort_ledger)
    for school in report.schools:
        ledger += _ledger_rows(school.urn, school.school_name, school.ledger)
        ledger.append([school.urn, school.school_name, "adaptations logged", "", "", school.adaptations, "", "", ""])
    surveys: list[list[Cell]] = [
        ["level", "name", "waves", "scale", "responses_from", "score_from", "responses_to", "score_to", "change"]
    ]
    surveys += _survey_rows("cohort", report.cohort_name, report.cohort_surveys)
    for school in report.schools:
        surveys += _survey_rows(school.urn, school.school_name, school.surveys)
    indicators: list[list[Cell]] = [["impact reported", "responses reporting it"]]
    indicators += [[label, count] for _, label, count in report.indicators.impact_counts]
    indicators += [
        ["responses", report.indicators.responses],
        [],
        ["approved quotes, published with consent and without a name"],
    ]
    indicators += [[quote] for quote in report.indicators.quotes]
    outcomes: list[list[Cell]] = [LIKE_FOR_LIKE_HEADER]
    for school in report.schools:
        for comparison in school.comparisons:
            outcomes.append(
                [
                    school.urn,
                    school.school_name,
                    comparison.term.label,
                    comparison.baseline.label,
                    comparison.basis,
                    *like_for_like_cells(comparison, published, school.urn),
                ]
            )
    figures: list[list[Cell]] = [["school_urn", "school_name", "period", "baseline_or_programme", *INDICATORS]]
    for row in report.published:
        figures.append(
            [
                row.school.urn if row.school else "Total",
                row.school.school_name if row.school else "All schools returning this period",
                row.period.label,
                "baseline" if row.baseline else "programme",
                *row.values.values(),
            ]
        )
    sheets: Sequence[Sheet] = [
        ("About", about),
        ("Implementation ledger", ledger),
        ("Staff surveys", surveys),
        ("Early indicators", indicators),
        ("Outcomes like for like", outcomes),
        ("Impact figures", figures),
    ]
    return ods_bytes(sheets)
