"""A cohort's impact figures as open data: one row per school and period returned, with a total per period,
suppressed so that no hidden cell can be worked out from anything published beside it. Pure Python.

Suppression (GSS symbols: `c` confidential, `x` unavailable, `z` not applicable):
- primary: a count of 1 or 2 (suspensions, pupils suspended, repeat suspensions, permanent exclusions, pupils
  persistently absent) is `c`, with the rate worked out from it;
- linked counts: suspensions = pupils suspended + repeat suspensions, so one of the three is never hidden alone
  (hiding repeat suspensions or pupils suspended hides the suspensions too; hiding suspensions hides the repeats);
- secondary: in each period the total adds up the schools' cells; when a column's hidden cells could be worked
  out from the total (one hidden cell, or only cells known to be 1 or 2), the next smallest non-zero cell is hidden
  too, or else the total. The rules are applied until nothing changes.

The Explore Education Statistics data file is school level (its own file, as DfE's open data standards ask):
time_period (academic year, six digits), time_identifier `Academic year`, the `term` filter (`Total` for the
annual baseline), geographic_level `School`, the country and the school's columns (LA codes and LAESTAB are
`x`: reporting does not hold them). Its totals go to the council report, with the same cells hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from services.reporting.domain.impact_returns import ImpactFigures, ImpactReturn, current_returns
from services.reporting.domain.like_for_like import repeat_suspensions, shown
from services.reporting.domain.periods import Period, baseline_of
from services.reporting.domain.progress import ReportedSchool
from services.reporting.domain.suppression import RATE_OF_COUNT, is_disclosive, suppress_column

__all__ = [
    "COUNTS",
    "EES_META_COLUMNS",
    "INDICATORS",
    "Cell",
    "PublishedRow",
    "ees_data_rows",
    "ees_meta_rows",
    "published_table",
    "suppress_table",
]

Cell = int | float | str
SUPPRESSED: Final = "c"
UNAVAILABLE: Final = "x"
NOT_APPLICABLE: Final = "z"

# The counts that are suppressed when small, and the rate worked out from each.
COUNTS: Final[dict[str, str]] = {
    "suspensions": "suspension_rate",
    "pupils_suspended": "one_or_more_suspension_rate",
    "repeat_suspensions": "repeat_suspension_rate",
    "permanent_exclusions": "permanent_exclusion_rate",
    "pupils_persistently_absent": "persistent_absence_percent",
}

# Indicator -> (label, unit, decimal places shown).
INDICATORS: Final[dict[str, tuple[str, str, int]]] = {
    "pupils_on_roll": ("Pupils on roll (January census headcount)", "", 0),
    "suspensions": ("Number of suspensions", "", 0),
    "suspension_rate": ("Suspension rate (per 100 pupils)", "", 2),
    "pupils_suspended": ("Pupils with one or more suspensions", "", 0),
    "one_or_more_suspension_rate": ("One or more suspension rate (per 100 pupils)", "", 2),
    "repeat_suspensions": ("Repeat suspensions (beyond each pupil's first)", "", 0),
    "repeat_suspension_rate": ("Repeat suspension rate (per 100 pupils)", "", 2),
    "permanent_exclusions": ("Number of permanent exclusions", "", 0),
    "permanent_exclusion_rate": ("Permanent exclusion rate (per 100 pupils)", "", 2),
    "possible_sessions": ("Possible sessions", "", 0),
    "sessions_missed": ("Sessions missed through absence", "", 0),
    "overall_absence_percent": ("Overall absence rate", "%", 1),
    "pupils_with_absence_records": ("Pupils with absence records", "", 0),
    "pupils_persistently_absent": ("Persistently absent pupils", "", 0),
    "persistent_absence_percent": ("Persistent absence rate", "%", 1),
}


def _counts_of(figures: ImpactFigures) -> dict[str, int]:
    return {
        "suspensions": figures.suspensions,
        "pupils_suspended": figures.pupils_suspended,
        "repeat_suspensions": repeat_suspensions(figures),
        "permanent_exclusions": figures.permanent_exclusions,
        "pupils_persistently_absent": figures.pupils_persistently_absent,
    }


def _link(hidden: set[str]) -> bool:
    """suspensions = pupils suspended + repeat suspensions: one of the three hidden alone would be given back by
    the other two, so a second is hidden with it. True if anything more was hidden."""
    linked = {"suspensions", "pupils_suspended", "repeat_suspensions"} & hidden
    if len(linked) != 1:
        return False
    hidden.add("repeat_suspensions" if linked == {"suspensions"} else "suspensions")
    return True


def suppress_table(rows: Sequence[dict[str, int]]) -> tuple[list[set[str]], set[str]]:
    """Which counts of each row, and of the rows' total, are hidden. `rows` hold the COUNTS of each row."""
    hidden = [{name for name in COUNTS if is_disclosive(row[name])} for row in rows]
    totals = {name: sum(row[name] for row in rows) for name in COUNTS}
    total_hidden = {name for name in COUNTS if is_disclosive(totals[name])}
    # Start from what the cohort impact table hides of the same rows (`suppress_column`), so that when both
    # publish the same schools and period this hides a superset, and putting the two side by side gives nothing.
    for name in RATE_OF_COUNT:
        column = suppress_column([row[name] for row in rows])
        for row_hidden, is_hidden in zip(hidden, column.hidden, strict=True):
            if is_hidden:
                row_hidden.add(name)
        if column.total_hidden:
            total_hidden.add(name)
    changed = True
    while changed:
        # Links first, then one secondary suppression at a time, so a cell hidden by a link is counted before
        # another is chosen (fewer cells hidden).
        changed = False
        for row_hidden in [*hidden, total_hidden]:
            changed |= _link(row_hidden)
        if changed:
            continue
        for name in COUNTS:
            hidden_cells = [index for index, row_hidden in enumerate(hidden) if name in row_hidden]
            if not hidden_cells or name in total_hidden:
                continue
            recoverable = len(hidden_cells) == 1 or all(is_disclosive(rows[i][name]) for i in hidden_cells)
            if not recoverable:
                continue
            # The smallest cell, preferring a row with something hidden already (it gives away least more).
            shown_cells = [
                (not hidden[i], rows[i][name], i)
                for i in range(len(rows))
                if i not in hidden_cells and rows[i][name] > 0
            ]
            if shown_cells:
                hidden[min(shown_cells)[2]].add(name)
            else:
                total_hidden.add(name)
            changed = True
            break
    return hidden, total_hidden


