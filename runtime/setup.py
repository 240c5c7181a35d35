"""The set-up step: make what the platform's processes may not make themselves. `python -m runtime.setup`.

Run once per deployment (and again at will: it changes nothing that exists) as a NATS user allowed to create
streams (RSP_NATS_URL); `RSP_STREAM_REPLICAS` sets their replicas on a cluster. The local stack runs the same
function itself before it starts the platform's processes.

Given the platform database's owner (`RSP_SETUP_POSTGRES_DSN`), it first creates or repairs each service's role
(`rsp_<service>`) and the schema that role owns, and sets the role's password from
`RSP_POSTGRES_PASSWORD_<SERVICE>` when that is set (Compose). Where an operator manages the roles and their
passwords (CloudNativePG), leave the passwords unset: the roles are found and only their schemas are seen to.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping

import asyncpg
import nats

from runtime.broker import ensure_streams
from runtime.database_roles import ensure_service_role
from runtime.log import configure_logging
from runtime.settings import SERVICE_NAMES, Settings

__all__ = ["postgres_password_variable", "service_role_passwords", "set_up", "set_up_database"]


async def set_up(nats_url: str, replicas: int) -> None:
    client = await nats.connect(nats_url, name="rsp-setup")
    try:
        await ensure_streams(client.jetstream(), replicas)
    finally:
        await client.close()


def postgres_password_variable(service: str) -> str:
    return f"RSP_POSTGRES_PASSWORD_{service.upper()}"


def service_role_passwords(environ: Mapping[str, str]) -> dict[str, str]:
    """Each service's database password, for the services whose `RSP_POSTGRES_PASSWORD_<SERVICE>` is set."""
    return {
        service: environ[variable]
        for service in SERVICE_NAMES
        if environ.get(variable := postgres_password_variable(service))
    }


async def set_up_database(owner_dsn: str, passwords: Mapping[str, str]) -> dict[str, str]:
    """Create or repair every service's role and schema as the database's owner; return each service's role.

    A password given for a service becomes its role's password (again on every run, so a changed one applies).
    """
    conn = await asyncpg.connect(owner_dsn)
    try:
        database = await conn.fetchval("SELECT current_database()")
        roles = {service: await ensure_service_role(conn, database, service) for service in SERVICE_NAMES}
        for service, password in passwords.items():
            # ALTER ROLE takes no parameters: let the server quote the name and the password itself.
            statement = await conn.fetchval(
                "SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', $1::text, $2::text)", roles[service], password
            )
            await conn.execute(statement)
        return roles
    finally:
        await conn.close()


async def _set_up_everything(settings: Settings) -> None:
    if settings.setup_postgres_dsn:
        roles = await set_up_database(settings.setup_postgres_dsn, service_role_passwords(os.environ))
        print(f"rsp set-up: database roles {', '.join(roles.values())} own their schemas")
    await set_up(settings.require_nats(), settings.stream_replicas)
    print("rsp set-up: the platform's streams are in place")


def main() -> None:
    settings = Settings()
    configure_logging("setup", settings.log_level)
    asyncio.run(_set_up_everything(settings))


if __name__ == "__main__":
    main()
