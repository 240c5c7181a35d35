"""A batch of xAPI statements settled in memory: what each one means, and every write that follows from it.

Pure Python, no I/O. The service layer reads once, with a few set-based queries, everything a batch can touch
(`BatchKnowledge`); `plan_batch` then settles the statements one after another in the order they were sent,
exactly as if each had been stored before the next was looked at: a statement voided earlier in the batch never
counts, a second completion of the same module in the batch is `already_completed`, a voiding statement withdraws
a completion recorded earlier in the same batch. The `BatchPlan` it returns is written with a few multi-row
statements, and its events go to the outbox in the statements' order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID, uuid4

from contracts import Event
from services.learning.domain.errors import LearningError, StaffNotRegistered, StatementConflict
from services.learning.domain.model import (
    CompletionWithdrawal,
    EnrolledSchool,
    ModuleCompletion,
    ModuleStart,
    StaffMember,
    learner_of,
)
from services.learning.domain.xapi import Outcome, StoredStatement

__all__ = ["BatchKnowledge", "BatchOutdated", "BatchPlan", "plan_batch"]


class BatchOutdated(Exception):
    """Another request changed what a batch's plan was made from before the plan was written (it stored one of
    its statement ids, or a completion of the same module by the same person, first). Nothing of the batch is
    kept; settling it again from what is now stored gives the answer one after the other would have given."""


@dataclass(frozen=True)
class BatchKnowledge:
    """What storage holds that a batch can touch, read before the batch is settled."""

    # Statements already stored among the batch's ids and the ids its voiding statements name.
    stored: Mapping[UUID, StoredStatement]
    # The first stored voiding statement naming each statement id (as text, the way a StatementRef is kept).
    voiders: Mapping[str, StoredStatement]
    # Actor keys mapped to staff ids, and what learning knows of those staff and their schools.
    staff_of: Mapping[str, UUID]
    staff: Mapping[UUID, StaffMember]
    schools: Mapping[str, EnrolledSchool]
    # Current completions of those staff members, and those recorded from the statements voiding ones name.
    completions: Sequence[ModuleCompletion]


@dataclass
class BatchPlan:
    """Everything a batch writes, in the order it happened."""

    answers: list[StoredStatement] = field(default_factory=list)  # one a statement sent, in order
    new_statements: list[StoredStatement] = field(default_factory=list)  # to store, as they end the batch
    voided: dict[UUID, UUID] = field(default_factory=dict)  # statement stored earlier -> the statement voiding it
    starts: list[ModuleStart] = field(default_factory=list)  # first starts, kept unless one is stored already
    completions: list[ModuleCompletion] = field(default_factory=list)  # new, in order
    withdrawals: list[CompletionWithdrawal] = field(default_factory=list)  # in order
    # In order; a ModuleStarted stands only if storage takes its start (an earlier start makes it no news).
    events: list[Event] = field(default_factory=list)

    @property
    def withdrawn_ids(self) -> set[UUID]:
        return {w.completion.completion_id for w in self.withdrawals}


def plan_batch(
    statements: Iterable[StoredStatement], known: BatchKnowledge, activities: Mapping[str, int], now: datetime
) -> BatchPlan:
    """Settle `statements` in order against what storage holds. `StatementConflict` if one of their ids is
    already stored with different content: then the whole batch is refused."""
    return _Settling(known, activities, now).run(list(statements))


class _Settling:
    """The batch's view of storage as it settles statement after statement."""

    def __init__(self, known: BatchKnowledge, activities: Mapping[str, int], now: datetime) -> None:
        self.known = known
        self.activities = activities
        self.now = now
        self.plan = BatchPlan()
        self.statements: dict[UUID, StoredStatement] = dict(known.stored)
        self.new: dict[UUID, StoredStatement] = {}
        self.voiders: dict[str, StoredStatement] = dict(known.voiders)
        self.by_module: dict[tuple[UUID, int], ModuleCompletion] = {}
        self.by_statement: dict[UUID, ModuleCompletion] = {}
        for completion in known.completions:
            self.by_module[(completion.staff_id, completion.module_number)] = completion
            if completion.statement_id is not None:
                self.by_statement[completion.statement_id] = completion
        self.started: set[tuple[UUID, int]] = set()

    def run(self, statements: list[StoredStatement]) -> BatchPlan:
        for statement in statements:
            stored = self.known.stored.get(statement.statement_id)
            if stored is not None and stored.fingerprint != statement.fingerprint:
                raise StatementConflict(statement.statement_id)
        answered: list[UUID] = []
        for statement in statements:
            answered.append(statement.statement_id)
            if statement.statement_id in self.known.stored:
                continue  # a resend: counted once, answered the same
            self._keep(self._apply(statement))
        self.plan.new_statements = list(self.new.values())
        self.plan.answers = [self.statements[statement_id] for statement_id in answered]
        return self.plan

    def _keep(self, statement: StoredStatement) -> None:
        self.statements[statement.statement_id] = self.new[statement.statement_id] = statement
        if statement.is_voiding:
            self.voiders.setdefault(statement.object_id, statement)

    def _apply(self, statement: StoredStatement) -> StoredStatement:
        if statement.is_voiding:
            self._void(statement.statement_id, UUID(statement.object_id))
            return statement.settled("voiding")
        module = self.activities.get(statement.object_id) if statement.object_type == "Activity" else None
        if module is None or not (statement.completes or statement.starts):
            return statement.settled("not_about_modules")
        voider = self.voiders.get(str(statement.statement_id))
        if voider is not None:  # its voiding statement came first: it never counts
            settled = statement.settled("not_about_modules", module_number=module)
            return replace(settled, voided_by=voider.statement_id)
        return self._learn(statement, module)

    def _learn(self, statement: StoredStatement, module: int) -> StoredStatement:
        staff_id = self.known.staff_of.get(statement.actor_key) if statement.actor_key else None
        if staff_id is None:
            return statement.settled("unknown_actor", module_number=module)
        member = self.known.staff.get(staff_id)
        when = statement.timestamp
        try:
            if member is None:
                raise StaffNotRegistered(staff_id)
            learner = learner_of(self.known.schools.get(member.urn), member, member.urn, staff_id, when.date())
        except LearningError as refused:
            return statement.settled("refused", staff_id, module, refused.message)
        if statement.completes:
            outcome: Outcome = self._complete(learner, module, when, statement.statement_id)
            return statement.settled(outcome, staff_id, module)
        if (staff_id, module) not in self.started:
            self.started.add((staff_id, module))
            start = ModuleStart(staff_id, learner.urn, learner.cohort_id, module, when)
            self.plan.starts.append(start)
            self.plan.events.append(start.started_event())
        return statement.settled("start", staff_id, module)

    def _complete(self, learner: StaffMember, module: int, when: datetime, statement_id: UUID) -> Outcome:
        if (learner.staff_id, module) in self.by_module:
            return "already_completed"
        completion = ModuleCompletion(
            completion_id=uuid4(),
            staff_id=learner.staff_id,
            urn=learner.urn,
            cohort_id=learner.cohort_id,
            module_number=module,
            completed_at=when,
            statement_id=statement_id,
        )
        self.by_module[(learner.staff_id, module)] = self.by_statement[statement_id] = completion
        self.plan.completions.append(completion)
        self.plan.events.append(completion.completed_event())
        return "completion"

    def _void(self, voiding_id: UUID, target_id: UUID) -> None:
        target = self.statements.get(target_id)
        if target is None or target.is_voiding or target.voided_by is not None:
            return  # xAPI: a voiding statement cannot be voided; an unknown target is voided when it arrives
        voided = replace(target, voided_by=voiding_id)
        self.statements[target_id] = voided
        if target_id in self.new:
            self.new[target_id] = voided
        else:
            self.plan.voided[target_id] = voiding_id
        completion = self.by_statement.pop(target_id, None)
        if completion is not None:
            del self.by_module[(completion.staff_id, completion.module_number)]
            withdrawal = CompletionWithdrawal(completion, f"voided by xAPI statement {voiding_id}", self.now)
            self.plan.withdrawals.append(withdrawal)
            self.plan.events.append(withdrawal.withdrawn_event())
