"""The journey's rules, as pure functions of its state: phases, exit criteria, reminders due, the final summary.

Standard library and `contracts` only, so the workflow can call them and unit tests can check them alone.

Exit criteria by the end of each phase (staff who left do not count; staff who joined late are expected to
catch up, so they count too):
- launch (month 1): the baseline impact return is in.
- foundations (month 6): half the staff completed modules 1-5; circles held for every half-term ended so far
  (a school catches up by holding more); a mentoring session for every term ended so far; the headteacher
  missed at most one leadership day held so far.
- deepening (month 12): half the staff completed modules 1-10; the same circles, mentoring and leadership-day
  tests; the planned practitioners trained (if due by month 12); an immersion day attended.
- embedding (month 18): three quarters of the staff completed every planned module; every planned immersion
  day; the same circles, mentoring and leadership-day tests; a return for every term ended so far.
"""

from __future__ import annotations

from datetime import date, timedelta

from contracts.events.journey import JourneySummary
from contracts.programme import add_months
from workflows.journey.messages import HalfTermSpan, JourneyProgress

__all__ = [
    "PHASES",
    "baseline_due",
    "due_reminders",
    "ended_terms",
    "phase_boundaries",
    "progress_markdown",
    "return_key",
    "staff_completed_all_percent",
    "summary",
    "unmet_criteria",
]

# Phase -> the month (since enrolment) at which it ends.
PHASES: tuple[tuple[str, int], ...] = (("launch", 1), ("foundations", 6), ("deepening", 12), ("embedding", 18))
_MODULES_BY_PHASE = {"foundations": 5, "deepening": 10}
LEADERSHIP_DAY_REMINDER = timedelta(days=7)
IMPACT_RETURN_GRACE = timedelta(days=30)


def phase_boundaries(enrolled_on: date) -> list[tuple[str, date]]:
    """Each phase and the day it ends (the first day of the next)."""
    return [(phase, add_months(enrolled_on, month)) for phase, month in PHASES]


def current_staff(state: JourneyProgress) -> dict[str, set[int]]:
    """Staff still at the school -> the modules they completed."""
    return {
        staff_id: set(record.modules.values()) for staff_id, record in state.staff.items() if record.left_on is None
    }


def _share_completed(state: JourneyProgress, modules: int) -> tuple[int, int]:
    staff = current_staff(state)
    wanted = set(range(1, modules + 1))
    return sum(1 for done in staff.values() if wanted <= done), len(staff)


def staff_completed_all_percent(state: JourneyProgress) -> float:
    done, counted = _share_completed(state, state.plan.modules)
    return round(100 * done / counted, 1) if counted else 0.0


def _ended_half_terms(half_terms: list[HalfTermSpan], enrolled_on: date, today: date) -> list[HalfTermSpan]:
    return [term for term in half_terms if term.ends_on >= enrolled_on and term.ends_on < today]


def ended_terms(half_terms: list[HalfTermSpan], enrolled_on: date, today: date) -> list[str]:
    """Terms whose last half-term ended before `today`, in order, counting from the one the school joined in."""
    last_day: dict[str, date] = {}
    for term in half_terms:
        last_day[term.term_id] = max(last_day.get(term.term_id, term.ends_on), term.ends_on)
    return [term for term, ends in sorted(last_day.items(), key=lambda kv: kv[1]) if enrolled_on <= ends < today]


def baseline_due(state: JourneyProgress) -> date:
    """When the baseline impact return is due: a month after enrolment."""
    return add_months(state.enrolled_on, 1)


def return_key(term_id: str) -> str:
    """`2026-27-autumn` -> `2026/27 autumn`, the key impact returns are recorded under."""
    year, season = term_id.rsplit("-", 1)
    start, end = year.split("-")
    return f"{start}/{end} {season}"


def _headteachers(state: JourneyProgress) -> set[str]:
    return {staff_id for staff_id, record in state.staff.items() if record.role == "headteacher"}


def _shared_criteria(state: JourneyProgress, today: date) -> list[str]:
    unmet = []
    ended = _ended_half_terms(state.half_terms, state.enrolled_on, today)
    circles_due = len(ended) * state.plan.circles_per_half_term
    circles_held = sum(1 for half_term in state.circles.values() if half_term)
    if circles_held < circles_due:
        unmet.append(f"circles: {circles_held} held, {circles_due} expected for {len(ended)} half-terms ended")
    terms = ended_terms(state.half_terms, state.enrolled_on, today)
    mentoring_due = len(terms) * state.plan.mentoring_sessions_per_term
    if len(state.mentoring) < mentoring_due:
        unmet.append(f"mentoring: {len(state.mentoring)} sessions, {mentoring_due} expected for {len(terms)} terms")
    missed = sorted(set(state.leadership_days_passed) - set(state.leadership_days_attended))
    if len(missed) > 1:
        days = ", ".join(str(day) for day in missed)
        unmet.append(f"leadership days: the headteacher missed days {days}")
    return unmet


