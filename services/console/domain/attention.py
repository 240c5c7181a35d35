"""A cohort's "needs attention" list: what the programme team should act on first, most urgent at the top."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

__all__ = ["AttentionItem", "needs_attention", "term_ended_before"]

# Lower is more urgent: a school at risk first, then what is already late, then what is coming.
_AT_RISK, _RETURN_OVERDUE, _NO_CIRCLE, _LEADERSHIP_DAY_SOON = 0, 1, 2, 3
_SOON = timedelta(weeks=4)
# Term ends (month, day) and the term's name, latest in the academic year first.
_TERM_ENDS = (("summer", 8, 31), ("spring", 3, 31), ("autumn", 12, 31))


@dataclass(frozen=True, order=True)
class AttentionItem:
    """One thing to act on: `href` is the page where it is done."""

    urgency: int
    due: date
    subject: str
    reason: str
    action: str
    href: str


def term_ended_before(today: date, enrolled_on: date) -> tuple[str, str] | None:
    """The latest term (name, academic year like `2026/27`) that ended before today and after the school joined."""
    for year in (today.year, today.year - 1):
        for name, month, day in _TERM_ENDS:
            ends = date(year, month, day)
            if ends < today and ends > enrolled_on:
                start_year = year if name == "autumn" else year - 1
                return name, f"{start_year}/{(start_year + 1) % 100:02d}"
    return None


def _period_key(period: Mapping[str, Any] | None) -> tuple[str, int]:
    if not period:
        return ("", -1)
    order = {"autumn": 0, "spring": 1, "summer": 2}
    return (str(period["academic_year"]), order.get(str(period["period"]), -1))


def needs_attention(
    cohort: Mapping[str, Any],
    progress: Iterable[Mapping[str, Any]],
    impact_rows: Iterable[Mapping[str, Any]],
    half_terms: Iterable[Mapping[str, Any]],
    today: date,
) -> list[AttentionItem]:
    """From the services' answers about one cohort: at-risk schools with their reasons, returns overdue,
    half-terms that ended without a circle, and leadership days in the next four weeks."""
    cohort_id = str(cohort["cohort_id"])
    active = {str(s["urn"]): s for s in cohort["schools"] if s["status"] == "active"}
    names = {urn: str(s["name"]) for urn, s in active.items()}
    items: list[AttentionItem] = []
    for school in progress:
        urn = str(school["urn"])
        journey = school["journey"]
        if urn in active and journey["at_risk"]:
            reasons = "; ".join(journey["at_risk_reasons"]) or "behind the plan"
            flagged = date.fromisoformat(journey["flagged_on"]) if journey["flagged_on"] else today
            items.append(
                AttentionItem(_AT_RISK, flagged, names[urn], f"At risk: {reasons}", "See the school", f"/schools/{urn}")
            )
    returned = {str(row["urn"]): row for row in impact_rows}
    for urn, school in active.items():
        row = returned.get(urn)
        enrolled_on = date.fromisoformat(school["enrolled_on"])
        if row is None or row["baseline"] is None:
            if today - enrolled_on > timedelta(days=30):
                due = enrolled_on + timedelta(days=30)
                items.append(
                    AttentionItem(
                        _RETURN_OVERDUE, due, names[urn], "Baseline return overdue", "See the school", f"/schools/{urn}"
                    )
                )
            continue
        ended = term_ended_before(today, enrolled_on)
        if ended is not None and _period_key(row["latest_term"]) < (
            ended[1],
            {"autumn": 0, "spring": 1}.get(ended[0], 2),
        ):
            items.append(
                AttentionItem(
                    _RETURN_OVERDUE,
                    today,
                    names[urn],
                    f"Return for {ended[0]} {ended[1]} overdue",
                    "See the school",
                    f"/schools/{urn}",
                )
            )
    for half_term in half_terms:
        ends_on = date.fromisoformat(half_term["ends_on"])
        if ends_on >= today or today - ends_on > timedelta(days=60):
            continue
        for urn in half_term["missed"]:
            if urn in active:
                items.append(
                    AttentionItem(
                        _NO_CIRCLE,
                        ends_on,
                        names[urn],
                        f"No circle in half-term {half_term['name']} {half_term['academic_year']}",
                        "See the school",
                        f"/schools/{urn}",
                    )
                )
    for day in cohort["plan"]["leadership_days"]:
        held_on = date.fromisoformat(day["held_on"])
        if today <= held_on <= today + _SOON:
            items.append(
                AttentionItem(
                    _LEADERSHIP_DAY_SOON,
                    held_on,
                    f"Leadership day {day['number']}",
                    f"On {held_on:%-d %B %Y}",
                    "Schedule or record it",
                    f"/cohorts/{cohort_id}/sessions",
                )
            )
    return sorted(items)