@dataclass(frozen=True)
class PublishedRow:
    """One school's (or, with `school` None, the period's total's) figures as published."""

    school: ReportedSchool | None
    period: Period
    baseline: bool
    values: dict[str, Cell]


def _values(figures: ImpactFigures, hidden: set[str]) -> dict[str, Cell]:
    counts = _counts_of(figures)
    pupils = figures.pupils_on_roll
    absence_pupils = figures.pupils_with_absence_records
    exact: dict[str, Fraction] = {
        "suspension_rate": Fraction(counts["suspensions"] * 100, pupils),
        "one_or_more_suspension_rate": Fraction(counts["pupils_suspended"] * 100, pupils),
        "repeat_suspension_rate": Fraction(counts["repeat_suspensions"] * 100, pupils),
        "permanent_exclusion_rate": Fraction(counts["permanent_exclusions"] * 100, pupils),
        "overall_absence_percent": Fraction(figures.sessions_missed * 100, figures.possible_sessions),
    }
    values: dict[str, Cell] = {
        "pupils_on_roll": pupils,
        "possible_sessions": figures.possible_sessions,
        "sessions_missed": figures.sessions_missed,
        "pupils_with_absence_records": UNAVAILABLE if absence_pupils is None else absence_pupils,
        **counts,
    }
    for name, rate in exact.items():
        values[name] = shown(rate, INDICATORS[name][2])
    # DfE's persistent absence denominator only: without it the rate is unavailable, not a different measure.
    values["persistent_absence_percent"] = (
        UNAVAILABLE
        if absence_pupils is None
        else shown(Fraction(figures.pupils_persistently_absent * 100, absence_pupils), 1)
    )
    for count in hidden:
        values[count] = SUPPRESSED
        if values[COUNTS[count]] != UNAVAILABLE:
            values[COUNTS[count]] = SUPPRESSED
    return {name: values[name] for name in INDICATORS}


