"""A cohort forecast as text (the `rsp forecast` table, with a what-if beside it) and as the document reporting
keeps."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from workflows.forecast.montecarlo import CohortForecast, SchoolForecast

__all__ = ["STATEMENT", "document", "table"]

STATEMENT = (
    "A projection, not a measurement: each school's remaining months simulated many times with the journey's own "
    "rules, from the rates its history so far shows. It assumes the school goes on as it has; a change of plan, a "
    "new headteacher or a closure is not in it."
)


def _percent(share: float) -> str:
    return f"{round(100 * share):>3}%"


def _outlooks(school: SchoolForecast) -> dict[str, str]:
    cells = {}
    for outlook in school.phases:
        worst = outlook.likely_failing[0][0] if outlook.likely_failing else "-"
        cells[outlook.phase] = f"{_percent(outlook.probability_at_risk)} {worst}"
    return cells


def table(forecast: CohortForecast, tried: CohortForecast | None = None) -> str:
    """Each school's chance of being flagged at each coming phase end (and the likeliest failing criterion), the
    cohort's shares and completions; with `tried`, the what-if's figures beside each."""
    phases = [phase for phase, _ in forecast.flagged_share]
    width = 26
    head = f"{'URN':<8}{'now':<24}" + "".join(f"{phase:<{width}}" for phase in phases)
    lines = [
        f"Forecast for cohort {forecast.cohort_id} on {forecast.made_on}: {forecast.runs} runs per school, "
        f"seed {forecast.seed}, {len(forecast.schools)} schools",
    ]
    if tried is not None:
        lines.append(f"what-if ({'; '.join(tried.what_if)}) shown after '->'")
    lines += ["", head, "-" * len(head)]
    changed = {school.urn: school for school in tried.schools} if tried else {}
    for school in forecast.schools:
        now = f"{school.phase}{' (at risk)' if school.at_risk_now else ''}"
        cells = _outlooks(school)
        other = _outlooks(changed[school.urn]) if school.urn in changed else {}
        row = f"{school.urn:<8}{now:<24}"
        for phase in phases:
            cell = cells.get(phase, "")
            if phase in other:
                cell = f"{cell.split(' ')[0].strip() or cell} -> {other[phase]}"
            row += f"{cell:<{width}}"
        lines.append(row.rstrip())
    lines += ["", "Share of the cohort flagged at each phase end (mean, 90% of runs between):"]
    tried_shares = dict(tried.flagged_share) if tried else {}
    for phase, band in forecast.flagged_share:
        line = f"  {phase:<12} {band.on}  {_percent(band.mean)}  ({_percent(band.low)} to {_percent(band.high)})"
        if phase in tried_shares:
            t = tried_shares[phase]
            line += f"  ->  {_percent(t.mean)}  ({_percent(t.low)} to {_percent(t.high)})"
        lines.append(line)
    if forecast.completions:
        last = forecast.completions[-1]
        line = f"Module completions by {last.on}: {last.mean:.0f} expected ({last.low:.0f} to {last.high:.0f})"
        if tried and tried.completions:
            t = tried.completions[-1]
            line += f"  ->  {t.mean:.0f} ({t.low:.0f} to {t.high:.0f})"
        lines += ["", line]
    months = [school.history.months for school in forecast.schools]
    if months:
        lines += [f"History learned from: {min(months):g} to {max(months):g} months of each school's journey."]
    lines += ["", STATEMENT]
    return "\n".join(lines)


def _band(point: Any) -> dict[str, Any]:
    return {"on": point.on.isoformat(), "mean": point.mean, "low": point.low, "high": point.high}


def document(forecast: CohortForecast) -> dict[str, Any]:
    """What reporting keeps (`PUT /cohorts/{cohort_id}/forecast`)."""
    return {
        "cohort_id": forecast.cohort_id,
        "made_on": forecast.made_on.isoformat(),
        "runs": forecast.runs,
        "seed": forecast.seed,
        "statement": STATEMENT,
        "flagged_share": [{"phase": phase, "share_at_risk": _band(band)} for phase, band in forecast.flagged_share],
        "completions": [_band(point) for point in forecast.completions],
        "schools": [
            {
                "urn": school.urn,
                "phase": school.phase,
                "at_risk_now": school.at_risk_now,
                "phases": [
                    {
                        "phase": outlook.phase,
                        "judged_on": outlook.judged_on.isoformat(),
                        "probability_at_risk": outlook.probability_at_risk,
                        "likely_failing": [
                            {"criterion": name, "share": share} for name, share in outlook.likely_failing[:10]
                        ],
                    }
                    for outlook in school.phases
                ],
                "completions": [_band(point) for point in school.completions],
                "history": asdict(school.history),
            }
            for school in forecast.schools
        ],
    }
