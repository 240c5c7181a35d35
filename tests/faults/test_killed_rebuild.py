"""`rsp rebuild-reporting` killed with signal 9 in the middle of its replay changes no live figure, holds no lock
for ever, and the next rebuild completes with every fact exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import asyncpg
from nats.js import JetStreamContext

from runtime.database import create_pool
from runtime.local.stack import LocalStack
from tests.faults.scene import FaultScene
from tests.support import eventually, read_model_rows, reporting_settled

RSP = str(Path(sys.executable).parent / "rsp")


def _rebuild_env(local_stack: LocalStack) -> dict[str, str]:
    assert local_stack.nats_operator_url is not None
    env = {key: value for key, value in os.environ.items() if not key.startswith("RSP_")}
    return env | {
        "RSP_POSTGRES_DSN": local_stack.service_dsns["reporting"],
        "RSP_NATS_URL": local_stack.nats_operator_url,
    }


async def _rebuild(local_stack: LocalStack) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        RSP, "rebuild-reporting",
        env=_rebuild_env(local_stack),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


async def test_rebuild_killed_mid_replay_changes_no_figure_and_the_next_one_completes(
    scene: FaultScene, local_stack: LocalStack, db: asyncpg.Pool, js: JetStreamContext
) -> None:
    # 300 completions more on the streams, so the replay lasts long enough to be caught in its middle.
    burst = await scene.burst()
    await burst.send()
    await scene.one_truth(burst)
    await reporting_settled(db, js)
    reporting = await create_pool(local_stack.service_dsns["reporting"], "reporting", max_size=2)
    try:
        live = await read_model_rows(reporting)

        killed = await _rebuild(local_stack)

        async def replaying() -> bool:
            return bool(await db.fetchval("SELECT to_regclass('reporting.inbox_rebuild') IS NOT NULL"))

        await eventually(replaying, within=60, every=0.01)
        os.killpg(killed.pid, signal.SIGKILL)
        await killed.wait()

        assert killed.returncode == -signal.SIGKILL
        assert await read_model_rows(reporting) == live

        again = await _rebuild(local_stack)
        said, _ = await again.communicate()

        assert again.returncode == 0, said.decode()
        assert "rebuilt reporting's read models from" in said.decode()
        await reporting_settled(db, js)
        assert await read_model_rows(reporting) == live
    finally:
        await reporting.close()
    await scene.one_truth(burst)
