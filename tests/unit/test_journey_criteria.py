"""The journey's rules on their own: exit criteria, reminders due, the final summary and how long it remembers
event ids, without Temporal."""

from __future__ import annotations

from datetime import date, timedelta

from contracts.programme import PlanTargets
from runtime.calendar_file import load_half_terms
from services.enrolment.domain.model import programme_plan
from workflows.journey.criteria import due_reminders, phase_boundaries, summary, unmet_criteria
from workflows.journey.messages import EVENT_MEMORY, HalfTermSpan, JourneyProgress, StaffRecord
from workflows.journey.plan import journey_plan

ENROLLED = date(2026, 9, 1)


def _journey() -> JourneyProgress:
    calendar = load_half_terms()
    half_terms = [
        HalfTermSpan(term.half_term_id, term.starts_on, term.ends_on)
        for term in calendar.overlapping(ENROLLED, date(2028, 3, 1))
    ]
    return JourneyProgress(
        urn="123456",
        cohort_id="oxon-2026",
        local_authority="Oxfordshire",
        enrolled_on=ENROLLED,
        ends_on=date(2028, 3, 1),
        plan=journey_plan(programme_plan(ENROLLED, PlanTargets(), None)),
        half_terms=half_terms,
    )


def _staff(state: JourneyProgress, count: int, modules: int) -> None:
    for index in range(count):
        record = StaffRecord(role="headteacher" if index == 0 else "teacher", starts_on=ENROLLED)
        record.modules = {f"c{index}-{m}": m for m in range(1, modules + 1)}
        state.staff[f"s{index}"] = record


def test_phases_end_at_months_1_6_12_and_18() -> None:
    assert phase_boundaries(ENROLLED) == [
        ("launch", date(2026, 10, 1)),
        ("foundations", date(2027, 3, 1)),
        ("deepening", date(2027, 9, 1)),
        ("embedding", date(2028, 3, 1)),
    ]


def test_launch_needs_the_baseline_return() -> None:
    state = _journey()

    assert unmet_criteria(state, "launch", date(2026, 10, 1)) == ["impact: the baseline return has not been received"]
    state.impact_returns.append("baseline")
    assert unmet_criteria(state, "launch", date(2026, 10, 1)) == []


def test_foundations_counts_half_the_current_staff_and_the_half_terms_ended() -> None:
    state = _journey()
    _staff(state, 4, 5)
    state.staff["s1"].modules = {}
    state.staff["s2"].modules = {}
    state.staff["s3"].left_on = date(2026, 12, 1)  # leavers stop counting: 1 of 3 done

    unmet = unmet_criteria(state, "foundations", date(2027, 3, 1))

    assert unmet[0] == "modules: 1 of 3 staff completed modules 1-5, half expected"
    # Autumn 1 and 2 and spring 1 have ended by 1 March; of the terms, only the autumn term.
    assert unmet[1] == "circles: 0 held, 3 expected for 3 half-terms ended"
    assert unmet[2] == "mentoring: 0 sessions, 1 expected for 1 terms"


def test_school_catches_up_on_circles_by_holding_more_later() -> None:
    state = _journey()
    _staff(state, 2, 5)
    state.mentoring = {"m1": date(2026, 10, 1), "m2": date(2027, 2, 1)}
    state.circles = {f"c{i}": "2027-28-autumn-1" for i in range(5)}

    assert unmet_criteria(state, "foundations", date(2027, 3, 1)) == []


def test_a_second_missed_leadership_day_is_a_reason() -> None:
    state = _journey()
    _staff(state, 2, 5)
    state.mentoring = {"m1": date(2026, 10, 1), "m2": date(2027, 2, 1)}
    state.circles = {f"c{i}": "x" for i in range(5)}
    state.leadership_days_passed = [1, 2, 3]
    state.leadership_days_attended = [1]

    assert unmet_criteria(state, "foundations", date(2027, 3, 1)) == [
        "leadership days: the headteacher missed days 2, 3"
    ]


def test_reminders_name_the_half_term_without_a_circle_and_the_late_return() -> None:
    state = _journey()
    state.circles = {"c1": "2026-27-autumn-1"}

    due = due_reminders(state, date(2027, 1, 20))

    kinds = {(key, kind) for key, kind, _, _ in due}
    assert ("circle:2026-27-autumn-2", "circle_missing") in kinds
    assert ("circle:2026-27-autumn-1", "circle_missing") not in kinds
    assert ("mentoring:2026-27-autumn", "mentoring_due") in kinds
    assert ("impact:2026-27-autumn", "impact_return_late") in kinds
    assert ("impact:baseline", "impact_return_late") in kinds


def test_reminders_already_issued_are_not_due_again() -> None:
    state = _journey()
    keys = [key for key, _, _, _ in due_reminders(state, date(2027, 1, 20))]
    state.reminders_issued = keys

    assert due_reminders(state, date(2027, 1, 20)) == []


def test_summary_counts_current_staff_against_the_plan() -> None:
    state = _journey()
    _staff(state, 3, 15)
    state.staff["s2"].modules = {"c": 1}
    state.practitioners = ["s1"]

    final = summary(state, date(2028, 3, 1))

    assert (final.staff_counted, final.staff_completed_all_modules, final.module_completions) == (3, 2, 31)
    assert (final.practitioners_trained, final.practitioners_planned) == (1, 2)


def test_a_redelivered_event_is_recognised_for_a_month_and_then_forgotten() -> None:
    state = _journey()
    assert state.first_time("event-1", ENROLLED)
    state.forget_old_events(ENROLLED + EVENT_MEMORY)
    assert not state.first_time("event-1", ENROLLED + EVENT_MEMORY)

    state.forget_old_events(ENROLLED + EVENT_MEMORY + timedelta(days=1))

    assert state.events_seen == []
    assert state.first_time("event-1", ENROLLED + EVENT_MEMORY + timedelta(days=1))


def test_ids_carried_without_their_days_are_kept_a_month_from_the_first_wake() -> None:
    state = _journey()
    state.events_seen = ["carried-1", "carried-2"]  # as older code carried them over continue-as-new
    woke = date(2027, 6, 1)

    state.forget_old_events(woke)
    state.forget_old_events(woke + EVENT_MEMORY)

    assert state.events_seen == ["carried-1", "carried-2"]
    assert state.events_seen_on == [woke, woke]
    assert not state.first_time("carried-2", woke + EVENT_MEMORY)
