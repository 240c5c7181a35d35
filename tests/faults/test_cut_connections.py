"""Every service's Postgres connections cut mid-burst (`pg_terminate_backend`): pools, relays and LISTEN come back."""

from __future__ import annotations

import asyncio

import asyncpg

from runtime.database_roles import role_name
from runtime.settings import SERVICE_NAMES
from tests.faults.faults import terminate_service_connections
from tests.faults.scene import FaultScene
from tests.support import eventually


async def _listening_roles(db: asyncpg.Pool) -> set[str]:
    rows = await db.fetch("SELECT DISTINCT usename FROM pg_stat_activity WHERE query ILIKE 'LISTEN %'")
    return {row["usename"] for row in rows}


async def test_cut_database_connections_lose_and_double_no_completion_and_listen_again(scene: FaultScene) -> None:
    roles = {role_name(service) for service in SERVICE_NAMES}
    burst = await scene.burst()

    async def fault() -> None:
        # Twice, so that connections made while healing from the first cut are cut too.
        assert await terminate_service_connections(scene.db) > 0
        await asyncio.sleep(1.0)
        assert await terminate_service_connections(scene.db) > 0

    await burst.during(fault)
    await scene.one_truth(burst)

    async def every_outbox_listens_again() -> bool:
        return roles <= await _listening_roles(scene.db)

    await eventually(every_outbox_listens_again, within=60)
