"""Learning's handlers for xAPI: statements from learning platforms become module starts and completions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from services.learning.domain.errors import ActorAlreadyMapped, LearningError, StaffNotRegistered, StatementConflict
from services.learning.domain.model import learner_of
from services.learning.domain.xapi import Outcome, StoredStatement
from services.learning.service_layer.commands import RecordModuleCompletion, RecordModuleStart, WithdrawCompletion
from services.learning.service_layer.handlers import complete_module, start_module, withdraw_recorded
from services.learning.service_layer.unit_of_work import LearningUnitOfWork

__all__ = ["map_actor", "receive_statements"]


async def receive_statements(
    uow: LearningUnitOfWork, statements: list[StoredStatement], activities: Mapping[str, int], now: datetime
) -> list[StoredStatement]:
    """Store every statement once and apply what it means; the answer says what became of each, in order."""
    settled: list[StoredStatement] = []
    async with uow:
        for statement in statements:
            stored = await uow.statements.get(statement.statement_id)
            if stored is not None:
                if stored.fingerprint != statement.fingerprint:
                    raise StatementConflict(statement.statement_id)
                settled.append(stored)  # a resend: counted once, answered the same
                continue
            applied = await _apply(uow, statement, activities, now)
            await uow.statements.add(applied)
            settled.append(applied)
        await uow.commit()
    return settled


async def _apply(
    uow: LearningUnitOfWork, statement: StoredStatement, activities: Mapping[str, int], now: datetime
) -> StoredStatement:
    if statement.is_voiding:
        await _void(uow, statement.statement_id, UUID(statement.object_id), now)
        return statement.settled("voiding")
    module = activities.get(statement.object_id) if statement.object_type == "Activity" else None
    if module is None or not (statement.completes or statement.starts):
        return statement.settled("not_about_modules")
    voider = await uow.statements.voiding(statement.statement_id)
    if voider is not None:  # its voiding statement came first: it never counts
        return replace(statement.settled("not_about_modules", module_number=module), voided_by=voider.statement_id)
    return await _learn(uow, statement, module)


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


async def _void(uow: LearningUnitOfWork, voiding_id: UUID, target_id: UUID, now: datetime) -> None:
    target = await uow.statements.get(target_id)
    if target is None or target.is_voiding or target.voided_by is not None:
        return  # xAPI: a voiding statement cannot be voided; an unknown target is voided when it arrives
    await uow.statements.settle(replace(target, voided_by=voiding_id))
    completion = await uow.completions.from_statement(target_id)
    if completion is not None:
        reason = f"voided by xAPI statement {voiding_id}"
        await withdraw_recorded(uow, completion, WithdrawCompletion(completion.completion_id, reason, now))


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
