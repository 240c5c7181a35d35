"""Notifications' pure rules: calendar invitations as RFC 5545 says, the programme's words, people's choices."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
import pytest

from services.notifications.domain.calendar import CalendarEntry, invitation
from services.notifications.domain.errors import TemplateProblem
from services.notifications.domain.model import Preferences, message_id_of, next_attempt, status_for, week_start
from services.notifications.domain.templates import Templates
from services.notifications.service_layer.delivery import word
from services.notifications.service_layer.handlers import TEMPLATES
from services.notifications.service_layer.routes import without_addresses

ENTRY = CalendarEntry(
    uid="5f0c@relational-schools-programme",
    sequence=3,
    method="REQUEST",
    day=date(2027, 2, 4),
    summary="Leadership day 4; a long summary, with commas, that goes well past seventy-five octets",
)


def test_invitation_reads_back_as_one_whole_day_event_with_its_uid_and_sequence() -> None:
    text = invitation(ENTRY, "programme@rsp.localhost", "head@school.example")

    calendar: Any = icalendar.Calendar.from_ical(text)
    event: Any = next(iter(calendar.walk("VEVENT")))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == ENTRY.uid
    assert int(event["SEQUENCE"]) == 3
    assert event["DTSTART"].dt == date(2027, 2, 4)
    assert event["DTEND"].dt == date(2027, 2, 5)
    assert str(event["SUMMARY"]) == ENTRY.summary
    assert str(event["ATTENDEE"]) == "mailto:head@school.example"


def test_invitation_lines_end_in_crlf_and_fold_before_75_octets() -> None:
    text = invitation(ENTRY, "programme@rsp.localhost", "head@school.example")

    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_a_cancellation_is_method_cancel_and_status_cancelled() -> None:
    cancelled = CalendarEntry(ENTRY.uid, 4, "CANCEL", ENTRY.day, "Leadership day 4")

    calendar: Any = icalendar.Calendar.from_ical(invitation(cancelled, "p@rsp.localhost", "h@school.example"))

    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(next(iter(calendar.walk("VEVENT")))["STATUS"]) == "CANCELLED"


def test_reminder_is_worded_with_the_school_the_due_date_and_the_programmes_words() -> None:
    values = {"school_name": "Cherwell Primary", "urn": "123456", "reminder": "circle_missing",
              "due_on": "2026-12-19", "reason": "No circle this half-term."}  # fmt: skip

    wording = word(TEMPLATES, "reminder", values)

    assert wording.subject == "Cherwell Primary: A reflective circle this half-term by 19 December 2026"
    assert "No circle this half-term." in wording.body


def test_a_template_missing_a_value_is_a_clear_problem_not_a_half_sent_email() -> None:
    with pytest.raises(TemplateProblem, match="due_on"):
        TEMPLATES.render("reminder", {"school_name": "Cherwell Primary", "reminder_title": "x", "reason": ""})


def test_a_templates_file_without_its_words_is_refused() -> None:
    with pytest.raises(TemplateProblem):
        Templates({"reminder": {"essential": False, "subject": "s", "body": "b"}})


def test_invitations_and_the_programme_teams_notices_cannot_be_switched_off() -> None:
    quiet = Preferences(uuid.uuid4(), weekly_digest=True, non_essential_off=True)

    for kind in ("session_scheduled", "session_moved", "session_cancelled", "sign_in_invitation",
                 "at_risk_programme_team"):  # fmt: skip
        assert status_for(kind, TEMPLATES.essential(kind), quiet) == ("pending", None)


def test_reminders_follow_what_the_person_chose() -> None:
    staff = uuid.uuid4()
    essential = TEMPLATES.essential("reminder")

    assert status_for("reminder", essential, None) == ("pending", None)
    assert status_for("reminder", essential, Preferences(staff, weekly_digest=True))[0] == "held_for_digest"
    assert status_for("reminder", essential, Preferences(staff, non_essential_off=True))[0] == "skipped"
    assert status_for("at_risk", TEMPLATES.essential("at_risk"), Preferences(staff, weekly_digest=True))[0] == "pending"


def test_the_same_cause_and_reader_always_make_the_same_message_id() -> None:
    assert message_id_of("event-1:staff-1") == message_id_of("event-1:staff-1")
    assert message_id_of("event-1:staff-1") != message_id_of("event-1:staff-2")


def test_back_off_doubles_from_two_seconds_and_never_waits_more_than_an_hour() -> None:
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

    waits = [next_attempt(attempts, now) - now for attempts in (1, 2, 3, 30)]

    assert waits == [timedelta(seconds=2), timedelta(seconds=4), timedelta(seconds=8), timedelta(hours=1)]


def test_a_digest_week_begins_on_monday() -> None:
    assert week_start(datetime(2026, 11, 26, 23, 0, tzinfo=UTC)) == date(2026, 11, 23)


def test_what_a_provider_said_keeps_no_address() -> None:
    said = "5.1.1 <jane.doe@cherwell.example>: Recipient address rejected; also jo@x.org"

    assert without_addresses(said) == "5.1.1 <<address>>: Recipient address rejected; also <address>"
