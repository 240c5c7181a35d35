"""`rsp up` keeps the stack up: a killed process is started again, one that keeps dying stops it all."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from runtime.local.processes import ManagedProcess
from runtime.local.supervision import GIVE_UP_DEATHS, Supervisor, Watched


def _process(tmp_path: Path, name: str, code: str) -> ManagedProcess:
    return ManagedProcess(name, [sys.executable, "-c", code], dict(os.environ), tmp_path, echo=None)


async def test_process_killed_with_signal_9_is_started_again(tmp_path: Path) -> None:
    worker = _process(tmp_path, "worker", "import time; time.sleep(60)")
    await worker.start()
    said: list[str] = []
    supervisor = Supervisor([worker], [], said.append, first_back_off=0.01)
    supervising = asyncio.create_task(supervisor.run())
    try:
        first = worker.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        for _ in range(100):
            if supervisor.restarts["worker"]:
                break
            await asyncio.sleep(0.05)

        assert supervisor.restarts["worker"] == 1
        assert worker.pid != first
        assert worker.returncode is None
        assert said[0] == "rsp: worker exited with -9; restarting it in 0.0s"
    finally:
        supervising.cancel()
        await worker.stop(grace_seconds=1)


async def test_process_that_keeps_dying_is_given_up_with_the_reason(tmp_path: Path) -> None:
    broken = _process(tmp_path, "bridge", "raise SystemExit(3)")
    await broken.start()

    reason = await asyncio.wait_for(Supervisor([broken], [], lambda _: None, first_back_off=0.01).run(), 30)

    assert reason == f"bridge exited with 3 {GIVE_UP_DEATHS} times within 120s; giving up"


async def test_server_that_stopped_answering_is_restarted(tmp_path: Path) -> None:
    running = False

    async def alive() -> bool:
        return running

    async def restart() -> None:
        nonlocal running
        running = True

    supervisor = Supervisor([], [Watched("postgres", alive, restart)], lambda _: None, first_back_off=0.01)
    supervising = asyncio.create_task(supervisor.run())
    try:
        for _ in range(100):
            if running:
                break
            await asyncio.sleep(0.05)
        assert running
        assert supervisor.restarts["postgres"] == 1
    finally:
        supervising.cancel()
