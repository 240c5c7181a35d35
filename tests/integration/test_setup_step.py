"""The set-up step, given the database owner, makes every service's role and schema and sets their passwords."""

from __future__ import annotations

import asyncpg

from runtime.database_roles import role_name
from runtime.local.endpoints import Endpoints
from runtime.settings import SERVICE_NAMES
from runtime.setup import service_role_passwords, set_up_database


async def test_setup_makes_each_role_with_its_password_and_changes_nothing_when_run_again(
    stack: Endpoints, db: asyncpg.Pool
) -> None:
    password = 'it\'s a "quoted" secret; DROP ROLE x'
    try:
        first = await set_up_database(stack.postgres_dsn, {"circles": password})
        second = await set_up_database(stack.postgres_dsn, {"circles": password})

        assert first == second == {service: role_name(service) for service in SERVICE_NAMES}
        async with db.acquire() as admin:
            rows = await admin.fetch(
                "SELECT rolname, rolcanlogin, rolpassword FROM pg_authid WHERE rolname = ANY($1::text[])",
                list(first.values()),
            )
            owners = await admin.fetch(
                "SELECT nspname, pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = ANY($1::text[])",
                list(SERVICE_NAMES),
            )
        roles = {row["rolname"]: row for row in rows}
        assert all(row["rolcanlogin"] for row in rows)
        assert roles["rsp_circles"]["rolpassword"].startswith("SCRAM-SHA-256$")
        assert {row["nspname"]: row["owner"] for row in owners} == first
    finally:
        # The shared test stack connects over its socket without passwords; leave it as it was.
        async with db.acquire() as admin:
            await admin.execute('ALTER ROLE "rsp_circles" PASSWORD NULL')


def test_passwords_are_read_for_the_services_that_have_one() -> None:
    environment = {"RSP_POSTGRES_PASSWORD_ENROLMENT": "a", "RSP_POSTGRES_PASSWORD_LEARNING": "", "OTHER": "b"}

    assert service_role_passwords(environment) == {"enrolment": "a"}
