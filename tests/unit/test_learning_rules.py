"""Learning's pure rules: xAPI statement shapes, progress arithmetic and the life of a face-to-face session."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import pytest

from contracts.events.learning import LeadershipDayHeld, PractitionerTrained
from services.learning.domain.errors import MalformedStatement, SessionConflict, SessionRefused
from services.learning.domain.model import EnrolledSchool, ModuleCompletion, ModuleStart, StaffMember
from services.learning.domain.progress import school_progress
from services.learning.domain.sessions import Session
from services.learning.domain.xapi import account_key, mbox_key, parse_statements

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 2)
MODULE_1 = "https://tirp.relationalschools.example/xapi/activities/module-01"


def _statement(**changes: Any) -> dict[str, Any]:
    return {
        "actor": {"mbox": "mailto:jane@school.example"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": MODULE_1},
        **changes,
    }


def test_mbox_is_kept_only_as_the_sha1_xapi_defines() -> None:
    [statement] = parse_statements(_statement(), NOW)

    assert statement.actor_key == mbox_key(hashlib.sha1(b"mailto:jane@school.example").hexdigest())
    assert "jane" not in repr(statement)


def test_account_actor_is_keyed_by_a_digest_of_home_page_and_name() -> None:
    [statement] = parse_statements(
        _statement(actor={"account": {"homePage": "https://lms.example", "name": "u1"}}), NOW
    )

    assert statement.actor_key == account_key("https://lms.example", "u1")
    assert "u1" not in str(statement.actor_key)


def test_result_completion_counts_as_completing_whatever_the_verb() -> None:
    passed = _statement(verb={"id": "http://adlnet.gov/expapi/verbs/passed"}, result={"completion": True})
    experienced = _statement(verb={"id": "http://adlnet.gov/expapi/verbs/experienced"})

    completes = [s.completes for s in parse_statements([passed, experienced], NOW)]

    assert completes == [True, False]


def test_statement_without_id_gets_one_and_without_timestamp_is_dated_now() -> None:
    [statement] = parse_statements(_statement(), NOW)

    assert statement.statement_id is not None
    assert statement.timestamp == NOW


def test_resend_has_the_same_fingerprint_and_a_change_does_not() -> None:
    statement_id = str(uuid4())
    first, again, changed = (
        parse_statements(_statement(id=statement_id, **extra), NOW)[0]
        for extra in ({}, {}, {"result": {"completion": False}})
    )

    assert first.fingerprint == again.fingerprint != changed.fingerprint


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"verb": {"id": "http://x.example/v"}, "object": {"id": MODULE_1}}, "statement.actor: is required"),
        (_statement(actor={}), "needs exactly one of"),
        (_statement(object={"objectType": "Thing", "id": MODULE_1}), "statement.object.objectType"),
        (_statement(timestamp="yesterday"), "statement.timestamp"),
        (_statement(result={"score": {"scaled": 3}}), "statement.result.score.scaled"),
        ([_statement(id="7f6b1c2a-1d3e-4f50-9a8b-0c1d2e3f4a5b")] * 2, "appears twice"),
        ("a string", "statement object or a non-empty array"),
    ],
)
def test_malformed_statement_is_refused_naming_where(payload: Any, message: str) -> None:
    with pytest.raises(MalformedStatement, match=message):
        parse_statements(payload, NOW)


def _member(urn: str = "123456", left_on: date | None = None) -> StaffMember:
    return StaffMember(uuid4(), urn, "oxon-2026", "teacher", date(2026, 9, 1), left_on)


def _completion(member: StaffMember, module: int) -> ModuleCompletion:
    return ModuleCompletion(uuid4(), member.staff_id, member.urn, "oxon-2026", module, NOW)


def test_school_progress_counts_only_current_staff() -> None:
    finisher, leaver, starter = _member(), _member(left_on=date(2026, 10, 31)), _member()
    completions = [_completion(finisher, n) for n in range(1, 16)] + [_completion(leaver, 1)]
    starts = [ModuleStart(starter.staff_id, "123456", "oxon-2026", 2, NOW)]

    progress = school_progress([finisher, leaver, starter], starts, completions, TODAY)

    assert (progress.current_staff, progress.staff_started, progress.staff_completed_all) == (2, 2, 1)
    assert progress.completions_by_module[1] == 1


def _school(urn: str = "123456", cohort: str = "oxon-2026") -> EnrolledSchool:
    return EnrolledSchool(urn, cohort)


def test_each_kind_of_session_needs_its_own_fields() -> None:
    plan = Session.plan
    with pytest.raises(SessionRefused, match="day_number"):
        plan(uuid4(), "leadership_day", TODAY, cohort_id="oxon-2026", school=None, day_number=None, venue=None)
    with pytest.raises(SessionRefused, match="urn"):
        plan(uuid4(), "mentoring", TODAY, cohort_id="oxon-2026", school=None, day_number=None, venue=None)
    with pytest.raises(SessionRefused, match="urn"):
        plan(uuid4(), "immersion_day", TODAY, cohort_id=None, school=_school(), day_number=None, venue=None)
    mentoring = plan(uuid4(), "mentoring", TODAY, cohort_id=None, school=_school(), day_number=None, venue=None)
    assert (mentoring.cohort_id, mentoring.urn) == ("oxon-2026", "123456")


def test_held_leadership_day_tells_each_school_and_adds_the_staff_members_school() -> None:
    day = Session.plan(uuid4(), "leadership_day", TODAY, cohort_id="oxon-2026", school=None, day_number=4, venue="Hall")
    head = _member("222222")
    schools = {"111111": _school("111111"), "222222": _school("222222")}

    held = day.held(["111111"], [head.staff_id], schools, {head.staff_id: head}, TODAY)

    events = held.held_events()
    assert [type(e) for e in events] == [LeadershipDayHeld, LeadershipDayHeld]
    assert {e.urn: e.staff_ids for e in events if isinstance(e, LeadershipDayHeld)} == {
        "111111": [],
        "222222": [head.staff_id],
    }


def test_practitioner_training_publishes_one_event_per_trainee() -> None:
    training = Session.plan(
        uuid4(), "practitioner_training", TODAY, cohort_id="oxon-2026", school=None, day_number=None, venue=None
    )
    trainees = [_member(), _member()]

    held = training.held(
        [], [t.staff_id for t in trainees], {"123456": _school()}, {t.staff_id: t for t in trainees}, TODAY
    )

    assert [e.staff_id for e in held.held_events() if isinstance(e, PractitionerTrained)] == [
        t.staff_id for t in trainees
    ]


def test_session_ahead_cannot_be_held_and_a_held_one_cannot_move_or_be_cancelled() -> None:
    later = Session.plan(
        uuid4(), "mentoring", date(2026, 12, 1), cohort_id=None, school=_school(), day_number=None, venue=None
    )
    with pytest.raises(SessionRefused, match="held_on"):
        later.held(["123456"], [], {"123456": _school()}, {}, TODAY)

    held = later.moved_to(TODAY, None).held(["123456"], [], {"123456": _school()}, {}, TODAY)

    with pytest.raises(SessionConflict, match="held"):
        held.moved_to(date(2026, 12, 5), None)
    with pytest.raises(SessionConflict, match="held"):
        held.cancelled("too late")


def test_mentoring_is_attended_by_its_own_school_only() -> None:
    mentoring = Session.plan(uuid4(), "mentoring", TODAY, cohort_id=None, school=_school(), day_number=None, venue=None)

    with pytest.raises(SessionRefused, match="654321"):
        mentoring.held(["654321"], [], {"654321": _school("654321")}, {}, TODAY)
