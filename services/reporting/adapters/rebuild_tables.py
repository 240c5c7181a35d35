"""A fresh set of read-model tables beside the live ones, and the swap that puts it in their place.

The fresh tables are made `LIKE` the live ones (same columns, keys and indexes, owned by reporting's role), so the
migrations stay the one description of the read models.
"""

from __future__ import annotations

from uuid import UUID

from runtime.database import AnyConnection
from services.reporting.adapters.live_feed import READ_MODELS_LOCK
from services.reporting.adapters.read_models import READ_MODEL_TABLES

__all__ = ["REBUILD_SUFFIX", "claim_rebuilt", "drop_fresh_tables", "make_fresh_tables", "swap_in", "take_rebuild_lock"]

REBUILD_SUFFIX = "_rebuild"
_INBOX = f"inbox{REBUILD_SUFFIX}"
# Session lock held for a whole rebuild: one rebuild at a time.
_ONE_REBUILD = READ_MODELS_LOCK + 1


async def take_rebuild_lock(conn: AnyConnection) -> bool:
    return bool(await conn.fetchval("SELECT pg_try_advisory_lock($1)", _ONE_REBUILD))


async def make_fresh_tables(conn: AnyConnection) -> None:
    await drop_fresh_tables(conn)
    for table in READ_MODEL_TABLES:
        await conn.execute(f"CREATE TABLE {table}{REBUILD_SUFFIX} (LIKE {table} INCLUDING ALL)")
    await conn.execute(f"CREATE TABLE {_INBOX} (event_id uuid PRIMARY KEY)")


async def drop_fresh_tables(conn: AnyConnection) -> None:
    for table in (*READ_MODEL_TABLES, "inbox"):
        await conn.execute(f"DROP TABLE IF EXISTS {table}{REBUILD_SUFFIX}")


async def claim_rebuilt(conn: AnyConnection, event_ids: list[UUID]) -> set[UUID]:
    """The fresh tables' inbox, a batch at a time: of `event_ids`, those not in them yet (now claimed)."""
    rows = await conn.fetch(
        f"INSERT INTO {_INBOX} (event_id) SELECT DISTINCT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id",
        event_ids,
    )
    return {row["event_id"] for row in rows}


async def swap_in(conn: AnyConnection, consumer: str) -> None:
    """Inside the caller's transaction, holding READ_MODELS_LOCK exclusively: the fresh tables become the live
    ones, and the consumer's inbox becomes exactly the events they hold, so a live projection waiting for the
    lock finds its event already applied (or applies it to the fresh tables if the replay had not reached it)."""
    for table in READ_MODEL_TABLES:
        await conn.execute(f"DROP TABLE {table}")
        await conn.execute(f"ALTER TABLE {table}{REBUILD_SUFFIX} RENAME TO {table}")
        for index in await conn.fetch(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1", table
        ):
            name: str = index["indexname"]
            if name.startswith(f"{table}{REBUILD_SUFFIX}"):
                renamed = table + name.removeprefix(f"{table}{REBUILD_SUFFIX}")
                await conn.execute(f'ALTER INDEX "{name}" RENAME TO "{renamed}"')
    await conn.execute("DELETE FROM inbox WHERE consumer = $1", consumer)
    await conn.execute(f"INSERT INTO inbox (consumer, event_id) SELECT $1, event_id FROM {_INBOX}", consumer)
    await conn.execute(f"DROP TABLE {_INBOX}")
