"""A batch of xAPI statements settled in memory: the same meaning as storing them one after another."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from contracts import ModuleCompleted
from contracts.events.learning import ModuleCompletionWithdrawn, ModuleStarted
from services.learning.domain.errors import StatementConflict
from services.learning.domain.model import EnrolledSchool, ModuleCompletion, StaffMember
from services.learning.domain.xapi import StoredStatement, mbox_key, parse_statements
from services.learning.domain.xapi_batch import BatchKnowledge, plan_batch

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
MODULE = "https://tirp.relationalschools.example/xapi/activities/module-{:02d}"
ACTIVITIES = {MODULE.format(n): n for n in range(1, 16)}
MBOX = "mailto:learner@school.example"
KEY = mbox_key(hashlib.sha1(MBOX.encode()).hexdigest())
STAFF = StaffMember(uuid4(), "123456", "cohort-a", "teacher", date(2026, 9, 1))
SCHOOL = EnrolledSchool("123456", "cohort-a")


def _sent(verb: str, module: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uuid4()),
        "actor": {"mbox": MBOX},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"id": MODULE.format(module)},
        "timestamp": "2026-11-02T10:15:00Z",
        **extra,
    }


def _voiding(target: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid4()),
        "actor": {"mbox": "mailto:admin@lms.example"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": target["id"]},
    }


def _knowing(
    stored: list[StoredStatement] | None = None, completions: list[ModuleCompletion] | None = None
) -> BatchKnowledge:
    return BatchKnowledge(
        stored={s.statement_id: s for s in stored or []},
        voiders={s.object_id: s for s in stored or [] if s.is_voiding},
        staff_of={KEY: STAFF.staff_id},
        staff={STAFF.staff_id: STAFF},
        schools={SCHOOL.urn: SCHOOL},
        completions=completions or [],
    )


def _parsed(*sent: dict[str, Any]) -> list[StoredStatement]:
    return parse_statements(list(sent), NOW)


def _kinds(events: list[Any]) -> list[str]:
    return [type(event).__name__ for event in events]


def test_batch_counts_each_module_once_and_answers_every_statement_in_order() -> None:
    sent = [_sent("launched", 2), _sent("completed", 2), _sent("completed", 2), _sent("experienced", 3)]

    plan = plan_batch(_parsed(*sent), _knowing(), ACTIVITIES, NOW)

    assert [str(s.statement_id) for s in plan.answers] == [s["id"] for s in sent]
    assert [s.outcome for s in plan.answers] == ["start", "completion", "already_completed", "not_about_modules"]
    assert [(c.staff_id, c.module_number) for c in plan.completions] == [(STAFF.staff_id, 2)]
    assert _kinds(plan.events) == ["ModuleStarted", "ModuleCompleted"]
    assert len(plan.new_statements) == 4


def test_voiding_later_in_the_batch_withdraws_the_completion_the_batch_recorded() -> None:
    completed = _sent("completed", 4)

    plan = plan_batch(_parsed(completed, _voiding(completed)), _knowing(), ACTIVITIES, NOW)

    assert _kinds(plan.events) == ["ModuleCompleted", "ModuleCompletionWithdrawn"]
    [completion] = plan.completions
    assert plan.withdrawn_ids == {completion.completion_id}
    stored = {str(s.statement_id): s for s in plan.new_statements}
    assert stored[completed["id"]].voided_by is not None


def test_statement_voided_earlier_in_the_batch_never_counts() -> None:
    completed = _sent("completed", 5)

    plan = plan_batch(_parsed(_voiding(completed), completed), _knowing(), ACTIVITIES, NOW)

    assert plan.completions == []
    assert plan.events == []
    assert plan.answers[1].outcome == "not_about_modules"
    assert plan.answers[1].voided_by == plan.answers[0].statement_id


def test_completed_voided_and_completed_again_in_one_batch_counts_the_second() -> None:
    first, again = _sent("completed", 6), _sent("completed", 6)

    plan = plan_batch(_parsed(first, _voiding(first), again), _knowing(), ACTIVITIES, NOW)

    assert _kinds(plan.events) == ["ModuleCompleted", "ModuleCompletionWithdrawn", "ModuleCompleted"]
    assert [c.statement_id for c in plan.completions] == [UUID(first["id"]), UUID(again["id"])]
    assert plan.withdrawn_ids == {plan.completions[0].completion_id}


def test_voiding_a_stored_statement_withdraws_its_stored_completion_and_marks_it() -> None:
    [target] = _parsed(_sent("completed", 7))
    target = target.settled("completion", STAFF.staff_id, 7)
    recorded = ModuleCompletion(uuid4(), STAFF.staff_id, SCHOOL.urn, "cohort-a", 7, NOW, target.statement_id)
    voiding = _voiding({"id": str(target.statement_id)})

    plan = plan_batch(_parsed(voiding), _knowing([target], [recorded]), ACTIVITIES, NOW)

    assert plan.voided == {target.statement_id: UUID(voiding["id"])}
    assert [w.completion for w in plan.withdrawals] == [recorded]
    assert isinstance(plan.events[0], ModuleCompletionWithdrawn)


def test_resent_statement_writes_nothing_and_a_changed_one_refuses_the_batch() -> None:
    sent = _sent("completed", 8)
    [stored] = _parsed(sent)
    stored = stored.settled("completion", STAFF.staff_id, 8)

    resent = plan_batch(_parsed(sent), _knowing([stored]), ACTIVITIES, NOW)

    assert resent.answers == [stored]
    assert (resent.new_statements, resent.events, resent.completions) == ([], [], [])
    with pytest.raises(StatementConflict, match=sent["id"]):
        plan_batch(_parsed(_sent("launched", 1), {**sent, "timestamp": "2026-11-03T09:00:00Z"}), _knowing([stored]),
                   ACTIVITIES, NOW)  # fmt: skip


def test_statements_of_an_unknown_actor_or_a_leaver_wait_or_are_refused() -> None:
    stranger = {**_sent("completed", 9), "actor": {"mbox": "mailto:someone-else@school.example"}}
    left = StaffMember(STAFF.staff_id, STAFF.urn, STAFF.cohort_id, STAFF.role, STAFF.starts_on, date(2026, 10, 1))
    knowing = _knowing()
    knowing = BatchKnowledge(knowing.stored, knowing.voiders, knowing.staff_of, {left.staff_id: left},
                             knowing.schools, [])  # fmt: skip

    plan = plan_batch(_parsed(stranger, _sent("completed", 9)), knowing, ACTIVITIES, NOW)

    assert [s.outcome for s in plan.answers] == ["unknown_actor", "refused"]
    assert "left school" in str(plan.answers[1].reason)
    assert plan.events == []


def test_one_start_event_per_module_whatever_the_batch_repeats() -> None:
    plan = plan_batch(_parsed(_sent("launched", 10), _sent("initialized", 10)), _knowing(), ACTIVITIES, NOW)

    assert [s.outcome for s in plan.answers] == ["start", "start"]
    assert len(plan.starts) == 1
    assert [type(e) for e in plan.events] == [ModuleStarted]
    assert not any(isinstance(e, ModuleCompleted) for e in plan.events)
