"""A cohort's impact table and a school's impact page, on a small cohort worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

from services.reporting.domain.impact_reports import cohort_impact, school_impact
from services.reporting.domain.impact_returns import ImpactFigures, ImpactReturn
from services.reporting.domain.periods import Period
from services.reporting.domain.progress import ReportedSchool

COHORT = "oxon-2026"
BASELINE, AUTUMN, SPRING = Period(2025, "baseline"), Period(2026, "autumn"), Period(2026, "spring")


def school(urn: str) -> ReportedSchool:
    return ReportedSchool(urn=urn, cohort_id=COHORT, school_name=f"School {urn}", enrolled_on=date(2026, 9, 1))


def returned(urn: str, period: Period, figures: tuple[int, ...], version: int = 1) -> ImpactReturn:
    return ImpactReturn(
        return_id=uuid4(),
        urn=urn,
        cohort_id=COHORT,
        period=period,
        version=version,
        replaces=None,
        figures=ImpactFigures(*figures),
        submitted_at=datetime(2026, 12, version, tzinfo=UTC),
    )


# (pupils, suspensions, pupils suspended, permanent exclusions, possible sessions, sessions missed, persistent)
A = [
    returned("100001", BASELINE, (400, 30, 12, 0, 152_000, 9_120, 60)),
    returned("100001", AUTUMN, (400, 5, 4, 0, 50_000, 2_500, 48)),
]
B = [
    returned("100002", BASELINE, (200, 12, 6, 0, 76_000, 3_800, 20)),
    returned("100002", AUTUMN, (200, 1, 1, 0, 25_000, 1_000, 15)),
]
C = [
    returned("100003", BASELINE, (600, 45, 20, 3, 228_000, 15_960, 90)),
    returned("100003", AUTUMN, (600, 9, 7, 1, 75_000, 4_500, 66)),
]
ONLY_BASELINE = [returned("100004", BASELINE, (50, 2, 2, 0, 19_000, 950, 5))]


def test_cohort_table_suppresses_small_counts_and_the_next_smallest_so_totals_give_nothing_back() -> None:
    impact = cohort_impact(
        COHORT, [(school("100001"), A), (school("100002"), B), (school("100003"), C), (school("100004"), ONLY_BASELINE)]
    )
    a, b, c, d = impact.rows
    assert [row.compared for row in impact.rows] == [True, True, True, False]
    assert impact.schools_compared == 3

    # B's single suspension is suppressed; A's 5, the next smallest, goes too, so 15 - 9 gives only their sum.
    assert (b.latest and b.latest.suspensions, b.latest and b.latest.suspension_rate) == ("c", "c")
    assert (a.latest and a.latest.suspensions, a.latest and a.latest.suspension_rate) == ("c", "c")
    assert c.latest is not None
    assert (c.latest.suspensions, c.latest.suspension_rate) == (9, 1.5)
    assert impact.latest_total is not None
    assert impact.latest_total.suspensions == 15
    assert a.latest is not None
    assert b.latest is not None
    # Pupils suspended: B's 1 and A's 4 hidden, C's 7 shown (7 / 600 x 100 = 1.1666...).
    assert (a.latest.pupils_suspended, b.latest.pupils_suspended) == ("c", "c")
    assert (c.latest.pupils_suspended, c.latest.one_or_more_suspension_rate) == (7, 1.17)
    # C's one exclusion: the others are zero, so the total (1) is hidden as well.
    assert (c.latest.permanent_exclusions, impact.latest_total.permanent_exclusions) == ("c", "c")
    # Rows that are not compared are in no total: only primary suppression.
    assert d.baseline is not None
    assert d.baseline.suspensions == "c"
    assert d.latest is None
    assert d.change is None


def test_cohort_change_is_pupil_weighted_from_the_totals() -> None:
    impact = cohort_impact(COHORT, [(school("100001"), A), (school("100002"), B), (school("100003"), C)])

    assert impact.baseline_total is not None
    assert impact.latest_total is not None
    assert impact.change is not None
    # Baseline: 87 suspensions / 1,200 pupils = 7.25; 28,880 / 456,000 sessions = 6.33; 170 / 1,200 = 14.17.
    assert impact.baseline_total.suspension_rate == 7.25
    assert impact.baseline_total.overall_absence_rate == 6.33
    assert impact.baseline_total.persistent_absence_rate == 14.17
    # Latest: 15 / 1,200 = 1.25; 8,000 / 150,000 = 5.33; 129 / 1,200 = 10.75.
    assert impact.latest_total.suspension_rate == 1.25
    assert impact.latest_total.persistent_absence_rate == 10.75
    # 1.25 - 7.25 / 3 = -1.1666...; 5.333... - 6.333... = -1; 10.75 - 14.1666... = -3.4166...
    assert impact.change.suspension_rate == -1.17
    assert impact.change.overall_absence_rate == -1.0
    assert impact.change.persistent_absence_rate == -3.42
    assert impact.change.permanent_exclusion_rate == "c"  # the latest total of exclusions is hidden


def test_two_of_three_schools_halved_their_suspensions() -> None:
    impact = cohort_impact(COHORT, [(school("100001"), A), (school("100002"), B), (school("100003"), C)])

    # A: 1.25 against 7.5 / 3 = 2.5 (half exactly); B: 0.5 against 6 / 3 = 2; C: 1.5 against 2.5 (not half).
    halved = impact.suspensions_halved
    assert (halved.schools_counted, halved.schools_halved) == (3, 2)
    assert halved.share is not None
    assert round(float(halved.share), 2) == 66.67


def test_school_page_keeps_every_version_and_publishes_the_current_one() -> None:
    first = returned("100001", AUTUMN, (400, 9, 8, 0, 50_000, 2_500, 48))
    corrected = returned("100001", AUTUMN, (400, 5, 4, 0, 50_000, 2_500, 48), version=2)

    impact = school_impact(school("100001"), [A[0], first, corrected])

    autumn = next(history for history in impact.returns if history.period == AUTUMN)
    assert autumn.current == corrected
    assert autumn.earlier == (first,)
    assert impact.latest == AUTUMN
    assert impact.change is not None
    assert impact.change.suspension_rate == -1.25
    assert [shown.period for shown in impact.published] == [BASELINE, AUTUMN]
    assert impact.published[1].figures.suspensions == 5


def test_spring_is_later_than_autumn_whatever_order_they_arrive_in() -> None:
    spring = returned("100001", SPRING, (400, 3, 3, 0, 40_000, 2_000, 40))

    impact = school_impact(school("100001"), [spring, *A])

    assert impact.latest == SPRING
    assert impact.programme_ends_on == date(2028, 2, 29)
