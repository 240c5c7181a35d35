"""PostgreSQL pools and migrations: each service owns one schema and its numbered SQL files."""

from __future__ import annotations

import json
from pathlib import Path

import asyncpg
from asyncpg.pool import PoolConnectionProxy

__all__ = ["MESSAGING_MIGRATIONS", "AnyConnection", "create_pool", "migrate"]

# A plain connection or one lent by a pool: both run queries the same way.
AnyConnection = asyncpg.Connection | PoolConnectionProxy

MESSAGING_MIGRATIONS = Path(__file__).parent / "migrations"


async def _init_connection(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    await conn.set_type_codec("json", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def _hand_back(conn: asyncpg.Connection) -> None:
    """Make a connection fit for its next borrower without asyncpg's reset query (a round trip on every release).

    The platform's pooled connections keep no session state to undo: nothing LISTENs on them (each waker has a
    connection of its own), settings change only with SET LOCAL, and advisory locks are either per transaction or
    released in a `finally` by the one piece of code that takes them. An open transaction (a borrower that failed
    mid-way) is the one thing left to clear, and asyncpg rolls it back itself before calling this.
    """


async def create_pool(dsn: str, schema: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    """A pool whose connections see only `schema` (and pg_catalog) by default."""
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        reset=_hand_back,
        server_settings={"search_path": schema, "application_name": f"rsp-{schema}"},
    )
    if pool is None:  # asyncpg's stub allows it; a real pool is always returned
        raise RuntimeError("asyncpg returned no pool")
    return pool


def _migration_files(folders: list[Path]) -> list[tuple[str, Path]]:
    files: list[tuple[str, Path]] = []
    for folder in folders:
        files.extend((f"{folder.parent.name}/{path.stem}", path) for path in sorted(folder.glob("*.sql")))
    return files


async def migrate(pool: asyncpg.Pool, schema: str, folders: list[Path]) -> list[str]:
    """Apply the not yet applied migrations of `folders` to `schema`, each in its own transaction.

    An advisory lock serialises replicas of one service starting together. Returns the versions applied.
    """
    applied: list[str] = []
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock(hashtext($1))", f"rsp-migrate-{schema}")
        try:
            # A service running as its own role finds its schema made for it and may not create schemas at all.
            if not await conn.fetchval("SELECT true FROM pg_namespace WHERE nspname = $1", schema):
                await conn.execute(f'CREATE SCHEMA "{schema}"')
            await conn.execute(
                f'CREATE TABLE IF NOT EXISTS "{schema}".schema_migrations '
                "(version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = {r["version"] for r in await conn.fetch(f'SELECT version FROM "{schema}".schema_migrations')}
            for version, path in _migration_files(folders):
                if version in done:
                    continue
                async with conn.transaction():
                    await conn.execute(f'SET LOCAL search_path TO "{schema}"')
                    await conn.execute(path.read_text(encoding="utf-8"))
                    await conn.execute(f'INSERT INTO "{schema}".schema_migrations (version) VALUES ($1)', version)
                applied.append(version)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(hashtext($1))", f"rsp-migrate-{schema}")
    return applied
