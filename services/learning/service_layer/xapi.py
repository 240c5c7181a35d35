"""Learning's handlers for xAPI: statements from learning platforms become module starts and completions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from uuid import UUID

from contracts.events.learning import ModuleStarted
from services.learning.domain.errors import ActorAlreadyMapped, LearningError, StaffNotRegistered, StatementsBusy
from services.learning.domain.model import learner_of
from services.learning.domain.xapi import Outcome, StoredStatement
from services.learning.domain.xapi_batch import BatchOutdated, plan_batch
from services.learning.service_layer.commands import RecordModuleCompletion, RecordModuleStart
from services.learning.service_layer.handlers import complete_module, start_module
from services.learning.service_layer.unit_of_work import LearningUnitOfWork

__all__ = ["map_actor", "receive_statements"]


# A batch that lost a race to a concurrent one is settled again from what that one stored; more than this many
# rounds means others keep writing the very same things, and the caller is asked to send it again.
_ATTEMPTS = 5


async def receive_statements(
    uow: LearningUnitOfWork, statements: list[StoredStatement], activities: Mapping[str, int], now: datetime
) -> list[StoredStatement]:
    """Store every statement once and apply what it means; the answer says what became of each, in order.

    The batch is settled in memory against what a few set-based queries found (`plan_batch`), then written with
    a few multi-row statements in one transaction: all of it or, on any refusal, none of it.
    """
    for _ in range(_ATTEMPTS):
        try:
            return await _store_batch(uow, statements, activities, now)
        except BatchOutdated:
            continue
    raise StatementsBusy()


async def _store_batch(
    uow: LearningUnitOfWork, statements: list[StoredStatement], activities: Mapping[str, int], now: datetime
) -> list[StoredStatement]:
    statement_ids = [s.statement_id for s in statements]
    voided_ids = [UUID(s.object_id) for s in statements if s.is_voiding]
    # Only statements that may count need their actor: the others are settled without one.
    actor_keys = {
        s.actor_key
        for s in statements
        if s.actor_key and (s.completes or s.starts) and s.object_type == "Activity" and s.object_id in activities
    }
    async with uow:
        known = await uow.statement_batches.knowledge(statement_ids, voided_ids, sorted(actor_keys))
        plan = plan_batch(statements, known, activities, now)
        started = await uow.statement_batches.write(plan)
        await uow.record_all(
            [
                event
                for event in plan.events
                if not isinstance(event, ModuleStarted) or (event.staff_id, event.module_number) in started
            ]
        )
        await uow.commit()
    return plan.answers


async def _learn(uow: LearningUnitOfWork, statement: StoredStatement, module: int) -> StoredStatement:
    staff_id = await uow.actors.staff_of(statement.actor_key) if statement.actor_key else None
    if staff_id is None:
        return statement.settled("unknown_actor", module_number=module)
    member = await uow.staff.get(staff_id)
    when = statement.timestamp
    try:
        if member is None:
            raise StaffNotRegistered(staff_id)
        learner_of(await uow.schools.get(member.urn), member, member.urn, staff_id, when.date())
        if statement.completes:
            command = RecordModuleCompletion(staff_id, member.urn, module, when, statement.statement_id)
            _, is_new = await complete_module(uow, command)
            outcome: Outcome = "completion" if is_new else "already_completed"
            return statement.settled(outcome, staff_id, module)
        await start_module(uow, RecordModuleStart(staff_id, member.urn, module, when))
        return statement.settled("start", staff_id, module)
    except LearningError as refused:
        return statement.settled("refused", staff_id, module, refused.message)


async def map_actor(uow: LearningUnitOfWork, actor_key: str, staff_id: UUID) -> tuple[bool, int]:
    """Map an xAPI actor to a staff member; returns whether the mapping is new and how many statements that
    were waiting for this actor now count."""
    async with uow:
        member = await uow.staff.get(staff_id)
        if member is None:
            raise StaffNotRegistered(staff_id)
        mapped = await uow.actors.staff_of(actor_key)
        if mapped is not None:
            if mapped != staff_id:
                raise ActorAlreadyMapped(mapped)
            return False, 0
        await uow.actors.add(actor_key, staff_id)
        waiting = await uow.statements.unmatched(actor_key)
        for statement in waiting:
            assert statement.module_number is not None
            await uow.statements.settle(await _learn(uow, statement, statement.module_number))
        await uow.commit()
    return True, len(waiting)