def _total(figures: list[ImpactFigures]) -> ImpactFigures:
    absence = [f.pupils_with_absence_records for f in figures]
    return ImpactFigures(
        pupils_on_roll=sum(f.pupils_on_roll for f in figures),
        suspensions=sum(f.suspensions for f in figures),
        pupils_suspended=sum(f.pupils_suspended for f in figures),
        permanent_exclusions=sum(f.permanent_exclusions for f in figures),
        possible_sessions=sum(f.possible_sessions for f in figures),
        sessions_missed=sum(f.sessions_missed for f in figures),
        pupils_persistently_absent=sum(f.pupils_persistently_absent for f in figures),
        pupils_with_absence_records=None if any(a is None for a in absence) else sum(a for a in absence if a),
    )


def published_table(schools: list[tuple[ReportedSchool, list[ImpactReturn]]]) -> list[PublishedRow]:
    """Every period any school returned (its current version), each period's schools then its total."""
    by_period: dict[Period, list[tuple[ReportedSchool, ImpactFigures, bool]]] = {}
    for school, returns in schools:
        baseline_year = baseline_of(school.enrolled_on).academic_year
        for period, found in current_returns([r for r in returns if r.cohort_id == school.cohort_id]).items():
            is_baseline = period.academic_year <= baseline_year
            by_period.setdefault(period, []).append((school, found.figures, is_baseline))
    rows: list[PublishedRow] = []
    for period in sorted(by_period, key=lambda p: p.sort_key):
        entries = sorted(by_period[period], key=lambda entry: entry[0].urn)
        figures = [f for _, f, _ in entries]
        hidden, total_hidden = suppress_table([_counts_of(f) for f in figures])
        for (school, school_figures, is_baseline), row_hidden in zip(entries, hidden, strict=True):
            rows.append(PublishedRow(school, period, is_baseline, _values(school_figures, row_hidden)))
        all_baseline = all(is_baseline for _, _, is_baseline in entries)
        rows.append(PublishedRow(None, period, all_baseline, _values(_total(figures), total_hidden)))
    return rows


_TERM_NAMES = {"baseline": "Total", "autumn": "Autumn term", "spring": "Spring term", "summer": "Summer term"}


def ees_data_rows(rows: list[PublishedRow]) -> list[dict[str, Cell]]:
    """The EES data file's rows: school rows only (a cohort is no EES geography; totals go to the report)."""
    found: list[dict[str, Cell]] = []
    for row in rows:
        if row.school is None:
            continue
        year = row.period.academic_year
        found.append(
            {
                "time_period": int(f"{year}{(year + 1) % 100:02d}"),
                "time_identifier": "Academic year",
                "geographic_level": "School",
                "country_code": "E92000001",
                "country_name": "England",
                "old_la_code": UNAVAILABLE,
                "new_la_code": UNAVAILABLE,
                "la_name": row.school.local_authority or "Not available",
                "school_laestab": UNAVAILABLE,
                "school_urn": row.school.urn,
                "school_name": row.school.school_name,
                "term": _TERM_NAMES[row.period.name],
                "return_type": "Baseline" if row.baseline else "Programme",
                **row.values,
            }
        )
    return found


EES_META_COLUMNS: Final = (
    "col_name",
    "col_type",
    "label",
    "indicator_grouping",
    "indicator_unit",
    "indicator_dp",
    "filter_hint",
    "filter_grouping_column",
)


def ees_meta_rows() -> list[dict[str, Cell]]:
    filters: list[dict[str, Cell]] = [
        {
            "col_name": "term",
            "col_type": "Filter",
            "label": "Term",
            "filter_hint": "Filter by term (Total: the whole year)",
        },
        {
            "col_name": "return_type",
            "col_type": "Filter",
            "label": "Baseline or programme",
            "filter_hint": "Filter by the baseline year or the programme's terms",
        },
    ]
    indicators: list[dict[str, Cell]] = [
        {"col_name": name, "col_type": "Indicator", "label": label, "indicator_unit": unit, "indicator_dp": dp}
        for name, (label, unit, dp) in INDICATORS.items()
    ]
    return [{column: row.get(column, "") for column in EES_META_COLUMNS} for row in [*filters, *indicators]]
