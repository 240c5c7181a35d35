"""One Postgres role per service, owning its schema and nothing else.

A service's connection can then read and change only its own tables: a bug or an injected query in one service
cannot reach another's data. Run with a superuser connection when a database is set up (the local stack does).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from runtime.database import AnyConnection

__all__ = ["dsn_for_role", "ensure_service_role", "role_name"]


def role_name(service: str) -> str:
    return f"rsp_{service}"


async def ensure_service_role(conn: AnyConnection, database: str, service: str) -> str:
    """Create (or repair) `service`'s role and make it the owner of `service`'s schema and everything in it."""
    role = role_name(service)
    if not await conn.fetchval("SELECT true FROM pg_roles WHERE rolname = $1", role):
        await conn.execute(f'CREATE ROLE "{role}" LOGIN')
    await conn.execute(f'REVOKE CONNECT, TEMPORARY ON DATABASE "{database}" FROM PUBLIC')
    await conn.execute(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"')
    await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{service}" AUTHORIZATION "{role}"')
    await conn.execute(f'ALTER SCHEMA "{service}" OWNER TO "{role}"')
    # A schema made before roles existed holds objects the superuser owns: hand them over (a table's serial
    # sequences and indexes go with it).
    owned = await conn.fetch(
        """
        SELECT c.relname AS name, CASE c.relkind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END AS kind
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v') AND pg_get_userbyid(c.relowner) <> $2
        """,
        service,
        role,
    )
    for row in owned:
        await conn.execute(f'ALTER {row["kind"]} "{service}"."{row["name"]}" OWNER TO "{role}"')
    functions = await conn.fetch(
        "SELECT p.oid::regprocedure::text AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = $1 AND pg_get_userbyid(p.proowner) <> $2",
        service,
        role,
    )
    for row in functions:
        await conn.execute(f'ALTER FUNCTION {row["signature"]} OWNER TO "{role}"')
    return role


def dsn_for_role(dsn: str, role: str) -> str:
    """The same server and database, connecting as `role` (no password: the local socket trusts its user)."""
    parts = urlsplit(dsn)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{role}@{host}", parts.path, parts.query, parts.fragment))
