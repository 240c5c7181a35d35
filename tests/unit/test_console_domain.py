"""The console's pure rules: leadership days off weekends, August and bank holidays; staff files row by row; the
needs-attention ranking; who may be invited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from runtime.auth import Role
from services.console.domain.attention import needs_attention
from services.console.domain.errors import FormRefused
from services.console.domain.journey import journey_lines
from services.console.domain.leadership_days import bank_holidays, leadership_days, usable_for_a_leadership_day
from services.console.domain.people import new_person
from services.console.domain.staff_csv import read_staff_sheet


def test_bank_holidays_of_england_and_wales_follow_easter_and_substitute_days() -> None:
    assert bank_holidays(2027) == {
        date(2027, 1, 1),
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
        date(2027, 5, 3),
        date(2027, 5, 31),
        date(2027, 8, 30),
        date(2027, 12, 27),  # Christmas Day falls on a Saturday
        date(2027, 12, 28),  # Boxing Day on a Sunday
    }


@pytest.mark.parametrize("starts_on", [date(2026, 9, 1), date(2027, 1, 4), date(2027, 3, 29), date(2027, 6, 1)])
def test_leadership_days_avoid_weekends_august_and_bank_holidays(starts_on: date) -> None:
    days = leadership_days(starts_on, 10)
    assert len(days) == 10
    assert days == sorted(set(days))
    assert all(usable_for_a_leadership_day(day) for day in days)
    assert days[0] >= starts_on


def test_a_cohort_starting_on_easter_monday_holds_its_first_day_the_next_day() -> None:
    assert leadership_days(date(2027, 3, 29), 10)[0] == date(2027, 3, 30)


def test_a_staff_file_says_why_each_refused_row_is_refused() -> None:
    sheet = read_staff_sheet(
        b"Name,Email,Role,starts_on\n"
        b"Alex Example,Alex@School.example.org,Headteacher,2026-09-01\n"
        b",nobody@school.example.org,teacher,\n"
        b"Sam Sample,sam@school.example.org,caretaker,\n"
        b"Jo Placeholder,jo@school.example.org,teacher,\n"
        b"Jo Again,JO@school.example.org,teacher,\n"
        b"Kit Known,kit@school.example.org,teacher,\n"
        b"Max Date,max@school.example.org,teacher,1 Sept\n",
        already_registered=["kit@school.example.org"],
    )
    assert [(row.line, row.email, row.role) for row in sheet.to_register] == [
        (2, "alex@school.example.org", "headteacher"),
        (5, "jo@school.example.org", "teacher"),
    ]
    assert [(row.line, row.refused_because) for row in sheet.refused] == [
        (3, "the name is empty"),
        (4, "the role is not one of Headteacher, Senior leader, Teacher, Teaching assistant, Support staff, Other"),
        (6, "the email address appears earlier in the file"),
        (7, "already registered at the school"),
        (8, "the start date is not a date like 2026-09-01"),
    ]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"first,last\n", "must have the columns name, email and role (missing name, email, role)"),
        (b"name,email,role\n", "has no staff in it"),
        ("name,email,role\nZo\xeb,z@x.org,teacher\n".encode("latin-1"), "saved as UTF-8"),
    ],
)
def test_a_staff_file_that_cannot_be_read_is_refused_as_a_whole(content: bytes, said: str) -> None:
    with pytest.raises(FormRefused) as refused:
        read_staff_sheet(content, [])
    assert [error.field for error in refused.value.errors] == ["staff_file"]
    assert said in refused.value.message


def test_who_may_be_invited_is_checked_field_by_field() -> None:
    with pytest.raises(FormRefused) as refused:
        new_person("not-an-address", "viewer", ["12345"])
    assert [error.field for error in refused.value.errors] == ["email", "role", "urns"]
    with pytest.raises(FormRefused):
        new_person("lead@school.example.org", "school", ["123456", "654321"])
    lead = new_person(" Lead@School.example.org ", "school", ["123456"])
    assert (lead.email, lead.role, lead.schools) == ("lead@school.example.org", Role.SCHOOL, ("123456",))
    assert new_person("team@council.example.org", "programme_admin", ["123456"]).schools == ()


def test_needs_attention_puts_at_risk_schools_first_then_what_is_late_then_what_is_coming() -> None:
    today = date(2026, 11, 26)
    cohort = {
        "cohort_id": "oxon-2026",
        "schools": [
            {"urn": urn, "name": name, "status": "active", "enrolled_on": "2026-09-01"}
            for urn, name in (("100001", "Alpha"), ("100002", "Beta"), ("100003", "Gamma"))
        ],
        "plan": {"leadership_days": [{"number": 3, "held_on": "2026-12-01"}, {"number": 4, "held_on": "2027-02-01"}]},
    }
    progress = [
        {"urn": "100003", "journey": {"at_risk": True, "at_risk_reasons": ["no circle"], "flagged_on": "2026-11-01"}},
        {"urn": "100001", "journey": {"at_risk": False, "at_risk_reasons": [], "flagged_on": None}},
    ]
    returned = [
        {"urn": "100001", "baseline": {"pupils_on_roll": 200}, "latest_term": None},
        {"urn": "100002", "baseline": {"pupils_on_roll": 300}, "latest_term": None},
    ]
    half_terms = [
        {
            "name": "autumn-1",
            "academic_year": "2026/27",
            "ends_on": str(today - timedelta(days=30)),
            "missed": ["100002"],
        }
    ]
    items = needs_attention(cohort, progress, returned, half_terms, today)
    assert [(item.subject, item.reason) for item in items] == [
        ("Gamma", "At risk: no circle"),
        ("Gamma", "Baseline return overdue"),
        ("Beta", "No circle in half-term autumn-1 2026/27"),
        ("Leadership day 3", "On 1 December 2026"),
    ]
    assert items[0].href == "/schools/100003"


def test_a_school_journey_reads_in_plain_words_against_the_journey_criteria() -> None:
    cohort = {
        "starts_on": "2026-09-01",
        "ends_on": "2028-02-29",
        "plan": {
            "leadership_days": [{"number": n, "held_on": f"2027-0{n}-01"} for n in range(1, 10)] + [{"number": 10}],
            "modules": 15,
            "circles_per_half_term": 1,
            "immersion_days": 2,
            "practitioners_to_train": 2,
            "practitioners_trained_by_month": 12,
        },
    }
    progress = {
        "enrolled_on": "2026-09-30",
        "staff_counted": 42,
        "modules": {"completions_by_module": {"1": 30, "2": 25, "3": 20, "4": 18, "5": 19}, "staff_completed_all": 3},
        "leadership_days_attended": 4,
        "circles_held": 2,
        "half_terms_with_circle": ["2026-27-autumn-1"],
        "mentoring_sessions": 1,
        "immersion_days": 0,
        "practitioners_trained": 1,
        "journey": {"at_risk": False, "at_risk_reasons": []},
    }
    lines = {line.part: line.words for line in journey_lines(cohort, progress, date(2026, 11, 26))}
    assert lines["Leadership days"] == "4 of 10 leadership days attended"
    assert lines["Online modules"] == (
        "18 of 42 staff through modules 1 to 5, 21 needed by 30 March 2027; 3 of 42 through all 15, 32 needed by "
        "29 February 2028"
    )
    assert lines["Practitioners"] == "1 of 2 practitioners trained, needed by 30 September 2027"
