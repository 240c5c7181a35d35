"""The LISTEN/NOTIFY waker (outbox relays, reporting's live feed) comes back by itself after its connection dies."""

from __future__ import annotations

import asyncio

import asyncpg

from runtime.local.endpoints import Endpoints
from runtime.waker import Waker

CHANNEL = "rsp_waker_probe"


async def _listening_backends(conn: asyncpg.Connection) -> list[int]:
    rows = await conn.fetch(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'rsp-waker-probe' AND pid <> pg_backend_pid()"
    )
    return [row["pid"] for row in rows]


async def test_waker_listens_again_after_its_backend_is_terminated(stack: Endpoints) -> None:
    waker = Waker(
        lambda: asyncpg.connect(stack.postgres_dsn, server_settings={"application_name": "rsp-waker-probe"}),
        CHANNEL,
        retry_seconds=0.2,
    )
    admin = await asyncpg.connect(stack.postgres_dsn)
    try:
        waker.current()
        await asyncio.wait_for(waker.listening.wait(), 10)
        [backend] = await _listening_backends(admin)

        await admin.execute("SELECT pg_terminate_backend($1)", backend)
        for _ in range(200):  # until it listens again, on a new backend
            again = await _listening_backends(admin)
            if waker.listening.is_set() and again and again != [backend]:
                break
            await asyncio.sleep(0.05)
        woken = waker.current()
        await admin.execute(f"NOTIFY {CHANNEL}")

        assert await Waker.wait(woken, 10)
        assert await _listening_backends(admin) != [backend]
    finally:
        await waker.stop()
        await admin.close()