def unmet_criteria(state: JourneyProgress, phase: str, today: date) -> list[str]:
    """What the school has not done that `phase` expects by `today`; empty when it is on track."""
    unmet: list[str] = []
    if phase == "launch":
        if "baseline" not in state.impact_returns:
            unmet.append("impact: the baseline return has not been received")
        return unmet
    if phase in _MODULES_BY_PHASE:
        modules = min(_MODULES_BY_PHASE[phase], state.plan.modules)
        done, counted = _share_completed(state, modules)
        if counted == 0 or 2 * done < counted:
            unmet.append(f"modules: {done} of {counted} staff completed modules 1-{modules}, half expected")
    else:
        done, counted = _share_completed(state, state.plan.modules)
        if counted == 0 or 4 * done < 3 * counted:
            unmet.append(f"modules: {done} of {counted} staff completed every module, three quarters expected")
    unmet += _shared_criteria(state, today)
    if phase == "deepening":
        if (
            state.plan.practitioners_trained_by_month <= 12
            and len(state.practitioners) < state.plan.practitioners_to_train
        ):
            unmet.append(
                f"practitioners: {len(state.practitioners)} trained, {state.plan.practitioners_to_train} planned"
            )
        if state.plan.immersion_days and not state.immersion_days:
            unmet.append("immersion days: none attended yet")
    if phase == "embedding":
        if len(state.immersion_days) < state.plan.immersion_days:
            unmet.append(f"immersion days: {len(state.immersion_days)} of {state.plan.immersion_days} attended")
        missing = [
            return_key(term)
            for term in ended_terms(state.half_terms, state.enrolled_on, today)
            if return_key(term) not in state.impact_returns
        ]
        if missing:
            unmet.append(f"impact: no return for {', '.join(missing)}")
    return unmet


def due_reminders(state: JourneyProgress, today: date) -> list[tuple[str, str, date, str]]:
    """Reminders due by `today` and not yet issued: (key, kind, due on, reason)."""
    due: list[tuple[str, str, date, str]] = []
    for term in _ended_half_terms(state.half_terms, state.enrolled_on, today):
        if term.half_term_id not in state.circles.values():
            reason = f"no circle was held in half-term {term.half_term_id}"
            due.append((f"circle:{term.half_term_id}", "circle_missing", term.ends_on, reason))
    terms = ended_terms(state.half_terms, state.enrolled_on, today)
    last_days = {t.term_id: t.ends_on for t in state.half_terms}
    for index, term_id in enumerate(terms):
        ends = last_days[term_id]
        held = [d for d in state.mentoring.values() if d <= ends]
        if len(held) < (index + 1) * state.plan.mentoring_sessions_per_term:
            reason = f"no mentoring session was held in term {term_id}"
            due.append((f"mentoring:{term_id}", "mentoring_due", ends, reason))
        late_from = ends + IMPACT_RETURN_GRACE
        if today >= late_from and return_key(term_id) not in state.impact_returns:
            reason = f"the impact return for {return_key(term_id)} has not been received"
            due.append((f"impact:{term_id}", "impact_return_late", late_from, reason))
    if today >= (due_on := baseline_due(state)) and "baseline" not in state.impact_returns:
        due.append(("impact:baseline", "impact_return_late", due_on, "the baseline return has not been received"))
    return [item for item in due if item[0] not in state.reminders_issued]


def summary(state: JourneyProgress, today: date) -> JourneySummary:
    done, counted = _share_completed(state, state.plan.modules)
    ended = _ended_half_terms(state.half_terms, state.enrolled_on, today)
    with_circle = {half_term for half_term in state.circles.values() if half_term}
    return JourneySummary(
        staff_counted=counted,
        staff_completed_all_modules=done,
        module_completions=sum(len(modules) for modules in current_staff(state).values()),
        half_terms_with_circle=len(with_circle),
        half_terms_expected=len(ended),
        leadership_days_attended=len(state.leadership_days_attended),
        leadership_days_held=len(state.leadership_days_passed),
        mentoring_sessions=len(state.mentoring),
        immersion_days=len(state.immersion_days),
        immersion_days_planned=state.plan.immersion_days,
        practitioners_trained=len(state.practitioners),
        practitioners_planned=state.plan.practitioners_to_train,
        impact_returns_received=len(state.impact_returns),
        impact_returns_due=1 + len(ended_terms(state.half_terms, state.enrolled_on, today)),
        times_flagged_at_risk=state.times_flagged_at_risk,
    )


def progress_markdown(state: JourneyProgress, today: date) -> str:
    """The journey's current details in the Temporal UI: a short progress report."""
    facts = summary(state, today)
    status = "withdrawn" if state.withdrawn_on else ("**at risk**" if state.at_risk else "on track")
    lines = [
        f"### {state.urn}, cohort {state.cohort_id}: {state.phase} ({status})",
        "",
        f"Enrolled {state.enrolled_on}, ends {state.ends_on}; phase judged on {state.phase_ends_on}.",
        "",
        "| part | done | expected |",
        "|---|---|---|",
        f"| staff completed every module | {facts.staff_completed_all_modules} | {facts.staff_counted} |",
        f"| half-terms with a circle | {facts.half_terms_with_circle} | {facts.half_terms_expected} so far |",
        f"| leadership days attended | {facts.leadership_days_attended} | {facts.leadership_days_held} held |",
        f"| mentoring sessions | {facts.mentoring_sessions} | each term |",
        f"| immersion days | {facts.immersion_days} | {facts.immersion_days_planned} |",
        f"| practitioners trained | {facts.practitioners_trained} | {facts.practitioners_planned} |",
        f"| impact returns | {facts.impact_returns_received} | {facts.impact_returns_due} due |",
    ]
    if state.at_risk_reasons:
        lines += ["", "At risk because:", *(f"- {reason}" for reason in state.at_risk_reasons)]
    if state.lead_not_reached:
        lines += ["", "**The school's lead is not being reached**: emails that could not be delivered:"]
        lines += [f"- {note}" for note in state.undelivered]
    if state.paused:
        lines += ["", f"Paused: {state.pause_reason}"]
    return "\n".join(lines)
