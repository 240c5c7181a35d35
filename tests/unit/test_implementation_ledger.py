"""The implementation ledger from facts, worked out by hand: dosage offered against received, reach of current
staff, fidelity checklists, and a cohort's ledger with each leadership day counted once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

from contracts.calendar import HalfTerm, HalfTermCalendar
from contracts.programme import LeadershipDay, ProgrammePlan
from services.reporting.domain.facts import (
    AttendedSession,
    CircleFact,
    CompletionFact,
    PractitionerFact,
    SchoolFacts,
    StaffFact,
    StartFact,
)
from services.reporting.domain.ledger import combine, fidelity_of, ledger_of, reach_of

AT = datetime(2026, 10, 1, 9, tzinfo=UTC)
ALL_DONE = {
    "agreements_revisited": True,
    "everyone_invited_to_speak": True,
    "restorative_questions_used": True,
    "linked_to_module": True,
    "actions_agreed": True,
}
THREE_OF_FIVE = ALL_DONE | {"agreements_revisited": False, "actions_agreed": False}
DAY_ONE = {
    "programme_content_covered": True,
    "restorative_questions_modelled": True,
    "school_practice_reviewed": True,
    "actions_set": False,
}
DAY_TWO = DAY_ONE | {"school_practice_reviewed": False}


def _completions(
    staff: UUID, modules: range | list[int], withdrawn: frozenset[int] = frozenset()
) -> list[CompletionFact]:
    return [CompletionFact(uuid4(), staff, module, AT, module in withdrawn) for module in modules]


def _staff_facts() -> tuple[SchoolFacts, list[UUID]]:
    a, b, c, d, e, f, g, leaver = (uuid4() for _ in range(8))
    staff = tuple(StaffFact(member, "teacher", True, None) for member in (a, b, c, d, e, f, g))
    staff += (StaffFact(leaver, "teacher", True, date(2026, 12, 18)),)
    completions = [
        *_completions(a, range(1, 16)),
        *_completions(b, range(1, 11)),
        *_completions(c, [1, 2, 3, 4, 5, 7]),
        *_completions(d, range(1, 5)),
        *_completions(g, range(1, 6), withdrawn=frozenset({3})),
        *_completions(leaver, range(1, 16)),
    ]
    starts = (StartFact(d, 5), StartFact(e, 1), StartFact(leaver, 1))
    return SchoolFacts(staff=staff, completions=tuple(completions), starts=starts), [a, b, c, d, e, f, g]


def test_reach_counts_current_staff_who_started_and_completed_each_block() -> None:
    facts, _ = _staff_facts()

    reach = reach_of(facts)

    # 7 current staff: started a..e and g (f did nothing, the leaver does not count).
    assert (reach.current_staff, reach.started) == (7, 6)
    assert (reach.completed_1_to_5, reach.completed_1_to_10, reach.completed_all) == (3, 2, 1)
    assert [reach.share(n) for n in (6, 3, 2, 1)] == [85.7, 42.9, 28.6, 14.3]


def test_fidelity_is_items_done_over_items_answered_on_recorded_checklists() -> None:
    circles = fidelity_of("circle", [ALL_DONE, THREE_OF_FIVE, None])

    assert (circles.held, circles.recorded, circles.items_answered, circles.items_done) == (3, 2, 10, 8)
    assert circles.done_percent == 80.0
    by_item = {item.key: (item.done, item.answered, item.done_percent) for item in circles.items}
    assert by_item["restorative_questions_used"] == (2, 2, 100.0)
    assert by_item["agreements_revisited"] == (1, 2, 50.0)

    days = fidelity_of("leadership_day", [DAY_ONE, DAY_TWO])
    assert (days.items_answered, days.items_done, days.done_percent) == (8, 5, 62.5)


def _calendar() -> HalfTermCalendar:
    spans = [
        ("2026-27", "autumn-1", date(2026, 9, 1), date(2026, 10, 23)),
        ("2026-27", "autumn-2", date(2026, 11, 2), date(2026, 12, 18)),
        ("2026-27", "spring-1", date(2027, 1, 4), date(2027, 2, 12)),
        ("2026-27", "spring-2", date(2027, 2, 22), date(2027, 3, 26)),
        ("2026-27", "summer-1", date(2027, 4, 12), date(2027, 5, 28)),
        ("2026-27", "summer-2", date(2027, 6, 7), date(2027, 7, 21)),
    ]
    return HalfTermCalendar(HalfTerm(start, end, year, name) for year, name, start, end in spans)


PLAN = ProgrammePlan(
    leadership_days=[
        LeadershipDay(number=1, held_on=date(2026, 9, 15)),
        LeadershipDay(number=2, held_on=date(2026, 12, 1)),
        LeadershipDay(number=3, held_on=date(2027, 6, 1)),
    ]
)


def _school_facts() -> SchoolFacts:
    staff_facts, staff = _staff_facts()
    day_one, day_two = uuid4(), uuid4()
    return SchoolFacts(
        staff=staff_facts.staff,
        completions=staff_facts.completions,
        starts=staff_facts.starts,
        circles=(
            CircleFact(uuid4(), "reflective", date(2026, 10, 1), "2026-27-autumn-1", 8, ALL_DONE),
            CircleFact(uuid4(), "reflective", date(2026, 11, 20), "2026-27-autumn-2", 6, THREE_OF_FIVE),
            CircleFact(uuid4(), "practice_discussion", date(2027, 1, 20), "2026-27-spring-1", 5, None),
        ),
        sessions=(
            AttendedSession("leadership_day", day_one, 1, date(2026, 9, 15), (staff[0],), DAY_ONE),
            AttendedSession("leadership_day", day_two, 1, date(2026, 9, 15), (staff[1],), None),
            AttendedSession("mentoring", uuid4(), None, date(2026, 10, 5), (staff[0],)),
            AttendedSession("mentoring", uuid4(), None, date(2027, 1, 11), (staff[0],)),
        ),
        practitioners=(PractitionerFact(staff[2], date(2027, 2, 1)),),
    )


def test_dosage_sets_what_was_received_against_what_the_plan_offered_by_the_day() -> None:
    ledger = ledger_of(PLAN, date(2026, 9, 1), _school_facts(), _calendar(), today=date(2027, 3, 1))

    dosage = {d.part: (d.planned, d.due, d.received, d.received_percent_of_due) for d in ledger.dosage}
    # Days 1 and 2 were due by 1 March; day 1 was attended (twice over: it counts once).
    assert dosage["leadership_days"] == (3, 2, 1, 50.0)
    # 15 modules x 7 current staff; 15 + 10 + 6 + 4 + 4 (g's module 3 withdrawn) counted completions.
    assert dosage["modules"] == (105, 105, 39, 37.1)
    # Six half-terms in the calendar overlap the 18 months; three have ended by 1 March.
    assert dosage["circles"] == (6, 3, 3, 100.0)
    # Terms in the 18 months (to 29 February 2028): autumn 2026 to spring 2028; autumn 2026 has ended.
    assert dosage["mentoring"] == (5, 1, 2, 200.0)
    assert dosage["immersion_days"] == (2, 0, 0, None)
    assert dosage["practitioner_training"] == (2, 0, 1, None)


def test_a_cohort_ledger_adds_schools_up_and_counts_each_leadership_day_once() -> None:
    one = ledger_of(PLAN, date(2026, 9, 1), _school_facts(), _calendar(), today=date(2027, 3, 1))
    day = uuid4()

    cohort = combine([one, one], [(day, DAY_ONE), (day, DAY_ONE)])

    dosage = {d.part: (d.planned, d.due, d.received) for d in cohort.dosage}
    assert dosage["modules"] == (210, 210, 78)
    assert cohort.reach.current_staff == 14
    circles, days = cohort.fidelity
    assert (circles.items_answered, circles.items_done, circles.done_percent) == (20, 16, 80.0)
    assert (days.held, days.items_answered, days.items_done, days.done_percent) == (1, 4, 3, 75.0)
