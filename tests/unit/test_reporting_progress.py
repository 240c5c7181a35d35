"""Reporting's figures from facts, whatever order the events came in: staff, modules with withdrawals and
leavers, leadership days with the headteacher, journey phase and at-risk state, progress over time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

from services.reporting.domain.facts import (
    AttendedSession,
    CircleFact,
    ClearingFact,
    CompletionFact,
    FlagFact,
    JourneyEnding,
    PhaseFact,
    PractitionerFact,
    SchoolFacts,
    StaffFact,
)
from services.reporting.domain.progress import ReportedSchool, journey_state, school_progress
from services.reporting.domain.timeline import MonthPoint, add_timelines

SCHOOL = ReportedSchool(urn="123456", cohort_id="oxon-2026", school_name="Cherwell", enrolled_on=date(2026, 9, 1))
T0 = datetime(2026, 9, 10, 9, tzinfo=UTC)


def _done(staff: UUID, module: int, *, withdrawn: bool = False, seen: bool = True) -> CompletionFact:
    return CompletionFact(uuid4(), staff, module, T0 + timedelta(days=module) if seen else None, withdrawn)


def test_withdrawn_completions_and_leavers_do_not_count() -> None:
    head, teacher, leaver = uuid4(), uuid4(), uuid4()
    facts = SchoolFacts(
        staff=(
            StaffFact(head, "headteacher", True, None),
            StaffFact(teacher, "teacher", True, None),
            StaffFact(leaver, "teacher", True, date(2026, 12, 18)),
        ),
        completions=(
            *(_done(teacher, module) for module in range(1, 16)),
            _done(head, 1),
            _done(head, 2, withdrawn=True),
            _done(head, 3, withdrawn=True, seen=False),  # only the withdrawal seen so far
            _done(leaver, 1),
        ),
    )

    progress = school_progress(SCHOOL, facts)

    assert progress.staff_counted == 2
    assert progress.modules.module_completions == 16
    assert progress.modules.staff_completed_all == 1


def test_departure_seen_before_registration_counts_nobody() -> None:
    facts = SchoolFacts(staff=(StaffFact(uuid4(), None, False, date(2026, 10, 1)),))

    assert school_progress(SCHOOL, facts).staff_counted == 0


def test_headteacher_attendance_is_judged_by_a_registered_headteacher_among_the_attendees() -> None:
    head, deputy = uuid4(), uuid4()

    def day(number: int, who: tuple[UUID, ...]) -> AttendedSession:
        return AttendedSession("leadership_day", uuid4(), number, date(2026, 9, 20), who)

    facts = SchoolFacts(
        staff=(StaffFact(head, "headteacher", True, None), StaffFact(deputy, "senior_leader", True, None)),
        sessions=(day(1, (head, deputy)), day(2, (deputy,)), day(3, (head,))),
    )

    progress = school_progress(SCHOOL, facts)

    assert progress.leadership_days_attended == 3
    assert progress.leadership_days_headteacher_attended == 2


def test_circles_count_half_terms_once_and_holidays_towards_none() -> None:

    def circle(on: date, half: str | None) -> CircleFact:
        return CircleFact(uuid4(), "reflective", on, half, 5)

    facts = SchoolFacts(
        circles=(
            circle(date(2026, 9, 17), "2026-27-autumn-1"),
            circle(date(2026, 10, 8), "2026-27-autumn-1"),
            circle(date(2026, 10, 28), None),
        ),
        practitioners=(PractitionerFact(uuid4(), date(2027, 1, 20)),),
    )

    progress = school_progress(SCHOOL, facts)

    assert progress.circles_held == 3
    assert progress.half_terms_with_circle == ("2026-27-autumn-1",)
    assert progress.practitioners_trained == 1


def test_phase_is_the_one_entered_latest_in_the_journey_whatever_the_arrival_order() -> None:
    facts = SchoolFacts(phases=(PhaseFact("deepening", 8, date(2027, 5, 1)), PhaseFact("launch", 0, date(2026, 9, 1))))

    assert journey_state(facts).phase == "deepening"


def test_at_risk_follows_the_latest_flag_against_the_latest_clearing() -> None:
    first = FlagFact("launch", ("few modules",), date(2026, 12, 1), T0)
    again = FlagFact("foundations", ("no circle",), date(2027, 3, 1), T0 + timedelta(days=100))
    cleared = ClearingFact(date(2027, 1, 5), T0 + timedelta(days=50))

    flagged_again = journey_state(SchoolFacts(flags=(again, first), clearings=(cleared,)))
    cleared_last = journey_state(SchoolFacts(flags=(first,), clearings=(cleared,)))

    assert flagged_again.at_risk is True
    assert flagged_again.reasons == ("no circle",)
    assert flagged_again.times_flagged == 2
    assert cleared_last.at_risk is False
    assert cleared_last.reasons == ()


def test_a_completed_journey_has_the_last_word_on_phase_and_risk() -> None:
    ending = JourneyEnding("completed", date(2028, 2, 29), None, False, {"staff_counted": 30})
    facts = SchoolFacts(flags=(FlagFact("embedding", ("x",), date(2028, 1, 1), T0),), journey_endings=(ending,))

    state = journey_state(facts)

    assert (state.phase, state.at_risk, state.ended) == ("completed", False, ending)


def test_progress_over_time_runs_monthly_from_joining_with_running_totals() -> None:
    staff = uuid4()
    completions = [
        CompletionFact(uuid4(), staff, module, datetime(2026, 9 if module <= 10 else 11, 5, tzinfo=UTC), False)
        for module in range(1, 16)
    ]
    circles = [CircleFact(uuid4(), "reflective", date(2026, 10, 1), "2026-27-autumn-1", 4)]

    points = school_progress(SCHOOL, SchoolFacts(completions=tuple(completions), circles=tuple(circles))).timeline

    assert points == (
        MonthPoint(date(2026, 9, 1), 10, 0, 0),
        MonthPoint(date(2026, 10, 1), 10, 0, 1),
        MonthPoint(date(2026, 11, 1), 15, 1, 1),
    )


def test_cohort_timeline_adds_schools_and_carries_each_total_forward() -> None:
    one = (MonthPoint(date(2026, 9, 1), 2, 0, 1),)
    two = (MonthPoint(date(2026, 9, 1), 1, 0, 0), MonthPoint(date(2026, 10, 1), 4, 1, 2))

    assert add_timelines([one, two]) == (
        MonthPoint(date(2026, 9, 1), 3, 0, 1),
        MonthPoint(date(2026, 10, 1), 6, 1, 3),
    )
