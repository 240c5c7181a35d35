"""Each service connects to Postgres as its own role, which reaches its own schema and nothing else."""

from __future__ import annotations

import asyncpg
import pytest

from runtime.database_roles import dsn_for_role, ensure_service_role
from runtime.local.stack import LocalStack


@pytest.mark.parametrize(
    ("service", "foreign_table"),
    [
        ("enrolment", "learning.module_completions"),
        ("learning", "enrolment.school_enrolments"),
        ("circles", "reporting.schools"),
        ("reporting", "enrolment.outbox"),
    ],
)
async def test_service_role_reads_its_own_tables_and_no_one_elses(
    local_stack: LocalStack, service: str, foreign_table: str
) -> None:
    conn = await asyncpg.connect(local_stack.service_dsns[service])
    try:
        assert await conn.fetchval("SELECT current_user") == f"rsp_{service}"
        await conn.fetchval(f"SELECT count(*) FROM {service}.outbox")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.fetchval(f"SELECT count(*) FROM {foreign_table}")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute(f"CREATE TABLE {foreign_table.split('.')[0]}.intruder (id int)")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("CREATE TABLE public.intruder (id int)")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("CREATE SCHEMA intruder")
    finally:
        await conn.close()


async def test_schema_made_before_roles_is_handed_to_its_service_role(
    local_stack: LocalStack, db: asyncpg.Pool
) -> None:
    async with db.acquire() as admin:
        await admin.execute("DROP SCHEMA IF EXISTS legacy CASCADE")
        await admin.execute("CREATE SCHEMA legacy")
        await admin.execute("CREATE TABLE legacy.outbox (position bigserial PRIMARY KEY, note text)")
        await admin.execute("CREATE FUNCTION legacy.touch() RETURNS int LANGUAGE sql AS 'SELECT 1'")

        role = await ensure_service_role(admin, "rsp", "legacy")

    conn = await asyncpg.connect(dsn_for_role(local_stack.service_dsns["enrolment"], role))
    try:
        await conn.execute("INSERT INTO legacy.outbox (note) VALUES ('kept')")
        assert await conn.fetchval("SELECT note FROM legacy.outbox") == "kept"
        assert await conn.fetchval("SELECT legacy.touch()") == 1
    finally:
        await conn.close()
